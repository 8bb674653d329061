"""Number display as the town writes numbers: 31.3, not 31.30; thousands grouped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from indicators import glossary, periods
from plans import status
from plans.models import SupervisionItem
from plans.status import ItemState

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """A Decimal without trailing zeros, with thousands separators: 20432 → 20,432."""
    if value is None:
        return "—"
    normalized = value.normalize()
    places = max(-normalized.as_tuple().exponent, 0)  # type: ignore[operator]
    return f"{normalized:,.{places}f}"


@register.filter
def published(value: Decimal | None, decimals: int | None = None) -> str:
    """A published value as published (indicators.glossary.published), grouped."""
    return glossary.published(value, decimals, grouped=True)


@register.filter
def two_places(value: Decimal | None) -> str:
    """A rate, points or an amount in 亿元: two decimals (indicators.glossary.two_places)."""
    return glossary.two_places(value, grouped=True)


@register.filter
def item_state(item: SupervisionItem, on: date | None = None) -> ItemState:
    """A 督办 item's state today (plans.status.item_state): print .label, class .tone."""
    return status.item_state(
        resolved=not item.is_open, due_date=item.due_date, on=on or periods.today()
    )


@register.simple_tag
def stage_states() -> list[status.StageState]:
    """The stage states in order, for a legend that says the enum's own words."""
    return list(status.StageState)


@register.simple_tag
def glossary_word(name: str) -> str:
    """A word or note of indicators.glossary by its name: {% glossary_word "FIGURE_NOTE" %}."""
    return str(getattr(glossary, name))

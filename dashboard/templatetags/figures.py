"""Number display as the town writes numbers: 31.3, not 31.30; thousands grouped."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: Decimal | None) -> str:
    """A Decimal without trailing zeros, with thousands separators: 20432 → 20,432."""
    if value is None:
        return "—"
    normalized = value.normalize()
    places = max(-normalized.as_tuple().exponent, 0)  # type: ignore[operator]
    return f"{normalized:,.{places}f}"

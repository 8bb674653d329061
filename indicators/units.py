"""The unit table in memory, and conversion between units of one dimension.

Units are data (indicators.models.Unit), but their name, dimension and factor are fixed once
anything uses them, so each process keeps the table in memory: a page that prints the unit of
a hundred indicators asks no query. A unit saved or deleted in this process clears the copy; a
unit another process adds is loaded the first time its id is asked for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

# The dimensions whose values add up (indicators.models.Dimension's values).
ADDITIVE_DIMENSIONS = frozenset({"money", "area", "length", "mass", "count"})


@dataclass(frozen=True)
class UnitInfo:
    """One unit as pages and parsers need it: `factor` base units per one of this unit."""

    pk: int
    code: str
    name: str
    dimension: str
    factor: Decimal

    @property
    def is_ratio(self) -> bool:
        return self.dimension == "ratio"

    @property
    def is_additive(self) -> bool:
        """Values of parts add up to the whole's (money, area, length, mass, counts): villages'
        亿元 or 亩 sum to the town's; a rate (%) or a per-unit measure (公斤/亩) does not."""
        return self.dimension in ADDITIVE_DIMENSIONS


class UnitMismatch(ValueError):
    """Two units that do not convert into one another; str() says so in Chinese."""


_lock = threading.Lock()
_by_pk: dict[int, UnitInfo] = {}
_by_name: dict[str, UnitInfo] = {}


def _load() -> None:
    from indicators.models import Unit

    rows = [
        UnitInfo(u.pk, u.code, u.name, u.dimension, u.factor) for u in Unit.objects.order_by("pk")
    ]
    with _lock:
        _by_pk.clear()
        _by_name.clear()
        for info in rows:
            _by_pk[info.pk] = info
            _by_name[info.name] = info


def clear(**_kwargs: object) -> None:
    """Forget the table (a unit was saved or deleted); the next lookup reloads it."""
    with _lock:
        _by_pk.clear()
        _by_name.clear()


def get(pk: int | None) -> UnitInfo:
    """The unit with this id. KeyError if there is none."""
    if pk is None:
        raise KeyError(pk)
    info = _by_pk.get(pk)
    if info is None:
        _load()
        info = _by_pk[pk]
    return info


def by_name(name: str) -> UnitInfo | None:
    """The unit called `name` (亿元, 亩 …), or None."""
    info = _by_name.get(name)
    if info is None:  # not loaded yet, or added by another process since
        _load()
        info = _by_name.get(name)
    return info


def names() -> list[str]:
    """Every unit's name, longest first (so 万平方米 is matched before 平方米)."""
    if not _by_name:
        _load()
    return sorted(_by_name, key=len, reverse=True)


def convert(value: Decimal, source: UnitInfo, target: UnitInfo) -> Decimal:
    """`value` in `source` expressed in `target` (3.49 亿元 → 34900 万元).

    Exact for decimal factors; 亩 ↔ 平方米 carries the factor's 10 decimals. Raises
    UnitMismatch when the two units are of different dimensions or are counts (家 is not 个).
    """
    if source.pk == target.pk:
        return value
    from indicators.models import Dimension

    if source.dimension != target.dimension or source.dimension not in Dimension.convertible():
        raise UnitMismatch(
            _("单位“%(source)s”不能换算为本指标的单位“%(target)s”。")
            % {"source": source.name, "target": target.name}
        )
    return value * source.factor / target.factor


def connect() -> None:
    """Clear the in-memory table whenever a unit is saved or deleted (called from AppConfig)."""
    from indicators.models import Unit

    post_save.connect(clear, sender=Unit, dispatch_uid="units-clear-save")
    post_delete.connect(clear, sender=Unit, dispatch_uid="units-clear-delete")

"""Writes for the indicators app. Every change to a figure leaves a FigureRevision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Office, User
from indicators import periods
from indicators.models import Category, Figure, FigureRevision, Frequency, Indicator, Place, Unit
from xiage.signals import data_written

KEY_CATEGORIES = (Category.INDUSTRY, Category.INVESTMENT, Category.CONSUMPTION)


@dataclass(frozen=True)
class FigureEntry:
    """What a person typed for one indicator: value None means nothing entered.

    `expected_version` is the figure's version when the form was opened (0: there was none);
    None skips the check (seed, import of a whole file). `growth_unpublished`: the person wrote
    that no 同比 was published (growth is then None).
    """

    indicator: Indicator
    value: Decimal | None
    growth: Decimal | None = None
    note: str = ""
    expected_version: int | None = None
    growth_unpublished: bool = False


@dataclass(frozen=True)
class Conflict:
    """A figure someone else changed after this person opened it: each differing part, with
    the stored value and the one this person typed."""

    indicator: Indicator
    yours: Decimal | None
    current: Decimal | None
    changed_by: User | None
    differences: tuple[tuple[str, str, str], ...] = ()  # (part, stored, typed)

    @property
    def message(self) -> str:
        who = str(self.changed_by) if self.changed_by else _("他人")
        parts = self.differences or ((_("本期数"), _plain(self.current), _plain(self.yours)),)
        said = "；".join(
            _("%(part)s当前为 %(stored)s，您填写的是 %(typed)s")
            % {"part": part, "stored": stored, "typed": typed}
            for part, stored, typed in parts
        )
        return _("“%(name)s”在您打开后已被%(who)s修改：%(said)s。请核对后重新保存。") % {
            "name": self.indicator.name,
            "who": who,
            "said": said,
        }


def _plain(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def _growth_said(growth: Decimal | None, unpublished: bool) -> str:
    return _("未公布") if growth is None and unpublished else _plain(growth)


class ConcurrentEdit(ValidationError):
    """Raised, before anything is written, when a save would overwrite another's change."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__([conflict.message for conflict in conflicts], code="conflict")


@dataclass
class SaveResult:
    created: int = 0
    changed: int = 0
    revised: int = 0

    @property
    def touched(self) -> int:
        return self.created + self.changed + self.revised


@transaction.atomic
def figures_save(
    *,
    year: int,
    month: int,
    place: Place,
    entries: Sequence[FigureEntry],
    user: User | None,
    on: date | None = None,
    reason: str = "",
) -> SaveResult:
    """Create or change the figures of one period and place, all or none.

    A change to a month older than the one being reported keeps the earlier value in the
    revision record and marks the figure 修订. Unchanged rows are left alone. Queries: one read,
    then at most one bulk insert, one bulk update and one bulk insert of revisions.

    `user` may write every entry's office (accounts.permissions.can_write_office), else
    PermissionDenied; None is the server itself (seeding, commands).
    """
    from indicators.review import ensure_open

    offices = {entry.indicator.office_id for entry in entries}
    if user is not None and not all(permissions.can_write_office(user, o) for o in offices):
        raise PermissionDenied
    ensure_open(offices, year, month)
    past = periods.is_past_reporting(year, month, on)
    existing = {
        figure.indicator_id: figure
        for figure in Figure.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(
            indicator__in=[entry.indicator.pk for entry in entries],
            year=year,
            month=month,
            place=place,
        )
    }
    now = timezone.now()
    result = SaveResult()
    to_create: list[Figure] = []
    to_update: list[Figure] = []
    revisions: list[FigureRevision] = []
    conflicts = [
        conflict
        for entry in entries
        if (conflict := _conflict(entry, existing.get(entry.indicator.pk))) is not None
    ]
    if conflicts:
        raise ConcurrentEdit(conflicts)
    for entry in entries:
        figure = existing.get(entry.indicator.pk)
        if figure is None:
            if entry.value is None:
                continue
            figure = Figure(
                indicator=entry.indicator,
                year=year,
                month=month,
                place=place,
                value=entry.value,
                growth=entry.growth,
                growth_unpublished=entry.growth_unpublished,
                note=entry.note,
                entered_by=user,
                updated_by=user,
            )
            to_create.append(figure)
            revisions.append(_revision(figure, FigureRevision.Action.CREATED, None, user, reason))
            result.created += 1
            continue
        if entry.value is None or (
            figure.value == entry.value
            and figure.growth == entry.growth
            and figure.growth_unpublished == entry.growth_unpublished
            and figure.note == entry.note
        ):
            continue
        before = (figure.value, figure.growth, figure.growth_unpublished, figure.note)
        figure.value, figure.growth, figure.note = entry.value, entry.growth, entry.note
        figure.growth_unpublished = entry.growth_unpublished
        figure.updated_by, figure.updated_at = user, now
        if figure.is_demo:  # a person's figure replaces a generated one, and its source
            figure.source = ""
        figure.is_demo = False
        figure.version += 1
        if past:
            figure.is_revised = True
            action = FigureRevision.Action.REVISED
            result.revised += 1
        else:
            action = FigureRevision.Action.CHANGED
            result.changed += 1
        to_update.append(figure)
        revisions.append(_revision(figure, action, before, user, reason))
    if to_create:
        try:
            with transaction.atomic():
                Figure.objects.bulk_create(to_create)
        except IntegrityError as exc:
            # Another person created the same figure a moment ago (their row won the race).
            raise ConcurrentEdit(
                [Conflict(f.indicator, f.value, None, None) for f in to_create]
            ) from exc
    if to_update:
        Figure.objects.bulk_update(
            to_update,
            [
                "value",
                "growth",
                "growth_unpublished",
                "note",
                "updated_by",
                "updated_at",
                "is_revised",
                "is_demo",
                "source",
                "version",
            ],
        )
    if revisions:
        for revision in revisions:
            revision.figure_id = revision.figure.pk
        FigureRevision.objects.bulk_create(revisions)
    if to_create or to_update:
        data_written(Figure)  # bulk writes send no model signals
    return result


def _conflict(entry: FigureEntry, figure: Figure | None) -> Conflict | None:
    """A conflict when the figure changed since the form was opened and this save would
    replace any part of it (value, growth or note) with something else."""
    if entry.expected_version is None:
        return None
    current_version = figure.version if figure is not None else 0
    if current_version == entry.expected_version:
        return None
    if figure is None:
        if entry.value is None:
            return None
        differences: tuple[tuple[str, str, str], ...] = (
            (_("本期数"), _plain(None), _plain(entry.value)),
        )
    else:
        if entry.value is None:
            return None  # this person typed nothing for the row: nothing would be replaced
        differences = tuple(
            (part, stored, typed)
            for part, stored, typed in (
                (_("本期数"), _plain(figure.value), _plain(entry.value)),
                (
                    _("同比增长"),
                    _growth_said(figure.growth, figure.growth_unpublished),
                    _growth_said(entry.growth, entry.growth_unpublished),
                ),
                (_("情况说明"), figure.note or "—", entry.note or "—"),
            )
            if stored != typed
        )
        if not differences:
            return None  # the same figure either way: nothing would be lost
    return Conflict(
        indicator=entry.indicator,
        yours=entry.value,
        current=figure.value if figure is not None else None,
        changed_by=figure.updated_by if figure is not None else None,
        differences=differences,
    )


def _revision(
    figure: Figure,
    action: str,
    before: tuple[Decimal, Decimal | None, bool, str] | None,
    user: User | None,
    reason: str,
) -> FigureRevision:
    old_value, old_growth, old_unpublished, old_note = before or (None, None, False, "")
    return FigureRevision(
        figure=figure,
        action=action,
        old_value=old_value,
        new_value=figure.value,
        old_growth=old_growth,
        new_growth=figure.growth,
        old_growth_unpublished=old_unpublished,
        new_growth_unpublished=figure.growth_unpublished,
        old_note=old_note,
        new_note=figure.note,
        changed_by=user,
        reason=reason,
    )


def monthly_report_save(
    *,
    office: Office,
    year: int,
    month: int,
    entries: Sequence[FigureEntry],
    user: User,
    on: date | None = None,
) -> SaveResult:
    """Save an office's monthly report (town figures): the user must write the office
    (accounts.permissions.can_save_month_report for the page). Callers check the input."""
    if not permissions.can_write_office(user, office):
        raise PermissionDenied
    if any(entry.indicator.office_id != office.pk for entry in entries):
        raise ValueError("every entry must belong to the office being reported")
    town = Place.objects.get(level=Place.Level.TOWN)
    return figures_save(year=year, month=month, place=town, entries=entries, user=user, on=on)


# --- seed -----------------------------------------------------------------------------------


@transaction.atomic
def places_seed(*, town_name: str, villages: Iterable[str]) -> int:
    created = 0
    _town, was_created = Place.objects.get_or_create(
        level=Place.Level.TOWN, defaults={"name": town_name, "order": 0}
    )
    created += was_created
    for order, name in enumerate(villages, start=1):
        _place, was_created = Place.objects.get_or_create(
            name=name, defaults={"level": Place.Level.VILLAGE, "order": order}
        )
        created += was_created
    return created


@transaction.atomic
def catalogue_seed(*, indicators: Iterable[dict]) -> int:
    """Create missing indicators; an existing one keeps whatever an admin has changed."""
    offices = {office.code: office for office in Office.objects.all()}
    town = Place.objects.get(level=Place.Level.TOWN)
    created = 0
    for order, spec in enumerate(indicators, start=1):
        if Indicator.objects.filter(code=spec["code"]).exists():
            continue
        indicator = Indicator(
            code=spec["code"],
            name=spec["name"],
            category=spec["category"],
            unit=Unit.objects.get(code=spec["unit"]),
            decimals=spec["decimals"],
            kind=spec["kind"],
            direction=spec["direction"],
            frequency=spec.get("frequency", Frequency.MONTHLY),
            definition=spec["definition"],
            office=offices[spec["office"]],
            order=order,
            # The economic indicators lead the dashboard; admins may change the choice.
            is_key=spec["category"] in KEY_CATEGORIES,
        )
        indicator.full_clean()
        indicator.save()
        indicator.places.add(town)
        created += 1
    return created


@transaction.atomic
def figures_seed(*, figures: Iterable[dict], source: str) -> int:
    """Create the document's figures that are missing, each with a creation record."""
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    places = {place.name: place for place in Place.objects.all()}
    town = next(place for place in places.values() if place.level == Place.Level.TOWN)
    created = 0
    for spec in figures:
        indicator = indicators[spec["indicator"]]
        place = places[spec["place"]] if spec["place"] else town
        if Figure.objects.filter(
            indicator=indicator, year=spec["year"], month=spec["month"], place=place
        ).exists():
            continue
        indicator.places.add(place)
        figure = Figure(
            indicator=indicator,
            year=spec["year"],
            month=spec["month"],
            place=place,
            value=Decimal(spec["value"]),
            growth=Decimal(spec["growth"]) if spec["growth"] else None,
            reported_completion_rate=(
                Decimal(spec["completion_rate"]) if spec["completion_rate"] else None
            ),
            note=spec["note"],
            source=source,
        )
        figure.full_clean()
        figure.save()
        FigureRevision.objects.create(
            figure=figure,
            action=FigureRevision.Action.CREATED,
            new_value=figure.value,
            new_growth=figure.growth,
            new_note=figure.note,
            reason=_("从《%(source)s》导入") % {"source": source},
        )
        created += 1
    return created

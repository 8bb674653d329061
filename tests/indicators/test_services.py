"""Saving figures: all or nothing, every change on record, revisions of past months marked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from indicators.models import Figure, FigureRevision
from indicators.services import FigureEntry, figures_save, monthly_report_save
from tests.factories import FigureFactory, IndicatorFactory

pytestmark = pytest.mark.django_db
OCTOBER_2023 = date(2023, 10, 15)


def test_a_new_figure_records_who_entered_it(output, town, clerk, office_a):
    result = monthly_report_save(
        office=office_a,
        year=2023,
        month=9,
        entries=[FigureEntry(output, D("29.74"), D("31.3"), "")],
        user=clerk,
        on=OCTOBER_2023,
    )
    assert (result.created, result.changed, result.revised) == (1, 0, 0)
    figure = Figure.objects.get(indicator=output, year=2023, month=9, place=town)
    assert figure.value == D("29.74") and figure.growth == D("31.3")
    assert figure.entered_by == clerk and figure.updated_by == clerk
    assert figure.entered_at is not None and not figure.is_revised
    revision = figure.revisions.get()
    assert revision.action == "created" and revision.changed_by == clerk
    assert revision.old_value is None and revision.new_value == D("29.74")


def test_changing_a_figure_of_the_month_being_reported_is_a_plain_change(
    output, town, clerk, leader
):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    result = figures_save(
        year=2023,
        month=9,
        place=town,
        entries=[FigureEntry(output, D("29.74"))],
        user=clerk,
        on=OCTOBER_2023,
    )
    assert (result.changed, result.revised) == (1, 0)
    figure.refresh_from_db()
    assert figure.value == D("29.74") and not figure.is_revised and figure.updated_by == clerk
    revision = figure.revisions.get()
    assert (revision.action, revision.old_value, revision.new_value) == (
        "changed",
        D("29.00"),
        D("29.74"),
    )


def test_changing_a_past_month_keeps_the_earlier_value_and_marks_it_revised(output, town, clerk):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=6, value=D("18.00"))
    result = figures_save(
        year=2023,
        month=6,
        place=town,
        entries=[FigureEntry(output, D("18.40"), None, "统计局反馈更正")],
        user=clerk,
        on=OCTOBER_2023,
    )
    assert result.revised == 1
    figure.refresh_from_db()
    assert figure.is_revised and figure.value == D("18.40")
    revision = figure.revisions.get()
    assert revision.action == "revised"
    assert revision.old_value == D("18.00") and revision.new_value == D("18.40")
    assert revision.new_note == "统计局反馈更正"


def test_an_unchanged_row_is_left_alone(output, town, clerk):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.74"))
    result = figures_save(
        year=2023,
        month=9,
        place=town,
        entries=[FigureEntry(output, D("29.740"))],
        user=clerk,
        on=OCTOBER_2023,
    )
    assert result.touched == 0
    assert not figure.revisions.exists()


def test_a_report_is_saved_all_or_nothing(output, firms, town, clerk, office_a, monkeypatch):
    """If the database refuses one row, none of the rows is kept."""
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("29.00"))
    original_bulk_create = FigureRevision.objects.bulk_create

    def failing_bulk_create(*args, **kwargs):
        raise IntegrityError("simulated failure after the figures were written")

    monkeypatch.setattr(FigureRevision.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(IntegrityError):
        monthly_report_save(
            office=office_a,
            year=2023,
            month=9,
            entries=[FigureEntry(output, D("29.74")), FigureEntry(firms, D("132"))],
            user=clerk,
            on=OCTOBER_2023,
        )
    monkeypatch.setattr(FigureRevision.objects, "bulk_create", original_bulk_create)
    assert Figure.objects.get(indicator=output, month=9).value == D("29.00")
    assert not Figure.objects.filter(indicator=firms).exists()


def test_a_report_refuses_another_offices_indicator(output, town, clerk, office_a, office_b):
    foreign = IndicatorFactory(office=office_b, places=[town])
    with pytest.raises(ValueError):
        monthly_report_save(
            office=office_a,
            year=2023,
            month=9,
            entries=[FigureEntry(output, D("1")), FigureEntry(foreign, D("2"))],
            user=clerk,
        )
    assert not Figure.objects.exists()


def test_the_database_holds_one_figure_per_indicator_period_and_place(output, town):
    FigureFactory(indicator=output, place=town, year=2023, month=9)
    duplicate = Figure(indicator=output, place=town, year=2023, month=9, value=D("1"))
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "该指标在这个月份和地点已有数据" in str(excinfo.value)


def test_the_database_refuses_month_13(output, town):
    figure = Figure(indicator=output, place=town, year=2023, month=13, value=D("1"))
    with pytest.raises(ValidationError) as excinfo:
        figure.full_clean()
    assert "月份应在1到12之间" in str(excinfo.value)
    with pytest.raises(IntegrityError):
        Figure.objects.bulk_create([figure])


def test_the_kind_of_an_indicator_cannot_change_once_figures_exist(output, town):
    output.kind = "stock"
    output.full_clean()  # no figures yet: allowed
    output.kind = "ytd"
    FigureFactory(indicator=output, place=town)
    output.kind = "stock"
    with pytest.raises(ValidationError) as excinfo:
        output.full_clean()
    assert excinfo.value.message_dict["kind"] == ["该指标已有数据，不能修改统计类型。"]


def test_a_person_changing_a_demo_figure_makes_it_real(output, town, clerk):
    figure = FigureFactory(
        indicator=output, place=town, year=2023, month=9, value=D("20"), is_demo=True
    )
    figures_save(
        year=2023,
        month=9,
        place=town,
        entries=[FigureEntry(output, D("29.74"))],
        user=clerk,
        on=OCTOBER_2023,
    )
    figure.refresh_from_db()
    assert not figure.is_demo and figure.updated_by == clerk

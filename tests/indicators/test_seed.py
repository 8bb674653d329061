"""The document's 2023 figures as loaded into the database, and the demo data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Office
from indicators.models import Category, Figure, FigureRevision, Indicator, Place, Unit
from indicators.seed import data

pytestmark = pytest.mark.django_db
SOURCE = "下各镇2023年工作总结和2024工作思路（2024-01-10）"


@pytest.fixture
def seeded():
    call_command("seed")


@pytest.mark.django_db
def test_the_data_files_units_are_in_the_unit_table():
    table = dict(Unit.objects.values_list("code", "name"))
    assert {code: table.get(code) for code in data.UNITS} == data.UNITS
    assert set(data.CATEGORIES) == set(Category.values)


def test_every_figure_of_the_document_is_in_the_database_as_stated(seeded):
    town = Place.objects.get(level="town")
    assert Figure.objects.count() == len(data.FIGURES_2023)
    for spec in data.FIGURES_2023:
        place = Place.objects.get(name=spec["place"]) if spec["place"] else town
        figure = Figure.objects.get(
            indicator__code=spec["indicator"], year=2023, month=spec["month"], place=place
        )
        assert figure.value == D(spec["value"]), spec
        assert figure.growth == (D(spec["growth"]) if spec["growth"] else None), spec
        expected_rate = D(spec["completion_rate"]) if spec["completion_rate"] else None
        assert figure.reported_completion_rate == expected_rate, spec
        assert figure.source == SOURCE and not figure.is_demo
        assert figure.revisions.get().reason == f"从《{SOURCE}》导入"


def test_the_headline_figures_read_as_in_the_document(seeded):
    output = Figure.objects.get(indicator__name="规上工业产值")
    assert (output.period_label, output.value_display, output.growth) == (
        "2023年1-9月",
        D("29.74"),
        D("31.3"),
    )
    assert output.indicator.unit_label == "亿元" and output.indicator.office.name == "经济发展办"
    investment = Figure.objects.get(indicator__name="工业性投资")
    assert investment.value == D("1.71") and investment.reported_completion_rate == D("93.63")
    assert investment.indicator.definition == "不含比亚迪"
    wholesale = Figure.objects.get(indicator__name="限上批发业商品销售额")
    assert wholesale.period_label == "2023年1-10月" and wholesale.value == D("2.5")
    rate = Figure.objects.get(indicator__name="发证率")
    # A rate kept as reported, though it is neither 11985/20432 nor 11985/13903.
    assert rate.value == D("76.55") and rate.indicator.kind == "stock"
    yield_ = Figure.objects.get(indicator__unit__code="kg_per_mu")
    assert yield_.place.name == "马垟村" and yield_.value == D("690.1")


def test_the_seed_is_idempotent_and_keeps_admin_edits(seeded):
    counts = (
        Office.objects.count(),
        Place.objects.count(),
        Indicator.objects.count(),
        Figure.objects.count(),
        FigureRevision.objects.count(),
    )
    Indicator.objects.filter(code="industrial_output_above").update(name="规模以上工业总产值")
    call_command("seed")
    assert counts == (
        Office.objects.count(),
        Place.objects.count(),
        Indicator.objects.count(),
        Figure.objects.count(),
        FigureRevision.objects.count(),
    )
    assert Indicator.objects.get(code="industrial_output_above").name == "规模以上工业总产值"


def test_the_seeded_report_form_shows_the_documents_figures(seeded, client):
    from accounts.models import User
    from accounts.roles import Role
    from tests.factories import UserFactory

    office = Office.objects.get(name="经济发展办")
    clerk: User = UserFactory(office=office, roles=[Role.CLERK])
    client.force_login(clerk)
    with time_machine.travel(datetime(2024, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        response = client.get(f"/admin/indicators/figure/report/?office={office.pk}&period=2023-09")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'aria-label="规上工业产值（亿元）" id="id_rows-1-value"' in body
    assert 'value="29.74"' in body and 'value="31.3"' in body
    assert "公布完成率 93.63%" in body


def test_demo_data_is_marked_and_removable(seeded, settings):
    settings.DEBUG = True
    real = Figure.objects.count()
    with time_machine.travel(datetime(2024, 11, 5, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("demo_data")
        first = dict(
            Figure.objects.filter(is_demo=True).values_list("pk", "value").order_by("pk")[:5]
        )
        call_command("demo_data")  # idempotent
    demo = Figure.objects.filter(is_demo=True)
    assert demo.count() > 0 and Figure.objects.count() == real + demo.count()
    assert set(demo.values_list("year", flat=True)) == {2024}
    months = set(demo.values_list("month", flat=True))
    # 1-2月 to September: October is being reported, a real to-do, not demo figures
    assert months == set(range(2, 10))
    output = demo.get(indicator__code="industrial_output_above", month=9)
    assert output.note.startswith("演示数据")
    assert first  # the generator is seeded: the same values come back after a reload
    call_command("demo_data", "--remove")
    assert not Figure.objects.filter(is_demo=True).exists()
    assert Figure.objects.count() == real
    with time_machine.travel(datetime(2024, 11, 5, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("demo_data")
    again = (
        Figure.objects.filter(is_demo=True)
        .values_list("value", flat=True)
        .order_by("indicator_id", "year", "month")[:5]
    )
    assert list(again) == list(first.values())


def test_demo_cumulative_figures_never_fall_within_a_year(seeded, settings):
    settings.DEBUG = True
    with time_machine.travel(datetime(2025, 3, 5, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("demo_data")
    values = list(
        Figure.objects.filter(is_demo=True, indicator__code="industrial_output_above", year=2024)
        .order_by("month")
        .values_list("value", flat=True)
    )
    assert len(values) == 11 and values == sorted(values)


def test_demo_data_refuses_to_load_with_debug_off(seeded, settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="开发环境"):
        call_command("demo_data")
    assert not Figure.objects.filter(is_demo=True).exists()


def test_demo_months_before_the_one_being_reported_are_closed(seeded, settings):
    """A new installation does not show two years of demo months as overdue drafts."""
    from indicators.models import MonthReview

    settings.DEBUG = True
    with time_machine.travel(datetime(2024, 11, 5, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("demo_data")
        months = set(
            Figure.objects.filter(is_demo=True).values_list("indicator__office_id", "year", "month")
        )
        closed = set(MonthReview.objects.values_list("office_id", "year", "month"))
        assert {m for m in months if m[1:] < (2024, 10)} <= closed
        assert not {m for m in closed if m[1:] >= (2024, 10)}
        assert set(MonthReview.objects.values_list("state", flat=True)) == {"reviewed"}
        call_command("demo_data")  # idempotent
        assert MonthReview.objects.count() == len(closed)

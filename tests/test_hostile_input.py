"""Bad input never hurts: random and hostile input at every form (hypothesis).

Every property runs 500 examples. The database is built once per test; each example runs in a
savepoint that is rolled back, so every example starts from the same data and a rejected post
can be compared with the state before it. No example may answer with a server error; a
rejected post answers 200 with a Chinese message and leaves the database as it was.

Every URL of the app, the admin's included, is walked too (section 10): each query parameter
its view reads gets NUL bytes, negative, zero, huge and non-numeric values, each id in its path
hostile ids, each admin list action hostile ids, and each admin form a NUL byte in every text
field. On SQLite a NUL byte reaching a query is refused as PostgreSQL refuses it, so the suite
finds on both databases what would be a server error on production's.

Bugs this suite found are fixed; each stays as a minimal regression test in the "known bugs"
section. One limit remains, on SQLite only: test_a_16_digit_figure_is_kept_exactly (strict
xfail there).
"""

from __future__ import annotations

import csv
import decimal
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal as D
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import DecimalValidator
from django.db import DataError, connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from accounts.models import User
from accounts.roles import Role
from dashboard.exports import safe_text
from indicators import excel
from indicators.forms import FigureRowForm, parse_number
from indicators.models import (
    Figure,
    FigureRevision,
    Indicator,
    MonthReview,
    MonthReviewEvent,
)
from indicators.selectors import ReportRow
from plans.models import ProgressReport, Project, SupervisionItem, Target
from plans.services import project_create
from tests import strategies as hs
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    OfficeFactory,
    PlaceFactory,
    TaskFactory,
    UserFactory,
    unit,
)

pytestmark = [
    pytest.mark.django_db,
    # django-tables2 warns about a "." in a hostile ?sort= value; that is the point here.
    pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning"),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # a Chinese character
SCRIPT = "<script>alert"

# 100 examples per form when run here (`make test`); CI sets HOSTILE_EXAMPLES=500 for its run
# on PostgreSQL (production's database) and keeps 100 on SQLite.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "100"))

hostile = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The same examples on every run: CI proves what was seen here, and a red build always
    # reproduces. Random exploration is one edit away (derandomize=False).
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # nothing written under the project folder
    print_blob=True,
)

REPORT = "/admin/indicators/figure/report/"
REVIEW = "/admin/indicators/figure/review/"
PROGRESS = "/admin/plans/progressreport/report/"
SUPERVISION_ADD = "/admin/plans/supervisionitem/add/"
LOGIN = "/accounts/login/"


# --- helpers --------------------------------------------------------------------------------


def _refuse_nul(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    """What PostgreSQL does with a NUL byte in text, on any database: refuse the query."""
    if many:
        params = list(params)  # an executemany's rows may come as a generator: read them once
    rows = params if many else [params]
    for row in rows or ():
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _nul_refused_like_postgresql(db) -> Iterator[None]:
    """SQLite stores a NUL byte where PostgreSQL (production's database) refuses it with an
    error; refusing it here too makes every NUL that reaches a query fail on both."""
    with connection.execute_wrapper(_refuse_nul):
        yield


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example: whatever it writes is undone, so the next one starts from the same data.
    The cache is emptied after the rollback: it may hold what the example wrote (a session read
    through the cache, with an upload waiting for 确认导入; a built page)."""
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        cache.clear()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def signed_in(db) -> Callable[[User], Client]:
    """A signed-in client per user, made once per test and before any example's savepoint
    (a session made inside one would be rolled back with it). Each example starts without
    the previous example's flash messages."""
    clients: dict[int, Client] = {}
    depth = len(transaction.get_connection().savepoint_ids)

    def client(user: User) -> Client:
        if user.pk not in clients:
            assert len(transaction.get_connection().savepoint_ids) == depth, "inside an example"
            clients[user.pk] = client_for(user)
        clients[user.pk].cookies.pop("messages", None)
        return clients[user.pk]

    return client


def assert_chinese(messages: list[str]) -> None:
    assert messages, "a refusal without a message"
    for message in messages:
        assert message.strip() and CJK.search(message), f"not a Chinese message: {message!r}"


def assert_answers_query(response, query: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """A page asked with `query` shows (200); a NUL byte anywhere in the query is refused
    before any view with a Chinese 400 (xiage.middleware.RequestGuardMiddleware)."""
    if any("\x00" in text for text in [*query, *query.values()]):
        assert response.status_code == 400
        assert "网址中含有无法处理的字符" in response.content.decode()
    else:
        assert response.status_code == 200


def assert_no_raw_script(response) -> None:  # type: ignore[no-untyped-def]
    assert SCRIPT not in response.content.decode(errors="replace")


def management(count: int) -> dict[str, str]:
    return {
        "rows-TOTAL_FORMS": str(count),
        "rows-INITIAL_FORMS": str(count),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }


def count_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-10, 10**7).map(str),
        st.sampled_from(["", "0", "3", "1000", "-1", "3.0", "３", "1e3", "99999999999999999999"]),
        hs.field_text(),
    )


def management_form(rows: int) -> st.SearchStrategy[dict[str, str]]:
    """The management form as the page posts it, missing, or tampered with."""
    keys = ["rows-TOTAL_FORMS", "rows-INITIAL_FORMS", "rows-MIN_NUM_FORMS", "rows-MAX_NUM_FORMS"]
    return st.one_of(
        st.just(management(rows)),
        st.just({}),
        st.fixed_dictionaries({key: count_text() for key in keys}),
        st.dictionaries(st.sampled_from(keys), count_text()),
    )


def answers(data: dict[str, str], *ok: int) -> tuple[int, ...]:
    """The statuses a post may get: `ok`, or Django's own 400 once the fields pass
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB; counted as MultiPartParser counts them)."""
    size = sum(len(key) + 2 + len(value.encode()) for key, value in data.items())
    return (400,) if size > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE else ok


def as_stored(value: D) -> D:
    """A figure as the database gives it back. Django's SQLite backend reads decimals through
    a float with 15 significant digits (test_a_16_digit_figure_is_kept_exactly)."""
    if connection.vendor != "sqlite":
        return value
    return decimal.Context(prec=15).create_decimal_from_float(float(value))


def fits(value: D | None, max_digits: int, places: int) -> bool:
    if value is None:
        return True
    try:
        DecimalValidator(max_digits, places)(value)
    except ValidationError:
        return False
    return True


# --- 1. parse_number and FigureRowForm, pure form level -------------------------------------


@hostile
@given(raw=hs.field_text())
@example(raw="１，２３４")
@example(raw="1e999")
@example(raw="NaN")
@example(raw="Infinity")
@example(raw="-0")
@example(raw="\x00")
@example(raw="1\n%")
@example(raw="٣٤٥")
def test_parse_number_gives_a_decimal_or_a_chinese_refusal(raw: str) -> None:
    with translation.override("zh-hans"):
        try:
            value = parse_number(raw)
        except ValidationError as exc:
            assert_chinese(exc.messages)
            return
    assert isinstance(value, D) and value.is_finite()
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int) and exponent <= 0
    assert len(digits) + exponent <= 16  # never more integer digits than Figure.value holds


@st.composite
def memory_rows(draw: st.DrawFn) -> ReportRow:
    """A ReportRow with an indicator and figures built in memory (no database)."""
    indicator = Indicator(
        code="hostile",
        name='<script>alert("x")</script>指标',
        category="industry",
        unit=unit(draw(st.sampled_from(["yi_yuan", "percent", "firm", "mu"]))),
        decimals=draw(st.integers(0, 4)),
        kind=draw(st.sampled_from(["ytd", "monthly", "stock"])),
        direction=draw(st.sampled_from(["higher", "lower"])),
    )
    amounts = st.decimals(min_value=0, max_value=10**6, places=2)

    def figure(year: int, month: int) -> Figure | None:
        if not draw(st.booleans()):
            return None
        value = draw(st.one_of(st.just(D(0)), amounts))
        return Figure(indicator=indicator, year=year, month=month, value=value)

    return ReportRow(
        indicator=indicator,
        figure=figure(2023, 9),
        previous=figure(2023, 8),
        last_year=figure(2022, 9),
    )


@hostile
@given(
    row=memory_rows(),
    value=hs.field_text(),
    growth=hs.field_text(),
    note=hs.note_text(),
    version=st.one_of(st.none(), st.sampled_from(["0", "1"]), count_text()),
)
def test_a_report_row_cleans_to_valid_numbers_or_refuses_in_chinese(
    row: ReportRow, value: str, growth: str, note: str, version: str | None
) -> None:
    data = {"value": value, "growth": growth, "note": note}
    if version is not None:
        data["version"] = version
    with translation.override("zh-hans"):
        form = FigureRowForm(data=data, row=row, month=9)
        valid = form.is_valid()
        if not valid:
            assert_chinese([m for messages in form.errors.values() for m in messages])
            return
        cleaned = form.cleaned_data
        number, rate = cleaned["value"], cleaned["growth"]
        if number is None:
            assert row.figure is None, "a stored figure was cleared"
        else:
            assert fits(number, 20, 4)  # Figure.value
            assert -number.as_tuple().exponent <= row.indicator.decimals
            if row.indicator.is_ratio:
                assert 0 <= number <= 100
        if rate is not None:
            assert fits(rate, 9, 2) and rate >= -100  # Figure.growth
        assert "\x00" not in cleaned["note"] and len(cleaned["note"]) <= 500
        for message in form.warnings:
            assert_chinese([message])


# --- 2. the monthly report view ---------------------------------------------------------------


@pytest.fixture
def october_2023():
    with time_machine.travel(datetime(2023, 10, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def report_indicators(office_a, office_b, clerk, october_2023) -> list[Indicator]:
    """Three indicators of office A for 2023-09: one new (with 1-8月 and last year), one with a
    figure already saved, one rate with a zero previous month; and one of office B."""
    town = PlaceFactory(name="下各镇", level="town")
    output = IndicatorFactory(
        code="output", name="规上工业产值", office=office_a, places=[town], order=1
    )
    firms = IndicatorFactory(
        code="firms",
        name="走访企业",
        unit="firm",
        decimals=0,
        office=office_a,
        places=[town],
        order=2,
    )
    rate = IndicatorFactory(
        code="rate",
        name="发证率<b>\"'",
        unit="percent",
        kind="stock",
        office=office_a,
        places=[town],
        order=3,
    )
    other = IndicatorFactory(code="rice", name="水稻面积", office=office_b, places=[town])
    FigureFactory(indicator=output, place=town, year=2023, month=8, value=D("26.00"))
    FigureFactory(indicator=output, place=town, year=2022, month=9, value=D("22.65"))
    FigureFactory(indicator=firms, place=town, year=2023, month=9, value=D("132"), note="原说明")
    FigureFactory(indicator=rate, place=town, year=2023, month=8, value=D("0"))
    FigureFactory(indicator=other, place=town, year=2023, month=9, value=D("5"))
    return [output, firms, rate]


def figure_state() -> tuple[list, list]:
    figures = Figure.objects.order_by("pk").values_list(
        "pk",
        "indicator_id",
        "year",
        "month",
        "place_id",
        "value",
        "growth",
        "note",
        "is_revised",
        "is_demo",
        "updated_by_id",
        "updated_at",
        "version",
    )
    revisions = FigureRevision.objects.order_by("pk").values_list(
        "pk", "figure_id", "action", "old_value", "new_value", "new_growth", "new_note"
    )
    return list(figures), list(revisions)


plausible_row = st.fixed_dictionaries(
    {
        "value": st.sampled_from(["", "29.74", "1,234.5", "３０", "30%", "132", "50", "0"]),
        "growth": st.sampled_from(["", "31.3", "-5", "0", "１２．５"]),
        "note": st.sampled_from(["", "同比增长主要靠新投产企业", "<script>alert(1)</script>"]),
        "version": st.sampled_from([None, "0", "1"]),  # the hidden lost-update guard
    }
)
hostile_row = st.fixed_dictionaries(
    {
        "value": hs.field_text(),
        "growth": hs.field_text(),
        "note": hs.note_text(),
        "version": st.one_of(st.none(), count_text()),
    }
)


def valid_report() -> st.SearchStrategy[dict[str, str]]:
    """What the page must save: 规上工业产值 (2 places), 走访企业 (whole, already saved, so it
    cannot be left empty) and 发证率 (a rate, 0-100), with the confirming tick."""
    growth = st.one_of(st.just(""), hs.valid_numbers(places=2, min_value=-100, max_value=9_999_999))
    note = hs.valid_text(500)
    return st.fixed_dictionaries(
        {
            "rows-0-value": hs.valid_numbers(places=2),
            "rows-0-growth": growth,
            "rows-0-note": note,
            "rows-1-value": hs.valid_numbers(places=0),
            "rows-1-growth": growth,
            "rows-1-note": note,
            "rows-2-value": hs.valid_numbers(places=2, max_value=100),
            "rows-2-growth": growth,
            "rows-2-note": note,
        }
    ).map(lambda rows: management(3) | rows | {"confirm_warnings": "1"})


@st.composite
def report_posts(draw: st.DrawFn) -> dict:
    if draw(st.integers(0, 2)) == 0:  # a third: strange-looking but valid, so it is saved
        return {"data": draw(valid_report()), "locked": False, "as_page": True}
    rows = draw(st.lists(st.one_of(plausible_row, hostile_row), min_size=0, max_size=5))
    data = dict(draw(management_form(3)))
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is not None:
                data[f"rows-{index}-{key}"] = value
    confirm = draw(st.sampled_from([None, "1", "0", "on", "<script>alert(1)</script>"]))
    if confirm is not None:
        data["confirm_warnings"] = confirm
    return {"data": data, "locked": draw(st.integers(0, 9)) == 0, "as_page": False}


@hostile
@given(post=report_posts())
@example(
    post={
        "data": management(3)
        | {
            "rows-0-value": "<script>alert(1)</script>",
            "rows-0-growth": "1e999",
            "rows-0-note": "\x00",
            "rows-1-value": "１，２３４",
            "rows-1-growth": "NaN",
            "rows-1-note": "'\"><img src=x onerror=alert(1)>😀",
            "rows-2-value": "Infinity",
            "rows-2-growth": "-0",
        },
        "locked": False,
    }
)
@example(  # the same kind of input, all of it valid: saved after the confirming tick
    post={
        "data": management(3)
        | {
            "rows-0-value": "１，２３４",
            "rows-0-growth": "-0",
            "rows-0-note": "<script>alert(1)</script>'\"😀",
            "rows-1-value": "132",
            "rows-2-value": "76.55%",
            "confirm_warnings": "1",
        },
        "locked": False,
        "as_page": True,
    }
)
@example(post={"data": management(3) | {"rows-0-value": "9" * 17}, "locked": False})
@example(post={"data": {"rows-TOTAL_FORMS": "1e999"}, "locked": False})
def test_the_monthly_report_never_fails_and_a_refusal_saves_nothing(
    report_indicators, clerk, office_a, signed_in, post
) -> None:
    data = dict(post["data"])
    if post.get("as_page"):  # the hidden lost-update guard, as the page sends it
        for index, indicator in enumerate(report_indicators):
            figure = Figure.objects.filter(indicator=indicator, year=2023, month=9).first()
            data[f"rows-{index}-version"] = str(figure.version if figure else 0)
    url = f"{REPORT}?office={office_a.pk}&period=2023-09"
    client = signed_in(clerk)
    with rolled_back():
        if post["locked"]:
            MonthReview.objects.create(
                office=office_a, year=2023, month=9, state=MonthReview.State.REVIEWED
            )
        before = figure_state()
        response = client.post(url, data)
        event(f"status {response.status_code}")
        assert response.status_code in answers(data, 200, 302)
        assert_no_raw_script(response)
        if response.status_code == 400:
            assert figure_state() == before
            return
        if response.status_code == 200:
            assert figure_state() == before, "a refused report changed the database"
            body = response.content.decode()
            assert "未保存" in body or "确认无误后，请勾选确认并再次保存" in body
            for form in response.context["formset"].forms:
                for field in ("value", "growth", "note"):
                    for error in form[field].errors:
                        assert_chinese([error])
                        assert escape(f"{form.indicator.name}：{error}") in body
                for error in form["version"].errors:
                    assert_chinese([error])
                    assert escape(error) in body
            return
        assert not post["locked"]
        for index, indicator in enumerate(report_indicators):
            raw = data.get(f"rows-{index}-value", "").strip()
            figure = Figure.objects.filter(indicator=indicator, year=2023, month=9).first()
            if not raw:
                continue
            assert figure is not None and figure.value == as_stored(parse_number(raw))
            growth = data.get(f"rows-{index}-growth", "").strip()
            assert figure.growth == (parse_number(growth) if growth else None)
            assert figure.note == data.get(f"rows-{index}-note", "").strip()


def test_hostile_but_valid_input_is_saved_as_typed(report_indicators, clerk, office_a) -> None:
    note = "<script>alert(1)</script>'\"😀"
    data = management(3) | {
        "rows-0-value": "１，２３４",
        "rows-0-growth": "-0",
        "rows-0-note": note,
        "rows-1-value": "132",
        "rows-2-value": "76.55%",
        "confirm_warnings": "1",
    }
    url = f"{REPORT}?office={office_a.pk}&period=2023-09"
    response = client_for(clerk).post(url, data)
    assert response.status_code == 302
    output, firms, rate = (
        Figure.objects.get(indicator=indicator, year=2023, month=9)
        for indicator in report_indicators
    )
    assert (output.value, output.growth, output.note) == (D("1234"), D("0"), note)
    assert firms.value == 132 and rate.value == D("76.55")
    page = client_for(clerk).get(url).content.decode()
    assert SCRIPT not in page and escape(note) in page


# --- 3. period and other query parameters -------------------------------------------------


@hostile
@given(
    office=hs.id_text(),
    period=hs.period_text("2023-09", "2023-08", "2023-10", "2023-11"),
    extra=st.dictionaries(hs.any_text(10), hs.field_text(), max_size=3),
)
def test_the_report_page_survives_any_query(
    report_indicators, clerk, office_a, office_b, signed_in, office, period, extra
) -> None:
    office = {"1": str(office_a.pk), "2": str(office_b.pk)}.get(office, office)
    client = signed_in(clerk)
    with rolled_back():
        query = {**extra, "office": office, "period": period}
        response = client.get(REPORT, query)
        assert_answers_query(response, query)
        assert_no_raw_script(response)


@pytest.fixture
def october_2024():
    with time_machine.travel(datetime(2024, 10, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def town_data(office_a, office_b, october_2024) -> dict:
    """Figures, targets, a project and a task for 2024-09 (cf. tests/dashboard/conftest.py)."""
    town = PlaceFactory(name="下各镇", level="town")
    output = IndicatorFactory(
        code="output", name="规上工业产值", office=office_a, places=[town], is_key=True
    )
    investment = IndicatorFactory(
        code="fai",
        name="固定资产投资",
        office=office_a,
        places=[town],
        is_key=True,
        category="investment",
    )
    rice = IndicatorFactory(
        code="rice",
        name="水稻面积",
        office=office_b,
        places=[town],
        unit="mu",
        category="agriculture",
        kind="stock",
    )
    FigureFactory(
        indicator=output, place=town, year=2024, month=9, value=D("29.74"), growth=D("31.3")
    )
    FigureFactory(indicator=output, place=town, year=2023, month=9, value=D("25.00"))
    FigureFactory(indicator=output, place=town, year=2024, month=8, value=D("26.10"))
    FigureFactory(
        indicator=investment, place=town, year=2024, month=9, value=D("20.00"), is_demo=True
    )
    FigureFactory(indicator=rice, place=town, year=2024, month=9, value=D("430"))
    Target.objects.create(indicator=output, year=2024, kind="amount", value=D("36"))
    Target.objects.create(indicator=investment, year=2024, kind="amount", value=D("40"))
    late = project_create(code="late", name="后冯区块", type="industry", office=office_a)
    stage = late.stages.get(key="land")
    stage.planned_date = date(2024, 6, 30)
    stage.save()
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    ProgressReport.objects.create(
        task=task, year=2024, month=9, quantity_done=D("900"), progress="签约900亩"
    )
    return {"output": output, "investment": investment, "rice": rice}


SORTS = [
    "name",
    "-name",
    "value",
    "-value",
    "growth",
    "-growth",
    "completion",
    "-gap",
    "unit",
    "target",
    "status",
    "office",
    "name,-value",
    "-",
    "--name",
    ",",
    "nonexistent",
    "indicator__name",
    "__class__",
]


@hostile
@given(
    params=st.fixed_dictionaries(
        {},
        optional={
            "period": hs.period_text("2024-09", "2024-08", "2023-09", "2024-10", "2024-11"),
            "category": st.one_of(
                st.sampled_from(["industry", "investment", "agriculture", ""]), hs.any_text(20)
            ),
            "office": hs.id_text(),
            "sort": st.one_of(st.sampled_from(SORTS), hs.field_text()),
            "indicator": st.one_of(st.sampled_from(["output", "fai", "rice"]), hs.field_text()),
            "_export": st.one_of(st.sampled_from(["csv", "xlsx", "pdf", ""]), hs.any_text(10)),
        },
    )
)
def test_the_dashboard_survives_any_query(
    leader, town_data, office_a, office_b, signed_in, params
) -> None:
    if "office" in params:
        params["office"] = {"1": str(office_a.pk), "2": str(office_b.pk)}.get(
            params["office"], params["office"]
        )
    client = signed_in(leader)
    with rolled_back():
        response = client.get("/", params)
        assert_answers_query(response, params)
        assert_no_raw_script(response)


# --- 4. the monthly progress form ---------------------------------------------------------


@pytest.fixture
def progress_subjects(office_a, office_b, clerk, october_2024) -> dict:
    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    milestone = TaskFactory(
        title='杨砩头养老院<script>alert("x")</script>',
        kind="milestone",
        quantity=None,
        unit="",
        office=office_a,
    )
    project_create(code="other", name="东部农产品交易市场", type="agriculture", office=office_b)
    ProgressReport.objects.create(
        project=project, year=2024, month=8, percent_done=D("40"), progress="清表"
    )
    ProgressReport.objects.create(task=milestone, year=2024, month=9, progress="已开工")
    return {"project": project, "task": task, "milestone": milestone}


PROGRESS_FIELDS = [
    "quantity_done",
    "percent_done",
    "investment_ytd",
    "progress",
    "problems",
    "next_steps",
]


def progress_state() -> tuple[list, int]:
    reports = ProgressReport.objects.order_by("pk").values_list(
        "pk", "project_id", "task_id", "year", "month", *PROGRESS_FIELDS, "updated_at"
    )
    return list(reports), ProgressReport.history.count()


plausible_progress = st.fixed_dictionaries(
    {
        "quantity_done": st.sampled_from(["", "1000", "1,200.5", "１３００"]),
        "percent_done": st.sampled_from(["", "60", "100", "0", "55.5%"]),
        "investment_ytd": st.sampled_from(["", "1,200", "0", "３００"]),
        "progress": st.sampled_from(["", "完成清表", "<script>alert(1)</script>"]),
        "problems": st.sampled_from(["", "3户未签约"]),
        "next_steps": st.sampled_from(["", "月底前完成签约"]),
        "version": st.sampled_from([None, "0", "1"]),
    }
)
hostile_progress = st.fixed_dictionaries(
    {
        "quantity_done": hs.field_text(),
        "percent_done": hs.field_text(),
        "investment_ytd": hs.field_text(),
        "progress": hs.note_text(),
        "problems": hs.note_text(),
        "next_steps": hs.note_text(),
        "version": st.one_of(st.none(), count_text()),
    }
)


def valid_progress() -> st.SearchStrategy[dict[str, str]]:
    """What the page must save: the project (形象进度, 投资), the task (数量) and the milestone,
    whose report for the month exists and so cannot be emptied."""
    amount = hs.valid_numbers(places=2, max_value=10**12 - 1)  # ProgressReport: 14 digits
    percent = hs.valid_numbers(places=2, max_value=100)
    progress = hs.valid_text(1000).filter(str.strip)
    text = hs.valid_text(1000)
    return st.fixed_dictionaries(
        {
            "rows-0-percent_done": percent,
            "rows-0-investment_ytd": amount,
            "rows-0-progress": progress,
            "rows-0-problems": text,
            "rows-1-quantity_done": amount,
            "rows-1-percent_done": percent,
            "rows-1-progress": progress,
            "rows-1-next_steps": text,
            "rows-2-percent_done": percent,
            "rows-2-progress": progress,
        }
    ).map(lambda rows: management(3) | rows)


@st.composite
def progress_posts(draw: st.DrawFn) -> dict[str, str]:
    if draw(st.integers(0, 2)) == 0:  # a third: strange-looking but valid, so it is saved
        return draw(valid_progress())
    rows = draw(st.lists(st.one_of(plausible_progress, hostile_progress), max_size=4))
    data = dict(draw(management_form(3)))
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is not None:
                data[f"rows-{index}-{key}"] = value
    return data


@hostile
@given(data=progress_posts())
def test_the_progress_form_never_fails_and_a_refusal_saves_nothing(
    progress_subjects, clerk, office_a, signed_in, data
) -> None:
    url = f"{PROGRESS}?office={office_a.pk}&period=2024-09"
    client = signed_in(clerk)
    with rolled_back():
        before = progress_state()
        response = client.post(url, data)
        event(f"status {response.status_code}")
        assert response.status_code in answers(data, 200, 302)
        assert_no_raw_script(response)
        if response.status_code == 400:
            assert progress_state() == before
        elif response.status_code == 200:
            assert progress_state() == before, "a refused progress report changed the database"
            body = response.content.decode()
            assert "未保存" in body
            for form in response.context["formset"].forms:
                for field in (*PROGRESS_FIELDS, "version"):
                    if field not in form.fields:
                        continue
                    for error in form[field].errors:
                        assert_chinese([error])
                        assert escape(error) in body


# --- 5. the 督办 add form ------------------------------------------------------------------


@pytest.fixture
def supervision_subjects(office_a, office_b, leader) -> dict:
    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)
    return {"project": project, "task": task}


@hostile
@given(
    fields=st.fixed_dictionaries(
        {
            "project": st.one_of(hs.id_text(), hs.numeric_id_text()),
            "task": st.one_of(hs.id_text(), hs.numeric_id_text()),
            "matter": st.one_of(st.just("解决后冯区块3户政策处理"), hs.note_text()),
            "office": hs.id_text(),
            "due_date": hs.date_text(),
        }
    ),
    without=st.sets(st.sampled_from(["project", "task", "matter", "office", "due_date"])),
    valid=st.one_of(
        st.none(),
        st.fixed_dictionaries(  # strange-looking but valid, so it is saved
            {
                "subject": st.sampled_from(["project", "task"]),
                "matter": hs.valid_text(2000).filter(str.strip),
                "due_date": st.dates().map(date.isoformat),
            }
        ),
    ),
)
def test_the_supervision_form_never_fails_and_a_refusal_saves_nothing(
    supervision_subjects, leader, office_a, office_b, signed_in, fields, without, valid
) -> None:
    real = {
        "project": str(supervision_subjects["project"].pk),
        "task": str(supervision_subjects["task"].pk),
        "office": str(office_a.pk),
    }
    if valid is not None:
        fields = {"project": "", "task": "", "office": "1"} | valid
        fields[valid["subject"]] = "1"
        del fields["subject"]
        without = set()
    data = {key: value for key, value in fields.items() if key not in without}
    for key, pk in real.items():
        if data.get(key) == "1":
            data[key] = pk
    if data.get("office") == "2":
        data["office"] = str(office_b.pk)
    client = signed_in(leader)
    with rolled_back():
        before = (SupervisionItem.objects.count(), SupervisionItem.history.count())
        response = client.post(SUPERVISION_ADD, data)
        event(f"status {response.status_code}")
        assert response.status_code in answers(data, 200, 302)
        assert_no_raw_script(response)
        if response.status_code == 400:
            assert SupervisionItem.objects.count() == before[0]
        elif response.status_code == 200:
            after = (SupervisionItem.objects.count(), SupervisionItem.history.count())
            assert after == before, "a refused 督办 item was saved"
            body = response.content.decode()
            assert "errornote" in body and CJK.search(body)
        else:
            item = SupervisionItem.objects.get()
            assert item.matter == data["matter"].strip() and item.raised_by == leader


# --- 6. the login form ----------------------------------------------------------------------


def _reset_lockouts() -> None:
    """django-axes may be installed by now: forget this test's failed attempts."""
    if apps.is_installed("axes"):
        from axes.utils import reset

        reset()
    cache.clear()


@pytest.fixture
def fast_login_user(settings, db) -> User:
    # One PBKDF2 hash costs 0.24 s here; 500 login attempts would take minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User.objects.create_user(username="hyp_clerk", password="right-pass-1234")
    yield user
    _reset_lockouts()


def test_a_locked_out_login_answers_in_chinese_not_with_an_error(fast_login_user) -> None:
    client = Client(REMOTE_ADDR="198.51.100.25")
    responses = [
        client.post(LOGIN, {"username": "hyp_clerk", "password": f"wrong-{n}"}) for n in range(7)
    ]
    assert all(response.status_code in (200, 403, 429) for response in responses)
    locked = client.post(LOGIN, {"username": "hyp_clerk", "password": "right-pass-1234"})
    assert locked.status_code in (403, 429)
    assert CJK.search(locked.content.decode())


login_attempts = st.one_of(
    st.lists(
        st.tuples(
            st.one_of(st.just("hyp_clerk"), hs.field_text()),
            st.one_of(st.just("right-pass-1234"), st.just("wrong-pass"), hs.field_text()),
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(  # enough failures in a row for django-axes (limit 5) to lock the pair out
        st.tuples(st.just("hyp_clerk"), st.one_of(st.just("right-pass-1234"), hs.field_text())),
        min_size=5,
        max_size=7,
    ),
)


@hostile
@given(
    attempts=login_attempts,
    next_url=st.one_of(st.none(), st.sampled_from(["/", "//evil.example/", "javascript:x"])),
)
def test_the_login_form_never_fails(fast_login_user, attempts, next_url) -> None:
    with rolled_back():  # django-axes' records of failed attempts go with the example
        client = Client(REMOTE_ADDR="198.51.100.23")  # not the address other tests log in from
        for username, password in attempts:
            data = {"username": username, "password": password}
            if next_url is not None:
                data["next"] = next_url
            response = client.post(LOGIN, data)
            event(f"status {response.status_code}")
            assert response.status_code < 500
            assert response.status_code in answers(data, 200, 302, 403, 429)  # 429: locked out
            assert_no_raw_script(response)
            if response.status_code == 302:
                assert not response["Location"].startswith(("//evil", "javascript"))
            elif response.status_code != 400:
                assert CJK.search(response.content.decode())


# --- 7. the review action endpoint ----------------------------------------------------------


@pytest.fixture
def review_people(office_a, office_b, clerk, leader, admin_user, report_indicators) -> dict:
    reviewer = UserFactory(username="reviewer_a", office=office_a, roles=[Role.REVIEWER])
    return {"clerk": clerk, "leader": leader, "admin": admin_user, "reviewer": reviewer}


workflow_steps = st.lists(  # the real buttons, in any order, by anyone
    st.tuples(
        st.sampled_from(["clerk", "admin", "reviewer", "leader"]),
        st.sampled_from(["submit", "approve", "return", "reopen"]),
        st.just("1"),
        st.just("2023-09"),
        st.one_of(st.just(""), st.just("数据有误，请核对"), hs.valid_text(200)),
    ),
    min_size=1,
    max_size=6,
)
random_steps = st.lists(
    st.tuples(
        st.sampled_from(["clerk", "admin", "reviewer", "leader"]),
        st.one_of(st.sampled_from(["submit", "approve", "return", "reopen"]), hs.field_text()),
        st.one_of(st.just("1"), hs.id_text()),  # mostly office A, so the month moves on
        st.one_of(st.just("2023-09"), hs.period_text("2023-09", "2023-10", "2023-11", "2023-08")),
        st.one_of(st.just(""), st.just("数据有误，请核对"), hs.note_text()),
    ),
    min_size=1,
    max_size=6,
)
review_steps = st.one_of(workflow_steps, random_steps)


@hostile
@given(steps=review_steps)
def test_the_review_actions_never_fail(review_people, office_a, office_b, signed_in, steps) -> None:
    clients = {who: signed_in(user) for who, user in review_people.items()}
    with rolled_back():
        for who, action, office, period, reason in steps:
            office = {"1": str(office_a.pk), "2": str(office_b.pk)}.get(office, office)
            data = {"office": office, "period": period, "action": action, "reason": reason}
            response = clients[who].post(REVIEW, data)
            assert response.status_code < 500
            assert response.status_code in answers(data, 302, 403)
        for review in MonthReview.objects.all():
            event(f"month {review.state}")
        for review in MonthReview.objects.all():
            assert len(review.reason) <= 200
            assert review.events.exists(), "a refused step left a review row behind"
        for record in MonthReviewEvent.objects.all():
            assert len(record.reason) <= 200


# --- 8. names with <script> and quotes show as text ----------------------------------------

EVIL_NAME = '<script>alert("x")</script>\'"'


@pytest.fixture
def evil_indicator(office_a, october_2024) -> Indicator:
    town = PlaceFactory(name="下各镇", level="town")
    indicator = IndicatorFactory(
        code="evil", name=EVIL_NAME, office=office_a, places=[town], is_key=True
    )
    FigureFactory(
        indicator=indicator, place=town, year=2024, month=9, value=D("12.50"), growth=D("25")
    )
    FigureFactory(indicator=indicator, place=town, year=2024, month=8, value=D("11.00"))
    FigureFactory(indicator=indicator, place=town, year=2023, month=9, value=D("10.00"))
    Target.objects.create(indicator=indicator, year=2024, kind="amount", value=D("20"))
    project = project_create(code="evil", name=EVIL_NAME, type="industry", office=office_a)
    project.stages.filter(key="land").update(planned_date=date(2024, 6, 30))
    return indicator


def chart_data(body: str) -> dict[str, object]:
    """The JSON of each chart on the page, by id, as the browser's JSON.parse reads it."""
    found = re.findall(r'<script id="(chart-[\w-]+)" type="application/json">(.*?)</script>', body)
    return {key: json.loads(text) for key, text in found}


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_a_name_with_script_and_quotes_shows_as_text_on_the_dashboard(
    leader, evil_indicator
) -> None:
    client = client_for(leader)
    response = client.get("/", {"period": "2024-09", "indicator": "evil"})
    assert response.status_code == 200
    body = response.content.decode()
    assert SCRIPT not in body and "<script>alert(" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&quot;" in body
    # The charts travel as JSON in <script type="application/json"> (< > & as \u escapes),
    # and plotly reads markup in the texts it draws: the JSON gives the name back with its
    # < > & as entities, which plotly draws as the characters (tests/e2e/test_chart_labels.py).
    assert "<script" not in body.split('type="application/json">', 1)[1].split("</script>")[0]
    assert response.context["chosen"].indicator == evil_indicator
    charts = chart_data(body)
    assert set(charts) == {"chart-path", "chart-growth", "chart-gantt", "chart-tasks"}
    drawn = '&lt;script&gt;alert("x")&lt;/script&gt;\'"'
    for key in ("chart-path", "chart-growth", "chart-gantt"):
        texts = list(strings_in(charts[key]))
        assert any(drawn in text for text in texts), key
        assert not any("<script" in text for text in texts), key


def test_a_name_with_script_and_quotes_is_plain_text_in_the_csv(leader, evil_indicator) -> None:
    client = client_for(leader)
    response = client.get("/", {"period": "2024-09", "_export": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "&lt;" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == [EVIL_NAME]


def test_a_name_with_script_and_quotes_shows_as_text_on_the_indicator_page(
    leader, evil_indicator
) -> None:
    client = client_for(leader)
    response = client.get("/indicators/evil/")
    assert response.status_code == 200
    body = response.content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&quot;" in body


@settings(hostile, max_examples=min(60, EXAMPLES))
@given(
    name=st.one_of(st.sampled_from(hs.HOSTILE), hs.any_text(64)).filter(
        lambda name: name.strip() and "\x00" not in name  # the admin refuses NUL
    )
)
def test_any_indicator_name_shows_as_text_everywhere(
    leader, evil_indicator, signed_in, name
) -> None:
    name = name[:64]
    client = signed_in(leader)
    with rolled_back():
        Indicator.objects.filter(pk=evil_indicator.pk).update(name=name)
        Project.objects.filter(code="evil").update(name=name)
        OfficeFactory(code="hostile", name=name)
        page = client.get("/", {"period": "2024-09", "indicator": "evil"})
        assert page.status_code == 200
        assert escape(name) in page.content.decode()
        assert_no_raw_script(page)
        exported = client.get("/", {"period": "2024-09", "_export": "csv"})
        assert exported.status_code == 200
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline="")))
        assert rows[1][0] == safe_text(name)
        assert client.get("/", {"period": "2024-09", "_export": "xlsx"}).status_code == 200


# --- 9. the Excel upload (月报 import) -------------------------------------------------------

IMPORT = "/admin/indicators/figure/import/"

xlsx_values = st.one_of(
    st.none(),
    hs.field_text().map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)[:2000]),
    hs.valid_numbers(places=4).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.floats(),  # nan and inf too
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(["=1+1", "=E5*2", '=HYPERLINK("http://x","y")', "=1/0", "+1", "@SUM(A1)"]),
)
xlsx_edits = st.lists(
    st.one_of(
        # the input columns of the indicator rows, where people type
        st.tuples(st.just("cell"), st.integers(4, 7), st.sampled_from([5, 6, 7]), xlsx_values),
        st.tuples(st.just("cell"), st.integers(1, 9), st.integers(1, 9), xlsx_values),
        st.tuples(
            st.just("cell"),
            st.integers(4, 7),
            st.just(1),
            st.sampled_from(["output", "firms", "rate", "rice", "OUTPUT", "", " firms "]),
        ),
        st.tuples(
            st.just("meta"),
            st.sampled_from(["kind", "office", "period"]),
            st.one_of(
                st.sampled_from(["jjfzb", "nyncb", "2023-08", "2023-10", "2099-01", "2023-9"]),
                xlsx_values,
            ),
        ),
        st.tuples(st.just("merge"), st.sampled_from(["A4:B4", "E4:F5", "A3:G3", "E5:E6"])),
        st.tuples(st.just("drop"), st.sampled_from(["月报", "_meta"])),
        st.tuples(st.just("insert_row"), st.integers(1, 5)),
    ),
    max_size=6,
)
upload_names = st.one_of(
    st.just("月报.xlsx"),
    st.sampled_from(
        [
            "<script>alert(1)</script>.xlsx",
            "月报.XLSX",
            "月报.xls",
            "月报.csv",
            "月报.xlsx.exe",
            ".xlsx",
            "a" * 300 + ".xlsx",
            "\u202e月报.xlsx",
        ]
    ),
    hs.any_text(30).map(lambda text: text.replace("\x00", "") + ".xlsx"),
)


@st.composite
def upload_recipes(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(["template", "template", "template", "binary", "zip", "damaged"]))
    recipe: dict = {"kind": kind, "name": draw(upload_names), "confirm_first": False}
    if kind == "template":
        typed_only = st.lists(  # only the cells people fill in: the rows' own checks answer
            st.tuples(st.just("cell"), st.integers(4, 6), st.sampled_from([5, 6, 7]), xlsx_values),
            max_size=6,
        )
        recipe["edits"] = draw(st.one_of(typed_only, xlsx_edits))
    elif kind == "binary":
        recipe["bytes"] = draw(st.binary(max_size=4096))
    elif kind == "zip":
        recipe["members"] = draw(
            st.dictionaries(
                st.sampled_from(
                    ["[Content_Types].xml", "xl/workbook.xml", "_rels/.rels", "x", "../evil"]
                ),
                st.binary(max_size=512),
                max_size=4,
            )
        )
    else:  # the template with bytes changed or cut short
        recipe["flips"] = draw(
            st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8)
        )
        recipe["cut"] = draw(st.one_of(st.none(), st.floats(0, 1)))
    recipe["confirm_first"] = draw(st.integers(0, 9)) == 0  # a confirm with nothing pending
    return recipe


def build_upload(recipe: dict, template: bytes) -> bytes:
    if recipe["kind"] == "binary":
        return recipe["bytes"]
    if recipe["kind"] == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in recipe["members"].items():
                archive.writestr(name, data)
        return buffer.getvalue()
    if recipe["kind"] == "damaged":
        data = bytearray(template)
        for where, byte in recipe["flips"]:
            data[min(int(where * len(data)), len(data) - 1)] = byte
        if recipe["cut"] is not None:
            data = data[: int(recipe["cut"] * len(data))]
        return bytes(data)
    book = load_workbook(io.BytesIO(template))
    # Merges last: a merged cell cannot be written to.
    for edit in sorted(recipe["edits"], key=lambda edit: edit[0] == "merge"):
        if edit[0] == "cell" and "月报" in book.sheetnames:
            book["月报"].cell(row=edit[1], column=edit[2]).value = edit[3]
        elif edit[0] == "meta" and "_meta" in book.sheetnames:
            for row in book["_meta"].iter_rows():
                if row[0].value == edit[1]:
                    row[1].value = edit[2]
        elif edit[0] == "merge" and "月报" in book.sheetnames:
            book["月报"].merge_cells(edit[1])
        elif edit[0] == "drop" and edit[1] in book.sheetnames and len(book.sheetnames) > 1:
            del book[edit[1]]
        elif edit[0] == "insert_row" and "月报" in book.sheetnames:
            book["月报"].insert_rows(edit[1])
    if all(sheet.sheet_state != "visible" for sheet in book.worksheets):
        book.worksheets[0].sheet_state = "visible"  # Excel cannot save it otherwise
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Blob(bytes):
    def __repr__(self) -> str:  # keeps a failure report readable
        return f"<{len(self)} bytes>"


@pytest.fixture
def import_template(report_indicators, office_a) -> bytes:
    """The office's template for 2023-09, as the page's download gives it."""
    return Blob(excel.template_workbook(office_a, 2023, 9))


@hostile
@given(recipe=upload_recipes())
def test_the_excel_upload_never_fails_and_saves_only_on_confirm(
    import_template, report_indicators, clerk, signed_in, recipe
) -> None:
    data = build_upload(recipe, import_template)
    client = signed_in(clerk)
    with rolled_back():
        before = figure_state()
        if recipe["confirm_first"]:
            response = client.post(IMPORT, {"confirm": "1"})
            assert response.status_code == 200 and figure_state() == before
            assert_chinese(response.context["refused"])
        response = client.post(IMPORT, {"file": SimpleUploadedFile(recipe["name"], data)})
        assert response.status_code == 200
        assert figure_state() == before, "an upload saved before it was confirmed"
        assert_no_raw_script(response)
        body = response.content.decode()
        refused, preview = response.context.get("refused"), response.context.get("preview")
        event("refused" if refused else "preview with errors" if preview.errors else "preview")
        if refused:
            assert_chinese(refused)
            assert all(escape(message) in body for message in refused)
            return
        assert_chinese(preview.errors or ["预览"])
        assert all(escape(message) in body for message in preview.errors)
        # 确认导入 as the page renders it: its preview's token (none when the file has errors or
        # the month is frozen: the page then offers no confirm, and one posted anyway is refused).
        token = re.search(r'name="token" value="([^"]*)"', body)
        assert (token is None) == bool(preview.errors or response.context.get("frozen"))
        response = client.post(IMPORT, {"confirm": "1", "token": token[1] if token else ""})
        assert response.status_code in (200, 302)
        assert_no_raw_script(response)
        if response.status_code == 200:
            assert figure_state() == before, "a refused import changed the database"
            # Refused outright, an error in the file, or (numbers worth a second look confirmed
            # without 我已核对) the page's flash message.
            messages = (
                response.context.get("refused")
                or response.context["preview"].errors
                or [str(m) for m in get_messages(response.wsgi_request)]
            )
            assert_chinese(messages)
            return
        event("saved")
        for row in preview.rows:
            if row.form.cleaned_data["value"] is not None:
                figure = Figure.objects.get(indicator=row.indicator, year=2023, month=9)
                assert figure.value == as_stored(row.form.cleaned_data["value"])


# --- known bugs, each reduced to its smallest input ---------------------------------------


@pytest.mark.parametrize("field", ["project", "task"])
def test_a_non_numeric_project_or_task_id_is_refused_not_a_server_error(
    supervision_subjects, leader, office_a, field
) -> None:
    data = {
        "project": "",
        "task": "",
        "matter": "解决后冯区块3户政策处理",
        "office": str(office_a.pk),
        "due_date": "2024-10-31",
        field: "x",
    }
    response = client_for(leader).post(SUPERVISION_ADD, data)
    assert response.status_code == 200
    assert not SupervisionItem.objects.exists()


def test_a_project_id_beyond_64_bits_is_refused_not_a_server_error(
    supervision_subjects, leader, office_a
) -> None:
    data = {
        "project": "9" * 20,
        "task": "",
        "matter": "解决后冯区块3户政策处理",
        "office": str(office_a.pk),
        "due_date": "2024-10-31",
    }
    response = client_for(leader).post(SUPERVISION_ADD, data)
    assert response.status_code == 200
    assert not SupervisionItem.objects.exists()


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "messages"])
def test_a_cookie_spelling_nul_bytes_is_ignored(clerk, cookie) -> None:
    """A quoted cookie may spell NUL bytes as octal escapes; the session's was looked up in
    the database (a server error on PostgreSQL). Such a cookie is as if never sent."""
    client = Client(HTTP_COOKIE=f'{cookie}="\\000\\000\\000\\000\\000\\000\\000\\000\\000"')
    assert client.get("/").status_code == 302  # no session: to the login page
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(LOGIN, {"username": "clerk_a", "password": "wrong"})
    assert response.status_code == 200 and CJK.search(response.content.decode())


def test_a_parameter_named_like_a_method_of_the_query_is_just_a_parameter(
    leader, town_data
) -> None:
    """The indicator picker kept the page's parameters by `request.GET.lists` in the template,
    which reads a parameter named "lists" first: ?lists=x was a server error."""
    response = client_for(leader).get("/", {"period": "2024-09", "lists": "abc", "items": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '<input type="hidden" name="lists" value="abc">' in body
    assert '<input type="hidden" name="items" value="1">' in body


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("clerk", "approve"),
        ("clerk", "return"),
        ("clerk", "reopen"),
        ("leader", "withdraw"),
        ("leader", "submit"),
        ("reviewer", "approve"),
        ("reviewer", "withdraw"),
        ("admin", "approve"),
        ("admin", "reopen"),
    ],
)
def test_a_refused_review_step_leaves_no_review_row(review_people, office_a, who, action) -> None:
    data = {"office": str(office_a.pk), "period": "2023-09", "action": action, "reason": "原因"}
    response = client_for(review_people[who]).post(REVIEW, data)
    assert response.status_code in (302, 403)
    assert not MonthReview.objects.exists() and not MonthReviewEvent.objects.exists()


@pytest.mark.parametrize("action", ["return", "reopen"])
def test_a_review_reason_over_200_characters_is_refused(review_people, office_a, action) -> None:
    clerk = client_for(review_people["clerk"])
    admin = client_for(review_people["admin"])
    reviewer = client_for(review_people["reviewer"])
    month = {"office": str(office_a.pk), "period": "2023-09"}
    clerk.post(REVIEW, {**month, "action": "submit"})
    if action == "reopen":
        reviewer.post(REVIEW, {**month, "action": "approve"})
    before = MonthReview.objects.get().state
    response = admin.post(REVIEW, {**month, "action": action, "reason": "退" * 201})
    assert response.status_code == 302
    review = MonthReview.objects.get()
    assert review.state == before, "the over-long reason was accepted"
    assert all(len(event.reason) <= 200 for event in MonthReviewEvent.objects.all())


@pytest.mark.parametrize("note", ["说" * 501, "说明\x00"])
def test_an_error_on_a_report_note_is_shown(report_indicators, clerk, office_a, note) -> None:
    data = management(3) | {"rows-0-value": "29.74", "rows-0-note": note}
    response = client_for(clerk).post(f"{REPORT}?office={office_a.pk}&period=2023-09", data)
    assert response.status_code == 200
    assert not Figure.objects.filter(year=2023, month=9, indicator=report_indicators[0]).exists()
    errors = response.context["formset"].forms[0].errors["note"]
    assert_chinese(errors)
    body = response.content.decode()
    assert all(escape(error) in body for error in errors)


@pytest.mark.parametrize("field", ["problems", "next_steps"])
def test_an_error_on_a_progress_text_is_shown(progress_subjects, clerk, office_a, field) -> None:
    data = management(3) | {
        "rows-0-percent_done": "60",
        "rows-0-progress": "完成清表",
        f"rows-0-{field}": "问" * 1001,
        "rows-2-progress": "已开工",
    }
    before = progress_state()
    response = client_for(clerk).post(f"{PROGRESS}?office={office_a.pk}&period=2024-09", data)
    assert response.status_code == 200
    assert progress_state() == before
    errors = response.context["formset"].forms[0].errors[field]
    assert_chinese(errors)
    body = response.content.decode()
    assert all(escape(error) in body for error in errors)


def test_a_control_character_in_a_name_does_not_break_the_xlsx_export(
    leader, evil_indicator
) -> None:
    Indicator.objects.filter(pk=evil_indicator.pk).update(name="规上工业\x0b产值")
    response = client_for(leader).get("/", {"period": "2024-09", "_export": "xlsx"})
    assert response.status_code == 200


def test_a_username_over_255_characters_is_a_failed_login_not_a_server_error(
    fast_login_user,
) -> None:
    client = Client(REMOTE_ADDR="198.51.100.24")
    response = client.post(LOGIN, {"username": "u" * 256, "password": "x"})
    assert response.status_code == 200
    assert CJK.search(response.content.decode())


@pytest.mark.xfail(
    condition=connection.vendor == "sqlite",
    strict=True,
    reason="SQLite only: the forms accept 16 integer digits (Figure.value is numeric(20, 4)), "
    "but Django's SQLite backend stores decimals as REAL and reads them back with 15 "
    "significant digits, so 1000000000000001 comes back as 1000000000000000",
)
def test_a_16_digit_figure_is_kept_exactly(report_indicators, clerk, office_a) -> None:
    data = management(3) | {"rows-0-value": "1000000000000001", "rows-1-value": "132"}
    data["confirm_warnings"] = "1"
    response = client_for(clerk).post(f"{REPORT}?office={office_a.pk}&period=2023-09", data)
    assert response.status_code == 302
    figure = Figure.objects.get(indicator=report_indicators[0], year=2023, month=9)
    assert figure.value == D("1000000000000001")


# --- 10. every URL, every query parameter it reads ------------------------------------------
#
# The URL resolver is walked, so a route added later is walked too. Each route a role may open
# is first asked for plainly, to learn the query parameters its view reads: every key it asks
# `request.GET` for, an admin list's filters, date drill-down and search, an admin form's
# fields (the add page takes them as initial values). Then each parameter is sent alone with
# each hostile value (and with each download the page offers), all of them at once with each
# value; and each id in the path of every route is replaced by each hostile id. No answer may
# be a server error.

HOSTILE_QUERY_VALUES = ["\x00", "-1", "0", "9" * 30, "abc", "１"]
HOSTILE_PATH_IDS = ["abc", "-1", "9" * 30, "\x00", "１"]
ANSWERS = (200, 301, 302, 400, 403, 404, 405)
# The admin's own parameters behave alike on every page of a kind (list, add, change, ...):
# each is sent alone on the first page of its kind, and with the others on every page.
ADMIN_LIST_PARAMETERS = {"o", "p", "all", "e", "_to_field", "_popup", "_facets"}
ADMIN_PARAMETERS = {*ADMIN_LIST_PARAMETERS, "_changelist_filters"}
# Parameters that choose another output (a download): every other parameter is walked with
# each of them too, so the exports meet the same hostile values as the page.
OUTPUTS = {"_export": ["csv", "xlsx"], "format": ["docx"]}
# The admin walks every route; the clerk (office-scoped querysets and choices) and the leader
# (read-only) every route outside the admin's model pages, whose code is the admin's.
WALK_ROLES = ("admin", "clerk_a", "leader")
ADMIN_MODEL_PAGE = re.compile(r"^admin:\w+_(changelist|add|change|delete|history|simple_history)$")


def walked_routes(role: str) -> list[tuple[str, str]]:
    """(name, pattern) of every named route the role's walk covers."""
    from tests.security.matrix_setup import all_routes

    routes = sorted(all_routes().items())
    if role == "admin":
        return routes
    return [(name, pattern) for name, pattern in routes if not ADMIN_MODEL_PAGE.match(name)]


class _ReadKeys(QueryDict):
    """request.GET that notes each key a view asks for (get, [], getlist, `in`)."""

    seen: set[str] = set()

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key) -> bool:  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().__contains__(key)


@contextmanager
def keys_read(monkeypatch) -> Iterator[set[str]]:  # type: ignore[no-untyped-def]
    """Every key the views ask request.GET for while the block runs."""
    seen: set[str] = set()
    with monkeypatch.context() as patch:
        patch.setattr(_ReadKeys, "seen", seen)
        patch.setattr("django.core.handlers.wsgi.QueryDict", _ReadKeys)
        yield seen


def query_parameters(client: Client, url: str, monkeypatch) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """The query parameters the page at `url` reads, asked for plainly and with a query (a
    view may read its filters only when there is one), and an admin page's own: those a
    view checks one after another (a bad one may hide the next), and an admin form's fields,
    which it takes as initial values each on its own."""
    fields: set[str] = set()
    with keys_read(monkeypatch) as seen:
        for query in ({}, {"_": "1"}):
            context = client.get(url, query).context
            changelist = context.get("cl") if context is not None else None
            if changelist is not None:
                for spec in changelist.filter_specs:
                    seen.update(spec.expected_parameters())
                seen.update(["q", *ADMIN_LIST_PARAMETERS])
                if changelist.date_hierarchy:
                    hierarchy = changelist.date_hierarchy
                    seen.update(f"{hierarchy}__{part}" for part in ("year", "month", "day"))
            form = context.get("adminform") if context is not None else None
            if form is not None:
                fields.update(form.form.fields)
    return seen - {"_"}, fields - seen


def hostile_paths(url: str, code: str) -> list[str]:
    """`url` with each id in its path (a number, or the indicator's code) replaced in turn by
    each hostile id."""
    parts = url.split("/")
    paths = []
    for index, part in enumerate(parts):
        if part.isdigit() or part == code:
            for value in HOSTILE_PATH_IDS:
                paths.append("/".join([*parts[:index], quote(value, safe=""), *parts[index + 1 :]]))
    return paths


@dataclass
class Walk:
    """What the walk sent, and every answer that was a server error."""

    requests: int = 0
    parameters: dict[str, set[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def get(self, client: Client, url: str, query: dict | None = None) -> None:
        self.requests += 1
        response = client.get(url, query or {})
        if response.status_code not in ANSWERS:
            error = getattr(response, "exc_info", None)
            cause = repr(error[1]) if error else ""
            self.failures.append(f"GET {url} {query or ''} -> {response.status_code} {cause}")

    def summary(self) -> str:
        count = sum(len(names) for names in self.parameters.values())
        return f"{len(self.parameters)} URLs, {count} parameters, {self.requests} requests"


@pytest.fixture
def world(october_2024):  # type: ignore[no-untyped-def]
    """The permission matrix's objects (one of each admin model, office A's), plus the first
    row of any admin model added since."""
    from django.contrib import admin

    from tests.security.matrix_setup import build_world

    world = build_world()
    for model in admin.site._registry:
        key = model._meta.label_lower
        if key not in world["objects"]:
            found = model._default_manager.order_by("pk").first()
            if found is not None:
                world["objects"][key] = found
    return world


def walk_url(name: str, pattern: str, world: dict) -> str | None:
    """The route's URL with the world's objects; None for an object the world lacks."""
    from tests.security.urls_for import url_for

    try:
        return url_for(name, pattern, world)
    except (KeyError, AttributeError):
        return None


@pytest.mark.parametrize("role", WALK_ROLES)
def test_no_url_fails_on_hostile_ids_or_query_parameters(world, monkeypatch, role) -> None:
    client = world["clients"][role]
    walk = Walk()
    walked_alone: set[tuple[str, str]] = set()  # (kind of admin page, admin parameter)
    for name, pattern in walked_routes(role):
        if name in ("logout", "admin:logout"):
            continue  # a GET is refused (405); the walk keeps its session
        url = walk_url(name, pattern, world)
        if url is None:
            continue
        for path in hostile_paths(url, world["indicator"].code):
            walk.get(client, path)
        if client.get(url).status_code != 200:
            continue
        parameters, fields = query_parameters(client, url, monkeypatch)
        walk.parameters[name] = parameters | fields
        kind = name.rpartition("_")[2]
        alone = {p for p in parameters if (kind, p) not in walked_alone}
        walked_alone.update((kind, p) for p in parameters & ADMIN_PARAMETERS)
        for parameter in sorted(alone):
            for value in HOSTILE_QUERY_VALUES:
                walk.get(client, url, {parameter: value})
        for value in HOSTILE_QUERY_VALUES:
            walk.get(client, url, dict.fromkeys(parameters | fields, value))
        for output, choices in OUTPUTS.items():
            for choice in choices if output in parameters else ():
                for parameter in sorted(parameters - {output}):
                    for value in HOSTILE_QUERY_VALUES:
                        walk.get(client, url, {output: choice, parameter: value})
    print(f"{role}: {walk.summary()}")
    assert len(walk.parameters) > 5, walk.summary()
    assert not walk.failures, "\n".join(walk.failures)


def _rows(model) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(model._default_manager.order_by("pk").values())


def test_no_admin_list_action_fails_on_hostile_ids(world) -> None:
    """Every action of every admin list, on each hostile id: refused, nothing changed."""
    from django.contrib import admin

    client = world["clients"]["admin"]
    failures, posts = [], 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        form = page.context.get("action_form") if page.context is not None else None
        if page.status_code != 200 or form is None:
            continue
        actions = [name for name, _label in form.fields["action"].choices if name]
        for action in actions:
            for value in HOSTILE_PATH_IDS:
                before = _rows(model)
                data = {"action": action, ACTION_CHECKBOX_NAME: [value], "index": "0"}
                response = client.post(url, data)
                posts += 1
                if response.status_code not in ANSWERS or _rows(model) != before:
                    error = getattr(response, "exc_info", None)
                    failures.append(
                        f"{url} {data} -> {response.status_code} {error and error[1]!r}"
                    )
    assert posts > 20
    assert not failures, "\n".join(failures)


TEXT_INPUTS = {"text", "search", "email", "password", "url", "tel", "number"}


def test_a_nul_byte_in_any_admin_form_is_refused_in_chinese(world, django_app) -> None:
    """Every admin add and change form, submitted as the page renders it with a NUL byte in
    each text field: the page answers with Chinese errors and the database is unchanged."""
    from django.contrib import admin

    admin_user = world["users"]["admin"]
    failures, submitted = [], 0
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        obj = world["objects"].get(model._meta.label_lower)
        urls = [reverse("admin:{}_{}_add".format(*info))]
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        for url in urls:
            page = django_app.get(url, user=admin_user, expect_errors=True)
            form = next((f for f in page.forms.values() if (f.id or "").endswith("_form")), None)
            if page.status_code != 200 or form is None:
                continue
            typed = [
                each
                for fields in form.fields.values()
                for each in fields
                if each.tag in ("input", "textarea")
                and not each.attrs.get("readonly")
                and (each.tag == "textarea" or each.attrs.get("type", "text") in TEXT_INPUTS)
            ]
            if not typed:
                continue
            for each in typed:
                each.value = (each.value or "") + "名称\x00"
            before = _rows(model)
            response = form.submit(user=admin_user, expect_errors=True)
            submitted += 1
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
            if response.status_code != 200 or _rows(model) != before or not errors:
                failures.append(f"{url} -> {response.status_code}, errors: {errors[:2]}")
            elif not all(CJK.search(error) for error in errors):
                failures.append(f"{url}: not Chinese: {errors}")
            elif "含有无法保存的字符" not in response.text and any(
                each.attrs.get("type") != "number" for each in typed
            ):
                # A number box (a unit in use has only 排序 left to edit) says 请输入整数。
                failures.append(f"{url}: the NUL byte was not named: {errors}")
    assert submitted > 10
    assert not failures, "\n".join(failures)

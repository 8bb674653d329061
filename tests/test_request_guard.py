"""What no page reads is refused before any view (xiage.middleware.RequestGuardMiddleware);
paging parameters are clamped (xiage.paging); a database outage logs one line per 503
(xiage.errors); the Content-Security-Policy allows no inline style.

The walk over every URL and parameter is in tests/test_hostile_input.py (section 10).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.test import Client

from indicators.models import Indicator
from tests.factories import IndicatorFactory, OfficeFactory
from xiage.paging import MAX_PER_PAGE, bounded_int
from xiage.validators import is_storable, validate_storable_text

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


# --- methods ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
@pytest.mark.parametrize("path", ["/", "/admin/", "/accounts/login/", "/healthz"])
def test_a_method_no_page_reads_is_refused_with_405(clerk_client, method, path) -> None:
    response = clerk_client.generic(method, path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "不支持该请求方式，未做任何修改" in response.content.decode()


@pytest.mark.django_db
def test_a_trace_echoes_nothing_back(clerk_client) -> None:
    response = clerk_client.generic("TRACE", "/", HTTP_X_SECRET="echo-me")
    assert response.status_code == 405 and b"echo-me" not in response.content


@pytest.mark.django_db
def test_get_head_and_post_still_reach_the_pages(clerk_client) -> None:
    assert clerk_client.get("/").status_code == 200
    assert clerk_client.head("/").status_code == 200
    assert Client().post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200


# --- query strings ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/?category=%00",
        "/?per_page=1%00",
        "/?%00=1",
        "/admin/indicators/indicator/?category__exact=%00",
        "/admin/indicators/indicator/?q=%00",
        "/admin/plans/project/?type__exact=a%00b",
        "/admin/indicators/figure/report/?period=2024-09%00",
    ],
)
def test_a_nul_byte_in_the_query_is_refused_in_chinese(admin_client_role, url) -> None:
    response = admin_client_role.get(url)
    assert response.status_code == 400
    body = response.content.decode()
    assert "网址中含有无法处理的字符（如空字符），未做任何修改。" in body


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["1", "１", "99999", "9" * 30, "-5", "", "2024.0"])
def test_a_date_drill_down_out_of_range_is_refused_in_chinese(admin_client_role, year) -> None:
    response = admin_client_role.get("/admin/inbox/notification/", {"created_at__year": year})
    assert response.status_code == 400
    assert "网址中的日期筛选条件无效" in response.content.decode()


@pytest.mark.django_db
def test_a_date_drill_down_in_range_shows_the_list(admin_client_role) -> None:
    query = {"created_at__year": "2024", "created_at__month": "10", "created_at__day": "5"}
    assert admin_client_role.get("/admin/inbox/notification/", query).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("ids", [["abc"], ["9" * 30], ["1", "x"], ["\x00"]])
def test_an_admin_action_on_ids_that_are_not_ids_is_refused(admin_client_role, ids) -> None:
    office = OfficeFactory(code="keep", name="保留科室")
    data = {"action": "delete_selected", "_selected_action": ids, "index": "0", "post": "yes"}
    response = admin_client_role.post("/admin/accounts/office/", data)
    assert response.status_code == 400
    assert "所选记录无效，未做任何修改。" in response.content.decode()
    assert type(office).objects.filter(pk=office.pk).exists()


# --- paging -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, 30),
        ("", 30),
        ("abc", 30),
        ("1e3", 30),
        ("１０", 30),  # full-width digits are not read as a page size
        ("2.5", 30),
        ("-1", 1),
        ("0", 1),
        (" 50 ", 50),
        ("+50", 50),
        ("201", MAX_PER_PAGE),
        ("9" * 5000, MAX_PER_PAGE),  # past int()'s 4300-digit limit
        ("-" + "9" * 40, 1),
    ],
)
def test_a_page_size_is_clamped(raw, expected) -> None:
    assert bounded_int(raw, default=30, lowest=1, highest=MAX_PER_PAGE) == expected


@pytest.fixture
def forty_indicators(office_a, town, october_2024) -> list[Indicator]:
    from tests.factories import FigureFactory

    indicators = []
    for number in range(40):
        indicator = IndicatorFactory(
            code=f"i{number:02d}", name=f"指标{number:02d}", office=office_a, places=[town]
        )
        FigureFactory(indicator=indicator, place=town, year=2024, month=9, value=number)
        indicators.append(indicator)
    return indicators


def table_rows(response) -> int:  # type: ignore[no-untyped-def]
    """The rows of the indicator table's page the response shows."""
    body = response.content.decode()
    table = re.search(r'id="indicator-table".*?<tbody[^>]*>(.*?)</tbody>', body, re.S)
    return len(re.findall(r"<tr\b", table[1])) if table else -1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "rows"),
    [
        ({}, 30),
        ({"per_page": "-1"}, 1),
        ({"per_page": "0"}, 1),
        ({"per_page": "9" * 30}, 40),
        ({"per_page": "abc"}, 30),
        ({"per_page": "10", "page": "-3"}, 10),
        ({"per_page": "10", "page": "999999999999999999999"}, 10),  # the last page
        ({"page": "abc"}, 30),
        ({"page": "2"}, 10),
    ],
)
def test_the_dashboard_table_pages_whatever_the_paging_parameters(
    leader_client, forty_indicators, query, rows
) -> None:
    response = leader_client.get("/", {"period": "2024-09", **query})
    assert response.status_code == 200
    assert table_rows(response) == rows


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["-1", "0", "9" * 30, "abc", "１"])
def test_the_notifications_page_pages_whatever_the_page(clerk_client, page) -> None:
    assert clerk_client.get("/notifications/", {"page": page}).status_code == 200


# --- text the database cannot store -----------------------------------------------------------


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\ud800", "x\udfff"])
def test_text_with_a_nul_or_a_lone_surrogate_is_refused_in_chinese(text) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_storable_text(text)
    assert refused.value.messages == ["含有无法保存的字符（如空字符），请删除后重新输入。"]


@pytest.mark.parametrize("text", ["", "退回：数据有误", "<script>'\"", "😀\u3000\t\n", "\x01\x1f"])
@pytest.mark.django_db
def test_any_other_text_is_storable(text) -> None:
    assert is_storable(text)
    assert validate_storable_text(text) is None  # no refusal
    # And the database keeps it as typed.
    indicator = IndicatorFactory(definition=text)
    assert Indicator.objects.get(pk=indicator.pk).definition == text


# --- a database outage ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_503_of_a_database_outage_logs_one_line(clerk, caplog) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    with (
        mock.patch.object(
            connection,
            "ensure_connection",
            side_effect=OperationalError("connection refused\n\tIs the server running?"),
        ),
        caplog.at_level(logging.WARNING, logger="django.request"),
    ):
        responses = [client.get("/"), client.get("/board/")]
    assert [response.status_code for response in responses] == [503, 503]
    records = [record for record in caplog.records if record.name == "django.request"]
    assert [record.getMessage() for record in records] == [
        "Service Unavailable: / (database unavailable: OperationalError: connection refused)",
        "Service Unavailable: /board/ (database unavailable: OperationalError: connection refused)",
    ]
    assert all(record.exc_info is None for record in records)
    handler = logging.StreamHandler()
    assert all("\n" not in handler.format(record) for record in records)


@pytest.mark.django_db
def test_any_other_server_error_keeps_its_traceback(clerk, caplog, monkeypatch) -> None:
    from dashboard import views

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "dashboard", broken)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/").status_code == 500
    (record,) = [record for record in caplog.records if record.name == "django.request"]
    assert record.exc_info is not None and "RuntimeError: boom" in caplog.text


# --- Content-Security-Policy ------------------------------------------------------------------


def test_the_policy_allows_no_inline_style() -> None:
    policy = dict(
        directive.strip().split(" ", 1) for directive in settings.CONTENT_SECURITY_POLICY.split(";")
    )
    assert "unsafe-inline" not in settings.CONTENT_SECURITY_POLICY
    assert policy["script-src"] == "'self'"
    assert policy["style-src"].startswith("'self' 'sha256-")


def test_the_error_pages_one_style_block_is_allowed_by_its_hash() -> None:
    """error_base.html keeps its styles inline (an error page needs no static file); the
    policy names their hash, so a change to them must change the policy too."""
    styles = re.findall(r"<style>(.*?)</style>", (TEMPLATES / "error_base.html").read_text(), re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in settings.CONTENT_SECURITY_POLICY


def test_no_template_has_an_inline_style() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:40]}"
        for path in TEMPLATES.rglob("*.html")
        if path.name != "error_base.html"
        for match in re.finditer(r"<style\b|\sstyle\s*=", path.read_text(encoding="utf-8"))
    ]
    assert not found, found


@pytest.mark.django_db
def test_every_answer_carries_the_policy(clerk_client) -> None:
    for response in (clerk_client.get("/"), clerk_client.get("/?x=%00"), Client().get("/healthz")):
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY

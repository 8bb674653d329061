"""Each step of the month's review is in the security log, a reason the database cannot store
is refused at the form, and a refused step leaves nothing behind: through the page's own
rendered forms (webtest), as people press the buttons."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import SecurityEvent
from accounts.roles import Role
from indicators.models import MonthReview, MonthReviewEvent
from tests.factories import FigureFactory, IndicatorFactory, UserFactory
from tests.indicators.test_month_workflow import Browsers, messages_of, month_page, press

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTH = "经济发展办 2024年10月"


@pytest.fixture(autouse=True)
def _november_2024():
    with time_machine.travel(datetime(2024, 11, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def output(office_a, town):
    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    FigureFactory(indicator=indicator, place=town, year=2024, month=10, value=D("29.74"))
    return indicator


@pytest.fixture
def reviewer(office_a):
    return UserFactory(username="head_a", office=office_a, roles=[Role.REVIEWER])


@pytest.fixture
def browsers(django_app) -> Browsers:
    return Browsers()


def review_log() -> list[tuple[str, str, str, str, str, str]]:
    actions = [SecurityEvent.Action.MONTH_REVIEW, SecurityEvent.Action.MONTH_REOPEN]
    return list(
        SecurityEvent.objects.filter(action__in=actions)
        .order_by("pk")
        .values_list("action", "username", "object", "detail", "result", "address")
    )


def test_every_step_of_the_review_is_in_the_security_log(
    browsers, clerk, reviewer, admin_user, office_a, output
):
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, clerk, office_a), "withdraw")
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "return", reason="同比增速需核实")
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "approve")
    press(month_page(browsers, admin_user, office_a), "reopen", reason="统计局更正10月数据")

    review, reopen = "month_review", "month_reopen"
    assert review_log() == [
        (review, "clerk_a", MONTH, "报送", "success", "127.0.0.1"),
        (review, "clerk_a", MONTH, "撤回", "success", "127.0.0.1"),
        (review, "clerk_a", MONTH, "报送", "success", "127.0.0.1"),
        (review, "head_a", MONTH, "退回：同比增速需核实", "success", "127.0.0.1"),
        (review, "clerk_a", MONTH, "报送", "success", "127.0.0.1"),
        (review, "head_a", MONTH, "审核通过", "success", "127.0.0.1"),
        (reopen, "admin_role", MONTH, "重新打开：统计局更正10月数据", "success", "127.0.0.1"),
    ]
    assert MonthReviewEvent.objects.count() == 7


def test_a_nul_byte_in_a_return_reason_is_refused_in_chinese_and_changes_nothing(
    browsers, clerk, reviewer, office_a, output
):
    press(month_page(browsers, clerk, office_a), "submit")
    page = press(month_page(browsers, reviewer, office_a), "return", reason="数据有误\x00请核对")
    assert "含有无法保存的字符" in messages_of(page)
    month = MonthReview.objects.get(office=office_a, year=2024, month=10)
    assert month.state == "submitted" and month.reason == ""
    assert list(month.events.values_list("action", flat=True)) == ["submit"]
    assert [entry[3] for entry in review_log()] == ["报送"]


def test_a_nul_byte_in_a_reopen_reason_is_refused_in_chinese_and_changes_nothing(
    browsers, clerk, reviewer, admin_user, office_a, output
):
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "approve")
    page = press(month_page(browsers, admin_user, office_a), "reopen", reason="\x00")
    assert "含有无法保存的字符" in messages_of(page)
    month = MonthReview.objects.get(office=office_a, year=2024, month=10)
    assert month.state == "reviewed"
    assert [entry[3] for entry in review_log()] == ["报送", "审核通过"]


def test_a_step_refused_on_a_stale_page_leaves_nothing_behind(
    browsers, clerk, reviewer, office_a, output
):
    """The reviewer's page still offers 审核通过 after the clerk withdrew the month: pressing
    it is refused, and neither a review row's change, an event nor a log line is left."""
    press(month_page(browsers, clerk, office_a), "submit")
    stale = month_page(browsers, reviewer, office_a)
    press(month_page(browsers, clerk, office_a), "withdraw")
    before = list(MonthReview.objects.values())
    page = press(stale, "approve")
    assert "只有已报送的月报才能审核" in messages_of(page)
    assert list(MonthReview.objects.values()) == before
    assert [entry[3] for entry in review_log()] == ["报送", "撤回"]


def test_a_month_nobody_submitted_gets_no_review_row_from_a_refused_step(
    browsers, clerk, reviewer, office_a, output
):
    """A reviewer's page opened while a month is submitted, after the month's row is gone
    (an admin deleted it): 审核通过 is refused, and no new row is made for the month."""
    press(month_page(browsers, clerk, office_a), "submit")
    stale = month_page(browsers, reviewer, office_a)
    MonthReview.objects.all().delete()
    page = press(stale, "approve")
    assert "只有已报送的月报才能审核" in messages_of(page)
    assert not MonthReview.objects.exists()

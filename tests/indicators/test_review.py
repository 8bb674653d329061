"""The monthly review: submit, approve (not by the submitter), return with a reason, lock,
reopen only by an admin with a reason; due days and late reports."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from indicators import review
from indicators.models import MonthReview, Place
from indicators.services import FigureEntry, figures_save
from tests.factories import FigureFactory, IndicatorFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _months_entered(office_a, town):
    """Each month these tests submit holds a figure: an empty month cannot be submitted."""
    indicator = IndicatorFactory(code="entered", name="已填指标", office=office_a, places=[town])
    for year, month in ((2023, 9), (2024, 9), (2024, 10)):
        FigureFactory(indicator=indicator, place=town, year=year, month=month, value=D(1))


@pytest.fixture
def reviewer(office_a):
    return UserFactory(username="head_a", office=office_a, roles=[Role.REVIEWER])


@pytest.fixture
def reviewer_b(office_b):
    return UserFactory(username="head_b", office=office_b, roles=[Role.REVIEWER])


def test_due_day_is_the_10th_of_the_next_month(settings):
    assert review.due_date(2024, 9) == date(2024, 10, 10)
    assert review.due_date(2024, 12) == date(2025, 1, 10)
    settings.REPORT_DUE_DAY = 31
    assert review.due_date(2024, 1) == date(2024, 2, 29)  # capped to the month's length


def test_a_report_is_late_when_submitted_after_the_due_day(office_a, clerk):
    with time_machine.travel(datetime(2024, 10, 10, 23, 0, tzinfo=SHANGHAI)):
        on_time = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    assert not review.is_late(on_time, 2024, 9, date(2024, 12, 1))
    with time_machine.travel(datetime(2024, 11, 11, 9, 0, tzinfo=SHANGHAI)):
        late = review.month_submit(office=office_a, year=2024, month=10, user=clerk)
    assert review.is_late(late, 2024, 10, date(2024, 12, 1))
    # Not submitted: late once the due day has passed.
    assert not review.is_late(None, 2024, 11, date(2024, 12, 10))
    assert review.is_late(None, 2024, 11, date(2024, 12, 11))


def test_submit_approve_locks_the_month(office_a, clerk, reviewer, output, town):
    submitted = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    assert submitted.state == MonthReview.State.SUBMITTED and submitted.submitted_by == clerk
    approved = review.month_approve(review=submitted, user=reviewer)
    assert approved.state == MonthReview.State.REVIEWED and approved.reviewed_by == reviewer
    with pytest.raises(review.MonthLocked) as excinfo:
        figures_save(
            year=2024, month=9, place=town, entries=[FigureEntry(output, D("1"))], user=clerk
        )
    assert "2024年9月的数据已审核锁定" in excinfo.value.messages[0]
    assert [e.action for e in approved.events.all()] == ["submit", "approve"]


def test_the_submitter_cannot_approve_their_own_month(office_a, clerk):
    clerk.groups.add(*UserFactory(roles=[Role.REVIEWER]).groups.all())
    clerk = type(clerk).objects.get(pk=clerk.pk)
    submitted = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    with pytest.raises(ValidationError, match="审核人不能是报送人本人"):
        review.month_approve(review=submitted, user=clerk)


def test_only_a_reviewer_of_the_office_or_an_admin_reviews(
    office_a, clerk, reviewer_b, leader, admin_user
):
    submitted = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    for outsider in (reviewer_b, leader):
        with pytest.raises(PermissionDenied):
            review.month_approve(review=submitted, user=outsider)
    assert review.month_approve(review=submitted, user=admin_user).state == "reviewed"


def test_a_return_needs_a_reason_and_allows_resubmission(office_a, clerk, reviewer):
    submitted = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    with pytest.raises(ValidationError, match="退回时必须填写原因"):
        review.month_return(review=submitted, user=reviewer, reason=" ")
    returned = review.month_return(review=submitted, user=reviewer, reason="规上产值与统计局不符")
    assert returned.state == "returned" and returned.reason == "规上产值与统计局不符"
    again = review.month_submit(office=office_a, year=2024, month=9, user=clerk)
    assert again.state == "submitted"
    assert [(e.action, e.reason) for e in again.events.all()] == [
        ("submit", ""),
        ("return", "规上产值与统计局不符"),
        ("submit", ""),
    ]


def test_only_an_admin_reopens_a_reviewed_month_and_only_with_a_reason(
    office_a, clerk, reviewer, admin_user, output, town
):
    approved = review.month_approve(
        review=review.month_submit(office=office_a, year=2024, month=9, user=clerk),
        user=reviewer,
    )
    with pytest.raises(PermissionDenied):
        review.month_reopen(review=approved, user=reviewer, reason="x")
    with pytest.raises(ValidationError, match="必须填写原因"):
        review.month_reopen(review=approved, user=admin_user, reason="")
    reopened = review.month_reopen(review=approved, user=admin_user, reason="统计局更正9月数据")
    assert reopened.state == "draft" and reopened.reason == "统计局更正9月数据"
    assert reopened.events.last().reason == "统计局更正9月数据"
    figures_save(year=2024, month=9, place=town, entries=[FigureEntry(output, D("1"))], user=clerk)


def test_a_locked_month_refuses_the_form_and_the_page_says_so(
    clerk_client, office_a, clerk, reviewer, output, town
):
    review.month_approve(
        review=review.month_submit(office=office_a, year=2023, month=9, user=clerk),
        user=reviewer,
    )
    url = f"/admin/indicators/figure/report/?office={office_a.pk}&period=2023-09"
    body = clerk_client.get(url).content.decode()
    assert "2023年9月的数据已审核锁定" in body and "保存全部" not in body
    response = clerk_client.post(
        url, {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "1", "rows-0-value": "5"}
    )
    assert "未保存" in response.content.decode()
    assert not output.figures.exists()


def test_the_review_buttons_work_through_the_page(client, office_a, clerk, reviewer, output, town):
    client.force_login(clerk)
    client.post(
        "/admin/indicators/figure/review/",
        {"office": office_a.pk, "period": "2023-09", "action": "submit"},
    )
    assert MonthReview.objects.get().state == "submitted"
    client.force_login(reviewer)
    page = client.get(f"/admin/indicators/figure/report/?office={office_a.pk}&period=2023-09")
    assert page.status_code == 200 and "审核通过" in page.content.decode()
    response = client.post(
        "/admin/indicators/figure/review/",
        {"office": office_a.pk, "period": "2023-09", "action": "return", "reason": ""},
    )
    assert response.status_code == 302
    assert "退回时必须填写原因" in client.get(response["Location"]).content.decode()
    client.post(
        "/admin/indicators/figure/review/",
        {"office": office_a.pk, "period": "2023-09", "action": "approve"},
    )
    assert MonthReview.objects.get().state == "reviewed"


def test_the_review_form_posts_back_the_office_and_month_it_shows(client):
    """Regression (found by the browser journeys): with the thousands separator on, the hidden
    fields read "2,023-09" and office "1,234", so 报送审核 answered with a bad-month error."""
    office = OfficeFactory(pk=1234, code="big", name="综合办")
    town = Place.objects.get(level="town")
    FigureFactory(
        indicator=IndicatorFactory(office=office, places=[town]),
        place=town,
        year=2023,
        month=9,
        value=D(1),
    )
    clerk_big = UserFactory(username="clerk_big", office=office, roles=[Role.CLERK])
    review.month_submit(office=office, year=2023, month=9, user=clerk_big)
    client.force_login(UserFactory(username="admin_big", roles=[Role.ADMIN]))
    page = client.get(f"/admin/indicators/figure/report/?office={office.pk}&period=2023-09")
    form = re.search(r'class="review-actions">.*?</form>', page.content.decode(), re.S).group()
    hidden = dict(re.findall(r'type="hidden" name="(office|period)" value="([^"]*)"', form))
    assert hidden == {"office": "1234", "period": "2023-09"}
    client.post("/admin/indicators/figure/review/", {**hidden, "action": "approve"})
    assert MonthReview.objects.get(office=office).state == "reviewed"


def test_a_reviewer_finds_the_review_page_from_the_top_bar_and_the_admin_index(
    client, reviewer, leader
):
    """Regression (found by the browser journeys): no page linked a reviewer to the month."""
    client.force_login(reviewer)
    for page in ("/", "/admin/"):
        body = client.get(page).content.decode()
        assert 'href="/admin/indicators/figure/report/">月报审核</a>' in body, page
    client.force_login(leader)
    for page in ("/", "/admin/"):
        assert "/admin/indicators/figure/report/" not in client.get(page).content.decode()


def _row(response, indicator):
    return next(row for row in response.context["data"].rows if row.indicator == indicator)


def test_the_dashboard_marks_unreviewed_figures(
    leader_client, office_a, clerk, reviewer, output, town
):
    FigureFactory(
        indicator=output, place=town, year=2024, month=9, value=D("29.74"), entered_by=clerk
    )
    with time_machine.travel(datetime(2024, 10, 15, tzinfo=SHANGHAI)):
        row = _row(leader_client.get("/?period=2024-09"), output)
        assert "未审核" in row.marks
        review.month_approve(
            review=review.month_submit(office=office_a, year=2024, month=9, user=clerk),
            user=reviewer,
        )
        row = _row(leader_client.get("/?period=2024-09"), output)
        assert "未审核" not in row.marks


def test_a_reviewer_sees_the_review_title_and_a_clerk_the_report_title(
    client, office_a, clerk, reviewer, output
):
    url = f"/admin/indicators/figure/report/?office={office_a.pk}&period=2023-09"
    client.force_login(reviewer)
    body = client.get(url).content.decode()
    assert "<h1>月报审核</h1>" in body and "<h1>月报填报</h1>" not in body
    client.force_login(clerk)
    body = client.get(url).content.decode()
    assert "<h1>月报填报</h1>" in body

"""The reporting month as offices live it, through the pages' own rendered forms (webtest):
two people on one month, a submission that freezes the month on every path, 撤回, 退回, and the
报送情况 each role sees."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_webtest import DjangoTestApp
from openpyxl import load_workbook

from accounts.roles import Role
from indicators import review, selectors
from indicators.models import Figure, MonthReview, MonthReviewEvent
from indicators.services import FigureEntry, figures_save
from plans.models import ProgressReport
from plans.services import ProgressEntry, progress_report_save
from tests.factories import (
    FigureFactory,
    IndicatorFactory,
    OfficeFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT = "/admin/indicators/figure/report/"
PROGRESS = "/admin/plans/progressreport/report/"
IMPORT = "/admin/indicators/figure/import/"


@pytest.fixture(autouse=True)
def _november_2024():
    """5 November 2024: October is being reported, due on the 10th."""
    with time_machine.travel(datetime(2024, 11, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def output(office_a, town):
    return IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])


@pytest.fixture
def second_clerk(office_a):
    return UserFactory(username="clerk_a2", first_name="李四", office=office_a, roles=[Role.CLERK])


@pytest.fixture
def reviewer(office_a):
    return UserFactory(username="head_a", office=office_a, roles=[Role.REVIEWER])


@pytest.fixture
def task(office_a):
    return TaskFactory(office=office_a)


class Browsers:
    """One webtest app (its own cookies, like a browser) per person."""

    def __init__(self) -> None:
        self.apps: dict[int, DjangoTestApp] = {}

    def of(self, user) -> DjangoTestApp:
        if user.pk not in self.apps:
            self.apps[user.pk] = DjangoTestApp()
            self.apps[user.pk].set_user(user)
        return self.apps[user.pk]

    def get(self, url: str, user):
        return self.of(user).get(url)


@pytest.fixture
def browsers(django_app) -> Browsers:
    """django_app patches the settings webtest needs; each person then has an app of their own."""
    return Browsers()


def month_page(browsers, user, office, url=REPORT, period="2024-10"):
    return browsers.get(f"{url}?office={office.pk}&period={period}", user)


def report_form(page):
    """The page's data form: the one with the rows (the review form has the action buttons)."""
    return next(form for form in page.forms.values() if "rows-0-value" in form.fields)


def progress_form(page):
    return next(form for form in page.forms.values() if "rows-0-progress" in form.fields)


def review_form(page):
    return next(form for form in page.forms.values() if "action" in form.fields)


def press(page, action, reason=""):
    """Click one of the review buttons, as a person would: 报送 is the data form's 保存并报送审核,
    the reason has a form of its own."""
    if action == "submit":
        return report_form(page).submit("then_submit").follow()
    forms = [
        form
        for form in page.forms.values()
        if "action" in form.fields and f'value="{action}"' in form.text
    ]
    (form,) = forms
    if reason:
        form["reason"] = reason
    return form.submit("action", value=action).follow()


def messages_of(page) -> str:
    return " ".join(li.text for li in page.html.select("ul.messagelist li, ul.messages li"))


# --- two people, one month -------------------------------------------------------------------


def test_the_second_of_two_clerks_saving_one_month_is_refused_with_both_values(
    browsers, clerk, second_clerk, office_a, output
):
    first = report_form(month_page(browsers, clerk, office_a))
    second = report_form(month_page(browsers, second_clerk, office_a))
    first["rows-0-value"] = "29.74"
    assert "已保存" in messages_of(first.submit().follow())

    second["rows-0-value"] = "30.5"
    answer = second.submit()
    text = answer.text
    assert "全部未保存" in text and "29.74" in text and "30.5" in text and "clerk_a" in text
    assert "已保存" not in messages_of(answer)
    figure = Figure.objects.get(indicator=output)
    assert figure.value == D("29.74") and figure.version == 1 and figure.updated_by == clerk


def test_a_later_save_from_a_page_opened_after_the_change_goes_through(
    browsers, clerk, second_clerk, office_a, output
):
    first = report_form(month_page(browsers, clerk, office_a))
    first["rows-0-value"] = "29.74"
    first.submit()
    again = report_form(month_page(browsers, second_clerk, office_a))
    again["rows-0-value"] = "30.5"
    again.submit().follow()
    figure = Figure.objects.get(indicator=output)
    assert figure.value == D("30.5") and figure.version == 2


def test_the_second_of_two_clerks_saving_progress_is_refused_with_both_values(
    browsers, clerk, second_clerk, office_a, task
):
    first = progress_form(month_page(browsers, clerk, office_a, PROGRESS))
    second = progress_form(month_page(browsers, second_clerk, office_a, PROGRESS))
    first["rows-0-progress"] = "完成征地协议411亩"
    first.submit().follow()
    second["rows-0-progress"] = "完成征地协议300亩"
    answer = second.submit()
    assert "完成征地协议411亩" in answer.text and "完成征地协议300亩" in answer.text
    assert "全部未保存" in answer.text and "已保存" not in messages_of(answer)
    assert ProgressReport.objects.get(task=task).progress == "完成征地协议411亩"


# --- a submission freezes the month -----------------------------------------------------------


def test_a_submitted_month_shows_as_text_and_refuses_every_path(
    browsers, clerk, office_a, output, task, town
):
    FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("29.74"))
    opened_before = report_form(month_page(browsers, clerk, office_a))
    progress_before = progress_form(month_page(browsers, clerk, office_a, PROGRESS))
    template = browsers.get(f"{IMPORT}template/?office={office_a.pk}&period=2024-10", clerk).content

    page = press(month_page(browsers, clerk, office_a), "submit")
    assert "已报送" in page.html.select_one(".report-state").text
    assert not page.html.select("input[name='rows-0-value']") and "保存全部" not in page.text
    assert "29.74" in page.text and "请先撤回" in page.text

    # The monthly form opened before the submission.
    opened_before["rows-0-value"] = "31"
    answer = opened_before.submit()
    assert "未保存" in messages_of(answer) and "已保存" not in messages_of(answer)
    # The progress form, on the page and after.
    assert "保存全部" not in month_page(browsers, clerk, office_a, PROGRESS).text
    progress_before["rows-0-progress"] = "新进展"
    assert "未保存" in progress_before.submit().text
    # Excel: the filled template is refused at the preview, with no 确认导入.
    book = load_workbook(io.BytesIO(template))
    book["月报"]["E4"] = 31
    buffer = io.BytesIO()
    book.save(buffer)
    upload = next(f for f in browsers.get(IMPORT, clerk).forms.values() if "file" in f.fields)
    upload["file"] = ("月报.xlsx", buffer.getvalue())
    answer = upload.submit()
    assert "已报送，等待审核" in answer.text and "确认导入" not in answer.text
    # The services themselves.
    with pytest.raises(review.MonthLocked):
        figures_save(
            year=2024, month=10, place=town, entries=[FigureEntry(output, D("32"))], user=clerk
        )
    with pytest.raises(review.MonthLocked):
        progress_report_save(
            office=office_a,
            year=2024,
            month=10,
            entries=[ProgressEntry(subject=task, progress="改")],
            user=clerk,
        )
    assert Figure.objects.get(indicator=output).value == D("29.74")
    assert not ProgressReport.objects.filter(task=task).exists()


def test_a_clerk_withdraws_before_review_and_it_is_on_record(
    browsers, clerk, reviewer, office_a, output, town
):
    FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("29.74"))
    press(month_page(browsers, clerk, office_a), "submit")
    assert (
        "撤回" not in month_page(browsers, reviewer, office_a).html.select_one(".review-box").text
    )
    page = press(month_page(browsers, clerk, office_a), "withdraw")
    assert "已撤回" in messages_of(page)
    assert page.html.select("input[name='rows-0-value']")  # editable again
    month = MonthReview.objects.get(office=office_a, year=2024, month=10)
    assert month.state == "draft" and month.submitted_by is None
    assert list(month.events.values_list("action", "user__username")) == [
        ("submit", "clerk_a"),
        ("withdraw", "clerk_a"),
    ]
    # Once approved there is nothing to withdraw.
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "approve")
    page = month_page(browsers, clerk, office_a)
    assert not page.html.select("button[value='withdraw']")
    with pytest.raises(Exception, match="撤回"):
        review.month_withdraw(review=month, user=clerk)


def test_after_a_return_the_clerk_edits_again_and_the_reason_goes_to_the_record(
    browsers, clerk, reviewer, office_a, output
):
    form = report_form(month_page(browsers, clerk, office_a))
    form["rows-0-value"] = "29.74"
    form.submit()
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "return", reason="同比增速需核实")

    page = month_page(browsers, clerk, office_a)
    assert page.html.select_one(".report-state").text == "已退回"
    assert "退回原因：同比增速需核实" in page.text
    form = report_form(page)
    form["rows-0-value"] = "29.8"
    form.submit().follow()
    assert Figure.objects.get(indicator=output).value == D("29.8")

    press(month_page(browsers, clerk, office_a), "submit")
    page = press(month_page(browsers, reviewer, office_a), "approve")
    assert page.html.select_one(".report-state").text == "已审核"
    assert "退回原因" not in page.html.select_one(".review-box p").text
    assert "同比增速需核实" in page.html.select_one(".review-box details").text


# --- 报送情况 ----------------------------------------------------------------------------------


@pytest.fixture
def five_offices(town):
    """An office in each state for October 2024, made by hand; today is 12 November."""
    names = ["未填科", "草稿科", "报送科", "退回科", "审核科"]
    offices = [OfficeFactory(code=f"o{i}", name=name, order=i) for i, name in enumerate(names)]
    clerks = [
        UserFactory(username=f"c{i}", office=office, roles=[Role.CLERK])
        for i, office in enumerate(offices)
    ]
    head = UserFactory(username="head", roles=[Role.ADMIN])
    for office in offices:  # each reports a monthly indicator; 未填科 entered nothing
        indicator = IndicatorFactory(office=office, places=[town])
        if office != offices[0]:
            FigureFactory(indicator=indicator, place=town, year=2024, month=10, value=D(1))

    def at(day, hour=9):
        return time_machine.travel(datetime(2024, 11, day, hour, tzinfo=SHANGHAI), tick=False)

    with at(8):
        review.month_submit(office=offices[4], year=2024, month=10, user=clerks[4])
        review.month_approve(review=review.review_for(offices[4], 2024, 10), user=head)
        review.month_submit(office=offices[3], year=2024, month=10, user=clerks[3])
        review.month_return(
            review=review.review_for(offices[3], 2024, 10), user=head, reason="缺说明"
        )
    with at(11):
        review.month_submit(office=offices[2], year=2024, month=10, user=clerks[2])
    return offices, clerks


def test_each_office_has_its_state_and_lateness_late_and_returned_first(five_offices):
    offices, _clerks = five_offices
    reports = selectors.office_reports(offices, 2024, 10, today=datetime(2024, 11, 12).date())
    shown = [(r.office.name, r.label, r.lateness_label) for r in reports]
    assert shown == [
        ("未填科", "未报送", "逾期2天"),
        ("草稿科", "草稿", "逾期2天"),
        ("退回科", "已退回", "逾期2天"),
        ("报送科", "已报送", "逾期1天"),
        ("审核科", "已审核", ""),
    ]
    returned = next(r for r in reports if r.office.name == "退回科")
    assert returned.reason == "缺说明" and returned.submitted_by is None
    approved = reports[-1]
    assert approved.submitted_by.username == "c4" and approved.reviewed_by.username == "head"


def test_the_leader_sees_every_office_and_a_clerk_only_their_own(browsers, five_offices, leader):
    _offices, clerks = five_offices
    with time_machine.travel(datetime(2024, 11, 12, 9, tzinfo=SHANGHAI), tick=False):
        page = browsers.get("/?period=2024-10", leader)
        items = page.html.select("li.office-report")
        states = [(li.strong.text, li.select_one(".status").text) for li in items]
        assert states[0] == ("未填科", "未报送") and len(states) == 5
        assert ("审核科", "已审核") in states and "逾期2天" in items[0].text
        assert "缺说明" in page.html.select_one(".office-reports").text

        page = browsers.get("/?period=2024-10", clerks[1])
        items = page.html.select("li.office-report")
        assert [li.strong.text for li in items] == ["草稿科"]
        assert "草稿" in items[0].text and "逾期2天" in items[0].text
        assert "均已报送" not in page.text


def test_a_figure_a_clerk_overwrote_is_unreviewed_until_the_month_is_approved(
    browsers, clerk, reviewer, leader, office_a, output, town
):
    FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("29.74"))
    figures_save(
        year=2024, month=10, place=town, entries=[FigureEntry(output, D("29.8"))], user=clerk
    )
    row = browsers.get("/?period=2024-10", leader).context["data"].rows[0]
    assert "未审核" in row.marks
    review.month_submit(office=office_a, year=2024, month=10, user=clerk)
    review.month_approve(review=review.review_for(office_a, 2024, 10), user=reviewer)
    row = browsers.get("/?period=2024-10", leader).context["data"].rows[0]
    assert "未审核" not in row.marks
    assert MonthReviewEvent.objects.filter(action="approve").count() == 1


# --- what a new user broke (fresh-clone trial) --------------------------------------------------


def test_enter_in_the_reason_box_returns_and_never_approves(
    browsers, clerk, reviewer, office_a, output, town
):
    FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("29.74"))
    press(month_page(browsers, clerk, office_a), "submit")
    page = month_page(browsers, reviewer, office_a)
    (reason_form,) = [form for form in page.forms.values() if "reason" in form.fields]
    assert 'value="approve"' not in reason_form.text
    reason_form["reason"] = "固定资产投资同比增速请按统计局公布口径核对"
    reason_form.submit("action", index=0).follow()  # Enter: the form's first button
    month = MonthReview.objects.get(office=office_a, year=2024, month=10)
    assert month.state == "returned" and month.reason.startswith("固定资产投资")


def test_save_and_submit_keeps_what_was_typed(browsers, clerk, office_a, output):
    form = report_form(month_page(browsers, clerk, office_a))
    form["rows-0-value"] = "35.18"
    page = form.submit("then_submit").follow()
    assert "已报送，等待审核" in messages_of(page)
    assert Figure.objects.get(indicator=output).value == D("35.18")
    assert MonthReview.objects.get(office=office_a, year=2024, month=10).state == "submitted"


def test_an_empty_month_or_one_not_yet_over_cannot_be_submitted(
    browsers, clerk, office_a, output, town
):
    page = report_form(month_page(browsers, clerk, office_a)).submit("then_submit").follow()
    assert "尚未填写任何数据或进展，不能报送" in messages_of(page)
    FigureFactory(indicator=output, place=town, year=2024, month=11, value=D("1"))
    with pytest.raises(Exception, match="尚未结束"):
        review.month_submit(office=office_a, year=2024, month=11, user=clerk)
    assert not MonthReview.objects.filter(state="submitted").exists()


def test_a_stale_page_cannot_undo_another_persons_note_and_keeps_its_other_rows(
    browsers, clerk, second_clerk, office_a, output, town
):
    other = IndicatorFactory(
        code="other", name="限上批发业商品销售额", office=office_a, places=[town]
    )
    for indicator in (output, other):
        FigureFactory(indicator=indicator, place=town, year=2024, month=10, value=D("5"), note="")
    first = report_form(month_page(browsers, clerk, office_a))
    stale = report_form(month_page(browsers, second_clerk, office_a))
    first["rows-0-note"] = "录入员改第1行"
    first.submit().follow()

    stale["rows-1-note"] = "另一人改第2行"
    answer = stale.submit()
    warned = messages_of(answer)
    assert "情况说明当前为 录入员改第1行，您填写的是 —" in warned and "全部未保存" in warned
    # The conflicting row now shows the stored note; the other row keeps what was typed.
    again = report_form(answer)
    assert again["rows-0-note"].value == "录入员改第1行"
    assert again["rows-1-note"].value == "另一人改第2行"
    again.submit().follow()
    notes = dict(Figure.objects.values_list("indicator__code", "note"))
    assert notes == {"output": "录入员改第1行", "other": "另一人改第2行"}


def test_a_figure_is_never_deleted_through_the_admin(browsers, office_a, output, town):
    figure = FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("5"))
    admin = UserFactory(username="boss", roles=[Role.ADMIN])
    answer = browsers.of(admin).get(f"/admin/indicators/figure/{figure.pk}/delete/", status=403)
    assert answer.status_int == 403 and Figure.objects.filter(pk=figure.pk).exists()


def test_a_reopened_month_says_why_and_is_not_late_for_its_on_time_submission(
    browsers, clerk, reviewer, office_a, output, town
):
    FigureFactory(indicator=output, place=town, year=2024, month=10, value=D("5"))
    press(month_page(browsers, clerk, office_a), "submit")
    press(month_page(browsers, reviewer, office_a), "approve")
    admin = UserFactory(username="boss", roles=[Role.ADMIN])
    press(month_page(browsers, admin, office_a), "reopen", reason="统计局更正10月数据")
    with time_machine.travel(datetime(2024, 11, 20, 9, tzinfo=SHANGHAI), tick=False):
        page = month_page(browsers, clerk, office_a)
        box = page.html.select_one(".review-box p").text
        assert "重新打开原因：统计局更正10月数据" in box and "逾期" not in box


def test_a_reviewer_reads_the_months_progress_but_cannot_save_it(
    browsers, reviewer, office_a, task
):
    page = month_page(browsers, reviewer, office_a, PROGRESS)
    assert page.status_int == 200 and "保存全部" not in page.text
    assert not page.html.select("textarea, input[name$='-progress']")
    assert task.title in page.text


def _upload(browsers, user, book):
    buffer = io.BytesIO()
    book.save(buffer)
    page = browsers.get(IMPORT, user)
    form = next(f for f in page.forms.values() if "file" in f.fields)
    form["file"] = ("月报.xlsx", buffer.getvalue())
    return form.submit()


def _template(browsers, user, office):
    content = browsers.get(f"{IMPORT}template/?office={office.pk}&period=2024-10", user).content
    return load_workbook(io.BytesIO(content))


def test_an_old_copy_of_the_template_cannot_undo_a_later_save(
    browsers, clerk, second_clerk, office_a, output, town
):
    other = IndicatorFactory(code="other", name="限上销售额", office=office_a, places=[town])
    for indicator in (output, other):
        FigureFactory(indicator=indicator, place=town, year=2024, month=10, value=D("5"))
    book = _template(browsers, clerk, office_a)  # downloaded first
    page = report_form(month_page(browsers, second_clerk, office_a))
    page["rows-0-value"] = "6"
    page.submit().follow()

    book["月报"]["E5"] = 7  # the clerk edits the other row only, in the old file
    preview = _upload(browsers, clerk, book)
    confirm = next(f for f in preview.forms.values() if "confirm" in f.fields)
    answer = confirm.submit()
    assert "全部未保存" in answer.text and "本期数当前为 6，您填写的是 5" in answer.text
    values = dict(Figure.objects.values_list("indicator__code", "value"))
    assert values == {"output": D("6"), "other": D("5")}


def test_the_preview_names_growth_and_note_changes_and_notes_round_trip(
    browsers, clerk, office_a, output, town
):
    FigureFactory(
        indicator=output, place=town, year=2024, month=10, value=D("5"), note="-同比下降主要因春节"
    )
    book = _template(browsers, clerk, office_a)
    assert book["月报"]["G4"].value == "-同比下降主要因春节"
    unchanged = _upload(browsers, clerk, book)
    assert "修改" not in unchanged.html.select_one("table tbody").text
    book["月报"]["F4"] = 12.5
    changed = _upload(browsers, clerk, book)
    assert "修改（同比增长）" in changed.html.select_one("table tbody").text
    confirm = next(f for f in changed.forms.values() if "confirm" in f.fields)
    confirm.submit().follow()
    figure = Figure.objects.get(indicator=output)
    assert figure.growth == D("12.5") and figure.note == "-同比下降主要因春节"

"""The 待办 page, the top bar's badges and the 通知 page, through the pages people use."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from inbox import badges
from inbox.models import Notification
from plans.models import SupervisionItem
from tests.factories import TEST_PASSWORD
from tests.inbox.conftest import lock_out


def items_on(page) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(state words, title) of each to-do item on the page, in order."""
    return [
        (
            item.select_one(".state").get_text(strip=True),
            item.select_one(".title a").get_text(strip=True),
        )
        for item in page.html.select("ul.items li.item")
    ]


def badge(page, name: str) -> str | None:  # type: ignore[no-untyped-def]
    link = next(a for a in page.html.select("nav.usernav a") if a.get_text().startswith(name))
    count = link.select_one(".badge")
    return count.get_text(strip=True) if count else None


def test_logging_in_lands_on_the_todo_page(django_app, world):
    page = django_app.get("/accounts/login/")
    form = page.forms[0]
    form["username"] = "clerk_a"
    form["password"] = TEST_PASSWORD
    response = form.submit()
    assert response.status_code == 302 and response["Location"] == "/todo/"
    landing = response.follow()
    assert landing.html.h1.get_text() == "待办"


def test_the_clerks_page_shows_the_month_and_every_todo(django_app, world):
    page = django_app.get("/todo/", user=world.clerk)
    assert "今天 2024年10月15日 · 正在报送 2024年9月" in page.text
    report = page.html.select_one("ul.reports li")
    assert report.select_one(".state").get_text() == "草稿"
    assert report.select_one(".due").get_text() == "逾期5天"
    assert "截止日期 2024年10月10日" in report.get_text()
    assert items_on(page) == [
        ("逾期35天", "2024年8月月报被退回，请修改后重新报送"),
        ("逾期5天", "报送2024年9月月报"),
        ("逾期15天", "后冯区块 · 谋划"),
        ("逾期14天", "解决张店区块拆迁遗留问题"),
        ("还剩5天", "加快后冯区块政策处理"),
        ("待办", "朱溪港两侧土地征收"),
        ("待办", "规上工业产值：请核对2024年9月数据"),
    ]
    assert "原因：请补充工业性投资的情况说明" in page.text
    assert badge(page, "待办") == "7"
    assert badge(page, "通知") is None
    # Every item is a tap away: the month opens on the 月报填报 page.
    month = page.click(description="报送2024年9月月报")
    assert month.status_code == 200
    assert month.html.select_one("select[name=office] option[selected]").get_text() == "经济发展办"


def test_a_clerk_whose_month_is_a_late_draft_is_never_told_all_is_reported(django_app, world):
    page = django_app.get("/todo/", user=world.clerk)
    assert "已报送" not in page.html.select_one("ul.reports").get_text()
    assert "均已报送" not in page.text


def test_the_reviewers_page_lists_the_months_waiting_oldest_first(django_app, world):
    page = django_app.get("/todo/", user=world.reviewer_b)
    assert items_on(page) == [
        ("待办", "审核农业农村办2024年7月月报"),
        ("待办", "审核农业农村办2024年9月月报"),
    ]
    assert "clerk_b于10月9日 16:30报送" in page.html.select_one("ul.reports").get_text()
    review = page.click(description="审核农业农村办2024年7月月报")
    assert "月报审核" in review.text


def test_the_leaders_page_shows_cards_offices_and_what_is_overdue(django_app, world):
    page = django_app.get("/todo/", user=world.leader)
    cards = page.html.select_one("section[aria-labelledby=cards-title]")
    assert [li.a.get_text() for li in cards.select("li")] == ["规上工业产值", "工业性投资"]
    assert [s.get_text() for s in cards.select(".state")] == ["无目标", "无目标"]
    offices = [
        (li.a.get_text(), li.select_one(".state").get_text(), li.select_one(".due").get_text())
        for li in page.html.select("ul.reports li")
    ]
    assert offices == [
        ("应急管理办", "未报送", "逾期5天"),
        ("经济发展办", "草稿", "逾期5天"),
        ("社会事务办", "已退回", "逾期5天"),
        ("农业农村办", "已报送", "截止10月10日"),
    ]
    assert items_on(page) == [
        ("逾期14天", "解决张店区块拆迁遗留问题"),
        ("逾期5天", "应急管理办：未报送"),
        ("逾期5天", "经济发展办：草稿"),
        ("逾期5天", "社会事务办：已退回"),
        ("还剩5天", "加快后冯区块政策处理"),
        ("待办", "核实比亚迪配套用地"),
    ]
    assert "逾期阶段1个，查看挂图作战" in page.text
    assert badge(page, "待办") == "6"
    # Each part is a tap away: an office opens the dashboard filtered to it, a card its page.
    assert page.click(description="^经济发展办$").request.path_qs == (
        f"/?office={world.office_a.pk}"
    )
    assert page.click(description="规上工业产值").request.path == "/indicators/output/"
    assert page.click(description="逾期阶段1个，查看挂图作战").request.path == "/board/"


def test_a_long_leaders_list_shows_the_most_urgent_and_links_the_rest(django_app, world):
    from datetime import date

    from plans.models import SupervisionItem

    for day in range(1, 10):
        SupervisionItem.objects.create(
            project=world.project,
            matter=f"第{day}项",
            office=world.office_a,
            due_date=date(2024, 9, day),
            raised_by=world.leader,
        )
    page = django_app.get("/todo/", user=world.leader)
    assert len(items_on(page)) == 8
    assert items_on(page)[0] == ("逾期44天", "第1项")
    full = page.click(description="查看全部15项待办")
    assert len(items_on(full)) == 15


def test_a_leader_confirms_a_resolved_item_from_the_list(django_app, world):
    page = django_app.get("/todo/", user=world.leader)
    form = next(f for f in page.forms.values() if "item" in f.fields)
    assert form["item"].value == str(world.item_resolved.pk)
    after = form.submit().follow()
    assert "已确认办结：核实比亚迪配套用地" in after.text
    assert "核实比亚迪配套用地" not in [title for _state, title in items_on(after)]
    assert badge(after, "待办") == "5"
    # The confirmation is the leader's notification of the resolution, read: the daily
    # reminders never send it now.
    notification = Notification.objects.get(user=world.leader, kind="supervision_resolved")
    assert notification.read_at is not None
    assert notification.title == "督办事项已办结，请确认：核实比亚迪配套用地"


def test_nobody_confirms_an_item_they_did_not_raise(django_app, world):
    from tests.factories import UserFactory

    other_leader = UserFactory(username="leader2", roles=[Role.LEADER])
    SupervisionItem.objects.filter(pk=world.item_overdue.pk).update(
        raised_by=other_leader, resolution="已解决", resolved_at=timezone.now()
    )
    page = django_app.get("/todo/", user=other_leader)
    form = next(f for f in page.forms.values() if "item" in f.fields)
    assert form["item"].value == str(world.item_overdue.pk)
    form["item"].force_value(str(world.item_resolved.pk))  # raised by the other leader
    after = form.submit().follow()
    assert "未确认：该督办事项不存在、尚未办结，或不是您交办的。" in after.text
    assert not Notification.objects.exists()


def test_the_security_admins_page_lists_locked_out_accounts_not_the_admins(django_app, world):
    lock_out("clerk_b")
    page = django_app.get("/todo/?all=1", user=world.security)
    titles = [title for _state, title in items_on(page)]
    assert titles == ["账号“clerk_b”已被锁定"]
    assert badge(page, "待办") == "1"
    page = django_app.get("/todo/?all=1", user=world.admin)
    titles = [title for _state, title in items_on(page)]
    assert "账号“clerk_b”已被锁定" not in titles
    assert "审核农业农村办2024年7月月报" in titles
    assert badge(page, "待办") == str(len(titles)) == "7"


def test_someone_without_a_role_has_an_empty_page(django_app, world):
    from tests.factories import UserFactory

    page = django_app.get("/todo/", user=UserFactory())
    assert "暂无待办事项。" in page.text
    assert badge(page, "待办") is None


def test_the_badges_show_on_other_pages_too(django_app, world):
    Notification.objects.create(
        user=world.leader, kind="report_overdue", key="k1", title="经济发展办2024年9月月报已逾期5天"
    )
    page = django_app.get("/board/", user=world.leader)
    assert (badge(page, "待办"), badge(page, "通知")) == ("6", "1")


def _badge_queries(user) -> tuple[badges.Badges, int]:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/board/")
    request.user = user
    with CaptureQueriesContext(connection) as context:
        counts = badges.for_request(request)
        assert badges.for_request(request) is counts  # counted once per request
    return counts, len(context.captured_queries)


# Committed writes, as in production: a request with uncommitted writes of its own recounts.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("who", ["clerk", "leader", "admin", "security"])
def test_the_badges_cost_one_query_until_the_data_changes(world, who):
    user = getattr(world, who)
    user.role_names  # noqa: B018 - read by the request's middleware before any page
    lock_out("clerk_b")
    first, counted = _badge_queries(user)
    second, cached = _badge_queries(user)
    assert first == second and cached == 1 and counted > 1
    # A new figure changes the data stamp: the next page counts afresh, and right.
    world.returned_august.state = "reviewed"
    world.returned_august.save()
    third, recounted = _badge_queries(user)
    assert recounted == counted
    if who == "clerk":
        assert third.todo == first.todo - 1
    # A new lockout is counted at once, without recounting the rest.
    lock_out("clerk_c")
    fourth, cheap = _badge_queries(user)
    assert cheap == 1
    assert fourth.todo == third.todo + (1 if who == "security" else 0)


def test_the_notifications_page_lists_unread_and_read_and_marks_them_read(django_app, world):
    now = timezone.now()

    def notify(title: str, hours_ago: int, **fields: object) -> Notification:
        return Notification.objects.create(
            user=world.clerk,
            kind="report_soon",
            key=title,
            title=title,
            created_at=now - timedelta(hours=hours_ago),
            **fields,
        )

    older = notify("经济发展办2024年9月月报还剩3天截止", 2)
    newer = notify("经济发展办2024年8月月报被退回", 1)
    notify("新的督办事项", 3, read_at=now)
    page = django_app.get("/notifications/", user=world.clerk)
    assert "未读2条" in page.text
    assert badge(page, "通知") == "2"
    listed = [
        (li.select_one(".state").get_text(), li.select_one(".title").get_text(strip=True))
        for li in page.html.select("ul.notifications li")
    ]
    assert listed == [
        ("未读", "经济发展办2024年8月月报被退回"),
        ("未读", "经济发展办2024年9月月报还剩3天截止"),
        ("已读", "新的督办事项"),
    ]
    form = next(
        f
        for f in page.forms.values()
        if "notification" in f.fields and f["notification"].value == str(newer.pk)
    )
    after = form.submit().follow()
    assert "已将1条通知标为已读。" in after.text
    assert "未读1条" in after.text and badge(after, "通知") == "1"
    newer.refresh_from_db()
    older.refresh_from_db()
    assert newer.read_at is not None and older.read_at is None

    everything = next(f for f in after.forms.values() if "everything" in f.fields)
    done = everything.submit().follow()
    assert "已将1条通知标为已读。" in done.text
    assert "未读0条" in done.text and badge(done, "通知") is None
    assert not Notification.objects.filter(user=world.clerk, read_at__isnull=True).exists()


def test_nobody_marks_someone_elses_notification_read(django_app, world):
    mine = Notification.objects.create(user=world.clerk, kind="report_soon", key="a", title="我的")
    theirs = Notification.objects.create(user=world.leader, kind="report_soon", key="a", title="x")
    page = django_app.get("/notifications/", user=world.clerk)
    form = next(f for f in page.forms.values() if "notification" in f.fields)
    assert form["notification"].value == str(mine.pk)
    form["notification"].force_value(str(theirs.pk))
    after = form.submit().follow()
    assert "未标记：该通知不存在，或不是发给您的。" in after.text
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is None


def test_the_admin_lists_notifications_read_only_for_admins(django_app, world):
    notification = Notification.objects.create(
        user=world.clerk, kind="report_soon", key="a", title="经济发展办2024年9月月报还剩3天截止"
    )
    page = django_app.get("/admin/inbox/notification/", user=world.admin)
    assert "经济发展办2024年9月月报还剩3天截止" in page.text
    change = django_app.get(
        f"/admin/inbox/notification/{notification.pk}/change/", user=world.admin
    )
    assert not any("_save" in form.fields for form in change.forms.values())
    assert django_app.get("/admin/inbox/notification/", user=world.leader, status=403)
    assert django_app.get("/admin/inbox/delivery/", user=world.clerk, status=403)


def test_the_todo_page_has_no_sideways_content_and_no_tiny_text_rules():
    """The page's own stylesheet never sets text under 12 px (0.75rem)."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "inbox/static/inbox/inbox.css").read_text()
    sizes = [float(value) for value in re.findall(r"font-size:\s*([\d.]+)rem", css)]
    assert sizes and min(sizes) >= 0.75


def test_a_leader_sends_a_resolution_back_with_a_reason(django_app, world):
    page = django_app.get("/todo/", user=world.leader)
    form = next(f for f in page.forms.values() if "send_back" in f.fields)
    assert form["item"].value == str(world.item_resolved.pk)
    refused = form.submit().follow()  # no reason
    assert "未退回：退回时请说明原因。" in refused.text
    form = next(f for f in refused.forms.values() if "send_back" in f.fields)
    form["reason"] = "用地面积与台账不符，请重新核实"
    after = form.submit().follow()
    assert "已退回：核实比亚迪配套用地" in after.text
    item = SupervisionItem.objects.get(pk=world.item_resolved.pk)
    assert item.resolved_at is None and "退回：用地面积与台账不符" in item.resolution


def test_the_admins_page_is_the_leaders_list_and_every_months_review(django_app, world):
    """README (待办与提醒): the 系统管理员 gets the leader's list for every office and every
    office's months waiting for review; an office's own work (its overdue stages, tasks behind,
    warnings, the month to fill in) stays its clerks', counted on the page with a link."""
    page = django_app.get("/todo/?all=1", user=world.admin)
    assert items_on(page) == [
        ("待办", "审核农业农村办2024年7月月报"),
        ("待办", "审核农业农村办2024年9月月报"),
        ("逾期14天", "解决张店区块拆迁遗留问题"),
        ("逾期5天", "应急管理办：未报送"),
        ("逾期5天", "经济发展办：草稿"),
        ("逾期5天", "社会事务办：已退回"),
        ("还剩5天", "加快后冯区块政策处理"),
    ]
    titles = [title for _state, title in items_on(page)]
    assert "后冯区块 · 谋划" not in titles  # office A's overdue stage: its clerk's item
    assert "朱溪港两侧土地征收" not in titles  # office A's task behind schedule
    assert "逾期阶段1个，查看挂图作战" in page.text
    assert page.click(description="逾期阶段1个，查看挂图作战").request.path == "/board/"
    review = page.click(description="审核农业农村办2024年7月月报")
    assert "审核通过" in review.text  # the admin reviews any office's month there

"""`manage.py send_reminders` under a fixed clock, with a real SMTP server (aiosmtpd) and a real
HTTP server standing in for the offices' group robots, both on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import io
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.core.management.base import CommandError

from inbox.channels import webhook_target
from inbox.models import Delivery, Notification
from inbox.services import send_reminders
from plans.models import SupervisionItem
from plans.services import supervision_resolve
from tests.inbox.conftest import SHANGHAI, build_world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def by_recipient(self) -> dict[str, email.message.EmailMessage]:
        return {message["To"]: message for message in self.messages}


@pytest.fixture
def smtp(settings) -> Iterator[Mailbox]:
    """A local SMTP server; Django's mail goes to it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


@dataclass
class Robots:
    """Group robots: /ok answers as DingTalk does, /fail with HTTP 500, /keyword with
    DingTalk's refusal of a message without the group's keyword."""

    url: str
    posts: list[tuple[str, dict]] = field(default_factory=list)

    def contents(self, path: str) -> list[str]:
        return [body["text"]["content"] for got, body in self.posts if got == path]


@pytest.fixture
def robots() -> Iterator[Robots]:
    received: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            assert self.headers["Content-Type"] == "application/json; charset=utf-8"
            received.append((self.path, body))
            if self.path == "/fail":
                self.send_response(500)
                self.end_headers()
                return
            answer = (
                {"errcode": 310000, "errmsg": "keywords not in content"}
                if self.path == "/keyword"
                else {"errcode": 0, "errmsg": "ok"}
            )
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Robots(url=f"http://127.0.0.1:{server.server_port}", posts=received)
    server.shutdown()
    server.server_close()


def on(day: int, month: int = 10):  # type: ignore[no-untyped-def]
    return time_machine.travel(datetime(2024, month, day, 7, 0, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def reminders_world(smtp, robots, office_a, office_b, town):  # type: ignore[no-untyped-def]
    """The to-do tests' world, seen on 7 October 2024 (September due in three days), with
    robots for 经济发展办 and 社会事务办. The item resolved on the 11th is still open."""
    with on(7):
        world = build_world(office_a, office_b, town)
    SupervisionItem.objects.filter(pk=world.item_resolved.pk).update(
        resolution="", resolved_by=None, resolved_at=None
    )
    world.item_resolved.refresh_from_db()
    world.office_a.webhook_url = f"{robots.url}/ok"
    world.office_a.save()
    world.office_c.webhook_url = f"{robots.url}/ok"
    world.office_c.save()
    return world


def told() -> set[tuple[str, str, str]]:
    return set(Notification.objects.values_list("user__username", "kind", "title"))


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_each_person_is_told_exactly_what_became_due_once_per_channel(
    reminders_world, smtp, robots
):
    world = reminders_world
    with on(7):
        output = run()
    assert told() == {
        # September is due on the 10th: 经济发展办 and 应急管理办 have not submitted (应急管理办
        # has no clerk to tell); 社会事务办's was returned.
        ("clerk_a", "report_soon", "经济发展办2024年9月月报还剩3天截止"),
        ("clerk_c", "report_soon", "社会事务办2024年9月月报还剩3天截止"),
        ("clerk_a", "report_returned", "经济发展办2024年8月月报被退回"),
        ("clerk_c", "report_returned", "社会事务办2024年9月月报被退回"),
        ("reviewer_b", "review_waiting", "农业农村办2024年7月月报待审核"),
        ("reviewer_b", "review_waiting", "农业农村办2024年9月月报待审核"),
        ("clerk_a", "supervision_raised", "新的督办事项：加快后冯区块政策处理"),
        ("clerk_a", "supervision_overdue", "督办事项已逾期6天：解决张店区块拆迁遗留问题"),
        ("leader", "supervision_overdue", "督办事项已逾期6天：解决张店区块拆迁遗留问题"),
        ("clerk_a", "supervision_raised", "新的督办事项：核实比亚迪配套用地"),
        ("clerk_b", "supervision_raised", "新的督办事项：谋划明年粮食生产"),
    }
    returned = Notification.objects.get(user=world.clerk_c, kind="report_returned")
    assert returned.body == "退回人：王镇长。原因：数据有误。请修改后重新报送。"
    assert returned.link == (
        f"/admin/indicators/figure/report/?office={world.office_c.pk}&period=2024-09"
    )

    # E-mail: one message per person with an address, listing their items.
    mails = smtp.by_recipient()
    assert set(mails) == {
        "clerk_a@xiage.example",
        "clerk_c@xiage.example",
        "reviewer_b@xiage.example",
        "leader@xiage.example",
    }
    subject = mails["clerk_a@xiage.example"]["Subject"].strip()
    assert (
        subject
        == "【下各镇经济指标与重点项目跟踪系统】5条提醒：" + "经济发展办2024年9月月报还剩3天截止"
    )
    body = mails["clerk_a@xiage.example"].get_content()
    assert "经发办录入员，您好：" in body
    assert "· 经济发展办2024年9月月报还剩3天截止" in body
    assert "截止日期10月10日，当前状态：草稿。" in body
    assert "· 经济发展办2024年8月月报被退回" in body
    assert "/admin/indicators/figure/report/?office=" in body

    # Group robots: one post per office with a URL, in DingTalk's text JSON.
    assert [path for path, _body in robots.posts] == ["/ok", "/ok"]
    assert all(body["msgtype"] == "text" for _path, body in robots.posts)
    a_post = next(text for text in robots.contents("/ok") if "经济发展办\n" in text)
    assert a_post.startswith("【下各镇经济指标与重点项目跟踪系统】经济发展办\n1. ")
    assert "经济发展办2024年9月月报还剩3天截止" in a_post
    assert "督办事项已逾期6天：解决张店区块拆迁遗留问题" in a_post
    assert a_post.count("\n1. ") == 1 and "\n5. " in a_post and "\n6. " not in a_post

    assert output.splitlines() == [
        "2024-10-07：到期提醒10项",
        "站内通知：新增11条",
        "邮件：发送4封（含10项提醒）",
        "群机器人：发送2条消息（含7项提醒）",
    ]

    # The same day again: nothing is sent twice on any channel.
    deliveries = Delivery.objects.count()
    with on(7):
        again = run()
    assert len(smtp.messages) == 4 and len(robots.posts) == 2
    assert Delivery.objects.count() == deliveries and Notification.objects.count() == 11
    assert again.splitlines()[1:] == [
        "站内通知：新增0条",
        "邮件：发送0封（含0项提醒）",
        "群机器人：发送0条消息（含0项提醒）",
    ]


def test_due_today_and_overdue_are_each_told_once_on_their_day(reminders_world, smtp, robots):
    world = reminders_world
    with on(7):
        run()
    with on(10):
        run()
    with on(11):
        supervision_resolve(item=world.item_resolved, resolution="已核实", user=world.clerk)
        run()
        run()
    assert list(
        Notification.objects.filter(user=world.clerk, kind__startswith="report_")
        .order_by("created_at", "id")
        .values_list("title", flat=True)
    ) == [
        "经济发展办2024年9月月报还剩3天截止",
        "经济发展办2024年8月月报被退回",
        "经济发展办2024年9月月报今天截止",
        "经济发展办2024年9月月报已逾期1天",
    ]
    # On the 10th the item due on the 12th came due; on the 11th it was resolved, which
    # the leader who raised it hears of (with the resolution).
    assert Notification.objects.filter(
        user=world.clerk, title="督办事项还剩2天到期：核实比亚迪配套用地"
    ).exists()
    resolved = Notification.objects.get(user=world.leader, kind="supervision_resolved")
    assert resolved.title == "督办事项已办结，请确认：核实比亚迪配套用地"
    assert resolved.body == "经济发展办的办理结果：已核实"
    clerk_a_mails = [m for m in smtp.messages if m["To"] == "clerk_a@xiage.example"]
    assert len(clerk_a_mails) == 3  # the 7th, the 10th, the 11th; none on the second run


def test_a_submitted_month_is_no_longer_due(reminders_world):
    from indicators.models import MonthReview

    world = reminders_world
    MonthReview.objects.create(
        office=world.office_a, year=2024, month=9, state="submitted", submitted_by=world.clerk
    )
    with on(10):
        run()
    assert not Notification.objects.filter(user=world.clerk, kind="report_today").exists()
    assert Notification.objects.filter(user=world.clerk_c, kind="report_today").exists()


def test_a_refused_channel_is_recorded_and_the_others_still_send(
    reminders_world, smtp, robots, settings
):
    world = reminders_world
    settings.EMAIL_PORT = free_port()  # nothing listens there: the connection is refused
    world.office_a.webhook_url = f"{robots.url}/fail"
    world.office_a.save()
    with on(7):
        output = run()
    # In-app notifications and 社会事务办's robot went through.
    assert Notification.objects.count() == 11
    assert robots.contents("/ok") and "社会事务办\n" in robots.contents("/ok")[0]
    failed = Delivery.objects.filter(ok=False)
    assert {d.channel for d in failed} == {"email", "webhook"}
    assert all(d.error for d in failed)
    assert {d.error for d in failed if d.channel == "webhook"} == {"HTTP 500 Internal Server Error"}
    assert "ConnectionRefusedError" in failed.filter(channel="email").first().error
    assert failed.filter(channel="webhook").first().target == webhook_target(f"{robots.url}/fail")
    lines = output.splitlines()
    assert "邮件：发送0封（含0项提醒），失败4封" in lines
    assert "群机器人：发送1条消息（含2项提醒），失败1条消息" in lines
    assert any(line.startswith("  邮件服务器不可用：ConnectionRefusedError") for line in lines)
    assert "  经济发展办群机器人失败：HTTP 500 Internal Server Error" in lines

    # The next run retries what failed and nothing else; when every channel fails, the
    # command says so with a non-zero exit.
    with on(7), pytest.raises(CommandError, match="所有渠道均发送失败"):
        run()
    assert Notification.objects.count() == 11
    assert len(robots.contents("/ok")) == 1 and len(robots.contents("/fail")) == 2

    # Once the server is back, the items are sent once.
    settings.EMAIL_PORT = smtp.port
    world.office_a.webhook_url = f"{robots.url}/ok"
    world.office_a.save()
    with on(7):
        run()
    assert len(smtp.messages) == 4
    assert Delivery.objects.filter(channel="email", ok=True).count() == 10


def test_a_robot_refusing_the_message_counts_as_failed(reminders_world, robots):
    world = reminders_world
    world.office_c.webhook_url = f"{robots.url}/keyword"
    world.office_c.save()
    with on(7):
        summary = send_reminders()
    errors = set(
        Delivery.objects.filter(channel="webhook", ok=False).values_list("error", flat=True)
    )
    assert errors == {"errcode 310000: keywords not in content"}
    assert summary.channels["webhook"].sent == 1 and summary.channels["webhook"].failed == 1


def test_an_unreachable_robot_is_recorded(reminders_world):
    world = reminders_world
    world.office_a.webhook_url = f"http://127.0.0.1:{free_port()}/robot/send?access_token=s3cret"
    world.office_a.save()
    with on(7):
        run()
    failed = Delivery.objects.filter(channel="webhook", ok=False)
    assert failed.count() == 5  # each of 经济发展办's items, in one refused post
    assert {d.error for d in failed} == {"ConnectionRefusedError: [Errno 111] Connection refused"}
    target = failed.first().target
    assert "s3cret" not in target and target.startswith("http://127.0.0.1:")


def test_without_email_host_mail_is_off(reminders_world, settings, smtp):
    settings.EMAIL_HOST = ""
    with on(7):
        output = run()
    assert "邮件：未启用" in output.splitlines()
    assert smtp.messages == [] and not Delivery.objects.filter(channel="email").exists()


def test_a_dry_run_sends_and_records_nothing(reminders_world, smtp, robots):
    with on(7):
        output = run("--dry-run")
    assert output.splitlines()[0] == "2024-10-07：到期提醒10项（试运行：不发送、不记录）"
    assert "站内通知：将新增11条" in output
    assert Notification.objects.count() == 0 and Delivery.objects.count() == 0
    assert smtp.messages == [] and robots.posts == []


def test_the_date_option_sets_the_day(reminders_world):
    run("--date", "2024-10-11")
    assert Notification.objects.filter(title="经济发展办2024年9月月报已逾期1天").exists()


def test_a_bad_date_is_refused_in_chinese(db):
    with pytest.raises(CommandError, match="日期“2024-13-01”无效"):
        run("--date", "2024-13-01")


def test_what_became_due_takes_the_same_queries_whatever_the_data_size(reminders_world):
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.roles import Role
    from inbox.reminders import due_reminders
    from indicators.models import MonthReview
    from tests.factories import IndicatorFactory, OfficeFactory, UserFactory
    from tests.inbox.conftest import returned

    world = reminders_world

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            reminders = due_reminders(date(2024, 10, 7))
        return len(context.captured_queries), len(reminders)

    small, small_reminders = count()
    for i in range(10):
        office = OfficeFactory(code=f"more{i}", name=f"更多科室{i}")
        IndicatorFactory(office=office)  # it owes a figure every month
        UserFactory(office=office, roles=[Role.CLERK, Role.REVIEWER])
        returned(office, 2024, 8, world.leader, "x")
        MonthReview.objects.create(office=office, year=2024, month=7, state="submitted")
        SupervisionItem.objects.create(
            project=world.project,
            matter=f"督办{i}",
            office=office,
            due_date=date(2024, 10, 1 + i),
            raised_by=world.leader,
        )
    large, large_reminders = count()
    assert small == large == 8
    assert large_reminders == small_reminders + 40  # each office: due soon, returned, waiting, item

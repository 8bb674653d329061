"""The clerk's admin is the clerk's: each role's 数据管理 index lists what their work uses, 日常填报
first; the top bar names the person; one name for the system and one word for logging out; no
English in the admin's pages and widgets, and natural Chinese where Django's reads like a machine
translation. Through the rendered pages (django-webtest)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from accounts import permissions
from accounts.models import Office, User
from accounts.roles import Role
from indicators.models import Indicator, Unit
from indicators.services import FigureEntry, figures_save
from plans.models import Project, StageTemplateStep, Target, Task
from plans.services import ProgressEntry, progress_report_save, project_create, supervision_raise
from tests.factories import IndicatorFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

SYSTEM_NAME = "下各镇经济指标与重点项目跟踪系统"


@pytest.fixture(autouse=True)
def _clock(october_2024):
    """15 October 2024: September is the month being reported."""


@pytest.fixture
def reviewer(office_a) -> User:
    return UserFactory(
        username="head_a", display_name="王科长", office=office_a, roles=[Role.REVIEWER]
    )


@pytest.fixture
def people(clerk, reviewer, leader, admin_user) -> dict[str, User]:
    """One person per role, each with a name as the admin sets it when adding them."""
    for user, name in [(clerk, "张三"), (leader, "李镇长"), (admin_user, "赵管理")]:
        user.display_name = name
        user.save()
    return {"clerk": clerk, "reviewer": reviewer, "leader": leader, "admin": admin_user}


@pytest.fixture
def office_data(people, office_a, town):
    """A month of an office's work: a figure changed once, a project with its stages and a
    progress report, a task, a target and a 督办 item, so every admin page has a row to show."""
    clerk, leader = people["clerk"], people["leader"]
    indicator = IndicatorFactory(code="output", name="规上工业产值", office=office_a, places=[town])
    investment = IndicatorFactory(
        code="investment", name="固定资产投资", office=office_a, places=[town]
    )
    figures_save(
        year=2024,
        month=9,
        place=town,
        entries=[FigureEntry(indicator=investment, value=D("5.2"), growth=None, note="")],
        user=clerk,
    )
    for value in (D("29.74"), D("30.10")):
        figures_save(
            year=2024,
            month=9,
            place=town,
            entries=[FigureEntry(indicator=indicator, value=value, growth=D("31.3"), note="")],
            user=clerk,
        )
    project = project_create(
        code="zhuxi", name="朱溪港两侧土地征收", type="industry", office=office_a
    )
    task = TaskFactory(office=office_a, title="垦造水田1000余亩")
    progress_report_save(
        office=office_a,
        year=2024,
        month=9,
        entries=[ProgressEntry(subject=project, progress="完成征地协议签订")],
        user=clerk,
    )
    Target.objects.create(indicator=indicator, year=2024, kind="amount", value=D("40"))
    supervision_raise(
        subject=project, matter="加快征地进度", due_date=date(2024, 10, 31), user=leader
    )
    return {"indicator": indicator, "project": project, "task": task}


def index_modules(page) -> list[tuple[str, list[str]]]:
    """The index's groups in order, each with the names of its pages."""
    return [
        (
            module.select_one("caption").get_text(strip=True),
            [row.get_text(strip=True) for row in module.select("tbody th, tr th[scope=row]")],
        )
        for module in page.html.select("#content-main .module")
    ]


# --- what each role's index lists --------------------------------------------------------------


def test_a_clerks_index_lists_daily_work_first_and_only_what_they_use(django_app, people):
    page = django_app.get("/admin/", user=people["clerk"])
    assert index_modules(page) == [
        ("日常填报", ["月报填报", "Excel导入月报", "月度进展填报"]),
        ("经济指标", ["月度数据", "数据变更记录"]),
        ("目标与项目", ["月度进展", "重点项目", "督办事项"]),
    ]
    # Each daily page says what it is for, and leads to its page.
    daily = page.html.select_one("#content-main .app-daily")
    assert "按科室和月份填报本科室全部指标的累计数、同比和情况说明" in daily.get_text()
    assert page.click("月度进展填报").status_code == 200


def test_a_reviewers_index_lists_the_review_page_first_and_what_they_check(django_app, people):
    page = django_app.get("/admin/", user=people["reviewer"])
    assert index_modules(page) == [
        ("日常填报", ["月报审核"]),
        ("经济指标", ["月度数据", "数据变更记录"]),
        ("目标与项目", ["月度进展", "督办事项"]),
    ]
    assert page.click("月报审核").html.select_one("h1").get_text(strip=True) == "月报审核"


def test_an_admin_keeps_every_list_with_daily_work_first(django_app, people):
    modules = index_modules(django_app.get("/admin/", user=people["admin"]))
    assert [caption for caption, _ in modules][:5] == [
        "日常填报",
        "经济指标",
        "目标与项目",
        "用户与科室",
        "待办与通知",
    ]
    lists = dict(modules)
    assert lists["日常填报"] == ["月报填报", "Excel导入月报", "月度进展填报"]
    assert lists["经济指标"][:5] == ["月度数据", "数据变更记录", "指标", "计量单位", "地点"]
    assert set(lists["目标与项目"]) >= {"年度目标", "工作任务", "工作计划板块", "阶段模板"}
    assert lists["用户与科室"] == ["用户", "科室"]
    assert lists["角色与权限"] == ["角色"]


def test_a_leader_reads_every_list_and_has_no_daily_work(django_app, people):
    modules = dict(index_modules(django_app.get("/admin/", user=people["leader"])))
    assert "日常填报" not in modules
    assert modules["经济指标"] == ["月度数据", "数据变更记录", "指标", "计量单位", "地点"]
    assert "年度目标" in modules["目标与项目"] and "科室" in modules["用户与科室"]


def test_the_side_bar_lists_what_the_index_lists(django_app, people):
    page = django_app.get("/admin/indicators/figure/", user=people["clerk"])
    sidebar = page.html.select_one("#nav-sidebar")
    captions = [c.get_text(strip=True) for c in sidebar.select("caption")]
    assert captions == ["日常填报", "经济指标", "目标与项目"]
    links = [a.get_text(strip=True) for a in sidebar.select("th a")]
    assert links == [
        *["月报填报", "Excel导入月报", "月度进展填报"],
        *["月度数据", "数据变更记录"],
        *["月度进展", "重点项目", "督办事项"],
    ]


def test_a_list_left_off_the_index_is_still_reachable(django_app, people, office_data):
    """Hiding is not refusing: what a clerk may read stays at its address."""
    clerk = people["clerk"]
    assert "垦造水田1000余亩" in django_app.get("/admin/plans/task/", user=clerk)
    # An app's own page lists what the index lists of it, or, where that is nothing, what the
    # person may read in it (so the breadcrumbs of a list reached by its address lead somewhere).
    assert index_modules(django_app.get("/admin/plans/", user=clerk)) == [
        ("目标与项目", ["月度进展", "重点项目", "督办事项"])
    ]
    assert index_modules(django_app.get("/admin/accounts/", user=clerk)) == [
        ("用户与科室", ["科室"])
    ]


def test_the_lists_each_role_uses_are_written_once_in_accounts_permissions(people):
    clerk, reviewer = people["clerk"], people["reviewer"]
    assert permissions.daily_pages(clerk) == [
        permissions.DailyPage.REPORT,
        permissions.DailyPage.IMPORT,
        permissions.DailyPage.PROGRESS,
    ]
    assert permissions.daily_pages(reviewer) == [permissions.DailyPage.REVIEW]
    assert permissions.daily_pages(people["leader"]) == []
    assert permissions.admin_lists_shown(people["admin"]) is None
    assert permissions.admin_lists_shown(people["leader"]) is None
    assert "plans.project" in permissions.admin_lists_shown(clerk)
    assert "plans.project" not in permissions.admin_lists_shown(reviewer)
    # A clerk who also reviews sees the lists of both roles.
    reviewer.groups.add(clerk.groups.get())
    both = User.objects.get(pk=reviewer.pk)
    assert permissions.admin_lists_shown(both) == (
        permissions.ADMIN_LISTS_IN_USE[Role.CLERK] | permissions.ADMIN_LISTS_IN_USE[Role.REVIEWER]
    )


# --- the top bar, the system's name, logging out -----------------------------------------------


def test_the_top_bar_names_the_person_not_the_username(django_app, people):
    clerk = people["clerk"]
    admin_bar = django_app.get("/admin/", user=clerk).html.select_one("#user-tools")
    assert admin_bar.select_one("strong").get_text() == "张三"
    assert "clerk_a" not in admin_bar.get_text()
    site_bar = django_app.get("/", user=clerk).html.select_one("nav.usernav")
    assert site_bar.select_one(".who").get_text() == "张三（经济发展办）"
    # Without a name, the username, as typed (the stylesheet undoes the admin's capitals).
    nameless = UserFactory(username="wang_li", roles=[Role.LEADER])
    admin_bar = django_app.get("/admin/", user=nameless).html.select_one("#user-tools")
    assert admin_bar.select_one("strong").get_text() == "wang_li"
    stylesheet = Path(finders.find("css/admin.css")).read_text()
    assert re.search(r"#user-tools[^{]*\{[^}]*text-transform:\s*none", stylesheet)
    page = django_app.get("/admin/", user=nameless)
    assert page.html.select_one('link[href$="css/admin.css"]') is not None


def test_the_system_has_one_name_and_one_word_for_logging_out(django_app, people, office_data):
    login = django_app.get("/accounts/login/")
    assert login.html.title.get_text() == f"登录 · {SYSTEM_NAME}"
    clerk = people["clerk"]
    pages = {
        "/": django_app.get("/", user=clerk),
        "/admin/": django_app.get("/admin/", user=clerk),
        "/admin/indicators/figure/": django_app.get("/admin/indicators/figure/", user=clerk),
        "/accounts/password_change/": django_app.get("/accounts/password_change/", user=clerk),
    }
    for url, page in pages.items():
        text = page.html.get_text()
        assert "退出登录" in text, url
        for variant in ("注销", "登出", "下各镇指标管理", "下各镇指标跟踪", "Django"):
            assert variant not in text, (url, variant)
    for url in ("/", "/accounts/password_change/"):
        assert pages[url].html.select_one(".brand").get_text() == SYSTEM_NAME
    for url in ("/admin/", "/admin/indicators/figure/"):
        assert pages[url].html.select_one("#site-name").get_text(strip=True) == SYSTEM_NAME
        assert pages[url].html.title.get_text().endswith(f" | {SYSTEM_NAME}")
    # Both top bars log out through the same page, and it works from the admin's.
    form = next(f for f in pages["/admin/"].forms.values() if f.id == "logout-form")
    assert form.action == "/accounts/logout/"
    assert form.submit().follow().request.path == "/accounts/login/"


# --- no English, and natural Chinese ---------------------------------------------------------

# Words a person reads as words here: product names, file types and keys.
ALLOWED_WORDS = {"Excel", "xlsx", "MB", "Ctrl", "Mac", "Command", "Webhook", "IP"}
SKIPPED_PATHS = ("/logout/", "/export/", "/template/", "/jsi18n/", "/axes/")
PAGE_LIMIT = 120


def data_words() -> set[str]:
    """Codes and usernames: data the people typed, shown as they typed it."""
    words: set[str] = set(User.objects.values_list("username", flat=True))
    for model in (Office, Indicator, Task, Project, Unit):
        words.update(model.objects.values_list("code", flat=True))
    for model in (Task, Project):  # a past version's page shows the code it had then
        words.update(model.history.values_list("code", flat=True))
    words.update(StageTemplateStep.objects.values_list("key", flat=True))
    # As english_on reads them: "task2" is the word "task".
    return words | {word for text in words for word in re.findall(r"[A-Za-z][A-Za-z_]+", text)}


def visible_texts(page) -> list[str]:
    """What a person (or their screen reader) meets on the page: text outside scripts and
    hidden elements, and the attributes read aloud or shown (alt, title, aria-label,
    placeholder, the label of an input button)."""
    soup = page.html
    # Django isolates machine values in <bdi> (the password hash's algorithm and salt).
    for element in soup.select("script, style, template, noscript, [hidden], .hidden, bdi"):
        element.decompose()
    texts = [text for text in soup.stripped_strings if not text.startswith("<!")]
    for element in soup.find_all(True):
        for attribute in ("alt", "title", "aria-label", "placeholder"):
            if element.has_attr(attribute):
                texts.append(element[attribute])
        if element.name == "input" and element.get("type") in ("submit", "button", "reset"):
            texts.append(element.get("value", ""))
    return texts


def english_on(page, known: set[str]) -> list[str]:
    found = []
    for text in visible_texts(page):
        words = set(re.findall(r"[A-Za-z][A-Za-z_]+", text)) - ALLOWED_WORDS - known
        if words:
            found.append(text)
    return found


def page_shape(url: str) -> tuple[str, str]:
    """A page's kind: its address with numbers collapsed, and whether it is a search, a list
    with counts, a filtered list or neither (the values and combinations say nothing new)."""
    parts = urlsplit(url)
    keys = {k.split("=")[0] for k in parts.query.split("&") if k} - {"_changelist_filters"}
    kind = next(
        (name for name, test in [("q", "q" in keys), ("facets", "_facets" in keys)] if test),
        "filter" if keys else "",
    )
    return re.sub(r"/\d+/", "/N/", parts.path), kind


def admin_pages(app, user, start: list[str]) -> dict[str, object]:
    """Every admin page a person reaches by following links from `start`, one of each kind."""
    seen: set[tuple] = set()
    pages: dict[str, object] = {}
    queue = list(start)
    while queue and len(pages) < PAGE_LIMIT:
        url = queue.pop(0)
        parts = urlsplit(url)
        shape = page_shape(url)
        if shape in seen or any(skip in parts.path for skip in SKIPPED_PATHS):
            continue
        seen.add(shape)
        response = app.get(url, user=user, expect_errors=True)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        pages[url] = response
        for link in response.html.select("a[href]"):
            href = link["href"]
            if href.startswith("?"):
                href = parts.path + href
            elif not href.startswith("/"):
                continue
            if href.startswith("/admin/") and "#" not in href:
                queue.append(href)
    return pages


@pytest.mark.parametrize("role", ["clerk", "reviewer", "admin"])
def test_no_english_on_the_admin_pages_each_role_opens(django_app, people, office_data, role):
    project = office_data["project"]
    start = [
        "/admin/",
        "/admin/indicators/figure/?q=%E4%BA%A7%E5%80%BC",  # a search: its count line
        f"/admin/plans/project/{project.pk}/history/",
        "/admin/indicators/figure/report/",
        "/admin/plans/progressreport/report/",
        "/admin/indicators/figure/import/",
    ]
    pages = admin_pages(django_app, people[role], start)
    assert len(pages) > {"clerk": 25, "reviewer": 20, "admin": 60}[role], sorted(pages)
    # The walk reached the pages of past versions and the forms.
    assert any(re.search(r"/history/\d+/$", url) for url in pages), sorted(pages)
    assert any(url.endswith("/change/") for url in pages), sorted(pages)
    known = data_words()
    problems = {url: english_on(page, known) for url, page in pages.items()}
    assert {url: texts for url, texts in problems.items() if texts} == {}


# The strings of the admin's widgets (JavaScript), as Django's scripts ask for them.
WIDGET_SCRIPTS = ["SelectFilter2.js", "calendar.js", "admin/DateTimeShortcuts.js", "actions.js"]


def widget_msgids() -> set[str]:
    ids: set[str] = set()
    for script in WIDGET_SCRIPTS:
        source = Path(finders.find(f"admin/js/{script}")).read_text()
        for match in re.finditer(
            r"\b(n?gettext|pgettext)\(\s*(['\"])((?:\\.|(?!\2).)*)\2"
            r"(?:\s*,\s*(['\"])((?:\\.|(?!\4).)*)\4)?",
            source,
        ):
            kind, first, second = match.group(1), match.group(3), match.group(5)
            ids.add(f"{first}\x04{second}" if kind == "pgettext" else first)
    return ids


def test_the_widgets_javascript_catalog_is_chinese(django_app, people):
    body = django_app.get("/admin/jsi18n/", user=people["clerk"]).text
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    wanted = widget_msgids()
    assert {"Choose all %s", "Remove all %s", "(click to clear)", "Choose selected %s"} <= wanted
    untranslated = {}
    for msgid in sorted(wanted):
        translated = catalog.get(msgid)
        texts = translated if isinstance(translated, list) else [translated]
        if translated is None or any(
            re.search(r"[A-Za-z]{2,}", re.sub(r"%(\(\w+\))?s", "", text)) for text in texts
        ):
            untranslated[msgid] = translated
    assert untranslated == {}
    assert catalog["Choose all %s"] == "添加全部%s"
    assert catalog["Remove all %s"] == "移除全部%s"
    assert catalog["(click to clear)"] == "（点击清除筛选）"
    assert catalog["one letter Sunday\x04S"] == "日"


def test_the_place_picker_is_set_up_with_chinese_names(django_app, people, office_data):
    """The two-box picker draws itself from the field's name and the catalog above."""
    indicator = office_data["indicator"]
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    page = django_app.get(url, user=people["admin"])
    select = page.html.select_one("select#id_places")
    assert "selectfilter" in select["class"] and select["data-field-name"] == "适用地点"
    assert page.html.select_one('script[src$="/admin/jsi18n/"]') is not None


def test_djangos_machine_like_chinese_is_replaced(django_app, people, office_data):
    clerk, admin_user = people["clerk"], people["admin"]
    figures = django_app.get("/admin/indicators/figure/", user=clerk)
    text = figures.html.get_text()
    assert figures.html.select_one("h1").get_text() == "选择要修改的月度数据"
    assert "共 2 条记录" in figures.html.select_one("p.paginator").get_text()
    assert "选择 月度数据 来修改" not in text and "2 月度数据" not in text
    filters = [h.get_text(strip=True) for h in figures.html.select("#changelist-filter summary")]
    assert "按 年份" in filters and not any(h.startswith("以") for h in filters)
    search = django_app.get("/admin/indicators/figure/?q=%E4%BA%A7%E5%80%BC", user=clerk)  # 产值
    assert "找到 1 条（共 2 条）" in search.html.select_one("#changelist-search").get_text()

    users = django_app.get("/admin/accounts/user/", user=admin_user)
    filters = [h.get_text(strip=True) for h in users.html.select("#changelist-filter summary")]
    assert filters == ["按 是否有效", "按 所属科室", "按 角色"]
    assert "共 4 条记录" in users.html.select_one("p.paginator").get_text()
    assert users.html.select_one(".object-tools .addlink").get_text(strip=True) == "新增用户"

    # A change through the admin's own form, and what it says afterwards.
    offices = django_app.get("/admin/accounts/office/", user=admin_user)
    page = offices.click("新增科室")
    assert page.html.select_one("h1").get_text() == "新增科室"
    form = page.forms["office_form"]
    form["code"] = "sswb"
    form["name"] = "社会事务办"
    done = form.submit("_save").follow()
    message = done.html.select_one("ul.messagelist").get_text(strip=True)
    assert message == "已新增科室“社会事务办”。"

    # Yes/no icons are read as 是/否, not True/False.
    indicators = django_app.get("/admin/indicators/indicator/", user=admin_user)
    alts = {img["alt"] for img in indicators.html.select("#result_list img")}
    assert alts == {"是", "否"}


def test_the_pages_of_past_versions_speak_chinese(django_app, people, office_data):
    project = office_data["project"]
    history = django_app.get(f"/admin/plans/project/{project.pk}/history/", user=people["clerk"])
    headers = [th.get_text(strip=True) for th in history.html.select("#change-history th")]
    assert headers == ["记录", "时间", "操作", "修改人", "修改原因", "修改内容"]
    version = history.click(href=r"/history/\d+/$", index=0)
    crumbs = " ".join(version.html.select_one(".breadcrumbs").get_text(" ", strip=True).split())
    assert crumbs == "首页 › 目标与项目 › 重点项目 › 朱溪港两侧土地征收 › 历史记录 › 查看重点项目"


def test_the_roles_permissions_read_in_chinese(django_app, people):
    with translation.override("zh-hans"):
        clerk_role = people["clerk"].groups.get()
    # A system role is read-only (accounts.roles sets it), its permissions one a line.
    page = django_app.get(f"/admin/auth/group/{clerk_role.pk}/change/", user=people["admin"])
    box = page.html.select_one(".field-permission_list .readonly")
    labels = [text.strip() for text in box.stripped_strings]
    assert "经济指标 · 月度数据 · 修改" in labels
    assert "目标与项目 · 重点项目 · 修改" in labels
    assert not [label for label in labels if "Can " in label or "historical" in label]
    assert page.html.select_one("h1").get_text() == "查看角色"
    # A role of the town's own is chosen from the permissions, in Chinese too.
    page = django_app.get("/admin/auth/group/add/", user=people["admin"])
    labels = [option.get_text() for option in page.html.select("select#id_permissions option")]
    assert "经济指标 · 月度数据 · 修改" in labels
    assert "目标与项目 · 重点项目的历史记录 · 查看" in labels
    assert "经济指标 · 月报审核 · 可审核本科室月报" in labels
    assert not [label for label in labels if "Can " in label or "historical" in label]
    # ... but never the security models'.
    assert not [label for label in labels if "登录安全" in label or "安全审计日志" in label]

"""No GET parameter answers a server error: every URL the app serves × every query parameter
its view reads × hostile values, as a 系统管理员 and as a 录入员 of office A (a page neither
opens: the first role that does, such as the 安全管理员's lockouts and the 审计管理员's
security log), with nothing written.

The routes are django.urls.get_resolver() walked (tests/security/matrix_setup.all_routes), the
admin's included: every registered ModelAdmin's list, add, change, history and delete pages,
the app's own admin pages (figure report, import, template, export, ...) and Django's admin's
own; a path's ids are those of the permission matrix's objects, one of each model.

The parameters a page reads are found by asking for it plainly and with a query (some views
read their filters only when there is one) while request.GET notes every key looked up (get,
[], getlist, `in`); to them are added an admin list's own (each filter's parameter names, the
date drill-down, q, o, p, all, e, _popup, _to_field, _facets and a lookup no filter offers),
an add page's form fields (it takes them from the query as initial values) and every name of
the page's forms that submit with GET.

The first role to open a page sends each parameter alone with each hostile value, then all of
them at once with each value, and so again with each download the page offers (?_export=csv,
xlsx; ?format=docx); another role sends them all at once. To keep the walk within a minute on
two cores, what Django's admin reads alike on many pages is sent alone only on the first: a
list's paging and ordering, a built-in filter on a field of one type, a row page's _to_field
and _popup; an add page's fields are sent all at once; a row's pages are walked by one role.

An answer may be a page, a redirect, 400, 403, 404 or 405; never a 5xx. On SQLite a NUL byte
that reaches a query is refused as PostgreSQL refuses it, so one that would fail in production
fails here too. The app's data, its change records, the admin's log and the data stamp are the
same after each page's walk (tests/security/gate.py): a GET writes nothing but the security
log and the session.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.db import DataError, connection
from django.http import QueryDict
from django.test import Client

from tests.security.gate import changed_models, snapshot
from tests.security.matrix_setup import ROLES, all_routes, build_world
from tests.security.urls_for import url_for

pytestmark = [
    pytest.mark.django_db,
    # django-tables2 warns about a "." in a hostile ?sort= value; that is the point here.
    pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning"),
]

REPEATED = ("1", "2")  # ?x=1&x=2
HOSTILE_VALUES: list[str | tuple[str, ...]] = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic 3: int() reads it
    "-1",
    "0",
    "9" * 20,  # beyond 64 bits
    "1e309",  # float() gives inf
    "NaN",
    "\x00",  # %00
    "../../etc/passwd",
    "' OR 1=1--",
    "<script>alert(1)</script>",
    "9" * 5000,  # int() refuses more than 4,300 digits
    "２０２６",  # full-width digits
    "2026-13",
    "2026-00",
    "",
    "[]",
    REPEATED,
]
# A page, a redirect, a refusal: anything but a server error.
ANSWERS = (200, 301, 302, 400, 403, 404, 405)

# The roles that walk every URL they may open; a URL neither may open is walked by the first
# other role that may (the 安全管理员's lockouts, the 审计管理员's security log).
WALK_ROLES = ("admin", "clerk_a")
OTHER_ROLES = [role for role in ROLES if role not in (*WALK_ROLES, "anonymous")]

# The admin list's own parameters, read alike by every list; with _changelist_filters, what the
# admin reads alike on every page of a kind (list, add, change, delete, history).
ADMIN_LIST_PARAMETERS = {"o", "p", "all", "e", "_popup", "_to_field", "_facets"}
ADMIN_SHARED = {*ADMIN_LIST_PARAMETERS, "_changelist_filters"}
# A lookup no filter offers: the admin reads every key of a list's query as one.
ARBITRARY_LOOKUP = "pk__in"
# Parameters that choose another output (a download): each hostile value is sent to it too.
OUTPUTS = {"_export": ("csv", "xlsx"), "format": ("docx",)}
# An admin page of one row (its change, delete and history pages): Django's admin reads their
# query (_to_field, _popup, _changelist_filters, _change_history) alike for every role, so one
# role walks them.
ADMIN_OBJECT_PAGE = re.compile(r"^admin:\w+_(change|delete|history|simple_history)$")


def _refuse_nul(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    """What PostgreSQL does with a NUL byte in text, on any database: refuse the query."""
    if many:
        params = list(params)
    for row in params if many else [params]:
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(value, str) and "\x00" in value for value in values):
            raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _nul_refused_like_postgresql(db) -> Iterator[None]:
    with connection.execute_wrapper(_refuse_nul):
        yield


# --- which parameters a page reads -------------------------------------------------------------


class _NotingQueryDict(QueryDict):
    """request.GET (and its copies) noting each key a view looks up: get, [], getlist, `in`."""

    seen: set[str] = set()

    def get(self, key, default=None):  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().getlist(key, default)

    def __contains__(self, key) -> bool:  # type: ignore[no-untyped-def]
        self.seen.add(key)
        return super().__contains__(key)


def _get_form_names(html: str) -> set[str]:
    """The names of the fields of the page's forms that submit with GET (a form's default)."""
    names: set[str] = set()
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if str(form.get("method") or "get").lower() != "get":
            continue
        for each in form.find_all(["input", "select", "textarea", "button"]):
            if each.get("name"):
                names.add(str(each["name"]))
    return names


@dataclass
class Parameters:
    """The query parameters of one page.

    `own` are sent alone with each value. `alike` are read by Django's admin alike on many
    pages (a list's paging and ordering, a built-in filter of a field of one type, a page's
    _to_field and _popup): each is sent alone on the first page that reads it the same way
    (its key). `initial` are an add page's fields, which it takes as initial values each on
    its own: sent all at once. Every parameter is sent with all the others at once."""

    own: set[str] = field(default_factory=set)
    alike: dict[str, tuple] = field(default_factory=dict)
    initial: set[str] = field(default_factory=set)

    @property
    def every(self) -> set[str]:
        return self.own | set(self.alike) | self.initial


def _filter_parameters(changelist) -> dict[str, tuple | None]:  # type: ignore[no-untyped-def]
    """An admin list's filter parameters, each with the key of the code that reads it (None
    for the app's own filters, read by code of their own)."""
    found: dict[str, tuple | None] = {}
    for spec in changelist.filter_specs:
        if isinstance(spec, admin.SimpleListFilter):
            found.update(dict.fromkeys(spec.expected_parameters()))
            continue
        kind = (type(spec).__name__, spec.field.get_internal_type())
        for name in spec.expected_parameters():
            found[name] = (*kind, name.removeprefix(spec.field_path))
    if changelist.date_hierarchy:
        for part in ("year", "month", "day"):
            found[f"{changelist.date_hierarchy}__{part}"] = ("date_hierarchy", part)
    found["q"] = None  # each list searches its own fields
    found[ARBITRARY_LOOKUP] = ("lookup",)
    return found


def parameters_of(client: Client, name: str, url: str, monkeypatch) -> Parameters:  # type: ignore[no-untyped-def]
    """The query parameters the page at `url` (route `name`) reads, asked for plainly and with
    a query (a view may read its filters only when there is one)."""
    keys: set[str] = set()
    filters: dict[str, tuple | None] = {}
    found = Parameters()
    with monkeypatch.context() as patch:
        patch.setattr(_NotingQueryDict, "seen", keys)
        patch.setattr("django.core.handlers.wsgi.QueryDict", _NotingQueryDict)
        for query in ({}, {"_": "1"}):
            response = client.get(url, query)
            if "html" in response.get("Content-Type", ""):
                keys |= _get_form_names(response.content.decode())
            context = response.context
            changelist = context.get("cl") if context is not None else None
            if changelist is not None:
                filters |= _filter_parameters(changelist)
                keys |= ADMIN_LIST_PARAMETERS
            form = context.get("adminform") if context is not None else None
            if form is not None and not form.form.instance.pk:
                found.initial.update(form.form.fields)
    keys -= {"_", "csrfmiddlewaretoken"}
    kind = name.rpartition("_")[2]  # changelist, add, change, delete, history, ...
    for key in keys | set(filters):
        if key in ADMIN_SHARED:
            found.alike[key] = ("admin", kind, key)
        elif filters.get(key) is not None:
            found.alike[key] = filters[key]  # type: ignore[assignment]
        else:
            found.own.add(key)
    found.initial -= keys
    return found


# --- the walk ----------------------------------------------------------------------------------


@dataclass
class Walk:
    """What was sent, and every answer that was a server error or wrote a row."""

    pages: int = 0  # (URL, role)
    parameters: int = 0  # (URL, role, parameter)
    alone: int = 0  # of them, sent alone
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def get(self, client: Client, url: str, query: dict) -> None:
        self.requests += 1
        response = client.get(url, query)
        if response.status_code not in ANSWERS:
            error = getattr(response, "exc_info", None)
            cause = repr(error[1])[:300] if error else ""
            shown = {key: _short(value) for key, value in query.items()}
            self.failures.append(f"GET {url} {shown} -> {response.status_code} {cause}")

    def page(
        self, client: Client, url: str, alone: set[str], every: set[str], *, downloads: bool
    ) -> None:
        """Each of `alone` alone with each value; all of `every` at once with each value, and
        so again with each download the page offers (when `downloads`)."""
        self.pages += 1
        self.parameters += len(every)
        self.alone += len(alone)
        for parameter in sorted(alone):
            for value in HOSTILE_VALUES:
                self.get(client, url, {parameter: value})
        for value in HOSTILE_VALUES:
            self.get(client, url, dict.fromkeys(every, value))
        for output, choices in OUTPUTS.items():
            for choice in choices if downloads and output in every else ():
                for value in HOSTILE_VALUES:
                    self.get(client, url, {**dict.fromkeys(every, value), output: choice})


def _short(value: str | tuple[str, ...]) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} characters)"


# --- the routes, in groups of about the same size for pytest-xdist -----------------------------

ADMIN_MODEL_ROUTE = re.compile(r"^admin:(?P<app>[a-z]+)_[a-z]+_")


def group_of(name: str) -> str:
    match = ADMIN_MODEL_ROUTE.match(name)
    if match and match["app"] in {model._meta.app_label for model in admin.site._registry}:
        return {"axes": "accounts", "auth": "accounts", "inbox": "accounts"}.get(
            match["app"], match["app"]
        )
    if name.startswith(("dashboard:", "reports:")):
        return "dashboard"
    return "site"  # the app's other pages and Django's admin's own


GROUPS = ("dashboard", "site", "accounts", "indicators", "plans")


@pytest.fixture(autouse=True)
def _quiet_refusals() -> Iterator[None]:
    """Thousands of refusals are logged (400, 404, a disallowed _to_field): not kept."""
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def world(october_2024):  # type: ignore[no-untyped-def]
    """The permission matrix's objects (one of each admin model, office A's), plus the first
    row of any admin model added since."""
    world = build_world()
    for model in admin.site._registry:
        key = model._meta.label_lower
        if key not in world["objects"]:
            found = model._default_manager.order_by("pk").first()
            if found is not None:
                world["objects"][key] = found
    return world


def routes_of(group: str) -> list[tuple[str, str]]:
    return sorted(
        (name, pattern) for name, pattern in all_routes().items() if group_of(name) == group
    )


def test_the_groups_cover_every_route() -> None:
    assert {group_of(name) for name in all_routes()} == set(GROUPS)


@pytest.mark.parametrize("group", GROUPS)
def test_no_get_parameter_of_any_url_answers_a_server_error(world, monkeypatch, group) -> None:
    """The first role that opens a page sends its parameters alone with each value (those read
    alike on many pages, on the first such page), all at once with each value, and so again
    with each download it offers; every other role that opens it sends them all at once with
    each value: a clerk's page differs from the admin's in what it lists and offers, not in
    how it reads its query. Django's one-row admin pages read their query alike for every
    role: one role walks them."""
    walk = Walk()
    alike_done: set[tuple] = set()  # the keys of the parameters read alike, sent alone
    for name, pattern in routes_of(group):
        url = url_for(name, pattern, world)
        opening = [r for r in WALK_ROLES if world["clients"][r].get(url).status_code == 200]
        if not opening:
            opening = next(
                ([r] for r in OTHER_ROLES if world["clients"][r].get(url).status_code == 200),
                ["admin"],  # a redirect (the admin's login page) reads its parameters too
            )
        if ADMIN_OBJECT_PAGE.match(name):
            opening = opening[:1]  # Django's own code, the same for every role
        if world["clients"]["anonymous"].get(url).status_code == 200:
            opening.append("anonymous")  # a public page: the login page, /healthz
        for index, role in enumerate(opening):
            client = world["clients"][role]
            before = snapshot()
            found = parameters_of(client, name, url, monkeypatch)
            alone: set[str] = set()
            if index == 0:
                alone = found.own | {p for p, key in found.alike.items() if key not in alike_done}
                alike_done.update(found.alike.values())
            walk.page(client, url, alone, found.every, downloads=index == 0)
            changed = changed_models(before, snapshot())
            if changed:
                walk.failures.append(f"{role} GET {url}: rows changed in {changed}")
        for role in set(opening) - {"anonymous"}:  # no GET ended the session
            assert "_auth_user_id" in world["clients"][role].session, (name, role)
    print(
        f"{group}: {walk.pages} pages (URL × role), {walk.parameters} parameters "
        f"({walk.alone} also alone) × {len(HOSTILE_VALUES)} values: {walk.requests} requests"
    )
    assert walk.pages > 3, walk
    assert not walk.failures, "\n".join(walk.failures)


# --- the server errors this walk found, each pinned ---------------------------------------------


def test_a_superscript_year_exports_this_year(world) -> None:
    """?year=² (str.isdigit() says yes, int() says no) once answered 500: now this year."""
    response = world["clients"]["admin"].get("/admin/indicators/figure/export/", {"year": "²"})
    assert response.status_code == 200
    assert "2024" in unquote(response["Content-Disposition"])


def test_a_blank_to_field_is_refused_in_chinese(world) -> None:
    """?_to_field= on an admin row's page: Django's admin looked up a field named "" (500)."""
    indicator = world["indicator"]
    for page in ("change", "delete"):
        url = f"/admin/indicators/indicator/{indicator.pk}/{page}/"
        response = world["clients"]["admin"].get(url, {"_to_field": ""})
        assert response.status_code == 400
        assert "网址参数“_to_field”为空，应为字段名" in response.content.decode()
        assert world["clients"]["admin"].get(url, {"_to_field": "id"}).status_code == 200

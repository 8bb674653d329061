"""Built dashboard pages, kept in Django's cache per data stamp, day, reading scope and query.

A page is the same for everyone who may read the same offices, so it is built once and then
served from the cache until the data, the day or the query changes. Only the part of the page
without per-user content (name, CSRF token) is kept, as UTF-8 and already deflated.

The cache is settings.CACHES["default"]: each process's memory under `make run`, and in
production a Redis server shared by the gunicorn workers. Entries are versioned by the data
stamp (dashboard.stamp), which every committed write changes, so no page older than the data
is served, whichever worker took the write.

Compressing a page of a few hundred kilobytes is most of what a cached visit costs: measured
at bench scale (CPU time of a cached visit, median of 6 × 200), GZipMiddleware over the whole
page took 5.3 ms and the joined pieces below 3.5 ms (a third less), so the kept part is
compressed once. A response is one gzip
member whose deflate stream is three pieces, each started afresh and ended on a full flush: the
per-user head (compressed per response, CSRF token included), the kept body, and the per-user
tail. This is how pigz joins blocks compressed apart; any gzip reader reads it as one stream.
Compressing the CSRF token apart from the page also keeps it out of reach of BREACH-style
guessing. GZipMiddleware leaves such a response as it is and compresses every other page.

Right after a write commits, the pages read last (RECENT_PAGES first screens: no sorting or
paging) are built again for the new stamp, so their next reader is served from the cache: in
a request, once its response has been sent (request_finished); elsewhere (a management
command, a script) at once."""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from accounts import permissions
from dashboard import stamp
from indicators import periods

# How many recently read first screens are built again after a write.
logger = logging.getLogger(__name__)

MARKER = "<!--xiage:page-body-->"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime

RECENT_PAGES = 3
RECENT_KEY = "dashboard:recent-pages"
# Query parameters that only sort or page a table: such a page is not built ahead.
TABLE_PARAMETERS = frozenset({"sort", "page", "per_page", "task_page"})


@dataclass(frozen=True)
class Page:
    """The shared part of a page: its title, its body as UTF-8 and that body deflated."""

    title: str
    body: bytes
    deflated: bytes

    @classmethod
    def of(cls, title: str, html: str) -> Page:
        body = str(html).encode()
        return cls(str(title), body, _deflate(body, zlib.Z_FULL_FLUSH))


def _deflate(data: bytes, flush: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(flush)


def gzip_joined(head: bytes, page: Page, tail: bytes) -> bytes:
    """One gzip member holding head + page.body + tail, the body compressed beforehand."""
    crc = zlib.crc32(tail, zlib.crc32(page.body, zlib.crc32(head)))
    size = len(head) + len(page.body) + len(tail)
    return b"".join(
        (
            GZIP_HEADER,
            _deflate(head, zlib.Z_FULL_FLUSH),
            page.deflated,
            _deflate(tail, zlib.Z_FINISH),
            struct.pack("<II", crc, size & 0xFFFFFFFF),
        )
    )


def respond(request: HttpRequest, template: str, page: Page, context: dict) -> HttpResponse:
    """The page inside `template`'s per-user frame, gzipped when the client accepts it."""
    frame = render_to_string(
        template, {**context, "title": page.title, "content": SafeString(MARKER)}, request
    )
    head, tail = (part.encode() for part in frame.split(MARKER, 1))
    response = HttpResponse()
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response.content = gzip_joined(head, page, tail)
        response["Content-Encoding"] = "gzip"  # GZipMiddleware leaves it as it is
    else:
        response.content = head + page.body + tail
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def scope(user) -> str:
    """Who reads what: everyone, one office, or nothing; and whether the page offers the
    downloads (can_read_office_data), which a person with an office may still not have."""
    if permissions.can_read_all(user):
        return "all"
    downloads = "" if permissions.can_read_office_data(user) else "-nodownloads"
    if user.is_active and user.office_id is not None:
        return f"office-{user.office_id}{downloads}"
    return f"none{downloads}"


def key(request: HttpRequest, view: str) -> str | None:
    """The cache key of this request's page (its version is the stamp), or None when the cache
    must not be used."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0 or stamp.pending():
        return None
    query = sorted((name, values) for name, values in request.GET.lists())
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
    return ":".join(
        (
            "dashboard",
            view,
            periods.today().isoformat(),
            scope(request.user),
            translation.get_language() or "",
            digest,
        )
    )


def get_or_build(request: HttpRequest, view: str, build: Callable[[HttpRequest], Page]) -> Page:
    cache_key = key(request, view)
    if cache_key is None:
        return build(request)
    version = stamp.current()
    page = cache.get(cache_key, version=version)  # type: ignore[arg-type]
    if page is None:
        page = build(request)
        if not stamp.pending():
            cache.set(cache_key, page, settings.DASHBOARD_CACHE_SECONDS, version=version)  # type: ignore[arg-type]
        _remember(request, view, build)
    return page


# Rebuilding after a write --------------------------------------------------------------------


def _remember(request: HttpRequest, view: str, build: Callable[[HttpRequest], Page]) -> None:
    """Note a first screen just built, to build it again after the next write (in whichever
    process takes the write: the builder is kept by its dotted name)."""
    if TABLE_PARAMETERS & set(request.GET) or not request.user.is_authenticated:
        return
    entry = (
        view,
        f"{build.__module__}.{build.__qualname__}",
        scope(request.user),
        request.GET.urlencode(),
        translation.get_language() or settings.LANGUAGE_CODE,
        request.user.pk,
        request.get_host(),
    )
    recent = [e for e in cache.get(RECENT_KEY, []) if e[:5] != entry[:5]]
    cache.set(RECENT_KEY, [entry, *recent][:RECENT_PAGES], None)


def rebuild_recent() -> int:
    """Build the recently read first screens for the current stamp; return how many."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0:
        return 0
    built = 0
    users = get_user_model()._default_manager.select_related("office")
    for entry in cache.get(RECENT_KEY, []):
        if len(entry) != 7:
            continue  # noted by another version of this module
        try:
            built += _rebuild(*entry, users=users)
        except Exception:  # the writer's work is done; the next reader builds the page
            logger.exception("dashboard page %s not built ahead", entry[0])
    return built


def _rebuild(view, builder, page_scope, query, language, user_pk, host, *, users) -> int:
    user = users.filter(pk=user_pk, is_active=True).first()
    if user is None or scope(user) != page_scope:
        return 0
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = "/"
    request.GET = QueryDict(query)
    request.META = {"HTTP_HOST": host, "SERVER_NAME": host, "SERVER_PORT": "80"}
    request.user = user
    with translation.override(language):
        cache_key = key(request, view)
        version = stamp.current()
        if cache_key is None or cache.get(cache_key, version=version) is not None:  # type: ignore[arg-type]
            return 0
        page = import_string(builder)(request)
        cache.set(cache_key, page, settings.DASHBOARD_CACHE_SECONDS, version=version)  # type: ignore[arg-type]
    return 1


_state = threading.local()


def _request_started(**kwargs) -> None:
    _state.in_request = True
    _state.rebuild = False


def _request_finished(**kwargs) -> None:
    _state.in_request = False
    if getattr(_state, "rebuild", False):
        _state.rebuild = False
        rebuild_recent()


def _stamp_changed(**kwargs) -> None:
    if getattr(_state, "in_request", False):
        _state.rebuild = True  # once the response has gone out
    else:
        rebuild_recent()


def connect_signals() -> None:
    stamp.changed.connect(_stamp_changed, dispatch_uid="dashboard-page-cache-rebuild")
    request_started.connect(_request_started, dispatch_uid="dashboard-page-cache-started")
    request_finished.connect(_request_finished, dispatch_uid="dashboard-page-cache-finished")

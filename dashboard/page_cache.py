"""Built dashboard pages, kept per data stamp, day, reading scope and query.

A page is the same for everyone who may read the same offices, so it is built once and then
served from the cache until the data, the day or the query changes. Only the part of the page
without per-user content (name, CSRF token) is kept, as UTF-8 and already deflated.

Compressing a page of a few hundred kilobytes costs more than everything else a cached visit
does, so the kept part is compressed once. A response is one gzip member whose deflate stream
is three pieces, each started afresh and ended on a full flush: the per-user head (compressed
per response, CSRF token included), the kept body, and the per-user tail. This is how pigz
joins blocks compressed apart; any gzip reader reads it as one stream. Compressing the CSRF
token apart from the page also keeps it out of reach of BREACH-style guessing."""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString

from accounts import permissions
from dashboard import stamp
from indicators import periods

MARKER = "<!--xiage:page-body-->"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no mtime


@dataclass(frozen=True)
class Page:
    """The shared part of a page: its title, its body as UTF-8 and that body deflated."""

    title: str
    body: bytes
    deflated: bytes

    @classmethod
    def of(cls, title: str, html: str) -> Page:
        body = html.encode()
        return cls(title, body, _deflate(body, zlib.Z_FULL_FLUSH))


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


def scope(user) -> str:  # type: ignore[no-untyped-def]
    """Who reads what: everyone, one office, or nothing."""
    if permissions.can_read_all(user):
        return "all"
    if user.is_active and user.office_id is not None:
        return f"office-{user.office_id}"
    return "none"


def key(request: HttpRequest, view: str) -> str | None:
    """The cache key of this request's page, or None when the cache must not be used."""
    if settings.DASHBOARD_CACHE_SECONDS <= 0 or stamp.pending():
        return None
    query = sorted((name, values) for name, values in request.GET.lists())
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:32]
    return ":".join(
        (
            "dashboard",
            view,
            stamp.current(),
            periods.today().isoformat(),
            scope(request.user),
            translation.get_language() or "",
            digest,
        )
    )


def get_or_build(request: HttpRequest, view: str, build: Callable[[], Page]) -> Page:
    cache_key = key(request, view)
    if cache_key is not None:
        page = cache.get(cache_key)
        if page is not None:
            return page
    page = build()
    if cache_key is not None and not stamp.pending():
        cache.set(cache_key, page, settings.DASHBOARD_CACHE_SECONDS)
    return page

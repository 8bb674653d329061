"""A page whose one text box may be pasted too long for the request to be read.

Django refuses a form body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with RequestDataTooBig
the first time request.POST is read, which is the CSRF check, before any view: the person
gets Django's 400 page (its English technical page with DEBUG on), which cannot say what to
do. A view marked ``@oversized_text("text")`` says it in its own words instead:
RequestGuardMiddleware.process_view, which runs before the CSRF check, calls
``read_oversized``. For such a body it reads the request in chunks, never holding it whole,
keeps the other, short, fields (the CSRF token, the year …) as request.POST, and counts the
characters of the long field as the person typed them (percent-escapes decoded as UTF-8, a
line end's \\r not counted). The view then finds that field missing from request.POST and
``request.oversized_text`` set to the count. The CSRF check, the sign-in and the view's
permission run on the kept fields as on any post.

Only a form-urlencoded body is read so (the pages' own forms); a multipart body, or one over
MAX_BODY bytes, is left to Django's refusal (templates/400.html, in Chinese).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

ATTRIBUTE = "oversized_text_field"
CHUNK = 64 * 1024
SHORT_FIELD = 4096  # bytes of an encoded field other than the long one that are kept
MAX_BODY = 64 * 1024 * 1024  # a larger body is not read at all
_CONTINUATION = re.compile(rb"%[89abAB][0-9a-fA-F]")  # a UTF-8 byte that continues a character
_CARRIAGE_RETURN = re.compile(rb"%0[dD]")

View = TypeVar("View", bound=Callable)


def oversized_text(field: str) -> Callable[[View], View]:
    """Mark a view whose POST field `field` may be too long to read (see the module)."""

    def mark(view: View) -> View:
        setattr(view, ATTRIBUTE, field)
        return view

    return mark


def read_oversized(request: HttpRequest, field: str) -> None:
    """For a marked view's form post too large to read: keep its short fields as request.POST
    and set request.oversized_text to the characters of `field`. Any other request is left
    as it is (request.POST read, or left to fail as Django fails it)."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return
    try:
        request.POST  # noqa: B018 - read here, before the CSRF check reads it
        return
    except RequestDataTooBig:
        pass
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length > MAX_BODY:
        return
    kept, count = _scan(request, field)
    post = QueryDict(mutable=True)
    for name, value in kept:
        post.appendlist(name, value)
    post._mutable = False
    request._post = post  # type: ignore[attr-defined]
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    request.oversized_text = count  # type: ignore[attr-defined]


def _scan(request: HttpRequest, field: str) -> tuple[list[tuple[str, str]], int]:
    """The body's short fields, and the characters of `field`, read chunk by chunk."""
    kept: list[tuple[str, str]] = []
    counter = _Counter()
    pending = bytearray()  # the current field while it is short enough to keep
    mode = "pending"  # or "count" (the long field's value) or "skip" (another long field)

    def close() -> None:
        if mode != "pending":
            return
        name, _sep, value = bytes(pending).partition(b"=")
        decoded_name = unquote_plus(name.decode("ascii", "replace"))
        decoded = unquote_plus(value.decode("ascii", "replace"), errors="replace")
        if decoded_name == field:
            counter.count += len(decoded.replace("\r\n", "\n"))
        elif decoded_name and len(kept) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
            kept.append((decoded_name, decoded))

    while chunk := request.read(CHUNK):
        for index, piece in enumerate(chunk.split(b"&")):
            if index:
                close()
                counter.flush()
                pending, mode = bytearray(), "pending"
            if mode == "pending":
                pending += piece
                if len(pending) > SHORT_FIELD:
                    name, _sep, value = bytes(pending).partition(b"=")
                    if unquote_plus(name.decode("ascii", "replace")) == field:
                        mode = "count"
                        counter.add(value)
                    else:
                        mode = "skip"
                    pending = bytearray()
            elif mode == "count":
                counter.add(piece)
    close()
    counter.flush()
    return kept, counter.count


class _Counter:
    """Characters of a percent-encoded UTF-8 value fed in pieces (an escape may be split)."""

    def __init__(self) -> None:
        self.count = 0
        self.carry = b""

    def add(self, piece: bytes) -> None:
        data = self.carry + piece
        cut = data.rfind(b"%", max(len(data) - 2, 0))
        self.carry, data = (data[cut:], data[:cut]) if cut >= 0 else (b"", data)
        escapes = data.count(b"%")
        continuations = len(_CONTINUATION.findall(data))
        returns = len(_CARRIAGE_RETURN.findall(data))
        self.count += len(data) - 2 * escapes - continuations - returns

    def flush(self) -> None:
        self.count += len(self.carry)
        self.carry = b""

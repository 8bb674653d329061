"""One place that makes a download: the content type from the file's suffix and a
Content-Disposition naming the file in UTF-8 (RFC 6266 / RFC 5987 `filename*`), so a Chinese
name arrives as typed."""

from __future__ import annotations

from pathlib import PurePath

from django.http import HttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    ".xlsx": XLSX_TYPE,
    ".docx": DOCX_TYPE,
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}


def disposition(filename: str) -> str:
    """`attachment; filename*=utf-8''…` for a name with any non-ASCII character."""
    return content_disposition_header(as_attachment=True, filename=filename) or "attachment"


def attachment(content: bytes, filename: str, content_type: str | None = None) -> HttpResponse:
    """The bytes as a file to save, its type told by its suffix unless given."""
    kind = content_type or CONTENT_TYPES.get(
        PurePath(filename).suffix.lower(), "application/octet-stream"
    )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = disposition(filename)
    return response

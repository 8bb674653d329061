"""Error pages that never need the database: a fault there must not cause another."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# The database, or the shared cache (Redis: sessions are read through it), cannot be reached.
DATABASE_DOWN = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database or cache that cannot be reached answers 503 in Chinese, fast."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_DOWN):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


class DatabaseDownLogFilter(logging.Filter):
    """One line per 503 while the database is down, not a 30-line traceback each.

    Django logs every uncaught exception on `django.request` with its traceback, the 503s of a
    database outage included: hundreds a second, all alike. For those this filter keeps the
    line (status, path) and adds the error's first line in place of the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DATABASE_DOWN):
            cause = (str(error).strip().splitlines() or [""])[0][:200]
            name = type(error).__name__
            record.msg = f"{record.getMessage()} (database unavailable: {name}: {cause})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True

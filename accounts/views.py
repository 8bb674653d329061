from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers and monitoring: is the database answering?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def locked_out(request: HttpRequest, original_response: object = None, credentials: object = None):  # type: ignore[no-untyped-def]
    """django-axes' lockout page, in Chinese, saying when to try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes records, cut to its 255-character column: the login form does
    not limit what is posted, and a longer one must not turn a failed login into a 500."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:255]

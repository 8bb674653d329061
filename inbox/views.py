from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import SignedInRequest
from accounts.permissions import can_use_site, oversees_town, permission
from inbox import badges, selectors, services
from inbox.forms import ConfirmForm, MarkReadForm, SendBackForm
from inbox.models import Notification
from plans import services as plan_services

# A leader's landing page lists this many items, the most urgent, and links the rest, so that
# it stays within two phone screens.
LEADER_ITEMS = 8
NOTIFICATIONS_PER_PAGE = 30


@require_http_methods(["GET", "POST"])
@permission(can_use_site)
def todo(request: SignedInRequest) -> HttpResponse:
    """待办: everyone's landing page after login; 确认办结 of a resolved 督办 item by POST."""
    user = request.user
    if request.method == "POST" and request.POST.get("send_back") == "1":
        back = SendBackForm(request.POST, user=user)
        if back.is_valid():
            try:
                plan_services.supervision_reopen(
                    item=back.cleaned_data["item"], user=user, reason=back.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, _("未退回：") + "；".join(getattr(exc, "messages", [])))
            else:
                messages.success(
                    request, _("已退回：%(matter)s") % {"matter": back.cleaned_data["item"]}
                )
        else:
            errors = [str(error) for errors in back.errors.values() for error in errors]
            messages.error(request, _("未退回：") + "；".join(errors))
        return redirect(request.get_full_path())
    if request.method == "POST":
        form = ConfirmForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.supervision_confirm(user=user, item=form.cleaned_data["item"])
            except (ValidationError, PermissionDenied) as exc:
                # The form offers only the person's own resolved items; the service checks again.
                refusal = getattr(exc, "messages", None) or [_("该督办事项不是您交办的。")]
                messages.error(request, _("未确认：") + "；".join(refusal))
            else:
                messages.success(
                    request, _("已确认办结：%(matter)s") % {"matter": form.cleaned_data["item"]}
                )
        else:
            errors = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(request, _("未确认：") + "；".join(errors))
        return redirect(request.get_full_path())
    data = selectors.landing(user)
    badges.remember(request, data.items)
    oversees = oversees_town(user)
    show_all = request.GET.get("all") == "1"
    shown = data.items if show_all or not oversees else data.items[:LEADER_ITEMS]
    return render(
        request,
        "inbox/todo.html",
        {
            "data": data,
            "items": shown,
            "hidden_count": len(data.items) - len(shown),
            "oversees": oversees,
            "compact": oversees and not show_all,
        },
    )


@require_http_methods(["GET", "POST"])
@permission(can_use_site)
def notifications(request: SignedInRequest) -> HttpResponse:
    """通知: the person's notifications, unread and read, newest first; 标为已读 by POST."""
    user = request.user
    if request.method == "POST":
        form = MarkReadForm(request.POST, user=user)
        if form.is_valid():
            chosen = form.cleaned_data["notification"]
            count = services.notifications_mark_read(
                user=user, notifications=None if chosen is None else [chosen]
            )
            messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": count})
        else:
            errors = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(request, _("未标记：") + "；".join(errors))
        return redirect(request.get_full_path())
    page = Paginator(
        Notification.objects.filter(user=user).order_by("-created_at", "-id"),
        NOTIFICATIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return render(request, "inbox/notifications.html", {"page": page, "unread": unread})

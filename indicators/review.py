"""The monthly review workflow: submit, approve, return, reopen; locks and due days.

Every step leaves a MonthReviewEvent. A reviewed month is locked: the figure and progress
services refuse changes to it until an admin reopens it with a reason.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Office, User
from indicators.models import MonthReview, MonthReviewEvent

State = MonthReview.State


class MonthLocked(ValidationError):
    """A change to a reviewed (locked) month."""


def due_date(year: int, month: int) -> date:
    """Figures for month M are due on the REPORT_DUE_DAY-th of month M+1 (default the 10th)."""
    due_year, due_month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = min(settings.REPORT_DUE_DAY, calendar.monthrange(due_year, due_month)[1])
    return date(due_year, due_month, day)


def is_late(review: MonthReview | None, year: int, month: int, on: date) -> bool:
    """Late: submitted after the due day, or still not submitted once it has passed."""
    due = due_date(year, month)
    if review is not None and review.submitted_at is not None:
        return timezone.localdate(review.submitted_at) > due
    return on > due


def review_for(office: Office, year: int, month: int) -> MonthReview:
    review, _created = MonthReview.objects.get_or_create(office=office, year=year, month=month)
    return review


def locked_office_ids(office_ids: Iterable[int], year: int, month: int) -> set[int]:
    return set(
        MonthReview.objects.filter(
            office_id__in=list(office_ids), year=year, month=month, state=State.REVIEWED
        ).values_list("office_id", flat=True)
    )


def ensure_unlocked(office_ids: Iterable[int], year: int, month: int) -> None:
    if locked_office_ids(office_ids, year, month):
        raise MonthLocked(
            _("%(year)d年%(month)d月的数据已审核锁定；如需修改，请管理员重新打开。")
            % {"year": year, "month": month},
            code="locked",
        )


REASON_MAX = 200


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(_("原因不能超过%(n)d个字。") % {"n": REASON_MAX})
    return reason


def _event(review: MonthReview, action: str, user: User, reason: str = "") -> None:
    MonthReviewEvent.objects.create(review=review, action=action, user=user, reason=reason)


def can_review(user: User, office: Office) -> bool:
    """Admins, and 审核员 of the office (typically its head)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.has_perm("indicators.review_month") and user.office_id == office.pk


@transaction.atomic
def month_submit(*, office: Office, year: int, month: int, user: User) -> MonthReview:
    if not permissions.can_write_office(user, office):
        raise PermissionDenied
    review = MonthReview.objects.select_for_update().get(pk=review_for(office, year, month).pk)
    if review.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError(
            _("当前状态为“%(state)s”，不能报送。") % {"state": review.get_state_display()}
        )
    review.state = State.SUBMITTED
    review.submitted_by, review.submitted_at = user, timezone.now()
    review.save()
    _event(review, MonthReviewEvent.Action.SUBMIT, user)
    return review


@transaction.atomic
def month_approve(*, review: MonthReview, user: User) -> MonthReview:
    review = MonthReview.objects.select_for_update().get(pk=review.pk)
    if not can_review(user, review.office):
        raise PermissionDenied
    if review.state != State.SUBMITTED:
        raise ValidationError(_("只有已报送的月报才能审核。"))
    if review.submitted_by_id == user.pk:
        raise ValidationError(_("审核人不能是报送人本人。"))
    review.state = State.REVIEWED
    review.reviewed_by, review.reviewed_at = user, timezone.now()
    review.save()
    _event(review, MonthReviewEvent.Action.APPROVE, user)
    return review


@transaction.atomic
def month_return(*, review: MonthReview, user: User, reason: str) -> MonthReview:
    review = MonthReview.objects.select_for_update().get(pk=review.pk)
    if not can_review(user, review.office):
        raise PermissionDenied
    reason = _checked_reason(reason)
    if not reason:
        raise ValidationError(_("退回时必须填写原因。"))
    if review.state != State.SUBMITTED:
        raise ValidationError(_("只有已报送的月报才能退回。"))
    review.state, review.reason = State.RETURNED, reason
    review.save()
    _event(review, MonthReviewEvent.Action.RETURN, user, reason)
    return review


@transaction.atomic
def month_reopen(*, review: MonthReview, user: User, reason: str) -> MonthReview:
    """Only an admin unlocks a reviewed month, and only with a reason that is kept."""
    review = MonthReview.objects.select_for_update().get(pk=review.pk)
    if not (user.is_active and user.is_admin):
        raise PermissionDenied
    reason = _checked_reason(reason)
    if not reason:
        raise ValidationError(_("重新打开已审核的月报必须填写原因。"))
    if review.state != State.REVIEWED:
        raise ValidationError(_("只有已审核的月报才需要重新打开。"))
    review.state, review.reason = State.DRAFT, reason
    review.reviewed_by = review.reviewed_at = None
    review.save()
    _event(review, MonthReviewEvent.Action.REOPEN, user, reason)
    return review

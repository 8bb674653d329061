"""The monthly review workflow: submit, approve, return, reopen; locks and due days.

Every step leaves a MonthReviewEvent and a line in the security log (月报审核, or 重新打开月报
for a reopening). A reviewed month is locked: the figure and progress services refuse changes
to it until an admin reopens it with a reason. A refused step leaves nothing behind: no
review row, no event, no log line.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts import audit, permissions
from accounts.models import Office, User
from indicators import glossary, periods
from indicators.models import MonthReview, MonthReviewEvent
from xiage.validators import validate_storable_text

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


def stored_review(office: Office, year: int, month: int) -> MonthReview:
    """The office's month as stored, or an unsaved draft when it has no row yet: the steps
    after 报送 refuse a draft, so asking for one never writes a row."""
    found = MonthReview.objects.filter(office=office, year=year, month=month).first()
    return found or MonthReview(office=office, year=year, month=month, state=State.DRAFT)


def _locked(review: MonthReview) -> MonthReview:
    """The stored row, locked for this transaction; an unsaved draft as it is."""
    if review.pk is None:
        return review
    return MonthReview.objects.select_for_update().get(pk=review.pk)


# A submitted month waits for review and a reviewed one is closed: in both, no path changes
# the office's figures or progress for that month.
FROZEN_STATES = frozenset({State.SUBMITTED, State.REVIEWED})
SUBMITTABLE_STATES = frozenset({State.DRAFT, State.RETURNED})


def frozen_states(office_ids: Iterable[int], year: int, month: int) -> dict[int, str]:
    """{office id: state} of the given offices whose month is frozen (one query)."""
    return dict(
        MonthReview.objects.filter(
            office_id__in=list(office_ids), year=year, month=month, state__in=FROZEN_STATES
        ).values_list("office_id", "state")
    )


def frozen_message(state: str, year: int, month: int) -> str:
    """Why a month cannot be changed, in the words a clerk needs."""
    if state == State.REVIEWED:
        return _("%(year)d年%(month)d月的数据已审核锁定；如需修改，请管理员重新打开。") % {
            "year": year,
            "month": month,
        }
    return _(
        "%(year)d年%(month)d月的数据已报送，等待审核，不能修改；如需修改，请先撤回，或请审核员退回。"
    ) % {"year": year, "month": month}


def ensure_open(office_ids: Iterable[int], year: int, month: int) -> None:
    """Raise MonthLocked when any of the offices' month is submitted or reviewed."""
    frozen = frozen_states(office_ids, year, month)
    if frozen:
        state = State.REVIEWED if State.REVIEWED in frozen.values() else State.SUBMITTED
        raise MonthLocked(frozen_message(state, year, month), code="locked")


REASON_MAX = 200


def _checked_reason(reason: str) -> str:
    reason = reason.strip()
    validate_storable_text(reason)
    if len(reason) > REASON_MAX:
        raise ValidationError(_("原因不能超过%(n)d个字。") % {"n": REASON_MAX})
    return reason


def _event(
    review: MonthReview,
    action: str,
    user: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> None:
    """The step on the month's own record and in the security log (in the step's transaction:
    both are written or neither)."""
    event = MonthReviewEvent.objects.create(review=review, action=action, user=user, reason=reason)
    step = str(event.get_action_display())
    audit.record(
        audit.Action.MONTH_REOPEN
        if action == MonthReviewEvent.Action.REOPEN
        else audit.Action.MONTH_REVIEW,
        request=request,
        user=user,
        obj=_("%(office)s %(year)d年%(month)d月")
        % {"office": review.office, "year": review.year, "month": review.month},
        detail=f"{step}：{reason}" if reason else step,
    )


@transaction.atomic
def month_submit(
    *, office: Office, year: int, month: int, user: User, request: HttpRequest | None = None
) -> MonthReview:
    if not permissions.can_submit_month(user, office):
        raise PermissionDenied
    if (year, month) >= periods.current_period():
        raise ValidationError(
            _("%(year)d年%(month)d月尚未结束，不能报送。") % {"year": year, "month": month}
        )
    if not _has_entries(office, year, month):
        raise ValidationError(
            _("%(year)d年%(month)d月尚未填写任何数据或进展，不能报送。")
            % {"year": year, "month": month}
        )
    # The row is made here, after the permission check; a refusal below rolls it back.
    review = MonthReview.objects.select_for_update().get(pk=review_for(office, year, month).pk)
    if review.state not in SUBMITTABLE_STATES:
        raise ValidationError(
            _("当前状态为“%(state)s”，不能报送。") % {"state": review.get_state_display()}
        )
    review.state, review.reason = State.SUBMITTED, ""
    review.submitted_by, review.submitted_at = user, timezone.now()
    review.save()
    _event(review, MonthReviewEvent.Action.SUBMIT, user, request=request)
    return review


def _has_entries(office: Office, year: int, month: int) -> bool:
    from indicators import selectors

    return selectors.office_reports([office], year, month)[0].state not in NOTHING_ENTERED


@transaction.atomic
def month_approve(
    *, review: MonthReview, user: User, request: HttpRequest | None = None
) -> MonthReview:
    review = _locked(review)
    if not permissions.can_review_month(user, review.office):
        raise PermissionDenied
    if review.state != State.SUBMITTED:
        raise ValidationError(_("只有已报送的月报才能审核。"))
    if review.submitted_by_id == user.pk:
        raise ValidationError(_("审核人不能是报送人本人。"))
    review.state, review.reason = State.REVIEWED, ""
    review.reviewed_by, review.reviewed_at = user, timezone.now()
    review.save()
    _event(review, MonthReviewEvent.Action.APPROVE, user, request=request)
    return review


@transaction.atomic
def month_withdraw(
    *, review: MonthReview, user: User, request: HttpRequest | None = None
) -> MonthReview:
    """撤回: the office takes back a submitted month before anyone has reviewed it."""
    review = _locked(review)
    if not permissions.can_withdraw_month(user, review.office):
        raise PermissionDenied
    if review.state != State.SUBMITTED:
        raise ValidationError(_("只有已报送、尚未审核的月报才能撤回。"))
    review.state = State.DRAFT
    review.submitted_by = review.submitted_at = None
    review.save()
    _event(review, MonthReviewEvent.Action.WITHDRAW, user, request=request)
    return review


@transaction.atomic
def month_return(
    *, review: MonthReview, user: User, reason: str, request: HttpRequest | None = None
) -> MonthReview:
    review = _locked(review)
    if not permissions.can_review_month(user, review.office):
        raise PermissionDenied
    reason = _checked_reason(reason)
    if not reason:
        raise ValidationError(_("退回时必须填写原因。"))
    if review.state != State.SUBMITTED:
        raise ValidationError(_("只有已报送的月报才能退回。"))
    review.state, review.reason = State.RETURNED, reason
    review.save()
    _event(review, MonthReviewEvent.Action.RETURN, user, reason, request=request)
    return review


@transaction.atomic
def month_reopen(
    *, review: MonthReview, user: User, reason: str, request: HttpRequest | None = None
) -> MonthReview:
    """Only an admin unlocks a reviewed month, and only with a reason that is kept."""
    review = _locked(review)
    if not permissions.can_reopen_month(user, review.office):
        raise PermissionDenied
    reason = _checked_reason(reason)
    if not reason:
        raise ValidationError(_("重新打开已审核的月报必须填写原因。"))
    if review.state != State.REVIEWED:
        raise ValidationError(_("只有已审核的月报才需要重新打开。"))
    review.state, review.reason = State.DRAFT, reason
    review.reviewed_by = review.reviewed_at = None
    review.save()
    _event(review, MonthReviewEvent.Action.REOPEN, user, reason, request=request)
    return review


# --- an office's monthly report (报送情况): its state words, due day and lateness -----------


class ReportState(models.TextChoices):
    """Where an office's month stands. The words are said here and only printed elsewhere."""

    NOT_STARTED = "not_started", glossary.NOT_SUBMITTED
    DRAFT = "draft", glossary.DRAFT
    SUBMITTED = "submitted", glossary.SUBMITTED
    RETURNED = "returned", glossary.RETURNED
    REVIEWED = "reviewed", glossary.REVIEWED
    # Nothing entered and nothing owed: the office's indicators report in other months (季报,
    # 年报 …) and it has no project or task; or the month is still running. Never late.
    NOT_DUE = "not_due", glossary.NOT_DUE
    IN_PROGRESS = "in_progress", glossary.IN_PROGRESS

    @property
    def tone(self) -> str:
        return glossary.tone_of(self, good=(ReportState.REVIEWED,), bad=(ReportState.RETURNED,))


# The states of a month with nothing entered for it: none of them can be submitted.
NOTHING_ENTERED = frozenset({ReportState.NOT_STARTED, ReportState.NOT_DUE, ReportState.IN_PROGRESS})


# Once submitted, an office's month is frozen: nothing of it changes until it is returned,
# withdrawn or (after review) reopened by an admin.
FROZEN_REPORT_STATES = FROZEN_STATES


@dataclass(frozen=True)
class OfficeReport:
    """An office's report for one month: its state, due day and lateness, who and when.

    `days_overdue` counts from the due day to the submission (if submitted) or to today;
    `days_left` is the days until the due day while nothing is submitted and it has not
    passed (None otherwise). `reason` is the return reason, and only while returned.
    """

    office: Any
    year: int
    month: int
    state: ReportState
    due: date
    days_overdue: int
    days_left: int | None
    submitted_by: Any = None
    submitted_at: datetime | None = None
    reviewed_by: Any = None
    reviewed_at: datetime | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def tone(self) -> str:
        if self.days_overdue and self.state not in FROZEN_REPORT_STATES:
            return "bad"
        return self.state.tone

    @property
    def is_late(self) -> bool:
        return self.days_overdue > 0

    @property
    def lateness_label(self) -> str:
        """'逾期3天' while late (or submitted late); '' otherwise."""
        if not self.days_overdue:
            return ""
        return gettext("逾期%(n)d天") % {"n": self.days_overdue}

    @property
    def due_label(self) -> str:
        """'还剩3天', '今天截止' or the lateness: what a clerk needs to hear about the due day."""
        if self.state in FROZEN_REPORT_STATES:
            return self.lateness_label
        if self.days_left is None:
            return self.lateness_label
        if self.days_left == 0:
            return gettext("今天截止")
        return gettext("还剩%(n)d天") % {"n": self.days_left}

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_REPORT_STATES

    @property
    def reason_label(self) -> str:
        """What the reason is: a return's while returned, an admin's reopening's after it."""
        if self.state == ReportState.RETURNED:
            return gettext("退回原因")
        return gettext("重新打开原因")

    @property
    def is_done(self) -> bool:
        return self.state == ReportState.REVIEWED

    @property
    def needs_attention(self) -> bool:
        """Late and not yet submitted, or returned: what a leader's panel lists first."""
        return self.state == ReportState.RETURNED or (self.is_late and not self.is_frozen)

    @property
    def urgency(self) -> tuple:
        """Sort key: late and returned first (most overdue first), then by state, office."""
        return (
            not self.needs_attention,
            -self.days_overdue,
            list(ReportState).index(self.state),
            getattr(self.office, "order", 0),
            getattr(self.office, "pk", 0),
        )


def office_report(
    *,
    office: Any,
    year: int,
    month: int,
    review_state: str | None,
    has_entries: bool,
    due: date,
    today: date,
    submitted_by: Any = None,
    submitted_at: datetime | None = None,
    reviewed_by: Any = None,
    reviewed_at: datetime | None = None,
    reason: str = "",
    owes: bool = True,
) -> OfficeReport:
    """The state of an office's month from its review record and whether anything is entered.

    No review record (or a draft one) is 草稿 once a figure or a progress report exists for
    the month; before that it is 本月无需报送 when the office owes nothing that month (`owes`
    False: none of its indicators reports in it, periods.reports_in, and it has no project or
    task), 未到报送期 while the month runs (periods.is_in_progress), else 未报送. Late: past
    the due day and not submitted, or submitted after it; a month owing nothing is never late.
    """
    if review_state in (None, ReportState.DRAFT):
        if has_entries:
            state = ReportState.DRAFT
        elif not owes:
            state = ReportState.NOT_DUE
        elif periods.is_in_progress(year, month, today):
            state = ReportState.IN_PROGRESS
        else:
            state = ReportState.NOT_STARTED
    else:
        state = ReportState(review_state)
    # A month an admin reopened after review was handed in once: its lateness stays that of
    # its submission (it keeps submitted_at until it is submitted again).
    reopened = state == ReportState.DRAFT and bool(reason) and submitted_at is not None
    if (state in FROZEN_REPORT_STATES or reopened) and submitted_at is not None:
        handed_in = timezone.localdate(submitted_at)
        days_overdue = max(0, (handed_in - due).days)
        days_left = None
    elif not owes and state in (ReportState.DRAFT, ReportState.NOT_DUE):
        days_overdue, days_left = 0, None
    else:
        days_overdue = max(0, (today - due).days)
        days_left = (due - today).days if today <= due else None
    return OfficeReport(
        office=office,
        year=year,
        month=month,
        state=state,
        due=due,
        days_overdue=days_overdue,
        days_left=days_left,
        submitted_by=submitted_by if state in FROZEN_REPORT_STATES else None,
        submitted_at=submitted_at if state in FROZEN_REPORT_STATES else None,
        reviewed_by=reviewed_by if state == ReportState.REVIEWED else None,
        reviewed_at=reviewed_at if state == ReportState.REVIEWED else None,
        reason=reason if state == ReportState.RETURNED or reopened else "",
    )

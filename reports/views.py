from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from accounts import audit
from accounts.http import SignedInRequest
from accounts.permissions import can_read_office_data, permission
from dashboard.selectors import latest_period
from indicators import periods
from reports import briefing as words
from reports import selectors, word


@permission(can_read_office_data)
def briefing(request: SignedInRequest) -> HttpResponse:
    """月度简报 for ?period=YYYY-MM: a printable A4 page, or with &format=docx a Word document;
    for those who read an office's data (安全管理员 and 审计管理员 get 403, as from every export).

    Read the period as the dashboard does: a bad or future one shows a Chinese message and the
    latest period with figures. A document is only sent for the period asked for, so a bad
    period always answers with the page and its message; any other format is the page too.
    """
    year, month, period_error = periods.period_from_query(
        request.GET, lambda: latest_period(request.user)
    )
    data = selectors.briefing(request.user, year, month)
    if request.GET.get("format") == "docx" and not period_error:
        response = word.docx_response(data)
        audit.record(audit.Action.EXPORT, request=request, obj=word.filename(data))
        return response
    context = {
        "briefing": data,
        "headers": words.table_headers(),
        "demo_notice": words.demo_notice(),
        "table_note": words.table_note(),
        "period_error": period_error,
    }
    return render(request, "reports/briefing.html", context)

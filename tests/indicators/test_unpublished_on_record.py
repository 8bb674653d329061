"""A clerk's "—" for 同比 is a change on record: 31.3 → 未公布 is kept as such, and shown so."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators.models import FigureRevision
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


def test_a_published_growth_withdrawn_as_not_published_is_on_record(
    django_app, admin_user, output, town, october_2023
):
    figure = FigureFactory(
        indicator=output, place=town, year=2023, month=6, value=D("29.74"), growth=D("31.3")
    )
    page = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user)
    form = page.forms["figure_form"]
    form["growth"] = "—"
    form["note"] = "统计局本月未公布同比"
    assert form.submit().status_code == 302
    figure.refresh_from_db()
    assert (figure.growth, figure.growth_unpublished) == (None, True)
    revision = FigureRevision.objects.get(figure=figure, action__in=["changed", "revised"])
    assert (revision.old_growth, revision.old_growth_unpublished) == (D("31.3"), False)
    assert (revision.new_growth, revision.new_growth_unpublished) == (None, True)
    page = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user)
    rows = page.html.select("#revisions-group tbody tr")
    cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert cells[4:8] == ["29.74", "29.74", "31.3", "未公布"]


def test_the_lists_say_unpublished_and_show_the_growth_change(
    django_app, admin_user, output, town, october_2023
):
    figure = FigureFactory(
        indicator=output,
        place=town,
        year=2023,
        month=6,
        value=D("29.74"),
        growth=D("31.3"),
        is_demo=True,
        source="演示数据生成",
    )
    form = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user).forms[
        "figure_form"
    ]
    form["growth"] = "/"
    assert form.submit().status_code == 302
    figure.refresh_from_db()
    assert (figure.is_demo, figure.source) == (False, "")
    listing = django_app.get("/admin/indicators/figure/", user=admin_user)
    row = listing.html.select_one("#result_list tbody tr")
    assert row.select_one("td.field-growth_as_published").get_text() == "未公布"
    changes = django_app.get("/admin/indicators/figurerevision/", user=admin_user)
    row = changes.html.select_one("#result_list tbody tr")
    assert row.select_one("td.field-old_growth").get_text() == "31.3"
    assert row.select_one("td.field-new_growth").get_text() == "未公布"

"""Years read as years everywhere: "2024", never "2,024"; amounts keep their grouping."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from indicators.models import Figure
from plans.models import PlanSection, ProgressReport, ProjectYearPlan

pytestmark = pytest.mark.django_db


def test_no_page_shows_a_year_with_a_thousands_separator(admin_client_role, town_data, plan_data):
    late = plan_data["late"]
    ProjectYearPlan.objects.create(project=late, year=2024, planned_investment=D("5000"))
    report = ProgressReport.objects.create(project=late, year=2024, month=9, percent_done=D("40"))
    PlanSection.objects.get_or_create(year=2024, number=1, defaults={"title": "板块一"})
    figure = Figure.objects.get(indicator=town_data["output"], year=2024, month=9)
    pages = [
        "/?period=2024-09",
        f"/projects/{late.pk}/",
        "/indicators/output/",
        "/admin/plans/target/",
        "/admin/plans/plansection/",
        f"/admin/indicators/figure/{figure.pk}/change/",
        f"/admin/plans/progressreport/{report.pk}/change/",
        "/admin/plans/progressreport/",
        "/admin/indicators/figure/",
    ]
    for url in pages:
        response = admin_client_role.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "2,024" not in body and "2,023" not in body, url
        assert "2024" in body, url


def test_amounts_keep_their_grouping_where_people_read_them(admin_client_role, plan_data):
    late = plan_data["late"]
    ProjectYearPlan.objects.create(project=late, year=2024, planned_investment=D("5000"))
    ProgressReport.objects.create(
        project=late, year=2024, month=9, percent_done=D("40"), investment_ytd=D("1519.03")
    )
    page = admin_client_role.get(f"/projects/{late.pk}/").content.decode()
    assert "2024年：5,000万元" in page
    assert '<td class="num">1,519.03</td>' in page
    listing = admin_client_role.get("/admin/plans/progressreport/").content.decode()
    assert '<td class="field-investment_ytd">1,519.03</td>' in listing

"""Numbers as clerks type them (issue 17, item 1): look-alikes of minus, invisible spaces, 同比
in words, "not published" marks and values carrying their own unit, read the same way in every
numeric input (the monthly report, the admin's figure form, Excel cells given as text and the
plans' progress quantities), and every refusal quoting what it saw and saying what it expects."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from webtest import Upload

from indicators import units
from indicators.forms import GrowthReading, parse_growth, parse_value
from indicators.models import Figure, FigureRevision, Unit
from plans.models import ProgressReport
from plans.services import project_create
from tests.factories import FigureFactory, TaskFactory

REPORT = "/admin/indicators/figure/report/"
IMPORT = "/admin/indicators/figure/import/"


def unit(code: str) -> units.UnitInfo:
    return units.get(Unit.objects.get(code=code).pk)


def refusal(raw: str, *args: object) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_value(raw, *args)  # type: ignore[arg-type]
    (message,) = caught.value.messages
    return message


def growth_refusal(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_growth(raw)
    (message,) = caught.value.messages
    return message


# --- the parse functions themselves -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u22123.2", D("-3.2")),  # minus sign
        ("\u20133.2", D("-3.2")),  # en dash
        ("\u20143.2", D("-3.2")),  # em dash
        ("\uff0d3.2", D("-3.2")),  # full-width hyphen-minus
        ("\ufe633.2", D("-3.2")),  # small hyphen-minus
        ("\u20123.2", D("-3.2")),  # figure dash
        ("\u20103.2", D("-3.2")),  # hyphen
        ("1\u200b234.5", D("1234.5")),  # zero-width space
        ("1\u200c234\u200d.5", D("1234.5")),  # zero-width non-joiner and joiner
        ("\u2060 29.74", D("29.74")),  # word joiner
        ("\ufeff29.74", D("29.74")),  # byte-order mark at the start of a pasted cell
        ("1\u00a0234", D("1234")),  # no-break space
        ("\u3000２９．７４\u3000", D("29.74")),  # ideographic spaces, full-width digits
        ("－１，２３４．５", D("-1234.5")),
        ("-0", D("0")),
    ],
)
def test_a_plain_number_typed_with_look_alikes_is_read_as_meant(raw, expected):
    reading = parse_value(raw)
    assert reading.value == expected and not reading.converted


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("增21.26%", D("21.26")),
        ("增长6.5", D("6.5")),
        ("上升3%", D("3")),
        ("同比增长6.5%", D("6.5")),
        ("降5.2%", D("-5.2")),
        ("下降5.2%", D("-5.2")),
        ("减少0.8", D("-0.8")),
        ("同比下降１２．５％", D("-12.5")),
        ("\u22123.2%", D("-3.2")),
        ("\u20133.2", D("-3.2")),
        ("31.3", D("31.3")),
        ("+4", D("4")),
        ("降0", D("0")),
    ],
)
def test_a_growth_is_read_as_written_in_reports(raw, expected):
    assert parse_growth(raw) == GrowthReading(expected)


@pytest.mark.parametrize("raw", ["—", "——", "－", "-", "–", "\u2212", "/", "／", "无", " 无 "])
def test_a_dash_slash_or_wu_standing_alone_means_not_published(raw):
    assert parse_growth(raw) == GrowthReading(None, unpublished=True)


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\u3000"])
def test_a_blank_growth_is_simply_not_given(raw):
    assert parse_growth(raw) == GrowthReading(None)


def test_refusals_quote_what_was_typed_and_say_what_is_expected():
    assert refusal("一百三十二") == "“一百三十二”不是有效的数字。应为数字，如 12.5 或 -3。"
    # An invisible character that is not what went wrong is still shown, by its code point.
    assert refusal("12\u200b.3.4") == "“12[U+200B].3.4”不是有效的数字。应为数字，如 12.5 或 -3。"
    assert refusal("--1") == "“--1”不是有效的数字。应为数字，如 12.5 或 -3。"
    assert refusal("1" * 17) == "“11111111111111111”数值过大，小数点前最多16位。"
    assert growth_refusal("增长abc") == (
        "“增长abc”不是有效的同比增长。应为百分数，如 6.5、-3.2、增6.5%、下降3.2%；未公布填“—”。"
    )
    # A word and a sign together say the direction twice: which was meant is not guessed.
    assert growth_refusal("下降-5.2%") == (
        "“下降-5.2%”不是有效的同比增长。应为百分数，如 6.5、-3.2、增6.5%、下降3.2%；未公布填“—”。"
    )
    assert growth_refusal("-120") == "同比增长不能低于-100%。"


@pytest.mark.django_db
class TestUnits:
    def test_a_value_in_another_unit_is_converted_and_the_conversion_said(self):
        yi = unit("yi_yuan")
        reading = parse_value("34900万元", yi, 2)
        assert reading.value == D("3.49") and reading.converted
        assert reading.notice == "已将“34900万元”换算为3.49亿元。"
        assert parse_value("349,000,000元", yi, 2).value == D("3.49")
        assert parse_value("0.5亿元", unit("wan_yuan"), 2).value == D("5000.00")

    def test_a_conversion_that_needs_rounding_is_rounded_half_up_and_said(self):
        reading = parse_value("29,740万元", unit("yi_yuan"), 2)  # 2.974 → 2.97: 0.13 % off
        assert reading.value == D("2.97") and reading.rounded
        assert reading.notice == "已将“29,740万元”换算为2.97亿元（已四舍五入）。"
        assert parse_value("0.0005亿元", unit("wan_yuan"), 0).value == D("5")
        assert parse_value("0.0200005亿元", unit("wan_yuan"), 0).value == D("200")  # 200.005

    def test_an_exact_conversion_through_a_stored_factor_is_not_called_rounded(self):
        # 亩's factor is stored as 666.6666666667: 1.2公顷 comes out as 17.99999999999…,
        # which is 18 to 8 places, and 18 亩 exactly.
        reading = parse_value("1.2公顷", unit("mu"), 2)
        assert reading.value == D("18.00") and not reading.rounded
        assert reading.notice == "已将“1.2公顷”换算为18.00亩。"
        assert not parse_value("3公顷", unit("mu"), 0).rounded  # 45 亩

    @pytest.mark.parametrize(
        ("raw", "code", "decimals", "message"),
        [
            # 0.00051 would save as 0.00, as typing 0.000515 directly is refused.
            (
                "5.1万元",
                "yi_yuan",
                2,
                "“5.1万元”换算为0.00051亿元，超过2位小数，请按亿元填写或改用可换算的单位。",
            ),
            (
                "5.1 万 元",
                "yi_yuan",
                2,
                "“5.1 万 元”换算为0.00051亿元，超过2位小数，请按亿元填写或改用可换算的单位。",
            ),
            # 0.0347 → 0.03 is 13.5 % off.
            (
                "347万元",
                "yi_yuan",
                2,
                "“347万元”换算为0.0347亿元，超过2位小数，请按亿元填写或改用可换算的单位。",
            ),
            # 2.5 → 3 is 20 % off.
            (
                "0.00025亿元",
                "wan_yuan",
                0,
                "“0.00025亿元”换算为2.5万元，不是整数，请按万元填写或改用可换算的单位。",
            ),
        ],
    )
    def test_a_conversion_that_rounding_would_lose_is_refused_naming_the_exact_value(
        self, raw, code, decimals, message
    ):
        assert refusal(raw, unit(code), decimals) == message

    def test_rounding_of_one_percent_or_less_is_kept(self):
        # 0.995 → 1.00 (0.5 % off) is rounded; 0.0995 → 0.10 (0.5 %) too.
        assert parse_value("9950万元", unit("yi_yuan"), 2).value == D("1.00")
        assert parse_value("995万元", unit("yi_yuan"), 2).value == D("0.10")
        # Not asked for any decimals (no indicator): the exact conversion, unrounded.
        assert parse_value("5.1万元", unit("yi_yuan")).value == D("0.00051")

    def test_the_indicators_own_unit_is_no_conversion(self):
        reading = parse_value("3.49亿元", unit("yi_yuan"), 2)
        assert reading.value == D("3.49") and not reading.converted and reading.notice == ""
        assert parse_value("76.55%", unit("percent"), 2).value == D("76.55")

    def test_a_unit_not_in_the_table_is_refused_by_name(self):
        assert refusal("12万亩", unit("mu"), 2) == (
            "“12万亩”不是有效的数字：单位“万亩”不在单位表中。应为数字（本栏单位为亩），如 12.5。"
        )
        # Digits written in words are no unit.
        assert refusal("29.7四", unit("yi_yuan"), 2) == (
            "“29.7四”不是有效的数字。应为数字，如 12.5 或 -3。"
        )

    def test_a_unit_that_does_not_convert_is_refused_by_name(self):
        assert refusal("12家", unit("item"), 0) == (
            "“12家”：单位“家”不能换算为本栏的单位“个”。应为数字，如 12.5。"
        )
        assert refusal("5吨", unit("yi_yuan"), 2) == (
            "“5吨”：单位“吨”不能换算为本栏的单位“亿元”。应为数字，如 12.5。"
        )

    def test_a_unit_where_none_is_asked_for_is_refused(self):
        assert refusal("12个") == "“12个”带有单位。本栏只填数字，如 12.5。"


# --- the monthly report form, as rendered -------------------------------------------------------


def report_form(page):  # type: ignore[no-untyped-def]
    """The page's own figures form (the one with the rows), not the month picker."""
    return next(form for form in page.forms.values() if "rows-TOTAL_FORMS" in form.fields)


def row_text(page, name: str) -> str:  # type: ignore[no-untyped-def]
    row = next(r for r in page.html.select("table.report-table tbody tr") if name in r.th.text)
    return row.get_text(" ", strip=True)


@pytest.fixture
def report_page(django_app, clerk, office_a):  # type: ignore[no-untyped-def]
    def open_page():  # type: ignore[no-untyped-def]
        return django_app.get(REPORT, {"office": office_a.pk, "period": "2023-09"}, user=clerk)

    return open_page


@pytest.mark.django_db
def test_the_report_form_saves_look_alikes_and_worded_growth_as_meant(
    report_page, output_history, firms, cert_rate, october_2023
):
    form = report_form(report_page())
    form["rows-0-value"] = "\u3000２９．７４\u200b"
    form["rows-0-growth"] = "增31.3%"
    form["rows-1-value"] = "1\u00a0032"
    form["rows-1-growth"] = "下降5.2%"
    form["rows-2-value"] = "\ufeff76.55%"
    form["rows-2-growth"] = "—"
    response = form.submit()
    assert response.status_code == 302, response.html.select(".errornote")
    stored = {
        f.indicator.name: (f.value, f.growth, f.growth_unpublished)
        for f in Figure.objects.filter(year=2023, month=9)
    }
    assert stored == {
        "规上工业产值": (D("29.74"), D("31.3"), False),
        "走访企业": (D("1032"), D("-5.2"), False),
        "发证率": (D("76.55"), None, True),
    }
    # Shown again as not published, so that saving the page again keeps it so.
    page = report_page()
    assert report_form(page)["rows-2-growth"].value == "—"
    assert report_form(page).submit().status_code == 302
    assert Figure.objects.get(indicator=cert_rate).growth_unpublished


@pytest.mark.django_db
def test_a_blank_growth_is_stored_as_not_given_not_as_unpublished(
    report_page, output_history, firms, october_2023
):
    form = report_form(report_page())
    form["rows-0-value"] = "29.74"
    assert form.submit().status_code == 302
    figure = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert figure.growth is None and not figure.growth_unpublished


@pytest.mark.django_db
def test_marking_a_growth_unpublished_later_is_a_change(
    report_page, output_history, firms, town, october_2023
):
    FigureFactory(indicator=output_history, place=town, year=2023, month=9, value=D("29.74"))
    form = report_form(report_page())
    form["rows-0-growth"] = "/"
    assert form.submit().status_code == 302
    figure = Figure.objects.get(indicator=output_history, year=2023, month=9)
    assert figure.growth is None and figure.growth_unpublished and figure.version == 2
    assert FigureRevision.objects.filter(figure=figure).count() == 1


@pytest.mark.django_db
def test_a_value_in_another_unit_is_converted_said_on_its_row_and_saved_once_confirmed(
    report_page, output_history, firms, october_2023
):
    form = report_form(report_page())
    form["rows-0-value"] = "29,740万元"
    response = form.submit()
    assert response.status_code == 200
    assert "已将“29,740万元”换算为2.97亿元（已四舍五入）。" in row_text(response, "规上工业产值")
    assert not Figure.objects.filter(year=2023, month=9).exists()
    form = report_form(response)
    form["rows-0-value"] = "297400万元"
    response = form.submit()
    assert "已将“297400万元”换算为29.74亿元。" in row_text(response, "规上工业产值")
    form = report_form(response)
    form["confirm_warnings"] = True
    assert form.submit().status_code == 302
    assert Figure.objects.get(indicator=output_history, year=2023, month=9).value == D("29.74")


@pytest.mark.django_db
def test_a_refused_row_on_the_page_says_what_it_saw_and_what_it_expects(
    report_page, output_history, firms, october_2023
):
    form = report_form(report_page())
    form["rows-0-value"] = "29.74"
    form["rows-1-value"] = "12家\u200b次"
    form["rows-1-growth"] = "增长约5%"
    response = form.submit()
    assert response.status_code == 200
    text = row_text(response, "走访企业")
    # The zero-width space is read past; the unit is what is wrong, and the quote shows both.
    assert "“12家[U+200B]次”：单位“家次”不能换算为本栏的单位“家”。应为数字，如 12.5。" in text
    assert "“增长约5%”不是有效的同比增长。" in text
    assert not Figure.objects.filter(year=2023, month=9).exists()


@pytest.mark.django_db
def test_a_conversion_rounding_to_almost_nothing_is_refused_on_the_page_not_saved(
    report_page, output_history, firms, october_2023
):
    form = report_form(report_page())
    form["rows-0-value"] = "5.1 万 元"
    response = form.submit()
    assert response.status_code == 200
    text = row_text(response, "规上工业产值")
    assert "“5.1 万 元”换算为0.00051亿元，超过2位小数，请按亿元填写或改用可换算的单位。" in text
    # A refusal, not a warning: no confirming tick saves it.
    assert "confirm_warnings" not in report_form(response).fields
    assert not Figure.objects.filter(year=2023, month=9).exists()


# --- the admin's figure form -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_figure_form_reads_units_and_worded_growth(
    django_app, admin_user, output, town, october_2023
):
    figure = FigureFactory(indicator=output, place=town, year=2023, month=6, value=D("20.00"))
    page = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user)
    form = page.forms["figure_form"]
    form["value"] = "\u3000209,000万元"
    form["growth"] = "下降5%"
    listing = form.submit().follow()
    figure.refresh_from_db()
    assert (figure.value, figure.growth, figure.growth_unpublished) == (D("20.90"), D("-5"), False)
    assert "已将“209,000万元”换算为20.90亿元。" in listing.text
    form = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user).forms[
        "figure_form"
    ]
    form["growth"] = "无"
    form.submit().follow()
    figure.refresh_from_db()
    assert figure.growth is None and figure.growth_unpublished


@pytest.mark.django_db
def test_the_admin_figure_form_refuses_a_unit_by_name(
    django_app, admin_user, firms, town, october_2023
):
    figure = FigureFactory(indicator=firms, place=town, year=2023, month=6, value=D("12"))
    form = django_app.get(f"/admin/indicators/figure/{figure.pk}/change/", user=admin_user).forms[
        "figure_form"
    ]
    form["value"] = "13吨"
    page = form.submit()
    assert page.status_code == 200
    assert "“13吨”：单位“吨”不能换算为本栏的单位“家”。应为数字，如 12.5。" in page.text
    figure.refresh_from_db()
    assert figure.value == D("12")


# --- Excel cells given as text ----------------------------------------------------------------


@pytest.fixture
def template(clerk_client, office_a, output_history, firms, october_2023):  # type: ignore[no-untyped-def]
    response = clerk_client.get(
        f"/admin/indicators/figure/import/template/?office={office_a.pk}&period=2023-09"
    )
    return load_workbook(io.BytesIO(response.content))


def xlsx(book) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_excel_cells_typed_as_text_are_read_as_the_form_reads_them(
    django_app, clerk, template, output_history, firms
):
    sheet = template["月报"]
    sheet["E4"], sheet["F4"] = "297400万元", "增31.3%"
    sheet["E5"], sheet["F5"] = "1\u200b032", "—"
    page = django_app.get(IMPORT, user=clerk)
    form = next(f for f in page.forms.values() if "file" in f.fields)
    form["file"] = Upload("月报.xlsx", xlsx(template))
    preview = form.submit()
    assert "已将“297400万元”换算为29.74亿元。" in preview.text
    confirm = next(f for f in preview.forms.values() if "confirm" in f.fields)
    confirm["confirm_warnings"] = True  # a conversion is said, and confirmed, as on 月报填报
    assert confirm.submit().status_code == 302
    stored = {
        f.indicator.name: (f.value, f.growth, f.growth_unpublished)
        for f in Figure.objects.filter(year=2023, month=9)
    }
    assert stored == {
        "规上工业产值": (D("29.74"), D("31.3"), False),
        "走访企业": (D("1032"), None, True),
    }


# --- the plans' progress quantities -------------------------------------------------------------


@pytest.mark.django_db
def test_progress_quantities_are_read_by_the_same_parser(django_app, clerk, office_a, october_2024):
    project = project_create(code="houfeng", name="后冯区块", type="industry", office=office_a)
    task = TaskFactory(title="朱溪港两侧土地征收", office=office_a)  # 1300亩
    url = "/admin/plans/progressreport/report/"
    page = django_app.get(url, {"office": office_a.pk, "period": "2024-09"}, user=clerk)
    form = next(f for f in page.forms.values() if "rows-TOTAL_FORMS" in f.fields)
    form["rows-0-percent_done"] = "８０％"
    form["rows-0-investment_ytd"] = "0.5亿元"
    form["rows-0-progress"] = "完成清表"
    form["rows-1-quantity_done"] = "1\u00a0000亩\u200b"
    form["rows-1-progress"] = "签订协议1000亩"
    refused = form.submit()
    assert refused.status_code == 200
    assert "“0.5亿元”：本栏单位为万元，请填写换算后的数5000。" in refused.text
    assert not ProgressReport.objects.exists()
    form = next(f for f in refused.forms.values() if "rows-TOTAL_FORMS" in f.fields)
    form["rows-0-investment_ytd"] = "\u22121"
    refused = form.submit()
    assert "不能为负数。" in refused.text
    form = next(f for f in refused.forms.values() if "rows-TOTAL_FORMS" in f.fields)
    form["rows-0-investment_ytd"] = "5,000万元"
    assert form.submit().status_code == 302
    project_report = ProgressReport.objects.get(project=project)
    assert (project_report.percent_done, project_report.investment_ytd) == (D("80"), D("5000"))
    assert ProgressReport.objects.get(task=task).quantity_done == D("1000")


@pytest.mark.django_db
def test_a_task_quantity_in_a_unit_of_another_kind_is_refused(
    django_app, clerk, office_a, october_2024
):
    TaskFactory(title="新增市场主体", office=office_a, unit="firm", quantity=30)
    url = "/admin/plans/progressreport/report/"
    page = django_app.get(url, {"office": office_a.pk, "period": "2024-09"}, user=clerk)
    form = next(f for f in page.forms.values() if "rows-TOTAL_FORMS" in f.fields)
    form["rows-0-quantity_done"] = "12个"
    form["rows-0-progress"] = "新增12家"
    response = form.submit()
    assert "“12个”：单位“个”不能换算为本栏的单位“家”。应为数字，如 12.5。" in response.text
    assert not ProgressReport.objects.exists()

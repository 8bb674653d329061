"""An indicator's code may be Chinese or left blank, and units are data an admin extends —
both through 数据管理's own rendered forms."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators import units
from indicators.models import Indicator, Unit
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

ADD_INDICATOR = "/admin/indicators/indicator/add/"


def add_indicator(django_app, admin_user, office_a, town, **fields):
    form = django_app.get(ADD_INDICATOR, user=admin_user).forms["indicator_form"]
    form["name"] = fields.pop("name", "规上工业产值")
    form["category"] = "industry"
    form["unit"] = str(Unit.objects.get(code=fields.pop("unit", "yi_yuan")).pk)
    form["office"] = str(office_a.pk)
    form["places"] = [str(town.pk)]
    for name, value in fields.items():
        form[name] = value
    return form.submit()


def test_a_code_left_blank_is_made_from_the_names_pinyin(django_app, admin_user, office_a, town):
    assert add_indicator(django_app, admin_user, office_a, town, code="").status_code == 302
    indicator = Indicator.objects.get(name="规上工业产值")
    assert indicator.code == "gui_shang_gong_ye_chan_zhi"
    page = django_app.get(f"/indicators/{indicator.code}/", user=admin_user)
    assert "规上工业产值" in page.html.select_one("h1").get_text()


def test_a_second_blank_code_of_the_same_name_gets_a_number(django_app, admin_user, office_a, town):
    IndicatorFactory(code="gui_shang_gong_ye_chan_zhi", name="旧指标", office=office_a)
    assert add_indicator(django_app, admin_user, office_a, town, code="").status_code == 302
    assert Indicator.objects.get(name="规上工业产值").code == "gui_shang_gong_ye_chan_zhi_2"


def test_a_chinese_code_is_kept_and_its_page_opens(django_app, admin_user, office_a, town):
    response = add_indicator(django_app, admin_user, office_a, town, code="规上产值")
    assert response.status_code == 302
    assert Indicator.objects.get(name="规上工业产值").code == "规上产值"
    address = reverse("dashboard:indicator", args=["规上产值"])
    assert address == "/indicators/%E8%A7%84%E4%B8%8A%E4%BA%A7%E5%80%BC/"
    page = django_app.get(address, user=admin_user)
    assert page.status_code == 200 and "规上工业产值" in page.html.select_one("h1").get_text()


def test_a_code_with_a_space_is_refused_in_plain_words(django_app, admin_user, office_a, town):
    page = add_indicator(django_app, admin_user, office_a, town, code="规上 产值")
    assert page.status_code == 200
    errors = page.html.select_one(".field-code .errorlist").get_text()
    assert errors == "代码只能由汉字、字母、数字、下划线（_）或连字符（-）组成，不能有空格或标点。"
    assert "字段" not in errors
    assert not Indicator.objects.filter(name="规上工业产值").exists()


def test_the_unit_table_holds_the_units_the_issue_names():
    table = {u.name: (u.dimension, u.factor) for u in Unit.objects.all()}
    assert table["元"] == ("money", D(1)) and table["亿元"] == ("money", D(100_000_000))
    assert table["公顷"] == ("area", D(10_000)) and table["公里"] == ("length", D(1000))
    assert table["吨"] == ("mass", D(1000))
    for count in ("个", "家", "宗", "件", "条", "人", "人次", "户", "次", "场", "头", "只"):
        assert table[count][0] == "count", count
    assert table["%"][0] == "ratio"


def test_an_admin_adds_a_unit_and_an_indicator_uses_it(django_app, admin_user, office_a, town):
    form = django_app.get("/admin/indicators/unit/add/", user=admin_user).forms["unit_form"]
    form["name"] = "千瓦时"
    form["dimension"] = "other"
    form["factor"] = "1"
    assert form.submit().status_code == 302
    unit = Unit.objects.get(name="千瓦时")
    assert unit.code == "qian_wa_shi"
    response = add_indicator(
        django_app, admin_user, office_a, town, name="工业用电量", unit="qian_wa_shi", code=""
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="工业用电量")
    assert indicator.unit_label == "千瓦时" and str(indicator) == "工业用电量（千瓦时）"


def test_a_unit_in_use_keeps_its_name_dimension_and_factor(django_app, admin_user, office_a):
    IndicatorFactory(unit="mu", office=office_a)
    mu = Unit.objects.get(code="mu")
    page = django_app.get(f"/admin/indicators/unit/{mu.pk}/change/", user=admin_user)
    form = page.forms["unit_form"]
    assert "name" not in form.fields and "factor" not in form.fields
    assert "666.6666666667" in page.html.select_one(".field-factor").get_text()


def test_a_duplicate_unit_name_is_refused_in_chinese(django_app, admin_user):
    form = django_app.get("/admin/indicators/unit/add/", user=admin_user).forms["unit_form"]
    form["name"] = "亩"
    form["dimension"] = "area"
    page = form.submit()
    assert page.status_code == 200
    assert "已有同名的计量单位。" in page.html.select_one(".field-name .errorlist").get_text()
    assert Unit.objects.filter(name="亩").count() == 1


def test_the_in_memory_table_sees_a_unit_added_after_it_was_read():
    units.names()
    added = Unit.objects.create(name="立方米", dimension="other")
    assert units.get(added.pk).name == "立方米"
    assert units.by_name("立方米") is not None


def test_units_convert_within_a_dimension_and_refuse_across():
    yi, wan = units.by_name("亿元"), units.by_name("万元")
    mu, hectare, firm, item = (units.by_name(n) for n in ("亩", "公顷", "家", "个"))
    assert yi and wan and mu and hectare and firm and item
    assert units.convert(D("3.49"), yi, wan) == D("34900")
    assert units.convert(D("34900"), wan, yi) == D("3.49")
    assert round(units.convert(D("1"), hectare, mu), 6) == D("15.000000")
    with pytest.raises(units.UnitMismatch, match="单位“家”不能换算为本指标的单位“个”"):
        units.convert(D(1), firm, item)
    with pytest.raises(units.UnitMismatch):
        units.convert(D(1), yi, mu)


def test_a_second_indicator_of_the_same_name_in_one_office_is_refused(
    django_app, admin_user, office_a, town
):
    assert add_indicator(django_app, admin_user, office_a, town, code="").status_code == 302
    page = add_indicator(django_app, admin_user, office_a, town, code="")
    assert page.status_code == 200
    assert page.html.select_one(".field-name .errorlist").get_text() == (
        "本科室已有同名指标，请换一个名称（可加口径，如“工业用电量（规上）”）。"
    )
    assert Indicator.objects.filter(name="规上工业产值").count() == 1

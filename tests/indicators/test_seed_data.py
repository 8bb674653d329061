"""Checks on the seed data extracted from the 2023 work summary.

Pure pytest: no Django import, no database. The data module is plain Python and is checked
against the source document it was extracted from.
"""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType

from tests.records import every

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "indicators/seed/xiage_2023_summary.txt"

# Make the project importable however pytest was started (plain pytest, python -m pytest).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

data: ModuleType = importlib.import_module("indicators.seed.data")

DOCUMENT: str = DOCUMENT_PATH.read_text(encoding="utf-8")
PLAN_HEADING = "二、明年工作计划"

INDICATOR_KEYS = {
    "code",
    "name",
    "category",
    "unit",
    "decimals",
    "kind",
    "direction",
    "definition",
    "office",
    "frequency",
}
FIGURE_KEYS = {
    "indicator",
    "year",
    "month",
    "place",
    "value",
    "growth",
    "completion_rate",
    "note",
    "quote",
}
BASE_UNITS = {
    "yi_yuan",
    "wan_yuan",
    "percent",
    "mu",
    "parcel",
    "firm",
    "item",
    "person_time",
    "person",
    "case",
    "kg_per_mu",
    "sqm",
    "household",
    "session",
    "times",
    "batch",
    "entry",
    "copy",
    "room",
    "wan_sqm",
    "wan_piece",
}
CATEGORIES = {
    "industry",
    "investment",
    "consumption",
    "business",
    "agriculture",
    "land",
    "urban",
    "safety",
    "governance",
    "livelihood",
    "culture",
    "party",
}

INDICATORS_BY_CODE: dict[str, dict] = {i["code"]: i for i in data.INDICATORS}
OFFICE_CODES = {code for code, _name in data.OFFICES}


def _figure_id(figure: dict) -> str:
    place = f"-{figure['place']}" if figure["place"] else ""
    return f"{figure['indicator']}-{figure['year']}-{figure['month']:02d}{place}"


# One test per rule; each checks every record and names every record that breaks the rule.
figures = every(data.FIGURES_2023, name=_figure_id)
indicators = every(data.INDICATORS, name=lambda i: i["code"])


def _decimal_places(value: str) -> int:
    exponent = Decimal(value).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _indicator_named(name: str) -> dict:
    matches = [i for i in data.INDICATORS if i["name"] == name]
    assert len(matches) == 1, f"expected one indicator named {name}, found {len(matches)}"
    return matches[0]


def _figure_of(name: str, month: int, place: str | None = None) -> dict:
    code = _indicator_named(name)["code"]
    matches = [
        f
        for f in data.FIGURES_2023
        if f["indicator"] == code and f["month"] == month and f["place"] == place
    ]
    assert len(matches) == 1, f"expected one figure for {name} 2023-{month:02d} {place}"
    return matches[0]


# --- the document ---------------------------------------------------------------------------


def test_the_document_is_the_2023_summary_with_its_title_and_date() -> None:
    assert data.SOURCE_TITLE.replace(" ", "") in DOCUMENT.replace(" ", "")
    assert data.SOURCE_DATE in DOCUMENT
    assert PLAN_HEADING in DOCUMENT


# --- quotes ---------------------------------------------------------------------------------


@figures
def test_every_quote_occurs_verbatim_in_the_document(figure: dict) -> None:
    assert figure["quote"], "quote is empty"
    assert figure["quote"] in DOCUMENT


@figures
def test_every_quote_comes_from_the_2023_summary_not_the_2024_plan(figure: dict) -> None:
    assert DOCUMENT.find(figure["quote"]) < DOCUMENT.index(PLAN_HEADING)


@figures
def test_every_value_occurs_in_its_quote(figure: dict) -> None:
    assert figure["value"] in figure["quote"]


@figures
def test_growth_and_completion_rate_occur_in_the_quote_when_given(figure: dict) -> None:
    for key in ("growth", "completion_rate"):
        if figure[key] is not None:
            assert isinstance(figure[key], str)
            assert figure[key] in figure["quote"], key


# --- references -----------------------------------------------------------------------------


@figures
def test_every_figure_has_exactly_the_agreed_keys(figure: dict) -> None:
    assert set(figure) == FIGURE_KEYS


@indicators
def test_every_indicator_has_exactly_the_agreed_keys(indicator: dict) -> None:
    assert set(indicator) == INDICATOR_KEYS


@figures
def test_every_figure_names_a_known_indicator(figure: dict) -> None:
    assert figure["indicator"] in INDICATORS_BY_CODE


@indicators
def test_every_indicator_names_a_known_office(indicator: dict) -> None:
    assert indicator["office"] in OFFICE_CODES


@indicators
def test_every_indicator_has_a_known_category_unit_kind_and_direction(indicator: dict) -> None:
    assert indicator["category"] in CATEGORIES
    assert indicator["unit"] in data.UNITS
    assert indicator["kind"] in {"ytd", "monthly", "stock"}
    assert indicator["direction"] in {"higher", "lower"}
    assert isinstance(indicator["decimals"], int)
    assert indicator["decimals"] >= 0
    assert isinstance(indicator["definition"], str)


@indicators
def test_every_indicator_code_is_short_lowercase_ascii(indicator: dict) -> None:
    code = indicator["code"]
    assert code.isascii()
    assert code == code.lower()
    assert code.replace("_", "").isalnum()
    assert len(code) <= 40


def test_the_base_units_all_have_labels() -> None:
    assert set(data.UNITS) >= BASE_UNITS
    assert all(data.UNITS.values())


def test_the_offices_are_the_nine_agreed_ones_in_order() -> None:
    assert [code for code, _name in data.OFFICES][:9] == [
        "jjfzb",
        "nyncb",
        "zrzys",
        "yjglb",
        "shswb",
        "djb",
        "csjsb",
        "zzb",
        "bmfw",
    ]
    assert len(OFFICE_CODES) == len(data.OFFICES)


@figures
def test_every_place_is_the_town_or_a_listed_village(figure: dict) -> None:
    assert figure["place"] is None or figure["place"] in data.VILLAGES


@every(data.VILLAGES, name=str)
def test_every_village_name_occurs_in_the_document(village: str) -> None:
    assert village.endswith("村")
    assert village in DOCUMENT or village.removesuffix("村") in DOCUMENT


def test_villages_are_unique_and_at_most_thirty_one() -> None:
    assert len(set(data.VILLAGES)) == len(data.VILLAGES)
    assert len(data.VILLAGES) <= 31


# --- uniqueness and values ------------------------------------------------------------------


def test_indicator_codes_are_unique() -> None:
    codes = [i["code"] for i in data.INDICATORS]
    assert len(codes) == len(set(codes))


def test_indicator_names_are_unique() -> None:
    names = [i["name"] for i in data.INDICATORS]
    assert len(names) == len(set(names))


def test_figures_are_unique_by_indicator_year_month_and_place() -> None:
    keys = [(f["indicator"], f["year"], f["month"], f["place"]) for f in data.FIGURES_2023]
    assert len(keys) == len(set(keys))


@figures
def test_every_figure_is_for_2023_and_a_real_month(figure: dict) -> None:
    assert figure["year"] == 2023
    assert 1 <= figure["month"] <= 12


@figures
def test_every_year_count_without_a_month_says_so_in_its_note(figure: dict) -> None:
    if figure["month"] == 12:
        assert "12月" in figure["note"]


@figures
def test_every_value_parses_as_a_decimal_within_the_indicator_decimals(figure: dict) -> None:
    value = figure["value"]
    assert isinstance(value, str)
    try:
        Decimal(value)
    except InvalidOperation:
        raise AssertionError(f"{value!r} is not a decimal") from None
    decimals = INDICATORS_BY_CODE[figure["indicator"]]["decimals"]
    assert _decimal_places(value) <= decimals


@figures
def test_growth_and_completion_rate_parse_as_decimals_when_given(figure: dict) -> None:
    for key in ("growth", "completion_rate"):
        if figure[key] is not None:
            assert Decimal(figure[key]).is_finite(), key  # not NaN nor Infinity


@figures
def test_percent_values_lie_between_0_and_100(figure: dict) -> None:
    if INDICATORS_BY_CODE[figure["indicator"]]["unit"] == "percent":
        assert Decimal(0) <= Decimal(figure["value"]) <= Decimal(100)


@figures
def test_approximate_values_are_flagged_in_the_note(figure: dict) -> None:
    if "余" in figure["quote"].split(figure["value"], 1)[1][:1]:
        assert "余" in figure["note"]


@indicators
def test_every_indicator_has_at_least_one_figure(indicator: dict) -> None:
    assert any(f["indicator"] == indicator["code"] for f in data.FIGURES_2023)


# --- hand-checked spot values ---------------------------------------------------------------


def test_industrial_output_above_size_to_september_is_29_74_up_31_3_percent() -> None:
    figure = _figure_of("规上工业产值", 9)
    assert figure["value"] == "29.74"
    assert figure["growth"] == "31.3"
    assert _indicator_named("规上工业产值")["unit"] == "yi_yuan"


def test_industrial_investment_to_september_is_1_71_at_93_63_percent_excluding_byd() -> None:
    figure = _figure_of("工业性投资", 9)
    assert figure["value"] == "1.71"
    assert figure["completion_rate"] == "93.63"
    assert figure["growth"] is None
    assert "不含比亚迪" in _indicator_named("工业性投资")["definition"]


def test_above_quota_wholesale_sales_run_to_october_at_2_5() -> None:
    figure = _figure_of("限上批发业商品销售额", 10)
    assert figure["value"] == "2.5"


def test_certification_rate_is_a_stock_of_76_55_percent() -> None:
    indicator = _indicator_named("发证率")
    assert indicator["kind"] == "stock"
    assert indicator["unit"] == "percent"
    assert _figure_of("发证率", 12)["value"] == "76.55"


def test_mayang_village_rice_yield_is_690_1_kg_per_mu() -> None:
    code = next(i["code"] for i in data.INDICATORS if i["unit"] == "kg_per_mu")
    figure = next(f for f in data.FIGURES_2023 if f["indicator"] == code)
    assert figure["place"] == "马垟村"
    assert figure["value"] == "690.1"


def test_accidents_and_casualties_are_zero_and_lower_is_better() -> None:
    for code in ("safety_accidents", "safety_casualties"):
        assert INDICATORS_BY_CODE[code]["direction"] == "lower"
        assert [f["value"] for f in data.FIGURES_2023 if f["indicator"] == code] == ["0"]


def test_convenience_services_run_to_october() -> None:
    figure = _figure_of("便民服务事项", 10)
    assert figure["value"] == "17229"

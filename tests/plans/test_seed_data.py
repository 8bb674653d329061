"""Checks on the 2024 plan's tasks and the key projects extracted from the source document.

Pure pytest: no Django import, no database. ``plans.seed.data`` is plain Python and is checked
against the source document and against the codes defined in ``indicators.seed.data``.
"""

from __future__ import annotations

import importlib
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

from tests.records import every

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "indicators/seed/xiage_2023_summary.txt"

# Make the project importable however pytest was started (plain pytest, python -m pytest).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

data: ModuleType = importlib.import_module("plans.seed.data")
indicator_data: ModuleType = importlib.import_module("indicators.seed.data")

DOCUMENT: str = DOCUMENT_PATH.read_text(encoding="utf-8")
PLAN_HEADING = "二、明年工作计划"
PLAN_START = DOCUMENT.index(PLAN_HEADING)
SUMMARY: str = DOCUMENT[:PLAN_START]
PLAN: str = DOCUMENT[PLAN_START:]

NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四"}
STAGE_ORDER = ["planning", "land", "demolition", "clearing", "approval", "construction",
               "completion"]  # fmt: skip
PROJECT_TYPES = {"industry", "infrastructure", "livelihood", "agriculture", "ecology",
                 "culture_tourism"}  # fmt: skip
TASK_KEYS = {"code", "section", "title", "text", "kind", "quantity", "unit", "at_least",
             "office", "indicator", "project"}  # fmt: skip
PROJECT_KEYS = {"code", "name", "parent", "type", "village", "block", "area_mu", "office",
                "quote", "stages", "goal_2024"}  # fmt: skip
STAGE_KEYS = {"stage", "quantity", "unit", "extra_quantity", "extra_unit", "quote"}

OFFICE_CODES = {code for code, _name in indicator_data.OFFICES}
INDICATOR_CODES = {i["code"] for i in indicator_data.INDICATORS}
UNITS: dict[str, str] = indicator_data.UNITS
PROJECTS_BY_CODE: dict[str, dict] = {p["code"]: p for p in data.PROJECTS}
STAGES: list[tuple[dict, dict]] = [(p, s) for p in data.PROJECTS for s in p["stages"]]

# One test per rule; each checks every record and names every record that breaks the rule.
tasks = every(data.TASKS, name=lambda t: t["code"])
projects = every(data.PROJECTS, name=lambda p: p["code"])
# A stage is checked with its project: (project, stage) pairs.
stages = every(STAGES, name=lambda pair: f"{pair[0]['code']}-{pair[1]['stage']}")


def _section_bounds() -> dict[int, tuple[int, int]]:
    """Where each plan section runs in the document: number -> (start, end)."""
    starts = [DOCUMENT.index(f"({NUMERALS[n]}){title}。", PLAN_START) for n, title in data.SECTIONS]
    ends = [*starts[1:], len(DOCUMENT)]
    return {
        n: (start, end) for (n, _title), start, end in zip(data.SECTIONS, starts, ends, strict=True)
    }


SECTION_BOUNDS = _section_bounds()


def _number_then_unit(text: str, quantity: str, unit: str) -> re.Match[str] | None:
    """The quantity as a whole number in ``text``, followed by its unit (余 or spaces between)."""
    pattern = rf"(?<![\d.]){re.escape(quantity)}\s*(余)?\s*{re.escape(UNITS[unit])}(以上)?"
    return re.search(pattern, text)


def _task(code: str) -> dict:
    matches = [t for t in data.TASKS if t["code"] == code]
    assert len(matches) == 1, code
    return matches[0]


def _task_with_text(text: str) -> dict:
    matches = [t for t in data.TASKS if t["text"] == text]
    assert len(matches) == 1, f"expected one task worded {text}, found {len(matches)}"
    return matches[0]


def _project_named(name: str) -> dict:
    matches = [p for p in data.PROJECTS if p["name"] == name]
    assert len(matches) == 1, f"expected one project named {name}, found {len(matches)}"
    return matches[0]


def _stage_of(project: dict, stage: str) -> dict:
    matches = [s for s in project["stages"] if s["stage"] == stage]
    assert len(matches) == 1, f"expected one {stage} stage in {project['code']}"
    return matches[0]


# --- sections -------------------------------------------------------------------------------


def test_the_plan_has_four_sections_numbered_one_to_four() -> None:
    assert [n for n, _title in data.SECTIONS] == [1, 2, 3, 4]


@every(data.SECTIONS, name=lambda section: f"({NUMERALS[section[0]]}){section[1]}")
def test_every_section_title_is_worded_as_its_heading_in_the_plan(section: tuple) -> None:
    number, title = section
    assert f"({NUMERALS[number]}){title}。" in PLAN


def test_the_sections_appear_in_order_in_the_plan() -> None:
    starts = [SECTION_BOUNDS[n][0] for n, _title in data.SECTIONS]
    assert starts == sorted(starts)


@every([n for n, _title in data.SECTIONS], name=str)
def test_every_section_has_at_least_one_task(number: int) -> None:
    assert any(t["section"] == number for t in data.TASKS)


# --- tasks ----------------------------------------------------------------------------------


@tasks
def test_every_task_has_exactly_the_agreed_keys(task: dict) -> None:
    assert set(task) == TASK_KEYS


@tasks
def test_every_task_text_occurs_verbatim_in_the_2024_plan(task: dict) -> None:
    assert task["text"]
    assert task["text"] in PLAN


@tasks
def test_every_task_lies_in_its_section_of_the_plan(task: dict) -> None:
    assert task["section"] in {1, 2, 3, 4}
    start, end = SECTION_BOUNDS[task["section"]]
    assert task["text"] in DOCUMENT[start:end]


def test_task_codes_are_unique_and_numbered_in_order() -> None:
    codes = [t["code"] for t in data.TASKS]
    assert len(codes) == len(set(codes))
    assert codes == [f"t2024_{i:02d}" for i in range(1, len(codes) + 1)]


def test_tasks_follow_the_document_order() -> None:
    positions = [DOCUMENT.index(t["text"], PLAN_START) for t in data.TASKS]
    assert positions == sorted(positions)
    assert [t["section"] for t in data.TASKS] == sorted(t["section"] for t in data.TASKS)


@tasks
def test_every_task_has_a_short_chinese_title(task: dict) -> None:
    assert 0 < len(task["title"]) <= 20
    assert not task["title"].isascii()


@tasks
def test_quantity_tasks_have_a_number_and_a_known_unit_and_milestones_have_neither(
    task: dict,
) -> None:
    assert task["kind"] in {"quantity", "milestone"}
    if task["kind"] == "quantity":
        assert isinstance(task["quantity"], str)
        Decimal(task["quantity"])
        assert task["unit"] in UNITS
    else:
        assert task["quantity"] is None
        assert task["unit"] is None
        assert task["at_least"] is False


@tasks
def test_every_task_quantity_occurs_in_its_text_with_its_unit(task: dict) -> None:
    if task["kind"] == "quantity":
        assert task["quantity"] in task["text"]
        assert _number_then_unit(task["text"], task["quantity"], task["unit"]), task["text"]


@tasks
def test_at_least_is_true_exactly_when_yi_shang_or_yu_follows_the_quantity(task: dict) -> None:
    assert isinstance(task["at_least"], bool)
    if task["kind"] == "quantity":
        match = _number_then_unit(task["text"], task["quantity"], task["unit"])
        assert match
        floor = bool(match.group(1) or match.group(2))
        assert task["at_least"] is floor, task["text"]


@tasks
def test_every_task_names_a_known_office(task: dict) -> None:
    assert task["office"] in OFFICE_CODES


@tasks
def test_every_task_indicator_is_a_known_indicator_when_given(task: dict) -> None:
    assert task["indicator"] is None or task["indicator"] in INDICATOR_CODES


@tasks
def test_every_task_project_exists_and_is_worded_as_that_projects_2024_goal(task: dict) -> None:
    if task["project"] is not None:
        project = PROJECTS_BY_CODE[task["project"]]
        goal = project["goal_2024"]
        assert goal, f"{project['code']} has no 2024 goal"
        assert task["text"] in goal or goal in task["text"]


# --- projects -------------------------------------------------------------------------------


@projects
def test_every_project_has_exactly_the_agreed_keys(project: dict) -> None:
    assert set(project) == PROJECT_KEYS


def test_project_codes_and_names_are_unique() -> None:
    codes = [p["code"] for p in data.PROJECTS]
    names = [p["name"] for p in data.PROJECTS]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))


@projects
def test_every_project_code_is_short_lowercase_ascii(project: dict) -> None:
    code = project["code"]
    assert code.isascii()
    assert code == code.lower()
    assert code.replace("_", "").isalnum()
    assert len(code) <= 40


@projects
def test_every_project_name_is_the_documents_wording(project: dict) -> None:
    # A trailing bracketed note may add places the document lists beside the name.
    name = project["name"]
    assert name in DOCUMENT or name.split("(")[0] in DOCUMENT


@projects
def test_every_project_quote_occurs_verbatim_in_the_document(project: dict) -> None:
    assert project["quote"]
    assert project["quote"] in DOCUMENT


@projects
def test_a_project_with_2023_progress_is_quoted_from_the_2023_summary(project: dict) -> None:
    if project["stages"]:
        assert project["quote"] in SUMMARY


@projects
def test_every_2024_goal_occurs_verbatim_in_the_2024_plan(project: dict) -> None:
    assert isinstance(project["goal_2024"], str)
    if project["goal_2024"]:
        assert project["goal_2024"] in PLAN


@projects
def test_every_project_has_a_known_type_and_office(project: dict) -> None:
    assert project["type"] in PROJECT_TYPES
    assert project["office"] in OFFICE_CODES


@projects
def test_every_project_village_is_a_listed_village(project: dict) -> None:
    assert project["village"] is None or project["village"] in indicator_data.VILLAGES


@projects
def test_every_project_block_occurs_in_the_document(project: dict) -> None:
    assert isinstance(project["block"], str)
    if project["block"]:
        assert project["block"] in DOCUMENT


@projects
def test_every_project_area_is_quoted_in_mu(project: dict) -> None:
    if project["area_mu"] is not None:
        Decimal(project["area_mu"])
        assert f"{project['area_mu']}亩" in project["quote"]


@projects
def test_every_parent_exists_and_is_itself_top_level(project: dict) -> None:
    if project["parent"] is not None:
        parent = PROJECTS_BY_CODE[project["parent"]]
        assert parent["parent"] is None
        assert parent["code"] != project["code"]


@projects
def test_every_project_has_2023_progress_a_2024_goal_or_child_projects(project: dict) -> None:
    has_children = any(p["parent"] == project["code"] for p in data.PROJECTS)
    assert project["stages"] or project["goal_2024"] or has_children


@projects
def test_stages_are_in_pipeline_order_without_repeats(project: dict) -> None:
    keys = [s["stage"] for s in project["stages"]]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys, key=STAGE_ORDER.index)


# --- stages ---------------------------------------------------------------------------------


@stages
def test_every_stage_has_exactly_the_agreed_keys_and_a_known_stage(pair: tuple[dict, dict]) -> None:
    _project, stage = pair
    assert set(stage) == STAGE_KEYS
    assert stage["stage"] in STAGE_ORDER


@stages
def test_every_stage_quote_occurs_verbatim_in_the_2023_summary(pair: tuple[dict, dict]) -> None:
    _project, stage = pair
    assert stage["quote"]
    assert stage["quote"] in SUMMARY


@stages
def test_every_stage_quantity_occurs_in_its_quote_with_its_unit(pair: tuple[dict, dict]) -> None:
    _project, stage = pair
    for quantity_key, unit_key in (("quantity", "unit"), ("extra_quantity", "extra_unit")):
        quantity, unit = stage[quantity_key], stage[unit_key]
        assert (quantity is None) == (unit is None), quantity_key
        if quantity is not None:
            Decimal(quantity)
            assert unit in UNITS
            assert f"{quantity}{UNITS[unit]}" in stage["quote"]


@stages
def test_an_extra_quantity_comes_only_with_a_main_quantity(pair: tuple[dict, dict]) -> None:
    _project, stage = pair
    if stage["extra_quantity"] is not None:
        assert stage["quantity"] is not None


# --- hand-checked spot values ---------------------------------------------------------------


def test_zhuxigang_land_acquisition_is_1300_mu_exactly_in_section_one() -> None:
    task = _task_with_text("完成朱溪港两侧1300亩土地征收")
    assert task["code"] == "t2024_01"
    assert (task["section"], task["kind"], task["quantity"], task["unit"]) == (
        1,
        "quantity",
        "1300",
        "mu",
    )
    assert task["at_least"] is False
    assert task["office"] == "zrzys"


def test_paddy_creation_is_at_least_1000_mu() -> None:
    task = _task_with_text("垦造水田1000余亩")
    assert (task["quantity"], task["unit"], task["at_least"]) == ("1000", "mu", True)
    assert task["indicator"] == "paddy_creation_area"


def test_small_to_above_size_firms_are_at_least_2() -> None:
    task = _task_with_text("全年实现“小升规”企业2家以上")
    assert (task["quantity"], task["unit"], task["at_least"]) == ("2", "firm", True)
    assert task["office"] == "jjfzb"


def test_a_listed_company_is_one_firm_not_a_floor() -> None:
    task = _task_with_text("培育上市企业1家")
    assert (task["quantity"], task["unit"], task["at_least"]) == ("1", "firm", False)


def test_common_prosperity_workshops_are_16() -> None:
    task = _task_with_text("推广16个共富工坊示范效应")
    assert (task["section"], task["quantity"], task["unit"], task["at_least"]) == (
        2,
        "16",
        "item",
        False,
    )
    assert task["office"] == "nyncb"


def test_party_service_centres_are_the_towns_31() -> None:
    task = _task("t2024_28")
    assert (task["section"], task["quantity"], task["unit"]) == (4, "31", "item")


def test_the_yangfutou_nursing_home_task_is_that_projects_milestone() -> None:
    task = _task_with_text("完成杨砩头养老院建设")
    assert task["kind"] == "milestone"
    project = PROJECTS_BY_CODE[task["project"]]
    assert project["name"] == "杨砩头养老院"
    assert project["village"] == "杨砩头村"
    assert project["stages"] == []
    assert task["office"] == project["office"] == "shswb"


def test_the_devzone_expansion_has_its_six_blocks_as_children() -> None:
    parent = _project_named("经济开发区扩容项目")
    children = {p["name"] for p in data.PROJECTS if p["parent"] == parent["code"]}
    assert children == {
        "后冯区块",
        "张店区块",
        "瑾达地块(上官)",
        "后冯美妆项目",
        "比亚迪配套道路及排水渠项目",
        "比亚迪西侧地块项目",
    }


def test_houfeng_block_signed_411_mu_of_land_agreements() -> None:
    project = _project_named("后冯区块")
    assert project["block"] == "后冯区块"
    stage = _stage_of(project, "land")
    assert (stage["quantity"], stage["unit"]) == ("411", "mu")


def test_zhangdian_block_demolished_77_89_mu_and_101_households() -> None:
    stage = _stage_of(_project_named("张店区块"), "demolition")
    assert (stage["quantity"], stage["unit"]) == ("77.89", "mu")
    assert (stage["extra_quantity"], stage["extra_unit"]) == ("101", "household")


def test_craft_park_phase_two_filed_its_91_mu_for_approval() -> None:
    project = _project_named("工艺小微园二期")
    assert project["area_mu"] == "91"
    stage = _stage_of(project, "approval")
    assert (stage["quantity"], stage["unit"]) == ("91", "mu")


def test_houfeng_beauty_project_is_90_mu_and_cleared() -> None:
    project = _project_named("后冯美妆项目")
    assert project["area_mu"] == "90"
    assert _stage_of(project, "clearing")["quantity"] == "90"


def test_the_eco_cemetery_passed_acceptance() -> None:
    project = _project_named("生态公墓项目")
    assert [s["stage"] for s in project["stages"]] == ["completion"]


def test_the_art_park_and_the_wellness_centre_were_only_planned() -> None:
    for name in ("括苍人文艺术创意园项目", "仙居县东部全龄化康养休闲中心项目"):
        assert [s["stage"] for s in _project_named(name)["stages"]] == ["planning"]


def test_zhongxinneng_and_zhongnan_gaoke_share_one_clearing_sentence_as_two_tasks() -> None:
    sentence = "完成中芯能项目、中南高科项目进场清表"
    linked = {t["project"] for t in data.TASKS if t["text"] == sentence}
    assert linked == {"zhongxinneng", "zhongnan_gaoke"}
    approval = _stage_of(_project_named("中南高科项目"), "approval")
    assert approval["quote"] == "中南高科项目完成组件报批"
    assert _project_named("中芯能项目")["stages"] == []

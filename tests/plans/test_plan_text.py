"""The plan read from its text (plans.plan_text.parse_plan): the seed document's plan gives the
quantified tasks the seed was hand-curated into, and nothing else quantified."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from plans.plan_text import MAX_CHARS, chinese_number, parse_plan, same_task_keys
from plans.seed.data import SECTIONS, TASKS

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "indicators" / "seed" / "xiage_2023_summary.txt"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def plan_part() -> str:
    text = seed_text()
    return text[text.index("二、明年工作计划") :]


def only(text: str, year: int = 2024):
    tasks = parse_plan(text, year).tasks
    assert len(tasks) == 1, tasks
    return tasks[0]


# --- the Done-when: the seed document's plan ------------------------------------------------


def test_the_seed_plans_quantified_tasks_are_exactly_the_seeded_ones():
    plan = parse_plan(plan_part(), 2024)
    proposed = Counter(
        (task.quantity, task.unit.code, task.at_least) for task in plan.quantified if task.unit
    )
    seeded = Counter(
        (Decimal(task["quantity"]), task["unit"], task["at_least"])
        for task in TASKS
        if task["kind"] == "quantity"
    )
    assert len(plan.quantified) == 7
    assert proposed == seeded
    assert proposed == Counter(
        {
            (Decimal(1300), "mu", False): 1,
            (Decimal(1000), "mu", True): 1,
            (Decimal(2), "firm", True): 1,
            (Decimal(1), "firm", True): 1,
            (Decimal(1), "firm", False): 1,
            (Decimal(16), "item", False): 1,
            (Decimal(31), "item", False): 1,
        }
    )


def test_the_seed_plans_quantified_tasks_keep_their_own_words_and_sections():
    plan = parse_plan(plan_part(), 2024)
    by_quantity = {(t.quantity, t.unit.code, t.at_least): t for t in plan.quantified if t.unit}
    seeded = {(Decimal(t["quantity"]), t["unit"], t["at_least"]): t for t in TASKS if t["quantity"]}
    for key, task in seeded.items():
        proposal = by_quantity[key]
        assert proposal.section == task["section"]
        # The seed's text is the clause; the proposal's text holds it, exactly as written.
        assert task["text"] in proposal.text
        assert proposal.text in plan_part()
        assert proposal.sentence in plan_part()
        assert len(proposal.title) <= 64
        assert proposal.deadline == date(2024, 12, 31)
    assert by_quantity[(Decimal(31), "item", False)].title == (
        "规范升级全镇 31 个村级党群服务中心“全域网”"
    )
    assert by_quantity[(Decimal(1000), "mu", True)].title == "垦造水田1000余亩"
    assert by_quantity[(Decimal(2), "firm", True)].title == "实现“小升规”企业2家以上"


def test_the_seed_plan_has_its_four_sections_with_the_seeds_titles():
    plan = parse_plan(plan_part(), 2024)
    assert [(s.number, s.title) for s in plan.sections] == SECTIONS
    assert plan.sections[0].text == "(一)加速工业突破,激活发展动能。"
    assert plan.notes == ()
    assert {task.section for task in plan.tasks} == {1, 2, 3, 4}


def test_the_seed_plans_milestones_are_proposed():
    plan = parse_plan(plan_part(), 2024)
    milestones = {task.title: task for task in plan.tasks if task.kind == "milestone"}
    for title in [
        "完成集镇排水系统提升项目",
        "启动建设弗迪新能源动力电池西侧商务配套项目",
        "建设完成东部农产品交易市场",
        "争创省级县域风貌样板区",
        "加快建设良丰路",
        "规划镇西幼儿园",
        "开展括苍水库除险加固工程",
        "实现“15分钟服务圈”全覆盖",
        "谋划2024年高标准农田建设工程",
        "完成人才重点项目",
    ]:
        assert title in milestones, title
        assert milestones[title].quantity is None and milestones[title].unit is None
    drainage = milestones["完成集镇排水系统提升项目"]
    assert drainage.section == 3
    assert drainage.text == "完成集镇排水系统提升项目"
    assert drainage.sentence == "补齐防洪排涝、雨污分流设施,完成集镇排水系统提升项目"
    # A verb used as a noun begins nothing.
    assert not [t for t in plan.tasks if "培育库" in t.title or t.title == "规划建设"]
    # The preamble (before (一)) and the framing sentences (强化要素保障。) are not proposed.
    assert not [t for t in plan.tasks if "四个仙居" in t.text or t.text == "强化要素保障"]


def test_the_whole_document_gives_the_plan_and_says_the_summary_was_skipped():
    plan = parse_plan(seed_text(), 2024)
    assert [(s.number, s.title) for s in plan.sections] == SECTIONS
    assert len(plan.notes) == 1 and "重复" in plan.notes[0]
    assert len(plan.quantified) == 7


# --- single sentences --------------------------------------------------------------------------


def test_a_milestone_without_a_quantity():
    task = only("完成集镇排水系统提升项目。", 2025)
    assert (task.kind, task.quantity, task.unit, task.at_least) == ("milestone", None, None, False)
    assert task.title == task.text == task.sentence == "完成集镇排水系统提升项目"
    assert task.deadline == date(2025, 12, 31)
    assert task.section == 1


@pytest.mark.parametrize(
    ("text", "quantity", "unit", "at_least"),
    [
        ("完成朱溪港两侧1300亩土地征收", "1300", "亩", False),
        ("完成朱溪港两侧１３００亩土地征收", "1300", "亩", False),  # full-width digits
        ("垦造水田1000余亩", "1000", "亩", True),
        ("全年实现“小升规”企业2家以上", "2", "家", True),
        ("规范升级全镇 31 个村级党群服务中心", "31", "个", False),
        ("新增农户 20 多户", "20", "户", True),
        ("新增企业不少于5家", "5", "家", True),
        ("完成投资3.49亿元", "3.49", "亿元", False),
        ("完成投资５．２万元", "5.2", "万元", False),
        ("完成拆除1,300平方米", "1300", "平方米", False),
        ("新增停车位120个以上", "120", "个", True),
    ],
)
def test_quantities(text, quantity, unit, at_least):
    task = only(text)
    assert task.kind == "quantity"
    assert (task.quantity, task.unit.name, task.at_least) == (Decimal(quantity), unit, at_least)
    assert task.text == text


@pytest.mark.parametrize(
    "text",
    [
        "谋划2024年高标准农田建设工程",
        "实现“15分钟服务圈”全覆盖",
        "完成第3批项目验收",  # an ordinal
        "完成G104国道改造",
        "推进1-9月工作",
        "完成3个月的整治",
        "实现亩均税收增长10%",  # a growth rate, not a quantity
        "完成5把钥匙",  # 把 is not in the unit table
        "完成2.345亩测绘",  # more decimals than a task's quantity holds
    ],
)
def test_not_quantities(text):
    task = only(text)
    assert (task.kind, task.quantity, task.unit) == ("milestone", None, None)


def test_two_quantities_in_one_clause_give_two_proposals():
    tasks = parse_plan("完成张店区块101户77.89亩拆迁工作", 2024).tasks
    assert [(t.quantity, t.unit.name) for t in tasks] == [
        (Decimal(101), "户"),
        (Decimal("77.89"), "亩"),
    ]


def test_commas_split_commitments_and_join_what_follows():
    tasks = parse_plan(
        "加快建设良丰路,优化商业布局，新增企业1家以上,完成验收；加强管理。", 2024
    ).tasks
    assert [(t.title, t.text) for t in tasks] == [
        ("加快建设良丰路", "加快建设良丰路,优化商业布局"),
        ("新增企业1家以上", "新增企业1家以上"),
        ("完成验收", "完成验收"),
    ]


def test_a_long_clause_has_a_short_title():
    text = "完成" + "很长的项目名称" * 20
    task = only(text)
    assert len(task.title) == 64 and task.title.endswith("…")
    assert task.text == text


# --- sections ----------------------------------------------------------------------------------


def test_headings_with_full_width_brackets_on_their_own_lines():
    plan = parse_plan(
        "（一）产业发展\n完成1300亩土地征收。\n（ 二 ）民生实事。\n完成南山村建设。\n"
        "（十一）其他\n新增企业2家",
        2024,
    )
    assert [(s.number, s.title) for s in plan.sections] == [
        (1, "产业发展"),
        (2, "民生实事"),
        (11, "其他"),
    ]
    assert [(t.section, t.title) for t in plan.tasks] == [
        (1, "完成1300亩土地征收"),
        (2, "完成南山村建设"),
        (11, "新增企业2家"),
    ]


def test_a_heading_running_on_into_its_paragraph_ends_at_the_space():
    plan = parse_plan("(五)多元供给、以人为本,民生服务常抓不懈 社会服务有温度。完成走访。", 2024)
    assert [(s.number, s.title) for s in plan.sections] == [
        (5, "多元供给、以人为本,民生服务常抓不懈")
    ]
    assert [t.title for t in plan.tasks] == ["完成走访"]


def test_text_without_headings_is_one_section():
    plan = parse_plan("完成南山村美丽乡村建设。新增企业2家。", 2024)
    assert [(s.number, s.title) for s in plan.sections] == [(1, "未分节")]
    assert [t.section for t in plan.tasks] == [1, 1]


def test_brackets_that_are_not_headings():
    plan = parse_plan("完成括苍人文艺术创意园项目(即东部人文艺术综合体项目)建设", 2024)
    assert [s.title for s in plan.sections] == ["未分节"]


def test_chinese_numbers():
    assert [chinese_number(n) for n in ["一", "十", "十二", "二十", "二十三", "九十九"]] == [
        1,
        10,
        12,
        20,
        23,
        99,
    ]
    assert [chinese_number(n) for n in ["", "两", "十十", "一二", "二十三四"]] == [None] * 5


# --- any pasted text ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t　"])
def test_an_empty_text_is_refused_in_chinese(text):
    with pytest.raises(ValidationError) as refused:
        parse_plan(text, 2024)
    assert refused.value.messages == ["请粘贴计划文本。"]


def test_a_huge_text_is_refused_in_chinese():
    with pytest.raises(ValidationError) as refused:
        parse_plan("完成建设。" * (MAX_CHARS // 5 + 1), 2024)
    assert refused.value.messages == ["计划文本过长（20005字），一次最多20000字，请分段粘贴。"]


def test_a_nul_is_refused_in_chinese():
    with pytest.raises(ValidationError) as refused:
        parse_plan("完成\x00建设", 2024)
    assert "NUL" in refused.value.messages[0]


@pytest.mark.parametrize("text", ["今天天气很好。", "asdkjh qwe 123 zxc !!! ###"])
def test_text_with_nothing_to_propose_proposes_no_section(text):
    """Trial 18, finding 9: no heading and no task gives no 未分节 section either (it took the
    number of the year's （一） and read as reusing it)."""
    plan = parse_plan(text, 2024)
    assert (plan.sections, plan.tasks) == ((), ())


def test_a_heading_without_tasks_is_still_a_section():
    plan = parse_plan("（二）民生实事。", 2024)
    assert [(s.number, s.title) for s in plan.sections] == [(2, "民生实事")]
    assert plan.tasks == ()


@pytest.mark.parametrize(
    "text",
    [
        "（一）",
        "(一)。(二)",
        "，,。；;\n\n",
        "1,2,3,4",
        "（一）完成\n（一）完成",
        "完成" + "9" * 40 + "亩",
        "第１２３４５６７８９０个",
        "完成1.亩",
        "\ufeff完成‮12亩",
        "((一))完成",
    ],
)
def test_odd_texts_never_raise(text):
    plan = parse_plan(text, 2024)
    numbers = {section.number for section in plan.sections}
    assert bool(plan.sections) or not plan.tasks
    for task in plan.tasks:
        assert task.section in numbers
        assert task.text in text and len(task.title) <= 64


def test_line_ends_count_as_typed():
    """Trial 18, finding 8: a browser posts each line end as \\r\\n; 20,001 characters typed
    are 20,001, not 20,022, and 20,000 in lines are read."""
    lines = ("甲" * 99 + "\r\n") * 200  # 100 characters a line as typed, 20,000 in all
    plan = parse_plan("完成建设。" + lines[5:], 2024)
    assert [t.title for t in plan.tasks] == ["完成建设"]
    with pytest.raises(ValidationError) as refused:
        parse_plan(lines + "乙", 2024)
    assert refused.value.messages == ["计划文本过长（20001字），一次最多20000字，请分段粘贴。"]
    plan = parse_plan("（一）产业。\r\n完成建设。\r新增企业1家。", 2024)
    assert [(t.text, t.sentence) for t in plan.tasks] == [
        ("完成建设", "完成建设"),
        ("新增企业1家", "新增企业1家"),
    ]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("垦造水田1000余亩", "垦造水田1000余亩"), ("垦造水田", "垦造水田1000余亩")),
        (("新增亿元以上企业1家以上", "新增亿元以上企业1家以上"), ("新增亿元以上企业", "…")),
        (("垦造水田1000余亩", "…"), ("垦造水田", "另一段原文")),
        (("完成 集镇排水。", "x"), ("完成集镇排水", "y")),
        (("新增不少于3家企业", "x"), ("新增企业", "y")),
    ],
)
def test_the_same_task_is_known_by_its_title_or_text(one, other):
    assert same_task_keys(*one) & same_task_keys(*other)


def test_different_tasks_are_not_the_same():
    assert not same_task_keys("垦造水田1000余亩", "垦造水田1000余亩") & same_task_keys(
        "新增亿元以上企业", "新增亿元以上企业1家以上"
    )


def test_a_text_of_the_largest_size_is_read():
    text = ("完成南山村建设。" * (MAX_CHARS // 8))[:MAX_CHARS]
    plan = parse_plan(text, 2024)
    assert len(plan.tasks) == MAX_CHARS // 8

"""One word per concept (indicators.glossary), statuses decided once (plans.status)."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

from indicators import glossary
from indicators.review import ReportState
from plans.status import ItemState, Mark, StageState, Status, TaskState

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A condition that compares with Chinese text: {% if mark == '未审核' %}, {% if '演示' in mark %}
CHINESE_CONDITION = re.compile(
    r"{%\s*(?:el)?if\b[^%]*['\"][^'\"]*[\u4e00-\u9fff][^'\"]*['\"][^%]*%}"
)
# A status or state class chosen in the template: class="status {% if row.behind %}bad…"
CHOSEN_TONE = re.compile(r'class="(?:status|state|cell)\b[^"]*{%\s*if')


# Where statuses are shown (the inbox's read/unread marks are not statuses).
STATUS_TEMPLATES = ("dashboard", "reports", "admin")


def test_no_template_decides_a_status_by_its_words_or_picks_its_tone():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        patterns = [CHINESE_CONDITION]
        if path.relative_to(TEMPLATES).parts[0] in STATUS_TEMPLATES:
            patterns.append(CHOSEN_TONE)
        for pattern in patterns:
            found += [
                f"{path.relative_to(TEMPLATES)}: {m.group(0)}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_every_status_word_is_a_glossary_word_with_a_tone():
    words = {str(value) for name, value in vars(glossary).items() if name.isupper()}
    for enum in (Status, TaskState, StageState, ItemState, ReportState, Mark):
        for member in enum:
            assert str(member.label) in words, (enum.__name__, member)
            if enum is not Mark:
                assert member.tone in {"good", "bad", "neutral"}, (enum.__name__, member)


def test_numbers_are_written_by_one_rule():
    assert glossary.published(D("31.30")) == "31.3"  # a published growth as published
    assert glossary.published(D("17.00")) == "17"
    assert glossary.published(D("29.7400"), 2) == "29.74"  # a figure with its decimals
    assert glossary.published(D("20432"), 0, grouped=True) == "20,432"
    assert glossary.two_places(D("75")) == "75.00"  # rates, points, 亿元
    assert glossary.two_places(D("0.9")) == "0.90"
    assert glossary.signed_points(D("7.61")) == "+7.61"
    assert glossary.signed_points(D("-25")) == "-25.00"
    assert glossary.gap_phrase(D("7.61")) == "超序时7.61个百分点"
    assert glossary.gap_phrase(D("-25")) == "落后序时25.00个百分点"
    assert glossary.gap_phrase(D("0")) == "按序时"

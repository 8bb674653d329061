"""Everything a person reads goes through gettext (../shared/STYLE.md, rule 11).

The scan: in the apps' Python modules (migrations and tests aside), every string constant that
holds a Chinese character and is not inside a call to _ / gettext / gettext_lazy / ngettext /
pgettext / format_lazy / gettext_noop (docstrings aside; an f-string counts as one literal);
in the templates, Chinese text outside {% translate %} and {% blocktranslate %} (comments
aside). Data stays literal: the allow-lists below name it, module by module or string by
string, each with the reason. A new literal fails this test with its file and line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "indicators", "plans", "dashboard", "reports", "inbox", "xiage"]
CHINESE = re.compile(r"[\u3400-\u9fff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "format_lazy",
}

# Modules that are data, not wording.
DATA_MODULES = {
    "indicators/seed/data.py": "the town's 2023 summary, as published (source data)",
    "plans/seed/data.py": "the town's 2023 summary, as published (source data)",
    "indicators/demo.py": "demo data, stored and marked 演示数据",
    "plans/demo.py": "demo data, stored and marked 演示数据",
    "accounts/demo.py": "the demo accounts' names, stored",
    "accounts/roles.py": "role names are the names of the stored auth groups",
    "plans/plan_text.py": "the words of a plan's text its parser reads (verbs, 以上/余, 年/分钟)",
}

# Single strings that are data, not wording.
DATA_STRINGS = {
    # The monthly template's sheet name and header row are its file format: an import
    # checks them as written.
    "indicators/excel.py": {
        "月报",
        "代码",
        "指标",
        "单位",
        "上期数",
        "本期数",
        "同比增长（%）",
        "情况说明",
    },
    # The words people type into a number or month box, which the parsers read (input, not
    # wording): 同比 as 增21.26% or 下降5.2%, 无 for not published, 29.7四 as no number, 2026年10月.
    "indicators/forms.py": {
        "同比",
        "增长|增加|上升|增",
        "下降|减少|下滑|降|减",
        "无|未公布",
        "零〇一二两三四五六七八九十百千",
    },
    "indicators/periods.py": {"年", "月份|月"},
    # The year workbook's sheet names and header rows are its file format (an import checks
    # them as written); 是/以上/余/否 and 2024年12月31日 are what people type into its cells.
    "plans/year_excel.py": {
        "年度目标",
        "工作任务",
        "指标代码",
        "指标名称",
        "单位",
        "目标类型",
        "目标值",
        "目标表述",
        "代码",
        "板块序号",
        "板块标题",
        "任务",
        "计划原文",
        "任务类型",
        "目标数量",
        "以上/余",
        "完成时限",
        "责任科室",
        "联系领导",
        "关联指标代码",
        "结转自",
        "是",
        "以上",
        "余",
        "否",
        "[./年月]",
        "日",
    },
    # README's glossary table (documentation; the terms themselves are gettext_lazy above it).
    "indicators/glossary.py": "TERMS",
    # Digits for numbering plan sections (一、二 …), not words.
    "plans/models.py": {"零一二三四五六七八九十", "十"},
    # Font names of the Word briefing.
    "reports/word.py": {"宋体", "黑体", "仿宋"},
    # Seeding: the town's own name and the wording stored with seeded rows.
    "plans/management/commands/seed.py": {"下各镇"},
    "plans/services.py": {"据{source}，{year}年内完成（原文未注明具体日期）：{quote}"},
    # A setting's default (the name authenticator apps show) and a start-up error for the
    # operator, in English.
    "xiage/settings.py": {
        "下各镇指标跟踪",
        "AUDIT_RETENTION_DAYS must be at least 180 (等保 keeps logs six months), got ",
    },
}

# Templates' data: none.
TEMPLATE_DATA: dict[str, set[str]] = {}


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def python_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each Chinese string constant outside gettext in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node.func) in GETTEXT:
            skipped.update(id(sub) for sub in ast.walk(node))
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        ):
            skipped.add(id(node.body[0].value))  # a docstring
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and id(node) not in skipped:
            parts = [v for v in node.values if isinstance(v, ast.Constant)]
            skipped.update(id(v) for v in parts)
            text = "{}".join(str(v.value) for v in parts)
            if CHINESE.search(text):
                found.append((node.lineno, text))
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(v) for v in node.values)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
            and CHINESE.search(node.value)
        ):
            found.append((node.lineno, node.value))
    return sorted(found)


TRANSLATED = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S),
    re.compile(r"{%\s*trans(late)?\s+(\"[^\"]*\"|'[^']*').*?%}", re.S),
    re.compile(r"_\((\"[^\"]*\"|'[^']*')\)"),
]


def template_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of Chinese text outside {% translate %} / {% blocktranslate %}."""
    text = path.read_text(encoding="utf-8")
    for pattern in TRANSLATED:
        text = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [
        (number, piece.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        for piece in re.findall(r"[^<>{}]+", line)
        if CHINESE.search(piece)
    ]


def _allowed(relative: str) -> set[str]:
    allowed = DATA_STRINGS.get(relative, set())
    if allowed == "TERMS":
        from indicators.glossary import TERMS

        return {text for pair in TERMS for text in pair}
    return set(allowed)


def literals_outside_gettext() -> list[str]:
    problems = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in DATA_MODULES:
                continue
            allowed = _allowed(relative)
            problems += [
                f"{relative}:{line}: {text!r}"
                for line, text in python_literals(path)
                if text not in allowed
            ]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT).as_posix()
        allowed = TEMPLATE_DATA.get(relative, set())
        problems += [
            f"{relative}:{line}: {text!r}"
            for line, text in template_literals(path)
            if text not in allowed
        ]
    return problems


def test_every_chinese_string_a_person_reads_goes_through_gettext():
    problems = literals_outside_gettext()
    assert not problems, "Chinese text outside gettext:\n" + "\n".join(problems)


def test_the_scan_finds_what_it_looks_for(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        '"""文档"""\n'
        "from django.utils.translation import gettext as _\n"
        'A = _("已翻译")\n'
        'B = "未翻译"\n'
        'C = f"第{1}行"\n'
        'D = _("%(n)s条") % {"n": "不算"}\n',
        encoding="utf-8",
    )
    assert python_literals(module) == [(4, "未翻译"), (5, "第{}行"), (6, "不算")]
    template = tmp_path / "page.html"
    template.write_text(
        '{% load i18n %}<p>{% translate "好" %}</p>\n'
        "<p>坏</p>{# 注释 #}\n"
        "{% blocktranslate %}也好{% endblocktranslate %}\n",
        encoding="utf-8",
    )
    assert template_literals(template) == [(2, "坏")]

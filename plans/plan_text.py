"""The year's plan read from its text: proposed sections and tasks, for a person to check.

``parse_plan(text, year)`` reads a pasted work plan (e.g. the part 二、明年工作计划 of a year's
summary) and proposes what the plan commits to; nothing is written here (the admin page shows
the proposals as a form, and ``plans.plan_text_services.plan_from_text_confirm`` creates the
ticked ones). The only reads are the unit table's names (``indicators.units``).

Shapes::

    ProposedPlan(year=2024, sections=(ProposedSection(number=1, title="加速工业突破,激活发展动能",
                 text="(一)加速工业突破,激活发展动能。"), ...),
                 tasks=(ProposedTask(section=1, title="完成朱溪港两侧1300亩土地征收",
                        text="完成朱溪港两侧1300亩土地征收", sentence="全面配合…土地征收",
                        kind="quantity", quantity=Decimal("1300"), unit=UnitInfo(亩),
                        at_least=False, deadline=date(2024, 12, 31)), ...),
                 notes=())

How the text is read:

- **Sections** are the headings （一） (一) （ 二 ） … with full-width or ASCII brackets and a
  Chinese numeral, at the start of the text, of a line, or after a space or a sentence's end.
  The title is what follows the bracket up to 。！？； or the line's end (cut at a space when
  the heading runs on into the paragraph, at most 100 characters), without the 。. A text with
  no heading but with tasks gives one section, number 1, titled 未分节, holding every task
  (the page numbers it after the year's sections on record); a text with neither gives no
  section at all. When headings
  exist, commitments before the first one (a preamble) are not proposed. When a heading's
  number comes again (a summary's （一）… pasted with the plan's （一）…), the reading starts
  over from there: only the last run of sections is proposed, and ``notes`` says so.
- **Commitments**: each section's text is cut into sentences at 。；;！？!? and line ends,
  and each sentence into clauses at ，, (not at a comma between digits, 1,300). A clause with
  a commitment verb (``VERBS``: 完成 启动 开工 建成 实现 培育 新增 推广 推进 开展 规划 谋划
  争创 构建 增设 …) or with a quantity begins a new commitment; the clauses after it in the
  same sentence without either belong to it (加快建设良丰路,优化商业布局,… is one). Clauses
  before the sentence's first commitment (强化要素保障。, 全面配合…,) are left out.
- **Quantities**: Arabic digits (full-width too: １３００), with a decimal point and thousands
  commas, spaces allowed around (全镇 31 个), followed by the name of a unit in the unit table
  (亩 家 个 户 条 处 人 万元 亿元 平方米 …, longest name first, so 万元 before 元; ratio units such
  as % are growth rates, not quantities). 以上 after the unit, or 余/多 between the number and
  the unit, or 不少于/至少/不低于/超过 before the number make it a floor (``at_least``):
  1000余亩 → 1000 亩 at least; 2家以上 → 2 家 at least. Not quantities: a number followed by a
  word of time (2024年, 15分钟, 3个月, 10天 …), an ordinal (第3批), a number glued to letters or
  to another number (G104, 1-9月), a measure word missing from the unit table, and a number
  the task's field cannot hold (more than 12 digits before the point or 2 after). A clause
  with two quantities gives one proposal each (a person unticks what is not wanted).
- **A proposal**: a clause with a quantity is a ``quantity`` task, one with only a verb a
  ``milestone``. ``title`` is the clause from its verb on (the whole clause if it has
  none), spaces run together, at most 64 characters (cut with …). ``text`` is the commitment's
  clauses and ``sentence`` its whole sentence, both exactly as in the input (no trailing 。).
  ``deadline`` is the year's 31 December.
- **Line ends**: a browser posts a textarea's line ends as \r\n; the text is read (and its
  length counted) with every \r\n and lone \r as one \n, as the person typed it.
- **The same task** (``same_task_keys``): two tasks are taken for the same when a title or
  text of one, with spaces and end punctuation left out, equals a title or text of the other,
  or the title without its quantities does (垦造水田1000余亩 ~ 垦造水田, 新增亿元以上企业1家以上
  ~ 新增亿元以上企业).

Examples::

    parse_plan("完成集镇排水系统提升项目。", 2024).tasks[0].kind == "milestone"
    parse_plan("垦造水田1000余亩", 2024).tasks[0] → quantity 1000, 亩, at_least True
    parse_plan("谋划2024年高标准农田建设工程", 2024).tasks[0].quantity is None
    parse_plan("", 2024) → ValidationError("请粘贴计划文本。")

Refusals: only ``ValidationError``, in Chinese: an empty text, a text over ``MAX_CHARS``
characters, a text holding a NUL character (the database cannot store it), a year no date has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from indicators import units
from plans.models import chinese_numeral

MAX_CHARS = 20_000
TITLE_MAX = 64  # Task.title
SECTION_TITLE_MAX = 100  # PlanSection.title
QUANTITY_INTEGER_DIGITS = 12  # Task.quantity: max_digits 14, decimal_places 2
QUANTITY_DECIMALS = 2

# Verbs that begin a commitment, longest first where one contains another.
VERBS: tuple[str, ...] = (
    "建设完成",
    "加快建设",
    "加快完成",
    "启动建设",
    "规范升级",
    "提升打造",
    "完成",
    "启动",
    "开工",
    "建成",
    "竣工",
    "新建",
    "实现",
    "培育",
    "新增",
    "推广",
    "推进",
    "开展",
    "规划",
    "谋划",
    "争创",
    "创建",
    "构建",
    "增设",
)

# Words of manner or time that may stand before a commitment verb (全年实现, 深入开展); a
# prefix ending in 地, 前, 内 or 底 (有针对性地, 年底前, 年内) is one too.
ADVERBS: tuple[str, ...] = (
    "全力以赴",
    "常态化",
    "进一步",
    "高质量",
    "高标准",
    "全年",
    "今年",
    "明年",
    "年内",
    "全镇",
    "深入",
    "持续",
    "扎实",
    "大力",
    "全力",
    "纵深",
    "切实",
    "加快",
    "积极",
    "全面",
    "力争",
    "同时",
    "确保",
    "争取",
    "重点",
    "着力",
    "稳步",
    "有序",
    "继续",
    "率先",
    "抓紧",
    "尽快",
    "逐步",
    "基本",
    "努力",
    "再",
    "并",
    "要",
    "将",
)

# Words after a number that make it a time, an age or a rate rather than a quantity, checked
# before the unit (a unit named 个 must not read 3个月 as 3 个).
NOT_QUANTITY_WORDS: tuple[str, ...] = (
    "个工作日",
    "个百分点",
    "个小时",
    "个季度",
    "个星期",
    "个月",
    "分钟",
    "小时",
    "季度",
    "年",
    "月",
    "日",
    "天",
    "周",
    "岁",
    "号",
    "倍",
    "%",
    "％",
    "‰",
)
ADVERBIAL_MAX = 12  # characters before a verb that may still be words of manner or time
FLOOR_BEFORE: tuple[str, ...] = ("不少于", "不低于", "至少", "超过")
FLOOR_INSIDE: tuple[str, ...] = ("余", "多")
FLOOR_AFTER = "以上"

_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")

_NUMERALS = "一二三四五六七八九"
_HEADING = re.compile(
    r"(?:^|(?<=[\s。！？；;!?]))[（(][ \t　]*([一二三四五六七八九十]{1,3})[ \t　]*[)）]"
)
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_HEADING_END = re.compile(r"[。！？；;!?\n]")
# A clause ends at a comma, but not at an ASCII comma between digits (1,300).
_CLAUSE_END = re.compile(r"，|,(?![0-9０-９])|(?<![0-9０-９]),")
_NUMBER = re.compile(r"(?<![0-9A-Za-z._\-+/~～第])([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?![0-9])")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ProposedSection:
    number: int
    title: str
    text: str  # the heading as in the input


@dataclass(frozen=True)
class ProposedTask:
    section: int  # the number of its section
    title: str
    text: str
    sentence: str
    kind: str  # plans.models.Task.Kind: "quantity" or "milestone"
    quantity: Decimal | None
    unit: units.UnitInfo | None
    at_least: bool
    deadline: date


@dataclass(frozen=True)
class ProposedPlan:
    year: int
    sections: tuple[ProposedSection, ...]
    tasks: tuple[ProposedTask, ...]
    notes: tuple[str, ...] = ()

    @property
    def quantified(self) -> list[ProposedTask]:
        return [task for task in self.tasks if task.kind == "quantity"]


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: units.UnitInfo
    at_least: bool
    start: int = 0  # where it is written in its clause, 不少于 … 以上 included
    end: int = 0


def parse_plan(text: str, year: int) -> ProposedPlan:
    """The sections and tasks the plan's text proposes (see the module's docstring)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(_("请粘贴计划文本。"), code="empty")
    text = plain_line_ends(text)
    if len(text) > MAX_CHARS:
        raise ValidationError(too_long_message(len(text)), code="too_long")
    if "\x00" in text:
        raise ValidationError(
            _("计划文本中含有不可见的空字符（NUL），请删除后重新粘贴。"), code="nul"
        )
    if not isinstance(year, int) or not date.min.year <= year <= date.max.year:
        raise ValidationError(_("年份无效。"), code="year")
    deadline = date(year, 12, 31)
    unit_names = _quantity_unit_names()
    headings = _headings(text)
    notes: list[str] = []
    start = 0
    seen: set[int] = set()
    for index, (number, _title, _start, _end) in enumerate(headings):
        if number in seen:
            start = index
            seen = set()
        seen.add(number)
    if start:
        notes.append(
            _("文本中板块序号（%(number)s）重复出现，只读取最后一组板块（从第%(count)d个标题起）。")
            % {"number": chinese_numeral(headings[start][0]), "count": start + 1}
        )
        headings = headings[start:]
    sections: list[ProposedSection] = []
    tasks: list[ProposedTask] = []
    if not headings:
        tasks.extend(_tasks(text, 0, len(text), 1, deadline, unit_names))
        if tasks:
            sections.append(ProposedSection(1, _("未分节"), ""))
    for index, (number, title, begin, end) in enumerate(headings):
        sections.append(ProposedSection(number, title, text[begin:end]))
        stop = headings[index + 1][2] if index + 1 < len(headings) else len(text)
        tasks.extend(_tasks(text, end, stop, number, deadline, unit_names))
    return ProposedPlan(year, tuple(sections), tuple(tasks), tuple(notes))


def plain_line_ends(text: str) -> str:
    """The text with its line ends as typed: \r\n (how a browser posts them) and \r as \n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_long_message(count: int, *, approximate: bool = False) -> str:
    """The refusal of a text of `count` characters (`approximate`: counted from the request's
    bytes, the text itself never read; see xiage.oversized)."""
    if approximate:
        return _("计划文本过长（约%(count)d字），一次最多%(max)d字，请分段粘贴。") % {
            "count": count,
            "max": MAX_CHARS,
        }
    return _("计划文本过长（%(count)d字），一次最多%(max)d字，请分段粘贴。") % {
        "count": count,
        "max": MAX_CHARS,
    }


def unheaded(plan: ProposedPlan) -> bool:
    """Whether the plan's one section is the 未分节 of a text without headings."""
    return len(plan.sections) == 1 and not plan.sections[0].text


def same_task_keys(title: str, text: str) -> set[str]:
    """What a task is known by, to tell the same task in two places (see the docstring): its
    title and text and its title without quantities, spaces and end punctuation left out."""
    plain_title = title.translate(_DIGITS)  # one character for one, as _quantities reads it
    bare = plain_title
    for quantity in reversed(_quantities(plain_title, _quantity_unit_names())):
        bare = bare[: quantity.start] + bare[quantity.end :]
    keys = {_key(title), _key(text), _key(bare)}
    keys.discard("")
    return keys


_KEY_PUNCTUATION = "。，,；;：:、！？!? "


def _key(words: str) -> str:
    return _SPACES.sub("", words).strip(_KEY_PUNCTUATION)


def chinese_number(numeral: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23; None for anything else."""
    if not numeral or any(ch not in _NUMERALS + "十" for ch in numeral):
        return None
    if "十" not in numeral:
        return _NUMERALS.index(numeral) + 1 if len(numeral) == 1 else None
    tens, _sep, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (_NUMERALS.index(ones) + 1 if ones else 0)


def _headings(text: str) -> list[tuple[int, str, int, int]]:
    """(number, title, start, end) of each heading; `end` is past its 。 when it has one."""
    found = []
    for match in _HEADING.finditer(text):
        number = chinese_number(match.group(1))
        if number is None:
            continue
        after = match.end()
        stop = _HEADING_END.search(text, after)
        line_end = stop.start() if stop else len(text)
        raw = text[after:line_end]
        title = raw.strip()
        space = _SPACES.search(title)
        if space is not None:  # the heading runs on into its paragraph
            title = title[: space.start()]
            end = after + raw.index(title) + len(title)
        elif stop is not None and stop.group() != "\n":
            end = stop.end()
        else:
            end = line_end
        title = title.rstrip("。，,：:、 ")[:SECTION_TITLE_MAX] or _("未命名板块")
        found.append((number, title, match.start(), end))
    # A heading inside the previous heading's span cannot happen (spans end at 。 or a space).
    return found


def _quantity_unit_names() -> list[str]:
    """The unit names a quantity may end with, longest first; ratio units (%) left out."""
    names = []
    for name in units.names():
        info = units.by_name(name)
        if info is not None and not info.is_ratio and name.strip():
            names.append(name)
    return names


def _spans(pattern: re.Pattern[str], text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The pieces of text[start:stop] between matches of `pattern`, as (start, end)."""
    pieces = []
    at = start
    for match in pattern.finditer(text, start, stop):
        pieces.append((at, match.start()))
        at = match.end()
    pieces.append((at, stop))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _tasks(
    text: str, start: int, stop: int, section: int, deadline: date, unit_names: list[str]
) -> list[ProposedTask]:
    proposals: list[ProposedTask] = []
    for s_start, s_end in _spans(_SENTENCE_END, text, start, stop):
        s_start, s_end = _trimmed(text, s_start, s_end)
        if s_start == s_end:
            continue
        sentence = text[s_start:s_end]
        # Commitments: (first clause start, last clause end, verb offset, quantities)
        commitments: list[list] = []
        for c_start, c_end in _spans(_CLAUSE_END, text, s_start, s_end):
            c_start, c_end = _trimmed(text, c_start, c_end)
            if c_start == c_end:
                continue
            clause = text[c_start:c_end]
            verb = _first_verb(clause)
            quantities = _quantities(clause, unit_names)
            if verb is not None or quantities:
                commitments.append([c_start, c_end, c_start + (verb or 0), c_end, quantities])
            elif commitments:
                commitments[-1][1] = c_end  # belongs to the commitment before it
        for c_start, c_end, title_start, title_end, quantities in commitments:
            title = _title(text[title_start:title_end])
            own_text = text[c_start:c_end]
            if not quantities:
                proposals.append(
                    ProposedTask(
                        section, title, own_text, sentence, "milestone", None, None, False, deadline
                    )
                )
            for quantity in quantities:
                proposals.append(
                    ProposedTask(
                        section,
                        title,
                        own_text,
                        sentence,
                        "quantity",
                        quantity.value,
                        quantity.unit,
                        quantity.at_least,
                        deadline,
                    )
                )
    return proposals


def _first_verb(clause: str) -> int | None:
    """Where the clause's commitment verb begins, or None: the first verb with nothing before
    it but words of manner or time (全年实现, 深入开展, 有针对性地开展, 年底前完成), so that a verb
    used as a noun (完善优质企业培育库, 加强村庄规划建设) begins nothing."""
    for at in range(len(clause)):
        if clause.startswith(VERBS, at) and _adverbial(clause[:at]):
            return at
    return None


def _adverbial(prefix: str) -> bool:
    """Whether the words before a verb only say how or when (see ADVERBS)."""
    if len(prefix) > ADVERBIAL_MAX:
        return False
    words = _SPACES.sub("", prefix)
    if not words or words.endswith(("地", "前", "内", "底")):
        return True
    while words:
        word = next((w for w in ADVERBS if words.startswith(w)), None)
        if word is None:
            return False
        words = words[len(word) :]
    return True


def _title(phrase: str) -> str:
    title = _SPACES.sub(" ", phrase).strip()
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return title


def _quantities(clause: str, unit_names: list[str]) -> list[Quantity]:
    """The quantities written in the clause (see the module's docstring)."""
    plain = clause.translate(_DIGITS)  # one character for one: offsets stay those of `clause`
    found = []
    for match in _NUMBER.finditer(plain):
        quantity = _quantity_at(plain, match, unit_names)
        if quantity is not None:
            found.append(quantity)
    return found


def _quantity_at(plain: str, match: re.Match[str], unit_names: list[str]) -> Quantity | None:
    try:
        value = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    integer, _point, decimals = match.group(1).replace(",", "").partition(".")
    if len(integer.lstrip("0")) > QUANTITY_INTEGER_DIGITS or len(decimals) > QUANTITY_DECIMALS:
        return None
    before = plain[: match.start()].rstrip()
    floor_word = next((word for word in FLOOR_BEFORE if before.endswith(word)), None)
    at_least = floor_word is not None
    start = len(before) - len(floor_word) if floor_word else match.start()
    at = _skip_spaces(plain, match.end())
    if plain.startswith(FLOOR_INSIDE, at):
        at_least = True
        at = _skip_spaces(plain, at + 1)
    if plain.startswith(NOT_QUANTITY_WORDS, at):
        return None
    unit_name = next((name for name in unit_names if plain.startswith(name, at)), None)
    if unit_name is None:
        return None
    info = units.by_name(unit_name)
    if info is None:  # pragma: no cover - removed between the two reads
        return None
    end = at + len(unit_name)
    after = _skip_spaces(plain, end)
    if plain.startswith(FLOOR_AFTER, after):
        at_least = True
        end = after + len(FLOOR_AFTER)
    return Quantity(value, info, at_least, start, end)


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at

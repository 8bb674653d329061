"""Seed data for plans: the 2024 plan's sections and tasks, and the document's key projects.

Source: ``indicators/seed/xiage_2023_summary.txt`` (published 2024-01-10): the 2023 work summary
(``一、工作开展情况``) and the 2024 plan (``二、明年工作计划``). The 2023 figures are extracted
separately in ``indicators/seed/data.py``; office codes, village names, unit codes and indicator
codes used here are the ones defined there.

Plain Python, no Django import: the seed command and the tests both read these lists.

Conventions:
- ``text``, ``quote`` and ``goal_2024`` are exact substrings of the source document. The
  document uses ASCII commas and brackets (``,`` ``(`` ``)``) inside Chinese text, and so do these
  strings; ``SECTIONS`` titles are worded exactly as the document's headings.
- Quantities are strings exactly as the document writes them (``"1300"``, ``"77.89"``).
- ``at_least`` is True when the plan puts 以上 or 余 after the number (a floor: "2家以上",
  "1000余亩").
- A project's ``stages`` are the stages the 2023 summary reports as DONE, in pipeline order; a
  project named only in the 2024 plan has none. ``goal_2024`` is the plan's wording of the
  project's 2024 goal, or "".
- Codes are stable identifiers: add new tasks and projects at the end rather than renumbering.
"""

from __future__ import annotations

# The 2024 plan's four sections: (number, title) exactly as the headings word them, including
# the document's ASCII comma.
SECTIONS: list[tuple[int, str]] = [
    (1, "加速工业突破,激活发展动能"),
    (2, "聚焦民生实事,提升幸福指数"),
    (3, "加强城镇建管,打造宜居新城"),
    (4, "聚焦党建引领提效,筑牢治理根基"),
]

# Project stages in pipeline order: code -> Chinese label.
STAGES: dict[str, str] = {
    "planning": "谋划",
    "land": "政策处理/征地",
    "demolition": "拆迁",
    "clearing": "进场清表",
    "approval": "组件报批",
    "construction": "开工",
    "completion": "竣工/验收",
}

# Project types: code -> Chinese label.
PROJECT_TYPES: dict[str, str] = {
    "industry": "产业",
    "infrastructure": "基础设施",
    "livelihood": "民生",
    "agriculture": "农业农村",
    "ecology": "生态",
    "culture_tourism": "文旅",
}

TASK_KINDS: tuple[str, ...] = ("quantity", "milestone")


def _task(
    code: str,
    section: int,
    title: str,
    text: str,
    office: str,
    *,
    quantity: str | None = None,
    unit: str | None = None,
    at_least: bool = False,
    indicator: str | None = None,
    project: str | None = None,
) -> dict:
    """Build one 2024 task; a task with a quantity is a "quantity" task, else a milestone."""
    return {
        "code": code,
        "section": section,
        "title": title,
        "text": text,
        "kind": "quantity" if quantity is not None else "milestone",
        "quantity": quantity,
        "unit": unit,
        "at_least": at_least,
        "office": office,
        "indicator": indicator,
        "project": project,
    }


# fmt: off
TASKS: list[dict] = [
    # (一) 加速工业突破,激活发展动能
    _task("t2024_01", 1, "朱溪港两侧土地征收", "完成朱溪港两侧1300亩土地征收", "zrzys",
          quantity="1300", unit="mu"),
    # One sentence, two projects: split so that each project's clearing is ticked off on its own.
    _task("t2024_02", 1, "中芯能项目进场清表", "完成中芯能项目、中南高科项目进场清表", "jjfzb",
          project="zhongxinneng"),
    _task("t2024_03", 1, "中南高科项目进场清表", "完成中芯能项目、中南高科项目进场清表", "jjfzb",
          project="zhongnan_gaoke"),
    _task("t2024_04", 1, "弗迪电池西侧商务配套项目启动建设",
          "启动建设弗迪新能源动力电池西侧商务配套项目", "jjfzb", project="fudi_west_commercial"),
    # Town-wide (cross-township) target, wider than the 2023 three-village paddy project.
    _task("t2024_05", 1, "垦造水田", "垦造水田1000余亩", "zrzys",
          quantity="1000", unit="mu", at_least=True, indicator="paddy_creation_area"),
    _task("t2024_06", 1, "“小升规”企业", "全年实现“小升规”企业2家以上", "jjfzb",
          quantity="2", unit="firm", at_least=True),
    _task("t2024_07", 1, "新增亿元以上企业", "新增亿元以上企业1家以上", "jjfzb",
          quantity="1", unit="firm", at_least=True),
    _task("t2024_08", 1, "培育上市企业", "培育上市企业1家", "jjfzb",
          quantity="1", unit="firm"),
    # (二) 聚焦民生实事,提升幸福指数
    _task("t2024_09", 2, "推广共富工坊示范效应", "推广16个共富工坊示范效应", "nyncb",
          quantity="16", unit="item"),
    _task("t2024_10", 2, "千亩方永久基本农田集中连片整治",
          "完成马垟、杨砩头区块千亩方永久基本农田集中连片整治", "zrzys", project="qianmufang"),
    _task("t2024_11", 2, "谋划高标准农田建设工程", "谋划2024年高标准农田建设工程", "nyncb",
          project="high_standard_farmland_2024"),
    _task("t2024_12", 2, "东部农产品交易市场", "建设完成东部农产品交易市场", "nyncb",
          project="east_agri_market"),
    _task("t2024_13", 2, "括苍溪西渠修复工程", "完成括苍溪西渠修复工程", "nyncb",
          project="kuocangxi_west_canal"),
    _task("t2024_14", 2, "南山村美丽乡村建设", "完成南山村美丽乡村建设", "csjsb"),
    _task("t2024_15", 2, "林下村、上官村新农村建设", "完成林下村、上官村新农村建设", "csjsb"),
    _task("t2024_16", 2, "两条城乡风貌精品线路",
          "提升打造高速出口至朱溪杨丰山、高速出口至比亚迪厂区两条城乡风貌精品线路", "csjsb"),
    _task("t2024_17", 2, "争创省级县域风貌样板区", "争创省级县域风貌样板区", "csjsb",
          project="flower_sea_showcase"),
    # (三) 加强城镇建管,打造宜居新城
    _task("t2024_18", 3, "良丰路建设", "加快建设良丰路", "csjsb", project="liangfeng_road"),
    _task("t2024_19", 3, "“一县一县道”下各路段土地征收",
          "启动“一县一县道”下各路段涉及的土地征收工作", "zrzys", project="county_road_xiage"),
    _task("t2024_20", 3, "集镇排水系统提升项目", "完成集镇排水系统提升项目", "csjsb",
          project="town_drainage"),
    _task("t2024_21", 3, "杨砩头养老院建设", "完成杨砩头养老院建设", "shswb",
          project="yangfutou_nursing_home"),
    _task("t2024_22", 3, "厦阁村公办幼儿园建设", "加快完成厦阁村公办幼儿园项目建设", "shswb",
          project="xiage_kindergarten"),
    _task("t2024_23", 3, "规划镇西幼儿园", "规划镇西幼儿园", "shswb",
          project="zhenxi_kindergarten"),
    _task("t2024_24", 3, "括苍水库除险加固工程", "开展括苍水库除险加固工程", "yjglb",
          project="kuocang_reservoir"),
    _task("t2024_25", 3, "永安溪生态修复工程", "完成永安溪生态修复工程", "yjglb",
          project="yonganxi_phase2"),
    # (四) 聚焦党建引领提效,筑牢治理根基
    _task("t2024_26", 4, "“智造产业”党建联建共富带", "构建“智造产业”党建联建共富带", "djb"),
    _task("t2024_27", 4, "卓然智联“六合机制”应用场景",
          "增设卓然智联“六合机制”经验助推党建与企业文化融合的应用场景", "djb"),
    _task("t2024_28", 4, "村级党群服务中心规范升级",
          "规范升级全镇 31 个村级党群服务中心“全域网”", "djb", quantity="31", unit="item"),
    _task("t2024_29", 4, "“15分钟服务圈”全覆盖", "实现“15分钟服务圈”全覆盖", "djb"),
    _task("t2024_30", 4, "人才重点项目", "完成人才重点项目", "djb"),
]
# fmt: on


def _stage(
    stage: str,
    quote: str,
    quantity: str | None = None,
    unit: str | None = None,
    *,
    extra_quantity: str | None = None,
    extra_unit: str | None = None,
) -> dict:
    """Build one stage the 2023 summary reports as done."""
    return {
        "stage": stage,
        "quantity": quantity,
        "unit": unit,
        "extra_quantity": extra_quantity,
        "extra_unit": extra_unit,
        "quote": quote,
    }


def _project(
    code: str,
    name: str,
    type_: str,
    office: str,
    quote: str,
    *,
    parent: str | None = None,
    village: str | None = None,
    block: str = "",
    area_mu: str | None = None,
    stages: list[dict] | None = None,
    goal_2024: str = "",
) -> dict:
    """Build one key project."""
    return {
        "code": code,
        "name": name,
        "parent": parent,
        "type": type_,
        "village": village,
        "block": block,
        "area_mu": area_mu,
        "office": office,
        "quote": quote,
        "stages": stages or [],
        "goal_2024": goal_2024,
    }


_DEVZONE = "devzone"

# fmt: off
PROJECTS: list[dict] = [
    # --- 2023 summary, (一) 重点项目加快推进 ---------------------------------------------------
    # The expansion programme; its blocks are child projects. 工艺小微园二期 and 中南高科 follow
    # in the same sentence but are separate projects, not blocks.
    _project(_DEVZONE, "经济开发区扩容项目", "industry", "jjfzb", "经济开发区扩容项目"),
    _project("devzone_houfeng", "后冯区块", "industry", "zrzys",
             "完成后冯区块411亩征地协议签订工作",
             parent=_DEVZONE, village="后冯村", block="后冯区块",
             stages=[_stage("land", "完成后冯区块411亩征地协议签订工作", "411", "mu")]),
    _project("devzone_zhangdian", "张店区块", "industry", "zrzys",
             "完成张店区块101户77.89亩拆迁工作",
             parent=_DEVZONE, village="张店村", block="张店区块",
             stages=[_stage("demolition", "高效完成张店区块101户77.89亩拆迁工作", "77.89", "mu",
                            extra_quantity="101", extra_unit="household")]),
    _project("devzone_jinda", "瑾达地块(上官)", "industry", "zrzys",
             "完成瑾达地块(上官)30亩土地进场清表",
             parent=_DEVZONE, village="上官村", block="瑾达地块(上官)", area_mu="30",
             stages=[_stage("clearing", "完成瑾达地块(上官)30亩土地进场清表", "30", "mu")]),
    _project("devzone_houfeng_beauty", "后冯美妆项目", "industry", "jjfzb",
             "后冯美妆项目90亩完成进场清表",
             parent=_DEVZONE, village="后冯村", area_mu="90",
             stages=[_stage("clearing", "后冯美妆项目90亩完成进场清表", "90", "mu")]),
    _project("devzone_byd_road", "比亚迪配套道路及排水渠项目", "infrastructure", "csjsb",
             "完成比亚迪配套道路及排水渠项目进场清表",
             parent=_DEVZONE,
             stages=[_stage("clearing", "完成比亚迪配套道路及排水渠项目进场清表")]),
    _project("devzone_byd_west", "比亚迪西侧地块项目", "industry", "zrzys",
             "完成比亚迪西侧地块项目征用协议签订",
             parent=_DEVZONE, block="比亚迪西侧地块",
             stages=[_stage("land", "完成比亚迪西侧地块项目征用协议签订")]),
    _project("craft_park_phase2", "工艺小微园二期", "industry", "jjfzb",
             "工艺小微园二期91亩土地完成组件报批",
             area_mu="91",
             stages=[_stage("approval", "工艺小微园二期91亩土地完成组件报批", "91", "mu")]),
    _project("zhongnan_gaoke", "中南高科项目", "industry", "jjfzb",
             "中南高科项目完成组件报批",
             stages=[_stage("approval", "中南高科项目完成组件报批")],
             goal_2024="完成中芯能项目、中南高科项目进场清表"),
    # Planned (谋划) in 2023; the creative park is the art complex under its competition name.
    _project("kuocang_art_park", "括苍人文艺术创意园项目", "culture_tourism", "jjfzb",
             "括苍人文艺术创意园项目(即仙居县东部人文艺术综合体项目)",
             stages=[_stage("planning", "谋划仙居县东部人文艺术综合体项目")]),
    _project("east_wellness_center", "仙居县东部全龄化康养休闲中心项目", "culture_tourism",
             "jjfzb", "仙居县东部全龄化康养休闲中心项目",
             stages=[_stage("planning",
                            "谋划仙居县东部人文艺术综合体项目,仙居县东部全龄化康养休闲中心项目")]),
    # --- 2023 summary, (三) 乡村振兴 -------------------------------------------------------------
    # 项目申报 (application filed) is read as the planning stage being done.
    _project("wufeng_pv_livestock", "五丰村牧光互补项目", "agriculture", "nyncb",
             "完成五丰村牧光互补项目申报",
             village="五丰村",
             stages=[_stage("planning", "完成五丰村牧光互补项目申报")]),
    # 立项 (project approved) is read as the approval stage; contractor on site = construction.
    _project("paddy_creation_2023", "垦造水田(杨砩头村、新路村、仙东村)", "agriculture", "zrzys",
             "杨砩头村、新路村、仙东村合计垦造水田立项316.4亩",
             area_mu="316.4",
             stages=[
                 _stage("approval", "杨砩头村、新路村、仙东村合计垦造水田立项316.4亩", "316.4",
                        "mu"),
                 _stage("construction", "县土地开发公司已委托施工单位进场施工中"),
             ]),
    # 2023: five villages led by 杨砩头 passed initial review (read as planning done); the 2024
    # plan names the 马垟、杨砩头 block.
    _project("qianmufang", "千亩方永久基本农田集中连片整治项目", "agriculture", "zrzys",
             "杨砩头村等五村千亩方永久基本农田集中连片整治项目完成初审评估",
             block="马垟、杨砩头区块",
             stages=[_stage("planning",
                            "杨砩头村等五村千亩方永久基本农田集中连片整治项目完成初审评估")],
             goal_2024="完成马垟、杨砩头区块千亩方永久基本农田集中连片整治"),
    _project("mayang_grain_zone_road", "马垟片粮食生产功能区道路提升改造项目", "agriculture",
             "nyncb", "完成马垟片粮食生产功能区道路提升改造项目",
             stages=[_stage("completion", "完成马垟片粮食生产功能区道路提升改造项目")]),
    _project("seedling_center", "育秧中心改造提升项目", "agriculture", "nyncb",
             "完成育秧中心改造提升项目",
             stages=[_stage("completion", "完成育秧中心改造提升项目")]),
    # --- 2023 summary, (四) 基础设施 / 环境面貌 ------------------------------------------------
    # "加速推进…预计今年年底完成": under construction.
    _project("health_center_relocation", "下各中心卫生院迁建工程", "livelihood", "shswb",
             "加速推进下各中心卫生院迁建工程,预计今年年底完成",
             stages=[_stage("construction", "加速推进下各中心卫生院迁建工程,预计今年年底完成")]),
    _project("zhennan_road", "镇南路", "infrastructure", "csjsb", "完成镇南路建设",
             stages=[_stage("completion", "完成镇南路建设")]),
    _project("expressway_exit_link", "高速出口引线", "infrastructure", "csjsb",
             "完成高速出口引线施工",
             stages=[_stage("completion", "完成高速出口引线施工")]),
    # Kept apart from the exit link road above: a widening, only its land work done.
    _project("expressway_link_widening", "高速引线拓宽工程", "infrastructure", "csjsb",
             "完成高速引线拓宽工程政策处理",
             stages=[_stage("land", "完成高速引线拓宽工程政策处理")]),
    _project("elderly_service_center", "养老服务中心项目", "livelihood", "shswb",
             "养老服务中心项目开工建设",
             stages=[_stage("construction", "养老服务中心项目开工建设")]),
    _project("eco_cemetery", "生态公墓项目", "livelihood", "shswb", "生态公墓项目通过验收",
             stages=[_stage("completion", "生态公墓项目通过验收")]),
    # Sub-works (怀仁路北段渠道, 前潘村/仙东村拦水坝) done; land done for the 山下英 plot.
    _project("zhuxi_water_repair", "朱溪水库受损水系修复项目", "infrastructure", "nyncb",
             "加快推进朱溪水库受损水系修复项目建设",
             stages=[
                 _stage("land", "山下英地块完成政策处理及协议签订"),
                 _stage("construction",
                        "已完成怀仁路北段渠道修复工程、前潘村拦水坝工程、仙东村拦水坝工程建设"),
             ]),
    # The 2024 plan's 永安溪生态修复工程 is read as this project's completion.
    _project("yonganxi_phase2", "永安溪综治二期项目", "ecology", "yjglb",
             "永安溪综治二期项目目前正在施工中",
             stages=[_stage("construction", "永安溪综治二期项目目前正在施工中")],
             goal_2024="完成永安溪生态修复工程"),
    _project("night_market", "田园夜市", "culture_tourism", "csjsb", "开工建设田园夜市",
             stages=[_stage("construction", "开工建设田园夜市")],
             goal_2024="推进“田园夜市”建设"),
    # --- 2023 summary, (五) 民生服务 -------------------------------------------------------------
    _project("xiage_kindergarten", "厦阁村幼儿园新建项目", "livelihood", "shswb",
             "厦阁村幼儿园新建项目正式动工建设",
             village="厦阁村",
             stages=[_stage("construction", "厦阁村幼儿园新建项目正式动工建设")],
             goal_2024="加快完成厦阁村公办幼儿园项目建设"),
    # --- named only in the 2024 plan -------------------------------------------------------------
    _project("zhongxinneng", "中芯能项目", "industry", "jjfzb", "中芯能项目",
             goal_2024="完成中芯能项目、中南高科项目进场清表"),
    _project("fudi_west_commercial", "弗迪新能源动力电池西侧商务配套项目", "industry", "jjfzb",
             "弗迪新能源动力电池西侧商务配套项目",
             goal_2024="启动建设弗迪新能源动力电池西侧商务配套项目"),
    _project("high_standard_farmland_2024", "2024年高标准农田建设工程", "agriculture", "nyncb",
             "2024年高标准农田建设工程",
             goal_2024="谋划2024年高标准农田建设工程"),
    _project("provincial_agri_park", "省级现代农业产业园", "agriculture", "nyncb",
             "跨乡镇的省级现代农业产业园",
             goal_2024="全力推进跨乡镇的省级现代农业产业园建设"),
    _project("east_agri_market", "东部农产品交易市场", "agriculture", "nyncb",
             "东部农产品交易市场",
             goal_2024="建设完成东部农产品交易市场"),
    _project("kuocangxi_west_canal", "括苍溪西渠修复工程", "infrastructure", "nyncb",
             "括苍溪西渠修复工程",
             goal_2024="完成括苍溪西渠修复工程"),
    _project("flower_sea_showcase", "下各-双庙-朱溪“魅力花海”县域风貌样板区", "culture_tourism",
             "csjsb", "下各-双庙-朱溪“魅力花海”县域风貌样板区",
             goal_2024="推进下各-双庙-朱溪“魅力花海”县域风貌样板区建设,争创省级县域风貌样板区"),
    _project("liangfeng_road", "良丰路", "infrastructure", "csjsb", "良丰路",
             goal_2024="加快建设良丰路"),
    _project("county_road_xiage", "“一县一县道”下各路段", "infrastructure", "csjsb",
             "“一县一县道”下各路段",
             goal_2024="启动“一县一县道”下各路段涉及的土地征收工作"),
    _project("town_drainage", "集镇排水系统提升项目", "infrastructure", "csjsb",
             "集镇排水系统提升项目",
             goal_2024="完成集镇排水系统提升项目"),
    _project("yangfutou_nursing_home", "杨砩头养老院", "livelihood", "shswb", "杨砩头养老院",
             village="杨砩头村",
             goal_2024="完成杨砩头养老院建设"),
    _project("zhenxi_kindergarten", "镇西幼儿园", "livelihood", "shswb", "镇西幼儿园",
             goal_2024="规划镇西幼儿园"),
    _project("kuocang_reservoir", "括苍水库除险加固工程", "infrastructure", "yjglb",
             "括苍水库除险加固工程",
             goal_2024="开展括苍水库除险加固工程"),
]
# fmt: on

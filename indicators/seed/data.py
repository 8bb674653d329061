"""Seed data extracted from Xiage Town's 2023 work summary and 2024 plan.

Source: ``xiage_2023_summary.txt`` in this directory (published 2024-01-10). Only the 2023
summary is extracted here; the 2024 plan's targets are deliberately left out.

Plain Python, no Django import: the seed command and the tests both read these lists.

Conventions:
- ``value``, ``growth`` and ``completion_rate`` are strings exactly as the document writes them
  (no unit conversion: 5.2万元 is stored as "5.2" with unit "wan_yuan").
- ``month`` is the month a year-to-date figure runs to; a figure the document gives for the
  year without naming a month ("今年", "今年以来", "2023年", "截至目前") is recorded at month 12
  and its ``note`` says so.
- ``quote`` is an exact substring of the source document stating the figure.
"""

from __future__ import annotations

SOURCE_TITLE = "下各镇2023年工作总结和2024工作思路"
SOURCE_DATE = "2024-01-10"

# (code, name) of the offices (科室) the document implies, in display order.
OFFICES: list[tuple[str, str]] = [
    ("jjfzb", "经济发展办"),
    ("nyncb", "农业农村办"),
    ("zrzys", "自然资源所"),
    ("yjglb", "应急管理办"),
    ("shswb", "社会事务办"),
    ("djb", "党建办"),
    ("csjsb", "村镇建设办"),
    ("zzb", "综治办"),
    ("bmfw", "便民服务中心"),
]

# Indicator categories: code -> Chinese label.
CATEGORIES: dict[str, str] = {
    "industry": "工业经济",
    "investment": "投资",
    "consumption": "消费",
    "business": "营商环境",
    "agriculture": "农业农村",
    "land": "土地",
    "urban": "城镇建设/环境",
    "safety": "安全生产",
    "governance": "社会治理",
    "livelihood": "民生服务",
    "culture": "文教卫生",
    "party": "党建",
}

# Units: code -> Chinese label. The last five were added for this document.
UNITS: dict[str, str] = {
    "yi_yuan": "亿元",
    "wan_yuan": "万元",
    "percent": "%",
    "mu": "亩",
    "parcel": "宗",
    "firm": "家",
    "item": "个",
    "person_time": "人次",
    "person": "人",
    "case": "件",
    "kg_per_mu": "公斤/亩",
    "sqm": "平方米",
    "household": "户",
    "session": "场次",
    "times": "次",
    "batch": "批次",
    "entry": "条",
    "copy": "份",
    "room": "间",
    "wan_sqm": "万平方米",
    "wan_piece": "万把",
    # Added: units the document uses that none of the above fits.
    "firm_time": "家次",
    "site": "处",
    "plot": "块",
    "article": "篇",
    "incident": "起",
}

KINDS: tuple[str, ...] = ("ytd", "monthly", "stock")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")
# How often an indicator is reported (indicators.models.Frequency): 月报 unless said otherwise.
FREQUENCIES: tuple[str, ...] = ("monthly", "quarterly", "half_yearly", "yearly")

# The town has 31 administrative villages; these are the ones the document names, in order of
# first mention. "杏村" is listed bare in the document (马垟、张店、车塘、杏村), so with the 村
# suffix it is "杏村村". Place names not called 村 and of doubtful current status (黄粱陈,
# 山下英) and 白塔高迁村 (another township's village) are left out.
VILLAGES: list[str] = [
    "后冯村",
    "张店村",
    "上官村",
    "羊棚头村",
    "林下村",
    "西郊村",
    "五丰村",
    "杨砩头村",
    "新路村",
    "仙东村",
    "马垟村",
    "车塘村",
    "杏村村",
    "前潘村",
    "南山村",
    "路北村",
    "西垟村",
    "厦阁村",
]


# The indicators the document gives only as the year's figure ("今年", "今年以来", "2023年",
# "截至目前" or no month at all, recorded at month 12): 亩产, the year's counts and amounts,
# the land survey's totals. They are 年报 (reported at month 12); the others are 月报.
YEARLY: frozenset[str] = frozenset(
    {
        "enterprise_feedback_firms",
        "enterprise_feedback_items",
        "enterprise_land_power_survey",
        "grid_party_representatives",
        "grid_local_worthies",
        "grids",
        "grid_visitors_received",
        "grid_suggestions_received",
        "micro_grids",
        "grid_service_dispatches",
        "agri_training_sessions",
        "agri_training_trainees",
        "reclamation_task_area",
        "reclamation_projects",
        "reclamation_project_area",
        "paddy_creation_area",
        "land_parcels_surveyed",
        "land_parcels_transferred",
        "land_certificates_issued",
        "land_certification_rate",
        "satellite_enforcement_rectified",
        "demolition_area",
        "rice_demo_bases",
        "rice_demo_area",
        "rice_demo_yield",
        "early_rice_insurance_area",
        "bayberry_insurance_area",
        "star_beautiful_villages",
        "provincial_beautiful_villages",
        "temporary_vending_points",
        "village_toilets_upgraded",
        "health_education_events",
        "health_education_sites",
        "health_education_fans",
        "sanitation_campaigns",
        "temporary_relief_recipients",
        "temporary_relief_amount",
        "veteran_condolence_persons",
        "veteran_condolence_amount",
        "veteran_dibao_enrolled",
        "veteran_hardship_subsidy",
        "veteran_living_allowance",
        "double_support_points",
        "five_star_culture_halls",
        "culture_hall_upgrades",
        "news_articles",
        "safety_accidents",
        "safety_casualties",
        "safety_inspections",
        "safety_hazards_found",
        "safety_hazard_rectification_rate",
        "safety_enforcement_documents",
        "safety_rectification_orders",
        "safety_training_sessions",
        "safety_training_trainees",
        "safety_leaflets",
        "safety_banners",
        "tutoring_institution_inspections",
        "petitions",
    }
)


def _indicator(
    code: str,
    name: str,
    category: str,
    unit: str,
    decimals: int,
    kind: str,
    direction: str,
    office: str,
    definition: str = "",
) -> dict:
    """Build one catalogue entry; its frequency is 年报 for the codes in YEARLY, else 月报."""
    return {
        "code": code,
        "name": name,
        "category": category,
        "unit": unit,
        "decimals": decimals,
        "kind": kind,
        "direction": direction,
        "definition": definition,
        "office": office,
        "frequency": "yearly" if code in YEARLY else "monthly",
    }


# fmt: off
INDICATORS: list[dict] = [
    # 工业经济 / 投资 / 消费 (经济发展办)
    _indicator("industrial_revenue_below", "规下主营业务收入", "industry", "yi_yuan", 2,
               "ytd", "higher", "jjfzb"),
    _indicator("industrial_output_above", "规上工业产值", "industry", "yi_yuan", 2,
               "ytd", "higher", "jjfzb"),
    _indicator("industrial_investment", "工业性投资", "investment", "yi_yuan", 2,
               "ytd", "higher", "jjfzb", "不含比亚迪"),
    _indicator("fixed_asset_investment", "固定资产投资", "investment", "yi_yuan", 2,
               "ytd", "higher", "jjfzb"),
    _indicator("retail_sales_above", "限上社会消费品零售总额", "consumption", "yi_yuan", 2,
               "ytd", "higher", "jjfzb"),
    _indicator("wholesale_sales_above", "限上批发业商品销售额", "consumption", "yi_yuan", 2,
               "ytd", "higher", "jjfzb"),
    # 营商环境
    _indicator("enterprise_feedback_firms", "走访收集意见建议企业", "business", "firm", 0,
               "ytd", "higher", "jjfzb", "辖区企业走访中收集到意见和建议的企业数"),
    _indicator("enterprise_feedback_items", "企业走访意见建议", "business", "entry", 0,
               "ytd", "higher", "jjfzb", "辖区企业走访中收集的意见和建议条数"),
    _indicator("enterprise_land_power_survey", "工业企业用地用电数据摸排", "business", "firm", 0,
               "ytd", "higher", "jjfzb"),
    # 网格智治 (综治办)
    _indicator("grid_party_representatives", "纳入网格的县、镇党代表", "governance", "person", 0,
               "stock", "higher", "zzb", "纳入全镇网格的县、镇党代表人数"),
    _indicator("grid_local_worthies", "纳入网格的乡贤代表", "governance", "person", 0,
               "stock", "higher", "zzb", "纳入全镇网格的乡贤代表人数"),
    _indicator("grids", "网格", "governance", "item", 0,
               "stock", "higher", "zzb", "全镇网格数"),
    _indicator("grid_visitors_received", "网格接待群众", "governance", "person_time", 0,
               "ytd", "higher", "zzb"),
    _indicator("grid_suggestions_received", "网格收到有效建议", "governance", "entry", 0,
               "ytd", "higher", "zzb"),
    _indicator("micro_grids", "微网格", "governance", "item", 0,
               "stock", "higher", "zzb", "划分的微网格数"),
    _indicator("grid_service_dispatches", "服务出动", "governance", "batch", 0,
               "ytd", "higher", "zzb", "“群众点单、网格接单”服务出动批次"),
    # 农业农村
    _indicator("agri_training_sessions", "农业适用技术培训", "agriculture", "session", 0,
               "ytd", "higher", "nyncb"),
    _indicator("agri_training_trainees", "农业适用技术培训参训农民", "agriculture",
               "person_time", 0, "ytd", "higher", "nyncb"),
    # 土地 (自然资源所)
    _indicator("reclamation_task_area", "建设用地复垦列入任务", "land", "mu", 3,
               "stock", "higher", "zrzys", "建设用地复垦列入任务的面积"),
    _indicator("reclamation_projects", "已复垦立项", "land", "item", 0,
               "stock", "higher", "zrzys", "建设用地复垦已立项的项目个数"),
    _indicator("reclamation_project_area", "已复垦立项面积", "land", "mu", 3,
               "stock", "higher", "zrzys", "建设用地复垦已立项的面积"),
    _indicator("paddy_creation_area", "垦造水田立项", "land", "mu", 2,
               "stock", "higher", "zrzys", "垦造水田立项面积"),
    _indicator("land_parcels_surveyed", "土地测量宗数", "land", "parcel", 0,
               "stock", "higher", "zrzys", "全镇31个行政村累计测量宗数"),
    _indicator("land_parcels_transferred", "移交国土审核宗数", "land", "parcel", 0,
               "stock", "higher", "zrzys"),
    _indicator("land_certificates_issued", "发证数量", "land", "parcel", 0,
               "stock", "higher", "zrzys", "总发证数量"),
    _indicator("land_certification_rate", "发证率", "land", "percent", 2,
               "stock", "higher", "zrzys"),
    _indicator("satellite_enforcement_rectified", "卫片执法整改", "land", "site", 0,
               "ytd", "higher", "zrzys", "依托卫片执法完成整改的点位"),
    # 城镇建设/环境 (村镇建设办)
    _indicator("demolition_area", "拆除危旧房和违章建筑占地面积", "urban", "wan_sqm", 1,
               "ytd", "higher", "csjsb"),
    # 粮食安全 / 农业保险 (农业农村办)
    _indicator("rice_demo_bases", "水稻新品种示范基地", "agriculture", "plot", 0,
               "ytd", "higher", "nyncb"),
    _indicator("rice_demo_area", "水稻新品种示范基地面积", "agriculture", "mu", 2,
               "ytd", "higher", "nyncb"),
    _indicator("rice_demo_yield", "水稻新品种示范基地平均亩产", "agriculture", "kg_per_mu", 1,
               "stock", "higher", "nyncb", "实割测产平均亩产"),
    _indicator("early_rice_insurance_area", "早稻保险", "agriculture", "mu", 2,
               "ytd", "higher", "nyncb"),
    _indicator("bayberry_insurance_area", "杨梅保险", "agriculture", "mu", 2,
               "ytd", "higher", "nyncb"),
    # 环境面貌
    _indicator("star_beautiful_villages", "台州市星级美丽乡村", "urban", "item", 0,
               "ytd", "higher", "nyncb", "创建台州市星级美丽乡村个数"),
    _indicator("provincial_beautiful_villages", "省级新时代美丽乡村达标村", "urban", "item", 0,
               "ytd", "higher", "nyncb", "创建省级新时代美丽乡村达标村个数"),
    _indicator("temporary_vending_points", "临时疏导点", "urban", "item", 0,
               "ytd", "higher", "csjsb", "设立临时疏导点个数"),
    _indicator("village_toilets_upgraded", "改造升级村级公厕", "urban", "item", 0,
               "ytd", "higher", "csjsb"),
    # 文教卫生
    _indicator("health_education_events", "村级文化礼堂健康教育活动", "culture", "session", 0,
               "ytd", "higher", "shswb"),
    _indicator("health_education_sites", "村级健康教育宣传阵地", "culture", "item", 0,
               "ytd", "higher", "shswb", "打造村级健康教育宣传阵地个数"),
    _indicator("health_education_fans", "健康教育宣传扇", "culture", "wan_piece", 1,
               "ytd", "higher", "shswb", "发放健康教育宣传扇数量"),
    _indicator("sanitation_campaigns", "综合整治", "culture", "times", 0,
               "ytd", "higher", "shswb", "环境卫生、病媒防治、集镇秩序、控烟禁烟等多方面综合整治"),
    # 社会救助 / 退役军人 (社会事务办)
    _indicator("temporary_relief_recipients", "临时救助金发放人次", "livelihood",
               "person_time", 0, "ytd", "higher", "shswb"),
    _indicator("temporary_relief_amount", "临时救助金", "livelihood", "wan_yuan", 2,
               "ytd", "higher", "shswb", "发放临时救助金金额"),
    _indicator("veteran_condolence_persons", "慰问困难退役军人", "livelihood", "person", 0,
               "ytd", "higher", "shswb"),
    _indicator("veteran_condolence_amount", "慰问困难退役军人金额", "livelihood", "wan_yuan", 2,
               "ytd", "higher", "shswb"),
    _indicator("veteran_dibao_enrolled", "困难退役军人纳入低保", "livelihood", "person", 0,
               "ytd", "higher", "shswb"),
    _indicator("veteran_hardship_subsidy", "困难退役军人申请困难补助金", "livelihood", "person", 0,
               "ytd", "higher", "shswb"),
    _indicator("veteran_living_allowance", "60周岁退役军人生活补贴", "livelihood", "person", 0,
               "ytd", "higher", "shswb", "办理60周岁退役军人生活补贴人数"),
    _indicator("double_support_points", "双拥服务点", "livelihood", "room", 0,
               "ytd", "higher", "shswb", "创建双拥服务点间数"),
    # 便民服务中心
    _indicator("convenience_services", "便民服务事项", "livelihood", "case", 0,
               "ytd", "higher", "bmfw", "受理便民服务事项件数"),
    _indicator("convenience_completion_rate", "便民服务事项办结率", "livelihood", "percent", 2,
               "stock", "higher", "bmfw", "受理便民服务事项的办结率"),
    _indicator("convenience_proxy_share", "代办事项占比", "livelihood", "percent", 2,
               "stock", "higher", "bmfw", "代办事项占受理便民服务事项的比例"),
    # 文化 / 宣传 (党建办)
    _indicator("five_star_culture_halls", "五星文化礼堂", "culture", "firm", 0,
               "ytd", "higher", "djb", "创建五星文化礼堂家数"),
    _indicator("culture_hall_upgrades", "文化礼堂提升项目", "culture", "firm", 0,
               "ytd", "higher", "djb", "完成文化礼堂提升项目家数"),
    _indicator("news_articles", "新闻稿件", "culture", "article", 0,
               "ytd", "higher", "djb", "省级以上媒体录用刊发的新闻稿件"),
    # 安全生产 (应急管理办)
    _indicator("safety_accidents", "安全生产及消防安全事故", "safety", "incident", 0,
               "ytd", "lower", "yjglb"),
    _indicator("safety_casualties", "安全生产及消防安全伤亡", "safety", "person", 0,
               "ytd", "lower", "yjglb"),
    _indicator("safety_inspections", "工矿企业执法检查", "safety", "firm_time", 0,
               "ytd", "higher", "yjglb", "结合除险保安对工矿企业实行执法检查"),
    _indicator("safety_hazards_found", "排查事故隐患", "safety", "entry", 0,
               "ytd", "higher", "yjglb", "通过工业在线系统排查的事故隐患"),
    _indicator("safety_hazard_rectification_rate", "事故隐患整改率", "safety", "percent", 2,
               "stock", "higher", "yjglb", "排查事故隐患的整改率"),
    _indicator("safety_enforcement_documents", "执法文书", "safety", "copy", 0,
               "ytd", "higher", "yjglb", "出具各类执法文书"),
    _indicator("safety_rectification_orders", "责令限期整改指令书", "safety", "copy", 0,
               "ytd", "higher", "yjglb"),
    _indicator("safety_training_sessions", "安全培训", "safety", "session", 0,
               "ytd", "higher", "yjglb"),
    _indicator("safety_training_trainees", "安全培训人次", "safety", "person_time", 0,
               "ytd", "higher", "yjglb"),
    _indicator("safety_leaflets", "安全宣传资料", "safety", "copy", 0,
               "ytd", "higher", "yjglb", "发放宣传资料"),
    _indicator("safety_banners", "宣传安全标语条幅", "safety", "entry", 0,
               "ytd", "higher", "yjglb", "悬挂宣传安全标语条幅"),
    _indicator("tutoring_institution_inspections", "家教机构监督检查", "safety", "firm_time", 0,
               "ytd", "higher", "yjglb",
               "检查培训机构、托管机构消防安全、食品安全、“双减”工作"),
    # 信访 (综治办)
    _indicator("petitions", "信访", "governance", "case", 0,
               "ytd", "lower", "zzb", "受理群众来信、来访、网上信访"),
]
# fmt: on


# Notes for figures the document gives for the year without naming a month (recorded at 12).
_NO_MONTH = "原文未注明截止月份，按全年（12月）记录"
_SINCE_JAN = "原文为“今年以来”，未注明截止月份，按全年（12月）记录"
_THIS_YEAR = "原文为“今年”，未注明截止月份，按全年（12月）记录"
_THIS_YEAR_SO_FAR = "原文为“今年累计”，未注明截止月份，按全年（12月）记录"
_YEAR_2023 = "原文为“2023年”，未注明截止月份，按全年（12月）记录"
_TO_DATE = "原文为“截至目前”，未注明截止月份，按年末（12月）记录"


def _figure(
    indicator: str,
    month: int,
    value: str,
    quote: str,
    *,
    place: str | None = None,
    growth: str | None = None,
    completion_rate: str | None = None,
    note: str = "",
) -> dict:
    """Build one 2023 figure."""
    return {
        "indicator": indicator,
        "year": 2023,
        "month": month,
        "place": place,
        "value": value,
        "growth": growth,
        "completion_rate": completion_rate,
        "note": note,
        "quote": quote,
    }


# fmt: off
FIGURES_2023: list[dict] = [
    # (一) 镇域经济: January-September unless stated.
    _figure("industrial_revenue_below", 9, "3.49",
            "1-9月份实现规下主营业务收入3.49亿元,增21.26%", growth="21.26"),
    _figure("industrial_output_above", 9, "29.74",
            "全镇实现规上工业产值29.74亿元,同比增长31.3%", growth="31.3",
            note="截止月份见同句前文“今年1-9月份”"),
    _figure("industrial_investment", 9, "1.71",
            "工业性投资(1-9月)(不含比亚迪)1.71 亿元,完成率93.63 %", completion_rate="93.63"),
    _figure("fixed_asset_investment", 9, "33.27",
            "1-9月固定资产投资 33.27亿元,增长220.1%", growth="220.1"),
    _figure("retail_sales_above", 9, "0.14",
            "1-9月完成限上社会消费品零售总额0.14亿元,同比增长17.6%", growth="17.6"),
    _figure("wholesale_sales_above", 10, "2.5", "1-10月限上批发业商品销售额达2.5亿元"),
    # 营商环境
    _figure("enterprise_feedback_firms", 12, "132", "共收集132家企业145条意见和建议",
            note=_SINCE_JAN),
    _figure("enterprise_feedback_items", 12, "145", "共收集132家企业145条意见和建议",
            note=_SINCE_JAN),
    _figure("enterprise_land_power_survey", 12, "138", "完成138家工业企业用地用电数据摸排工作",
            note=_NO_MONTH),
    # (二) 网格智治
    _figure("grid_party_representatives", 12, "123",
            "123名县、镇党代表和37名乡贤代表纳入全镇67个网格", note=_NO_MONTH),
    _figure("grid_local_worthies", 12, "37",
            "123名县、镇党代表和37名乡贤代表纳入全镇67个网格", note=_NO_MONTH),
    _figure("grids", 12, "67", "纳入全镇67个网格", note=_NO_MONTH),
    _figure("grid_visitors_received", 12, "258", "共计接待群众258人次", note=_NO_MONTH),
    _figure("grid_suggestions_received", 12, "42", "收到有效建议42条", note=_NO_MONTH),
    _figure("micro_grids", 12, "225", "划分225个微网格", note=_NO_MONTH),
    _figure("grid_service_dispatches", 12, "60", "今年累计服务出动60批次",
            note=_THIS_YEAR_SO_FAR),
    # (三) 乡村振兴
    _figure("agri_training_sessions", 12, "3", "组织农业适用技术培训3场次,参训农民269人次",
            note=_NO_MONTH),
    _figure("agri_training_trainees", 12, "269", "组织农业适用技术培训3场次,参训农民269人次",
            note=_NO_MONTH),
    _figure("reclamation_task_area", 12, "270", "建设用地复垦列入任务270亩", note=_NO_MONTH),
    _figure("reclamation_projects", 12, "16", "已复垦立项16个159.975亩", note=_NO_MONTH),
    _figure("reclamation_project_area", 12, "159.975", "已复垦立项16个159.975亩",
            note=_NO_MONTH),
    _figure("paddy_creation_area", 12, "316.4",
            "杨砩头村、新路村、仙东村合计垦造水田立项316.4亩",
            note="杨砩头村、新路村、仙东村三村合计；" + _NO_MONTH),
    _figure("land_parcels_surveyed", 12, "20432", "31个行政村共计测量20432宗", note=_TO_DATE),
    _figure("land_parcels_transferred", 12, "13903", "移交国土审核共13903宗", note=_TO_DATE),
    _figure("land_certificates_issued", 12, "11985", "总发证数量11985宗", note=_TO_DATE),
    _figure("land_certification_rate", 12, "76.55", "发证率76.55%",
            note="按原文报告值记录，不等于发证数量与测量或移交宗数之比；" + _TO_DATE),
    _figure("demolition_area", 12, "1.8", "拆除危旧房和违章建筑占地面积1.8万平方米",
            note=_NO_MONTH),
    _figure("satellite_enforcement_rectified", 12, "13", "依托卫片执法整改13处",
            note=_NO_MONTH),
    _figure("rice_demo_bases", 12, "5", "创办5块水稻新品种示范基地,共计面积430亩",
            note="示范基地位于马垟、张店、车塘、杏村；" + _THIS_YEAR),
    _figure("rice_demo_area", 12, "430", "创办5块水稻新品种示范基地,共计面积430亩",
            note=_THIS_YEAR),
    _figure("rice_demo_yield", 12, "690.1", "马垟村平均亩产达到690.1公斤", place="马垟村",
            note=_THIS_YEAR),
    _figure("early_rice_insurance_area", 12, "2593", "早稻保险2593亩", note=_THIS_YEAR),
    _figure("bayberry_insurance_area", 12, "8000", "杨梅保险8000亩", note=_THIS_YEAR),
    # (四) 城镇面貌
    _figure("star_beautiful_villages", 12, "4", "创建台州市星级美丽乡村4个", note=_NO_MONTH),
    _figure("provincial_beautiful_villages", 12, "3", "创建省级新时代美丽乡村达标村3个",
            note=_NO_MONTH),
    _figure("temporary_vending_points", 12, "2", "设立临时疏导点2个", note=_NO_MONTH),
    _figure("village_toilets_upgraded", 12, "32", "改造升级村级公厕32个", note=_NO_MONTH),
    _figure("health_education_events", 12, "18", "组织村级文化礼堂健康教育活动18场",
            note="原文单位为“场”；" + _NO_MONTH),
    _figure("health_education_sites", 12, "34", "打造村级健康教育宣传阵地34个",
            note=_NO_MONTH),
    _figure("health_education_fans", 12, "1.5", "发放健康教育宣传扇1.5万把", note=_NO_MONTH),
    _figure("sanitation_campaigns", 12, "240", "开展综合整治,共计240次", note=_NO_MONTH),
    # (五) 民生服务
    _figure("temporary_relief_recipients", 12, "52", "今年发放临时救助金52人次5.2万元",
            note=_THIS_YEAR),
    _figure("temporary_relief_amount", 12, "5.2", "今年发放临时救助金52人次5.2万元",
            note=_THIS_YEAR),
    _figure("veteran_condolence_persons", 12, "47", "慰问困难退役军人47人4.7万元",
            note=_NO_MONTH),
    _figure("veteran_condolence_amount", 12, "4.7", "慰问困难退役军人47人4.7万元",
            note=_NO_MONTH),
    _figure("veteran_dibao_enrolled", 12, "3", "帮助困难退役军人3人纳入低保", note=_NO_MONTH),
    _figure("veteran_hardship_subsidy", 12, "11", "11人申请困难补助金", note=_NO_MONTH),
    _figure("veteran_living_allowance", 12, "14", "办理60周岁退役军人生活补贴14人",
            note=_NO_MONTH),
    _figure("double_support_points", 12, "33", "创建双拥服务点33间", note=_NO_MONTH),
    _figure("convenience_services", 10, "17229", "截止今年10月底受理便民服务事项17229 件"),
    _figure("convenience_completion_rate", 10, "100", "办结率100%",
            note="截止今年10月底"),
    _figure("convenience_proxy_share", 10, "35", "代办事项占比35%", note="截止今年10月底"),
    _figure("five_star_culture_halls", 12, "2", "创建路北村和前潘村2家五星文化礼堂",
            note=_NO_MONTH),
    _figure("culture_hall_upgrades", 12, "2", "完成西垟村和马垟村2家文化礼堂提升项目",
            note=_NO_MONTH),
    _figure("news_articles", 12, "40", "省级以上媒体录用刊发新闻稿件40余篇",
            note="原文为“40余篇”；" + _NO_MONTH),
    # 综合治理: 安全生产
    _figure("safety_accidents", 12, "0", "安全生产及消防安全0事故、0伤亡", note=_NO_MONTH),
    _figure("safety_casualties", 12, "0", "安全生产及消防安全0事故、0伤亡", note=_NO_MONTH),
    _figure("safety_inspections", 12, "63", "共对63家次工矿企业实行执法检查",
            note=_YEAR_2023),
    _figure("safety_hazards_found", 12, "1200", "排查事故隐患1200余条",
            note="原文为“1200余条”；" + _YEAR_2023),
    _figure("safety_hazard_rectification_rate", 12, "100", "整改率为100%", note=_YEAR_2023),
    _figure("safety_enforcement_documents", 12, "52", "出具各类执法文书52份",
            note=_YEAR_2023),
    _figure("safety_rectification_orders", 12, "52", "责令限期整改指令书52份",
            note=_YEAR_2023),
    _figure("safety_training_sessions", 12, "10", "开展安全培训10场次2331人次",
            note=_NO_MONTH),
    _figure("safety_training_trainees", 12, "2331", "开展安全培训10场次2331人次",
            note=_NO_MONTH),
    _figure("safety_leaflets", 12, "4550", "发放宣传资料4550份", note=_NO_MONTH),
    _figure("safety_banners", 12, "289", "悬挂宣传安全标语条幅289条", note=_NO_MONTH),
    _figure("tutoring_institution_inspections", 12, "89",
            "检查培训机构、托管机构消防安全、食品安全、“双减”工作89家次", note=_NO_MONTH),
    # 信访
    _figure("petitions", 12, "138", "受理群众来信、来访、网上信访共138件", note=_SINCE_JAN),
]
# fmt: on

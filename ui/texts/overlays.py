"""Texts of the reference layers (issue 19): their evidence in words, the land-use legend,
the hazard-point radius."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the evidence of QJ-R017..R020, as the findings list, the review dialog and the
    # exported tables word it (ui.presenters.findings)
    "ev.feature": ("图斑/要素", "feature"),
    "ev.kind": ("图层", "layer"),
    "ev.dlbm": ("地类编码", "land-use code"),
    "ev.dlmc": ("地类名称", "land-use class"),
    "ev.features": ("压占图斑", "patches overlapped"),
    "ev.radius_m": ("威胁半径", "threat radius"),
    "ev.radius_from_setting": ("按默认半径（设置）", "default radius (setting)"),
    "ev.radius_default": ("（默认半径，见设置）", " (the default radius, a setting)"),
    "ev.hazards": ("隐患区/隐患点", "hazard zones and points"),
    "ev.period": ("时段", "period"),
    "ev.cutoff": ("时间节点", "cut-off date"),
    "ev.trigger": ("认定依据", "found by"),
    "ev.year_built": ("建成年份", "year built"),
    "ev.new_year_built": ("新房建成年份", "new house built"),
    "ev.renovation_case": ("危房改造案件", "renovation case"),
    "ev.renovation_state": ("改造案件状态", "renovation state"),
    "ev.disposition": ("建议处置", "disposition to consider"),
    "ev.danger_grade": ("危房等级", "danger grade"),
    "ev.plan": ("村庄规划", "village plan"),
    "ev.plan_date": ("规划批复日期", "plan date"),
    "ev.inside_m2": ("边界内面积", "inside the boundary"),
    "ev.outside_m2": ("范围外面积", "outside"),
    "ev.lawful_m2": ("合法面积", "lawful area"),
    # the land-use legend: first-level classes of GB/T 21010-2017 (domain-rules §8.2)
    "landuse.01": ("耕地", "Cultivated land"),
    "landuse.02": ("园地", "Garden land"),
    "landuse.03": ("林地", "Forest land"),
    "landuse.04": ("草地", "Grassland"),
    "landuse.05": ("商业服务业用地", "Commercial and service land"),
    "landuse.06": ("工矿用地", "Industrial and mining land"),
    "landuse.07": ("住宅用地", "Residential land"),
    "landuse.08": ("公共管理与公共服务用地", "Public administration and services"),
    "landuse.09": ("特殊用地", "Special-purpose land"),
    "landuse.10": ("交通运输用地", "Transport land"),
    "landuse.11": ("水域及水利设施用地", "Water and water works"),
    "landuse.12": ("其他土地", "Other land"),
    "landuse.other": ("未识别地类编码", "Unrecognised land-use code"),
    "legend.reference": ("参考图层", "Reference layers"),
    "legend.hazard_disc": ("隐患点威胁范围", "Hazard point threat range"),
}

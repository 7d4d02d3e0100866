"""The filing list of a finalised year (第三十二条: 考核结果归档,并报省、市和派出单位备案), .xlsx.

Cells are written through the households app's formula-injection-safe writer
(a leading apostrophe on text starting with = + - @ tab or CR).
"""

from __future__ import annotations

from zhucun.exports.xlsx import xlsx_response

AUDIENCES = {"province": "报省备案", "city": "报市备案", "unit": "报派出单位备案"}
HEADERS = (
    "序号",
    "姓名",
    "性别",
    "派出单位",
    "驻村工作队",
    "是否参加考核",
    "平时考核平均分",
    "年度考核得分",
    "总分",
    "考核等次",
    "系统拟定等次",
    "调整理由",
    "依据",
)


def _basis(result) -> str:
    checks = result.explanation.get("checks", [])
    fired = [
        f"{c['article']} {c['message']}"
        for c in checks
        if c["passed"] is False and c["severity"] == "violation"
    ]
    if not result.eligible:
        return next((c["message"] for c in checks if c["rule"] == "assessment_eligibility"), "")
    return ";".join(fired)


def rows(results):
    for number, result in enumerate(results, start=1):
        components = result.explanation.get("components", {})
        yield (
            number,
            result.cadre.name,
            result.cadre.get_gender_display(),
            result.unit.name,
            result.team.name if result.team else "",
            "是" if result.eligible else "否(驻村不满半年)",
            components.get("ordinary_mean"),
            components.get("annual"),
            float(result.total) if result.total is not None else None,
            result.grade or "不参加考核",
            result.proposed_grade,
            result.decision_reason,
            _basis(result),
        )


def response(request, county, year: int, to: str, results):
    to = to if to in AUDIENCES else "city"
    title = f"{county.name}{year}年度驻村干部考核结果({AUDIENCES[to]})"
    if to == "unit":
        title = f"{results[0].unit.name}{year}年度驻村干部考核结果({county.name})"
    return xlsx_response(
        request=request,
        title=title,
        headers=HEADERS,
        rows=rows(results),
        filters={"county": county.pk, "year": year, "to": to},
        personal=True,
    )

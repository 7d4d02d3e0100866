"""Annual assessments, read only (第三十至三十二条, 第三十五条).

Nothing is recomputed here: a cadre's year is the explanation the assessment
page shows (zhucun.assessment.selectors.cadre_year: live while the year is
open, the archived FinalResult.explanation once the county has finalised),
and a county's year is the page's cohort or its archived results.
"""

from typing import Any

from django.utils import timezone
from ninja import Field, Path, Query, Router

from zhucun.accounts.roles import Role
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.listing import PageQuery, paginate
from zhucun.api.schemas import CadreRef, Record
from zhucun.assessment import selectors
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.selectors import VIEWERS, own_only

router = Router(tags=["年度考核"])


class YearPath(Record):
    year: int = Field(..., ge=2017, le=2100, description="考核年度")


class CheckOut(Record):
    rule: str
    article: str
    subject: str
    period: str
    passed: bool | None
    severity: str
    message: str
    evidence: dict[str, Any]


class NamedRef(Record):
    id: int
    name: str


class CadreYearOut(Record):
    year: int
    finalised: bool = Field(..., description="区县已定档:结果取自档案,不再变化")
    county: NamedRef
    cadre: dict[str, Any] = Field(..., description="干部:id、姓名、派出单位")
    team: dict[str, Any] | None
    eligible: bool = Field(..., description="驻村半年以上,参加考核(第三十二条)")
    grade: str | None = Field(..., description="考核等次(区县调整后的,否则为系统拟定)")
    proposed_grade: str | None = Field(..., description="系统按分数和第三十五条拟定的等次")
    score_grade: str | None = Field(..., description="仅按总分的等次")
    total: float | None = Field(..., description="总分 = 40%年度 + 60%平时平均(第三十一条)")
    components: dict[str, Any] = Field(..., description="各分项及其权重和来源")
    checks: list[CheckOut] = Field(..., description="考核本身的每条规则(触发与否),含依据和条款")
    other_checks: list[CheckOut] = Field(..., description="全年考勤、日志检查")
    decision: dict[str, Any] | None
    records: dict[str, Any] = Field(..., description="评分、平时考核、工作队意见、违纪事实")
    notices: list[dict[str, Any]]
    calendar: Any
    logs: Any
    parameters: list[dict[str, Any]] = Field(..., description="所用政策参数(含区县调整)")
    cohort: dict[str, Any] = Field(..., description="考核人数和优秀名额(第三十二条)")


def _check(c: dict) -> dict:
    return {
        "rule": c.get("rule", ""),
        "article": c.get("article", ""),
        "subject": c.get("subject", ""),
        "period": str(c.get("period", "")),
        "passed": c.get("passed"),
        "severity": str(c.get("severity", "")),
        "message": c.get("message", ""),
        "evidence": c.get("evidence") or {},
    }


@router.get(
    "/assessments/{year}/cadres/{cadre_id}",
    response={200: CadreYearOut, **READ_ERRORS},
    summary="一名干部一个年度的考核结果及说明:各分项、每条规则的依据和条款、所用参数",
    description="与考核说明页面同一数据;驻村队员只能读本人的。",
)
@allow_api(*VIEWERS)
def cadre_year(request, path: Path[YearPath], cadre_id: int):
    own_only(request.user, cadre_id)
    found = selectors.cadre_year(request.user, cadre_id, path.year, today=timezone.localdate())
    d = found.data
    return {
        "year": path.year,
        "finalised": found.finalised,
        "county": {"id": found.county.pk, "name": found.county.name},
        "cadre": d.get("cadre") or {"id": found.cadre.pk, "name": found.cadre.name},
        "team": d.get("team"),
        "eligible": bool(d.get("eligible")),
        "grade": d.get("grade_decided", d.get("grade")),
        "proposed_grade": d.get("grade"),
        "score_grade": d.get("score_grade"),
        "total": d.get("total"),
        "components": d.get("components") or {},
        "checks": [_check(c) for c in d.get("checks", [])],
        "other_checks": [_check(c) for c in d.get("other_checks", [])],
        "decision": d.get("decision"),
        "records": d.get("records") or {},
        "notices": d.get("notices") or [],
        "calendar": d.get("calendar"),
        "logs": d.get("logs"),
        "parameters": d.get("parameters") or [],
        "cohort": d.get("cohort") or {},
    }


class ResultRow(Record):
    cadre: CadreRef
    unit: str
    team: str
    eligible: bool
    grade: str | None
    proposed_grade: str | None
    total: float | None
    missing: list[str] = Field(..., description="尚缺的评分或意见(未定档时)")


class CountyYearOut(Record):
    county: NamedRef
    year: int
    finalised: bool
    assessed: int
    excellent_quota: int = Field(..., description="优秀不超过考核人数的20%(第三十二条)")
    excellent_count: int
    count: int
    page: int
    page_size: int
    items: list[ResultRow]


class CountyYearQuery(PageQuery):
    unit_id: int | None = Field(None, ge=1, description="只看某派出单位的干部")


@router.get(
    "/assessments/{year}/counties/{county_id}",
    response={200: CountyYearOut, **READ_ERRORS},
    summary="一个区县一个年度的考核结果:参加考核的按总分排序在前,不参加的在后",
)
@allow_api(Role.CITY, Role.COUNTY)
def county_year(request, path: Path[YearPath], county_id: int, query: Query[CountyYearQuery]):
    year = path.year
    county = selectors.county_in_scope(request.user, county_id)
    assessment_year = selectors.assessment_year_of(county, year)
    if assessment_year is not None and assessment_year.finalised:
        finals = selectors.final_results(request.user, county, year, unit_id=query.unit_id)
        rows = [
            {
                "cadre": {"id": r.cadre_id, "name": r.cadre.name},
                "unit": r.unit.name,
                "team": r.team.name if r.team_id else "",
                "eligible": r.eligible,
                "grade": r.grade or None,
                "proposed_grade": r.proposed_grade or None,
                "total": float(r.total) if r.total is not None else None,
                "missing": [],
            }
            for r in finals
        ]
        summary = {
            "finalised": True,
            "assessed": assessment_year.assessed,
            "excellent_quota": assessment_year.excellent_quota,
            "excellent_count": sum(1 for r in rows if r["grade"] == "优秀"),
        }
    else:
        cohort = county_cohort(county, year, today=timezone.localdate())
        members = [
            m
            for m in (*cohort.ranked(), *cohort.not_assessed)
            if query.unit_id is None or m.cadre.unit_id == query.unit_id
        ]
        rows = [
            {
                "cadre": {"id": m.cadre.pk, "name": m.cadre.name},
                "unit": m.cadre.unit.name,
                "team": m.team.name,
                "eligible": m.result.eligible,
                "grade": m.grade,
                "proposed_grade": m.result.grade,
                "total": round(float(m.total), 2) if m.total is not None else None,
                "missing": m.missing,
            }
            for m in members
        ]
        summary = {
            "finalised": False,
            "assessed": len(cohort.assessed),
            "excellent_quota": cohort.quota,
            "excellent_count": cohort.excellent_count,
        }
    return {
        "county": {"id": county.pk, "name": county.name},
        "year": year,
        **summary,
        **paginate(rows, query, lambda row: row),
    }

"""Compliance findings of a period and region (第十二、十六、十八、二十、二十八、三十五条)."""

from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Query, Router

from zhucun.accounts.roles import Role
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.findings import KINDS, Found, findings
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.schemas import Record
from zhucun.errors import ErrorCode, ServiceError

router = Router(tags=["问题与预警"])
VIEWERS = (
    Role.CITY,
    Role.COUNTY,
    Role.TOWN,
    Role.UNIT,
    Role.TEAM_LEADER,
    Role.MEMBER,
    Role.HOUSEHOLD_CADRE,
)


class FindingFilters(ListFilters):
    kind: Literal[tuple(KINDS)] | None = Field(  # type: ignore[valid-type]
        None, description="; ".join(f"{k} {v}" for k, v in KINDS.items())
    )
    severity: Literal["violation", "warning"] | None = Field(
        None, description="violation 违反规定 / warning 预警"
    )


class FindingOut(Record):
    kind: str
    rule: str
    article: str = Field(..., description="所依据的条款,如 第十六条")
    subject: str
    period: str = Field(..., description="YYYY、YYYY-MM、YYYY-Www 或 起/止")
    severity: str
    message: str
    evidence: dict[str, Any]
    cadre_id: int | None
    household_id: int | None
    team_id: int | None
    unit_id: int | None


def finding_out(f: Found) -> dict:
    c = f.check
    return {
        "kind": f.kind,
        "rule": c.rule,
        "article": c.article,
        "subject": c.subject,
        "period": c.period,
        "severity": str(c.severity),
        "message": c.message,
        "evidence": c.evidence,
        "cadre_id": f.cadre_id,
        "household_id": f.household_id,
        "team_id": f.team_id,
        "unit_id": f.unit_id,
    }


@router.get(
    "/findings",
    response={200: Page[FindingOut], **READ_ERRORS},
    summary="期间内的问题和预警:驻村天数、离村、日志、联户、培训、单位负责人到村,各附条款和依据",
    description=(
        "期间默认为本月1日至今天,须在同一年度内(全年考勤和培训按年度判断);"
        "年度性的问题(如全年驻村不足200天)在所选期间与该年度有交集时列出。"
        "只列出数据范围内的干部、结对户和工作队。"
    ),
)
@allow_api(*VIEWERS)
def finding_list(request, filters: Query[FindingFilters]):
    today = timezone.localdate()
    start, end = filters.period()
    start = start or (end or today).replace(day=1)
    end = end or max(today, start)
    if start.year != end.year:
        raise ServiceError(
            ErrorCode.INVALID,
            "期间须在同一年度内(全年考勤、培训按年度判断)。",
            field="period_end",
        )
    found = findings(
        request.user,
        start=start,
        end=end,
        today=today,
        region_q=filters.region_q,
        kinds={filters.kind} if filters.kind else set(KINDS),
    )
    if filters.severity:
        found = [f for f in found if str(f.check.severity) == filters.severity]
    return paginate(found, filters, finding_out)

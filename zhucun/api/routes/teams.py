from ninja import Query, Router

from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.listing import ListFilters, Page, overlapping, paginate
from zhucun.api.schemas import TeamDetail, TeamOut, assignment_out, team_out
from zhucun.stationing.models import Team
from zhucun.stationing.views import TEAM_VIEWERS

router = Router(tags=["驻村工作队"])


@router.get(
    "/teams",
    response={200: Page[TeamOut], **READ_ERRORS},
    summary="工作队列表(期间内在驻的队,按区划筛选)",
)
@allow_api(*TEAM_VIEWERS)
def team_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    teams = (
        scoped(request.user, Team.objects.all())
        .filter(filters.region_q("village"), overlapping("formed_on", "withdrawn_on", start, end))
        .select_related("village__town", "village__county", "lead_unit")
        .order_by("village__code", "pk")
    )
    return paginate(teams, filters, team_out)


@router.get(
    "/teams/{team_id}", response={200: TeamDetail, **READ_ERRORS}, summary="工作队详情与队员"
)
@allow_api(*TEAM_VIEWERS)
def team_detail(request, team_id: int):
    team = get_scoped_or_404(request.user, Team, team_id)
    assignments = team.assignments.select_related("cadre").order_by("start", "pk")
    return {
        **team_out(team),
        "units": [{"id": u.pk, "name": u.name} for u in team.units.order_by("name")],
        "assignments": [assignment_out(a) for a in assignments],
    }

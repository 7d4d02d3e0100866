from ninja import Query, Router

from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.listing import ListFilters, Page, overlapping, paginate
from zhucun.api.schemas import CadreDetail, CadreOut, assignment_out, cadre_out
from zhucun.org.models import Cadre
from zhucun.org.views import CADRE_VIEWERS
from zhucun.stationing.models import Assignment

router = Router(tags=["干部"])


@router.get(
    "/cadres",
    response={200: Page[CadreOut], **READ_ERRORS},
    summary="干部列表(身份证号、手机号脱敏);按期间、区划筛选驻村任职",
)
@allow_api(*CADRE_VIEWERS)
def cadre_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    cadres = scoped(request.user, Cadre.objects.all())
    if filters.region or start or end:
        posted = Assignment.objects.filter(
            filters.region_q("team__village"), overlapping("start", "end", start, end)
        ).values("cadre_id")
        cadres = cadres.filter(pk__in=posted)
    cadres = cadres.select_related("unit").order_by("unit__name", "name", "pk")
    return paginate(cadres, filters, cadre_out)


@router.get(
    "/cadres/{cadre_id}", response={200: CadreDetail, **READ_ERRORS}, summary="干部详情与驻村任职"
)
@allow_api(*CADRE_VIEWERS)
def cadre_detail(request, cadre_id: int):
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    assignments = cadre.assignments.select_related("cadre").order_by("-start")
    return {**cadre_out(cadre), "assignments": [assignment_out(a) for a in assignments]}

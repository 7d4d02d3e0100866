from django.db.models import Prefetch
from ninja import Query, Router

from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.listing import ListFilters, Page, overlapping, paginate
from zhucun.api.schemas import HouseholdOut, PairingOut, household_out, pairing_out
from zhucun.households.models import Household, Pairing
from zhucun.households.views import HOUSEHOLD_VIEWERS

router = Router(tags=["贫困户与结对"])

_ACTIVE = Prefetch(
    "pairings",
    queryset=Pairing.objects.filter(end__isnull=True).select_related("cadre"),
    to_attr="active_pairings",
)


def _with_cadre(household):
    active = household.active_pairings
    return household_out(household, active[0].cadre if active else None)


@router.get(
    "/households",
    response={200: Page[HouseholdOut], **READ_ERRORS},
    summary="贫困户列表(按区划筛选)",
)
@allow_api(*HOUSEHOLD_VIEWERS)
def household_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    households = scoped(request.user, Household.objects.all()).filter(filters.region_q("village"))
    if start or end:
        paired = Pairing.objects.filter(overlapping("start", "end", start, end)).values(
            "household_id"
        )
        households = households.filter(pk__in=paired)
    households = households.select_related("village").prefetch_related(_ACTIVE).order_by("code")
    return paginate(households, filters, _with_cadre)


@router.get(
    "/households/{household_id}", response={200: HouseholdOut, **READ_ERRORS}, summary="贫困户详情"
)
@allow_api(*HOUSEHOLD_VIEWERS)
def household_detail(request, household_id: int):
    household = get_scoped_or_404(request.user, Household, household_id)
    active = household.pairings.filter(end__isnull=True).select_related("cadre").first()
    return household_out(household, active.cadre if active else None)


@router.get(
    "/pairings",
    response={200: Page[PairingOut], **READ_ERRORS},
    summary="结对帮扶列表(期间内有效的结对,按区划筛选)",
)
@allow_api(*HOUSEHOLD_VIEWERS)
def pairing_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    pairings = (
        scoped(request.user, Pairing.objects.all())
        .filter(filters.region_q("household__village"), overlapping("start", "end", start, end))
        .select_related("household", "cadre")
        .order_by("household__code", "start", "pk")
    )
    return paginate(pairings, filters, pairing_out)

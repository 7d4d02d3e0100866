from django.core.paginator import Paginator
from django.db.models import FilteredRelation, Q
from django.shortcuts import render

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.households.models import Household

HOUSEHOLD_VIEWERS = (
    Role.CITY,
    Role.COUNTY,
    Role.TOWN,
    Role.UNIT,
    Role.TEAM_LEADER,
    Role.HOUSEHOLD_CADRE,
)


@allow(*HOUSEHOLD_VIEWERS)
def household_list(request):
    households = (
        scoped(request.user, Household.objects.all())
        .select_related("village__town")
        .annotate(active=FilteredRelation("pairings", condition=Q(pairings__end__isnull=True)))
        .values(
            "pk",
            "code",
            "head_name",
            "village__name",
            "village__town__name",
            "status",
            "members",
            "active__cadre__name",
        )
        .order_by("code")
    )
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    return render(request, "households/household_list.html", {"page": page})


@allow(*HOUSEHOLD_VIEWERS)
def household_detail(request, pk):
    household = get_scoped_or_404(request.user, Household, pk)
    pairings = household.pairings.select_related("cadre__unit").order_by("-start")
    return render(
        request, "households/household_detail.html", {"household": household, "pairings": pairings}
    )

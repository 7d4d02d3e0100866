from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.stationing.models import ARTICLE_22_REASONS, NON_COUNTED_ROLES, Team
from zhucun.stationing.team_checks import team_findings

TEAM_VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)


def _in_post(today, prefix=""):
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


@allow(*TEAM_VIEWERS)
def team_list(request):
    today = timezone.localdate()
    teams = (
        scoped(request.user, Team.objects.filter(withdrawn_on__isnull=True))
        .select_related("village__town__county", "lead_unit")
        .annotate(
            counted=Count(
                "assignments",
                filter=_in_post(today, "assignments__")
                & ~Q(assignments__role__in=NON_COUNTED_ROLES),
            )
        )
        .order_by("village__code")
    )
    page = Paginator(teams, 50).get_page(request.GET.get("page"))
    return render(request, "stationing/team_list.html", {"page": page})


@allow(*TEAM_VIEWERS)
def team_detail(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    today = timezone.localdate()
    assignments = list(
        team.assignments.filter(_in_post(today)).select_related("cadre__unit").order_by("role")
    )
    scope = scope_for(request.user)
    (report,) = team_findings([team], today=today, suggest=True)
    handovers = team.handovers.select_related(
        "predecessor__cadre", "successor__cadre", "leader_signed_by"
    )
    # What the user may do here (the services decide; these only choose which links to show).
    county_office = team.village.county_id in scope.county_ids
    town_office = team.village.town_id in scope.town_ids
    for a in assignments:
        own_unit = a.cadre.unit_id in scope.unit_ids
        a.may_record_transfer = (own_unit or town_office) and a.cadre.is_party_member
        a.may_end = own_unit or county_office
    return render(
        request,
        "stationing/team_detail.html",
        {
            "team": team,
            "assignments": assignments,
            "report": report,
            "handovers": handovers,
            "is_leader": team.pk in scope.led_team_ids,
            "unit_assignments": [a for a in assignments if a.cadre.unit_id in scope.unit_ids],
            "reasons": [(r.value, r.label) for r in ARTICLE_22_REASONS],
            "may_withdraw": county_office and team.withdrawn_on is None,
            "may_act_on_members": any(a.may_record_transfer or a.may_end for a in assignments),
        },
    )

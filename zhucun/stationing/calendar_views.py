"""Month calendars of a cadre and of a team, with the attendance findings (第十六条, 第三十五条)."""

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404
from zhucun.org.models import Cadre
from zhucun.stationing.attendance import LEGEND, WEEKDAYS, cadre_months
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, Team
from zhucun.stationing.month import month_from, neighbours

# Attendance of others is for those who manage them; a member sees only their own.
MANAGERS = frozenset({Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER})


@allow(*MANAGERS, Role.MEMBER)
def cadre_month(request, pk):
    # Team mates see each other's month (the duty roster is shared); the data
    # scope decides, as everywhere.
    cadre = get_scoped_or_404(request.user, Cadre, pk)
    first, last = month_from(request)
    (month,) = cadre_months([cadre], first, last, today=timezone.localdate())
    previous, following = neighbours(first)
    return render(
        request,
        "stationing/cadre_month.html",
        {
            "m": month,
            "legend": LEGEND,
            "weekdays": WEEKDAYS,
            "previous": previous,
            "following": following,
        },
    )


@allow(*MANAGERS)
def team_month(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    first, last = month_from(request)
    stationed = (
        Assignment.objects.filter(team=team, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values("cadre_id")
    )
    cadres = Cadre.objects.filter(pk__in=stationed).order_by("name")
    months = cadre_months(cadres, first, last, today=timezone.localdate())
    previous, following = neighbours(first)
    return render(
        request,
        "stationing/team_month.html",
        {
            "team": team,
            "months": months,
            "any_findings": any(m.findings for m in months),
            "first": first,
            "day_numbers": [c.day for c in months[0].days] if months else [],
            "legend": LEGEND,
            "previous": previous,
            "following": following,
        },
    )

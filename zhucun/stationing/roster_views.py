"""The team's weekend and holiday duty roster (第十六条)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.scope import get_scoped_or_404
from zhucun.errors import ServiceError
from zhucun.stationing import selectors, services
from zhucun.stationing.leave_views import address_of
from zhucun.stationing.models import Team
from zhucun.stationing.month import month_from, neighbours
from zhucun.stationing.views import TEAM_VIEWERS


@allow(*TEAM_VIEWERS)
def roster(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    first, last = month_from(request)
    is_leader = services.leads_team(request.user, team, timezone.localdate())
    if request.method == "POST" and not is_leader:
        raise PermissionDenied("值班由驻村工作队队长安排。")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rotate":
                services.duty_roster_rotate(
                    user=request.user,
                    team=team,
                    year=first.year,
                    month=first.month,
                    address=address_of(request),
                )
            else:
                plan = {}
                for key in request.POST:
                    if key.startswith("duty-"):
                        day = date.fromisoformat(key[5:])
                        plan[day] = {int(v) for v in request.POST.getlist(key) if v}
                services.duty_roster_set(
                    user=request.user,
                    team=team,
                    year=first.year,
                    month=first.month,
                    plan={d: c for d, c in plan.items() if c},
                    address=address_of(request),
                )
        except (ServiceError, ValueError) as error:
            messages.error(request, f"值班安排未保存:{getattr(error, 'message', '输入不正确')}")
        else:
            messages.success(request, "值班安排已保存。")
        return redirect(f"{request.path}?month={first:%Y-%m}")
    data = selectors.team_roster(team, first, last)
    previous, following = neighbours(first)
    uncovered = [c for c in data.checks if c.fired]
    return render(
        request,
        "stationing/roster.html",
        {
            "team": team,
            "roster": data,
            "month": f"{first:%Y-%m}",
            "previous": previous,
            "following": following,
            "is_leader": is_leader,
            "uncovered": uncovered,
            "rows": [
                (day, data.holiday_names.get(day, ""), data.on_duty.get(day, set()), check)
                for day, check in zip(data.off_days, data.checks, strict=True)
            ],
        },
    )

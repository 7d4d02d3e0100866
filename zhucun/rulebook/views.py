from datetime import date

from django.shortcuts import render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for
from zhucun.org.models import Region
from zhucun.policy.errors import PolicyError
from zhucun.rulebook.book import book_for


@allow(*Role)
def parameters(request):
    """The parameters in force for a county on a date, with article and origin."""
    errors = []
    try:
        on = date.fromisoformat(request.GET.get("on") or timezone.localdate().isoformat())
    except ValueError:
        errors.append("日期格式应为 年-月-日,例如 2026-05-01。")
        on = timezone.localdate()
    counties = Region.objects.filter(level="county").order_by("code")
    county = None
    code = request.GET.get("county", "")
    if code:
        county = counties.filter(code=code).first()
        if county is None:
            errors.append("没有这个区县。")
    elif scope_for(request.user).county_ids:
        county = counties.filter(pk__in=scope_for(request.user).county_ids).first()
    try:
        rows = book_for(county).in_force(on)
    except PolicyError as exc:
        errors.append(str(exc))
        rows = []
    return render(
        request,
        "rulebook/parameters.html",
        {"rows": rows, "on": on, "county": county, "counties": counties, "errors": errors},
    )

from django.core.paginator import Paginator
from django.shortcuts import render

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.org.models import Cadre

CADRE_VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)


@allow(*CADRE_VIEWERS)
def cadre_list(request):
    cadres = scoped(request.user, Cadre.objects.select_related("unit")).order_by(
        "unit__name", "name"
    )
    query = request.GET.get("q", "").strip()
    if query:
        cadres = cadres.filter(name__contains=query)
    page = Paginator(cadres, 50).get_page(request.GET.get("page"))
    return render(request, "org/cadre_list.html", {"page": page, "q": query})


@allow(*CADRE_VIEWERS)
def cadre_detail(request, pk):
    cadre = get_scoped_or_404(request.user, Cadre, pk)
    assignments = cadre.assignments.select_related("team__village__town").order_by("-start")
    return render(request, "org/cadre_detail.html", {"cadre": cadre, "assignments": assignments})

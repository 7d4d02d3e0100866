from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.audit.log import client_address
from zhucun.errors import ServiceError
from zhucun.exports.views import request_export
from zhucun.org.disclosure import cadre_identity_reveal, may_reveal
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
    return render(
        request,
        "org/cadre_detail.html",
        {"cadre": cadre, "assignments": assignments, "may_reveal": may_reveal(request.user, cadre)},
    )


# Only these roles' offices may need the full numbers; disclosure.may_reveal narrows it further.
@allow(Role.UNIT, Role.COUNTY)
@require_POST
def cadre_reveal(request, pk):
    """The explicit "show" action: the same page with the full numbers, audited each time."""
    cadre = get_scoped_or_404(request.user, Cadre, pk)
    try:
        revealed = cadre_identity_reveal(
            actor=request.user, cadre=cadre, address=client_address(request)
        )
    except ServiceError as exc:
        raise PermissionDenied(exc.message) from None
    assignments = cadre.assignments.select_related("team__village__town").order_by("-start")
    response = render(
        request,
        "org/cadre_detail.html",
        {"cadre": cadre, "assignments": assignments, "revealed": revealed},
    )
    response["Cache-Control"] = "no-store"
    return response


@allow(*CADRE_VIEWERS)
@require_http_methods(["GET", "POST"])
def cadre_export(request):
    """The cadre list as a spreadsheet, built in the background (zhucun.exports):
    personal numbers masked (zhucun.org.sheets), the export audited."""
    query = request.GET.get("q", "").strip()
    return request_export(
        request,
        kind="cadres",
        parameters={"q": query} if query else {},
        described=[("姓名", query)] if query else [],
        back=reverse("org:cadre_list"),
    )

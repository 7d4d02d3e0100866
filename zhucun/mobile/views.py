"""The cadre's phone pages (/m/): small server-rendered pages that keep working offline.

Every entry is written by static/zhucun/mobile/phone.js into an outbox on the
phone (IndexedDB) first and then sent to the JSON API with its own
idempotency key, so the pages work the same with or without a signal.
"""

import hashlib
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache

from zhucun.accounts.access import PUBLIC, allow
from zhucun.accounts.roles import CADRE_ROLES, Role
from zhucun.accounts.scope import scope_for
from zhucun.households.models import Household
from zhucun.policy.periods import month_end
from zhucun.stationing.attendance import WEEKDAYS, cadre_months
from zhucun.worklogs.tasks import Task

STATIONED = (Role.TEAM_LEADER, Role.MEMBER)
# What the service worker keeps for offline use: every page and its assets.
PAGES = ("today", "log", "visit", "leave", "calendar")
ASSETS = ("zhucun/mobile/phone.css", "zhucun/mobile/outbox.js", "zhucun/mobile/phone.js")


def _context(request, **extra):
    scope = scope_for(request.user)
    return {
        "cadre": getattr(request.user, "cadre", None),
        "today": timezone.localdate(),
        "stationed": bool(scope.roles & set(STATIONED)),
        "paired": Role.HOUSEHOLD_CADRE in scope.roles,
        "weekdays": WEEKDAYS,
        **extra,
    }


@allow(*CADRE_ROLES)
def today(request):
    return render(request, "mobile/today.html", _context(request))


@allow(*STATIONED)
def log(request):
    return render(request, "mobile/log.html", _context(request, tasks=Task.choices))


@allow(Role.HOUSEHOLD_CADRE)
def visit(request):
    cadre = request.user.cadre
    households = (
        Household.objects.filter(pairings__cadre=cadre, pairings__end__isnull=True)
        .select_related("village")
        .order_by("code")
    )
    return render(request, "mobile/visit.html", _context(request, households=households))


@allow(*STATIONED)
def leave(request):
    return render(request, "mobile/leave.html", _context(request))


@allow(*CADRE_ROLES)
def calendar(request):
    context = _context(request)
    cadre, today = context["cadre"], context["today"]
    if cadre is not None and context["stationed"]:
        first = today.replace(day=1)
        (month,) = cadre_months([cadre], first, month_end(first), today=today)
        cells = [cell for week in month.weeks for cell in week]
        missing = [shown.check for shown in month.checks if shown.check.fired]
        checked_in = any(c.day == today and c.status in ("stationed", "official") for c in cells)
        context.update(month=month, cells=cells, missing=missing, checked_in=checked_in)
    return render(request, "mobile/calendar.html", context)


def _assets_version() -> str:
    """Changes whenever an asset does, so phones drop the old copies they keep."""
    digest = hashlib.sha256()
    for asset in ASSETS:
        digest.update(Path(finders.find(asset)).read_bytes())
    return digest.hexdigest()[:12]


@allow(PUBLIC)
@never_cache
def service_worker(request):
    """Served from /m/ so that its scope is exactly the phone pages."""
    from django.urls import reverse

    shell = [reverse(f"mobile:{name}") for name in PAGES]
    shell += [static(asset) for asset in ASSETS]
    body = render_to_string(
        "mobile/sw.js", {"shell": json.dumps(shell), "version": _assets_version()}
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("mobile:today")
    return response


@allow(PUBLIC)
def manifest(request):
    from django.urls import reverse

    data = {
        "name": "驻村联户",
        "short_name": "驻村联户",
        "lang": "zh-Hans",
        "start_url": reverse("mobile:today"),
        "scope": reverse("mobile:today"),
        "display": "standalone",
        "background_color": "#f4f6f8",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("zhucun/mobile/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("zhucun/mobile/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("zhucun/mobile/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )

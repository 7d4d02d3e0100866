"""The benchmark's minimal endpoint: one indexed insert, as cheap as a write gets.

Routed only when ZHUCUN_BENCH_ENDPOINTS is true (never in production): it is
the baseline the write path's throughput is compared with in `make bench`.
It goes through the same middleware stack as every page; it is CSRF-exempt
and public because it touches nothing but its own table.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from zhucun.accounts.access import PUBLIC, allow
from zhucun.bench.models import Ping


@csrf_exempt
@require_POST
@allow(PUBLIC)
def ping(request):
    row = Ping.objects.create(client=int(request.GET.get("client", "0") or 0))
    return JsonResponse({"id": row.pk})

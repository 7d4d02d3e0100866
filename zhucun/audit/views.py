from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.audit.selectors import AuditSearchForm, audit_events, described_filters
from zhucun.exports.xlsx import xlsx_response

HEADERS = ["时间(北京时间)", "用户", "地址", "事件", "对象类型", "对象", "结果", "详情", "哈希"]


def _search(request):
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters, audit_events(filters)


@allow(Role.AUDITADMIN)
@never_cache
def audit_search(request):
    """The audit administrator's search: by user, event, date range, object, outcome."""
    form, filters, events = _search(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@allow(Role.AUDITADMIN)
def audit_export(request):
    form, filters, events = _search(request)
    rows = (
        (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            e.address or "",
            e.event,
            e.object_type,
            e.object_id,
            e.outcome,
            e.detail,
            e.hash,
        )
        for e in events.iterator(chunk_size=2000)
    )
    return xlsx_response(
        request=request,
        title="审计记录",
        headers=HEADERS,
        rows=rows,
        filters=described_filters(filters),
        personal=True,  # addresses and user names
    )

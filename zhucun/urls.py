from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from zhucun.api.app import api

admin.site.site_header = "驻村联户工作管理系统 · 后台"
admin.site.site_title = "驻村联户后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    # The API first: the phones' check-ins and logs are the most frequent requests, and
    # Django tries the patterns in order (after the pages', the API's calls spent ~4 % of
    # their instructions matching them).
    # No page's pattern matches a path under api/v1/ (tests/api/test_api_framework.py),
    # so every path resolves as before.
    path("api/v1/", api.urls),
    path("", include("zhucun.home.urls")),
    path("org/", include("zhucun.org.urls")),
    path("teams/", include("zhucun.stationing.urls")),
    path("households/", include("zhucun.households.urls")),
    path("worklogs/", include("zhucun.worklogs.urls")),
    path("rules/", include("zhucun.rulebook.urls")),
    path("", include("zhucun.accounts.urls")),
    path("audit/", include("zhucun.audit.urls")),
    path("approvals/", include("zhucun.approvals.urls")),
    path("funds/", include("zhucun.funds.urls")),
    path("allowances/", include("zhucun.allowances.urls")),
    path("training/", include("zhucun.training.urls")),
    path("care/", include("zhucun.care.urls")),
    path("assessment/", include("zhucun.assessment.urls")),
    path("dashboards/", include("zhucun.dashboards.urls")),
    path("admin/", admin.site.urls),
    path("api-tokens/", include("zhucun.api.urls")),
    path("m/", include("zhucun.mobile.urls")),
    path("reports/", include("zhucun.reports.urls")),
    path("exports/", include("zhucun.exports.urls")),
]

if settings.ZHUCUN_BENCH_ENDPOINTS:  # `make bench` only (zhucun/bench/views.py)
    urlpatterns += [path("bench/", include("zhucun.bench.urls"))]

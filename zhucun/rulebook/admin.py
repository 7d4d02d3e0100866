from datetime import date

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from zhucun.org.models import Region
from zhucun.policy.errors import PolicyError
from zhucun.rulebook.book import book_for
from zhucun.rulebook.models import CalendarCorrection, ParameterOverride


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(admin.ModelAdmin):
    list_display = ["county", "key", "value", "effective_from", "document"]
    list_filter = ["county"]
    raw_id_fields = ["county"]
    change_list_template = "admin/rulebook/parameteroverride_change_list.html"

    def get_urls(self):
        extra = [
            path(
                "in-force/",
                self.admin_site.admin_view(self.in_force_view),
                name="rulebook_parameters_in_force",
            )
        ]
        return extra + super().get_urls()

    def in_force_view(self, request):
        """The parameters in force for a county on a date, inside the back office."""
        county = Region.objects.filter(level="county", code=request.GET.get("county", "")).first()
        try:
            on = date.fromisoformat(request.GET.get("on", ""))
        except ValueError:
            on = timezone.localdate()
        try:
            rows, error = book_for(county).in_force(on), ""
        except PolicyError as exc:
            rows, error = [], str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": f"施行中的政策参数 · {county.name if county else '市级默认'} · {on}",
            "rows": rows,
            "error": error,
            "on": on,
            "county": county,
            "counties": Region.objects.filter(level="county").order_by("code"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/rulebook/parameters_in_force.html", context)


@admin.register(CalendarCorrection)
class CalendarCorrectionAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]

from django.contrib import admin

from zhucun.rulebook.models import CalendarCorrection, ParameterOverride


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(admin.ModelAdmin):
    list_display = ["county", "key", "value", "effective_from", "document"]
    list_filter = ["county"]
    raw_id_fields = ["county"]


@admin.register(CalendarCorrection)
class CalendarCorrectionAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "name"]

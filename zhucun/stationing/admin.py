from django.contrib import admin

from zhucun.accounts.admin import ScopedAdmin
from zhucun.stationing.models import Assignment, Team


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["cadre"]


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "village", "lead_unit", "formed_on", "withdrawn_on"]
    search_fields = ["name"]
    raw_id_fields = ["village", "lead_unit"]
    filter_horizontal = ["units"]
    inlines = [AssignmentInline]
    list_select_related = ["village", "lead_unit"]

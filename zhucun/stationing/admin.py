"""Teams and their records in the back office.

Teams and assignments are set up here; what the 细则 governs after that (a stationing's end
after a signed handover, the party transfer, withdrawal, leave, check-ins, official business,
the duty roster, handovers and personnel changes) is written only by the services, each with
its audit record, so the back office shows those records read-only.
"""

from django.contrib import admin

from zhucun.accounts.admin import ScopedAdmin
from zhucun.audit.admin import ReadOnlyAdmin
from zhucun.stationing.models import (
    Assignment,
    CheckIn,
    DutyDay,
    Handover,
    Leave,
    OfficialBusiness,
    PersonnelChange,
    Team,
)

# Changed only through services: assignment_end checks the handover (第六条), the
# transfer is dated by the unit or town (第七条); each writes an audit record.
SERVICE_FIELDS = ["end", "party_transferred_on"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["cadre"]
    readonly_fields = SERVICE_FIELDS


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "village", "lead_unit", "formed_on", "withdrawn_on"]
    search_fields = ["name"]
    raw_id_fields = ["village", "lead_unit"]
    filter_horizontal = ["units"]
    inlines = [AssignmentInline]
    list_select_related = ["village", "lead_unit"]
    readonly_fields = ["withdrawn_on"]  # team_withdraw keeps a poor village's team (第七条)


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = ["cadre", "team", "role", "start", "planned_end", "end", "party_transferred_on"]
    list_filter = ["role"]
    search_fields = ["cadre__name", "team__name"]
    raw_id_fields = ["team", "cadre"]
    readonly_fields = SERVICE_FIELDS
    list_select_related = ["cadre", "team"]


class ScopedReadOnlyAdmin(ReadOnlyAdmin, ScopedAdmin):
    """Evidence (attendance, approvals, signatures): visible in scope, never edited here."""


@admin.register(Leave)
class LeaveAdmin(ScopedReadOnlyAdmin):
    list_display = ["cadre", "start", "end", "reason", "approval", "returned_on"]
    search_fields = ["cadre__name"]
    date_hierarchy = "start"
    list_select_related = ["cadre", "approval"]


@admin.register(CheckIn)
class CheckInAdmin(ScopedReadOnlyAdmin):
    list_display = ["cadre", "day", "at", "backfilled", "reason"]
    list_filter = ["backfilled"]
    search_fields = ["cadre__name"]
    date_hierarchy = "day"
    list_select_related = ["cadre"]


@admin.register(OfficialBusiness)
class OfficialBusinessAdmin(ScopedReadOnlyAdmin):
    list_display = ["cadre", "kind", "start", "end", "what", "where"]
    list_filter = ["kind"]
    search_fields = ["cadre__name", "what"]
    list_select_related = ["cadre"]


@admin.register(DutyDay)
class DutyDayAdmin(ScopedReadOnlyAdmin):
    list_display = ["day", "team", "cadre"]
    search_fields = ["team__name", "cadre__name"]
    date_hierarchy = "day"
    list_select_related = ["team", "cadre"]


@admin.register(Handover)
class HandoverAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "team",
        "predecessor",
        "successor",
        "created_at",
        "predecessor_signed_at",
        "successor_signed_at",
        "leader_signed_at",
    ]
    list_select_related = ["team", "predecessor__cadre", "successor__cadre"]


@admin.register(PersonnelChange)
class PersonnelChangeAdmin(ScopedReadOnlyAdmin):
    list_display = ["assignment", "reason", "successor", "approval", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["assignment__cadre", "assignment__team", "successor", "approval"]

"""Approvals in the back office: read-only. A decided step never changes (DESIGN.md §3) and
every decision, copy and delegation is written by a service with its audit record."""

from django.contrib import admin

from zhucun.accounts.admin import ScopedAdmin
from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import Copy, Delegation, Request, Step
from zhucun.audit.admin import ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StepInline(ReadOnlyInline):
    model = Step
    fields = ["position", "approver_kind", "action", "state", "actor", "acting_for", "decided_at"]
    readonly_fields = fields


class CopyInline(ReadOnlyInline):
    model = Copy
    fields = ["purpose", "unit", "region", "created_at"]
    readonly_fields = fields


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin, ScopedAdmin):
    list_display = ["title", "kind", "state", "requester", "article", "submitted_at", "decided_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title"]
    date_hierarchy = "submitted_at"
    list_select_related = ["requester"]
    exclude = ["subject_type", "subject_id"]
    inlines = [StepInline, CopyInline]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Acting approvers; outside a superuser's view, one sees only delegations one is part of."""

    list_display = ["principal", "deputy", "start", "end", "revoked", "created_at"]
    list_filter = ["revoked"]

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("principal", "deputy")
        if scope_for(request.user).everything:
            return rows
        return rows.filter(principal=request.user) | rows.filter(deputy=request.user)

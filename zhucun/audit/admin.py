"""Audit records in the back office: read-only for everyone, superusers included.

Nothing in the application changes or deletes an audit record; the only
removal is the retention purge (audit/retention.py), which is audited.
"""

from django.contrib import admin

from zhucun.audit.models import AuditEvent, Purge


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "address", "event", "object_type", "object_id", "outcome"]
    list_filter = ["event", "outcome"]
    search_fields = ["actor_name", "event", "object_id"]
    date_hierarchy = "at"


@admin.register(Purge)
class PurgeAdmin(ReadOnlyAdmin):
    list_display = ["at", "cutoff", "removed", "anchor"]

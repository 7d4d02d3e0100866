from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from zhucun.accounts.models import Position, User
from zhucun.accounts.scope import scoped


class ScopedAdmin(admin.ModelAdmin):
    """Back-office lists go through the same data scope as the pages."""

    def get_queryset(self, request):
        return scoped(request.user, super().get_queryset(request))


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    raw_id_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("岗位", {"fields": ("full_name",)}),)
    inlines = [PositionInline]

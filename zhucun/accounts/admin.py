from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet

from zhucun.accounts import services
from zhucun.accounts.models import Position, User
from zhucun.accounts.scope import scoped
from zhucun.accounts.separation import separation_error
from zhucun.audit import log


class ScopedAdmin(admin.ModelAdmin):
    """Back-office lists go through the same data scope as the pages."""

    def get_queryset(self, request):
        return scoped(request.user, super().get_queryset(request))


class PositionFormSet(BaseInlineFormSet):
    def clean(self):
        """三员分立 across the rows being saved together (Position.clean sees one row)."""
        super().clean()
        roles = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("active", True)
        ]
        is_cadre = bool(self.instance.pk) and hasattr(self.instance, "cadre")
        for i, role in enumerate(roles):
            problem = separation_error(
                role, other_roles=roles[:i] + roles[i + 1 :], is_cadre=is_cadre
            )
            if problem:
                raise ValidationError(problem)


class PositionInline(admin.TabularInline):
    model = Position
    formset = PositionFormSet
    extra = 0
    raw_id_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Every change of an account's rights here writes an audit record."""

    list_display = ["username", "full_name", "is_active", "last_login"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("岗位", {"fields": ("full_name",)}),)
    inlines = [PositionInline]
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        address = log.client_address(request)
        if not change:
            # password_changed_at stays empty: the owner changes it at first login.
            log.record(actor=request.user, event="user.create", obj=obj, address=address)
        elif "is_active" in form.changed_data:
            services.user_set_active(
                actor=request.user, user=obj, active=obj.is_active, address=address
            )
        rights = [f for f in ("is_staff", "is_superuser") if f in form.changed_data]
        if change and rights:
            log.record(
                actor=request.user,
                event="user.permissions",
                obj=obj,
                address=address,
                detail={f: getattr(obj, f) for f in rights},
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        m2m = [f for f in ("groups", "user_permissions") if f in form.changed_data]
        if m2m:
            log.record(
                actor=request.user,
                event="user.permissions",
                obj=form.instance,
                address=log.client_address(request),
                detail={f: sorted(str(x) for x in form.cleaned_data[f]) for f in m2m},
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Position:
            return super().save_formset(request, form, formset, change)
        address = log.client_address(request)
        # Deleted rows lose their id when deleted: record them first (the
        # admin's transaction keeps record and deletion together).
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                self._record_position(request, "position.delete", deleted.instance, address)
        super().save_formset(request, form, formset, change)
        for position in formset.new_objects:
            self._record_position(request, "position.create", position, address)
        for position, _fields in formset.changed_objects:
            self._record_position(request, "position.change", position, address)

    @staticmethod
    def _record_position(request, event, position, address):
        log.record(
            actor=request.user,
            event=event,
            obj=position,
            address=address,
            detail=services.position_detail(position),
        )

    def user_change_password(self, request, id, form_url=""):
        # One transaction: the new password and its audit record, or neither.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, unquote(id))
                services.password_reset(
                    actor=request.user, user=user, address=log.client_address(request)
                )
        return response

    @admin.action(description="停用所选账号(立即结束其登录会话)")
    def deactivate(self, request, queryset):
        for user in queryset.exclude(pk=request.user.pk):
            services.user_set_active(
                actor=request.user,
                user=user,
                active=False,
                address=log.client_address(request),
            )

from django.contrib import admin

from zhucun.accounts.admin import ScopedAdmin
from zhucun.households.models import Household, Pairing


class PairingInline(admin.TabularInline):
    model = Pairing
    extra = 0
    raw_id_fields = ["cadre"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["code", "head_name", "village", "attribute", "status", "members"]
    list_filter = ["status", "attribute", "main_cause"]
    search_fields = ["code", "head_name"]
    raw_id_fields = ["village"]
    inlines = [PairingInline]
    list_select_related = ["village"]

from django.contrib import admin

from zhucun.accounts.admin import ScopedAdmin
from zhucun.org.models import Cadre, Region, Unit


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "county_kind", "is_poor", "exit_year"]
    list_filter = ["level", "is_poor", "county_kind"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "city", "county", "town"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "level", "staff_count", "region"]
    list_filter = ["level"]
    search_fields = ["name"]
    raw_id_fields = ["region"]


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    list_display = ["name", "unit", "rank", "id_number_masked", "phone_masked", "is_party_member"]
    list_filter = ["rank", "is_reserve", "is_party_member"]
    search_fields = ["name"]
    raw_id_fields = ["unit", "user"]
    list_select_related = ["unit"]
    # PIPL: the back office shows the numbers masked too; full values are
    # only shown (and audited) through the cadre page's "show" action.
    exclude = ["id_number", "phone"]
    readonly_fields = ["id_number_masked", "phone_masked"]

    @admin.display(description="身份证号")
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description="手机号")
    def phone_masked(self, obj):
        return obj.phone_masked

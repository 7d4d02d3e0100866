from django.urls import path

from zhucun.stationing import (
    calendar_views,
    day_views,
    leave_views,
    roster_views,
    team_views,
    views,
)

app_name = "stationing"
urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("leave/", leave_views.my_leave, name="my_leave"),
    path("leave/<int:pk>/back/", leave_views.leave_back, name="leave_back"),
    path("leave/register/", leave_views.leave_register, name="leave_register"),
    path("me/", day_views.my_day, name="my_day"),
    path("me/check-in/", day_views.check_in, name="check_in"),
    path("me/backfill/", day_views.backfill, name="backfill"),
    path("me/official-business/", day_views.official_business, name="official_business"),
    path("<int:pk>/roster/", roster_views.roster, name="roster"),
    path("<int:pk>/month/", calendar_views.team_month, name="team_month"),
    path("cadres/<int:pk>/month/", calendar_views.cadre_month, name="cadre_month"),
    path("<int:pk>/handovers/", team_views.handover_create, name="handover_create"),
    path("handovers/<int:pk>/sign/", team_views.handover_sign, name="handover_sign"),
    path("<int:pk>/personnel-change/", team_views.personnel_change_apply, name="personnel_change"),
    path(
        "assignments/<int:pk>/party-transfer/",
        team_views.assignment_party_transfer,
        name="assignment_party_transfer",
    ),
    path("<int:pk>/withdraw/", team_views.team_withdraw, name="team_withdraw"),
    path("assignments/<int:pk>/end/", team_views.assignment_end, name="assignment_end"),
]

from django.urls import path

from zhucun.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("export.xlsx", views.household_export, name="household_export"),
    path("import/", views.roster_import, name="roster_import"),
    path("import/template.xlsx", views.roster_template, name="roster_template"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
    path("<int:pk>/edit/", views.household_edit, name="household_edit"),
]
urlpatterns += [
    path("pairings/", views.pairing_review, name="pairing_review"),
    path("<int:pk>/pairing/", views.pairing_change, name="pairing_change"),
]

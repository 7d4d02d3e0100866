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
urlpatterns += [
    path("mine/", views.my_households, name="my_households"),
    path("contacts/compliance/", views.contact_compliance, name="contact_compliance"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/book/", views.record_book, name="record_book"),
    path("<int:pk>/book.xlsx", views.record_book_export, name="record_book_export"),
]

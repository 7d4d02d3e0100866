from django.urls import path

from zhucun.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_search, name="search"),
    path("export.xlsx", views.audit_export, name="export"),
]

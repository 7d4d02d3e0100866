from django.urls import path

from zhucun.org import views

app_name = "org"
urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/reveal/", views.cadre_reveal, name="cadre_reveal"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
]

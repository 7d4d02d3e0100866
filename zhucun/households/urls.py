from django.urls import path

from zhucun.households import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("<int:pk>/", views.household_detail, name="household_detail"),
]

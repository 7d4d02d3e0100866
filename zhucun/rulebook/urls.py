from django.urls import path

from zhucun.rulebook import views

app_name = "rulebook"
urlpatterns = [
    path("parameters/", views.parameters, name="parameters"),
]

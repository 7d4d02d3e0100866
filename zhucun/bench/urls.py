from django.urls import path

from zhucun.bench import views

app_name = "bench"
urlpatterns = [path("ping/", views.ping, name="ping")]

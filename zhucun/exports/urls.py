from django.urls import path

from zhucun.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.my_exports, name="mine"),
    path("<int:pk>/download/", views.download, name="download"),
]

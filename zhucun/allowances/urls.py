from django.urls import path

from zhucun.allowances import views

app_name = "allowances"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/<int:year>/<int:month>/", views.sheet, name="sheet"),
    path("units/<int:pk>/<int:year>/<int:month>.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
    path("units/<int:pk>/rates/", views.rates, name="rates"),
    path("units/<int:pk>/cover/", views.cover, name="cover"),
    path("medical/", views.medical, name="medical"),
    path("injuries/", views.injuries, name="injuries"),
    path("mine/", views.mine, name="mine"),
]

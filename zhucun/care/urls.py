from django.urls import path

from zhucun.care import views

app_name = "care"
urlpatterns = [
    path("talks/", views.talks, name="talks"),
    path("visits/", views.visits, name="visits"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
]

from django.urls import path

from zhucun.worklogs import views

app_name = "worklogs"
urlpatterns = [
    path("", views.my_logs, name="my_logs"),
    path("write/", views.log_write, name="log_write"),
    path("<int:pk>/", views.log_detail, name="log_detail"),
    path("team/", views.team_logs, name="team_logs"),
    path("notices/issue/<int:cadre_id>/", views.notice_issue, name="notice_issue"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("diary/", views.diary, name="diary"),
]

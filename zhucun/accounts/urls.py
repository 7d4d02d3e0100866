from django.urls import path

from zhucun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/password/", views.password_change, name="password_change"),
    path("account/otp/", views.otp_verify, name="otp_verify"),
    path("account/otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("security/lockouts/", views.lockouts, name="lockouts"),
    path("security/lockouts/unlock/", views.lockout_clear, name="lockout_clear"),
    path("security/users/", views.user_list, name="user_list"),
    path("security/users/<int:pk>/", views.user_action, name="user_action"),
]

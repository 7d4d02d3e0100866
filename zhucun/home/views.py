from django.contrib.auth import views as auth_views
from django.shortcuts import render

from zhucun.accounts.access import PUBLIC, SIGNED_IN, allow
from zhucun.accounts.scope import scope_for
from zhucun.home.panels import panels_for

login = allow(PUBLIC)(
    auth_views.LoginView.as_view(template_name="home/login.html", redirect_authenticated_user=True)
)
logout = allow(PUBLIC)(auth_views.LogoutView.as_view())


@allow(SIGNED_IN)  # an account without a position is told so on its home page
def home(request):
    scope = scope_for(request.user)
    return render(request, "home/home.html", {"panels": panels_for(request.user, scope)})

"""zhucun.urls plus a page that fails, to see the 500 page a user would see."""

from django.urls import path

from zhucun.urls import urlpatterns as zhucun_urlpatterns


def fails(request):
    raise RuntimeError("secret internal detail: SELECT * FROM accounts_user")


urlpatterns = [*zhucun_urlpatterns, path("test-fails/", fails)]

"""The permission matrix (等保2.0 访问控制): every role × every page × own / other scope.

Pages are found by walking zhucun.urls, so pages added later are in the
matrix without anyone listing them. What each role may open is what the
page declares with `@allow(...)`; the matrix checks the page keeps it:

- a role the page does not allow gets 403, and an anonymous visitor the login page;
- an allowed role opens a record of its own scope, and gets 404 for any
  record outside it (a record of another county, of another role, outside Xi'an).
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.security.login_steps import VerifiedClient
from tests.security.urlwalk import (
    NO_ARGUMENTS,
    OwnCadreRow,
    Scoped,
    Skip,
    Unscoped,
    filler,
    pages,
)
from zhucun.accounts.access import PUBLIC, SIGNED_IN
from zhucun.accounts.scope import scope_for, scoped

PAGES = {page.name or page.route: page for page in pages()}
CAST = ["alice", "bob", "carol", "dora", "ed", "fay", "gus", "oscar", "olga", "sam", "sid", "aud"]


def test_every_page_declares_who_may_open_it():
    undeclared = [name for name, page in PAGES.items() if page.roles is None]
    assert undeclared == [], f"pages without @allow(...): {undeclared}"


def test_every_page_with_url_arguments_says_how_to_fill_them():
    unknown = [name for name, page in PAGES.items() if filler(page) is None]
    assert unknown == [], (
        f"pages whose URL arguments the matrix cannot fill: {unknown}; name them "
        "<app>:<model>_... with a pk of a scoped model, or add them to DECLARED in "
        "tests/security/urlwalk.py"
    )


def may_open(user, page) -> bool:
    if page.roles in (PUBLIC,) or SIGNED_IN in page.roles:
        return True
    scope = scope_for(type(user).objects.get(pk=user.pk))
    return scope.everything or bool(scope.roles & page.roles)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


def denied(response) -> bool:
    return response.status_code == 403


def opened(response) -> bool:
    """Let through: the page answered, or refused the (empty) input — not the person."""
    return (
        response.status_code not in (403, 404)
        and response.status_code < 500
        and (not is_login_redirect(response))
    )


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_opens_a_page_only_if_allowed_and_only_within_its_scope(matrix_cast, name):
    cast = matrix_cast
    page = PAGES[name]
    fill = filler(page)
    if fill is None or page.roles is None:
        pytest.fail(f"{name}: no permission or argument declaration (see the tests above)")
    if isinstance(fill, Skip):
        return  # the reason is in DECLARED, reviewed with the page
    for username in CAST:
        user = cast.users[username]
        client = VerifiedClient()
        client.force_login(user)
        allowed = may_open(user, page)
        for label, url in urls_for(page, fill, user):
            response = client.get(url)
            if response.status_code == 405:  # a POST-only action: try it the way it is used
                response = client.post(url)
            if page.roles == PUBLIC:
                expected, ok = "not refused", response.status_code not in (403, 404, 500)
            elif not allowed:
                expected, ok = "403", denied(response)
            elif label == "other":
                expected, ok = "404", response.status_code == 404
            else:
                expected, ok = "open", opened(response)
            assert ok, (
                f"{username} → {name} ({label} {url}): {response.status_code}, expected {expected}"
            )
    # Anonymous visitors see only public pages
    if page.roles != PUBLIC:
        for _label, url in urls_for(page, fill, None):
            response = Client().get(url)
            if response.status_code == 405:  # POST-only: the login check comes with the POST
                response = Client().post(url)
            assert is_login_redirect(response), f"anonymous → {name}"


def urls_for(page, fill, user):
    """(label, url) pairs: the page itself, or a record in and one outside the user's scope."""
    if fill == NO_ARGUMENTS:
        yield "page", reverse(page.name)
        return
    manager = fill.model._default_manager
    if isinstance(fill, OwnCadreRow):
        rows = manager.order_by("pk")
        cadre = getattr(user, "cadre", None) if user is not None else None
        own = rows.filter(cadre=cadre).first() if cadre is not None else None
        if own is not None:
            yield "own", reverse(page.name, kwargs={fill.kwarg: own.pk})
        other = rows.exclude(cadre=cadre).first() if cadre is not None else rows.first()
        yield (
            "other" if user is not None else "any",
            reverse(page.name, kwargs={fill.kwarg: other.pk}),
        )
        return
    if isinstance(fill, Unscoped):
        row = manager.order_by("pk").first()
        yield "any", reverse(page.name, kwargs={fill.kwarg: row.pk})
        return
    assert isinstance(fill, Scoped)
    if user is None:
        yield "any", reverse(page.name, kwargs={fill.kwarg: manager.order_by("pk").first().pk})
        return
    visible = scoped(type(user).objects.get(pk=user.pk), manager.all())
    own = visible.order_by("pk").first()
    if own is not None:
        yield "own", reverse(page.name, kwargs={fill.kwarg: own.pk})
    other = manager.exclude(pk__in=visible.values("pk")).order_by("pk").first()
    if other is not None:
        yield "other", reverse(page.name, kwargs={fill.kwarg: other.pk})

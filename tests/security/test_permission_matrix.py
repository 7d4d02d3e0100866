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
    Fixed,
    Skip,
    filler,
    pages,
    records_for,
)
from zhucun.accounts.access import PUBLIC, SIGNED_IN
from zhucun.accounts.scope import scope_for

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
    return response.status_code in (200, 302) and not is_login_redirect(response)


WALKED = {
    name: page
    for name, page in PAGES.items()
    if page.roles is not None and filler(page) is not None and not isinstance(filler(page), Skip)
}


def test_every_page_taking_a_record_is_walked_with_one_in_scope_and_one_outside(matrix_cast):
    # Given the cast's records, when the walk picks them for every role that may open the page,
    # then some role gets a record of its own and some role one outside its reach, so no
    # declared page is silently left out for want of a record.
    unwalked = []
    for name, page in WALKED.items():
        fill = filler(page)
        if fill == NO_ARGUMENTS or isinstance(fill, Fixed) or page.roles == PUBLIC:
            continue
        labels = {
            label
            for username in CAST
            if may_open(matrix_cast.users[username], page)
            for label, _url in urls_for(page, fill, matrix_cast.users[username])
        }
        missing = {"own", "other"} - labels if labels != {"any"} else set()
        if missing:
            unwalked.append(f"{name}: no {'/'.join(sorted(missing))} record")
    assert unwalked == [], "\n".join(unwalked)


def fetch(client, url):
    """GET the page; a POST-only action is tried the way it is used, with an empty form."""
    response = client.get(url)
    if response.status_code == 405:
        return True, client.post(url)
    return False, response


@pytest.mark.parametrize("username", CAST)
def test_each_role_opens_a_page_only_if_allowed_and_only_within_its_scope(matrix_cast, username):
    cast = matrix_cast
    user = cast.users[username]
    client = VerifiedClient()
    client.force_login(user)
    wrong = []
    for name, page in WALKED.items():
        if name == "logout":
            continue  # would end the walk; anyone may log out
        allowed = may_open(user, page)
        fill = filler(page)
        for label, url in urls_for(page, fill, user):
            posted, response = fetch(client, url)
            if page.roles == PUBLIC:
                expected, ok = "not refused", response.status_code not in (403, 404, 500)
            elif not allowed:
                expected, ok = "403", denied(response)
            elif label == "other" and getattr(fill, "refused_like_missing", False):
                _posted, missing = fetch(client, reverse(page.name, kwargs={fill.kwarg: 0}))
                expected = f"the answer to a missing id: {missing.status_code}"
                ok = response.status_code != 500 and (
                    response.status_code,
                    response.get("Location"),
                ) == (missing.status_code, missing.get("Location"))
            elif label == "other":
                expected, ok = "404", response.status_code == 404
            elif posted:
                # through the door; an empty form may well be refused (422, 409)
                expected = "past the access check"
                ok = response.status_code not in (403, 404, 500) and not is_login_redirect(response)
            else:
                expected, ok = "open", opened(response)
            if not ok:
                wrong.append(f"{name} ({label} {url}): {response.status_code}, expected {expected}")
    assert wrong == [], f"{username}: " + "\n".join(wrong)


def test_anonymous_visitors_open_only_public_pages(matrix_cast):
    for name, page in WALKED.items():
        if page.roles == PUBLIC:
            continue
        for _label, url in urls_for(page, filler(page), None):
            _posted, response = fetch(Client(), url)
            assert is_login_redirect(response), f"anonymous → {name}: {response.status_code}"


def urls_for(page, fill, user):
    """(label, url) pairs: the page itself, or a record in and one outside the user's scope."""
    if fill == NO_ARGUMENTS:
        yield "page", reverse(page.name)
        return
    if isinstance(fill, Fixed):
        for extra in fill.extra():
            yield "page", reverse(page.name, kwargs=extra)
        return
    rows = records_for(fill, user)
    extras = fill.extra() if getattr(fill, "extra", None) else [{}]
    for label, row in rows:
        if row is not None:  # the cast may hold no such record
            for extra in extras:
                yield label, reverse(page.name, kwargs={fill.kwarg: row.pk, **extra})

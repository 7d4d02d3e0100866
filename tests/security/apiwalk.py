"""Every operation of the JSON API (/api/v1/), and how to fill its path and query arguments.

The API's counterpart of urlwalk.py, used by the permission matrix and the
personal-data sweep. Operations are read from the NinjaAPI itself, so an
endpoint added later is walked without anyone listing it. An operation whose
path takes an argument, or whose query has a required one, needs an entry in
DECLARED (the same fillers as the pages); the test that checks it fails otherwise.
"""

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, When
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.funds_cast import PDF
from tests.security.urlwalk import (
    Scoped,
    assessed_year,
    counties_where_a_team_is_in_scope,
    own_cadre_first,
)
from zhucun.accounts.scope import scoped
from zhucun.api.app import api
from zhucun.api.services import api_token_create
from zhucun.approvals.authorities import authorities_for, decidable_q
from zhucun.approvals.models import Step, StepState
from zhucun.approvals.selectors import visible_requests
from zhucun.funds.models import Allocation, Expense, LedgerReview
from zhucun.households.models import Contact, Household
from zhucun.org.models import Cadre, Region
from zhucun.stationing.models import CheckIn, Leave, OfficialBusiness, Team
from zhucun.worklogs.models import LogAttachment, WorkLog

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as declared, e.g. /teams/{team_id}
    view: object

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def roles(self):
        return getattr(self.view, "zhucun_roles", None)

    @property
    def path_arguments(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))


def operations() -> list[Operation]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                full = "/" + f"{prefix}/{path}".strip("/")
                for method in operation.methods:
                    found.append(Operation(method, full, operation.view_func))
    return found


@dataclass(frozen=True)
class Query:
    """The record goes into the query string (`kwarg` = the record's `field`), with `extra()`."""

    filler: Scoped
    field: str = "pk"


def the_last_quarter():
    today = timezone.localdate()
    return [
        {"period_start": date(today.year - 1, 10, 1), "period_end": date(today.year - 1, 12, 31)}
    ]


@dataclass(frozen=True)
class Nested:
    """A record whose path also names its parent: `parents` maps a path argument to the
    record's field that fills it (an attachment's log)."""

    filler: Scoped
    parents: dict


def attachments_of_logs_in_scope(user):
    return LogAttachment.objects.filter(log__in=scoped(user, WorkLog.objects.all()).values("pk"))


# "METHOD path" -> how to fill its arguments (operations with none need no entry)
DECLARED = {
    "GET /teams/{team_id}": Scoped(Team, kwarg="team_id"),
    "GET /cadres/{cadre_id}": Scoped(Cadre, kwarg="cadre_id"),
    "GET /cadres/{cadre_id}/calendar": Scoped(Cadre, kwarg="cadre_id", own=own_cadre_first),
    "GET /households/{household_id}": Scoped(Household, kwarg="household_id"),
    "GET /export": Query(
        Scoped(
            Region,
            kwarg="county",
            reach=counties_where_a_team_is_in_scope,
            extra=the_last_quarter,
        ),
        field="code",
    ),
    "GET /worklogs/{log_id}/attachments": Scoped(WorkLog, kwarg="log_id"),
    "GET /worklogs/{log_id}/attachments/{attachment_id}": Nested(
        Scoped(LogAttachment, kwarg="attachment_id", reach=attachments_of_logs_in_scope),
        parents={"log_id": "log_id"},
    ),
    "GET /funds/teams/{team_id}/ledger": Scoped(Team, kwarg="team_id"),
    "GET /funds/expenses/{expense_id}": Scoped(Expense, kwarg="expense_id"),
    "GET /assessments/{year}/cadres/{cadre_id}": Scoped(
        Cadre, kwarg="cadre_id", own=own_cadre_first, extra=assessed_year
    ),
    "GET /assessments/{year}/counties/{county_id}": Scoped(
        Region, kwarg="county_id", reach=counties_where_a_team_is_in_scope, extra=assessed_year
    ),
}


def needs_filling(operation: Operation) -> bool:
    if operation.path_arguments:
        return True
    schema = api.get_openapi_schema()["paths"].get(PREFIX + operation.path, {})
    parameters = schema.get(operation.method.lower(), {}).get("parameters", [])
    return any(p.get("required") for p in parameters)


def bearer(user) -> Client:
    """A client calling the API with a fresh token of `user`, as a phone or a machine does."""
    _token, raw = api_token_create(user=user, name="权限矩阵")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body_of(response) -> str:
    """The text a person would read in the answer: a spreadsheet's cells, else the body."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        # The file is compressed: the numbers are only visible in its cells.
        book = load_workbook(BytesIO(raw), read_only=True)
        return "\n".join(
            "\t".join("" if value is None else str(value) for value in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return raw.decode(errors="replace")


# The writes (POST): walked by tests/security/test_api_write_matrix.py.


@dataclass(frozen=True)
class Write:
    """How the write matrix calls one POST operation with content that is valid.

    `target`: the record the call names, in its path when the path has
    `{target.kwarg}`, else in the body (`body` puts it there); None when the
    call acts on the caller's own cadre only. Filled as DECLARED's readers are:
    a record in the caller's reach and one outside it. `mine(user, visible)`:
    of the records in reach, those the caller may act on (default: all of them);
    another one in reach is walked as someone else's record (a team mate's log,
    a step for another office). `body(user, row)`: valid content for that record.
    `form`: sent as multipart/form-data (with a file). `footprint()`: the rows the
    write adds or decides, which tell whether it really happened.
    """

    body: object
    footprint: object
    target: Scoped | None = None
    mine: object = None
    form: bool = False


def rows_of(model):
    return lambda: model._default_manager.count()


def decided_steps():
    return Step.objects.filter(decided_at__isnull=False).count()


def days_ago(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def steps_on_requests_in_reach(user):
    """The steps the API lets the user name: of requests in scope or on their route."""
    return Step.objects.filter(request__in=visible_requests(user).values("pk"))


def steps_the_user_decides(user, visible):
    """Steps of the user's authority, the pending ones first (the others are out of turn)."""
    pending_first = Case(When(state=StepState.PENDING, then=0), default=1)
    return visible.filter(decidable_q(authorities_for(user))).order_by(pending_first, "pk")


def expenses_with_a_step_of_the_user(user, visible):
    return visible.filter(
        approval__steps__in=Step.objects.filter(decidable_q(authorities_for(user)))
    ).distinct()


def own_logs(user, visible):
    return visible.filter(cadre__user=user)


def signature(user, expense) -> dict:
    """The step the user holds on the expense: the leader signs, the town countersigns."""
    step = expense.approval.steps.filter(decidable_q(authorities_for(user))).first()
    return {"step": step.action if step else "sign", "approve": True, "comment": "票据齐全"}


def receipt_form(user, team) -> dict:
    return {
        "category": "supplies",
        "amount": "50.00",
        "spent_on": days_ago(1),
        "description": "打印纸两箱",
        "receipt": SimpleUploadedFile("发票.pdf", PDF, content_type="application/pdf"),
    }


# "POST path" -> how to call it with valid content; a POST without an entry fails the test.
WRITES = {
    "POST /checkins": Write(body=lambda user, row: {}, footprint=rows_of(CheckIn)),
    "POST /official-business": Write(
        body=lambda user, row: {
            "kind": "meeting",
            "start": days_ago(5),
            "end": days_ago(5),
            "what": "县驻村工作队长例会",
            "where": "县委党校",
        },
        footprint=rows_of(OfficialBusiness),
    ),
    "POST /leave-requests": Write(
        body=lambda user, row: {
            "start": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "end": (timezone.localdate() + timedelta(days=11)).isoformat(),
            "reason": "家中有事",
        },
        footprint=rows_of(Leave),
    ),
    # The households a log names must be in the writer's reach.
    "POST /worklogs": Write(
        target=Scoped(Household, kwarg="household_ids"),
        body=lambda user, household: {
            "day": days_ago(1),
            "tasks": [1, 4],
            "content": "入户走访,核实家庭收入",
            "household_ids": [household.pk],
        },
        footprint=rows_of(WorkLog),
    ),
    "POST /worklogs/{log_id}/attachments": Write(
        target=Scoped(WorkLog, kwarg="log_id"),
        mine=own_logs,
        body=lambda user, log: {"file": SimpleUploadedFile("会议签到表.pdf", PDF)},
        form=True,
        footprint=rows_of(LogAttachment),
    ),
    # Only for a household the caller is paired with (第二十条).
    "POST /contacts": Write(
        target=Scoped(Household, kwarg="household_id"),
        body=lambda user, household: {
            "household_id": household.pk,
            "day": days_ago(1),
            "kind": "inquiry",
            "channel": "phone",
            "learned": "家中老人身体好转",
        },
        footprint=rows_of(Contact),
    ),
    "POST /approvals/steps/{step_id}/decision": Write(
        target=Scoped(Step, kwarg="step_id", reach=steps_on_requests_in_reach),
        mine=steps_the_user_decides,
        body=lambda user, step: {"approve": True, "comment": "同意"},
        footprint=decided_steps,
    ),
    "POST /funds/teams/{team_id}/expenses": Write(
        target=Scoped(Team, kwarg="team_id"),
        body=receipt_form,
        form=True,
        footprint=rows_of(Expense),
    ),
    "POST /funds/expenses/{expense_id}/signatures": Write(
        target=Scoped(Expense, kwarg="expense_id"),
        mine=expenses_with_a_step_of_the_user,
        body=signature,
        footprint=decided_steps,
    ),
    "POST /funds/teams/{team_id}/allocations": Write(
        target=Scoped(Team, kwarg="team_id"),
        body=lambda user, team: {
            "year": timezone.localdate().year,
            "source": "topup",  # a county top-up has no ceiling (第二十四条)
            "amount": "2000.00",
            "disbursed_on": days_ago(1),
            "document_no": "周财发〔2026〕12号",
        },
        footprint=rows_of(Allocation),
    ),
    "POST /funds/teams/{team_id}/reviews": Write(
        target=Scoped(Team, kwarg="team_id"),
        body=lambda user, team: {"comment": "台账与票据相符"},
        footprint=rows_of(LedgerReview),
    ),
}


def write_records(write: Write, user):
    """(label, row) pairs: `call` (no record), or `own`, `theirs` (in reach, not the
    caller's to act on) and `other` (outside the caller's reach); a row may be None."""
    if write.target is None:
        return [("call", None)]
    fill = write.target
    manager = fill.model._default_manager.filter(**dict(fill.where)).order_by("pk")
    fresh = type(user).objects.get(pk=user.pk)  # the scope is cached on the user object
    reach = fill.reach(fresh) if fill.reach else scoped(fresh, fill.model._default_manager)
    in_reach = list(reach.values_list("pk", flat=True))
    visible = manager.filter(pk__in=in_reach)
    mine = write.mine(fresh, visible) if write.mine else visible
    return [
        ("own", mine.first()),
        ("theirs", visible.exclude(pk__in=list(mine.values_list("pk", flat=True))).first()),
        ("other", manager.exclude(pk__in=in_reach).first()),
    ]


def write_path(operation: Operation, write: Write, row) -> str:
    path = operation.path
    if write.target is not None and row is not None:
        path = path.replace(f"{{{write.target.kwarg}}}", str(row.pk))
    return PREFIX + path


def post(client: Client, url: str, write: Write, body):
    """POST `body` (a dict of fields, or raw text) as the operation takes its content."""
    if isinstance(body, str):
        return client.post(url, body, content_type="application/json")
    if write.form:
        return client.post(url, body)  # multipart/form-data
    return client.post(url, json.dumps(body), content_type="application/json")

"""Every operation of the JSON API (/api/v1/), and how to fill its path and query arguments.

The API's counterpart of urlwalk.py, used by the permission matrix and the
personal-data sweep. Operations are read from the NinjaAPI itself, so an
endpoint added later is walked without anyone listing it. An operation whose
path takes an argument, or whose query has a required one, needs an entry in
DECLARED (the same fillers as the pages); the test that checks it fails otherwise.
"""

import re
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from tests.security.urlwalk import (
    Scoped,
    assessed_year,
    counties_where_a_team_is_in_scope,
    own_cadre_first,
)
from zhucun.accounts.scope import scoped
from zhucun.api.app import api
from zhucun.api.services import api_token_create
from zhucun.funds.models import Expense
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region
from zhucun.stationing.models import Team
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

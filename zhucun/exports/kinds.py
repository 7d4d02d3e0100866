"""The lists that are exported in the background, and how each is built.

A kind names a function ``(user, parameters) -> Sheet`` in the app that owns
the list; the function reads through the data scope of `user` (``scoped(user, …)``),
so a job run later sees what its requester may see on the day it runs, and the
page and the job share one builder. Add a list here when its export is too large
to answer within a request (tens of thousands of rows).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    filters: dict = field(default_factory=dict)
    personal: bool = False  # names with ID numbers, phones, incomes: audited as export.personal


@dataclass(frozen=True)
class Kind:
    title: str
    builder: str  # dotted path of (user, parameters) -> Sheet


KINDS = {
    "households": Kind("贫困户名单", "zhucun.households.sheets.household_list"),
    "cadres": Kind("干部名册", "zhucun.org.sheets.cadre_list"),
}


def sheet_for(kind: str, user, parameters: dict) -> Sheet:
    return import_string(KINDS[kind].builder)(user, parameters)

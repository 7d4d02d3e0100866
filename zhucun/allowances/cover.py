"""Reminders for the yearly cover (第二十七条 每年办理人身意外伤害保险、安排体检1次)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from zhucun.allowances.models import CoverKind, CoverRecord
from zhucun.org.models import Cadre
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

# An insurance ending within this many days is due for renewal.
RENEW_WITHIN_DAYS = 30


@dataclass(frozen=True)
class CoverDue:
    cadre: Cadre
    kind: CoverKind
    reason: str


def cover_due(unit_ids, today: date, *, cadres=None) -> list[CoverDue]:
    """Stationed cadres of the units missing this year's insurance or exam (three queries)."""
    stationed = (
        Assignment.objects.filter(cadre__unit_id__in=unit_ids, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values("cadre_id")
    )
    rows = Cadre.objects.filter(pk__in=stationed).order_by("name", "pk")
    if cadres is not None:
        rows = rows.filter(pk__in=cadres.values("pk"))
    rows = list(rows)
    held: dict[tuple[int, str], CoverRecord] = {
        (r.cadre_id, r.kind): r for r in CoverRecord.objects.filter(cadre__in=rows, year=today.year)
    }
    due = []
    for cadre in rows:
        insurance = held.get((cadre.pk, CoverKind.INSURANCE))
        if insurance is None:
            due.append(
                CoverDue(cadre, CoverKind.INSURANCE, f"{today.year}年尚未办理人身意外伤害保险")
            )
        elif insurance.valid_until and insurance.valid_until <= today + timedelta(
            days=RENEW_WITHIN_DAYS
        ):
            due.append(
                CoverDue(cadre, CoverKind.INSURANCE, f"保险将于{insurance.valid_until}到期,请续保")
            )
        if (cadre.pk, CoverKind.EXAM) not in held:
            due.append(CoverDue(cadre, CoverKind.EXAM, f"{today.year}年尚未安排体检"))
    return due

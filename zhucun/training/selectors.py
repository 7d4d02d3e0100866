"""Reads of 第十八条: events in scope and every stationed cadre's yearly training check."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.org.models import Cadre
from zhucun.policy.findings import Check
from zhucun.policy.training import Training, training_check
from zhucun.stationing.calendar import books_for, county_of_cadres
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, OfficialBusiness, OfficialKind
from zhucun.training.models import TrainingEvent


def events_for(user):
    return scoped(user, TrainingEvent.objects.all()).select_related("region")


@dataclass(frozen=True)
class CadreTraining:
    cadre: Cadre
    check: Check


def training_checks(user, year: int, *, today: date, cadre_ids=None) -> list[CadreTraining]:
    """第十八条 for every cadre in scope stationed during `year` (five queries, whatever the number).

    A training is a day range of official business of kind training: the same
    records the cadre-day calendar counts, whether the organiser confirmed the
    attendance or the cadre recorded it. `cadre_ids` narrows the cadres further
    (a cadre's own check on their home page).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    stationed = (
        Assignment.objects.filter(start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values("cadre_id")
    )
    rows = Cadre.objects.filter(pk__in=stationed)
    if cadre_ids is not None:
        rows = rows.filter(pk__in=list(cadre_ids))
    cadres = list(scoped(user, rows).select_related("unit").order_by("unit__name", "name", "pk"))
    ids = [c.pk for c in cadres]
    sessions: dict[int, list[Training]] = defaultdict(list)
    for cadre_id, start, end, what in OfficialBusiness.objects.filter(
        cadre_id__in=ids, kind=OfficialKind.TRAINING, start__lte=last, end__gte=first
    ).values_list("cadre_id", "start", "end", "what"):
        sessions[cadre_id].append(Training(start, end, what))
    counties = county_of_cadres(ids, last)
    books = books_for(counties.values())
    return [
        CadreTraining(
            cadre,
            training_check(
                sessions.get(cadre.pk, []),
                subject=cadre.name,
                year=year,
                today=today,
                book=books[counties.get(cadre.pk)],
            ),
        )
        for cadre in cadres
    ]

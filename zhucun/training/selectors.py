"""Reads of 第十八条: events in scope and every stationed cadre's yearly training check."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Q, Subquery

from zhucun.accounts.scope import scoped
from zhucun.org.models import Cadre
from zhucun.policy.findings import Check
from zhucun.policy.training import Training, training_check
from zhucun.stationing.calendar import books_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, OfficialBusiness, OfficialKind
from zhucun.training.models import TrainingEvent


def events_for(user):
    return scoped(user, TrainingEvent.objects.all()).select_related("region")


@dataclass(frozen=True)
class CadreTraining:
    cadre: Cadre
    check: Check


def training_checks(
    user, year: int, *, today: date, cadre_ids=None, books=None
) -> list[CadreTraining]:
    """第十八条 for every cadre in scope stationed during `year` (three queries, whatever the number).

    A training is a day range of official business of kind training: the same
    records the cadre-day calendar counts, whether the organiser confirmed the
    attendance or the cadre recorded it. `cadre_ids` narrows the cadres further
    (a cadre's own check on their home page). `books` (`every_book()`), when the page
    has read them already, saves the query for the parameter books.
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
    # The county whose book applies: that of the team the cadre was last stationed with
    # by the end of the year (as county_of_cadres gives it), read with the cadre.
    last_county = (
        Assignment.objects.filter(cadre=OuterRef("pk"), start__lte=last)
        .order_by("-start", "-pk")
        .values("team__village__county_id")[:1]
    )
    # narrow: the scope's joins (pairings, households) run over the stationed cadres only,
    # not over every household cadre of the county (16 of 23 ms of the county home at S=0.2).
    cadres = list(
        scoped(user, rows, narrow=True)
        .annotate(book_county_id=Subquery(last_county))
        .select_related("unit")
        .order_by("unit__name", "name", "pk")
    )
    ids = [c.pk for c in cadres]
    sessions: dict[int, list[Training]] = defaultdict(list)
    for cadre_id, start, end, what in OfficialBusiness.objects.filter(
        cadre_id__in=ids, kind=OfficialKind.TRAINING, start__lte=last, end__gte=first
    ).values_list("cadre_id", "start", "end", "what"):
        sessions[cadre_id].append(Training(start, end, what))
    if books is None:
        books = books_for(c.book_county_id for c in cadres)
    return [
        CadreTraining(
            cadre,
            training_check(
                sessions.get(cadre.pk, []),
                subject=cadre.name,
                year=year,
                today=today,
                book=books.get(cadre.book_county_id, books[None]),
            ),
        )
        for cadre in cadres
    ]

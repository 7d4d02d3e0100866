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
    cadres = list(_stationed(user, year, cadre_ids).select_related("unit"))
    sessions = _sessions([c.pk for c in cadres], year)
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


@dataclass(frozen=True)
class TrainingSummary:
    cadres: int  # stationed during the year, in scope
    warned: int  # checks fired as warnings
    short: int  # checks fired otherwise (the year is over)
    first_fired: dict | None  # evidence of the first fired check, in training_checks' order


def training_summary(user, year: int, *, today: date, books=None) -> TrainingSummary:
    """The counts of training_checks(user, year, ...) and its first fired check's evidence.

    The same judgement (training_check per cadre) read as (cadre, book county) pairs:
    no Cadre and Unit instance per cadre for a panel that shows only these figures.
    """
    cadres = list(_stationed(user, year, None).values_list("pk", "book_county_id"))
    sessions = _sessions([pk for pk, _ in cadres], year)
    if books is None:
        books = books_for(county_id for _, county_id in cadres)
    warned = short = 0
    first_fired = None
    for pk, county_id in cadres:
        book = books.get(county_id, books[None])
        check = training_check(sessions.get(pk, []), subject="", year=year, today=today, book=book)
        if check.fired:
            if check.severity == "warning":
                warned += 1
            else:
                short += 1
            if first_fired is None:
                first_fired = check.evidence
    return TrainingSummary(len(cadres), warned, short, first_fired)


def _stationed(user, year: int, cadre_ids):
    """The cadres in scope stationed during `year`, each with the county whose book
    applies (`book_county_id`), in the checks page's order."""
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
    return (
        scoped(user, rows, narrow=True)
        .annotate(book_county_id=Subquery(last_county))
        .order_by("unit__name", "name", "pk")
    )


def _sessions(cadre_ids, year: int) -> dict[int, list[Training]]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    sessions: dict[int, list[Training]] = defaultdict(list)
    for cadre_id, start, end, what in OfficialBusiness.objects.filter(
        cadre_id__in=cadre_ids, kind=OfficialKind.TRAINING, start__lte=last, end__gte=first
    ).values_list("cadre_id", "start", "end", "what"):
        sessions[cadre_id].append(Training(start, end, what))
    return sessions

"""Recorded facts for assessment tests: a year of check-ins, logs, notices and scores."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tests.factories import approved_leave
from zhucun.assessment import services
from zhucun.stationing.models import Assignment, CheckIn
from zhucun.worklogs.models import RectificationNotice, WorkLog
from zhucun.worklogs.tasks import Task

YEAR = 2025
TODAY = date(2026, 1, 15)  # the year 2025 is over
GOOD = {
    "daily_management": 92,
    "attendance_logs": 95,
    "results": 90,
    "villagers_evaluation": 93,
    "village_cadres_evaluation": 91,
}
FAIR = dict.fromkeys(GOOD, 80)


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def whole_year(cadre, *, start=date(2024, 1, 1), end=None):
    """Move the cadre's assignment so that it covers the whole year (or start..end)."""
    Assignment.objects.filter(cadre=cadre).update(start=start, end=end)
    return cadre.assignments.get()


def attend(cadre, first=date(2024, 12, 1), last=date(2026, 1, 14), *, skip=(), logs=True):
    """Check in (and log on time) every day from first to last except `skip`."""
    assignment = cadre.assignments.get()
    skip = set(skip)
    chosen = [d for d in days(max(first, assignment.start), last) if d not in skip]
    CheckIn.objects.bulk_create(
        CheckIn(cadre=cadre, assignment=assignment, day=d, at=f"{d}T01:00:00Z") for d in chosen
    )
    if logs:
        log_days(cadre, [d for d in chosen if d.year == YEAR])


def log_days(cadre, chosen, *, late_by=0):
    stamp = [
        timezone.make_aware(datetime.combine(d + timedelta(days=late_by), time(20))) for d in chosen
    ]
    WorkLog.objects.bulk_create(
        WorkLog(
            cadre=cadre,
            day=d,
            tasks=[Task.POLICY],
            content="走访农户,整理台账",
            first_saved_at=s,
            updated_at=s,
        )
        for d, s in zip(chosen, stamp, strict=True)
    )


def leave(cadre, first, last, requester):
    approved_leave(cadre, first, last, requester=requester)


def notices(cadre, issuer, *, refused: int, open_: int = 0):
    for i in range(refused + open_):
        RectificationNotice.objects.create(
            cadre=cadre,
            issued_on=date(YEAR, 3 + i, 10),
            issuer="town",
            issued_by=issuer,
            log_days=[date(YEAR, 2 + i, 3).isoformat()],
            reason="日志未及时填写",
            status="refused" if i < refused else "open",
        )


def score(cast, cadre, *, annual=GOOD, ordinary=(GOOD, GOOD), opinion=True, town="ed"):
    """Annual scores by the county (dora), ordinary ones by the town, the team's opinion."""
    for i, contents in enumerate(ordinary):
        services.ordinary_assessment_record(
            actor=cast.users[town],
            cadre=cadre,
            held_on=date(YEAR, 3 * (i + 1), 28),
            title=f"第{i + 1}季度平时考核",
            contents=contents,
            today=TODAY,
        )
    if annual is not None:
        services.annual_assessment_record(
            actor=cast.users["dora"], cadre=cadre, year=YEAR, contents=annual, today=TODAY
        )
    if opinion:
        signer = "ed" if cadre == cast.leader else "alice"
        services.team_opinion_sign(
            actor=cast.users[signer],
            cadre=cadre,
            year=YEAR,
            text=f"{cadre.name}同志全年驻村,工作扎实,群众认可。",
        )


def extra_members(cast, n: int, *, contents=GOOD):
    """n more cadres in alice's team, stationed all year, present every day, scored and opinioned."""
    from tests import factories as f

    cadres = []
    for i in range(n):
        cadre = f.CadreFactory(name=f"队员{i + 1}", unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member", start=date(2024, 1, 1))
        attend(cadre)
        score(cast, cadre, annual={k: v - i * 0.5 for k, v in contents.items()})
        cadres.append(cadre)
    return cadres


def whole_team(cast, *, contents=GOOD):
    """alice and bob stationed all year, present, scored; returns [alice, bob]."""
    for cadre in (cast.leader, cast.member):
        whole_year(cadre)
        attend(cadre)
        score(cast, cadre, annual=contents)
    return [cast.leader, cast.member]


# Who may read bob's (cast.member's) assessment, on the pages and by the API alike.
MEMBER_ASSESSMENT_ACCESS = [
    ("dora", 200),  # the county assessing bob
    ("gus", 200),  # the city
    ("ed", 200),  # the town where he is stationed
    ("fay", 200),  # his dispatching unit
    ("alice", 200),  # his team leader
    ("bob", 200),  # himself
    ("oscar", 404),  # another county
    ("olga", 404),  # another county's team leader
    ("carol", 403),  # a household cadre only: no assessments
]

"""Board snapshots: each board computed once (by `manage.py refresh_boards`, or on first
reading) and filed as JSON; the pages read the snapshot.

A snapshot holds everything figures.Board holds — the id sets behind each figure, the
open findings with their article, rule and evidence, the trend, histogram, matrix and
per-cadre days — so the page, the list behind a figure and its export read the same
sets (figure = list = export). A board shows its whole region (or team) to everyone
who may open it, so one snapshot serves every reader; the views check the user's scope
of the region or team before reading it.
"""

from dataclasses import fields
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.scope import scoped
from zhucun.org.models import Level, Region
from zhucun.stationing.models import Team

from .figures import Board, Figures, Finding, boards, key_of
from .models import BoardSnapshot

# The id sets of a row or total: every field but these.
_SETS = [
    f.name
    for f in fields(Figures)
    if f.name not in ("key", "name", "findings", "excellent_quota", "article_counts")
]


def to_json(b: Board) -> tuple[dict, list]:
    """The board as (the page's part, the total's findings). The page shows only the number
    of findings per article — of the total and of each row — and the first cadres short of
    days, so the findings themselves (the bulk of a city's board) are read by their list only.
    """

    def figures(f: Figures) -> dict:
        return {
            "key": f.key,
            "name": f.name,
            "by_article": f.findings_by_article(),
            "excellent_quota": f.excellent_quota,
            **{name: sorted(getattr(f, name)) for name in _SETS},
        }

    data = {
        "today": b.today.isoformat(),
        "level": b.level,
        "total": figures(b.total),
        "rows": [figures(r) for r in b.rows],
        "at_risk": [_row(f) for f in b.at_risk],
        "trend": b.trend,
        "histogram": b.histogram,
        "stationed_days": b.stationed_days,
        "required_days": b.required_days,
        "matrix_towns": b.matrix_towns,
        "matrix": [[town, article, n] for (town, article), n in b.matrix.items()],
        "articles": b.articles,
        "team_names": b.team_names,
        "cadre_team_names": b.cadre_team_names,
        "cadre_names": b.cadre_names,
        "assessment_year": b.assessment_year,
    }
    return data, [_row(f) for f in b.total.findings]


def _row(finding: Finding) -> list:
    return [getattr(finding, f.name) for f in fields(Finding)]


def from_json(
    data: dict, findings: list | None, *, region: Region, team: Team | None, first: date
) -> Board:
    """The board from its snapshot; without `findings`, its figures hold their number only."""

    def figures(d: dict) -> Figures:
        return Figures(
            d["key"],
            d["name"],
            excellent_quota=d["excellent_quota"],
            article_counts=[tuple(pair) for pair in d["by_article"]],
            **{name: set(d[name]) for name in _SETS},
        )

    def ints(d: dict) -> dict:  # JSON keys are strings
        return {int(k): v for k, v in d.items()}

    b = Board(
        region=region,
        team=team,
        first=first,
        today=date.fromisoformat(data["today"]),
        level=data["level"],
        total=figures(data["total"]),
        rows=[figures(r) for r in data["rows"]],
        trend=[tuple(t) for t in data["trend"]],
        histogram=[tuple(h) for h in data["histogram"]],
        stationed_days=ints(data["stationed_days"]),
        required_days=ints(data["required_days"]),
        matrix_towns=[tuple(t) for t in data["matrix_towns"]],
        matrix={(town, article): n for town, article, n in data["matrix"]},
        articles=data["articles"],
        team_names=ints(data["team_names"]),
        cadre_team_names=ints(data["cadre_team_names"]),
        cadre_names=ints(data["cadre_names"]),
        assessment_year=data["assessment_year"],
        at_risk_filed=[Finding(*f) for f in data["at_risk"]],
    )
    if findings is not None:
        b.total.findings = [Finding(*f) for f in findings]
        b.total.article_counts = None
    return b


def file_boards(region: Region, *, first: date, today: date, team: Team | None = None) -> dict:
    """Compute the boards of `region` and of every region and team below it (or of `team`
    alone) for the month of `first`, and file them, replacing their snapshots, in one
    transaction. Returns key_of → Board."""
    found = boards(region, first=first, today=today, team=team)
    now = timezone.now()
    for b in found.values():
        b.computed_at = now
    rows = []
    for b in found.values():
        data, findings = to_json(b)
        rows.append(
            BoardSnapshot(
                region=b.region,
                team=b.team,
                month=first,
                data=data,
                findings=findings,
                computed_at=now,
            )
        )
    region_ids = [b.region.pk for b in found.values() if b.team is None]
    team_ids = [b.team.pk for b in found.values() if b.team is not None]
    with transaction.atomic():
        BoardSnapshot.objects.filter(
            Q(team__isnull=True, region_id__in=region_ids) | Q(team_id__in=team_ids), month=first
        ).delete()
        BoardSnapshot.objects.bulk_create(rows)
    return found


def snapshot_board(
    user, *, region: Region, first: date, team: Team | None = None, findings: bool = False
) -> Board:
    """The board of `region` (or `team`) for the month of `first`, from its snapshot, with
    the findings themselves if asked (the list of findings; the page needs their number).

    The caller has read `region` or `team` through the user's scope. With no snapshot
    yet (a new month, a fresh install) it is computed now and filed (read-through), with
    the boards below it, so no board is ever empty or missing.
    """
    columns = ["data", "computed_at", "stale"] + (["findings"] if findings else [])
    found = (
        scoped(user, BoardSnapshot.objects.all())
        .filter(month=first, **({"team": team} if team else {"region": region, "team": None}))
        .values_list(*columns)
        .first()
    )
    if found is not None:
        data, computed_at, stale, *listed = found
        b = from_json(data, listed[0] if listed else None, region=region, team=team, first=first)
        b.computed_at, b.stale = computed_at, stale
        return b
    today = timezone.localdate()
    try:
        with transaction.atomic():
            return file_boards(region, first=first, today=today, team=team)[key_of(region, team)]
    except IntegrityError:
        # Another request filed the same board meanwhile: read theirs.
        return snapshot_board(user, region=region, first=first, team=team, findings=findings)


def refresh(today: date, months: list[date] | None = None) -> list[tuple[date, int]]:
    """File every board of every city: the months with stale snapshots first, then this
    month (or the given months). Each engine runs once per city and month."""
    if months is None:
        stale = BoardSnapshot.objects.filter(stale=True).values_list("month", flat=True)
        months = sorted(set(stale))
        this_month = today.replace(day=1)
        months = [m for m in months if m != this_month] + [this_month]
    done = []
    for month in months:
        filed = 0
        for city in Region.objects.filter(level=Level.CITY).order_by("code"):
            filed += len(file_boards(city, first=month, today=today))
        done.append((month, filed))
    return done

"""The figures of a dashboard, computed set-based for a region (or one team) in the user's scope.

One call of `board(...)` reads, whatever the number of teams, cadres and
households: the child regions, the active teams, the active assignments,
the cadre-day calendar (zhucun.stationing.calendar.attendance_for), contact
compliance (zhucun.households.compliance), the team checks
(zhucun.stationing.team_checks) and the pending approval steps. Every figure
is the size of a set of record ids kept on the board, so the list behind a
figure (and its export) is those same records: `records(...)` lists them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.approvals.models import Request, Step, StepState
from zhucun.households.compliance import contact_compliance
from zhucun.households.models import Pairing
from zhucun.org.models import Level, Region
from zhucun.policy.periods import month_end, month_label
from zhucun.stationing.calendar import attendance_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, Team
from zhucun.stationing.team_checks import team_findings

from .progress import assessment_progress

# What a row of a region's table is: the level below it.
CHILD_LEVEL = {Level.CITY: "county", Level.COUNTY: "town", Level.TOWN: "team"}
STATIONED_BINS = ((0, 4), (5, 9), (10, 14), (15, 19), (20, 31))
# The parts of a board, each with its own reads. A board page shows them all; the list
# behind one figure computes only the parts that figure is made of (records.PARTS_OF).
PARTS = frozenset({"attendance", "contacts", "team_checks", "pending", "progress"})


@dataclass(frozen=True)
class Finding:
    article: str
    rule: str
    subject: str  # a name a person reads
    message: str
    town_id: int | None
    team_id: int | None


@dataclass
class Figures:
    """One row of the dashboard (a county, town or team) or the total."""

    key: int | None
    name: str
    teams: set = field(default_factory=set)
    cadres: set = field(default_factory=set)  # in post today, counted in the team's size
    on_track: set = field(default_factory=set)  # of those, not short of 第十六条 this month
    households: set = field(default_factory=set)  # paired today
    missing: set = field(default_factory=set)  # of those, a contact missed this month
    findings: list = field(default_factory=list)
    pending: set = field(default_factory=set)  # pending approval steps
    # Assessment of the previous year (第三十、三十二条), see progress.py.
    to_assess: set = field(default_factory=set)  # cadres taking part (驻村满半年)
    scored: set = field(default_factory=set)  # of those, every score and the opinion recorded
    finalised: set = field(default_factory=set)  # of those, archived by the county
    excellent: set = field(default_factory=set)  # of those, 优秀 in the finalised results
    excellent_quota: int | None = None  # for a county or the counties of a city

    @property
    def off_track(self) -> set:
        return self.cadres - self.on_track

    @property
    def contacted(self) -> set:
        return self.households - self.missing

    @property
    def stationed_share(self) -> int | None:
        return round(100 * len(self.on_track) / len(self.cadres)) if self.cadres else None

    @property
    def contact_share(self) -> int | None:
        return round(100 * len(self.contacted) / len(self.households)) if self.households else None

    def findings_by_article(self) -> list[tuple[str, int]]:
        return sorted(Counter(f.article for f in self.findings).items(), key=_article_order)


NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def article_number(article: str) -> tuple[int, str]:
    """第三十五条(四) → (35, "(四)"), so articles sort as the rulebook orders them."""
    head, _, rest = article.removeprefix("第").partition("条")
    number, tens = 0, 0
    for ch in head:
        if ch == "十":
            tens = max(number, 1) * 10
            number = 0
        elif ch == "百":
            number *= 100
        else:
            number = NUMERALS.get(ch, 0)
    return tens + number, rest


def _article_order(item):
    return article_number(item[0])


@dataclass
class Board:
    region: Region
    team: Team | None
    first: date
    today: date
    level: str  # what the rows are: county / town / team
    total: Figures
    rows: list[Figures]
    trend: list[tuple[str, int | None, int]]  # month, % on track, contacts missed
    histogram: list[tuple[str, int]]  # stationed-day bin, cadres
    stationed_days: dict[int, int]  # cadre id → stationed days this month
    required_days: dict[int, int]
    matrix_towns: list[tuple[int, str]] = field(default_factory=list)
    matrix: dict[tuple[int, str], int] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)
    team_names: dict[int, str] = field(default_factory=dict)
    cadre_team_names: dict[int, str] = field(default_factory=dict)
    cadre_names: dict[int, str] = field(default_factory=dict)
    assessment_year: int | None = None

    @property
    def month_over(self) -> bool:
        return self.today > month_end(self.first)

    @property
    def cadre_list(self) -> list[tuple[int, str, int, int]]:
        """(cadre id, name, stationed days, required days) this month, by name."""
        return sorted(
            (
                (pk, self.cadre_names.get(pk, ""), days, self.required_days[pk])
                for pk, days in self.stationed_days.items()
            ),
            key=lambda row: row[1],
        )


def _in_region(region: Region, prefix: str) -> Q:
    if region.level == Level.CITY:
        return Q(**{f"{prefix}city": region})
    if region.level == Level.COUNTY:
        return Q(**{f"{prefix}county": region})
    if region.level == Level.TOWN:
        return Q(**{f"{prefix}town": region})
    return Q(**{prefix.rstrip("_") if prefix else "pk": region.pk})


def board(
    user,
    *,
    region: Region,
    first: date,
    today: date,
    team: Team | None = None,
    parts: frozenset = PARTS,
) -> Board:
    last = min(month_end(first), today)
    level = "team" if team is not None else CHILD_LEVEL.get(region.level, "team")

    if team is not None:
        # The caller read the team through the user's scope, with its village, town and county.
        teams = [team] if team.withdrawn_on is None and team.formed_on <= today else []
    else:
        teams_qs = scoped(
            user, Team.objects.filter(withdrawn_on__isnull=True, formed_on__lte=today)
        ).filter(_in_region(region, "village__"))
        teams = list(teams_qs.select_related("village__town", "village__county"))
    team_place = {t.pk: (t.village.county_id, t.village.town_id) for t in teams}

    def key_of(county_id, town_id, team_id):
        return {"county": county_id, "town": town_id, "team": team_id}[level]

    if level == "team":
        names = {t.pk: t.name for t in teams}
    else:
        names = dict(
            Region.objects.filter(parent=region).order_by("code").values_list("pk", "name")
        )
    rows = {pk: Figures(pk, name) for pk, name in names.items()}
    total = Figures(None, team.name if team else region.name)

    def add(attr, value, county_id, town_id, team_id):
        for figures in (total, rows.get(key_of(county_id, town_id, team_id))):
            if figures is not None:
                target = getattr(figures, attr)
                target.append(value) if isinstance(target, list) else target.add(value)

    for t in teams:
        add("teams", t.pk, t.village.county_id, t.village.town_id, t.pk)

    # Cadres in post today; a cadre in two teams counts once, with the first.
    cadre_team: dict[int, int] = {}
    cadre_names: dict[int, str] = {}
    in_post = (
        Assignment.objects.filter(team__in=teams, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exclude(role__in=NON_COUNTED_ROLES)
        .order_by("team_id", "pk")
        .values_list("cadre_id", "team_id", "cadre__name")
    )
    for cadre_id, team_id, cadre_name in in_post if "attendance" in parts else ():
        cadre_team.setdefault(cadre_id, team_id)
        cadre_names[cadre_id] = cadre_name
    results = (
        attendance_for(list(cadre_team), first.year, today=today, subjects=cadre_names)
        if cadre_team
        else {}
    )
    label = month_label(first)
    stationed_days, required_days = {}, {}
    trend_pass: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for cadre_id, result in results.items():
        team_id = cadre_team[cadre_id]
        place = (*team_place[team_id], team_id)
        add("cadres", cadre_id, *place)
        for check in result.checks:
            if check.rule == "monthly_stationed_days":
                if check.period <= label:
                    trend_pass[check.period][1] += 1
                    trend_pass[check.period][0] += check.passed is not False
                if check.period == label:
                    stationed_days[cadre_id] = check.evidence["stationed_days"]
                    required_days[cadre_id] = check.evidence["required_days"]
                    if not check.fired:
                        add("on_track", cadre_id, *place)
                    else:
                        add("findings", _finding(check, team_place, team_id), *place)
            elif check.fired:
                add("findings", _finding(check, team_place, team_id), *place)

    # Households paired today in the region, and the contacts missed this month (第二十条).
    pairings = scoped(user, Pairing.objects.filter(start__lte=today)).filter(
        Q(end__isnull=True) | Q(end__gt=today), _in_region(region, "household__village__")
    )
    if team is not None:
        pairings = pairings.filter(household__village_id=team.village_id)
    household_place, household_names = {}, {}
    village_team = {t.village_id: t.pk for t in teams}
    paired = pairings.values_list(
        "household_id",
        "household__village__county_id",
        "household__village__town_id",
        "household__village_id",
        "household__head_name",
    )
    for household_id, county_id, town_id, village_id, head_name in (
        paired if "contacts" in parts else ()
    ):
        household_names[household_id] = f"{head_name}户"
        place = (county_id, town_id, village_team.get(village_id))
        household_place[household_id] = place
        add("households", household_id, *place)
    year_first = date(first.year, 1, 1)
    missed_by_month: Counter = Counter()
    if household_place:
        compliance = contact_compliance(
            user,
            since=year_first,
            until=last,
            today=today,
            household_ids=_household_filter(household_place, pairings),
        )
        for check in compliance.checks:
            household_id = int(check.subject.split(":")[1])
            month = check.evidence.get("week_end", check.period)[:7]
            missed_by_month[month] += 1
            if month != label or household_id not in household_place:
                continue
            place = household_place[household_id]
            add("missing", household_id, *place)
            add(
                "findings",
                Finding(
                    check.article,
                    check.rule,
                    household_names[household_id],
                    check.message,
                    place[1],
                    place[2],
                ),
                *place,
            )

    for report in team_findings(teams, today=today) if "team_checks" in parts else ():
        t = report.team
        for check in report.findings:
            add(
                "findings",
                Finding(check.article, check.rule, t.name, check.message, t.village.town_id, t.pk),
                t.village.county_id,
                t.village.town_id,
                t.pk,
            )

    # Pending approval steps on requests in the region that the user may see.
    steps = Step.objects.filter(
        state=StepState.PENDING,
        request__in=scoped(user, Request.objects.all()),
        request__team__in=teams,
    ).values_list("pk", "request__team_id")
    for step_id, team_id in steps if "pending" in parts else ():
        add("pending", step_id, *team_place[team_id], team_id)

    progress = None
    if team is None and "progress" in parts:
        progress = assessment_progress(
            user, region, first.year - 1, in_region=_in_region(region, "team__village__")
        )
        for c in progress.cadres:
            place = (c.county_id, c.town_id, c.team_id)
            for attr, flag in (
                ("to_assess", c.eligible),
                ("scored", c.scored),
                ("finalised", c.finalised),
                ("excellent", c.excellent),
            ):
                if flag:
                    add(attr, c.cadre_id, *place)
        if region.level in (Level.CITY, Level.COUNTY):
            total.excellent_quota = sum(progress.quota.values())
        if level == "county":
            for county_id, quota in progress.quota.items():
                if county_id in rows:
                    rows[county_id].excellent_quota = quota

    names_of_teams = {t.pk: t.name for t in teams}
    board_ = Board(
        region=region,
        team=team,
        first=first,
        today=today,
        level=level,
        total=total,
        rows=list(rows.values()),
        trend=[
            (
                month,
                round(100 * trend_pass[month][0] / trend_pass[month][1])
                if trend_pass[month][1]
                else None,
                missed_by_month[month],
            )
            for month in (f"{first.year:04d}-{m:02d}" for m in range(1, first.month + 1))
        ],
        histogram=_histogram(stationed_days.values()),
        stationed_days=stationed_days,
        required_days=required_days,
        team_names={t.pk: t.name for t in teams},
        cadre_team_names={c: names_of_teams[t] for c, t in cadre_team.items()},
        cadre_names=cadre_names,
        assessment_year=progress.year if progress else None,
    )
    _matrix(board_, teams)
    return board_


# SQLite reads a team's contacts fastest by a literal list of households (3-4 times
# faster than the subquery at 200), a county's by the subquery (a little faster at 2,000);
# a city's households would also exceed SQLite's 32,766 parameters as a list.
HOUSEHOLD_LIST_MAX = 1000


def _household_filter(household_place: dict, pairings):
    if len(household_place) <= HOUSEHOLD_LIST_MAX:
        return list(household_place)
    return pairings.values("household_id")


def _finding(check, team_place, team_id) -> Finding:
    return Finding(
        check.article, check.rule, check.subject, check.message, team_place[team_id][1], team_id
    )


def _histogram(values) -> list[tuple[str, int]]:
    values = list(values)
    out = []
    for low, high in STATIONED_BINS:
        name = f"{low}天以上" if high > 30 else f"{low}–{high}天"
        out.append((name, sum(1 for v in values if low <= v <= high)))
    return out


def _matrix(board_: Board, teams) -> None:
    """Open findings by town × article (the towns of the region, or the team's town)."""
    towns = {t.village.town_id: t.village.town.name for t in teams}
    counts: Counter = Counter()
    for f in board_.total.findings:
        if f.town_id is not None:
            counts[(f.town_id, f.article)] += 1
            towns.setdefault(f.town_id, "")
    board_.articles = sorted({a for _t, a in counts}, key=article_number)
    board_.matrix_towns = sorted(towns.items(), key=lambda item: item[1])
    board_.matrix = dict(counts)

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
from datetime import date, datetime

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.alongside import started
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
AT_RISK = 5  # cadres short of days named on a board's to-do list
STATIONED_BINS = ((0, 4), (5, 9), (10, 14), (15, 19), (20, 31))


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
    # Read from a snapshot without the findings themselves (snapshots.py): their number
    # per article, which is all a board page shows of a row's findings.
    article_counts: list | None = None

    @property
    def finding_count(self) -> int:
        if self.article_counts is not None:
            return sum(n for _a, n in self.article_counts)
        return len(self.findings)

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
        if self.article_counts is not None:
            return self.article_counts
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
    # Read from a snapshot (snapshots.py): when it was computed, and whether the past
    # has changed since (待更新).
    computed_at: datetime | None = None
    stale: bool = False

    @property
    def at_risk(self) -> list[Finding]:
        """The first few cadres short of 第十六条 this month, for the to-do list."""
        if self.at_risk_filed is not None:
            return self.at_risk_filed
        return [f for f in self.total.findings if f.rule == "monthly_stationed_days"][:AT_RISK]

    at_risk_filed: list | None = None  # from a snapshot read without the findings

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


def board(user, *, region: Region, first: date, today: date, team: Team | None = None) -> Board:
    """The board of `region` (or of `team`, in its village) for the month of `first`,
    computed live from what `user` may see."""
    return _compute(user, region=region, first=first, today=today, team=team)[key_of(region, team)]


def boards(region: Region, *, first: date, today: date, team: Team | None = None) -> dict:
    """The board of `region` and of every county, town and team below it (or of `team`
    alone), key_of → Board, from one run of each engine over the whole region.

    A board shows its whole region (or team) to everyone who may open it — the view
    checks that scope — so these are computed unscoped, for every reader at once.
    """
    return _compute(EVERYONE, region=region, first=first, today=today, team=team, every_level=True)


def key_of(region: Region, team: Team | None) -> tuple[str, int]:
    return ("team", team.pk) if team is not None else ("region", region.pk)


class _Everyone:
    """The reader of `boards()`: scope_for gives a superuser the whole database."""

    is_authenticated = is_active = is_superuser = True


EVERYONE = _Everyone()


class _Filling:
    """One board being filled: its total and rows, and the per-cadre and per-month tallies."""

    def __init__(self, region: Region, team: Team | None, level: str, names: dict):
        self.region, self.team, self.level = region, team, level
        self.rows = {pk: Figures(pk, name) for pk, name in names.items()}
        self.total = Figures(None, team.name if team else region.name)
        self.teams: list[Team] = []
        self.cadre_team: dict[int, int] = {}
        self.cadre_names: dict[int, str] = {}
        self.stationed_days: dict[int, int] = {}
        self.required_days: dict[int, int] = {}
        self.trend_pass: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.missed_by_month: Counter = Counter()

    def add(self, attr, value, county_id, town_id, team_id):
        row = {"county": county_id, "town": town_id, "team": team_id}[self.level]
        for figures in (self.total, self.rows.get(row)):
            if figures is not None:
                target = getattr(figures, attr)
                target.append(value) if isinstance(target, list) else target.add(value)


def _compute(user, *, region, first, today, team=None, every_level=False) -> dict:
    """The boards, key_of → Board: `region`'s (or `team`'s) and, with `every_level`, each
    county, town and team below it. Every fact is filed on each board it belongs to (the
    `add` of each, with the fact's county, town and team), so a board below equals the
    board computed for that region alone."""
    last = min(month_end(first), today)
    main = key_of(region, team)
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

    filling: dict[tuple[str, int], _Filling] = {}
    below: list[Region] = []
    if level == "team":
        names = {t.pk: t.name for t in teams}
    elif every_level:
        # The counties and towns below: their boards, and the rows of each.
        below = list(
            Region.objects.filter(Q(parent=region) | Q(parent__parent=region))
            .filter(level__in=(Level.COUNTY, Level.TOWN))
            .order_by("code")
        )
        names = {r.pk: r.name for r in below if r.parent_id == region.pk}
    else:
        names = dict(
            Region.objects.filter(parent=region).order_by("code").values_list("pk", "name")
        )
    filling[main] = _Filling(region, team, level, names)
    if every_level and team is None:
        for r in below:
            if r.level == Level.COUNTY:
                children = {c.pk: c.name for c in below if c.parent_id == r.pk}
                filling[("region", r.pk)] = _Filling(r, None, "town", children)
            else:
                children = {t.pk: t.name for t in teams if t.village.town_id == r.pk}
                filling[("region", r.pk)] = _Filling(r, None, "team", children)
        for t in teams:
            filling[("team", t.pk)] = _Filling(t.village, t, "team", {t.pk: t.name})

    routes: dict[tuple, list[_Filling]] = {}

    def boards_of(county_id, town_id, team_id, regions_only=False) -> list[_Filling]:
        """The boards a fact of this place is filed on."""
        place = (county_id, town_id, team_id, regions_only)
        found = routes.get(place)
        if found is None:
            keys = [main]
            if every_level:
                keys += [("region", county_id), ("region", town_id)]
                if not regions_only:
                    keys.append(("team", team_id))
            found = routes[place] = [
                filling[k]
                for k in dict.fromkeys(keys)
                if k in filling and (not regions_only or filling[k].team is None)
            ]
        return found

    def add(attr, value, county_id, town_id, team_id, regions_only=False):
        for f in boards_of(county_id, town_id, team_id, regions_only):
            f.add(attr, value, county_id, town_id, team_id)

    for t in teams:
        for f in boards_of(*team_place[t.pk], t.pk):
            f.teams.append(t)
        add("teams", t.pk, *team_place[t.pk], t.pk)

    # Households paired today in the region; the contacts missed this month (第二十条) below.
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
    for household_id, county_id, town_id, village_id, head_name in paired:
        household_names[household_id] = f"{head_name}户"
        place = (county_id, town_id, village_team.get(village_id))
        household_place[household_id] = place
        add("households", household_id, *place)
    # The contacts' counting (one statement) runs on its own connection while the cadres'
    # year is judged below (zhucun/alongside.py); its checks are filed after the cadres'.
    pending = (
        started(
            contact_compliance,
            user,
            since=date(first.year, 1, 1),
            until=last,
            today=today,
            household_ids=_household_filter(household_place, pairings),
        )
        if household_place
        else None
    )

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
    for cadre_id, team_id, cadre_name in in_post:
        cadre_team.setdefault(cadre_id, team_id)
        cadre_names[cadre_id] = cadre_name
    results = (
        attendance_for(list(cadre_team), first.year, today=today, subjects=cadre_names)
        if cadre_team
        else {}
    )
    label = month_label(first)
    for cadre_id, result in results.items():
        team_id = cadre_team[cadre_id]
        place = (*team_place[team_id], team_id)
        targets = boards_of(*place)
        for f in targets:
            f.cadre_team[cadre_id] = team_id
            f.cadre_names[cadre_id] = cadre_names[cadre_id]
        add("cadres", cadre_id, *place)
        for check in result.checks:
            if check.rule == "monthly_stationed_days":
                if check.period <= label:
                    for f in targets:
                        f.trend_pass[check.period][1] += 1
                        f.trend_pass[check.period][0] += check.passed is not False
                if check.period == label:
                    for f in targets:
                        f.stationed_days[cadre_id] = check.evidence["stationed_days"]
                        f.required_days[cadre_id] = check.evidence["required_days"]
                    if not check.fired:
                        add("on_track", cadre_id, *place)
                    else:
                        add("findings", _finding(check, team_place, team_id), *place)
            elif check.fired:
                add("findings", _finding(check, team_place, team_id), *place)

    if pending is not None:
        compliance = pending.result()
        for check in compliance.checks:
            household_id = int(check.subject.split(":")[1])
            month = check.evidence.get("week_end", check.period)[:7]
            place = household_place.get(household_id)
            for f in boards_of(*place) if place else [filling[main]]:
                f.missed_by_month[month] += 1
            if month != label or place is None:
                continue
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

    for report in team_findings(teams, today=today):
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
    for step_id, team_id in steps:
        add("pending", step_id, *team_place[team_id], team_id)

    progress = None
    if team is None:
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
                    add(attr, c.cadre_id, *place, regions_only=True)

    return {key: _board(f, progress, first, today) for key, f in filling.items()}


def _board(f: _Filling, progress, first: date, today: date) -> Board:
    region, total = f.region, f.total
    if progress is not None and f.team is None:
        if region.level in (Level.CITY, Level.COUNTY):
            total.excellent_quota = sum(
                quota
                for county_id, quota in progress.quota.items()
                if region.level == Level.CITY or county_id == region.pk
            )
        if f.level == "county":
            for county_id, quota in progress.quota.items():
                if county_id in f.rows:
                    f.rows[county_id].excellent_quota = quota
    names_of_teams = {t.pk: t.name for t in f.teams}
    board_ = Board(
        region=region,
        team=f.team,
        first=first,
        today=today,
        level=f.level,
        total=total,
        rows=list(f.rows.values()),
        trend=[
            (
                month,
                round(100 * f.trend_pass[month][0] / f.trend_pass[month][1])
                if f.trend_pass[month][1]
                else None,
                f.missed_by_month[month],
            )
            for month in (f"{first.year:04d}-{m:02d}" for m in range(1, first.month + 1))
        ],
        histogram=_histogram(f.stationed_days.values()),
        stationed_days=f.stationed_days,
        required_days=f.required_days,
        team_names=names_of_teams,
        cadre_team_names={c: names_of_teams[t] for c, t in f.cadre_team.items()},
        cadre_names=f.cadre_names,
        assessment_year=progress.year if progress is not None and f.team is None else None,
    )
    _matrix(board_, f.teams)
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

"""A deterministic Xi'an-shaped city: regions, units, cadres, teams, households, logins.

Scale 1 is Xi'an (about 300 teams, 1,200 stationed cadres, 10,000 household
cadres and 75,000 households); the demo uses a tenth of that. The same seed
and scale always give the same city, so screenshots and benchmarks repeat.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.models import Position, User
from zhucun.accounts.roles import Duty, Role
from zhucun.accounts.second_factor import otp_required
from zhucun.bulkload import refresh_planner_statistics
from zhucun.demo import names, xian
from zhucun.households.codes import Attribute, Cause, Status
from zhucun.households.models import Household, Pairing
from zhucun.org.identity import id_check_char
from zhucun.org.models import Cadre, CountyKind, Level, Rank, Region, Unit, UnitLevel
from zhucun.stationing.models import Assignment, AssignmentRole, Team

DEMO_PASSWORD = "Zhucun#2026"
DEMO_USERNAMES = (
    "city",
    "county",
    "town",
    "mayor",
    "unit",
    "leader",
    "member",
    "household",
    "sysadmin",
    "secadmin",
    "auditadmin",
)


@dataclass
class DemoLogin:
    username: str
    role: Role
    full_name: str
    where: str


@dataclass
class BuiltCity:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


class _Ids:
    """Unique, valid ID numbers and phone numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()
        self.phones: set[str] = set()

    def id_number(self, county_code: str, birth: date) -> str:
        while True:
            first17 = f"{county_code}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
            value = first17 + id_check_char(first17)
            if value not in self.seen:
                self.seen.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = f"1{self.rng.choice('3456789')}{self.rng.randrange(10**9):09d}"
            if value not in self.phones:
                self.phones.add(value)
                return value


def _birth(rng: random.Random, today: date, youngest: int, oldest: int) -> date:
    return today - timedelta(days=rng.randint(youngest * 365, oldest * 365))


def build_city(
    *, scale: float = 0.1, seed: int = 2018, today: date, activity: bool = True
) -> BuiltCity:
    """Create the city in the (empty) database and return what was made.

    activity=False leaves out contacts, work logs and notices: the benchmark
    (zhucun.bench.dataset) writes a full year of them for the whole city itself.
    """
    with transaction.atomic():
        builder = _Builder(scale, seed, today)
        builder.with_activity = activity
        built = builder.build()
        refresh_planner_statistics()
        return built


class _Builder:
    def __init__(self, scale: float, seed: int, today: date):
        self.rng = random.Random(seed)
        self.ids = _Ids(self.rng)
        self.today = today
        self.now = timezone.now()
        self.n_teams = max(6, round(300 * scale))
        self.households_per_village = max(20, round(250 * min(scale * 10, 1)))
        self.households_per_cadre = 7.5
        self.result = BuiltCity()

    # -- regions -------------------------------------------------------------
    def _regions(self):
        province = Region.objects.create(
            code=xian.PROVINCE[0], name=xian.PROVINCE[1], level=Level.PROVINCE
        )
        city = Region(code=xian.CITY[0], name=xian.CITY[1], level=Level.CITY, parent=province)
        city.save()
        city.city = city
        city.save(update_fields=["city"])
        self.city = city
        counties = []
        for code6, name, kind, _share, _towns in xian.COUNTIES:
            counties.append(
                Region(
                    code=f"{code6}000000",
                    name=name,
                    level=Level.COUNTY,
                    parent=city,
                    city=city,
                    county_kind=kind,
                )
            )
        Region.objects.bulk_create(counties)
        for county in counties:
            county.county = county
        Region.objects.bulk_update(counties, ["county"])
        self.counties = counties

        towns = []
        for county, (code6, _name, _kind, _share, town_names) in zip(
            counties, xian.COUNTIES, strict=True
        ):
            for i, town_name in enumerate(town_names.split()):
                # Street offices are numbered from 001, towns from 100 (as the real codes are).
                number = (1 if town_name.endswith("街道") else 100) + i
                towns.append(
                    Region(
                        code=f"{code6}{number:03d}000",
                        name=town_name,
                        level=Level.TOWN,
                        parent=county,
                        city=city,
                        county=county,
                    )
                )
        Region.objects.bulk_create(towns)
        for town in towns:
            town.town = town
        Region.objects.bulk_update(towns, ["town"])
        self.towns_by_county = {}
        for town in towns:
            self.towns_by_county.setdefault(town.county_id, []).append(town)

        # Poor villages, spread over the poverty counties by share; one in
        # fifty extra is left without a team so the 第三条 flag is visible.
        villages = []
        self.poor_villages = []
        n_poor = self.n_teams + max(1, self.n_teams // 50)
        for county, (_c, _n, _kind, share, _t) in zip(counties, xian.COUNTIES, strict=True):
            if share == 0:
                continue
            towns_here = self.towns_by_county[county.pk]
            count = max(1, round(n_poor * share))
            taken: set[str] = set()
            per_town: dict[int, int] = {}
            for i in range(count + count // 3):  # a third more villages that are not poor
                town = towns_here[i % len(towns_here)]
                seq = per_town[town.pk] = per_town.get(town.pk, 0) + 1
                poor = i < count
                village = Region(
                    code=f"{town.code[:9]}{200 + seq:03d}",
                    name=names.village_name(self.rng, taken),
                    level=Level.VILLAGE,
                    parent=town,
                    city=city,
                    county=county,
                    town=town,
                    is_poor=poor,
                    weaknesses=sorted(
                        self.rng.sample(["party", "economy", "society"], self.rng.choice([1, 1, 2]))
                    )
                    if poor
                    else [],
                    difficulty=self.rng.randint(1, 5) if poor else None,
                )
                villages.append(village)
        Region.objects.bulk_create(villages)
        self.poor_villages = [v for v in villages if v.is_poor]
        self.rng.shuffle(self.poor_villages)
        self.result.counts["regions"] = 2 + len(counties) + len(towns) + len(villages)

    # -- units and cadres ----------------------------------------------------
    def _units(self):
        units = []
        for name in xian.PROVINCE_UNITS:
            units.append(
                Unit(
                    name=name,
                    level=UnitLevel.PROVINCE,
                    staff_count=self.rng.randint(60, 300),
                    region=self.city.parent,
                )
            )
        for name in xian.CITY_UNITS:
            units.append(
                Unit(
                    name=name,
                    level=UnitLevel.CITY,
                    staff_count=self.rng.choice([12, 16, 18, 25, 40, 60, 80, 120]),
                    region=self.city,
                )
            )
        for county in self.counties:
            kinds = (
                xian.COUNTY_UNIT_KINDS
                if county.county_kind == CountyKind.POVERTY_COUNTY
                else xian.COUNTY_UNIT_KINDS[:6]
            )
            for kind in kinds:
                units.append(
                    Unit(
                        name=f"{county.name}{kind}",
                        level=UnitLevel.COUNTY,
                        staff_count=self.rng.choice([10, 15, 18, 22, 30, 45, 60]),
                        region=county,
                    )
                )
        Unit.objects.bulk_create(units)
        self.units = units
        self.county_of = {c.pk: c for c in self.counties}

    def _new_cadre(self, unit: Unit, rank: str) -> Cadre:
        gender = "M" if self.rng.random() < 0.72 else "F"
        birth = _birth(self.rng, self.today, 26, 56)
        home = unit.region if unit.region.level == Level.COUNTY else self.rng.choice(self.counties)
        return Cadre(
            name=names.person_name(self.rng, gender),
            gender=gender,
            birth_date=birth,
            id_number=self.ids.id_number(home.code[:6], birth),
            phone=self.ids.phone(),
            unit=unit,
            rank=rank,
            expertise=sorted(
                self.rng.sample(["party", "economy", "society"], self.rng.choice([1, 1, 2]))
            ),
            is_reserve=self.rng.random() < 0.3,
            is_party_member=self.rng.random() < 0.85,
        )

    def _leader_rank(self, unit: Unit) -> str:
        """第六条: 处级 from city-level units and urban districts, 科级 from poverty counties."""
        kind = unit.region.county_kind if unit.region.level == Level.COUNTY else ""
        expected = Rank.SECTION if kind == CountyKind.POVERTY_COUNTY else Rank.DIVISION
        if self.rng.random() < 0.04:  # a few mismatches, so the team check has something to show
            return Rank.SECTION if expected == Rank.DIVISION else Rank.OTHER
        return expected

    # -- teams ---------------------------------------------------------------
    def _teams(self):
        city_units = [u for u in self.units if u.level in (UnitLevel.CITY, UnitLevel.PROVINCE)]
        urban_units = [
            u
            for u in self.units
            if u.level == UnitLevel.COUNTY and u.region.county_kind == CountyKind.URBAN_DISTRICT
        ]
        county_units = {}
        for u in self.units:
            if u.level == UnitLevel.COUNTY and u.region.county_kind == CountyKind.POVERTY_COUNTY:
                county_units.setdefault(u.region_id, []).append(u)

        teams, team_units, stationed = [], [], []
        for village in self.poor_villages[: self.n_teams]:
            roll = self.rng.random()
            if roll < 0.6:
                lead = self.rng.choice(city_units)
            elif roll < 0.8:
                lead = self.rng.choice(urban_units)
            else:
                lead = self.rng.choice(county_units[village.county_id])
            partners = [lead]
            if lead.staff_count < 20:  # 第六条: small units form joint teams
                partners.append(
                    self.rng.choice(
                        [u for u in city_units if u.staff_count < 20 and u is not lead]
                        or city_units
                    )
                )
            formed = self.today - timedelta(days=self.rng.randint(200, 700))
            team = Team(
                name=f"{village.name}驻村工作队", village=village, lead_unit=lead, formed_on=formed
            )
            teams.append(team)
            team_units.append(partners)
            size = self.rng.choices([2, 3, 4], weights=[4, 60, 36])[0]
            members = [(AssignmentRole.LEADER_SECRETARY, self._leader_rank(lead), partners[0])]
            for i in range(size):
                members.append(
                    (
                        AssignmentRole.MEMBER,
                        self.rng.choice([Rank.SECTION, Rank.OTHER]),
                        partners[i % len(partners)],
                    )
                )
            stationed.append((team, members, formed))
        Team.objects.bulk_create(teams)
        Team.units.through.objects.bulk_create(
            [
                Team.units.through(team_id=t.pk, unit_id=u.pk)
                for t, us in zip(teams, team_units, strict=True)
                for u in us
            ]
        )
        cadres, assignments = [], []
        for team, members, formed in stationed:
            for role, rank, unit in members:
                cadre = self._new_cadre(unit, rank)
                cadres.append(cadre)
                start = formed + timedelta(days=self.rng.randint(0, 20))
                term = (
                    2 * 365 + 1 if self.rng.random() > 0.03 else 365
                )  # a few short terms for 第六条
                assignments.append((team, cadre, role, start, start + timedelta(days=term)))
            # Town contact cadre (包村干部): joins the team, not counted (第八条).
            if self.rng.random() < 0.5:
                town_units = county_units.get(team.village.county_id) or self.units
                cadre = self._new_cadre(self.rng.choice(town_units), Rank.OTHER)
                cadres.append(cadre)
                assignments.append(
                    (team, cadre, AssignmentRole.TOWN_CONTACT, formed, formed + timedelta(days=731))
                )
        Cadre.objects.bulk_create(cadres)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    team=t,
                    cadre=c,
                    role=r,
                    start=s,
                    planned_end=e,
                    party_transferred_on=s + timedelta(days=30)
                    if c.is_party_member and r != AssignmentRole.TOWN_CONTACT
                    else None,
                )
                for t, c, r, s, e in assignments
            ]
        )
        self.teams = teams
        self.team_units = team_units
        self.stationed = {t.pk: [c for tt, c, *_ in assignments if tt is t] for t in teams}
        self.result.counts["teams"] = len(teams)
        self.result.counts["stationed_cadres"] = len(cadres)

    # -- households ------------------------------------------------------------
    def _households(self):
        households, pairings, cadres = [], [], []
        seq = 0
        for team, partners in zip(self.teams, self.team_units, strict=True):
            village = team.village
            count = self.rng.randint(
                int(self.households_per_village * 0.7), int(self.households_per_village * 1.3)
            )
            n_cadres = max(1, round(count / self.households_per_cadre))
            paired_cadres = [
                self._new_cadre(
                    partners[i % len(partners)], self.rng.choice([Rank.SECTION, Rank.OTHER])
                )
                for i in range(n_cadres)
            ]
            cadres.extend(paired_cadres)
            for i in range(count):
                seq += 1
                status = self.rng.choices(
                    [Status.EXITED, Status.POOR, Status.RETURNED], weights=[80, 17, 3]
                )[0]
                main = self.rng.choices(list(Cause), weights=[30, 14, 8, 3, 4, 2, 12, 12, 8, 2, 5])[
                    0
                ]
                household = Household(
                    code=f"{village.code}{i + 1:04d}",
                    village=village,
                    head_name=names.person_name(self.rng, "M" if self.rng.random() < 0.8 else "F"),
                    attribute=self.rng.choices(list(Attribute), weights=[75, 20, 5])[0],
                    main_cause=main,
                    other_causes=sorted(
                        {c.value for c in self.rng.sample(list(Cause), self.rng.randint(0, 2))}
                        - {main.value}
                    ),
                    status=status,
                    exit_year=self.rng.choice([2018, 2019, 2020])
                    if status != Status.POOR
                    else None,
                    members=self.rng.randint(1, 7),
                    income_per_head=self.rng.randint(3500, 16000),
                    farmland_mu=round(self.rng.uniform(0, 8), 1),
                )
                households.append(household)
                pairings.append((household, paired_cadres[i % n_cadres], team.formed_on))
        Cadre.objects.bulk_create(cadres, batch_size=2000)
        Household.objects.bulk_create(households, batch_size=2000)
        Pairing.objects.bulk_create(
            [Pairing(household=h, cadre=c, start=s) for h, c, s in pairings], batch_size=2000
        )
        self.household_cadres = cadres
        self.result.counts["households"] = len(households)
        self.result.counts["household_cadres"] = len(cadres)

    # -- logins ----------------------------------------------------------------
    def _user(self, username: str, full_name: str) -> User:
        # A demo password is not an initial one: no forced change at first login.
        user = User(username=username, full_name=full_name, password_changed_at=self.now)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def _authenticators(self, usernames):
        """The roles that must use a second factor get an authenticator with a known secret.

        `demo_logins` prints the secrets (and `demo_otp_code` the current code);
        this only ever runs in development (load_demo refuses otherwise).
        """
        for user in User.objects.filter(username__in=usernames):
            if otp_required(user):
                TOTPDevice.objects.create(
                    user=user, name="演示身份验证器", key=self.rng.randbytes(20).hex()
                )

    def _logins(self):
        team = next(t for t in self.teams if t.village.county.name == "周至县")
        town, county = team.village.town, team.village.county
        leader = Assignment.objects.get(team=team, role=AssignmentRole.LEADER_SECRETARY).cadre
        member = (
            Assignment.objects.filter(team=team, role=AssignmentRole.MEMBER)
            .order_by("pk")
            .first()
            .cadre
        )
        household_cadre = (
            Pairing.objects.filter(household__village=team.village).order_by("pk").first().cadre
        )
        lead_unit = team.lead_unit
        logins = []

        def office(username, role, duty, where_name, region=None, unit=None):
            person = names.person_name(self.rng, "M")
            user = self._user(username, person)
            Position.objects.create(user=user, role=role, duty=duty, region=region, unit=unit)
            logins.append(DemoLogin(username, role, person, where_name))

        office("city", Role.CITY, Duty.POVERTY_OFFICE, "西安市", region=self.city)
        office("county", Role.COUNTY, Duty.POVERTY_OFFICE, county.name, region=county)
        office("town", Role.TOWN, Duty.PARTY_SECRETARY, f"{county.name}{town.name}", region=town)
        office("unit", Role.UNIT, Duty.UNIT_HR, lead_unit.name, unit=lead_unit)
        for username, role, cadre in (
            ("leader", Role.TEAM_LEADER, leader),
            ("member", Role.MEMBER, member),
            ("household", Role.HOUSEHOLD_CADRE, household_cadre),
        ):
            user = self._user(username, cadre.name)
            cadre.user = user
            cadre.save(update_fields=["user"])
            logins.append(DemoLogin(username, role, cadre.name, f"{town.name}{team.village.name}"))
        for username, role in (
            ("sysadmin", Role.SYSADMIN),
            ("secadmin", Role.SECADMIN),
            ("auditadmin", Role.AUDITADMIN),
        ):
            office(username, role, Duty.STAFF, "系统")
        self.result.logins = logins
        self._authenticators([login.username for login in logins])

    def _assessment_year(self):
        """The county login's county gets a finished previous year to assess (issue 5)."""
        from zhucun.demo.assessment_year import build_previous_year

        county = next(t for t in self.teams if t.village.county.name == "周至县").village.county
        self.result.counts.update(build_previous_year(self.rng, county, self.today))

    def build(self) -> BuiltCity:
        self._regions()
        self._units()
        self._teams()
        self._households()
        self._logins()
        self._stationing()
        # The benchmark city writes its own full year of events instead.
        if getattr(self, "with_activity", True):
            self._activity()
            self._cadre_support()
            self._assessment_year()
        return self.result

    def _stationing(self):
        """A year of check-ins, official business, leave and duty rosters (zhucun.demo.stationing)."""
        from zhucun.demo.stationing import build_stationing

        logins = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        counts = build_stationing(
            rng=random.Random(self.rng.random()), today=self.today, teams=self.teams, logins=logins
        )
        self.result.counts.update(counts)

    # -- a year of contacts, work logs and notices (issue 4) -------------------
    def _activity(self):
        """A year of household contacts (第二十条) and work logs (第十六条), with gaps.

        The demo logins' town (contacts) and county (logs) get a full year, the
        rest of the city recent weeks, so `load_demo` stays quick while every page
        has data.
        """
        from zhucun.demo.activity import build_activity

        team = next(t for t in self.teams if t.village.county.name == "周至县")
        counts = build_activity(self.rng, self.today, team.village.county_id, team.village.town_id)
        self.result.counts.update(counts)

    def _cadre_support(self):
        """Funds, allowances, trainings, talks, visits and cases (第十八、二十四至二十九条)."""
        from zhucun.demo.cadre_support import CadreSupport

        CadreSupport(self).build()

"""The stored assessment list (CohortSnapshot): equal to the live computation, filed on first
reading and by the nightly job, and marked stale by every service that changes a county's
year — that county's only."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.assessment import builders as b
from zhucun.accounts.models import User
from zhucun.approvals.services import step_decide
from zhucun.assessment import services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import CohortSnapshot
from zhucun.assessment.snapshots import cohort_list, refresh
from zhucun.assessment.stale import years_reading
from zhucun.demo.city import build_city
from zhucun.org.models import Level, Region
from zhucun.rulebook.models import CalendarCorrection, DayKind, ParameterOverride
from zhucun.stationing import services as stationing_services
from zhucun.worklogs import services as worklog_services
from zhucun.worklogs.models import RectificationNotice


def shown(cohort) -> dict:
    """What the list page shows of a live cohort, read from its members (not from to_json)."""
    return {
        "counts": (
            len(cohort.assessed),
            cohort.quota,
            cohort.excellent_count,
            len(cohort.incomplete),
        ),
        "ranked": [
            (
                m.cadre.pk,
                m.cadre.name,
                m.cadre.unit.name,
                m.result.components["ordinary_mean"],
                m.result.components["annual"],
                m.result.components["total"],
                m.grade,
                m.decision is not None,
                [c.article for c in m.result.checks if c.fired and c.severity == "violation"],
                m.missing,
            )
            for m in cohort.ranked()
        ],
        "not_assessed": [
            (m.cadre.pk, m.cadre.name, m.result.checks[0].message) for m in cohort.not_assessed
        ],
    }


def stored(county, year) -> dict:
    """The same, read from the county's stored list."""
    data = CohortSnapshot.objects.get(county=county, year=year).data
    return {
        "counts": (data["assessed"], data["quota"], data["excellent_count"], data["incomplete"]),
        "ranked": [
            (
                r["cadre"],
                r["name"],
                r["unit"],
                r["ordinary_mean"],
                r["annual"],
                r["total"],
                r["grade"],
                r["decided"],
                r["articles"],
                r["missing"],
            )
            for r in data["ranked"]
        ],
        "not_assessed": [(r["cadre"], r["name"], r["reason"]) for r in data["not_assessed"]],
    }


@pytest.fixture
def on_day(monkeypatch):
    """Make `day` today for the pages and services (timezone.localdate)."""

    def set_day(day):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)

    return set_day


def _page(client, county, year=b.YEAR):
    return client.get(reverse("assessment:county_year", args=[year, county.pk]))


# -- stored = live ---------------------------------------------------------------------


def test_the_stored_lists_of_the_cast_s_counties_are_their_live_computations(cast):
    # Given 周至's year with scored cadres, one who refused three notices and a grade the
    # county decided, and 蓝田's with a cadre away for 20 days in July and logs saved late
    b.whole_team(cast)
    b.extra_members(cast, 3)
    b.notices(cast.member, cast.users["ed"], refused=3)
    services.grade_decide(
        actor=cast.users["dora"],
        county=cast.county,
        year=b.YEAR,
        cadre=cast.leader,
        grade="称职",
        reason="年中调整分工",
        today=b.TODAY,
    )
    b.whole_year(cast.other_leader)
    b.attend(cast.other_leader, skip=b.days(date(b.YEAR, 7, 1), date(b.YEAR, 7, 20)), logs=False)
    b.log_days(cast.other_leader, [date(b.YEAR, 5, 6)], late_by=3)
    # When the nightly job files last year's lists
    refresh(b.TODAY)
    # Then each county's stored list is what the live computation shows
    for county in (cast.county, cast.other_county):
        live = shown(county_cohort(county, b.YEAR, today=b.TODAY))
        assert live["ranked"] and stored(county, b.YEAR) == live
    rows = {r[0]: r for r in stored(cast.county, b.YEAR)["ranked"]}
    assert "第三十五条(五)" in rows[cast.member.pk][8] and rows[cast.member.pk][6] == "不称职"
    assert rows[cast.leader.pk][7] is True  # the decision
    assert "第三十五条(四)" in stored(cast.other_county, b.YEAR)["ranked"][0][8]


def test_the_demo_city_s_stored_lists_are_their_live_computations_and_pages(db, client, on_day):
    # Given the demo city, with its finished 2025
    today = date(2026, 11, 29)
    on_day(today)
    build_city(scale=0.05, seed=7, today=today)
    # When the nightly job files last year's lists
    refresh(today)
    # Then every county's stored list is its live computation
    counties = list(Region.objects.filter(level=Level.COUNTY))
    assert len(counties) > 1
    for county in counties:
        assert stored(county, 2025) == shown(county_cohort(county, 2025, today=today))
    fired = {a for c in counties for r in stored(c, 2025)["ranked"] for a in r[8]}
    assert {"第三十五条(四)", "第三十五条(五)"} <= fired
    # And the county office's page reads the same from its stored list as computed afresh
    county = Region.objects.get(name="周至县")
    client.force_login(User.objects.get(username="county"))
    from_store = _page(client, county).content.decode()
    CohortSnapshot.objects.all().delete()
    computed = _page(client, county).content.decode()

    def comparable(html):  # apart from when it was computed and the form's token
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
        return [line for line in html.splitlines() if "数据截至" not in line]

    assert "第三十五条(五)" in from_store and "数据截至" in from_store
    assert comparable(from_store) == comparable(computed)


# -- reading ---------------------------------------------------------------------------


def test_the_first_reading_files_the_list_and_the_next_reads_it_without_computing(
    cast, client, on_day, monkeypatch
):
    # Given a county year with no stored list
    on_day(b.TODAY)
    b.whole_team(cast)
    CohortSnapshot.objects.all().delete()
    client.force_login(cast.users["dora"])
    # When the county office opens it
    first = _page(client, cast.county)
    # Then it is computed for today and filed
    snapshot = CohortSnapshot.objects.get(county=cast.county, year=b.YEAR)
    assert (snapshot.computed_for, snapshot.stale) == (b.TODAY, False)
    assert stored(cast.county, b.YEAR) == shown(county_cohort(cast.county, b.YEAR, today=b.TODAY))
    assert "数据截至" in first.content.decode()

    # And the next reading (the city's too) shows the same without judging the cohort
    def no_engine(*args, **kwargs):
        raise AssertionError("the stored list was not read")

    monkeypatch.setattr("zhucun.assessment.snapshots.county_cohort", no_engine)
    again = _page(client, cast.county)
    assert again.context["ranked"] == first.context["ranked"] and len(first.context["ranked"]) == 2
    client.force_login(cast.users["gus"])
    assert _page(client, cast.county).context["ranked"] == first.context["ranked"]


def test_a_list_marked_stale_is_computed_again_with_the_new_score(cast, client, on_day):
    # Given the county's stored list
    on_day(b.TODAY)
    b.whole_team(cast)
    client.force_login(cast.users["dora"])
    before = _page(client, cast.county).context["ranked"]
    # When the county enters bob's annual scores again, lower
    services.annual_assessment_record(
        actor=cast.users["dora"], cadre=cast.member, year=b.YEAR, contents=b.FAIR, today=b.TODAY
    )
    assert CohortSnapshot.objects.get(county=cast.county, year=b.YEAR).stale
    # Then the next reading shows the new score, and files it again
    after = _page(client, cast.county).context["ranked"]
    bob = next(r for r in after if r["cadre"] == cast.member.pk)
    assert bob["annual"] == 80.0 and after != before
    assert not CohortSnapshot.objects.get(county=cast.county, year=b.YEAR).stale


def test_a_list_computed_for_an_earlier_day_is_computed_again(cast, client, on_day):
    # Given the county's list filed yesterday
    b.whole_team(cast)
    on_day(b.TODAY - timedelta(days=1))
    client.force_login(cast.users["dora"])
    _page(client, cast.county)
    # When it is read today
    on_day(b.TODAY)
    _page(client, cast.county)
    # Then it is computed for today
    assert CohortSnapshot.objects.get(county=cast.county, year=b.YEAR).computed_for == b.TODAY


@pytest.mark.django_db(transaction=True)
def test_a_list_filed_meanwhile_by_another_request_is_replaced_not_duplicated(cast):
    # Given a request that found no stored list, while another one filed it meanwhile
    b.whole_team(cast)
    CohortSnapshot.objects.create(
        county=cast.county,
        year=b.YEAR,
        data={},
        computed_for=b.TODAY,
        computed_at=timezone.now(),
        stale=True,
    )
    # When it files its own
    listed = cohort_list(cast.county, b.YEAR, today=b.TODAY, assessment_year=None, stored=None)
    # Then the one stored list is the computed one
    snapshot = CohortSnapshot.objects.get(county=cast.county, year=b.YEAR)
    assert snapshot.data == listed.data and listed.data["ranked"] and not snapshot.stale


def test_the_stored_list_is_shown_only_to_who_may_open_the_county_s_year(cast, client, on_day):
    on_day(b.TODAY)
    b.whole_team(cast)
    refresh(b.TODAY)
    for user, status in (("dora", 200), ("gus", 200), ("oscar", 404), ("ed", 403), ("fay", 403)):
        client.force_login(cast.users[user])
        response = _page(client, cast.county)
        assert response.status_code == status, user
        if status != 200:
            assert cast.leader.name not in response.content.decode()


def test_refresh_files_last_year_s_lists_and_the_stale_ones_but_no_finalised_year(cast, on_day):
    # Given 周至's 2025 finalised, a stale 2024 list of 周至 and a fresh 2023 one
    on_day(b.TODAY)
    b.whole_team(cast)
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    old = timezone.now() - timedelta(days=3)
    for year, stale in ((2024, True), (2023, False)):
        CohortSnapshot.objects.create(
            county=cast.county,
            year=year,
            data={},
            computed_for=b.TODAY,
            computed_at=old,
            stale=stale,
        )
    # When the nightly job runs (as part of refresh_boards)
    call_command("refresh_boards", "--month", "2026-01", stdout=open("/dev/null", "w"))
    # Then every other county's 2025 list is filed, 周至's finalised 2025 is not,
    lists = {(s.county_id, s.year): s for s in CohortSnapshot.objects.all()}
    counties = Region.objects.filter(level=Level.COUNTY).values_list("pk", flat=True)
    assert {(c, 2025) for c in counties} - set(lists) == {(cast.county.pk, 2025)}
    # the stale 2024 list is computed again, and the fresh 2023 one is left as it was
    assert not lists[(cast.county.pk, 2024)].stale and lists[(cast.county.pk, 2024)].data
    assert lists[(cast.county.pk, 2023)].computed_at == old


# -- marking stale ---------------------------------------------------------------------


def _file_lists(cast, year):
    """Stored lists of `year` for both counties, and one of 周至 two years before."""
    now = timezone.now()
    for county, y in ((cast.county, year), (cast.other_county, year), (cast.county, year - 2)):
        CohortSnapshot.objects.update_or_create(
            county=county,
            year=y,
            defaults={"data": {}, "computed_for": b.TODAY, "computed_at": now, "stale": False},
        )


def _stale(cast, year):
    """(周至's list of `year`, 蓝田's, 周至's two years before): which are stale."""
    lists = CohortSnapshot.objects.all()
    return (
        lists.get(county=cast.county, year=year).stale,
        lists.get(county=cast.other_county, year=year).stale,
        lists.get(county=cast.county, year=year - 2).stale,
    )


def _assessment_change(cast, name):
    """Each assessment service, on bob (周至) in 2025."""
    dora = cast.users["dora"]
    if name == "ordinary":
        services.ordinary_assessment_record(
            actor=cast.users["ed"],
            cadre=cast.member,
            held_on=date(b.YEAR, 11, 28),
            title="第四季度平时考核",
            contents=b.GOOD,
            today=b.TODAY,
        )
    elif name == "annual":
        services.annual_assessment_record(
            actor=dora, cadre=cast.member, year=b.YEAR, contents=b.FAIR, today=b.TODAY
        )
    elif name == "opinion":
        TeamOpinion = cast.member.team_opinions.model
        TeamOpinion.objects.filter(cadre=cast.member).delete()
        services.team_opinion_sign(
            actor=cast.users["alice"],
            cadre=cast.member,
            year=b.YEAR,
            text="全年驻村,工作认真负责。",
        )
    elif name == "conduct":
        services.conduct_fact_record(
            actor=dora,
            cadre=cast.member,
            kind="disciplined",
            occurred_on=date(b.YEAR, 6, 1),
            document="周纪发〔2025〕1号",
            description="违反纪律规定",
            today=b.TODAY,
        )
    elif name == "poverty_task":
        services.poverty_task_record(
            actor=dora, village=cast.team.village, year=b.YEAR, completed=False, today=b.TODAY
        )
    elif name == "grade":
        services.grade_decide(
            actor=dora,
            county=cast.county,
            year=b.YEAR,
            cadre=cast.member,
            grade="称职",
            reason="复核调整",
            today=b.TODAY,
        )
    elif name == "finalise":
        services.assessment_finalise(actor=dora, county=cast.county, year=b.YEAR, today=b.TODAY)


@pytest.mark.parametrize(
    "name", ["ordinary", "annual", "opinion", "conduct", "poverty_task", "grade", "finalise"]
)
def test_each_assessment_service_marks_its_county_s_list_of_the_year_stale(cast, name):
    # Given 周至's and 蓝田's stored lists of 2025 (and 周至's of 2023)
    b.whole_team(cast)
    _file_lists(cast, b.YEAR)
    # When the service records its fact for bob
    _assessment_change(cast, name)
    # Then 周至's 2025 list is stale, 蓝田's and the other year's are not
    assert _stale(cast, b.YEAR) == (True, False, False)


TODAY = date(2025, 10, 8)  # an open year, for the writes of the calendar's facts


@pytest.fixture
def open_year(cast, on_day):
    on_day(TODAY)
    b.whole_year(cast.member)
    b.whole_year(cast.leader)
    _file_lists(cast, TODAY.year)
    return cast


def test_a_back_dated_check_in_marks_its_county_s_list_stale_and_one_of_today_does_not(
    open_year, monkeypatch
):
    cast = open_year
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: timezone.make_aware(datetime(2025, 10, 8, 9))
    )
    stationing_services.check_in(user=cast.users["bob"], cadre=cast.member)
    assert _stale(cast, TODAY.year) == (False, False, False)
    stationing_services.check_in_backfill(
        user=cast.users["bob"],
        cadre=cast.member,
        day=TODAY - timedelta(days=3),
        reason="手机没电",
        today=TODAY,
    )
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_back_dated_official_business_marks_its_county_s_list_stale(open_year):
    cast = open_year
    stationing_services.official_business_record(
        user=cast.users["bob"],
        cadre=cast.member,
        kind="training",
        start=TODAY - timedelta(days=5),
        end=TODAY - timedelta(days=4),
        what="县驻村干部轮训",
        where="周至县委党校",
        today=TODAY,
    )
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_an_approved_leave_and_its_report_back_mark_its_county_s_list_stale(open_year):
    cast = open_year
    start = TODAY + timedelta(days=1)
    leave = stationing_services.leave_request_submit(
        user=cast.users["bob"], cadre=cast.member, start=start, end=start, reason="家中有事"
    )
    assert _stale(cast, TODAY.year) == (False, False, False)
    step_decide(user=cast.users["alice"], step=leave.approval.steps.get(), approve=True)
    assert _stale(cast, TODAY.year) == (True, False, False)
    _file_lists(cast, TODAY.year)
    stationing_services.leave_report_back(
        user=cast.users["bob"], leave=leave, returned_on=start, today=start
    )
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_a_back_dated_log_marks_its_county_s_list_stale_and_one_of_today_does_not(open_year):
    cast = open_year

    def save(day):
        worklog_services.log_save(
            actor=cast.users["bob"],
            day=day,
            tasks=[1],
            content="走访农户,整理台账",
            now=timezone.make_aware(datetime.combine(TODAY, time(20))),
        )

    save(TODAY)
    assert _stale(cast, TODAY.year) == (False, False, False)
    save(TODAY - timedelta(days=2))
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_a_rectification_notice_and_its_refusal_mark_its_county_s_list_stale(open_year):
    cast = open_year
    notice = worklog_services.notice_issue(
        actor=cast.users["alice"],
        cadre_id=cast.member.pk,
        log_days=[date(2025, 9, 10)],
        reason="",
        today=TODAY,
    )
    assert _stale(cast, TODAY.year) == (True, False, False)
    _file_lists(cast, TODAY.year)
    worklog_services.notice_refuse(
        actor=cast.users["alice"],
        notice=RectificationNotice.objects.get(pk=notice.pk),
        response="拒不补报",
    )
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_a_duty_roster_of_a_past_month_marks_its_county_s_list_stale(open_year):
    cast = open_year
    stationing_services.duty_roster_set(
        user=cast.users["alice"],
        team=cast.team,
        year=2025,
        month=9,
        plan={date(2025, 9, 6): {cast.member.pk}},
        today=TODAY,
    )
    assert _stale(cast, TODAY.year) == (True, False, False)


def test_a_county_parameter_override_marks_that_county_s_lists_stale(open_year):
    cast = open_year
    ParameterOverride.objects.create(
        county=cast.county,
        key="monthly_stationed_days_min",
        value=18,
        effective_from=date(2025, 9, 1),
    )
    assert _stale(cast, TODAY.year) == (True, False, True)


def test_a_calendar_correction_marks_every_list_stale(open_year):
    cast = open_year
    CalendarCorrection.objects.create(day=date(2025, 9, 29), kind=DayKind.HOLIDAY, name="调休")
    assert _stale(cast, TODAY.year) == (True, True, True)


@pytest.mark.parametrize(
    "day, years",
    [
        (date(2025, 6, 1), [2025]),
        (date(2025, 1, 20), [2024, 2025]),  # a year reads a month of the next
        (date(2025, 12, 10), [2025, 2026]),  # and a month of the one before
    ],
)
def test_a_day_belongs_to_the_years_whose_facts_read_it(day, years):
    assert years_reading(day) == years


def test_reading_the_stored_list_takes_fewer_queries_than_computing_it(cast, client, on_day):
    on_day(b.TODAY)
    b.whole_team(cast)
    CohortSnapshot.objects.all().delete()
    client.force_login(cast.users["dora"])
    with CaptureQueriesContext(connection) as computed:
        _page(client, cast.county)
    with CaptureQueriesContext(connection) as read:
        _page(client, cast.county)
    assert len(read) < len(computed) - 6
    assert sum("INSERT" in q["sql"] or "UPDATE" in q["sql"] for q in read) == 0

"""The benchmark city: the demo city with a full year of events everywhere, the same every time."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min

from zhucun.accounts.models import User
from zhucun.api.models import IdempotencyRecord
from zhucun.bench.dataset import build_bench_city
from zhucun.exports.models import ExportJob
from zhucun.households.models import Contact, Household, Pairing
from zhucun.org.models import Cadre
from zhucun.stationing.models import Assignment, CheckIn
from zhucun.worklogs.models import LogRevision, WorkLog

TODAY = date(2026, 11, 29)
SCALE = 0.005


def _fingerprint():
    return (
        list(
            Contact.objects.order_by("household__code", "day", "kind").values_list(
                "household__code", "cadre__id_number", "day", "kind", "channel", "learned"
            )[:300]
        ),
        list(
            WorkLog.objects.order_by("cadre__id_number", "day").values_list(
                "cadre__id_number", "day", "tasks", "first_saved_at"
            )[:300]
        ),
    )


def test_the_same_scale_and_seed_build_the_same_rows(db):
    # Given the benchmark city built once and rolled back,
    with transaction.atomic():
        first = build_bench_city(scale=SCALE, today=TODAY)
        first_rows = _fingerprint()
        transaction.set_rollback(True)
    # when it is built again,
    second = build_bench_city(scale=SCALE, today=TODAY)
    # then the counts and the rows are the same.
    assert first == second
    assert _fingerprint() == first_rows


def test_every_cadre_has_an_account_that_cannot_sign_in_until_given_a_password(db):
    # Given the benchmark city at a tiny scale,
    counts = build_bench_city(scale=SCALE, today=TODAY)
    # then every cadre, stationed or household, has an account of their own, named
    # after them (the API's clients are cadres signed in on their phones),
    cadres = Cadre.objects.select_related("user")
    assert cadres.exists() and not cadres.filter(user__isnull=True).exists()
    made = User.objects.filter(username__startswith="cadre")
    assert counts["cadre_accounts"] == made.count() > 0
    assert len({c.user_id for c in cadres}) == cadres.count()
    assert all(c.user.full_name == c.name for c in cadres if c.user.username.startswith("cadre"))
    # and none of the accounts made for them has a password one could sign in with.
    assert not any(user.has_usable_password() for user in made)


def test_each_check_in_and_log_sent_from_a_phone_has_its_ledger_row(db):
    # Given the benchmark city at a tiny scale,
    counts = build_bench_city(scale=SCALE, today=TODAY)
    # then the exactly-once ledger holds a row for each check-in its cadre made (not the
    # leaders' backfills) and each work log, under the cadre's own account, as each was
    # sent with an Idempotency-Key,
    own = CheckIn.objects.filter(backfilled=False)
    assert own.exists() and CheckIn.objects.filter(backfilled=True).exists()
    ledger = IdempotencyRecord.objects
    assert counts["api_ledger"] == ledger.count() == own.count() + WorkLog.objects.count()
    check_in = own.select_related("cadre").order_by("pk").last()
    row = ledger.get(key=f"checkin-{check_in.pk}")
    assert (row.user_id, row.status, row.created_at) == (check_in.cadre.user_id, 201, check_in.at)
    log = WorkLog.objects.select_related("cadre").order_by("pk").first()
    row = ledger.get(key=f"log-{log.pk}")
    assert (row.user_id, row.created_at) == (log.cadre.user_id, log.first_saved_at)
    assert log.content in row.body
    # and each user's keys are their own (the ledger's unique constraint held).
    assert ledger.values("user", "key").distinct().count() == ledger.count()


def test_every_pairing_and_every_stationed_cadre_gets_a_year_of_events(db):
    # Given the benchmark city at a tiny scale,
    counts = build_bench_city(scale=SCALE, today=TODAY)
    # then the counts it reports are the rows in the tables,
    assert counts["contacts"] == Contact.objects.count()
    assert counts["work_logs"] == WorkLog.objects.count() == LogRevision.objects.count()
    assert counts["check_ins"] == CheckIn.objects.count()
    # every current pairing (in every town, not only the demo logins') has about a
    # weekly inquiry and two visits a month for the year,
    pairings = Pairing.objects.filter(end__isnull=True).count()
    assert 50 * pairings <= counts["contacts"] <= 80 * pairings
    year_ago = TODAY - timedelta(days=365)
    started = dict(Pairing.objects.filter(end__isnull=True).values_list("household_id", "start"))
    first_contact = dict(
        Contact.objects.values("household_id")
        .annotate(first=Min("day"))
        .values_list("household_id", "first")
    )
    assert first_contact.keys() == started.keys()
    assert all(
        first_contact[h] <= max(start, year_ago) + timedelta(days=31)
        for h, start in started.items()
    )
    # and every stationed cadre's logs reach back most of the year (few are missing).
    assert WorkLog.objects.aggregate(first=Min("day"))["first"] <= year_ago + timedelta(days=7)
    assert counts["work_logs"] > 0.9 * 245 * counts["stationed_cadres"] * 0.5


def test_the_bench_only_endpoint_is_not_routed_unless_enabled(client):
    # Given the default settings (ZHUCUN_BENCH_ENDPOINTS unset, as in production),
    # when anyone posts to the benchmark's minimal endpoint,
    response = client.post("/bench/ping/")
    # then there is no such page.
    assert response.status_code == 404


def test_every_page_the_bench_measures_opens_for_its_login(db, settings):
    # Given the benchmark city (the demo logins are part of it)
    from zhucun.bench import sections

    settings.ALLOWED_HOSTS = ["localhost"]
    build_bench_city(scale=SCALE, seed=1, today=TODAY)
    # When the bench opens each page once, as the login it names
    figures = sections.pages(repeats=1)
    # Then every page answered (pages() raises otherwise) and was measured,
    # the city's and the team leader's boards among them
    assert {
        "county_dashboard",
        "city_dashboard",
        "leader_dashboard",
        "county_export",
        "my_exports",
    } <= set(figures)
    # and the boards were filed by refresh_boards first, its time reported
    assert figures.pop("refresh_boards_s") > 0
    # and the export the county asked for was built in the background, timed on its own:
    # every household of the county, and no job left behind
    county = User.objects.get(username="county").positions.values_list("region", flat=True)[0]
    assert (
        figures.pop("county_export_rows")
        == Household.objects.filter(village__county=county).count()
        > 0
    )
    assert figures.pop("county_export_job_s") > 0 and figures.pop("county_export_rows_per_s") > 0
    assert figures.pop("county_export_job_cpu_s") >= 0
    assert not ExportJob.objects.exists()
    assert all(f["queries"] > 0 and f["median_ms"] > 0 for f in figures.values())


def test_the_engine_proposes_a_grade_for_every_cadre_assessed_in_the_city(db):
    # Given the benchmark city
    from zhucun.assessment.cohort import county_cohorts
    from zhucun.assessment.membership import stints
    from zhucun.bench.sections import _counties, _proposals

    build_bench_city(scale=SCALE, seed=1, today=TODAY)
    # When the engine runs every county's assessment proposal for the year
    proposals = _proposals(county_cohorts(_counties(), TODAY.year, today=TODAY))
    # Then every cadre taking part in the year, in every county, is in it once
    everyone = Assignment.objects.values_list("cadre_id", flat=True).distinct()
    assert proposals["cadres"] == len(stints(TODAY.year, cadre_ids=everyone)) > 0
    assert sum(proposals["grades"].values()) == proposals["cadres"]


def test_the_engine_s_cadre_year_reports_hold_attendance_for_s_checks_for_every_cadre(db):
    # Given the benchmark city (bench engine times the cohorts and not attendance_for: the
    # cohorts judge the same attendance rules over the same days)
    from zhucun.assessment.cohort import county_cohorts
    from zhucun.bench.sections import _counties
    from zhucun.stationing.calendar import attendance_for
    from zhucun.stationing.models import NON_COUNTED_ROLES

    build_bench_city(scale=SCALE, seed=1, today=TODAY)
    stationed = (
        Assignment.objects.exclude(role__in=NON_COUNTED_ROLES)
        .values_list("cadre_id", flat=True)
        .distinct()
    )

    # When both run for the year
    attendance = attendance_for(stationed, TODAY.year, today=TODAY)
    members = {
        m.stint.cadre_id: m
        for c in county_cohorts(_counties(), TODAY.year, today=TODAY).values()
        for m in c.members
    }

    # Then every stationed cadre is assessed, and its report's first checks are attendance_for's
    # (rule, period, verdict, evidence and message), with the same day statuses
    assert members.keys() == attendance.keys() and len(members) > 10
    for cadre_id, result in attendance.items():
        report = members[cadre_id].report
        own = report.checks[: len(result.checks)]
        assert [(c.rule, c.period, c.passed, c.evidence, c.message) for c in own] == [
            (c.rule, c.period, c.passed, c.evidence, c.message) for c in result.checks
        ]
        assert dict(report.statuses) == dict(result.statuses)
    assert any(not c.passed for r in attendance.values() for c in r.checks)

"""The measured sections of `make bench`; each returns a dict of figures.

scripts/bench runs each section in its own process (`manage.py bench SECTION`)
so that the peak memory reported for the engine is the engine's.
"""

from __future__ import annotations

import resource
import statistics
import time
from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from zhucun.accounts.models import User
from zhucun.households.models import Contact, Household
from zhucun.org.models import Level, Region
from zhucun.stationing.models import (
    NON_COUNTED_ROLES,
    Assignment,
    CheckIn,
    DutyDay,
    Leave,
    OfficialBusiness,
)
from zhucun.worklogs.models import WorkLog


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def schema() -> dict:
    """The tables of a throwaway benchmark database, created straight from the models.

    `migrate` spent ~55 s per database replaying the migrations' model states
    (Django re-renders related models after every operation); their only data steps
    rebuild the contact tallies of existing contacts (none in a new database), so the
    tables they end with are the models'.
    """
    from django.apps import apps
    from django.core.management import call_command

    started = time.perf_counter()
    no_migrations = {config.label: None for config in apps.get_app_configs()}
    with override_settings(MIGRATION_MODULES=no_migrations):
        call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    return {"seconds": round(time.perf_counter() - started, 1)}


def build(scale: float) -> dict:
    from zhucun.bench.dataset import build_bench_city

    if connection.vendor == "sqlite":
        # A throwaway benchmark database need not wait for the disk on every write.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    # The demo logins' passwords are hashed with Argon2 (about a second each on a
    # busy machine); a throwaway benchmark database does not need that.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        counts = build_bench_city(scale=scale, today=timezone.localdate())
    if connection.vendor == "postgresql":
        # The throwaway cluster runs without autovacuum; a production database's
        # autovacuum would have vacuumed the loaded tables (visibility map: index-only
        # scans without heap reads) and gathered their statistics.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1), "rows": counts}


# -- engine ---------------------------------------------------------------------------
EVENT_TABLES = [
    (CheckIn, "day"),
    (OfficialBusiness, "start"),
    (Leave, "start"),
    (DutyDay, "day"),
    (WorkLog, "day"),
    (Contact, "day"),
]


def _scan() -> tuple[float, int]:
    """The database reading every event row once: one aggregate query per event table."""
    q = connection.ops.quote_name
    rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model, day in EVENT_TABLES:
            column = model._meta.get_field(day).column
            cursor.execute(f"SELECT count(*), max({q(column)}) FROM {q(model._meta.db_table)}")
            rows += cursor.fetchone()[0]
    return time.perf_counter() - started, rows


def _counties():
    """Every county of the city: the engine's cohorts are theirs."""
    return Region.objects.filter(level=Level.COUNTY).order_by("code")


def _proposals(cohorts: dict) -> dict:
    """The cohorts' assessed cadres, proposed grades (第三十至三十五条) and failed checks."""
    from collections import Counter

    grades = Counter()
    cadres = findings = 0
    for cohort in cohorts.values():
        for member in cohort.members:
            cadres += 1
            grades[member.result.grade or "未评分"] += 1
            findings += sum(check.passed is False for check in member.report.checks)
    return {"cadres": cadres, "grades": dict(sorted(grades.items())), "findings": findings}


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - started


# The engine and the scan are each run this many times, in turn, and the figures are the
# medians: on a shared machine a slow moment of a second or two (another machine's work
# on the same host) fell on one engine run and not on the scan beside it, and made a
# single pair's ratio 3.7 where the runs before and after gave 2.8-2.9.
ENGINE_ROUNDS = 5


def engine() -> dict:
    """The city's year, the engine of issue 8: every stationed cadre's year report and the
    assessment proposal of every county (the cohorts), with every pairing's contact
    compliance counted alongside, and the scan of the same rows after it, ENGINE_ROUNDS
    times in turn; then attendance_for alone, for comparison."""
    from zhucun.stationing.calendar import attendance_for

    today = timezone.localdate()
    cadre_ids = list(
        Assignment.objects.exclude(role__in=NON_COUNTED_ROLES)
        .values_list("cadre_id", flat=True)
        .distinct()
    )
    scan_first, rows = _scan()  # warms the cache the engine reads from, as in production
    # A server process imports the holiday calendars once, not per computation.
    from zhucun.rulebook.workdays import non_working_days

    non_working_days(date(today.year, 1, 1), date(today.year, 1, 7))
    city_user = User.objects.get(username="city")
    rounds = []
    for _ in range(ENGINE_ROUNDS):
        run = _engine_run(city_user, today)
        run["scan_s"], _rows = _scan()
        rounds.append(run)
    attendance, attendance_s = _timed(attendance_for, cadre_ids, today.year, today=today)
    findings = sum(len([c for c in r.checks if not c.passed]) for r in attendance.values())
    last = rounds[-1]  # the counts are the same in every round

    def median(key):
        return round(statistics.median(run[key] for run in rounds), 3)

    return {
        "cadres": len(cadre_ids),
        "pairings": last["pairings"],
        "event_rows": rows,
        "rounds": ENGINE_ROUNDS,
        "engine_s": median("engine_s"),
        "engine_cpu_s": median("engine_cpu_s"),
        "contact_compliance_s": median("contact_compliance_s"),
        "contact_findings": last["contact_findings"],
        "assessment_s": median("assessment_s"),
        "assessment_read_s": median("assessment_read_s"),
        "assessment_judge_s": median("assessment_judge_s"),
        "assessed_cadres": last["assessed_cadres"],
        "cadre_year_findings": last["cadre_year_findings"],
        "proposed_grades": last["proposed_grades"],
        "scan_s": median("scan_s"),
        "scan_cold_s": round(scan_first, 3),
        # Each round's engine over the scan right after it, then their median.
        "engine_over_scan": round(
            statistics.median(run["engine_s"] / run["scan_s"] for run in rounds), 1
        ),
        "engine_over_scan_rounds": [round(run["engine_s"] / run["scan_s"], 2) for run in rounds],
        "attendance_s": round(attendance_s, 3),
        "attendance_findings": findings,
        "peak_mb": peak_mb(),
    }


def _engine_run(city_user: User, today: date) -> dict:
    """One run of the engine: its times and what it found (the results themselves are
    let go, so that the next run does not start with this one's in memory)."""
    from zhucun.alongside import started
    from zhucun.assessment.cohort import cohort_facts, judged_cohorts
    from zhucun.households.compliance import contact_compliance

    cpu_started = time.process_time()
    started_at = time.perf_counter()
    # The cohorts' facts are read first (each statement may use the database's parallel
    # workers); then, while Python judges them, the contacts' counting statement runs on its
    # own connection (zhucun/alongside.py) — the boards' engines run side by side likewise.
    facts, read_s = _timed(cohort_facts, _counties(), today.year)
    contacts = started(
        _timed,
        contact_compliance,
        city_user,
        since=date(today.year, 1, 1),
        until=today - timedelta(days=1),
        today=today,
    )
    cohorts, judge_s = _timed(judged_cohorts, facts, today=today)
    compliance, compliance_s = contacts.result()
    engine_s = time.perf_counter() - started_at
    # On a shared machine the wall time includes waiting for a CPU; the CPU time does not.
    engine_cpu_s = time.process_time() - cpu_started
    proposals = _proposals(cohorts)
    return {
        "engine_s": engine_s,
        "engine_cpu_s": engine_cpu_s,
        "contact_compliance_s": compliance_s,
        "assessment_s": read_s + judge_s,
        "assessment_read_s": read_s,
        "assessment_judge_s": judge_s,
        "pairings": compliance.pairings,
        "contact_findings": len(compliance.checks),
        "assessed_cadres": proposals["cadres"],
        "cadre_year_findings": proposals["findings"],
        "proposed_grades": proposals["grades"],
    }


# -- pages ----------------------------------------------------------------------------
def _verified_client(user) -> Client:
    """A test client logged in as `user`, second factor done (as tests/security does)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhucun.accounts.second_factor import HAS_DEVICE_SESSION_KEY, otp_required

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    if otp_required(user):
        device = TOTPDevice.objects.filter(user=user).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[HAS_DEVICE_SESSION_KEY] = True
        session.save()
    return client


def _page_urls() -> dict[str, str]:
    leader = User.objects.get(username="leader")
    team_id = Assignment.objects.get(cadre__user=leader, end__isnull=True).team_id
    team = Assignment.objects.filter(team_id=team_id).select_related("team").first().team
    household = Household.objects.filter(village_id=team.village_id).order_by("pk").first()
    return {
        "county_home": "/",
        "team_month": f"/teams/{team_id}/month/",
        "contact_compliance": "/households/contacts/compliance/",
        "record_book": f"/households/{household.pk}/book/",
        "pairing_review": "/households/pairings/",
        "household_list": "/households/",
        # The export button (POST): it queues the background job and answers at once;
        # the job is timed apart (county_export_job_s, _export_job below).
        "county_export": "/households/export.xlsx",
        "my_exports": "/exports/",
        # issue 10: the dashboards, as the county officer opens them (county, town, team).
        "county_dashboard": f"/dashboards/regions/{team.village.county_id}/",
        "town_dashboard": f"/dashboards/regions/{team.village.town_id}/",
        "team_dashboard": f"/dashboards/teams/{team_id}/",
        "county_register": f"/dashboards/regions/{team.village.county_id}/reports/attendance/",
        # The city's and the team leader's own boards, opened by them (see _OPENED_BY).
        "city_dashboard": f"/dashboards/regions/{team.village.city_id}/",
        "leader_dashboard": f"/dashboards/teams/{team_id}/",
        # The county office's list of last year's assessments (考核对象 and proposed grades).
        "assessment_list": (
            f"/assessment/{timezone.localdate().year - 1}/county/{team.village.county_id}/"
        ),
    }


# Pages opened by another demo login than the county officer's.
_OPENED_BY = {"city_dashboard": "city", "leader_dashboard": "leader"}
# Pages asked for with POST (a button): they answer with a redirect.
_POSTED = {"county_export"}


def page_repeats(scale: float) -> int:
    """Requests per page: 5 from S=0.25 up; 3 for the smoke run and the small city (whose
    query count alone is used), to keep `make bench S=0.05` within its 2 minutes."""
    return 5 if scale >= 0.25 else 3


def pages(repeats: int = 5) -> dict:
    """Every page's queries and median time; and the county export's background job.

    The export jobs the requests queue are not started by the process's pool
    (ZHUCUN_EXPORT_THREADS=0), so no job runs while a page is timed; one of them is
    then built and timed on its own, into a temporary directory, and the bench's
    jobs are removed."""
    import tempfile

    with tempfile.TemporaryDirectory() as files:
        with override_settings(ZHUCUN_EXPORT_THREADS=0, ZHUCUN_EXPORT_DIR=files):
            result = _pages(repeats)
            result.update(_export_job())
    return result


def _export_job() -> dict:
    """Build the county export the page queued, as the runner does; time it (wall and CPU)."""
    from zhucun.exports.models import ExportJob
    from zhucun.exports.runner import run_job

    jobs = ExportJob.objects.filter(requester__username="county", kind="households")
    job = jobs.latest("pk")
    started, cpu = time.perf_counter(), time.process_time()
    done = run_job(job.pk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if done is None or done.state != "done":
        raise RuntimeError(f"the county export job ended {getattr(done, 'state', 'unclaimed')}")
    jobs.delete()
    return {
        "county_export_job_s": round(seconds, 3),
        "county_export_job_cpu_s": round(cpu, 3),
        "county_export_rows": done.rows,
        "county_export_rows_per_s": round(done.rows / seconds),
    }


def _pages(repeats: int) -> dict:
    # The boards and the assessment lists read what the nightly job (`refresh_boards`) filed:
    # run it first, and time it (each engine once for the whole city, every level filed).
    from zhucun.assessment.snapshots import refresh as refresh_cohorts
    from zhucun.dashboards.snapshots import refresh

    started = time.perf_counter()
    refresh(timezone.localdate())
    refresh_cohorts(timezone.localdate())
    result = {"refresh_boards_s": round(time.perf_counter() - started, 3)}
    clients = {}
    for name, url in _page_urls().items():
        username = _OPENED_BY.get(name, "county")
        if username not in clients:
            clients[username] = _verified_client(User.objects.get(username=username))
        client = clients[username]
        times, counts = [], []
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.post(url) if name in _POSTED else client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                times.append(time.perf_counter() - started)
            counts.append(len(queries))
            if response.status_code != (302 if name in _POSTED else 200):
                raise RuntimeError(f"{url} answered {response.status_code}")
        result[name] = {
            # The page's own queries: the fewest of the repeats. A request may also renew
            # the session (3 more queries, once the stored expiry has slipped a minute —
            # after a minute of slow pages), which is the login's cost, not the page's.
            "queries": min(counts),
            "queries_max": max(counts),
            "median_ms": round(statistics.median(times) * 1000, 1),
        }
    return result


# -- import ---------------------------------------------------------------------------
def roster_file(rows: int, villages: list[str]) -> bytes:
    from openpyxl import Workbook

    from zhucun.households.roster import SHEET_TITLE
    from zhucun.households.validation import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append([c.header for c in COLUMNS])
    statuses = ["已脱贫", "未脱贫", "已脱贫", "返贫"]
    for i in range(rows):
        status = statuses[i % 4]
        sheet.append(
            [
                f"B{i + 1:09d}",
                villages[i % len(villages)],
                "王建国",
                ["一般户", "低保户", "五保户"][i % 3],
                f"{i % 6 + 1:02d}",
                "07、09" if i % 2 else "",
                status,
                "" if status == "未脱贫" else 2019,
                i % 7 + 1,
                5600 + i % 1000,
                3.5,
                "是",
                "是",
                "是",
                "否" if i % 10 == 0 else "是",
                "户主患慢性病",
                "落实大病救助",
            ]
        )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def roster_import(scale: float) -> dict:
    from zhucun.households.services import roster_import as import_roster

    user = User.objects.get(username="county")
    county_id = user.positions.values_list("region_id", flat=True).first()
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, county_id=county_id)
        .order_by("code")
        .values_list("code", flat=True)
    )
    rows = max(100, round(75_000 * scale))
    data = roster_file(rows, villages)
    upload = SimpleUploadedFile("roster.xlsx", data)
    saved, seconds = _timed(import_roster, actor=user, upload=upload)
    return {
        "rows": saved,
        "seconds": round(seconds, 2),
        "rows_per_s": round(saved / seconds),
        "file_mb": round(len(data) / 2**20, 1),
    }

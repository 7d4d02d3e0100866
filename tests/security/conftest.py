import pytest


@pytest.fixture
def ids_apart(db):
    """Every table's ids start in a range of their own (10001…, 20001…, …).

    SQLite rolls its id counters back with each test and PostgreSQL does not,
    so on SQLite the cast's households and their pairings, or its teams and
    their ledgers, share ids, and a walk that passes one model's id where a page
    takes another's still opens the page there (and answers 404 on PostgreSQL
    once other tests have moved the counters). With ids apart, such a mix-up,
    in the walk or in a page, is a 404 on both databases.
    """
    from django.apps import apps
    from django.db import connection, models

    tables = sorted(
        (m._meta.db_table, m._meta.pk.column)
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and isinstance(m._meta.pk, models.AutoField)
    )
    with connection.cursor() as cursor:
        for i, (table, column) in enumerate(tables, start=1):
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, 10_000 * i]
                )
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, 10_000 * i]
                )


@pytest.fixture
def matrix_cast(ids_apart, cast, settings, tmp_path):
    """The cast with one record of each kind the pages take by id, for both counties."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tests.funds_cast import PDF
    from zhucun.stationing.services import leave_request_submit
    from zhucun.worklogs.models import RectificationNotice, WorkLog
    from zhucun.worklogs.services import log_attachment_add

    now = timezone.now()
    day = timezone.localdate() - timedelta(days=3)
    logs = {}
    for cadre, username, issuer in (
        (cast.member, "alice", "team"),
        (cast.other_leader, "oscar", "town"),
    ):
        logs[cadre.user.username] = WorkLog.objects.create(
            cadre=cadre,
            day=day,
            tasks=[1],
            content="走访农户",
            first_saved_at=now,
            updated_at=now,
        )
        RectificationNotice.objects.create(
            cadre=cadre,
            issued_on=day,
            issuer=issuer,
            issued_by=cast.users[username],
            log_days=[day.isoformat()],
            reason="补写日志",
        )
    today = timezone.localdate()  # leave is asked for before it starts
    for username, cadre in (("bob", cast.member), ("olga", cast.other_leader)):
        leave_request_submit(
            user=cast.users[username], cadre=cadre, start=today, end=today, reason="家中有事"
        )
    settings.MEDIA_ROOT = tmp_path  # receipts of the cast's expenses, log attachments
    for username, log in logs.items():
        log_attachment_add(
            actor=cast.users[username],
            work_log=log,
            upload=SimpleUploadedFile("会议签到表.pdf", PDF),
        )
    _records_of_the_later_pages(cast)
    return cast


def _records_of_the_later_pages(cast):
    """Records the assessment, funds, care, approvals and API-token pages take by id.

    周至's 2025 assessment is finalised (filing and recall pages need archived
    results); each county holds one of each other record, so every role has
    one in its scope and one outside it.
    """
    from datetime import timedelta

    from django.utils import timezone

    from tests import factories as f
    from tests.assessment import builders as b
    from tests.funds_cast import receipt
    from zhucun.api.services import api_token_create
    from zhucun.approvals.services import delegation_create
    from zhucun.assessment import services as assessment
    from zhucun.assessment.models import FinalResult
    from zhucun.assessment.recalls import recall_propose
    from zhucun.assessment.supervision import inspection_record
    from zhucun.care.services import case_submit
    from zhucun.funds.models import Source
    from zhucun.funds.services import allocation_record, expense_submit, ledger_of
    from zhucun.stationing.models import Handover
    from zhucun.training.services import event_create

    today = timezone.localdate()
    b.whole_team(cast)
    _disciplined(cast.users["dora"], cast.member)
    assessment.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    _finalise_the_other_county(cast)
    for county_office, cadre in (("dora", cast.member), ("oscar", cast.other_leader)):
        recall_propose(
            actor=cast.users[county_office],
            result=FinalResult.objects.get(cadre=cadre, year=b.YEAR),
            reason="年度考核不称职",
        )
    other_member = f.AssignmentFactory(  # came after the assessed year
        team=cast.other_team,
        cadre=f.CadreFactory(name="欧文", unit=cast.other_unit),
        start=b.TODAY,
    )
    owen = f.cadre_user("owen", other_member.cadre)
    for team, writer, handler, county_office, predecessor, successor in (
        (
            cast.team,
            "alice",
            cast.users["bob"],
            "dora",
            cast.leader.assignments.get(),
            cast.member.assignments.get(),
        ),
        (
            cast.other_team,
            "olga",
            owen,
            "oscar",
            cast.other_leader.assignments.get(),
            other_member,
        ),
    ):
        case_submit(user=cast.users[writer], team=team, title="产业帮扶", body="发展猕猴桃种植。")
        inspection_record(
            actor=cast.users[county_office],
            kind="county_quarterly",
            team=team,
            held_on=today - timedelta(days=7),
            summary="队员在岗,台账齐全。",
            findings=[],
            today=today,
        )
        ledger_of(team)
        allocation_record(
            user=cast.users[county_office],
            team=team,
            year=today.year,
            source=Source.PROVINCE,
            amount_fen=500_000,
            disbursed_on=today - timedelta(days=30),
            today=today,
        )
        expense_submit(
            user=handler,
            team=team,
            category="supplies",
            amount_fen=12_000,
            spent_on=today - timedelta(days=10),
            description="打印纸",
            receipt=receipt(),
            today=today,
        )
        event_create(
            user=cast.users[county_office],
            level="county",
            kind="rotation",
            title="驻村干部专题轮训",
            organiser="县驻村办",
            region=team.village.county,
            start=today - timedelta(days=20),
            end=today - timedelta(days=18),
            place="县委党校",
        )
        Handover.objects.create(
            team=team,
            predecessor=predecessor,
            successor=successor,
            content="村情台账、帮扶计划",
            created_at=timezone.now(),
        )
    for username in ("alice", "olga", "dora", "oscar"):
        api_token_create(user=cast.users[username], name="手机")
    deputy = f.office_user("tina", "town", region=cast.town, duty="staff")
    delegation_create(user=cast.users["ed"], deputy=deputy, start=today, end=today)
    _export_jobs(cast)


def _export_jobs(cast):
    """A finished export for users of several roles (the download page takes a job's id)."""
    from zhucun.exports.runner import run_job
    from zhucun.exports.services import export_request

    for username, kind in (
        ("dora", "households"),
        ("oscar", "households"),
        ("carol", "households"),
        ("alice", "cadres"),
        ("fay", "cadres"),
        ("gus", "cadres"),
    ):
        job = export_request(user=cast.users[username], kind=kind, parameters={}, address=None)
        run_job(job.pk)


def _disciplined(county_office, cadre):
    """第三十五条(一): a recorded discipline makes the cadre 不称职, so a recall can be proposed."""
    from datetime import date

    from tests.assessment import builders as b
    from zhucun.assessment import services as assessment

    assessment.conduct_fact_record(
        actor=county_office,
        cadre=cadre,
        kind="disciplined",
        occurred_on=date(b.YEAR, 9, 1),
        document="纪发〔2025〕7号",
        description="违反工作纪律受到党内警告处分",
        today=b.TODAY,
    )


def _finalise_the_other_county(cast):
    """蓝田's 2025 too: olga stationed all year, scored by her town and county, finalised."""
    from datetime import date

    from tests import factories as f
    from tests.assessment import builders as b
    from zhucun.assessment import services as assessment

    olga = cast.other_leader
    town = f.office_user("tian", "town", region=cast.other_village.town, duty="secretary")
    b.whole_year(olga)
    b.attend(olga)
    for quarter in (1, 2):
        assessment.ordinary_assessment_record(
            actor=town,
            cadre=olga,
            held_on=date(b.YEAR, 3 * quarter, 28),
            title=f"第{quarter}季度平时考核",
            contents=b.GOOD,
            today=b.TODAY,
        )
    assessment.annual_assessment_record(
        actor=cast.users["oscar"], cadre=olga, year=b.YEAR, contents=b.GOOD, today=b.TODAY
    )
    assessment.team_opinion_sign(actor=town, cadre=olga, year=b.YEAR, text="全年驻村,工作扎实。")
    _disciplined(cast.users["oscar"], olga)
    assessment.assessment_finalise(
        actor=cast.users["oscar"], county=cast.other_county, year=b.YEAR, today=b.TODAY
    )

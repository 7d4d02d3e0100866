import pytest


@pytest.fixture
def matrix_cast(cast):
    """The cast with one record of each kind the pages take by id, for both counties."""
    from datetime import timedelta

    from django.utils import timezone

    from zhucun.stationing.services import leave_request_submit
    from zhucun.worklogs.models import RectificationNotice, WorkLog

    now = timezone.now()
    day = timezone.localdate() - timedelta(days=3)
    for cadre, username, issuer in (
        (cast.member, "alice", "team"),
        (cast.other_leader, "oscar", "town"),
    ):
        WorkLog.objects.create(
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
    from zhucun.api.services import api_token_create
    from zhucun.assessment import services as assessment
    from zhucun.assessment.supervision import inspection_record
    from zhucun.care.services import case_submit
    from zhucun.funds.services import ledger_of
    from zhucun.stationing.models import Handover

    today = timezone.localdate()
    b.whole_team(cast)
    assessment.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    _finalise_the_other_county(cast)
    other_member = f.AssignmentFactory(  # came after the assessed year
        team=cast.other_team,
        cadre=f.CadreFactory(name="欧文", unit=cast.other_unit),
        start=b.TODAY,
    )
    for team, writer, county_office, predecessor, successor in (
        (cast.team, "alice", "dora", cast.leader.assignments.get(), cast.member.assignments.get()),
        (
            cast.other_team,
            "olga",
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
        Handover.objects.create(
            team=team,
            predecessor=predecessor,
            successor=successor,
            content="村情台账、帮扶计划",
            created_at=timezone.now(),
        )
    for username in ("alice", "olga", "dora", "oscar"):
        api_token_create(user=cast.users[username], name="手机")


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
    assessment.assessment_finalise(
        actor=cast.users["oscar"], county=cast.other_county, year=b.YEAR, today=b.TODAY
    )

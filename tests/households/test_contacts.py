"""Contacts and the record book (第二十、二十一条): recording, refusals, compliance, pages."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from zhucun.accounts.scope import scope_for
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households import services
from zhucun.households.compliance import contact_compliance
from zhucun.households.models import Contact, RecordBookCheck

TODAY = date(2026, 3, 10)


def record(cast, day, channel="phone", household=None, user="carol"):
    return services.contact_record(
        actor=cast.users[user],
        household=household or cast.household,
        day=day,
        kind="visit" if channel == "home" else "inquiry",
        channel=channel,
        learned="家中老人身体好转",
        problems="缺少化肥",
        help_given="联系农资站",
        escalated="村道需修补",
        today=TODAY,
    )


def test_a_household_cadre_records_an_inquiry_and_a_visit(cast):
    record(cast, date(2026, 3, 2))
    visit = record(cast, date(2026, 3, 3), channel="home")
    assert visit.kind == "visit" and visit.cadre == cast.household_cadre
    assert list(Contact.objects.values_list("day", "kind")) == [
        (date(2026, 3, 2), "inquiry"),
        (date(2026, 3, 3), "visit"),
    ]


@pytest.mark.parametrize(
    "user, household, day, code",
    [
        ("carol", "other_household", date(2026, 3, 2), ErrorCode.NOT_PAIRED),
        ("carol", "household", TODAY + timedelta(days=1), ErrorCode.FUTURE_DATE),
        ("carol", "household", date(2025, 5, 31), ErrorCode.OUTSIDE_ASSIGNMENT),
        ("alice", "household", date(2026, 3, 2), ErrorCode.NOT_PAIRED),
        ("dora", "household", date(2026, 3, 2), ErrorCode.FORBIDDEN),
    ],
)
def test_contacts_for_other_households_future_days_or_outside_the_pairing_are_refused(
    cast, user, household, day, code
):
    with pytest.raises(ServiceError) as refused:
        record(cast, day, household=getattr(cast, household), user=user)
    assert refused.value.code == code
    assert not Contact.objects.exists()


def test_a_contact_without_what_was_learned_names_the_field(cast):
    with pytest.raises(ServiceError) as refused:
        services.contact_record(
            actor=cast.users["carol"],
            household=cast.household,
            day=TODAY,
            kind="inquiry",
            channel="home",
            learned="x",
            today=TODAY,
        )
    assert refused.value.field == "channel"
    with pytest.raises(ServiceError) as refused:
        services.contact_record(
            actor=cast.users["carol"],
            household=cast.household,
            day=TODAY,
            kind="inquiry",
            channel="phone",
            learned=" ",
            today=TODAY,
        )
    assert refused.value.field == "learned" and "了解情况" in refused.value.message


def _weeks(result):
    return sorted(c.period for c in result.checks if c.rule == "weekly_inquiry")


def _months(result):
    return sorted(c.period for c in result.checks if c.rule == "monthly_visits")


def test_iso_weeks_cross_the_year_end_monday_to_sunday(cast):
    # Given contacts on Sunday 2025-12-28 (2025-W52) and Monday 2026-01-05 (2026-W02),
    # none in 2026-W01, which runs Monday 2025-12-29 to Sunday 2026-01-04
    record(cast, date(2025, 12, 28))
    record(cast, date(2026, 1, 5))
    # When compliance is computed over those weeks
    result = contact_compliance(
        cast.users["dora"], since=date(2025, 12, 28), until=date(2026, 1, 11), today=TODAY
    )
    # Then only 2026-W01 is missed, and the finding names its Monday and Sunday
    assert _weeks(result) == ["2026-W01"]
    [week] = [c for c in result.checks if c.rule == "weekly_inquiry"]
    assert week.evidence["week_start"] == "2025-12-29" and week.evidence["week_end"] == "2026-01-04"
    assert week.article == "第二十条"


def test_a_week_crossing_a_month_end_counts_a_contact_in_either_month(cast):
    # 2026-W05 runs Monday 01-26 to Sunday 02-01; one contact on 02-01 covers it
    record(cast, date(2026, 2, 1))
    result = contact_compliance(
        cast.users["dora"], since=date(2026, 1, 26), until=date(2026, 2, 1), today=TODAY
    )
    assert "2026-W05" not in _weeks(result)


def test_visits_count_in_their_calendar_month_only(cast):
    # Given two visits on 01-31 and 02-01 and one on 02-28, with weekly inquiries all along
    day = date(2026, 1, 5)
    while day < date(2026, 3, 1):
        record(cast, day)
        day += timedelta(days=7)
    for day in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28)):
        record(cast, day, channel="home")
    result = contact_compliance(
        cast.users["dora"], since=date(2026, 1, 5), until=date(2026, 2, 28), today=TODAY
    )
    # Then January (1 visit) is short and February (2 visits) is met
    assert _months(result) == ["2026-01"]
    [january] = result.checks
    assert january.evidence["visit_days"] == ["2026-01-31"]
    assert result.by_cadre[cast.household_cadre.pk].months_missed == 1


def test_a_month_still_running_or_not_wholly_paired_is_not_judged(cast):
    # The pairing started 2025-06-01: June 2025 is judged, the running March 2026 is not
    result = contact_compliance(
        cast.users["dora"], since=date(2026, 3, 1), until=TODAY, today=TODAY
    )
    assert _months(result) == []


def _county_of(size, cast):
    cadre = f.CadreFactory(unit=cast.unit)
    for i in range(size):
        household = f.HouseholdFactory(village=cast.village)
        f.PairingFactory(household=household, cadre=cadre, start=date(2026, 1, 1))
        for week in range(0, 8, 2 if i % 3 else 1):
            Contact.objects.create(
                household=household,
                cadre=cadre,
                pairing=household.pairings.get(),
                day=date(2026, 1, 5) + timedelta(days=7 * week),
                kind="visit",
                channel="home",
                learned="x",
                recorded_by=cast.users["carol"],
            )


def test_county_compliance_takes_the_same_number_of_queries_for_10_or_200_households(cast):
    counts = []
    scope_for(cast.users["dora"])  # the user's scope is read once per request, before this
    for size in (10, 200):
        _county_of(size, cast)
        with CaptureQueriesContext(connection) as queries:
            result = contact_compliance(
                cast.users["dora"], since=date(2026, 1, 1), until=date(2026, 2, 28), today=TODAY
            )
        counts.append(len(queries))
        assert result.pairings > size
    assert counts[0] == counts[1] and counts[0] <= 6


def test_the_record_book_is_chronological_printable_and_exportable(cast, client):
    record(cast, date(2026, 3, 3), channel="home")
    record(cast, date(2026, 3, 1))
    client.force_login(cast.users["ed"])
    url = reverse("households:record_book", args=[cast.household.pk])
    page = client.get(url).content.decode()
    assert page.index("2026-03-01") < page.index("2026-03-03")
    # The town records its periodic check (第二十一条)
    response = client.post(url, {"day": "2026-03-05", "remark": "记录完整"})
    assert response.status_code == 302
    assert RecordBookCheck.objects.get().by == "town"
    sheet = load_workbook(
        BytesIO(
            client.get(reverse("households:record_book_export", args=[cast.household.pk])).content
        )
    ).worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(r[0].date().isoformat(), r[1]) for r in rows] == [
        ("2026-03-01", "帮扶记录"),
        ("2026-03-03", "帮扶记录"),
        ("2026-03-05", "检查记录"),
    ]
    assert rows[2][4] == "记录完整"


def test_the_team_leader_checks_the_book_but_a_member_of_another_county_cannot(cast):
    check = services.book_check_record(
        actor=cast.users["alice"], household=cast.household, day=TODAY, remark="已督促", today=TODAY
    )
    assert check.by == "team"
    with pytest.raises(ServiceError):
        services.book_check_record(
            actor=cast.users["olga"], household=cast.household, day=TODAY, remark="x", today=TODAY
        )


@pytest.mark.parametrize(
    "username, own, other",
    [
        ("carol", 200, 404),
        ("alice", 200, 404),
        ("dora", 200, 404),
        ("ed", 200, 404),
        ("fay", 200, 404),
        ("oscar", 404, 200),
        ("bob", 403, 403),
    ],
)
def test_record_book_pages_open_in_scope_and_answer_404_elsewhere(
    cast, client, username, own, other
):
    client.force_login(cast.users[username])
    for name in ("households:record_book", "households:record_book_export"):
        assert client.get(reverse(name, args=[cast.household.pk])).status_code == own
        assert client.get(reverse(name, args=[cast.other_household.pk])).status_code == other


def test_the_contact_form_is_for_the_cadre_of_own_households(cast, client):
    client.force_login(cast.users["carol"])
    assert (
        client.get(reverse("households:contact_new", args=[cast.household.pk])).status_code == 200
    )
    assert (
        client.get(reverse("households:contact_new", args=[cast.other_household.pk])).status_code
        == 404
    )
    assert client.get(reverse("households:my_households")).status_code == 200
    client.force_login(cast.users["dora"])
    assert (
        client.get(reverse("households:contact_new", args=[cast.household.pk])).status_code == 403
    )


@pytest.mark.parametrize("username", ["dora", "carol", "alice"])
def test_the_compliance_page_shows_the_users_own_cadres(cast, client, username):
    client.force_login(cast.users[username])
    page = client.get(reverse("households:contact_compliance"), {"month": "2026-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert cast.household_cadre.name in text and cast.other_leader.name not in text


def test_the_compliance_page_shows_a_short_month_with_its_visit_days(cast, client):
    # Given carol visited her household once in January 2026 (two visits are required)
    record(cast, date(2026, 1, 14), channel="home")
    # When the county office opens January's compliance
    client.force_login(cast.users["dora"])
    page = client.get(reverse("households:contact_compliance"), {"month": "2026-01"})
    # Then the month's finding lists the one visit day as its evidence
    text = page.content.decode()
    assert "入户帮扶1次" in text
    assert "入户日期:2026-01-14" in text
    # and a week without a contact shows no day list
    assert "联系日期" not in text


def test_compliance_of_no_household_lists_nothing_and_reads_no_pairing(cast):
    # Given a cadre's household with no contact at all (every week and month fails)
    since, until = date(2026, 1, 5), date(2026, 2, 28)
    everything = contact_compliance(cast.users["dora"], since=since, until=until, today=TODAY)
    assert len(everything.checks) > 0
    # When the compliance of an empty list of households is asked for
    with CaptureQueriesContext(connection) as queries:
        result = contact_compliance(
            cast.users["dora"], since=since, until=until, today=TODAY, household_ids=[]
        )
    # Then nothing is judged or counted, and the database is not asked for pairings
    assert (len(result.checks), result.pairings, result.by_cadre) == (0, 0, {})
    assert not result.by_household
    assert not any("households_pairing" in q["sql"] for q in queries.captured_queries)

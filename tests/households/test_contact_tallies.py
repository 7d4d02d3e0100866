"""The stored contact tallies (第二十条) give exactly the summaries the policy computes from the
contacts themselves, whatever was written, however, and for any window."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from zhucun.households.compliance import contact_summaries
from zhucun.households.models import Contact, ContactTally, Household
from zhucun.households.services import contact_record
from zhucun.households.tallies import contact_tallies_update, rebuild_contact_tallies
from zhucun.policy.contacts import summarise, window_start

TODAY = date(2026, 11, 29)
FIRST = date(2025, 11, 20)  # contacts around New Year 2026: a week (12-29 → 01-04) across it
CHANNEL = {"inquiry": "phone", "visit": "home"}
TALLY_FIELDS = [
    "weeks",
    "week_contacts",
    "day_contacts",
    "visit_days",
    "repeat_visits",
    "month_visits",
]


def _tallies():
    return {
        (t["household_id"], t["year"]): tuple(
            bytes(v) if isinstance(v, memoryview) else v for v in (t[k] for k in TALLY_FIELDS)
        )
        for t in ContactTally.objects.values("household_id", "year", *TALLY_FIELDS)
    }


def _assert_month_visits_are_the_contacts():
    visits = {}
    for household, day in Contact.objects.filter(kind="visit").values_list("household_id", "day"):
        key = (household, day.year)
        visits.setdefault(key, [0] * 12)[day.month - 1] += 1
    for (household, year), row in _tallies().items():
        assert row[-1] == bytes(visits.get((household, year), [0] * 12)), (household, year)


def _assert_summaries_are_the_policys(since, until, ceiling):
    first = window_start(since)
    rows = Contact.objects.filter(day__range=(first, until)).values_list(
        "household_id", "day", "kind"
    )
    expected = summarise(rows, since=since, until=until, weekly_ceiling=ceiling)
    assert contact_summaries(None, since=since, until=until, weekly_ceiling=ceiling) == expected
    households = Household.objects.filter(pk__in=list(expected)[:1]).values("pk")
    assert contact_summaries(households, since=since, until=until, weekly_ceiling=ceiling) == {
        h: s for h, s in expected.items() if h in list(expected)[:1]
    }


days = st.integers(20, 60).map(lambda n: FIRST + timedelta(n)) | st.sampled_from(
    [date(2025, 12, 31), date(2026, 1, 1), date(2026, 11, 28), date(2025, 6, 2)]
)
kinds = st.sampled_from(["inquiry", "visit"])
operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 1), days, kinds, st.integers(1, 3)),
        st.tuples(st.just("amend"), st.integers(0, 1000), days, kinds),
        st.tuples(st.just("delete"), st.integers(0, 1000)),
    ),
    min_size=1,
    max_size=40,
)
windows = st.tuples(st.integers(15, 65), st.integers(0, 30)).map(
    lambda w: (FIRST + timedelta(w[0]), FIRST + timedelta(w[0] + w[1]))
) | st.sampled_from(
    [
        (date(2026, 1, 1), date(2026, 11, 28)),  # the engine's year: from 2025-12-26
        (date(2025, 12, 29), date(2026, 1, 4)),  # the week across New Year
        (date(2026, 1, 2), date(2026, 1, 2)),
        (date(2025, 6, 1), date(2026, 12, 31)),
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, checked=st.lists(windows, min_size=1, max_size=4), ceiling=st.integers(1, 4))
def test_the_stored_summaries_are_the_policys_after_any_writes(cast, ops, checked, ceiling):
    with transaction.atomic():
        # Given two households of one cadre, and contacts recorded through the service,
        # some changed (day, kind) or deleted as a correction would, in its transaction
        other = f.HouseholdFactory(village=cast.village)
        f.PairingFactory(household=other, cadre=cast.household_cadre)
        households = [cast.household, other]
        carol = cast.users["carol"]
        for op in ops:
            if op[0] == "create":
                _, which, day, kind, times = op
                for _ in range(times):
                    contact_record(
                        actor=carol,
                        household=households[which],
                        day=day,
                        kind=kind,
                        channel=CHANNEL[kind],
                        learned="了解情况",
                        today=TODAY,
                    )
            else:
                contacts = list(Contact.objects.order_by("pk"))
                if not contacts:
                    continue
                contact = contacts[op[1] % len(contacts)]
                with transaction.atomic():
                    before = contact.day
                    if op[0] == "amend":
                        contact.day, contact.kind, contact.channel = op[2], op[3], CHANNEL[op[3]]
                        contact.save(update_fields=["day", "kind", "channel"])
                    else:
                        contact.delete()
                    contact_tallies_update(
                        household_id=contact.household_id, days=[before, contact.day]
                    )
        # When the summaries of any window are read from the tallies, weeks across New Year
        # and a county asking for more than one contact a week included
        # Then they are the policy's summaries of the contacts themselves
        for since, until in checked:
            _assert_summaries_are_the_policys(since, until, ceiling)
        # and each tally's visits of each month are the visits recorded in it
        _assert_month_visits_are_the_contacts()
        # and rebuilding every tally from the contacts gives the rows kept one write at a time
        # (less the years whose contacts were all deleted: kept empty, not rebuilt)
        kept = {key: row for key, row in _tallies().items() if row[0]}
        rebuild_contact_tallies()
        assert _tallies() == kept
        transaction.set_rollback(True)


def test_every_window_over_new_year_reads_as_the_policy_summarises_it(cast):
    # Given contacts on most days around New Year 2026, some days twice, some visits
    pairing = cast.household.pairings.get()
    contacts = []
    for i in range(40):
        day = date(2025, 12, 15) + timedelta(days=i)
        for kind in ["inquiry"] * (i % 3 != 1) + ["visit"] * (i % 4 == 0) * (1 + i % 8 // 4):
            contacts.append(
                Contact(
                    household=cast.household,
                    cadre=cast.household_cadre,
                    pairing=pairing,
                    day=day,
                    kind=kind,
                    channel=CHANNEL[kind],
                    learned="x",
                )
            )
    Contact.objects.bulk_create(contacts)
    rebuild_contact_tallies()
    # When every window from any day of those weeks to any later day within three weeks is
    # read, with one and with three contacts a week required
    # Then each summary is the policy's own, the weeks the window cuts included
    for start in range(0, 40):
        for length in range(0, 22, 3):
            since = date(2025, 12, 15) + timedelta(days=start)
            for ceiling in (1, 3):
                _assert_summaries_are_the_policys(since, since + timedelta(days=length), ceiling)


def test_a_contact_recorded_through_the_service_is_tallied_at_once(cast):
    # Given carol's household with no contact yet
    carol = cast.users["carol"]
    # When she records an inquiry and two visits (one on New Year's Eve, two on one day)
    for day, kind in [
        (date(2025, 12, 31), "visit"),
        (date(2026, 1, 2), "visit"),
        (date(2026, 1, 2), "inquiry"),
        (date(2026, 1, 2), "visit"),
    ]:
        contact_record(
            actor=carol,
            household=cast.household,
            day=day,
            kind=kind,
            channel=CHANNEL[kind],
            learned="了解情况",
            today=TODAY,
        )
    # Then the week across New Year has its four contacts and both visit days, 01-02 twice
    summary = contact_summaries(
        None, since=date(2026, 1, 4), until=date(2026, 1, 4), weekly_ceiling=5
    )[cast.household.pk]
    first = window_start(date(2026, 1, 4))  # 2025-12-29, the Monday of that week
    assert summary.weeks == 1
    assert summary.few_contacts == {(first.toordinal() - 1) // 7: 4}
    assert summary.visit_days == (1 << 2) | (1 << 4)
    assert summary.repeat_visits == {date(2026, 1, 2): 2}
    assert ContactTally.objects.filter(household=cast.household).count() == 2
    # and each year's tally holds its months' visits: December 2025 one, January 2026 two
    months = dict(
        ContactTally.objects.filter(household=cast.household).values_list("year", "month_visits")
    )
    assert bytes(months[2025]) == bytes(11) + b"\x01"
    assert bytes(months[2026]) == b"\x02" + bytes(11)


def test_recording_a_contact_costs_a_bounded_number_of_tally_queries(cast):
    carol = cast.users["carol"]

    def record(day):
        with CaptureQueriesContext(connection) as queries:
            contact_record(
                actor=carol,
                household=cast.household,
                day=day,
                kind="inquiry",
                channel="phone",
                learned="了解情况",
                today=TODAY,
            )
        return [
            q["sql"]
            for q in queries
            if "contacttally" in q["sql"].lower() or 'FROM "households_contact"' in q["sql"]
        ]

    # Given the first contact of a year creates its tally: lock, insert, lock, read, update
    assert len(record(date(2026, 3, 2))) <= 5
    # When the next contacts of that year are recorded
    # Then each costs three: lock the tally, read the household's days of the year, update
    assert len(record(date(2026, 3, 3))) == len(record(date(2026, 9, 9))) == 3


def test_the_command_rebuilds_the_tallies_of_contacts_loaded_around_the_services(cast):
    # Given contacts bulk-loaded (no tally) and a stray tally row
    pairing = cast.household.pairings.get()
    Contact.objects.bulk_create(
        Contact(
            household=cast.household,
            cadre=cast.household_cadre,
            pairing=pairing,
            day=date(2026, 2, 1) + timedelta(days=i),
            kind="visit" if i % 3 else "inquiry",
            channel="home" if i % 3 else "phone",
            learned="x",
        )
        for i in range(30)
    )
    ContactTally.objects.create(household=cast.other_household, year=2024, weeks=5)
    assert not contact_summaries(
        None, since=date(2026, 2, 1), until=date(2026, 2, 28), weekly_ceiling=1
    ).get(cast.household.pk)
    # When an operator runs the command
    call_command("rebuild_contact_tallies", stdout=open("/dev/null", "w"))
    # Then the summaries are those of the contacts, and the stray row is gone
    _assert_summaries_are_the_policys(date(2026, 2, 1), date(2026, 2, 28), 2)
    assert not ContactTally.objects.filter(household=cast.other_household).exists()


def _race(jobs):
    """Each job in its own thread and connection, started together (tests/test_funds_concurrency:
    SQLite's in-memory test database answers "locked" at once where a file database waits)."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    job()
                    return
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    time.sleep(0.02)
            raise AssertionError("the database stayed locked")
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_contacts_of_one_household_recorded_at_once_are_all_tallied(cast):
    # Given carol's household with no contact in 2026 (no tally row yet)
    carol = cast.users["carol"]

    def job(day, kind):
        return lambda: contact_record(
            actor=carol,
            household=cast.household,
            day=day,
            kind=kind,
            channel=CHANNEL[kind],
            learned="了解情况",
            today=TODAY,
        )

    # When six contacts of that household are recorded at the same moment, twice
    for days in ([date(2026, 4, d) for d in range(6, 12)], [date(2026, 4, 6)] * 6):
        errors = _race([job(day, "visit" if i % 2 else "inquiry") for i, day in enumerate(days)])
        assert errors == []
    # Then every one of them is in the tally: none was lost to another's update
    assert Contact.objects.count() == 12
    _assert_summaries_are_the_policys(date(2026, 4, 1), date(2026, 4, 30), 4)
    kept = _tallies()
    rebuild_contact_tallies()
    assert _tallies() == kept


def _county_of(size, cast):
    """`size` more households of cast's county, each with a few weeks of contacts."""
    cadre = f.CadreFactory(unit=cast.unit)
    contacts = []
    for i in range(size):
        household = f.HouseholdFactory(village=cast.village)
        pairing = f.PairingFactory(household=household, cadre=cadre, start=date(2026, 1, 1))
        for week in range(0, 40, 1 + i % 3):
            day = date(2026, 1, 5) + timedelta(days=7 * week + i % 7)
            kind = "visit" if week % 2 else "inquiry"
            contacts.append(
                Contact(
                    household=household,
                    cadre=cadre,
                    pairing=pairing,
                    day=day,
                    kind=kind,
                    channel=CHANNEL[kind],
                    learned="x",
                )
            )
    Contact.objects.bulk_create(contacts)
    rebuild_contact_tallies()


@pytest.mark.parametrize(
    "url", ["/households/contacts/compliance/?month=2026-09", "/households/pairings/"]
)
def test_the_findings_list_and_pairing_review_take_the_same_queries_at_two_sizes(cast, client, url):
    # Given the county officer, and a county of 10, then of 150 more households
    client.force_login(cast.users["dora"])
    counts = []
    for size in (10, 140):
        _county_of(size, cast)
        client.get(url)  # the session and the scope are read once
        # When the page is opened
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        counts.append(len(queries))
    # Then it takes the same number of queries at both sizes, within the pages' budget
    assert counts[0] == counts[1] <= 15

"""Allowances (第二十七条): paid from the cadre-day calendar, never from a typed count; yearly cover."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from zhucun.allowances.cover import cover_due
from zhucun.allowances.services import cover_record, injury_record, rates_set
from zhucun.allowances.sheet import monthly_sheet, weeks_window
from zhucun.approvals.models import Request, RequestState
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.calendar import STATIONED_STATUSES
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import CheckIn, Leave, OfficialBusiness

AFTER = date(2026, 3, 1)


def _days(first, last):
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _rates(cast, living="10000", transport="5000", communication="20000", on=date(2025, 1, 1)):
    return rates_set(
        user=cast.users["fay"],
        unit=cast.unit,
        effective_from=on,
        living_fen_per_day=int(living),
        transport_fen_per_week=int(transport),
        communication_fen_per_month=int(communication),
    )


def _september_of_bob(cast):
    """Bob's September 2025: stationed, on leave, travelling, in training, back in the village."""
    bob, assignment = cast.member, cast.member.assignments.get()
    check_ins = _days(date(2025, 9, 1), date(2025, 9, 5)) + _days(
        date(2025, 9, 17), date(2025, 9, 19)
    )
    check_ins += [date(2025, 9, 29), date(2025, 9, 30)]
    CheckIn.objects.bulk_create(
        CheckIn(cadre=bob, assignment=assignment, day=d, at=f"{d}T01:00:00Z") for d in check_ins
    )
    approval = Request.objects.create(
        kind="leave",
        title="假",
        requester=cast.users["bob"],
        cadre=bob,
        state=RequestState.APPROVED,
        submitted_at="2025-09-01T00:00:00Z",
    )
    Leave.objects.create(
        cadre=bob,
        assignment=assignment,
        start=date(2025, 9, 8),
        end=date(2025, 9, 14),
        reason="探亲",
        approval=approval,
        created_at="2025-09-01T00:00:00Z",
    )
    for kind, start, end in (
        ("trip", date(2025, 9, 15), date(2025, 9, 16)),
        ("training", date(2025, 9, 22), date(2025, 9, 26)),
    ):
        OfficialBusiness.objects.create(
            cadre=bob,
            assignment=assignment,
            kind=kind,
            start=start,
            end=end,
            what="县里",
            where="周至县",
            created_at="2025-09-01T00:00:00Z",
        )


def test_allowances_equal_the_rates_times_the_calendar_days_of_a_month_with_leave_travel_and_training(
    cast,
):
    # Given the unit's rates (100 yuan a day, 50 a week, 200 a month) and bob's September:
    # 5 days in the village, a week of leave, 2 days' travel + 3 in the village,
    # 5 days' training, and 29–30 September in the village
    _rates(cast)
    _september_of_bob(cast)
    # When the unit's September sheet is computed
    sheet = monthly_sheet(cast.unit, 2025, 9, today=AFTER)
    line = next(line for line in sheet.lines if line.cadre == cast.member)
    # Then the living subsidy is the rate times the calendar's stationed days
    calendar = statuses_for([cast.member.pk], date(2025, 9, 1), date(2025, 9, 30), today=AFTER)
    stationed = [d for d, s in calendar[cast.member.pk].items() if s in STATIONED_STATUSES]
    assert line.stationed_days == len(stationed) == 5 + 5 + 5 + 2
    assert line.living_fen == 17 * 10000
    # and the leave week earns no transport; 29–30 September belong to October's week (Thu 2 Oct)
    assert line.weeks == 3 and line.transport_fen == 3 * 5000
    assert line.communication_fen == 20000
    assert line.total_fen == 170000 + 15000 + 20000
    # and the week straddling the month is paid once, in October
    october = next(
        x for x in monthly_sheet(cast.unit, 2025, 10, today=AFTER).lines if x.cadre == cast.member
    )
    assert (october.stationed_days, october.weeks, october.transport_fen) == (0, 1, 5000)
    assert october.communication_fen == 0


def test_a_cadre_with_no_stationed_day_earns_nothing(cast):
    _rates(cast)
    line = next(
        x for x in monthly_sheet(cast.unit, 2025, 9, today=AFTER).lines if x.cadre == cast.leader
    )
    assert (line.stationed_days, line.weeks, line.total_fen) == (0, 0, 0)


def test_a_new_rate_applies_from_its_date_and_earlier_months_keep_theirs(cast):
    _rates(cast)
    _rates(cast, living="12000", on=date(2025, 10, 1))
    _september_of_bob(cast)
    assert monthly_sheet(cast.unit, 2025, 9, today=AFTER).rates.living_fen_per_day == 10000
    assert monthly_sheet(cast.unit, 2025, 10, today=AFTER).rates.living_fen_per_day == 12000


def test_the_iso_weeks_of_a_month_are_those_whose_thursday_it_holds():
    assert weeks_window(date(2025, 9, 1), date(2025, 9, 30)) == (
        date(2025, 9, 1),
        date(2025, 9, 28),
    )
    assert weeks_window(date(2026, 1, 1), date(2026, 1, 31)) == (
        date(2025, 12, 29),
        date(2026, 2, 1),
    )


def test_only_the_cadres_own_unit_sets_rates_and_cover(cast):
    for who in ("dora", "ed", "alice"):
        with pytest.raises(ServiceError) as refused:
            rates_set(
                user=cast.users[who],
                unit=cast.unit,
                effective_from=date(2025, 1, 1),
                living_fen_per_day=1,
                transport_fen_per_week=1,
                communication_fen_per_month=1,
            )
        assert refused.value.code == ErrorCode.FORBIDDEN


def test_yearly_insurance_and_exam_are_reminded_until_recorded(cast):
    today = date.today()
    due = {(d.cadre, d.kind) for d in cover_due([cast.unit.pk], today)}
    assert (cast.member, "insurance") in due and (cast.member, "exam") in due
    cover_record(
        user=cast.users["fay"],
        cadre=cast.member,
        kind="insurance",
        year=today.year,
        done_on=today,
        valid_until=today + timedelta(days=365),
    )
    cover_record(
        user=cast.users["fay"], cadre=cast.member, kind="exam", year=today.year, done_on=today
    )
    due = {(d.cadre, d.kind) for d in cover_due([cast.unit.pk], today)}
    assert not any(cadre == cast.member for cadre, _ in due)
    with pytest.raises(ServiceError) as twice:
        cover_record(
            user=cast.users["fay"], cadre=cast.member, kind="exam", year=today.year, done_on=today
        )
    assert twice.value.code == ErrorCode.CONFLICT


def test_an_injury_needs_a_named_person_to_follow_up(cast):
    with pytest.raises(ServiceError) as refused:
        injury_record(
            user=cast.users["fay"],
            cadre=cast.member,
            happened_on=date(2025, 9, 3),
            description="入户途中摔伤",
            contact_person="",
        )
    assert (refused.value.field, refused.value.article) == ("contact_person", "第二十七条")


def test_the_unit_home_page_reminds_of_cover_due(cast, login):
    body = login(cast.users["fay"]).get(reverse("home")).content.decode()
    assert "尚未办理人身意外伤害保险" in body


def test_the_sheet_opens_for_the_own_unit_and_exports_excel(cast, login):
    _rates(cast)
    _september_of_bob(cast)
    client = login(cast.users["fay"])
    page = client.get(reverse("allowances:sheet", args=[cast.unit.pk, 2025, 9]))
    assert page.status_code == 200 and "鲍勃" in page.content.decode()
    book = client.get(reverse("allowances:sheet_xlsx", args=[cast.unit.pk, 2025, 9]))
    values = [
        c.value for row in load_workbook(BytesIO(book.content)).active.iter_rows() for c in row
    ]
    assert "鲍勃" in values and "1,700.00" in values


def test_another_units_office_gets_not_found_and_other_roles_are_refused(cast, login):
    stranger = f.office_user("uma", "unit", unit=cast.other_unit, duty="unit_hr")
    for name, args in (
        ("allowances:sheet", [cast.unit.pk, 2025, 9]),
        ("allowances:rates", [cast.unit.pk]),
        ("allowances:cover", [cast.unit.pk]),
    ):
        assert login(stranger).get(reverse(name, args=args)).status_code == 404
        assert login(cast.users["dora"]).get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("extra", [1, 15])
def test_the_sheet_needs_a_bounded_number_of_queries(
    cast, client, extra, django_assert_max_num_queries
):
    _rates(cast)
    for _ in range(extra):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member")
    client.force_login(cast.users["fay"])
    # 16, and one for the exporting unit printed on the sheet (制表单位).
    with django_assert_max_num_queries(17):
        response = client.get(reverse("allowances:sheet", args=[cast.unit.pk, 2025, 9]))
    assert response.status_code == 200

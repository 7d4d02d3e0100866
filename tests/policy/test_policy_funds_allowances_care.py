"""The fund split (第二十四条), the monthly allowances (第二十七条), the unit head's visits (第二十八条)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zhucun.policy.allowances import Rates, allowance_of, month_bounds, weeks_window
from zhucun.policy.calendar import DayStatus
from zhucun.policy.care import unit_head_visit_checks
from zhucun.policy.funds import SOURCES, fund_entitlement, split_fen

RATES = Rates(
    living_fen_per_day=10000, transport_fen_per_week=5000, communication_fen_per_month=20000
)


def test_the_city_fund_is_ten_thousand_yuan_split_five_three_two_in_fen(city):
    entitlement = fund_entitlement(2026, city)
    assert tuple(entitlement.parts_fen) == SOURCES
    assert entitlement.parts_fen == {"province": 500_000, "city": 300_000, "county": 200_000}
    assert "5:3:2" in entitlement.explanation and "第二十四条" in entitlement.explanation


def test_a_fen_left_by_rounding_goes_to_the_largest_remainder_and_ties_to_the_first_named():
    # 1 fen over 1:1:1 — all remainders equal, so the province (named first) gets it
    assert split_fen(1, {"province": 1, "city": 1, "county": 1}) == {
        "province": 1,
        "city": 0,
        "county": 0,
    }
    # 7 fen at 5:3:2 → 3.5 / 2.1 / 1.4: the province's .5 is the largest remainder
    assert split_fen(7, {"province": 5, "city": 3, "county": 2}) == {
        "province": 4,
        "city": 2,
        "county": 1,
    }


@given(
    total=st.integers(min_value=0, max_value=10**9),
    shares=st.tuples(*[st.integers(min_value=0, max_value=20)] * 3).filter(lambda t: sum(t) > 0),
)
def test_a_split_adds_up_to_the_total_and_no_part_is_off_by_a_fen_or_more(total, shares):
    shares = dict(zip(SOURCES, shares, strict=True))
    parts = split_fen(total, shares)
    assert sum(parts.values()) == total
    for source, n in shares.items():
        assert abs(parts[source] * sum(shares.values()) - total * n) < sum(shares.values())


def _statuses(stationed_days, first, last):
    monday, sunday = weeks_window(first, last)
    day, out = min(first, monday), {}
    while day <= max(last, sunday):
        out[day] = DayStatus.STATIONED if day in stationed_days else DayStatus.REST
        day += timedelta(days=1)
    return out


def test_leave_earns_nothing_and_a_week_straddling_two_months_is_paid_in_the_month_of_its_thursday():
    # September 2025: stationed 1–5 Sep and 29–30 Sep, leave in between
    september = month_bounds(2025, 9)
    stationed = {date(2025, 9, d) for d in (1, 2, 3, 4, 5, 29, 30)}
    statuses = _statuses(stationed, *september)
    for day in (date(2025, 9, d) for d in range(8, 15)):
        statuses[day] = DayStatus.LEAVE
    month = allowance_of(statuses, *september, RATES)
    # the week of 29 Sep has its Thursday on 2 Oct: it is October's
    assert (month.stationed_days, month.weeks, month.months) == (7, 1, 1)
    assert month.total_fen == 7 * 10000 + 1 * 5000 + 20000
    october = allowance_of(
        _statuses(stationed, *month_bounds(2025, 10)), *month_bounds(2025, 10), RATES
    )
    assert (october.stationed_days, october.weeks, october.months) == (0, 1, 0)


@given(st.sets(st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31)), max_size=120))
def test_over_a_year_each_stationed_iso_week_is_paid_exactly_once(stationed):
    first, last = date(2024, 12, 30), date(2026, 1, 4)  # ISO weeks of 2025 (Thursday in 2025)
    statuses = _statuses(stationed, first, last)
    months = [allowance_of(statuses, *month_bounds(2025, m), RATES) for m in range(1, 13)]
    # a week belongs to the ISO year of its Thursday: 29–31 Dec 2025 are paid in January 2026
    weeks = {d.isocalendar()[:2] for d in stationed if d.isocalendar()[0] == 2025}
    assert sum(m.weeks for m in months) == len(weeks)
    assert sum(m.stationed_days for m in months) == len(stationed)
    assert all(m.living_fen == m.stationed_days * RATES.living_fen_per_day for m in months)


def test_a_finished_month_without_the_unit_heads_visit_fires_and_a_running_month_is_not_judged(
    city,
):
    checks = unit_head_visit_checks(
        [date(2025, 6, 12)],
        unit="市农业农村局",
        village="某村",
        start=date(2025, 6, 1),
        end=date(2025, 8, 15),
        today=date(2025, 8, 15),
        book=city,
    )
    assert [(c.period, c.fired) for c in checks] == [("2025-06", False), ("2025-07", True)]
    july = checks[1]
    assert july.article == "第二十八条" and july.evidence == {
        "visits": 0,
        "minimum": 1,
        "dates": [],
    }
    assert "未达到每月至少1次" in july.message

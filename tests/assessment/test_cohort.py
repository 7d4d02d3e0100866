"""A county's year through the Django path: recorded facts → policy engine → grades (第三十至三十五条).

Boundaries: ≤199/200 stationed days (三), spells of 15/16 days and 30/31 unjustified days (四),
2/3 refused rectification notices (五), the six-month eligibility (第三十二条).
"""

from datetime import date, timedelta

import pytest

from tests.assessment import builders as b
from zhucun.assessment.cohort import county_cohort
from zhucun.rulebook.workdays import non_working_days


def workdays(first, last):
    off = non_working_days(first, last)
    return [d for d in b.days(first, last) if d not in off]


def grade_of(cast, cadre):
    cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    member = cohort.member(cadre.pk)
    return member, {c.rule: c for c in member.result.checks}


@pytest.fixture
def bob(cast):
    """bob, stationed all of 2025 with scores of 称职 level and the team's opinion."""
    b.whole_year(cast.member)
    b.whole_year(cast.leader)
    b.score(cast, cast.member, annual=b.FAIR, ordinary=(b.FAIR,))
    return cast.member


def test_a_cadre_present_every_day_with_fair_scores_is_competent(cast, bob):
    # Given bob checked in and logged every day of the year
    b.attend(bob)
    # When the county's year is computed
    member, checks = grade_of(cast, bob)
    # Then his total is 80 (40% × 80 + 60% × 80) and he is 称职, no rule of 第三十五条 fired
    assert member.result.eligible and float(member.total) == 80.0
    assert member.grade == "称职"
    assert not any(
        checks[r].fired for r in ("year_stationed_days", "absence_spell", "absence_total")
    )
    assert checks["refused_log_rectification"].passed is True


@pytest.mark.parametrize("stationed, unfit", [(199, True), (200, False)])
def test_199_stationed_days_make_a_cadre_unfit_and_200_do_not(cast, bob, stationed, unfit):
    # Given bob checked in on `stationed` days of 2025 and was on approved leave the rest
    year = list(b.days(date(2025, 1, 1), date(2025, 12, 31)))
    b.attend(bob, first=date(2024, 12, 1), last=date(2024, 12, 31))
    b.attend(bob, first=date(2025, 1, 1), last=year[stationed - 1])
    b.leave(bob, year[stationed], date(2025, 12, 31), cast.users["bob"])
    b.attend(bob, first=date(2026, 1, 1), last=date(2026, 1, 14))
    # When the year is computed
    member, checks = grade_of(cast, bob)
    # Then 第三十五条(三) decides, whatever the scores
    assert checks["year_stationed_days"].evidence["stationed_days"] == stationed
    assert checks["year_stationed_days"].fired is unfit
    assert member.grade == ("不称职" if unfit else "称职")


@pytest.mark.parametrize("length, unfit", [(15, False), (16, True)])
def test_an_absence_spell_of_16_days_makes_a_cadre_unfit_and_15_does_not(cast, bob, length, unfit):
    # Given bob was away without leave for `length` consecutive days from Monday 2025-03-03
    away = set(b.days(date(2025, 3, 3), date(2025, 3, 3) + timedelta(days=length - 1)))
    b.attend(bob, skip=away)
    member, checks = grade_of(cast, bob)
    assert checks["absence_spell"].fired is unfit
    assert checks["absence_spell"].article == "第三十五条(四)"
    assert member.grade == ("不称职" if unfit else "称职")


@pytest.mark.parametrize("count, unfit", [(30, False), (31, True)])
def test_31_unjustified_absence_days_make_a_cadre_unfit_and_30_do_not(cast, bob, count, unfit):
    # Given bob missed `count` single working days (Tuesdays and Thursdays), never a long spell
    missed = [d for d in workdays(date(2025, 1, 6), date(2025, 12, 31)) if d.weekday() in (1, 3)]
    b.attend(bob, skip=missed[:count])
    member, checks = grade_of(cast, bob)
    assert len(checks["absence_total"].evidence["unjustified_days"]) == count
    assert checks["absence_spell"].fired is False
    assert checks["absence_total"].fired is unfit
    assert member.grade == ("不称职" if unfit else "称职")


@pytest.mark.parametrize("refused, unfit", [(2, False), (3, True)])
def test_three_refused_rectification_notices_make_a_cadre_unfit_and_two_do_not(
    cast, bob, refused, unfit
):
    # Given bob refused `refused` rectification notices (and one more is still open)
    b.attend(bob)
    b.notices(bob, cast.users["ed"], refused=refused, open_=1)
    member, checks = grade_of(cast, bob)
    assert checks["refused_log_rectification"].fired is unfit
    assert checks["refused_log_rectification"].article == "第三十五条(五)"
    assert member.grade == ("不称职" if unfit else "称职")


@pytest.mark.parametrize(
    "start, assessed",
    [(date(2025, 7, 1), True), (date(2025, 7, 2), False)],
)
def test_only_cadres_stationed_six_months_are_assessed_and_the_others_are_listed_with_why(
    cast, start, assessed
):
    # Given bob was stationed from `start` to the end of the year
    b.whole_year(cast.member, start=start)
    b.attend(cast.member, first=start)
    # When the year is computed
    cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    member = cohort.member(cast.member.pk)
    # Then 07-01..12-31 is exactly six months; 07-02 is not, and the reason is given
    assert member.result.eligible is assessed
    assert (member in cohort.not_assessed) is not assessed
    eligibility = member.result.checks[0]
    assert eligibility.article == "第三十二条"
    assert ("不满6个月" in eligibility.message) is not assessed

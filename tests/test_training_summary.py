"""The county home's training figures (第十八条) read as counts: the same as training_checks."""

from datetime import date, timedelta

import pytest

from tests import factories as f
from tests.test_training_panels import _trained
from zhucun.training.selectors import training_checks, training_summary


def _reference(user, year, today):
    """What the panel computed from every cadre's check before."""
    rows = training_checks(user, year, today=today)
    fired = [r.check for r in rows if r.check.fired]
    return (
        len(rows),
        sum(1 for c in fired if c.severity == "warning"),
        sum(1 for c in fired if c.severity != "warning"),
        fired[0].evidence if fired else None,
    )


def _cadres_trained_in_every_way(cast):
    """Stationed cadres in both counties: untrained, short, trained enough, trained in
    several sessions; one left before the year, one a town contact (not counted)."""
    _trained(cast, cast.member, days=5)
    for days, start in [(1, date(2025, 7, 7)), (3, date(2025, 9, 1)), (6, date(2025, 8, 4))]:
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre)
        _trained(cast, cadre, days=days, start=start)
        _trained(cast, cadre, days=1, start=start + timedelta(days=40))
    for role in ("member", "town_contact"):
        f.AssignmentFactory(team=cast.other_team, cadre=f.CadreFactory(unit=cast.other_unit))
        f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit), role=role)
    f.AssignmentFactory(
        team=cast.team,
        cadre=f.CadreFactory(unit=cast.unit),
        start=date(2023, 6, 1),
        end=date(2024, 12, 31),
    )


@pytest.mark.parametrize(
    "today", [date(2025, 6, 10), date(2025, 12, 10), date(2025, 12, 31), date(2026, 1, 2)]
)
@pytest.mark.parametrize("username", ["dora", "ed", "oscar", "gus", "fay", "alice", "sam"])
def test_the_summary_counts_what_every_cadres_check_gives(cast, username, today):
    # Given cadres trained in every way, judged early, late, on the last day and after the year
    _cadres_trained_in_every_way(cast)
    user = cast.users[username]
    # When the summary is read
    summary = training_summary(user, 2025, today=today)
    # Then it has the counts and the first fired evidence of training_checks
    assert (
        summary.cadres,
        summary.warned,
        summary.short,
        summary.first_fired,
    ) == _reference(user, 2025, today)


def test_the_cases_cover_warnings_shortfalls_and_nothing_fired(cast):
    _cadres_trained_in_every_way(cast)
    late = training_summary(cast.users["gus"], 2025, today=date(2025, 12, 10))
    after = training_summary(cast.users["gus"], 2025, today=date(2026, 1, 2))
    early = training_summary(cast.users["gus"], 2025, today=date(2025, 6, 10))
    assert late.warned > 0 and late.short == 0 and late.first_fired is not None
    assert after.short > 0 and after.warned == 0
    assert early.warned == early.short == 0 and early.first_fired is None

"""The demo city has a finished previous year that the county login can review and finalise."""

from datetime import date

from zhucun.accounts.models import User
from zhucun.assessment import services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import FinalResult
from zhucun.demo.city import build_city
from zhucun.org.models import Region

TODAY = date(2026, 11, 29)


def test_the_demo_county_can_review_and_finalise_its_previous_year(db):
    # Given the demo city
    build_city(scale=0.05, seed=7, today=TODAY)
    county = Region.objects.get(name="周至县")
    # When its 2025 is computed
    cohort = county_cohort(county, 2025, today=TODAY)
    # Then every assessed cadre has scores and an opinion, the quota holds,
    # and 第三十五条 fires for the cadres the demo gave an absence or refusals
    assert cohort.assessed and not cohort.incomplete
    assert cohort.excellent_count <= cohort.quota
    fired = {c.article for m in cohort.assessed for c in m.result.checks if c.fired}
    assert {"第三十五条(四)", "第三十五条(五)"} <= fired
    # And the county login finalises it
    services.assessment_finalise(
        actor=User.objects.get(username="county"), county=county, year=2025, today=TODAY
    )
    assert FinalResult.objects.filter(year=2025).count() == len(cohort.members)

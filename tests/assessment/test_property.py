"""Property: finalised 优秀 never exceed floor(20% × assessed), and recomputing changes nothing."""

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.assessment import builders as b
from zhucun.assessment import services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import (
    AnnualAssessment,
    FinalResult,
    OrdinaryAssessment,
    TeamOpinion,
)
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.assessment import CONTENTS

SCORE = st.integers(min_value=55, max_value=100)
PERSON = st.fixed_dictionaries(
    {
        "annual": st.fixed_dictionaries({key: SCORE for key in CONTENTS}),
        "ordinary": st.lists(SCORE, min_size=1, max_size=3),
        "raise_to_excellent": st.booleans(),
    }
)


@pytest.fixture
def stationed(cast):
    """Six cadres present all of 2025, not yet scored."""
    cadres = [cast.leader, cast.member]
    for cadre in cadres:
        b.whole_year(cadre)
    for i in range(4):
        cadre = f.CadreFactory(name=f"队员{i}", unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member", start=b.date(2024, 1, 1))
        cadres.append(cadre)
    for cadre in cadres:
        b.attend(cadre)
    return cadres


def _record(cast, cadres, people):
    now = timezone.now()
    dora = cast.users["dora"]
    for cadre, person in zip(cadres, people, strict=True):
        AnnualAssessment.objects.create(
            cadre=cadre,
            year=b.YEAR,
            county=cast.county,
            recorded_by=dora,
            recorded_at=now,
            **person["annual"],
        )
        OrdinaryAssessment.objects.bulk_create(
            OrdinaryAssessment(
                cadre=cadre,
                year=b.YEAR,
                town=cast.town,
                held_on=b.date(b.YEAR, 3 * (i + 1), 1),
                title=f"第{i + 1}次",
                score=s,
                recorded_by=dora,
                recorded_at=now,
                **dict.fromkeys(CONTENTS, s),
            )
            for i, s in enumerate(person["ordinary"])
        )
        TeamOpinion.objects.create(
            cadre=cadre,
            year=b.YEAR,
            team=cast.team,
            text="全年表现良好,认真履职。",
            signed_by=dora,
            signed_at=now,
        )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(PERSON, min_size=6, max_size=6))
def test_finalised_excellent_grades_never_exceed_the_quota_and_recomputing_changes_nothing(
    cast, stationed, people
):
    with transaction.atomic():
        # Given random scores for six cadres, and the county raising some to 优秀 by hand
        _record(cast, stationed, people)
        before = county_cohort(cast.county, b.YEAR, today=b.TODAY)
        for cadre, person in zip(stationed, people, strict=True):
            if person["raise_to_excellent"]:
                services.grade_decide(
                    actor=cast.users["dora"],
                    county=cast.county,
                    year=b.YEAR,
                    cadre=cadre,
                    grade="优秀",
                    reason="区县领导小组评议",
                    today=b.TODAY,
                )
        decided = county_cohort(cast.county, b.YEAR, today=b.TODAY)
        # When the county finalises
        try:
            services.assessment_finalise(
                actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
            )
        except ServiceError as refused:
            # Then a refusal happens exactly when the decided 优秀 exceed the quota
            assert refused.code == ErrorCode.QUOTA_EXCEEDED
            assert decided.excellent_count > decided.quota
            assert not FinalResult.objects.exists()
        else:
            archived = dict(FinalResult.objects.values_list("cadre_id", "grade"))
            # Then the archived 优秀 are within floor(20% × 6) = 1
            assert sum(g == "优秀" for g in archived.values()) <= decided.quota == 1
            # And recomputing from the same facts gives the archived grades
            again = county_cohort(cast.county, b.YEAR, today=b.TODAY)
            assert {m.cadre.pk: m.grade for m in again.members} == archived
        # And the proposals alone keep the quota and do not change when computed again
        assert sum(m.result.grade == "优秀" for m in before.assessed) <= before.quota
        again = county_cohort(cast.county, b.YEAR, today=b.TODAY)
        assert [m.result.to_dict() for m in again.members] == [
            m.result.to_dict() for m in before.members
        ]
        transaction.set_rollback(True)

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from zhucun.policy.assessment import AssessmentInput, assess_cohort, eligibility_check
from zhucun.policy.calendar import Assignment
from zhucun.policy.findings import Check

WHOLE_YEAR = (Assignment(date(2024, 3, 1), None),)


def cadre(n, annual=80, ordinary=(80,), **facts):
    return AssessmentInput(
        subject=f"cadre:{n}",
        assignments=facts.pop("assignments", WHOLE_YEAR),
        annual_score=annual,
        ordinary_scores=tuple(ordinary),
        **facts,
    )


def assess(people, city):
    return assess_cohort(people, year=2025, book=city)


def eligible(city, *periods):
    check = eligibility_check(
        [Assignment(a, b) for a, b in periods],
        subject="cadre:1",
        year=2025,
        params=city.on(date(2025, 12, 31)),
    )
    return check.passed


def test_july_first_to_year_end_is_exactly_six_months_and_is_assessed(city):
    assert eligible(city, (date(2025, 7, 1), date(2025, 12, 31)))


def test_july_second_to_year_end_is_not_six_months(city):
    assert not eligible(city, (date(2025, 7, 2), None))


def test_six_months_from_mid_month_count_by_calendar(city):
    assert eligible(city, (date(2025, 3, 15), date(2025, 9, 14)))
    assert not eligible(city, (date(2025, 3, 15), date(2025, 9, 13)))


def test_split_stays_need_the_days_of_the_longest_six_months(city):
    assert not eligible(
        city, (date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 6, 1), date(2025, 8, 31))
    )  # 90 + 92 = 182
    assert eligible(
        city, (date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 6, 1), date(2025, 9, 2))
    )  # 90 + 94 = 184


def test_the_total_is_forty_percent_annual_and_sixty_percent_mean_ordinary(city):
    [result] = assess([cadre(1, annual=95, ordinary=(85, 90))], city)

    assert result.to_dict()["total"] == 90.5  # 0.4 × 95 + 0.6 × 87.5
    assert result.components["ordinary_mean"] == 87.5


def test_the_annual_score_can_be_weighted_from_the_five_contents(city):
    contents = {
        "daily_management": 100,
        "attendance_logs": 90,
        "results": 80,
        "villagers_evaluation": 70,
        "village_cadres_evaluation": 60,
    }
    person = AssessmentInput("cadre:1", WHOLE_YEAR, annual_contents=contents, ordinary_scores=(80,))

    [result] = assess([person], city)

    assert result.components["annual"] == 80.0 and result.grade == "称职"


def test_grades_follow_the_score_thresholds(city):
    results = assess(
        [
            cadre(1, 90, (90,)),
            cadre(2, 89.9, (89.9,)),
            cadre(3, 70, (70,)),
            cadre(4, 60, (60,)),
            cadre(5, 59.9, (59.9,)),
        ],
        city,
    )

    assert [r.score_grade for r in results] == ["优秀", "称职", "称职", "基本称职", "不称职"]


def test_a_missed_poverty_task_caps_the_grade_at_competent(city):
    people = [cadre(n, 95, (95,)) for n in range(1, 6)]
    people[0] = cadre(1, 99, (99,), poverty_task_missed=True)

    results = assess(people, city)

    assert results[0].grade == "称职"
    assert [c for c in results[0].checks if c.rule == "poverty_task_cap"][0].evidence["applied"]
    assert results[1].grade == "优秀", "the freed place goes to the next"


def test_any_item_of_article_35_makes_the_cadre_unfit_whatever_the_score(city):
    absent = Check(
        "absence_total", "第三十五条(四)", "cadre:2", "2025", False, {"count": 31}, "累计31天"
    )

    results = assess(
        [
            cadre(1, 99, (99,), disciplined=True),
            cadre(2, 99, (99,), checks=(absent,)),
            cadre(3, 99, (99,)),
        ],
        city,
    )

    assert [r.grade for r in results] == ["不称职", "不称职", "称职"]
    fired = [c.article for c in results[0].checks if c.fired and c.severity == "violation"]
    assert fired == ["第三十五条(一)"]


def test_a_warning_about_a_partial_year_does_not_make_the_cadre_unfit(city):
    warning = Check(
        "year_stationed_days", "第三十五条(三)", "cadre:1", "2025", False, {}, "", "warning"
    )

    [result] = assess([cadre(1, 80, (80,), checks=(warning,))], city)

    assert result.grade == "称职"


def test_the_explanation_lists_every_rule_of_article_35_fired_or_not(city):
    [result] = assess([cadre(1)], city)

    articles = [c.article for c in result.checks]
    for item in ("(一)", "(二)", "(三)", "(四)", "(五)"):
        assert f"第三十五条{item}" in articles
    assert {p["key"] for p in result.parameters} >= {"excellent_quota_pct", "annual_weight_pct"}


def excellent_grades(count, city):
    return [r.grade for r in assess([cadre(n, 95, (95,)) for n in range(1, count + 1)], city)]


def test_four_assessed_leave_no_place_for_excellent(city):
    assert excellent_grades(4, city).count("优秀") == 0


def test_five_assessed_leave_one_place_for_excellent(city):
    assert excellent_grades(5, city).count("优秀") == 1


def test_eleven_assessed_leave_two_places_for_excellent(city):
    assert excellent_grades(11, city).count("优秀") == 2


def test_excellent_goes_by_score_then_by_subject_number(city):
    people = [
        cadre(10, 95, (95,)),
        cadre(9, 95, (95,)),
        cadre(3, 92, (92,)),
        cadre(4, 80, (80,)),
        cadre(5, 80, (80,)),
        cadre(6, 80, (80,)),
        cadre(7, 80, (80,)),
        cadre(8, 80, (80,)),
        cadre(11, 80, (80,)),
        cadre(12, 80, (80,)),
    ]

    results = {r.subject: r.grade for r in assess(people, city)}

    assert results["cadre:9"] == "优秀" and results["cadre:10"] == "优秀"
    assert results["cadre:3"] == "称职"


def test_cadres_not_assessed_get_no_grade_and_do_not_count_for_the_quota(city):
    short = (Assignment(date(2025, 9, 1), None),)
    people = [cadre(n, 95, (95,)) for n in range(1, 5)] + [cadre(5, 95, (95,), assignments=short)]

    results = assess(people, city)

    assert results[4].eligible is False and results[4].grade is None
    assert [r.grade for r in results].count("优秀") == 0


scores = st.integers(50, 100)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.tuples(scores, scores, st.booleans()), min_size=1, max_size=25))
def test_excellent_never_exceeds_the_quota_and_recomputing_changes_nothing(rows):
    from zhucun.policy.parameters import ParameterBook

    city = ParameterBook()
    people = [
        cadre(n, a, (o,), poverty_task_missed=missed)
        for n, (a, o, missed) in enumerate(rows, start=1)
    ]

    first = assess(people, city)

    assert [r.grade for r in first].count("优秀") <= len(people) * 20 // 100
    assert assess(people, city) == first
    assert assess(list(reversed(people)), city) == list(reversed(first))


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.tuples(scores, scores, st.booleans(), st.booleans()), min_size=1, max_size=20))
def test_each_cadre_alone_with_its_cohort_position_gets_the_cohorts_grade(rows):
    from dataclasses import replace

    from zhucun.policy.assessment import cohort_positions
    from zhucun.policy.parameters import ParameterBook

    # Given a cohort, some not assessed (a short stay), and its computed grades
    city = ParameterBook()
    short = (Assignment(date(2025, 9, 1), None),)
    people = [
        cadre(n, a, (o,), poverty_task_missed=missed, **({"assignments": short} if away else {}))
        for n, (a, o, missed, away) in enumerate(rows, start=1)
    ]
    together = {r.subject: r for r in assess(people, city)}
    positions = cohort_positions(list(together.values()))
    # When each assessed cadre is judged alone with its position in the cohort
    for person in people:
        if person.subject not in positions:
            assert not together[person.subject].eligible
            continue
        (alone,) = assess([replace(person, cohort=positions[person.subject])], city)
        # Then the grade and the quota's numbers are the cohort's
        assert alone.grade == together[person.subject].grade
        quota = {c.rule: c for c in alone.checks}.get("excellent_quota")
        if quota is not None:
            shared = {c.rule: c for c in together[person.subject].checks}["excellent_quota"]
            for key in ("assessed", "quota", "rank"):
                assert quota.evidence[key] == shared.evidence[key]

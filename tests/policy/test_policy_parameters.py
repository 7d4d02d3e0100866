from datetime import date

import pytest

from zhucun.policy.errors import PolicyError
from zhucun.policy.parameter_catalogue import CATALOGUE
from zhucun.policy.parameters import VERSIONS_DIR, Override, ParameterBook, load_versions

BRIEFED_VALUES = {
    "monthly_stationed_days_min": 20,
    "leave_leader_town_max_days": 7,
    "leave_member_leader_max_days": 3,
    "team_counted_members_min": 3,
    "term_years_min": 2,
    "joint_team_staff_below": 20,
    "no_withdrawal_before": date(2020, 12, 31),
    "training_sessions_min": 1,
    "training_days_min": 5,
    "weekly_inquiries_min": 1,
    "monthly_visits_min": 2,
    "fund_yuan_per_team_year": 10000,
    "fund_share_province": 5,
    "fund_share_city": 3,
    "fund_share_county": 2,
    "annual_weight_pct": 40,
    "ordinary_weight_pct": 60,
    "excellent_quota_pct": 20,
    "assessment_min_months": 6,
    "unfit_stationed_days_below": 200,
    "unfit_absence_spell_over": 15,
    "unfit_absence_total_over": 30,
    "unfit_refused_log_notices_min": 3,
    "promotion_ban_years": 2,
    "unit_recalls_for_criticism": 2,
    "log_deadline_days_after": 1,
    "excellent_score_min": 90,
    "competent_score_min": 70,
    "basic_score_min": 60,
    "poverty_task_missed_grade_cap": "称职",
    "content_weight_daily_management": 20,
    "content_weight_attendance_logs": 20,
    "content_weight_results": 20,
    "content_weight_villagers_evaluation": 20,
    "content_weight_village_cadres_evaluation": 20,
}


def write_version(directory, name, text):
    (directory / name).write_text(text, encoding="utf-8")


@pytest.fixture
def versions_with_2021_opinion(tmp_path):
    """The shipped city rules plus a test-only version mirroring the 2021 national opinion."""
    write_version(
        tmp_path,
        "2018-06-25-xian.toml",
        (VERSIONS_DIR / "2018-06-25-xian.toml").read_text(encoding="utf-8"),
    )
    write_version(
        tmp_path,
        "2021-05-01-national-opinion.toml",
        """
effective_from = 2021-05-01
title = "测试用:2021年继续选派驻村工作队意见"
document = "测试"
[values]
team_counted_members_min = 2
""",
    )
    return load_versions(tmp_path)


def test_the_shipped_version_holds_every_number_of_the_rules(city):
    params = city.on(date(2018, 6, 25))

    assert {key: getattr(params, key) for key in BRIEFED_VALUES} == BRIEFED_VALUES
    assert params.assessment_grades == ("优秀", "称职", "基本称职", "不称职")


def test_every_parameter_in_force_says_its_article_unit_and_meaning(city):
    resolved = city.in_force(date(2026, 5, 1))

    assert [parameter.key for parameter in resolved] == [spec.key for spec in CATALOGUE]
    for parameter in resolved:
        assert parameter.article.startswith("第") and parameter.unit and parameter.meaning
        assert parameter.origin == "city"
        assert parameter.source == "西安市驻村联户工作管理细则"
        assert parameter.effective_from == date(2018, 6, 25)


def test_a_date_before_the_first_version_is_refused(city):
    with pytest.raises(PolicyError, match="早于最早的参数版本"):
        city.value("monthly_stationed_days_min", date(2018, 6, 24))


def test_a_new_version_file_changes_the_value_from_its_date_on(versions_with_2021_opinion):
    book = ParameterBook(versions_with_2021_opinion)

    assert book.value("team_counted_members_min", date(2021, 4, 30)) == 3
    assert book.value("team_counted_members_min", date(2021, 5, 1)) == 2
    assert book.value("monthly_stationed_days_min", date(2021, 5, 1)) == 20, "inherited"
    assert (
        book.on(date(2021, 5, 1)).resolved["team_counted_members_min"].source.startswith("测试用")
    )


def test_a_partial_early_version_leaves_unstated_keys_undefined(tmp_path):
    write_version(
        tmp_path,
        "2017-09-15-trial.toml",
        """
effective_from = 2017-09-15
title = "试行细则"
[values]
training_days_min = 4
""",
    )
    write_version(
        tmp_path,
        "2018-06-25-xian.toml",
        (VERSIONS_DIR / "2018-06-25-xian.toml").read_text(encoding="utf-8"),
    )
    book = ParameterBook(load_versions(tmp_path))

    assert book.value("training_days_min", date(2018, 1, 1)) == 4
    assert book.value("training_days_min", date(2018, 6, 25)) == 5
    with pytest.raises(PolicyError, match="未规定"):
        book.value("monthly_stationed_days_min", date(2018, 1, 1))


def test_a_version_file_with_a_wrongly_typed_value_is_refused(tmp_path):
    write_version(
        tmp_path,
        "2019-01-01-bad.toml",
        """
effective_from = 2019-01-01
title = "坏版本"
[values]
monthly_stationed_days_min = "二十"
""",
    )
    with pytest.raises(PolicyError, match="应为整数"):
        load_versions(tmp_path)


def test_a_county_override_applies_from_its_date_and_the_rest_inherits_the_city():
    book = ParameterBook(
        county="周至县",
        overrides=[
            Override("monthly_stationed_days_min", 22, date(2019, 3, 1), "周至县"),
        ],
    )

    assert book.value("monthly_stationed_days_min", date(2019, 2, 28)) == 20
    assert book.value("monthly_stationed_days_min", date(2019, 3, 1)) == 22
    assert book.value("training_days_min", date(2019, 3, 1)) == 5
    resolved = book.on(date(2019, 3, 1)).resolved["monthly_stationed_days_min"]
    assert (resolved.origin, resolved.effective_from) == ("county", date(2019, 3, 1))
    assert "周至县" in resolved.source


def test_the_later_county_override_wins():
    book = ParameterBook(
        county="周至县",
        overrides=[
            Override("training_days_min", 8, date(2020, 1, 1), "周至县"),
            Override("training_days_min", 6, date(2019, 1, 1), "周至县"),
        ],
    )

    assert book.value("training_days_min", date(2019, 6, 1)) == 6
    assert book.value("training_days_min", date(2020, 6, 1)) == 8


def test_a_county_override_stays_in_force_over_a_later_city_version(versions_with_2021_opinion):
    book = ParameterBook(
        versions_with_2021_opinion,
        county="蓝田县",
        overrides=[
            Override("team_counted_members_min", 4, date(2019, 1, 1), "蓝田县"),
        ],
    )

    assert book.value("team_counted_members_min", date(2022, 1, 1)) == 4


def test_an_override_of_an_unknown_key_is_refused_in_chinese():
    with pytest.raises(PolicyError, match="未知参数"):
        ParameterBook(county="周至县", overrides=[Override("days", 1, date(2019, 1, 1), "周至县")])


def test_an_override_of_the_wrong_type_is_refused_in_chinese():
    with pytest.raises(PolicyError, match="应为整数"):
        ParameterBook(
            county="周至县",
            overrides=[Override("monthly_stationed_days_min", "22", date(2019, 1, 1), "周至县")],
        )
    with pytest.raises(PolicyError, match="应为整数"):
        ParameterBook(
            county="周至县",
            overrides=[Override("monthly_stationed_days_min", True, date(2019, 1, 1), "周至县")],
        )


def test_a_date_override_accepts_an_iso_string():
    book = ParameterBook(
        county="周至县",
        overrides=[Override("no_withdrawal_before", "2021-06-30", date(2019, 1, 1), "周至县")],
    )

    assert book.value("no_withdrawal_before", date(2020, 1, 1)) == date(2021, 6, 30)


def test_another_countys_override_is_refused():
    with pytest.raises(PolicyError):
        ParameterBook(
            county="周至县",
            overrides=[Override("training_days_min", 6, date(2019, 1, 1), "蓝田县")],
        )


def test_a_snapshot_is_read_only(params):
    with pytest.raises(AttributeError):
        params.training_days_min = 1

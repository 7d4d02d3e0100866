"""The CLI, run as a person would: `python -m zhucun.policy` in a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).with_name("examples") / "facts-2025.json"
ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "zhucun.policy", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def evaluate_example():
    result = run("evaluate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_documented_example_runs_through_the_cli():
    output = evaluate_example()

    assert set(output) >= {"parameters", "leave_routes", "cadres", "assessment", "findings"}
    for finding in output["findings"]:
        assert set(finding) == {
            "article",
            "rule",
            "subject",
            "period",
            "evidence",
            "message",
            "severity",
        }


def test_the_example_shows_the_absence_spell_and_refused_rectification_of_cadre_13():
    output = evaluate_example()

    fired = {
        (f["subject"], f["article"]) for f in output["findings"] if f["severity"] == "violation"
    }
    assert ("cadre:13", "第三十五条(四)") in fired
    assert ("cadre:13", "第三十五条(五)") in fired
    grades = {a["subject"]: a["grade"] for a in output["assessment"]}
    assert grades == {"cadre:12": "称职", "cadre:13": "不称职", "cadre:14": "称职"}


def test_the_example_applies_the_county_override():
    output = evaluate_example()

    training = {p["key"]: p for p in output["parameters"]["in_force"]}["training_days_min"]
    assert (training["value"], training["origin"]) == (6, "county")


def test_the_example_routes_leave_by_length():
    routes = {
        r["id"]: [s["approver"] for s in r["steps"]] for r in evaluate_example()["leave_routes"]
    }

    assert routes == {
        "leave:1": ["team_leader"],
        "leave:2": ["team_leader", "town"],
        "leave:3": ["town", "county"],
    }


def test_facts_can_come_from_stdin():
    result = run(
        "evaluate",
        "-",
        stdin=json.dumps(
            {"leave_requests": [{"role": "member", "start": "2026-05-01", "end": "2026-05-03"}]}
        ),
    )

    assert result.returncode == 0
    assert json.loads(result.stdout)["leave_routes"][0]["days"] == 3


def test_bad_input_exits_2_with_a_chinese_message_naming_the_field():
    result = run(
        "evaluate",
        "-",
        stdin=json.dumps(
            {
                "year": 2025,
                "today": "2026-01-10",
                "cadres": [{"id": 1, "assignments": [{"start": "2025-13-01"}]}],
            }
        ),
    )

    assert result.returncode == 2
    assert "cadres[0].assignments[0].start" in result.stderr and "日期格式不正确" in result.stderr
    assert result.stdout == ""


def test_malformed_json_exits_2():
    result = run("evaluate", "-", stdin="{")

    assert result.returncode == 2 and "JSON 格式错误" in result.stderr


def test_the_parameters_command_lists_the_parameters_in_force():
    result = run("parameters", "--on", "2026-05-01")

    assert result.returncode == 0
    keys = {p["key"]: p["value"] for p in json.loads(result.stdout)["in_force"]}
    assert keys["monthly_stationed_days_min"] == 20


def test_the_parameters_command_refuses_a_date_before_the_rules():
    result = run("parameters", "--on", "2017-01-01")

    assert result.returncode == 2 and "早于最早的参数版本" in result.stderr


def test_the_example_judges_household_contacts_by_iso_week_and_month():
    output = evaluate_example()

    household = sorted(
        (f["subject"], f["rule"], f["period"])
        for f in output["findings"]
        if f["article"] == "第二十条"
    )
    assert household == [
        ("household:8", "monthly_visits", "2025-12"),
        ("household:8", "weekly_inquiry", "2025-W51"),
        ("household:8", "weekly_inquiry", "2025-W52"),
    ]


def test_the_example_checks_team_composition():
    output = evaluate_example()

    team_5 = {
        c["rule"]: c["passed"]
        for c in output["teams"]
        if c["subject"] == "team:5" and c["rule"] != "term_length"
    }
    assert team_5 == {
        "team_size": False,
        "team_leader_rank": True,
        "team_expertise": False,
        "joint_team": True,
    }
    team_3 = {c["rule"]: c["passed"] for c in output["teams"] if c["subject"] == "team:3"}
    assert team_3["team_size"] is True, "the 包村干部 is not counted, three others are"


def test_the_example_in_the_docs_is_the_shipped_example():
    docs = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    block = docs.split("<!-- example:facts-2025.json -->", 1)[1].split("```json", 1)[1]
    documented = block.split("```", 1)[0]

    assert json.loads(documented) == json.loads(EXAMPLE.read_text(encoding="utf-8"))


def cadre_12_with(cohort):
    """The example's cadre 12 (scores 优秀) alone, with the given county cohort facts."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    (twelve,) = [c for c in document["cadres"] if c["id"] == 12]
    if cohort is not None:
        twelve["assessment"]["cohort"] = cohort
    document["cadres"] = [twelve]
    return json.dumps(document)


def quota_check_of(output):
    (result,) = output["assessment"]
    return result, next(c for c in result["checks"] if c["rule"] == "excellent_quota")


@pytest.mark.parametrize(
    "assessed, ranked_ahead, grade, quota",
    [
        (4, 0, "称职", 0),  # floor(20% × 4) = 0
        (5, 0, "优秀", 1),  # floor(20% × 5) = 1, first
        (5, 1, "称职", 1),  # second of one place
        (11, 1, "优秀", 2),  # floor(20% × 11) = 2, second
        (11, 2, "称职", 2),
    ],
)
def test_one_cadres_facts_with_the_county_cohort_judge_the_excellent_quota(
    assessed, ranked_ahead, grade, quota
):
    # Given cadre 12's facts alone, with the county's cohort around it
    cohort = {"assessed": assessed, "ranked_ahead": ranked_ahead}
    # When the CLI evaluates them
    result = run("evaluate", "-", stdin=cadre_12_with(cohort))
    assert result.returncode == 0, result.stderr
    result, check = quota_check_of(json.loads(result.stdout))
    # Then the quota is floor(20% × assessed) and the rank is ranked_ahead + 1
    assert result["grade"] == grade
    assert check["evidence"]["assessed"] == assessed and check["evidence"]["quota"] == quota
    assert check["evidence"]["rank"] == ranked_ahead + 1
    assert check["evidence"]["cohort_given"] is True
    assert f"考核对象{assessed}人" in check["message"]
    assert f"排在本人之前的拟优秀{ranked_ahead}人" in check["message"]


def test_without_cohort_facts_one_cadre_is_a_cohort_of_one_with_no_excellent_place():
    result = run("evaluate", "-", stdin=cadre_12_with(None))
    result, check = quota_check_of(json.loads(result.stdout))
    assert result["grade"] == "称职" and check["evidence"]["assessed"] == 1
    assert check["evidence"]["quota"] == 0 and "cohort_given" not in check["evidence"]


@pytest.mark.parametrize(
    "cohort, message",
    [
        ({"assessed": 5}, "cadres[0].assessment.cohort:缺少 ranked_ahead"),
        (
            {"assessed": 0, "ranked_ahead": 0},
            "cadres[0].assessment.cohort.assessed:考核对象至少1人",
        ),
        ({"assessed": 5, "ranked_ahead": 5}, "cadres[0].assessment.cohort.ranked_ahead:应小于"),
        ({"assessed": "5", "ranked_ahead": 0}, "cadres[0].assessment.cohort.assessed:应为非负整数"),
        ({"assessed": 5, "ranked_ahead": -1}, "cohort.ranked_ahead:应为非负整数"),
        ({"assessed": 5, "ranked_ahead": 0, "rank": 1}, "未知字段 ['rank']"),
        ([5, 0], "cadres[0].assessment.cohort:应为 JSON 对象"),
    ],
)
def test_bad_cohort_facts_exit_2_naming_the_field(cohort, message):
    result = run("evaluate", "-", stdin=cadre_12_with(cohort))
    assert result.returncode == 2 and message in result.stderr

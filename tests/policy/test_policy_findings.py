import json

import pytest

from zhucun.policy.findings import Check, Finding, findings_of


def a_check(passed):
    return Check(
        rule="monthly_stationed_days",
        article="第十六条",
        subject="cadre:12",
        period="2026-05",
        passed=passed,
        evidence={"stationed_days": 19, "days": ["2026-05-04"]},
        message="2026年5月驻村19天,少于20天",
    )


def test_findings_are_exactly_the_checks_that_failed():
    checks = [a_check(True), a_check(False), a_check(None)]

    findings = findings_of(checks)

    assert findings == [
        Finding(
            "第十六条",
            "monthly_stationed_days",
            "cadre:12",
            "2026-05",
            {"stationed_days": 19, "days": ["2026-05-04"]},
            "2026年5月驻村19天,少于20天",
        )
    ]


def test_a_finding_serialises_to_json_with_every_field():
    finding = a_check(False).finding()

    data = json.loads(json.dumps(finding.to_dict(), ensure_ascii=False))

    assert set(data) == {"article", "rule", "subject", "period", "evidence", "message", "severity"}
    assert data["severity"] == "violation"


def test_a_passed_check_has_no_finding():
    with pytest.raises(ValueError):
        a_check(True).finding()

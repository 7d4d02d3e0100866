import dataclasses
import itertools
import json
import pickle
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhucun.policy.findings import VIOLATION, WARNING, Check, Finding, findings_of


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


@dataclass(frozen=True)
class _DataclassCheck:
    """Check as the dataclass decorator writes it (its own __init__): the reference."""

    rule: str
    article: str
    subject: str
    period: str
    passed: bool | None
    evidence: dict = field(default_factory=dict)
    message: str = ""
    severity: str = VIOLATION


_texts = st.text(max_size=8)
_evidence = st.dictionaries(
    _texts, st.integers() | _texts | st.lists(_texts, max_size=3), max_size=4
)


@given(
    rule=_texts,
    article=_texts,
    subject=_texts,
    period=_texts,
    passed=st.sampled_from([True, False, None]),
    evidence=st.none() | _evidence,
    message=st.none() | _texts,
    severity=st.none() | st.sampled_from([VIOLATION, WARNING]),
    by_keyword=st.booleans(),
)
def test_a_check_is_built_as_the_dataclass_would_build_it(
    rule, article, subject, period, passed, evidence, message, severity, by_keyword
):
    # Given the fields, some left to their defaults (None here), by position or by keyword
    given_ = {"evidence": evidence, "message": message, "severity": severity}
    optional = {k: v for k, v in given_.items() if v is not None}
    if not by_keyword:  # positional up to the first default left out
        optional = dict(itertools.takewhile(lambda kv: kv[1] is not None, given_.items()))
    args = (rule, article, subject, period, passed)
    # When built by Check and by the reference dataclass
    if by_keyword:
        check = Check(*args[:2], subject=subject, period=period, passed=passed, **optional)
    else:
        check = Check(*args, *optional.values())
    expected = _DataclassCheck(*args, **optional)
    # Then the same fields in the same order, the same repr, JSON, pickle and copies
    assert list(vars(check).items()) == list(vars(expected).items())
    assert repr(check) == repr(expected).replace("_DataclassCheck", "Check")
    assert dataclasses.astuple(check) == dataclasses.astuple(expected)
    assert check.to_dict() == dataclasses.asdict(expected)
    assert pickle.loads(pickle.dumps(check)) == check
    assert vars(pickle.loads(pickle.dumps(check))) == vars(check)
    assert dataclasses.replace(check, message="x") == Check(
        rule, article, subject, period, passed, check.evidence, "x", check.severity
    )
    assert check == Check(**vars(check)) and check != dataclasses.replace(check, period="other")


def test_a_check_stays_frozen_and_each_gets_its_own_empty_evidence():
    # Given two checks built without evidence
    a, b = Check("r", "第一条", "s", "p", True), Check("r", "第一条", "s", "p", True)
    # Then each has its own empty dict, and no field can be set or deleted
    assert a.evidence == {} and a.evidence is not b.evidence
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.passed = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        del a.rule
    with pytest.raises(TypeError):
        Check("r", "第一条", "s", "p")  # passed is required, as before

"""Outcomes of the rules: a `Check` for every rule looked at, a `Finding` for each that failed.

Explanation pages show both fired and not-fired rules, so every rule function
returns `Check`s; the findings are derived from them (`findings_of`), never
computed separately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["violation", "warning"]

VIOLATION: Severity = "violation"
WARNING: Severity = "warning"


@dataclass(frozen=True)
class Finding:
    """A rule that fired. `evidence` is JSON-serialisable (ISO dates, counts)."""

    article: str
    rule: str
    subject: str
    period: str
    evidence: dict[str, Any]
    message: str
    severity: Severity = VIOLATION

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "rule": self.rule,
            "subject": self.subject,
            "period": self.period,
            "evidence": self.evidence,
            "message": self.message,
            "severity": self.severity,
        }


_NEW_DICT = object()  # Check's evidence when none is given: a new empty dict


@dataclass(frozen=True, init=False)
class Check:
    """One rule looked at for one subject and period.

    `passed` is True or False once the period can be judged, and None while it
    cannot be yet (a month still running, a deadline not passed). A check that
    is None can still fail early as a warning ("at risk"): then `passed` is
    False and `severity` is "warning".
    """

    rule: str
    article: str
    subject: str
    period: str
    passed: bool | None
    evidence: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    severity: Severity = VIOLATION

    def __init__(
        self,
        rule: str,
        article: str,
        subject: str,
        period: str,
        passed: bool | None,
        evidence: dict[str, Any] = _NEW_DICT,  # type: ignore[assignment]
        message: str = "",
        severity: Severity = VIOLATION,
    ):
        # The dataclass's own __init__ of a frozen class sets each field through
        # object.__setattr__ (~4 µs a check); a city's year makes tens of thousands of checks.
        # The same fields in the same order in the instance's dict: equal, pickled and
        # compared as before (tests/policy/test_policy_findings.py).
        fields_ = self.__dict__
        fields_["rule"] = rule
        fields_["article"] = article
        fields_["subject"] = subject
        fields_["period"] = period
        fields_["passed"] = passed
        fields_["evidence"] = {} if evidence is _NEW_DICT else evidence
        fields_["message"] = message
        fields_["severity"] = severity

    @property
    def fired(self) -> bool:
        return self.passed is False

    def finding(self) -> Finding:
        if not self.fired:
            raise ValueError(f"规则 {self.rule} 未触发,不能生成问题记录")
        return Finding(
            article=self.article,
            rule=self.rule,
            subject=self.subject,
            period=self.period,
            evidence=self.evidence,
            message=self.message,
            severity=self.severity,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "subject": self.subject,
            "period": self.period,
            "passed": self.passed,
            "evidence": self.evidence,
            "message": self.message,
            "severity": self.severity,
        }


def findings_of(checks: Iterable[Check]) -> list[Finding]:
    """The findings are exactly the checks that failed."""
    return [check.finding() for check in checks if check.fired]

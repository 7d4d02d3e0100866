"""One cadre-year explained: every component, every rule looked at (fired or not) with its
evidence and article, the records behind the scores and the parameters in force.

The same dict is shown live while the year is open and archived in
FinalResult.explanation when the county finalises, so the page reads the same
before and after.
"""

from __future__ import annotations

from zhucun.assessment.cohort import Cohort, Member
from zhucun.assessment.models import CONDUCT_ARTICLE
from zhucun.policy.assessment import CONTENTS

# The checks of the assessment itself, in the order of the articles.
ASSESSMENT_RULES = (
    "assessment_eligibility",
    "unfit_disciplined",
    "unfit_disobedience",
    "year_stationed_days",
    "absence_spell",
    "absence_total",
    "refused_log_rectification",
    "poverty_task_cap",
    "excellent_quota",
)


def explanation_dict(cohort: Cohort, member: Member) -> dict:
    result = member.result.to_dict()
    position = cohort.position(member)
    report = member.report.to_dict()
    shown = {c["rule"] for c in result["checks"]}
    # The attendance and log checks the assessment did not itself list (monthly days, logs).
    result["other_checks"] = [c for c in report["checks"] if c["rule"] not in shown]
    return {
        **result,
        "cadre": {"id": member.cadre.pk, "name": member.cadre.name, "unit": member.cadre.unit.name},
        "team": {
            "id": member.team.pk,
            "name": member.team.name,
            "village_id": member.team.village_id,
            "village": f"{member.team.village.town.name}{member.team.village.name}",
        },
        "county": cohort.county.name,
        "grade_decided": member.grade,
        "decision": {
            "grade": member.decision.grade,
            "reason": member.decision.reason,
            "by": str(member.decision.decided_by),
        }
        if member.decision
        else None,
        "calendar": report["calendar"],
        "logs": report["logs"],
        "notices": [
            {
                "date": n.day.isoformat(),
                "refused": n.refused,
                "log_days": [d.isoformat() for d in n.log_days],
            }
            for n in member.facts.notices
        ],
        "records": {
            "annual": {
                "contents": {CONTENTS[k]: v for k, v in member.annual.contents().items()},
                "proposed_attendance_logs": _number(member.annual.proposed_attendance_logs),
                "by": str(member.annual.recorded_by),
            }
            if member.annual
            else None,
            "ordinary": [
                {
                    "title": o.title,
                    "held_on": o.held_on.isoformat(),
                    "score": float(o.score),
                    "contents": {CONTENTS[k]: v for k, v in o.contents().items()},
                    "proposed_attendance_logs": _number(o.proposed_attendance_logs),
                }
                for o in member.ordinary
            ],
            "opinion": {
                "text": member.opinion.text,
                "by": str(member.opinion.signed_by),
                "at": member.opinion.signed_at.isoformat(timespec="minutes"),
            }
            if member.opinion
            else None,
            "conduct": [
                {
                    "article": CONDUCT_ARTICLE[f.kind],
                    "kind": f.get_kind_display(),
                    "on": f.occurred_on.isoformat(),
                    "document": f.document,
                    "description": f.description,
                }
                for f in member.conduct
            ],
            "poverty_task": {
                "completed": member.poverty_task.completed,
                "note": member.poverty_task.note,
            }
            if member.poverty_task
            else None,
        },
        "cohort": {
            "assessed": len(cohort.assessed),
            "quota": cohort.quota,
            "quota_pct": cohort.params.excellent_quota_pct,
            # The same numbers the cadre's facts JSON carries for the CLI (assessment.cohort).
            "ranked_ahead": position.ranked_ahead if position else None,
        },
    }


def _number(value):
    return None if value is None else float(value)

"""The assessment registration form (考核登记表) of one cadre's year (第三十至三十五条).

Read, never recomputed: the form lays out the explanation the assessment
selector gives (zhucun.assessment.selectors.cadre_year: the live cohort while
the year is open, the archived FinalResult once finalised), so the form, the
explanation page and the filing list always agree. The page prints it on A4;
the .xlsx export writes the same sections as (栏目, 项目, 内容) rows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from zhucun.assessment.selectors import CadreYear
from zhucun.assessment.templatetags.assessment_tags import check_state, evidence_items, rule_label

HEADERS = ["栏目", "项目", "内容"]


@dataclass
class Section:
    title: str
    article: str
    rows: list[tuple[str, object]]


@dataclass
class Form:
    title: str
    sections: list[Section]

    @property
    def rows(self) -> list[tuple]:
        return [(s.title, label, value) for s in self.sections for label, value in s.rows]


def _check(data: dict, rule: str) -> dict | None:
    return next((c for c in data.get("checks", []) if c["rule"] == rule), None)


def _local(stamp: str) -> str:
    """An archived ISO timestamp as Beijing wall-clock time."""
    return f"{timezone.localtime(datetime.fromisoformat(stamp)):%Y-%m-%d %H:%M}"


def _grade(data: dict) -> str:
    if not data.get("eligible"):
        return "不参加考核"
    return data.get("grade_decided") or "待评分"


def registration_form(found: CadreYear) -> Form:
    data, cadre = found.data, found.cadre
    eligibility = _check(data, "assessment_eligibility")
    periods = eligibility["evidence"].get("periods", []) if eligibility else []
    basics = Section(
        "基本情况",
        "第三十二条",
        [
            ("姓名", cadre.name),
            ("性别", cadre.get_gender_display()),
            ("出生年月", f"{cadre.birth_date:%Y.%m}"),
            ("派出单位", data["cadre"]["unit"]),
            ("职级", cadre.get_rank_display()),
            ("驻村工作队", f"{data['team']['name']}({data['team']['village']})"),
            ("考核单位", f"{data['county']}驻村工作领导小组"),
            ("本年驻村期间", "、".join(f"{a}至{b}" for a, b in periods) or "—"),
            ("是否参加考核", eligibility["message"] if eligibility else "—"),
        ],
    )

    stationed = _check(data, "year_stationed_days")
    spell = _check(data, "absence_spell")
    absence = _check(data, "absence_total")
    logs = data.get("logs", {})
    attendance = Section(
        "考勤与日志",
        "第十六条、第三十五条",
        [
            ("全年驻村天数", stationed["message"] if stationed else "—"),
            ("无故缺勤", absence["message"] if absence else "—"),
            ("连续离村", spell["message"] if spell else "—"),
            (
                "工作日志",
                f"按时{logs.get('on_time', 0)}篇,迟交{logs.get('late', 0)}篇,"
                f"缺失{logs.get('missing', 0)}篇",
            ),
            (
                "日志整改通知",
                "、".join(
                    n["date"] + ("(拒绝整改)" if n["refused"] else "")
                    for n in data.get("notices", [])
                )
                or "无",
            ),
        ],
    )

    components = data.get("components") or {}
    records = data.get("records", {})
    score_rows = [
        (f"年度考核 · {label}", value)
        for label, value in (components.get("annual_contents") or {}).items()
    ]
    score_rows.append(("年度考核得分", components.get("annual", "未录入")))
    score_rows += [
        (f"平时考核 · {o['title']}({o['held_on']})", o["score"])
        for o in records.get("ordinary", [])
    ] or [("平时考核", "未录入")]
    score_rows.append(("平时考核平均分", components.get("ordinary_mean", "—")))
    if components:
        score_rows.append(
            (
                "总分",
                f"{components.get('total', '—')}(年度×{components.get('annual_weight_pct')}%"
                f" + 平时平均×{components.get('ordinary_weight_pct')}%)",
            )
        )
    scores = Section("考核得分", "第三十、三十一条", score_rows)

    rules = Section(
        "逐条判定",
        "第三十一、三十二、三十五条",
        [
            (
                f"{c['article']} {rule_label(c['rule'])}",
                f"{check_state(c)}:{c['message']}"
                + (
                    ""
                    if c["passed"] is not False
                    else ";" + ";".join(f"{k}:{v}" for k, v in evidence_items(c["evidence"]))
                ),
            )
            for c in data.get("checks", [])
        ],
    )

    opinion = records.get("opinion")
    cohort = data.get("cohort", {})
    decision = data.get("decision")
    result_rows = [
        ("工作队书面意见", opinion["text"] if opinion else "尚未签署"),
        ("意见签署", f"{opinion['by']},{_local(opinion['at'])}" if opinion else "—"),
        ("系统拟定等次", data.get("grade") or "—"),
        ("考核等次", _grade(data)),
    ]
    if decision:
        result_rows.append(("区县调整理由", f"{decision['reason']}({decision['by']})"))
    result_rows += [
        (
            "优秀名额",
            f"考核对象{cohort.get('assessed', '—')}人,优秀不超过{cohort.get('quota', '—')}人"
            f"({cohort.get('quota_pct', '—')}%向下取整)",
        ),
        ("状态", "已定档归档" if found.finalised else "拟定中(随录入的事实和评分更新)"),
    ]
    result = Section("考核结果", "第三十、三十二条", result_rows)

    return Form(
        f"{found.year}年度驻村干部考核登记表({cadre.name})",
        [basics, attendance, scores, rules, result],
    )

"""Showing evidence and sanctions: evidence dicts as readable lines, the recall bar on a cadre."""

from django import template
from django.utils import timezone

register = template.Library()

LABELS = {
    "stationed_days": "驻村天数",
    "minimum": "标准",
    "unjustified_days": "无故缺勤日",
    "spells": "缺勤时段",
    "refused_notice_days": "拒绝整改的通知日期",
    "notices": "整改通知数",
    "logs_concerned": "涉及日志日期",
    "late_or_missing_logs": "迟交或缺失日志",
    "periods": "驻村期间",
    "assignment_days": "驻村天数",
    "months_required": "要求月数",
    "continuous_months_met": "连续满月",
    "disciplined": "党纪政纪处分",
    "disobedience_serious": "不服从管理造成严重不良影响",
    "poverty_task_missed": "村减贫任务未完成",
    "cap": "等次上限",
    "applied": "已限制",
    "assessed": "考核对象人数",
    "quota": "优秀名额",
    "rank": "总分排名",
    "candidates": "拟优秀人数",
    "quota_pct": "优秀比例(%)",
}
SHOWN_ITEMS = 40


def _text(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        parts = ["至".join(v) if isinstance(v, list) else _text(v) for v in value[:SHOWN_ITEMS]]
        more = f" 等共{len(value)}项" if len(value) > SHOWN_ITEMS else ""
        return "、".join(parts) + more if parts else "无"
    if isinstance(value, dict):
        return ";".join(f"{LABELS.get(k, k)}:{_text(v)}" for k, v in value.items())
    return str(value)


@register.filter
def evidence_items(evidence: dict):
    return [(LABELS.get(key, key), _text(value)) for key, value in (evidence or {}).items()]


@register.filter
def check_state(check: dict) -> str:
    if check["passed"] is True:
        return "未触发"
    if check["passed"] is None:
        return "未判定"
    return "触发(违规)" if check["severity"] == "violation" else "提示"


@register.inclusion_tag("assessment/_cadre_sanctions.html")
def cadre_assessment(cadre):
    """The cadre's archived grades and any recall still barring promotion (第三十六条)."""
    from zhucun.assessment.models import FinalResult
    from zhucun.assessment.recalls import promotion_block

    today = timezone.localdate()
    return {
        "cadre": cadre,
        "results": FinalResult.objects.filter(cadre=cadre).order_by("-year")[:5],
        "block": promotion_block(cadre, today),
    }


STATUS_LABELS = {
    "stationed": "在村",
    "official": "公务(出差、会议、培训)",
    "leave": "请假",
    "rest": "休息",
    "absent": "无故缺勤",
    "unknown": "未定",
    "on_time": "按时",
    "late": "迟交",
    "missing": "缺失",
    "not_due": "未到期",
}
RULE_LABELS = {
    "assessment_eligibility": "驻村半年以上参加考核",
    "unfit_disciplined": "受党纪政纪处分",
    "unfit_disobedience": "不服从管理造成严重不良影响",
    "year_stationed_days": "全年驻村不足200天",
    "absence_spell": "连续离岗超过15天",
    "absence_total": "全年无故离岗累计超过30天",
    "refused_log_rectification": "日志3次以上未按规定记录且拒绝整改",
    "poverty_task_cap": "村减贫任务与等次",
    "excellent_quota": "优秀比例",
}


@register.filter
def status_label(key: str) -> str:
    return STATUS_LABELS.get(key, key)


@register.filter
def rule_label(key: str) -> str:
    return RULE_LABELS.get(key, key)

"""The audit administrator's search, shared by the page and the export."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone

from zhucun.audit.models import AuditEvent


class AuditSearchForm(forms.Form):
    user = forms.CharField(label="用户", required=False, max_length=150)
    event = forms.CharField(label="事件", required=False, max_length=60)
    start = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    object_type = forms.CharField(label="对象类型", required=False, max_length=60)
    object_id = forms.CharField(label="对象编号", required=False, max_length=40)
    outcome = forms.ChoiceField(
        label="结果",
        required=False,
        choices=[("", "全部"), ("ok", "成功"), ("failed", "失败"), ("refused", "拒绝")],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(filters: dict):
    """Audit records matching the cleaned search form, newest first (dates are Beijing days)."""
    events = AuditEvent.objects.all()
    if filters.get("user"):
        events = events.filter(actor_name__icontains=filters["user"])
    if filters.get("event"):
        events = events.filter(event__startswith=filters["event"])
    if filters.get("start"):
        events = events.filter(at__gte=_day_start(filters["start"]))
    if filters.get("end"):
        events = events.filter(at__lt=_day_start(filters["end"] + timedelta(days=1)))
    if filters.get("object_type"):
        events = events.filter(object_type__iexact=filters["object_type"])
    if filters.get("object_id"):
        events = events.filter(object_id=filters["object_id"])
    if filters.get("outcome"):
        events = events.filter(outcome=filters["outcome"])
    return events.order_by("-pk")


def described_filters(filters: dict) -> dict:
    return {k: str(v) for k, v in filters.items() if v}

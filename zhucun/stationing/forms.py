from django import forms

DATE = forms.DateInput(attrs={"type": "date"})


def date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        widget=DATE,
        error_messages={"required": f"请填写{label}。", "invalid": f"{label}格式不正确。"},
        **kwargs,
    )


class LeaveForm(forms.Form):
    start = date_field("离村日期")
    end = date_field("返村前最后一天")
    reason = forms.CharField(
        label="事由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写请假事由。"},
    )


class ReportBackForm(forms.Form):
    returned_on = date_field("实际返村日期")

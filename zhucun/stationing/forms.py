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


class CheckInForm(forms.Form):
    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)


class BackfillForm(forms.Form):
    day = date_field("补签日期")
    reason = forms.CharField(
        label="补签理由", max_length=300, error_messages={"required": "补签须填写理由。"}
    )


class OfficialBusinessForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=[("trip", "因公出差"), ("meeting", "开会"), ("training", "培训")],
        error_messages={"required": "请选择类型。"},
    )
    start = date_field("开始日期")
    end = date_field("结束日期")
    what = forms.CharField(
        label="事项", max_length=200, error_messages={"required": "请填写事项。"}
    )
    where = forms.CharField(
        label="地点", max_length=100, error_messages={"required": "请填写地点。"}
    )


class PartyTransferForm(forms.Form):
    on = date_field("党组织关系转入村日期")


class TeamWithdrawForm(forms.Form):
    on = date_field("撤离日期")


class AssignmentEndForm(forms.Form):
    on = date_field("离队日期")

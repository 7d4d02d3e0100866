from django import forms

from zhucun.accounts.models import User


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "同意"), ("reject", "不同意")])
    comment = forms.CharField(required=False, max_length=500)


class BulkApproveForm(forms.Form):
    steps = forms.TypedMultipleChoiceField(coerce=int, choices=())
    comment = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, step_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = [(i, i) for i in step_ids]
        self.fields["steps"].error_messages["required"] = "请至少勾选一项。"
        self.fields["steps"].error_messages["invalid_choice"] = "所选事项不在您的待审批列表中。"


class DelegationForm(forms.Form):
    deputy = forms.CharField(label="代理人账号", max_length=150)
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="事由", required=False, max_length=200)

    def clean_deputy(self):
        username = self.cleaned_data["deputy"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError("代理人账号不存在或已停用。")
        return user

from django import forms

from zhucun.training.models import Kind, Level


class EventForm(forms.Form):
    level = forms.ChoiceField(label="组织层级", choices=Level.choices)
    kind = forms.ChoiceField(label="方式", choices=Kind.choices)
    title = forms.CharField(label="培训名称", max_length=100)
    organiser = forms.CharField(label="主办单位", max_length=60)
    start = forms.DateField(label="开始", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=100)


class CadresForm(forms.Form):
    cadres = forms.TypedMultipleChoiceField(label="干部", coerce=int, choices=())

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].choices = choices
        self.fields["cadres"].error_messages["required"] = "请至少选择一名干部。"

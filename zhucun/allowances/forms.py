from django import forms

from zhucun.allowances.models import CoverKind
from zhucun.funds.forms import YuanField


class RatesForm(forms.Form):
    effective_from = forms.DateField(
        label="起始日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    living = YuanField(label="生活补助(元/实际驻村天)")
    transport = YuanField(label="交通补助(元/周,每周一次)")
    communication = YuanField(label="通信补贴(元/月)")
    basis = forms.CharField(label="依据文件", required=False, max_length=100)


class CoverForm(forms.Form):
    cadre = forms.TypedChoiceField(label="干部", coerce=int, choices=())
    kind = forms.ChoiceField(label="类型", choices=CoverKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    done_on = forms.DateField(label="办理/体检日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label="保险止期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label="保单号/体检机构", required=False, max_length=100)

    def __init__(self, *args, cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c.pk, c.name) for c in cadres]


class OptionalYuanField(YuanField):
    """Like YuanField, but an empty box means 0 fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        if not (value or "").strip():
            return 0
        return super().clean(value)


DATE = forms.DateInput(attrs={"type": "date"})


class _CadreChoice(forms.Form):
    cadre = forms.TypedChoiceField(label="干部", coerce=int, choices=())

    def __init__(self, *args, cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c.pk, f"{c.name}({c.unit})") for c in cadres]


class MedicalClaimForm(_CadreChoice):
    incurred_on = forms.DateField(label="就医日期", widget=DATE)
    description = forms.CharField(label="事由", max_length=200)
    amount = YuanField(label="医疗费(元)")
    reimbursed = OptionalYuanField(label="已报销(元)")
    reimbursed_on = forms.DateField(label="报销日期", required=False, widget=DATE)


class InjuryForm(_CadreChoice):
    happened_on = forms.DateField(label="发生日期", widget=DATE)
    on_duty = forms.TypedChoiceField(
        label="性质",
        choices=[("1", "因公负伤"), ("0", "非因公")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    description = forms.CharField(label="经过", max_length=300)
    treatment = forms.CharField(label="救治康复", required=False, max_length=300)
    contact_person = forms.CharField(label="帮扶慰问负责人", max_length=30)

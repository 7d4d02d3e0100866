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

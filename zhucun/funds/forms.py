from django import forms
from django.conf import settings

from zhucun.funds.models import Category, Source
from zhucun.funds.money import yuan_to_fen


class YuanField(forms.CharField):
    """Typed in yuan ("1280.50"), cleaned to integer fen; never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", placeholder="例如 1280.50")

    def clean(self, value):
        value = super().clean(value)
        try:
            return yuan_to_fen(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class AllocationForm(forms.Form):
    year = forms.IntegerField(label="经费年度", min_value=2000, max_value=2100)
    source = forms.ChoiceField(label="资金来源", choices=Source.choices)
    amount = YuanField(label="金额(元)")
    disbursed_on = forms.DateField(label="拨付日期", widget=forms.DateInput(attrs={"type": "date"}))
    document_no = forms.CharField(label="拨付文号", required=False, max_length=60)


class ExpenseForm(forms.Form):
    category = forms.ChoiceField(label="用途(第二十五条)", choices=Category.choices)
    amount = YuanField(label="金额(元)")
    spent_on = forms.DateField(label="支出日期", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label="摘要", max_length=200)
    receipt = forms.FileField(
        label="票据(PDF/JPG/PNG)",
        help_text=f"不超过{settings.ZHUCUN_UPLOAD_MAX_MB}MB,按文件内容识别类型",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label="核报意见", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PeriodForm(forms.Form):
    """A 公示 period: a year, and a quarter or the whole year."""

    year = forms.IntegerField(min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        coerce=int,
        choices=[(0, "全年"), (1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
        required=False,
        empty_value=0,
    )

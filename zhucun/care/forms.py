from django import forms

DATE = forms.DateInput(attrs={"type": "date"})


class TalkForm(forms.Form):
    cadre = forms.TypedChoiceField(label="干部", coerce=int, choices=())
    talker = forms.CharField(label="谈话人", max_length=30)
    held_on = forms.DateField(label="日期", widget=DATE)
    summary = forms.CharField(
        label="谈话要点", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cadres=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [(c.pk, c.name) for c in cadres]


class VisitForm(forms.Form):
    team = forms.TypedChoiceField(label="工作队", coerce=int, choices=())
    visited_on = forms.DateField(label="到村日期", widget=DATE)
    head_name = forms.CharField(label="单位主要负责人", max_length=30)
    guidance = forms.CharField(label="指导内容", max_length=300)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.village.name) for t in teams]


class HearingForm(forms.Form):
    team = forms.TypedChoiceField(label="工作队", coerce=int, choices=())
    heard_on = forms.DateField(label="日期", widget=DATE)
    summary = forms.CharField(label="汇报及研究事项", max_length=300)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.village.name) for t in teams]


class CaseForm(forms.Form):
    team = forms.TypedChoiceField(label="工作队", coerce=int, choices=())
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="正文", max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.village.name) for t in teams]

"""Assessments (第三十至三十二条), the facts of 第三十五条(一)(二), final results, recalls
(第三十六、三十七条), inspections and circulars (第十七条).

Scores are stored; grades are not typed by anyone: the policy engine proposes
them from the stored scores and the recorded facts, and a county's results are
stored (archived) only when the county finalises its year.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from zhucun.policy.assessment import CONTENTS
from zhucun.policy.periods import add_years

SCORE = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
}


class ContentScores(models.Model):
    """第三十条's five contents, 0–100 each; attendance and logs may be proposed from the facts."""

    daily_management = models.DecimalField(CONTENTS["daily_management"], **SCORE)
    attendance_logs = models.DecimalField(CONTENTS["attendance_logs"], **SCORE)
    results = models.DecimalField(CONTENTS["results"], **SCORE)
    villagers_evaluation = models.DecimalField(CONTENTS["villagers_evaluation"], **SCORE)
    village_cadres_evaluation = models.DecimalField(CONTENTS["village_cadres_evaluation"], **SCORE)
    # What the recorded calendar and logs suggested for attendance_logs, kept
    # next to the entered value so a difference is visible.
    proposed_attendance_logs = models.DecimalField(
        "考勤日志建议分", max_digits=5, decimal_places=2, null=True, blank=True
    )
    proposal_evidence = models.JSONField("建议分依据", default=dict, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="录入人"
    )
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        abstract = True

    def contents(self) -> dict[str, float]:
        return {key: float(getattr(self, key)) for key in CONTENTS}


class OrdinaryAssessment(ContentScores):
    """平时考核 by the town (第三十条), any number per year; `score` is the weighted total."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="ordinary_assessments", verbose_name="干部"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    town = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="考核镇街"
    )
    held_on = models.DateField("考核日期")
    title = models.CharField("名称", max_length=40, help_text="如:第一季度平时考核")
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    weights = models.JSONField("所用权重", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "平时考核"
        ordering = ["cadre_id", "held_on", "pk"]
        indexes = [models.Index(fields=["year", "cadre"])]

    def __str__(self):
        return f"{self.cadre} {self.title}"


class AnnualAssessment(ContentScores):
    """年度考核 by the county leading group (第三十条): one per cadre and year."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="annual_assessments", verbose_name="干部"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    county = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="考核区县"
    )

    class Meta:
        verbose_name = verbose_name_plural = "年度考核评分"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "cadre"],
                name="one_annual_assessment_per_cadre_year",
                violation_error_message="该干部本年度已有年度考核评分,请修改原记录。",
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.year}年度考核"


class TeamOpinion(models.Model):
    """工作队对每名队员签署的书面意见 (第三十条)."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="team_opinions", verbose_name="干部"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, related_name="+", verbose_name="工作队"
    )
    text = models.TextField("书面意见", max_length=2000)
    signed_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="签署人"
    )
    signed_at = models.DateTimeField("签署时间")

    class Meta:
        verbose_name = verbose_name_plural = "工作队书面意见"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "cadre"],
                name="one_team_opinion_per_cadre_year",
                violation_error_message="工作队已对该干部签署本年度意见。",
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.year} 工作队意见"


class ConductKind(models.TextChoices):
    DISCIPLINED = "disciplined", "违纪违规受到党纪政纪处分(第三十五条(一))"
    DISOBEDIENCE = "disobedience", "不服从管理造成严重不良影响(第三十五条(二))"


CONDUCT_ARTICLE = {
    ConductKind.DISCIPLINED: "第三十五条(一)",
    ConductKind.DISOBEDIENCE: "第三十五条(二)",
}


class ConductFact(models.Model):
    """A recorded fact of 第三十五条(一)(二); any fact in the year makes the cadre 不称职."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="conduct_facts", verbose_name="干部"
    )
    kind = models.CharField("类别", max_length=14, choices=ConductKind.choices)
    occurred_on = models.DateField("认定日期")
    document = models.CharField("处分决定或认定文号", max_length=80)
    description = models.TextField("事实", max_length=2000)
    county = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="登记区县"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "第三十五条(一)(二)事实"
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["cadre", "occurred_on"])]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()}"


class PovertyTask(models.Model):
    """The village's poverty-reduction task result for a year (第三十一条)."""

    village = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="poverty_tasks", verbose_name="村"
    )
    year = models.PositiveSmallIntegerField("年度")
    completed = models.BooleanField("完成减贫任务")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "村减贫任务完成情况"
        constraints = [
            models.UniqueConstraint(fields=["year", "village"], name="one_poverty_task_per_year")
        ]

    def __str__(self):
        return f"{self.village} {self.year}"


class AssessmentYear(models.Model):
    """A county's assessment of a year; once finalised its results are locked (第三十二条)."""

    county = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="assessment_years", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    finalised_at = models.DateTimeField("定档时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="定档人",
    )
    assessed = models.PositiveIntegerField("考核人数", default=0)
    excellent_quota = models.PositiveIntegerField("优秀名额", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "区县年度考核"
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"], name="one_assessment_year_per_county"
            )
        ]

    def __str__(self):
        return f"{self.county} {self.year}年度考核"

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None


class GradeDecision(models.Model):
    """The county's grade where it departs from the proposal, with its reason."""

    assessment_year = models.ForeignKey(
        AssessmentYear, models.CASCADE, related_name="decisions", verbose_name="年度考核"
    )
    cadre = models.ForeignKey("org.Cadre", models.PROTECT, related_name="+", verbose_name="干部")
    grade = models.CharField("确定等次", max_length=8)
    reason = models.CharField("理由", max_length=300)
    decided_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="确定人"
    )
    decided_at = models.DateTimeField("确定时间")

    class Meta:
        verbose_name = verbose_name_plural = "等次调整"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment_year", "cadre"], name="one_grade_decision_per_cadre"
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.grade}"


class FinalResult(models.Model):
    """A cadre's archived result (第三十二条: 归档并报省、市和派出单位备案).

    `explanation` is the policy engine's result (every component, check and
    parameter); `facts` is the cadre-year in the CLI's input format, so the
    archive can be re-checked without the database.
    """

    assessment_year = models.ForeignKey(
        AssessmentYear, models.PROTECT, related_name="results", verbose_name="年度考核"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="final_results", verbose_name="干部"
    )
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="派出单位")
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, null=True, related_name="+", verbose_name="工作队"
    )
    eligible = models.BooleanField("参加考核")
    proposed_grade = models.CharField("系统拟定等次", max_length=8, blank=True)
    grade = models.CharField("考核等次", max_length=8, blank=True)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2, null=True)
    decision_reason = models.CharField("调整理由", max_length=300, blank=True)
    explanation = models.JSONField("评定说明")
    facts = models.JSONField("事实数据")

    class Meta:
        verbose_name = verbose_name_plural = "考核结果档案"
        ordering = ["assessment_year_id", "-total", "cadre_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "cadre"], name="one_final_result_per_cadre_year"
            )
        ]
        indexes = [models.Index(fields=["unit", "year"])]

    def __str__(self):
        return f"{self.cadre} {self.year} {self.grade or '不参加考核'}"


class RecallState(models.TextChoices):
    PROPOSED = "proposed", "区县已提出召回"
    RECALLED = "recalled", "单位已召回"


class Recall(models.Model):
    """召回 (第三十六条): the county proposes after a 不称职 result, the unit recalls.

    A recalled cadre may not be promoted for two years after the recall date.
    """

    result = models.OneToOneField(
        FinalResult, models.PROTECT, related_name="recall", verbose_name="考核结果"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="recalls", verbose_name="干部"
    )
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="recalls", verbose_name="派出单位"
    )
    county = models.ForeignKey("org.Region", models.PROTECT, related_name="+", verbose_name="区县")
    state = models.CharField("状态", max_length=10, choices=RecallState.choices)
    reason = models.TextField("召回理由", max_length=1000)
    proposed_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="提出人"
    )
    proposed_at = models.DateTimeField("提出时间")
    recalled_on = models.DateField("召回日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)
    approval = models.OneToOneField(
        "approvals.Request",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批",
    )
    replacement_note = models.CharField(
        "接替人员调整", max_length=200, blank=True, help_text="按人员调整程序办理(第二十二条)"
    )
    successor = models.ForeignKey(
        "org.Cadre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="拟接替干部",
    )
    # The latest personnel change sending the replacement (a rejected one may be followed by another).
    replacement = models.ForeignKey(
        "stationing.PersonnelChange",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recalls",
        verbose_name="接替人员调整",
    )

    class Meta:
        verbose_name = verbose_name_plural = "召回"
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["unit", "recalled_on"])]

    def __str__(self):
        return f"召回 {self.cadre}"

    @property
    def promotable_from(self):
        """第三十六条: 两年内不得提拔使用 — the first day a promotion is allowed again."""
        return add_years(self.recalled_on, 2) if self.recalled_on else None


class InspectionKind(models.TextChoices):
    COUNTY_QUARTERLY = "county_quarterly", "区县季度在岗检查点评"
    CITY_SPOT_CHECK = "city_spot_check", "市级随机抽查"


class Inspection(models.Model):
    """第十七条: the county's quarterly on-duty inspection, the city's random spot checks."""

    kind = models.CharField("类别", max_length=20, choices=InspectionKind.choices)
    region = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="检查机关所在区划"
    )
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, related_name="inspections", verbose_name="被检查工作队"
    )
    held_on = models.DateField("检查日期")
    period = models.CharField("季度", max_length=10, help_text="如 2025-Q3")
    summary = models.TextField("检查点评", max_length=4000)
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "在岗检查与抽查"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["team", "held_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.team} {self.held_on}"


class InspectionFinding(models.Model):
    inspection = models.ForeignKey(
        Inspection, models.CASCADE, related_name="findings", verbose_name="检查"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="干部"
    )
    article = models.CharField("条款", max_length=20)
    description = models.CharField("问题", max_length=500)
    violation = models.BooleanField("属于违规", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查发现问题"
        ordering = ["inspection_id", "pk"]

    def __str__(self):
        return f"{self.article} {self.description}"


class CircularKind(models.TextChoices):
    VIOLATION = "violation", "违规问题通报(第十七条)"
    UNIT_CRITICISM = "unit_criticism", "单位通报批评(第三十七条)"


class Circular(models.Model):
    """通报: violations found by inspections, or a unit with two recalls in a year."""

    kind = models.CharField("类别", max_length=16, choices=CircularKind.choices)
    region = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="通报机关所在区划"
    )
    issued_on = models.DateField("通报日期")
    title = models.CharField("标题", max_length=120)
    body = models.TextField("通报内容", max_length=4000)
    findings = models.ManyToManyField(InspectionFinding, blank=True, related_name="circulars")
    unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="circulars",
        verbose_name="被通报单位",
    )
    year = models.PositiveSmallIntegerField("所涉年度", null=True, blank=True)
    issued_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="发布人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "通报"
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.title


class CohortSnapshot(models.Model):
    """The assessment list of a county's year (snapshots.to_json of its cohort), as computed
    for one day: the list page reads this row instead of judging the whole cohort on every
    request (docs/benchmarks-history.md, "The assessment list from a stored cohort").

    Valid only while not `stale` and for the day it was computed for (`computed_for`: the
    engine's "today" — days after it are not yet known); services that change the year's
    facts mark it stale (stale.mark_cohorts_stale) and the next reading computes it again.
    """

    county = models.ForeignKey(
        "org.Region", models.CASCADE, related_name="cohort_snapshots", verbose_name="区县"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    data = models.JSONField("考核名单")
    computed_for = models.DateField("计算基准日")
    computed_at = models.DateTimeField("计算时间")
    stale = models.BooleanField("待更新", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度考核名单快照"
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="one_cohort_snapshot_a_year")
        ]

    def __str__(self):
        return f"{self.county_id} {self.year}"

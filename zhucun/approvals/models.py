"""Approvals as data (DESIGN.md §3 "One approval engine").

A `Request` is anything that needs a decision (leave, expenses, personnel
and pairing changes, recalls). Its route is computed from the policy when it
is submitted and stored as ordered `Step`s; each step names the kind of
approver and the concrete body (team, region or unit) it applies to, and
keeps who decided, when, how and why. A decided step never changes.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q


class ApproverKind(models.TextChoices):
    TEAM_LEADER = "team_leader", "驻村工作队队长"
    TOWN = "town", "镇(街办)党委书记或镇长"
    COUNTY = "county", "县级驻村工作领导小组"
    POVERTY_OFFICE = "poverty_office", "同级扶贫办"
    UNIT = "unit", "参扶单位"
    # 第二十五条 names the mayor alone for the fund's countersign (镇长核签).
    TOWN_MAYOR = "town_mayor", "镇长"


# Which body column a step of each kind fills.
BODY_FIELD = {
    ApproverKind.TEAM_LEADER: "team",
    ApproverKind.TOWN: "region",
    ApproverKind.COUNTY: "region",
    ApproverKind.POVERTY_OFFICE: "region",
    ApproverKind.UNIT: "unit",
    ApproverKind.TOWN_MAYOR: "region",
}


class Action(models.TextChoices):
    CONSENT = "consent", "同意"
    APPROVE = "approve", "批准"
    SIGN = "sign", "签字"
    COUNTERSIGN = "cosign", "核签"


class RequestState(models.TextChoices):
    PENDING = "pending", "审批中"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"
    WITHDRAWN = "withdrawn", "已撤回"


class StepState(models.TextChoices):
    WAITING = "waiting", "待前序步骤"
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "不同意"
    CANCELLED = "cancelled", "已终止"


class Request(models.Model):
    kind = models.CharField("事项类型", max_length=30, db_index=True)
    title = models.CharField("事项", max_length=200)
    summary = models.TextField("内容", blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="申请人"
    )
    cadre = models.ForeignKey(
        "org.Cadre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_requests",
        verbose_name="所涉干部",
    )
    team = models.ForeignKey(
        "stationing.Team",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="approval_requests",
        verbose_name="所属工作队",
    )
    subject_type = models.ForeignKey(
        ContentType, models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    state = models.CharField(
        "状态", max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    article = models.CharField("依据", max_length=30, blank=True)
    explanation = models.TextField("审批路径说明", blank=True)
    submitted_at = models.DateTimeField("提交时间")
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批事项"
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["cadre", "state"]),
        ]

    def __str__(self):
        return self.title


class Step(models.Model):
    request = models.ForeignKey(
        Request, models.CASCADE, related_name="steps", verbose_name="审批事项"
    )
    position = models.PositiveSmallIntegerField("顺序")
    approver_kind = models.CharField("审批人", max_length=20, choices=ApproverKind.choices)
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "org.Region", models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField("审批动作", max_length=10, choices=Action.choices)
    state = models.CharField(
        "状态", max_length=10, choices=StepState.choices, default=StepState.WAITING
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="代理谁",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    comment = models.CharField("意见", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批步骤"
        ordering = ["request_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="one_step_per_position"),
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(region__isnull=False) | Q(unit__isnull=False),
                name="step_names_its_body",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "approver_kind", "team"]),
            models.Index(fields=["state", "approver_kind", "region"]),
            models.Index(fields=["state", "approver_kind", "unit"]),
        ]

    def __str__(self):
        return f"{self.request} · {self.get_approver_kind_display()}{self.get_action_display()}"

    @property
    def body(self):
        return getattr(self, BODY_FIELD[ApproverKind(self.approver_kind)])

    @property
    def body_id(self):
        return getattr(self, f"{BODY_FIELD[ApproverKind(self.approver_kind)]}_id")


class CopyPurpose(models.TextChoices):
    COPY = "copy", "抄送"
    FILING = "filing", "备案"


class Copy(models.Model):
    """抄送 / 备案: a body kept informed of a request (DESIGN.md §6 "two reporting lines")."""

    request = models.ForeignKey(Request, models.CASCADE, related_name="copies")
    purpose = models.CharField("类型", max_length=10, choices=CopyPurpose.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey(
        "org.Region", models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "抄送备案"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.unit or self.region}"


class Delegation(models.Model):
    """An approver names an acting approver (代理审批人) for a period, both ends included."""

    principal = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="delegations_given"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="delegations_held"
    )
    start = models.DateField("开始")
    end = models.DateField("结束")
    reason = models.CharField("事由", max_length=200, blank=True)
    revoked = models.BooleanField("已撤销", default=False)
    created_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "代理审批"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="delegation_dates"),
            models.CheckConstraint(
                condition=~Q(principal=F("deputy")), name="delegation_not_to_self"
            ),
        ]
        indexes = [models.Index(fields=["deputy", "start", "end"])]

    def __str__(self):
        return f"{self.deputy} 代 {self.principal}({self.start}–{self.end})"

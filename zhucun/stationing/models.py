"""Work teams (驻村工作队) and the assignments of cadres to them."""

from datetime import timedelta

from django.db import models
from django.db.models import Q

from zhucun.approvals.models import RequestState


class Team(models.Model):
    """One team per poor village (第三条); joint teams of small units (第六条)."""

    name = models.CharField("队名", max_length=60)
    village = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        related_name="teams",
        verbose_name="驻点村",
        limit_choices_to={"level": "village"},
    )
    lead_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="led_teams", verbose_name="牵头单位"
    )
    units = models.ManyToManyField(
        "org.Unit", related_name="teams", verbose_name="参扶单位", blank=True
    )
    formed_on = models.DateField("组建日期")
    withdrawn_on = models.DateField("撤离日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驻村工作队"
        ordering = ["village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(withdrawn_on__isnull=True),
                name="one_active_team_per_village",
                violation_error_message="该村已有一支在驻工作队(第三条:一村一队)。",
            )
        ]

    def __str__(self):
        return self.name


class AssignmentRole(models.TextChoices):
    LEADER_SECRETARY = "leader_secretary", "队长兼第一书记"
    LEADER = "leader", "队长"
    FIRST_SECRETARY = "first_secretary", "第一书记"
    MEMBER = "member", "队员"
    TOWN_CONTACT = "town_contact", "包村干部(不计人数)"
    VILLAGE_CADRE = "village_cadre", "村干部(不计人数)"


LEADER_ROLES = frozenset({AssignmentRole.LEADER_SECRETARY, AssignmentRole.LEADER})
# 第六条、第八条: town contact cadres and village cadres join the team
# but do not count toward its size.
NON_COUNTED_ROLES = frozenset({AssignmentRole.TOWN_CONTACT, AssignmentRole.VILLAGE_CADRE})


class Assignment(models.Model):
    team = models.ForeignKey(
        Team, models.PROTECT, related_name="assignments", verbose_name="工作队"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="assignments", verbose_name="干部"
    )
    role = models.CharField("队内职务", max_length=20, choices=AssignmentRole.choices)
    start = models.DateField("驻村开始")
    planned_end = models.DateField("计划结束", help_text="每期驻村不少于2年(第六条)")
    end = models.DateField("实际结束", null=True, blank=True)
    party_transferred_on = models.DateField(
        "党组织关系转入村日期", null=True, blank=True, help_text="第七条"
    )

    class Meta:
        verbose_name = verbose_name_plural = "驻村任职"
        ordering = ["team_id", "start"]
        indexes = [
            models.Index(fields=["cadre", "start"]),
            models.Index(fields=["team", "end"]),
        ]

    def __str__(self):
        return f"{self.cadre} @ {self.team}"

    @property
    def is_leader(self) -> bool:
        return self.role in LEADER_ROLES

    @property
    def is_counted(self) -> bool:
        return self.role not in NON_COUNTED_ROLES

    def active_on(self, day) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Leave(models.Model):
    """请销假 (第十六条): a cadre's leave from the village, approved through the approval engine."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="leaves", verbose_name="干部"
    )
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="leaves", verbose_name="驻村任职"
    )
    start = models.DateField("离村日期")
    end = models.DateField("返村前最后一天")
    reason = models.CharField("事由", max_length=300)
    approval = models.OneToOneField(
        "approvals.Request", models.PROTECT, related_name="leave", verbose_name="审批"
    )
    returned_on = models.DateField("实际返村日期(销假)", null=True, blank=True)
    reported_back_at = models.DateTimeField("销假时间", null=True, blank=True)
    created_at = models.DateTimeField("申请时间")

    class Meta:
        verbose_name = verbose_name_plural = "请假"
        ordering = ["-start"]
        indexes = [models.Index(fields=["cadre", "start", "end"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="leave_dates")
        ]

    def __str__(self):
        return f"{self.cadre} 请假 {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def leave_end(self):
        """The last day that counts as leave: an early return ends it; a late one adds nothing."""
        if self.returned_on is not None:
            return min(self.end, self.returned_on - timedelta(days=1))
        return self.end


class CheckIn(models.Model):
    """ "In the village today": one tap, server time; location is optional evidence (DESIGN.md §6)."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="check_ins", verbose_name="干部"
    )
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="check_ins", verbose_name="驻村任职"
    )
    day = models.DateField("日期")
    at = models.DateTimeField("签到时间(服务器)")
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    backfilled = models.BooleanField("补签", default=False)
    reason = models.CharField("补签理由", max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "在村签到"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "day"], name="one_check_in_per_day"),
            models.CheckConstraint(
                condition=Q(backfilled=False) | ~Q(reason=""), name="backfill_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.cadre} {self.day}"


class OfficialKind(models.TextChoices):
    TRIP = "trip", "因公出差"
    MEETING = "meeting", "开会"
    TRAINING = "training", "培训"


class OfficialBusiness(models.Model):
    """Days away on official business, which count as stationed days (第十六条)."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="official_business", verbose_name="干部"
    )
    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="official_business", verbose_name="驻村任职"
    )
    kind = models.CharField("类型", max_length=10, choices=OfficialKind.choices)
    start = models.DateField("开始")
    end = models.DateField("结束")
    what = models.CharField("事项", max_length=200)
    where = models.CharField("地点", max_length=100)
    created_at = models.DateTimeField("登记时间")
    created_by = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "因公外出"
        ordering = ["-start"]
        indexes = [models.Index(fields=["cadre", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="official_business_dates"
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.get_kind_display()} {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class DutyDay(models.Model):
    """A cadre on duty on a weekend or holiday (第十六条 双休日和法定节假日轮流值班)."""

    team = models.ForeignKey(Team, models.PROTECT, related_name="duty_days", verbose_name="工作队")
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="duty_days", verbose_name="值班干部"
    )
    day = models.DateField("日期")
    assigned_by = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "值班安排"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day", "cadre"], name="one_duty_per_cadre_day")
        ]
        indexes = [models.Index(fields=["cadre", "day"]), models.Index(fields=["team", "day"])]

    def __str__(self):
        return f"{self.team} {self.day} {self.cadre}"


class Handover(models.Model):
    """交接 (第六条 期满压茬轮换): the outgoing cadre leaves only after a handover both sides
    and the team leader have signed."""

    team = models.ForeignKey(Team, models.PROTECT, related_name="handovers", verbose_name="工作队")
    predecessor = models.OneToOneField(
        Assignment, models.PROTECT, related_name="handover_out", verbose_name="交出方任职"
    )
    successor = models.ForeignKey(
        Assignment, models.PROTECT, related_name="handovers_in", verbose_name="接收方任职"
    )
    content = models.TextField("交接内容")
    created_at = models.DateTimeField("登记时间")
    predecessor_signed_at = models.DateTimeField("交出方签字", null=True, blank=True)
    successor_signed_at = models.DateTimeField("接收方签字", null=True, blank=True)
    leader_signed_at = models.DateTimeField("队长签字", null=True, blank=True)
    leader_signed_by = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "轮换交接"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.predecessor.cadre} → {self.successor.cadre}"

    @property
    def complete(self) -> bool:
        return bool(
            self.predecessor_signed_at and self.successor_signed_at and self.leader_signed_at
        )


class ChangeReason(models.TextChoices):
    """第二十二条: the only reasons a stationed cadre may be replaced."""

    ILLNESS = "illness", "因病或家庭有特殊困难不能坚持驻村工作"
    UNFIT = "unfit", "因本人素质、能力等方面原因不适应在村工作"
    TRANSFERRED = "transferred", "调离原单位或辞去公职"
    OTHER = "other", "其他原因不能正常驻村开展工作"
    # 第三十六条: a recalled cadre is replaced through the same flow (not a 第二十二条 choice).
    RECALLED = "recalled", "年度考核不称职被召回(第三十六条)"


# The reasons a unit may choose when it applies on its own (第二十二条).
ARTICLE_22_REASONS = (
    ChangeReason.ILLNESS,
    ChangeReason.UNFIT,
    ChangeReason.TRANSFERRED,
    ChangeReason.OTHER,
)


class ReplacementStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准,待确定接替人员"
    ASSIGNED = "assigned", "接替人员已派驻"
    REJECTED = "rejected", "未批准"


class PersonnelChange(models.Model):
    """人员调整 (第二十二条): the unit applies, the same-level poverty office approves, and the
    county, town and village are notified (备案, recorded as approval copies)."""

    assignment = models.ForeignKey(
        Assignment, models.PROTECT, related_name="personnel_changes", verbose_name="被调整任职"
    )
    reason = models.CharField("调整原因", max_length=12, choices=ChangeReason.choices)
    detail = models.CharField("具体情况", max_length=500)
    successor = models.ForeignKey(
        "org.Cadre",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="拟接替干部",
    )
    approval = models.OneToOneField(
        "approvals.Request", models.PROTECT, related_name="personnel_change"
    )
    created_at = models.DateTimeField("申请时间")
    successor_assignment = models.OneToOneField(
        Assignment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="接替人员驻村任职",
    )
    assigned_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="派驻登记人",
    )
    assigned_at = models.DateTimeField("派驻登记时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员调整"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.assignment.cadre} 调整({self.get_reason_display()})"

    @property
    def status(self) -> ReplacementStatus:
        """Where the replacement stands: the approval's state, then whether a successor is posted."""
        if self.successor_assignment_id is not None:
            return ReplacementStatus.ASSIGNED
        state = self.approval.state
        if state == RequestState.APPROVED:
            return ReplacementStatus.APPROVED
        if state == RequestState.PENDING:
            return ReplacementStatus.PENDING
        return ReplacementStatus.REJECTED

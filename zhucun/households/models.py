"""Registered poor households (建档立卡贫困户) and their paired cadres (联户)."""

from django.db import models
from django.db.models import Q

from zhucun.households.codes import Attribute, Cause, Status


class Household(models.Model):
    code = models.CharField("户编号", max_length=20, unique=True)
    village = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        related_name="households",
        verbose_name="所在村",
        limit_choices_to={"level": "village"},
    )
    head_name = models.CharField("户主姓名", max_length=30)
    attribute = models.CharField("贫困户属性", max_length=10, choices=Attribute.choices)
    main_cause = models.CharField("主要致贫原因", max_length=2, choices=Cause.choices)
    other_causes = models.JSONField("其他致贫原因", default=list, blank=True)
    status = models.CharField("脱贫状态", max_length=10, choices=Status.choices)
    exit_year = models.PositiveSmallIntegerField("脱贫年份", null=True, blank=True)
    members = models.PositiveSmallIntegerField("家庭人口")
    income_per_head = models.PositiveIntegerField("人均纯收入(元)")
    farmland_mu = models.DecimalField("耕地面积(亩)", max_digits=7, decimal_places=2, default=0)
    housing_safe = models.BooleanField("住房安全有保障", default=True)
    schooling_ok = models.BooleanField("义务教育无辍学", default=True)
    medical_insured = models.BooleanField("基本医疗保险参保", default=True)
    water_safe = models.BooleanField("饮水安全有保障", default=True)
    # 第十三条(三): the household cadre analyses the causes and makes a plan.
    causes_analysis = models.TextField("致贫原因分析", blank=True, max_length=2000)
    help_plan = models.TextField("帮扶计划和措施", blank=True, max_length=2000)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "贫困户"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["village", "main_cause"]),
        ]

    def __str__(self):
        return f"{self.head_name}户"


class Pairing(models.Model):
    """A household's paired cadre (第九条); changes follow 第二十三条."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="pairings", verbose_name="贫困户"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="pairings", verbose_name="联户干部"
    )
    start = models.DateField("结对开始")
    end = models.DateField("结对结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对帮扶"
        indexes = [models.Index(fields=["cadre", "end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end__isnull=True),
                name="one_active_pairing_per_household",
                violation_error_message="该户已有一名在帮联户干部。",
            )
        ]

    def __str__(self):
        return f"{self.cadre} ↔ {self.household}"


class ChangeReason(models.TextChoices):
    """第二十三条: the only reasons a pairing may be changed."""

    ILLNESS = "illness", "(一)因病或家庭有特殊困难不能正常开展帮扶工作"
    LEFT = "left", "(二)因退休离岗、调离本市(区县)、辞去公职或被开除公职"
    OTHER = "other", "(三)其他原因不能承担联户帮扶任务"
    # Not a change: a household not yet paired gets its first cadre (第九条).
    INITIAL = "initial", "首次结对(第九条)"


CHANGE_REASONS = frozenset({ChangeReason.ILLNESS, ChangeReason.LEFT, ChangeReason.OTHER})


class PairingChange(models.Model):
    """A change of a household's paired cadre (第二十三条), by the selecting unit, filed
    (备案) with the household's county, town and village: those three are recorded and
    see the change in their scope."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="pairing_changes", verbose_name="贫困户"
    )
    old_pairing = models.ForeignKey(
        Pairing, models.PROTECT, related_name="+", verbose_name="原结对", null=True, blank=True
    )
    new_pairing = models.ForeignKey(
        Pairing, models.PROTECT, related_name="+", verbose_name="新结对"
    )
    reason = models.CharField("调整原因", max_length=10, choices=ChangeReason.choices)
    detail = models.TextField("具体情况", max_length=1000)
    changed_on = models.DateField("调整日期")
    by_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="选派单位"
    )
    by_office = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="选派区县/镇街",
    )
    actor = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="经办人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    filed_county = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="备案区县"
    )
    filed_town = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="备案镇(街办)"
    )
    filed_village = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="备案村"
    )

    class Meta:
        verbose_name = verbose_name_plural = "联户调整"
        ordering = ["-changed_on", "-pk"]

    def __str__(self):
        return f"{self.household} {self.changed_on} {self.get_reason_display()}"


class ContactKind(models.TextChoices):
    """第二十条: weekly inquiries (any contact counts) and monthly home visits."""

    INQUIRY = "inquiry", "询问了解"
    VISIT = "visit", "入户帮扶"


class Channel(models.TextChoices):
    PHONE = "phone", "电话询问"
    IN_PERSON = "in_person", "当面询问"
    HOME = "home", "入户"


class Contact(models.Model):
    """One entry of the household's record book (纪实资料簿, 第二十一条)."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="contacts", verbose_name="贫困户"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="contacts", verbose_name="联户干部"
    )
    pairing = models.ForeignKey(
        Pairing, models.PROTECT, related_name="contacts", verbose_name="结对"
    )
    day = models.DateField("日期")
    kind = models.CharField("方式", max_length=10, choices=ContactKind.choices)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    learned = models.TextField("了解情况", max_length=2000)
    problems = models.TextField("存在问题", max_length=2000, blank=True)
    help_given = models.TextField("帮扶措施", max_length=2000, blank=True)
    escalated = models.TextField(
        "报村“两委”和工作队的问题", max_length=2000, blank=True, help_text="第十三条(三)"
    )
    # Empty for records brought over from an earlier system (no account here).
    recorded_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="填报人",
    )
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮扶记录"
        ordering = ["day", "pk"]
        indexes = [
            models.Index(fields=["household", "day"]),
            models.Index(fields=["cadre", "day"]),
        ]
        constraints = [
            # The stored tallies count inquiries and visits only: any other kind is refused
            # on every path that writes a contact, bulk loads included.
            models.CheckConstraint(
                condition=Q(kind__in=["inquiry", "visit"]),
                name="contact_kind_inquiry_or_visit",
                violation_error_message="方式:应为询问了解或入户帮扶",
            )
        ]

    def __str__(self):
        return f"{self.household} {self.day} {self.get_channel_display()}"


class ContactTally(models.Model):
    """A household's contacts of one calendar year, summarised for 第二十条 (derived data).

    What policy.contacts.ContactSummary needs for any window, without reading the
    contacts: zhucun/households/tallies.py writes it from the Contact rows, in the
    transaction that writes them, and reads it for contact compliance. Counts stop at
    255 (a week or day with more reads as 255). Weeks are numbered as
    policy.contacts.week_number(); a week across New Year has a part in each year's row.
    """

    household = models.ForeignKey(Household, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # Bit i: a contact on a day of this year in week number week_number(1 January) + i.
    weeks = models.BigIntegerField(default=0)
    # Byte i: that week's contacts on days of this year.
    week_contacts = models.BinaryField(default=b"")
    # Byte d: the contacts of 1 January + d days (read for the weeks a window cuts).
    day_contacts = models.BinaryField(default=b"")
    # Bit d, little-endian: a visit on 1 January + d days.
    visit_days = models.BinaryField(default=b"")
    # Three bytes per day visited more than once: d (two bytes, little-endian), visits.
    repeat_visits = models.BinaryField(default=b"")
    # Byte m: the visits of month m + 1 (the findings list compares it with the minimum).
    month_visits = models.BinaryField(default=bytes(12))

    class Meta:
        verbose_name = verbose_name_plural = "联户记录年度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="one_tally_per_household_year"
            )
        ]
        # The findings list reads each pairing's weeks and month visits from this index
        # alone (index-only on both databases: no wide row read per pairing).
        indexes = [
            models.Index(
                fields=["household", "year", "weeks", "month_visits"], name="tally_weeks_months"
            )
        ]

    def __str__(self):
        return f"{self.household_id} {self.year}"


class CheckedBy(models.TextChoices):
    TOWN = "town", "镇(街办)扶贫办"
    TEAM = "team", "驻村工作队"


class RecordBookCheck(models.Model):
    """第二十一条: the town's poverty office and the team check the record book periodically."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="book_checks", verbose_name="贫困户"
    )
    day = models.DateField("检查日期")
    by = models.CharField("检查方", max_length=10, choices=CheckedBy.choices)
    checker = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="检查人"
    )
    remark = models.TextField("检查意见", max_length=1000)
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "纪实资料簿检查"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["household", "day"])]

    def __str__(self):
        return f"{self.household} {self.day} {self.get_by_display()}检查"

"""The team work fund (工作经费, 第二十四条、第二十五条): one ledger per team, in fen.

Money is always an integer number of fen (分): no floats anywhere. The
ledger's balance is stored on its row and changed only by a service that
holds the row's lock (select_for_update), so two bookings can never both
spend the same money; a database constraint keeps it from going below zero
even if a bug tried.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Source(models.TextChoices):
    """Who pays (第二十四条: 省、市、县 5:3:2; counties may add)."""

    PROVINCE = "province", "省级财政"
    CITY = "city", "市级财政"
    COUNTY = "county", "县级财政"
    COUNTY_TOPUP = "topup", "区县追加"


SHARED_SOURCES = (Source.PROVINCE, Source.CITY, Source.COUNTY)


class Category(models.TextChoices):
    """第二十五条: only the team's necessary daily office needs (incl. office internet)."""

    OFFICE_SUPPLIES = "supplies", "日常办公用品"
    INTERNET = "internet", "办公互联网"
    PRINTING = "printing", "打印复印及资料"
    EQUIPMENT = "equipment", "小型办公设备"
    POSTAGE = "postage", "邮寄及通讯费"


class Ledger(models.Model):
    """一队一账 (第二十五条 单独核算)."""

    team = models.OneToOneField(
        "stationing.Team", models.PROTECT, related_name="ledger", verbose_name="工作队"
    )
    balance_fen = models.BigIntegerField("余额(分)", default=0)
    created_at = models.DateTimeField("建账时间")

    class Meta:
        verbose_name = verbose_name_plural = "工作经费台账"
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_fen__gte=0),
                name="ledger_balance_never_negative",
                violation_error_message="工作经费余额不能为负数。",
            )
        ]

    def __str__(self):
        return f"{self.team} 工作经费台账"


class Allocation(models.Model):
    """Money the county disbursed to the team's town for the team (第二十四条 县级财政拨付至镇)."""

    ledger = models.ForeignKey(
        Ledger, models.PROTECT, related_name="allocations", verbose_name="台账"
    )
    year = models.PositiveSmallIntegerField("经费年度")
    source = models.CharField("资金来源", max_length=10, choices=Source.choices)
    amount_fen = models.BigIntegerField("金额(分)")
    disbursed_on = models.DateField("拨付日期")
    town = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="拨付至镇(街办)"
    )
    document_no = models.CharField("拨付文号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "经费拨付"
        ordering = ["-disbursed_on", "-pk"]
        indexes = [models.Index(fields=["ledger", "year", "source"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="allocation_positive")
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.amount_fen}分"


class Expense(models.Model):
    """A spending: 驻村干部经手 → 驻村工作队长签字 → 镇长核签 (第二十五条), booked at the last signature."""

    ledger = models.ForeignKey(Ledger, models.PROTECT, related_name="expenses", verbose_name="台账")
    category = models.CharField("用途", max_length=10, choices=Category.choices)
    amount_fen = models.BigIntegerField("金额(分)")
    spent_on = models.DateField("支出日期")
    description = models.CharField("摘要", max_length=200)
    handler = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="fund_expenses", verbose_name="经手人"
    )
    receipt = models.FileField("票据", upload_to="receipts/%Y/", max_length=200)
    receipt_name = models.CharField("票据原文件名", max_length=200)
    receipt_type = models.CharField("票据类型", max_length=40)
    approval = models.OneToOneField(
        "approvals.Request", models.PROTECT, related_name="fund_expense", verbose_name="审批"
    )
    booked_at = models.DateTimeField("入账时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = verbose_name_plural = "经费支出"
        ordering = ["-spent_on", "-pk"]
        indexes = [models.Index(fields=["ledger", "spent_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="expense_positive")
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.amount_fen}分"


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", "拨入"
    EXPENSE = "expense", "支出"


class LedgerEntry(models.Model):
    """One line of the ledger as booked: signed amount and the balance after it."""

    ledger = models.ForeignKey(Ledger, models.PROTECT, related_name="entries", verbose_name="台账")
    kind = models.CharField("类型", max_length=10, choices=EntryKind.choices)
    booked_on = models.DateField("记账日期")
    amount_fen = models.BigIntegerField("金额(分,支出为负)")
    balance_after_fen = models.BigIntegerField("余额(分)")
    allocation = models.OneToOneField(
        Allocation, models.PROTECT, null=True, blank=True, related_name="entry"
    )
    expense = models.OneToOneField(
        Expense, models.PROTECT, null=True, blank=True, related_name="entry"
    )
    booked_at = models.DateTimeField("入账时间")

    class Meta:
        verbose_name = verbose_name_plural = "台账记录"
        ordering = ["booked_at", "pk"]
        indexes = [models.Index(fields=["ledger", "booked_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=EntryKind.ALLOCATION, allocation__isnull=False, expense__isnull=True)
                    | Q(kind=EntryKind.EXPENSE, expense__isnull=False, allocation__isnull=True)
                ),
                name="entry_names_one_source",
            ),
            models.CheckConstraint(
                condition=Q(balance_after_fen__gte=0), name="entry_balance_never_negative"
            ),
            models.CheckConstraint(condition=~Q(amount_fen=0), name="entry_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount_fen}分"

    @property
    def income_fen(self) -> int:
        return self.amount_fen if self.amount_fen > 0 else 0

    @property
    def spending_fen(self) -> int:
        return -self.amount_fen if self.amount_fen < 0 else 0


class LedgerReview(models.Model):
    """The town checks a ledger and reports on it (第二十五条 镇(街办)负责核报)."""

    ledger = models.ForeignKey(Ledger, models.PROTECT, related_name="reviews", verbose_name="台账")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="核报人"
    )
    reviewed_at = models.DateTimeField("核报时间")
    up_to = models.DateField("核至日期")
    balance_fen = models.BigIntegerField("核报时余额(分)")
    comment = models.CharField("核报意见", max_length=500)

    class Meta:
        verbose_name = verbose_name_plural = "台账核报"
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.ledger} 核报 {self.up_to}"

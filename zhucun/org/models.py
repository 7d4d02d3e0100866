"""Regions, dispatching units and cadres (组织与人员)."""

from django.core.validators import RegexValidator
from django.db import models

from zhucun.org.identity import mask_id_number, mask_phone, validate_id_number, validate_phone


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "区县/开发区"
    TOWN = "town", "镇/街办"
    VILLAGE = "village", "村"


class CountyKind(models.TextChoices):
    """What a county-level region is; 第六条 ties the leader's rank to it."""

    URBAN_DISTRICT = "urban", "城区"
    POVERTY_COUNTY = "poverty", "涉贫区县"
    DEVELOPMENT_ZONE = "devzone", "开发区"


class Weakness(models.TextChoices):
    """第五条: what a village lacks, matched against a cadre's expertise."""

    PARTY = "party", "基层组织软弱涣散"
    ECONOMY = "economy", "产业基础薄弱、集体经济脆弱"
    SOCIETY = "society", "矛盾纠纷突出、社会发育滞后"


class Expertise(models.TextChoices):
    PARTY = "party", "党群"
    ECONOMY = "economy", "经济"
    SOCIETY = "society", "社会"


class Region(models.Model):
    """A node of 省 → 市 → 区县 → 镇 → 村, with its 12-digit division code.

    The ancestors at city, county and town level are stored on every row
    (a county's own row points to itself) so that a data scope is one
    indexed equality, not a walk up the tree.
    """

    code = models.CharField(
        "统计用区划代码",
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", "区划代码须为12位数字。")],
    )
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )
    city = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属市"
    )
    county = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属区县"
    )
    town = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属镇街"
    )
    county_kind = models.CharField(
        "区县类型", max_length=10, choices=CountyKind.choices, blank=True
    )
    is_poor = models.BooleanField("贫困村", default=False)
    exit_year = models.PositiveSmallIntegerField("退出年份", null=True, blank=True)
    weaknesses = models.JSONField("薄弱类型(第五条)", default=list, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        "脱贫难度(1易–5难)", null=True, blank=True, help_text="第五条:重点帮扶脱贫难度大的贫困村"
    )

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["level", "county"]),
            models.Index(fields=["level", "town"]),
        ]

    def __str__(self):
        return self.name

    def weakness_labels(self) -> list[str]:
        return [Weakness(w).label for w in self.weaknesses]


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class Unit(models.Model):
    """A dispatching unit (参扶单位)."""

    name = models.CharField("单位名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=UnitLevel.choices)
    staff_count = models.PositiveIntegerField(
        "编制人数", help_text="少于20人可联合组建工作队(第六条)"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="units", verbose_name="所在区划"
    )

    class Meta:
        verbose_name = verbose_name_plural = "参扶单位"
        ordering = ["level", "name"]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Rank(models.TextChoices):
    DIVISION = "division", "处级"
    SECTION = "section", "科级"
    OTHER = "other", "其他"


class Cadre(models.Model):
    """A cadre (干部) of a dispatching unit, stationed or paired with households."""

    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField(
        "身份证号", max_length=18, unique=True, validators=[validate_id_number]
    )
    phone = models.CharField("手机号", max_length=11, validators=[validate_phone])
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="cadres", verbose_name="单位")
    rank = models.CharField("职级", max_length=10, choices=Rank.choices, default=Rank.OTHER)
    expertise = models.JSONField("专长(第五条)", default=list, blank=True)
    is_reserve = models.BooleanField("后备干部", default=False)
    is_party_member = models.BooleanField("中共党员", default=False)
    user = models.OneToOneField(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
        verbose_name="登录账号",
    )

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["unit_id", "name"]

    def __str__(self):
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def expertise_labels(self) -> list[str]:
        return [Expertise(e).label for e in self.expertise]

"""National registration code lists (建档立卡) used on household records."""

from django.db import models


class Attribute(models.TextChoices):
    GENERAL = "general", "一般户"
    SUBSISTENCE = "dibao", "低保户"
    FIVE_GUARANTEES = "wubao", "五保户"


class Cause(models.TextChoices):
    ILLNESS = "01", "因病"
    DISABILITY = "02", "因残"
    SCHOOLING = "03", "因学"
    DISASTER = "04", "因灾"
    LAND = "05", "缺土地"
    WATER = "06", "缺水"
    SKILLS = "07", "缺技术"
    LABOUR = "08", "缺劳动力"
    CAPITAL = "09", "缺资金"
    TRANSPORT = "10", "交通条件落后"
    MOTIVATION = "11", "自身发展动力不足"


class Status(models.TextChoices):
    POOR = "poor", "未脱贫"
    EXITED = "exited", "已脱贫"
    RETURNED = "returned", "返贫"

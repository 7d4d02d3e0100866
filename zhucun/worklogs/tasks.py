"""The team's tasks (一)–(十二) of 第十条: the categories a work-log entry is tagged with."""

from django.db import models


class Task(models.IntegerChoices):
    POLICY = 1, "(一)宣传贯彻脱贫攻坚方针政策"
    PRECISION = 2, "(二)精准识别、精准帮扶、精准退出"
    PROJECTS = 3, "(三)产业、搬迁、危房改造、教育、健康等精准扶贫"
    SECTORS = 4, "(四)行业和专项扶贫政策、项目资金"
    COLLECTIVE = 5, "(五)村级集体经济、“三变”改革"
    FUNDS = 6, "(六)监管扶贫资金项目、公示公告"
    MOTIVATION = 7, "(七)扶志扶智、激励动员"
    RULE_OF_LAW = 8, "(八)法治教育、移风易俗、化解矛盾"
    MANDARIN = 9, "(九)推广普通话"
    PARTY = 10, "(十)基层组织建设、致富带头人"
    RECORDS = 11, "(十一)记好工作日志、大数据平台"
    OTHER = 12, "(十二)其他脱贫攻坚工作任务"

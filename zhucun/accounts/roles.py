"""The roles of DESIGN.md §1 and the three separated administrators (三员分立)."""

from django.db import models


class Role(models.TextChoices):
    CITY = "city", "市级管理员"
    COUNTY = "county", "区县驻村工作领导小组"
    TOWN = "town", "镇(街办)"
    UNIT = "unit", "参扶单位"
    TEAM_LEADER = "team_leader", "驻村工作队长"
    MEMBER = "member", "驻村队员"
    HOUSEHOLD_CADRE = "household_cadre", "联户干部"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITADMIN = "auditadmin", "审计管理员"


# Roles held through an office position (role + region or unit).  The
# cadre roles (team leader, member, household cadre) follow from the
# cadre's own assignments and pairings, so they are never typed twice.
REGION_ROLES = {Role.CITY: "city", Role.COUNTY: "county", Role.TOWN: "town"}
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN})
OFFICE_ROLES = frozenset({*REGION_ROLES, Role.UNIT, *ADMIN_ROLES})
CADRE_ROLES = frozenset({Role.TEAM_LEADER, Role.MEMBER, Role.HOUSEHOLD_CADRE})


class Duty(models.TextChoices):
    """What an office position does: 第十六条 names the town's secretary or mayor."""

    PARTY_SECRETARY = "secretary", "党委书记"
    MAYOR = "mayor", "镇长(主任)"
    POVERTY_OFFICE = "office", "扶贫办/领导小组办公室"
    UNIT_HEAD = "unit_head", "单位主要负责人"
    UNIT_HR = "unit_hr", "单位组织人事"
    STAFF = "staff", "工作人员"

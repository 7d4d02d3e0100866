"""Navigation shown to a user: only the sections their roles may open."""

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for

_APPROVAL_ROLES = {Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER, Role.CITY}

# (url name, label, roles that see it)
_SECTIONS = (
    ("home", "首页", None),
    (
        "stationing:team_list",
        "驻村工作队",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER},
    ),
    ("org:cadre_list", "干部", {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER}),
    (
        "households:household_list",
        "贫困户",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.HOUSEHOLD_CADRE},
    ),
    ("stationing:my_day", "我的驻村", {Role.TEAM_LEADER, Role.MEMBER}),
    ("approvals:pending", "审批", _APPROVAL_ROLES),
    (
        "funds:ledger_list",
        "工作经费",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER},
    ),
    ("allowances:index", "驻村待遇", {Role.UNIT}),
    (
        "training:event_list",
        "培训",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER},
    ),
    ("care:talks", "谈心谈话", {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT}),
    ("care:visits", "到村指导", {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT}),
    ("care:cases", "典型案例", None),
    ("rulebook:parameters", "政策参数", None),
    ("accounts:user_list", "账号管理", {Role.SECADMIN}),
    ("accounts:lockouts", "登录锁定", {Role.SECADMIN}),
    ("audit:search", "审计记录", {Role.AUDITADMIN}),
)

# Households, contacts and work logs (issue 4).
_SECTIONS += (
    ("households:my_households", "我的结对户", {Role.HOUSEHOLD_CADRE}),
    ("worklogs:my_logs", "工作日志", {Role.MEMBER, Role.TEAM_LEADER}),
    (
        "worklogs:team_logs",
        "日志检查",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER},
    ),
    (
        "households:contact_compliance",
        "联户落实",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.HOUSEHOLD_CADRE},
    ),
    (
        "households:pairing_review",
        "结对核查",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER},
    ),
)

# The phone pages and API tokens (issue 6).
_SECTIONS += (
    ("mobile:today", "手机版", {Role.TEAM_LEADER, Role.MEMBER, Role.HOUSEHOLD_CADRE}),
    ("api:tokens", "接口令牌", {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER}),
)


# Assessment, recall and supervision (issue 5).
_SECTIONS += (
    (
        "assessment:index",
        "考核",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER},
    ),
)

# Team reports and team-leader meetings (issue 4, part 2).
_SECTIONS += (
    (
        "reports:index",
        "工作队报告",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER},
    ),
    ("reports:meetings", "队长会议", {Role.CITY, Role.COUNTY}),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    items = [
        (name, label)
        for name, label, roles in _SECTIONS
        if roles is None or scope.everything or scope.roles & roles
    ]
    role_labels = [Role(r).label for r in sorted(scope.roles)]
    return {"nav_items": items, "role_labels": role_labels}


# Dashboards and reports (issue 10).
_SECTIONS += (
    ("dashboards:home", "工作看板", {Role.CITY, Role.COUNTY, Role.TOWN, Role.TEAM_LEADER}),
    (
        "dashboards:reports",
        "报表",
        {Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER},
    ),
)

# Allowances and cover seen by the cadres themselves and the county (issue 9).
_SECTIONS += (
    ("allowances:mine", "我的补助", {Role.TEAM_LEADER, Role.MEMBER}),
    (
        "allowances:medical",
        "医疗费报销",
        {Role.UNIT, Role.COUNTY, Role.TEAM_LEADER, Role.MEMBER},
    ),
    ("allowances:injuries", "负伤记录", {Role.UNIT, Role.COUNTY, Role.TEAM_LEADER, Role.MEMBER}),
)

# The requester's background exports (issue 8): whoever may export the household or cadre list.
_SECTIONS += (
    (
        "exports:mine",
        "我的导出",
        {
            Role.CITY,
            Role.COUNTY,
            Role.TOWN,
            Role.UNIT,
            Role.TEAM_LEADER,
            Role.MEMBER,
            Role.HOUSEHOLD_CADRE,
        },
    ),
)

"""三员分立: the system, security and audit administrators are three people."""

from zhucun.accounts.roles import ADMIN_ROLES, Role


def separation_error(role: Role, *, other_roles, is_cadre: bool = False) -> str:
    """Why an account may not hold `role` next to `other_roles`, or "".

    等保2.0 三级 访问控制: the system, security and audit administrators are
    three different people (三员分立), and none of them holds a business role
    (they hold no business data either: see scope.py).
    """
    role = Role(role)
    others = {Role(r) for r in other_roles} - {role}
    if role in ADMIN_ROLES and others & ADMIN_ROLES:
        names = "、".join(r.label for r in sorted(others & ADMIN_ROLES))
        return f"三员分立:{role.label}不能与{names}由同一账号担任。"
    if role in ADMIN_ROLES and (others or is_cadre):
        return f"三员分立:{role.label}账号不能兼任业务岗位或作为干部登录账号。"
    if others & ADMIN_ROLES:
        admin = sorted(others & ADMIN_ROLES)[0]
        return f"三员分立:该账号已是{admin.label},不能兼任业务岗位。"
    return ""

"""User accounts and the office positions they hold."""

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from zhucun.accounts.roles import ADMIN_ROLES, OFFICE_ROLES, REGION_ROLES, Duty, Role
from zhucun.accounts.separation import separation_error


class User(AbstractUser):
    """One account per person; the display name is the person's Chinese name."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号"

    def __str__(self):
        return self.full_name or self.username


class Position(models.Model):
    """An office position: a role held at a region (city/county/town) or a unit."""

    user = models.ForeignKey(User, models.CASCADE, related_name="positions", verbose_name="账号")
    role = models.CharField(
        "角色", max_length=20, choices=[(r.value, r.label) for r in Role if r in OFFICE_ROLES]
    )
    duty = models.CharField("职务", max_length=12, choices=Duty.choices, default=Duty.STAFF)
    region = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name="所在区划",
    )
    unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name="所在单位",
    )
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        indexes = [models.Index(fields=["user", "active"])]
        constraints = [
            # 三员分立 at the database: at most one active administrator
            # position per account (the rest of the rule is in clean()).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=sorted(ADMIN_ROLES), active=True),
                name="one_admin_role_per_account",
                violation_error_message="三员分立:一个账号只能担任一种管理员岗位。",
            )
        ]

    def __str__(self):
        where = self.region or self.unit or ""
        return f"{Role(self.role).label} {where}".strip()

    def clean(self):
        role = Role(self.role)
        if role in REGION_ROLES:
            if self.region is None or self.region.level != REGION_ROLES[role]:
                raise ValidationError(
                    {"region": f"“{role.label}”岗位须指定一个{REGION_ROLES[role]}级区划。"}
                )
            if self.unit_id:
                raise ValidationError({"unit": "区划岗位不能同时指定单位。"})
        elif role == Role.UNIT:
            if self.unit_id is None:
                raise ValidationError({"unit": "参扶单位岗位须指定单位。"})
            if self.region_id:
                raise ValidationError({"region": "单位岗位不能同时指定区划。"})
        elif role in ADMIN_ROLES and (self.region_id or self.unit_id):
            raise ValidationError({"role": "管理员岗位不绑定区划或单位。"})
        if self.active and self.user_id is not None:
            others = (
                Position.objects.filter(user_id=self.user_id, active=True)
                .exclude(pk=self.pk)
                .values_list("role", flat=True)
            )
            from zhucun.org.models import Cadre

            is_cadre = Cadre.objects.filter(user_id=self.user_id).exists()
            problem = separation_error(role, other_roles=set(others), is_cadre=is_cadre)
            if problem:
                raise ValidationError({"role": problem})


class UserSession(AbstractBaseSession):
    """A login session that knows its user, so the server can end all of a user's sessions."""

    user = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="+", verbose_name="账号"
    )

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"

    @classmethod
    def get_session_store_class(cls):
        from zhucun.accounts.sessions import SessionStore

        return SessionStore

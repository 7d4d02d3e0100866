"""Password rules of 等保2.0 三级: three of four character classes, and a maximum age."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

_CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"\d")),
    ("特殊字符", re.compile(r"[^a-zA-Z\d]")),
)


class CharacterClassValidator:
    required = 3

    def validate(self, password, user=None):
        present = sum(1 for _, pattern in _CLASSES if pattern.search(password))
        if present < self.required:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。",
                code="password_character_classes",
            )

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。"


class NameValidator:
    """A password must not contain the account name or the person's name.

    Django's similarity validator compares whole strings, which misses a
    short Chinese name inside a longer password (张伟2026abc!).
    """

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        for label, value, shortest in (
            ("账号", getattr(user, "username", ""), 3),
            ("姓名", getattr(user, "full_name", ""), 2),
        ):
            if value and len(value) >= shortest and value.lower() in lowered:
                raise ValidationError(f"密码不能包含您的{label}。", code="password_contains_name")

    def get_help_text(self):
        return "密码不能包含您的账号或姓名。"


def password_must_change(user, now=None) -> str:
    """Why `user` must change their password before anything else, or "" if they need not.

    An account created or reset by an administrator has no
    `password_changed_at`: its first login must set a password only its owner
    knows. Otherwise the password expires after ZHUCUN_PASSWORD_MAX_AGE_DAYS.
    """
    if user.password_changed_at is None:
        return "首次登录须修改初始密码。"
    now = now or timezone.now()
    max_age = timedelta(days=settings.ZHUCUN_PASSWORD_MAX_AGE_DAYS)
    if now - user.password_changed_at >= max_age:
        return f"密码已使用超过{settings.ZHUCUN_PASSWORD_MAX_AGE_DAYS}天,请修改密码。"
    return ""

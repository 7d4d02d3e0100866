"""Password rule of 等保2.0 三级: at least three of four character classes."""

import re

from django.core.exceptions import ValidationError

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

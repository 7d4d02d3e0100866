"""How the 细则's comparison words are read (DESIGN.md §2, reading rules).

以上/以下/以内/不少于 include the number itself; 超过/不足 exclude it. Parameters
store the policy's own numbers (200, 15, 30, 3) and the rule code says which
word the article uses, so `超过15天` is written `over(days, 15)` and means ≥16.
"""


def at_least(count: int | float, number: int | float) -> bool:
    """以上 / 不少于 / 至少: the number itself counts (`3次以上` → ≥3)."""
    return count >= number


def within(count: int | float, number: int | float) -> bool:
    """以内 / 以下: the number itself counts (`3天以内` → ≤3)."""
    return count <= number


def over(count: int | float, number: int | float) -> bool:
    """超过: the number itself does not count (`超过15天` → ≥16)."""
    return count > number


def under(count: int | float, number: int | float) -> bool:
    """不足 / 少于: the number itself does not count (`不足200天` → ≤199)."""
    return count < number

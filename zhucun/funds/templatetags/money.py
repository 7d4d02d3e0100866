from django import template

from zhucun.funds.money import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen):
    """Integer fen shown as yuan with two decimals."""
    if fen is None or fen == "":
        return ""
    return fen_to_yuan(int(fen))

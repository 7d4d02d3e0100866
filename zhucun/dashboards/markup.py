"""`{{ value }}` written in Python for the boards' and registers' many numbers.

A city board draws ~1,500 numbers and a county register ~5,000 cells at S=1:
through the template engine each is a variable lookup plus number localisation,
which was most of those pages' time (docs/benchmarks-history.md). `text` gives the same
characters: plain ints and floats are what localisation makes of them while the
thousand separator is off and the decimal separator is "." (zh-Hans); anything
else goes the template's way.
"""

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, escape
from django.utils.timezone import template_localtime


def text(value) -> str:
    kind = type(value)
    if kind is str:
        return escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if kind is float and not settings.USE_THOUSAND_SEPARATOR:
        written = repr(value)
        if "e" not in written and "n" not in written and get_format("DECIMAL_SEPARATOR") == ".":
            return written
    return conditional_escape(localize(template_localtime(value)))

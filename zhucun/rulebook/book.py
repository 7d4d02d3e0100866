"""The policy engine's parameter book for a county, with its overrides from the database."""

from zhucun.policy.parameters import Override, ParameterBook
from zhucun.rulebook.models import ParameterOverride


def book_for(county=None) -> ParameterBook:
    """The city rules, with `county`'s own overrides (第三十八条) when a county is given."""
    if county is None:
        return ParameterBook()
    overrides = [
        Override(key=o.key, value=o.value, effective_from=o.effective_from, county=county.code)
        for o in ParameterOverride.objects.filter(county=county).order_by("effective_from", "pk")
    ]
    return ParameterBook(county=county.code, overrides=overrides)

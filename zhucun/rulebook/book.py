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


def books_for(counties) -> dict[int, ParameterBook]:
    """county id → its book, as `book_for` gives it, for many counties in one query."""
    counties = list(counties)
    found: dict[int, list[Override]] = {c.pk: [] for c in counties}
    codes = {c.pk: c.code for c in counties}
    for o in ParameterOverride.objects.filter(county__in=counties).order_by("effective_from", "pk"):
        found[o.county_id].append(
            Override(
                key=o.key, value=o.value, effective_from=o.effective_from, county=codes[o.county_id]
            )
        )
    return {pk: ParameterBook(county=codes[pk], overrides=found[pk]) for pk in found}

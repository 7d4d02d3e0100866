"""A team's yearly fund (第二十四条): the rule is zhucun.policy.funds; sources keyed by Source.

Source values are the policy's source names ("province", "city", "county"),
so the policy's dicts are read with Source keys as they are.
"""

from zhucun.funds.models import SHARED_SOURCES, Source
from zhucun.policy.funds import ARTICLE, SOURCES, Entitlement, fund_entitlement, split_fen

__all__ = ["ARTICLE", "Entitlement", "entitlement_for", "split_fen"]

# The ledger's shared sources are the policy's, in the same order (tests/policy/test_policy_funds.py).
SAME_ORDER = tuple(SHARED_SOURCES) == tuple(Source(s) for s in SOURCES)


def entitlement_for(year: int, params_book) -> Entitlement:
    """The fund of `year` by the rules in force on 1 January of that year (versioned, per county)."""
    found = fund_entitlement(year, params_book)
    return Entitlement(
        found.year,
        found.total_fen,
        {Source(s): n for s, n in found.shares.items()},
        {Source(s): n for s, n in found.parts_fen.items()},
    )

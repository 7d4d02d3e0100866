"""A team's yearly work fund and its 5:3:2 split (第二十四条), from the parameters in force.

The split is exact in fen: each source gets floor(total × share / sum of shares)
and the fen left over by rounding go, one each, to the sources with the largest
remainders (on ties, the one named first: province, city, county), so the parts
always add up to the total.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import date

from zhucun.policy.parameters import ParameterBook

ARTICLE = "第二十四条"
# The shared sources, in the order the article names them (and ties are broken).
SOURCES = ("province", "city", "county")


@dataclass(frozen=True)
class Entitlement:
    year: int
    total_fen: int
    shares: dict  # source → parts, e.g. {"province": 5, "city": 3, "county": 2}
    parts_fen: dict  # source → fen

    @property
    def explanation(self) -> str:
        ratio = ":".join(str(n) for n in self.shares.values())
        return f"每队每年{self.total_fen // 100}元,省、市、县按{ratio}分担({ARTICLE})"


def split_fen(total_fen: int, shares: Mapping[Hashable, int]) -> dict:
    """`total_fen` split by `shares` (source → parts); ties go to the source listed first."""
    parts = sum(shares.values())
    if parts <= 0:
        raise ValueError("分担份数之和须大于0")
    floors = {s: total_fen * n // parts for s, n in shares.items()}
    left = total_fen - sum(floors.values())
    position = {s: i for i, s in enumerate(shares)}
    order = sorted(shares, key=lambda s: (-(total_fen * shares[s] % parts), position[s]))
    for source in order[:left]:
        floors[source] += 1
    return floors


def fund_entitlement(year: int, book: ParameterBook) -> Entitlement:
    """The fund of `year` by the rules in force on 1 January of that year (versioned, per county)."""
    params = book.on(date(year, 1, 1))
    shares = {
        "province": params.fund_share_province,
        "city": params.fund_share_city,
        "county": params.fund_share_county,
    }
    total = params.fund_yuan_per_team_year * 100
    return Entitlement(year, total, shares, split_fen(total, shares))

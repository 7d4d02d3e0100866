"""A team's yearly fund and its 5:3:2 split (第二十四条), from the parameters in force.

The split is exact in fen: each source gets floor(total × share / sum of shares)
and the fen left over by rounding go, one each, to the sources with the largest
remainders (province first on ties), so the parts always add up to the total.
"""

from dataclasses import dataclass
from datetime import date

from zhucun.funds.models import SHARED_SOURCES, Source

ARTICLE = "第二十四条"


@dataclass(frozen=True)
class Entitlement:
    year: int
    total_fen: int
    shares: dict  # Source → parts, e.g. {province: 5, city: 3, county: 2}
    parts_fen: dict  # Source → fen

    @property
    def explanation(self) -> str:
        ratio = ":".join(str(self.shares[s]) for s in SHARED_SOURCES)
        return f"每队每年{self.total_fen // 100}元,省、市、县按{ratio}分担({ARTICLE})"


def split_fen(total_fen: int, shares: dict) -> dict:
    parts = sum(shares.values())
    if parts <= 0:
        raise ValueError("分担份数之和须大于0")
    floors = {s: total_fen * n // parts for s, n in shares.items()}
    left = total_fen - sum(floors.values())
    order = sorted(
        shares, key=lambda s: (-(total_fen * shares[s] % parts), SHARED_SOURCES.index(s))
    )
    for source in order[:left]:
        floors[source] += 1
    return floors


def entitlement_for(year: int, params_book) -> Entitlement:
    """The fund of `year` by the rules in force on 1 January of that year (versioned, per county)."""
    params = params_book.on(date(year, 1, 1))
    shares = {
        Source.PROVINCE: params.fund_share_province,
        Source.CITY: params.fund_share_city,
        Source.COUNTY: params.fund_share_county,
    }
    total = params.fund_yuan_per_team_year * 100
    return Entitlement(year, total, shares, split_fen(total, shares))

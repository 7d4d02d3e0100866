"""The fund's extra people and money on top of the cast: the town mayor and a funded ledger."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from zhucun.funds.models import Source
from zhucun.funds.services import allocation_record

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def mayor(cast):
    """max — mayor (镇长) of cast.town: the one who countersigns (第二十五条)."""
    if "max" not in cast.users:
        cast.users["max"] = f.office_user("max", "town", region=cast.town, duty="mayor")
    return cast.users["max"]


def receipt(content=PDF, name="发票.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def fund(cast, amount_fen=500000, *, year=2026, source=Source.PROVINCE, team=None):
    return allocation_record(
        user=cast.users["dora"],
        team=team or cast.team,
        year=year,
        source=source,
        amount_fen=amount_fen,
        disbursed_on=date(year, 1, 10),
        today=date(year, 12, 31),
    )


def funded_teams(cast, n, *, year=2026):
    """n more teams in the cast's town, each with a funded ledger (for query counts at two sizes)."""
    for i in range(n):
        village = f.poor_village(cast.town, 300 + i, f"增村{i}")
        team = f.TeamFactory(village=village, lead_unit=cast.unit)
        fund(cast, 10_000 + i, team=team, year=year)

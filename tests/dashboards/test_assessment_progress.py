"""Assessment progress on the city, county and town dashboards (第三十、三十二条)."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.assessment import builders as ab
from zhucun.assessment import services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import FinalResult
from zhucun.dashboards.figures import board
from zhucun.dashboards.models import BoardSnapshot
from zhucun.dashboards.records import ASSESSMENT_FIGURES, FIGURES
from zhucun.exports.xlsx import HEADER_ROW

MONTH = "2026-01"  # the board of January 2026 shows the assessment of 2025
FIRST = date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: ab.TODAY)


def _url(region, suffix=""):
    return reverse("dashboards:region", args=[region.pk]) + suffix


def _queries(client, url) -> int:
    """The queries of the board computed (no snapshot: the assessment progress runs)."""
    BoardSnapshot.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _half_scored_county(cast):
    """alice, bob and three more stationed all 2025 and scored; one more without the opinion."""
    ab.whole_team(cast)
    ab.extra_members(cast, 3)
    unscored = f.CadreFactory(name="未评分", unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=unscored, role="member", start=date(2024, 1, 1))
    ab.attend(unscored)
    ab.score(cast, unscored, opinion=False)
    # And a cadre who came in November: not assessed (不满半年)
    late = f.CadreFactory(name="新来", unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=late, role="member", start=date(2025, 11, 1))
    return unscored, late


def _finalise(cast):
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=ab.YEAR, today=ab.TODAY
    )


def test_the_county_figures_are_the_assessment_page_s_own_numbers(cast):
    # Given a county year with six cadres to assess, one of them without the team's opinion
    unscored, late = _half_scored_county(cast)
    cohort = county_cohort(cast.county, ab.YEAR, today=ab.TODAY)
    # When the county's dashboard is computed
    b = board(cast.users["dora"], region=cast.county, first=FIRST, today=ab.TODAY)
    # Then it counts what the assessment page counts: 考核对象, complete records, the quota
    assert b.assessment_year == ab.YEAR
    assert b.total.to_assess == {m.cadre.pk for m in cohort.assessed}
    assert len(b.total.to_assess) == 6 and late.pk not in b.total.to_assess
    assert b.total.scored == {m.cadre.pk for m in cohort.assessed if not m.missing}
    assert unscored.pk not in b.total.scored
    assert b.total.excellent_quota == cohort.quota == 1
    assert b.total.finalised == set() and b.total.excellent == set()


def test_once_finalised_the_figures_are_read_from_the_archive(cast):
    # Given a county year, complete once the team signs the last opinion, that the county finalised
    unscored, _late = _half_scored_county(cast)
    services.team_opinion_sign(
        actor=cast.users["alice"],
        cadre=unscored,
        year=ab.YEAR,
        text="该同志全年驻村,工作认真,群众认可。",
    )
    _finalise(cast)
    # When the city looks at its dashboard
    b = board(cast.users["gus"], region=cast.city, first=FIRST, today=ab.TODAY)
    # Then 周至's row holds the archived results: all finalised, the 优秀 within the quota
    row = next(r for r in b.rows if r.key == cast.county.pk)
    archived = FinalResult.objects.filter(year=ab.YEAR, eligible=True)
    assert row.finalised == row.to_assess == set(archived.values_list("cadre_id", flat=True))
    excellent = set(archived.filter(grade="优秀").values_list("cadre_id", flat=True))
    assert row.excellent == excellent and len(excellent) <= row.excellent_quota == 1
    # And the outsider county (蓝田), with nothing recorded, sits beside it with its own figures
    other = next(r for r in b.rows if r.key == cast.other_county.pk)
    assert not (other.to_assess & row.to_assess) and other.finalised == set()


@pytest.mark.parametrize("figure", ASSESSMENT_FIGURES)
def test_each_assessment_figure_lists_and_exports_its_own_records(cast, client, figure):
    # Given a finalised county year (so that every figure has records)
    ab.whole_team(cast)
    ab.extra_members(cast, 3)
    _finalise(cast)
    client.force_login(cast.users["dora"])
    b = client.get(_url(cast.county, f"?month={MONTH}")).context["b"]
    count = len(getattr(b.total, figure))
    assert count >= 1
    # When the list behind the figure is opened and exported
    url = _url(cast.county, f"records/{figure}/?month={MONTH}")
    page = client.get(url)
    export = client.get(url + "&format=xlsx")
    # Then both hold exactly the figure's records, each linking to the cadre's assessment
    assert len(page.context["rows"]) == count
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row - HEADER_ROW == count
    assert FIGURES[figure] in sheet["A1"].value and "2025年度" in sheet["A1"].value
    assert {link for _cells, link in page.context["rows"]} == {
        reverse("assessment:explain", args=[ab.YEAR, pk]) for pk in getattr(b.total, figure)
    }


def test_the_dashboard_shows_the_progress_and_links_every_figure(cast, client):
    _half_scored_county(cast)
    client.force_login(cast.users["dora"])
    body = client.get(_url(cast.county, f"?month={MONTH}")).content.decode()
    assert "2025年度考核进度" in body
    for figure in ASSESSMENT_FIGURES:
        assert f"records/{figure}/?month={MONTH}" in body
    assert 'id="assess-to"' in body and ">6</a>" in body


@pytest.mark.parametrize(
    ("username", "place"), [("gus", "city"), ("dora", "county"), ("ed", "town")]
)
def test_assessment_progress_takes_the_same_queries_at_two_sizes(cast, client, username, place):
    # Given a county year being scored
    ab.whole_team(cast)
    client.force_login(cast.users[username])
    url = _url(getattr(cast, place), f"?month={MONTH}")
    client.get(url)  # warm per-process caches
    small = _queries(client, url)
    # When more cadres are assessed and scored
    ab.extra_members(cast, 4)
    # Then the dashboard takes the same number of queries
    assert _queries(client, url) == small
    # And so it does once the year is finalised, with more cadres still
    _finalise(cast)
    client.get(url)
    finalised = _queries(client, url)
    for _ in range(3):  # stationed in 2025 but not in the archive
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member", start=date(2024, 1, 1))
    assert _queries(client, url) == finalised

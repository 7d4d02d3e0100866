"""Excel roster import (第十三条, DESIGN.md §6): all rows or none, every bad cell named."""

import time
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.households.roster_files import HEADERS, roster_row, roster_upload
from zhucun.audit.models import AuditEvent
from zhucun.errors import ServiceError
from zhucun.households import services
from zhucun.households.models import Household


def test_a_clean_roster_registers_every_household(cast):
    # Given a roster of three households in the county's village
    rows = [roster_row(f"61012410020190{i:02d}", cast.village.code) for i in range(3)]
    rows[1][6], rows[1][7] = "已脱贫", 2019  # status, exit year
    # When the county officer imports it
    count = services.roster_import(actor=cast.users["dora"], upload=roster_upload(rows))
    # Then all three are registered with their code-list values
    assert count == 3
    exited = Household.objects.get(code="6101241002019001")
    assert (exited.status, exited.exit_year, exited.village) == ("exited", 2019, cast.village)
    assert exited.other_causes == ["07", "09"] and exited.water_safe is False
    assert AuditEvent.objects.filter(event="household.import").count() == 1


def test_one_bad_cell_among_thousands_saves_nothing_and_names_the_cell(cast):
    # Given 3,000 good rows and one income that is not a number, in row 2,502
    rows = [roster_row(f"6101241002{i:06d}", cast.village.code) for i in range(3000)]
    rows[2500][9] = "五千"
    before = Household.objects.count()
    # When the county officer imports it
    started = time.perf_counter()
    with pytest.raises(services.RosterRejected) as refused:
        services.roster_import(actor=cast.users["dora"], upload=roster_upload(rows))
    elapsed = time.perf_counter() - started
    # Then nothing is saved and the one bad cell is named by row, column and rule
    assert Household.objects.count() == before
    [error] = refused.value.cell_errors
    assert (error.row, error.column, error.header) == (2502, "J", "人均纯收入(元)")
    assert "不是整数" in error.rule
    print(f"checked 3,000 rows in {elapsed:.2f}s ({3000 / elapsed:,.0f} rows/s)")


def test_every_kind_of_bad_cell_is_listed_with_its_rule(cast):
    # Given a roster breaking the code lists, the numbers, the cross-field rule,
    # the scope, and the uniqueness in the file and in the database
    rows = [
        roster_row("A1", cast.village.code, attribute="特困户"),
        roster_row("A2", cast.village.code, main_cause="12", members=0),
        roster_row("A3", cast.village.code, status="已脱贫"),
        roster_row("A4", cast.other_village.code),
        roster_row("A5", "610124999999"),
        roster_row("A1", cast.village.code),
        roster_row(cast.household.code, cast.village.code),
        roster_row("A8", cast.village.code, head_name=None, farmland_mu=1.234),
    ]
    # When the town party secretary imports it
    with pytest.raises(services.RosterRejected) as refused:
        services.roster_import(actor=cast.users["ed"], upload=roster_upload(rows))
    # Then each bad cell is named, in row order
    found = {(e.row, e.column): e.rule for e in refused.value.cell_errors}
    assert "不在代码表中" in found[(2, "D")]
    assert "不在代码表中" in found[(3, "E")] and "1到30" in found[(3, "I")]
    assert found[(4, "H")] == "已脱贫户必须填写脱贫年份"
    assert found[(5, "B")] == "该村不在您的管辖范围内"
    assert found[(6, "B")] == "系统中没有这个村的区划代码"
    assert found[(7, "A")] == "与第2行户编号重复"
    assert found[(8, "A")] == "该户编号已登记,不能重复导入"
    assert found[(9, "C")] == "必填,不能为空" and "两位小数" in found[(9, "K")]
    assert len(found) == 10
    assert not Household.objects.filter(code__startswith="A").exists()


def test_a_file_that_is_not_a_roster_is_refused_with_the_reason(cast):
    with pytest.raises(ServiceError) as not_xlsx:
        services.roster_import(
            actor=cast.users["dora"],
            upload=roster_upload([], name="x.xlsx").__class__("x.xlsx", b"not a spreadsheet"),
        )
    assert "不是有效的Excel" in not_xlsx.value.message
    with pytest.raises(ServiceError) as missing:
        services.roster_import(
            actor=cast.users["dora"], upload=roster_upload([["x"]], headers=HEADERS[:3])
        )
    assert "缺少列" in missing.value.message and "贫困户属性" in missing.value.message


def test_the_import_page_lists_the_bad_cells_and_the_template_downloads(cast, client):
    client.force_login(cast.users["dora"])
    template = client.get(reverse("households:roster_template"))
    assert template.status_code == 200
    sheet = load_workbook(BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    rows = [roster_row("B1", cast.village.code, status="脱贫")]
    page = client.post(reverse("households:roster_import"), {"file": roster_upload(rows)})
    text = page.content.decode()
    assert page.status_code == 200
    assert "第2行" in text and "G列 脱贫状态" in text and "不在代码表中" in text
    assert not Household.objects.filter(code="B1").exists()


@pytest.mark.parametrize(
    "username, status",
    [("dora", 200), ("ed", 200), ("gus", 200), ("alice", 403), ("carol", 403), ("fay", 403)],
)
def test_only_the_offices_may_import_rosters(cast, client, username, status):
    client.force_login(cast.users[username])
    assert client.get(reverse("households:roster_import")).status_code == status

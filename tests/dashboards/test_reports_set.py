"""The reports set: the assessment registration form, the fund statement and the allowance sheet
under one title/unit/date convention, the reports index, and the team board's reports due."""

from datetime import date, datetime, time
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from tests.assessment import builders as ab
from zhucun.assessment import services as assessment
from zhucun.assessment.selectors import cadre_year
from zhucun.audit.models import AuditEvent
from zhucun.exports.xlsx import HEADER_ROW
from zhucun.reports import services as reports
from zhucun.reports.periods import ReportKind, period_of
from zhucun.reports.selectors import report_rows


def _sheet(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(BytesIO(response.content)).active


def _form_url(cadre, year=ab.YEAR, xlsx=False):
    url = reverse("dashboards:assessment_form", args=[year, cadre.pk])
    return url + ("?format=xlsx" if xlsx else "")


def _assert_convention(sheet, title_part):
    """Chinese title, exporting unit and time, frozen header, sized columns (exports/xlsx.py)."""
    assert title_part in sheet["A1"].value
    assert "导出单位" in sheet["A2"].value and "导出时间" in sheet["A2"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.column_dimensions["A"].width > 4


class TestAssessmentForm:
    @pytest.fixture(autouse=True)
    def _today(self, monkeypatch):
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: ab.TODAY)

    def test_the_form_shows_the_selector_s_grade_and_total_and_exports_the_same_rows(
        self, cast, client
    ):
        # Given a scored year of alice and bob
        ab.whole_team(cast)
        client.force_login(cast.users["dora"])
        # When the county opens bob's registration form and exports it
        page = client.get(_form_url(cast.member))
        sheet = _sheet(client.get(_form_url(cast.member, xlsx=True)))
        # Then the form carries what the assessment selector gives, not a recomputation
        data = cadre_year(cast.users["dora"], cast.member.pk, ab.YEAR, today=ab.TODAY).data
        rows = page.context["form"].rows
        values = dict((label, value) for _section, label, value in rows)
        assert values["考核等次"] == data["grade_decided"]
        assert values["年度考核得分"] == data["components"]["annual"]
        assert str(data["components"]["total"]) in values["总分"]
        assert values["姓名"] == cast.member.name
        body = page.content.decode()
        assert "2025年度驻村干部考核登记表(鲍勃)" in body and "制表单位" in body
        assert "第三十五条(四)" in body and "data-print" in body
        # And the export holds the same rows under the same Chinese title
        _assert_convention(sheet, "2025年度驻村干部考核登记表(鲍勃)")
        exported = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
        assert len(exported) == len(rows)
        assert [r[1] for r in exported] == [r[1] for r in rows]
        assert AuditEvent.objects.filter(event="export.personal").exists()

    def test_a_finalised_year_reads_the_archive(self, cast, client):
        ab.whole_team(cast)
        assessment.assessment_finalise(
            actor=cast.users["dora"], county=cast.county, year=ab.YEAR, today=ab.TODAY
        )
        client.force_login(cast.users["alice"])
        page = client.get(_form_url(cast.member))
        values = {label: value for _s, label, value in page.context["form"].rows}
        assert values["状态"] == "已定档归档"
        assert page.context["found"].final is not None

    @pytest.mark.parametrize(
        ("username", "whose", "status"),
        [
            ("bob", "member", 200),  # their own
            ("bob", "leader", 404),  # a team mate's: members read only their own
            ("alice", "member", 200),  # the team leader
            ("ed", "member", 200),  # the town
            ("fay", "member", 200),  # the dispatching unit
            ("oscar", "member", 404),  # another county
            ("olga", "member", 404),  # another county's leader
        ],
    )
    def test_the_form_opens_only_within_the_user_s_scope(
        self, cast, client, username, whose, status
    ):
        ab.whole_team(cast)
        client.force_login(cast.users[username])
        cadre = getattr(cast, whose)
        assert client.get(_form_url(cadre)).status_code == status
        assert client.get(_form_url(cadre, xlsx=True)).status_code == status

    def test_the_form_takes_the_same_queries_at_two_county_sizes(self, cast, client):
        ab.whole_team(cast)
        client.force_login(cast.users["dora"])
        url = _form_url(cast.member)
        client.get(url)

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        small = count()
        ab.extra_members(cast, 4)
        assert count() == small


def test_the_fund_statement_and_the_allowance_sheet_export_under_the_shared_convention(
    cast, client
):
    from tests.test_allowances import _rates

    _rates(cast)
    client.force_login(cast.users["dora"])
    statement = client.get(reverse("funds:statement", args=[cast.team.pk, 2025]))
    assert "制表单位" in statement.content.decode() and "data-print" in statement.content.decode()
    _assert_convention(
        _sheet(client.get(reverse("funds:statement_xlsx", args=[cast.team.pk, 2025]))),
        "2025年度工作经费收支表",
    )
    client.force_login(cast.users["fay"])
    page = client.get(reverse("allowances:sheet", args=[cast.unit.pk, 2025, 9]))
    body = page.content.decode()
    assert "制表单位" in body and "data-print" in body and "2025年9月驻村干部补助表" in body
    _assert_convention(
        _sheet(client.get(reverse("allowances:sheet_xlsx", args=[cast.unit.pk, 2025, 9]))),
        f"{cast.unit.name}2025年9月驻村干部补助表",
    )
    # The statement is an ordinary export; names with their pay are personal data.
    assert AuditEvent.objects.filter(event="export").count() == 1
    assert AuditEvent.objects.filter(event="export.personal").count() == 1


@pytest.mark.parametrize(
    ("username", "expected", "absent"),
    [
        ("dora", ["驻村工作队花名册", "工作经费收支表", "驻村干部考核登记表"], ["补助表"]),
        ("ed", ["联户帮扶情况登记簿", "工作经费收支表"], ["补助表", "驻村干部考核登记表"]),
        ("fay", ["驻村干部补助表", "工作经费收支表"], ["驻村工作队花名册"]),
        ("alice", ["年度工作经费收支表", "工作队报告", "本人考核登记表"], ["补助表"]),
    ],
)
def test_the_reports_index_lists_what_each_role_may_print(cast, client, username, expected, absent):
    client.force_login(cast.users[username])
    body = client.get(reverse("dashboards:reports")).content.decode()
    for text in expected:
        assert text in body, text
    for text in absent:
        assert text not in body, text


def test_members_and_household_cadres_have_no_reports_index(cast, client):
    for username in ("bob", "carol"):
        client.force_login(cast.users[username])
        assert client.get(reverse("dashboards:reports")).status_code == 403


class TestReportsDue:
    TODAY = date(2025, 10, 8)

    @pytest.fixture(autouse=True)
    def _today(self, monkeypatch):
        # Today is fixed; the local date of a given time (a submission) is still computed.
        real = timezone.localdate
        monkeypatch.setattr(
            "django.utils.timezone.localdate", lambda *a, **k: real(*a, **k) if a else self.TODAY
        )

    def _submit(self, cast, kind, day):
        period = period_of(kind, day)
        reports.report_submit(
            actor=cast.users["alice"],
            team=cast.team,
            period=period,
            work_done="按计划入户走访。",
            problems="",
            next_plan="",
            now=timezone.make_aware(datetime.combine(period.due, time(9))),
        )

    def test_the_team_board_lists_the_reports_still_owed_with_due_dates_and_status(
        self, cast, client
    ):
        # Given a team that submitted September's report and one week's summary
        self._submit(cast, ReportKind.MONTHLY, date(2025, 9, 1))
        self._submit(cast, ReportKind.WEEKLY, date(2025, 9, 22))
        client.force_login(cast.users["alice"])
        # When the leader opens the team board
        response = client.get(reverse("dashboards:team", args=[cast.team.pk]))
        # Then every report not submitted is listed with its deadline and status
        rows = report_rows([cast.team], date(2024, 1, 1), self.TODAY, today=self.TODAY)
        owed = [r for r in rows[cast.team.pk] if r.report is None]
        assert [r.period for r in response.context["owed"]] == sorted(
            (r.period for r in owed), key=lambda p: p.due, reverse=True
        )
        assert response.context["overdue"] == sum(r.status == "late" for r in owed)
        body = response.content.decode()
        assert f'id="owed-count">{len(owed)}<' in body
        week = period_of(ReportKind.WEEKLY, date(2025, 10, 1))  # due Monday 10-06: overdue
        assert week.label in body and "2025年10月6日" in body and "逾期未交" in body
        # And the submitted ones appear as submitted, the latest period first
        assert [r.period.kind for r in response.context["submitted"]][:2] == [
            ReportKind.MONTHLY,  # September, ending 09-30
            ReportKind.WEEKLY,  # week 39, ending 09-28
        ]
        assert "已按时提交" in body

    def test_the_team_board_takes_the_same_queries_with_more_reports(self, cast, client):
        client.force_login(cast.users["alice"])
        url = reverse("dashboards:team", args=[cast.team.pk])
        client.get(url)

        def count():
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        small = count()
        for day in (date(2025, 8, 4), date(2025, 8, 11), date(2025, 8, 18)):
            self._submit(cast, ReportKind.WEEKLY, day)
        self._submit(cast, ReportKind.MONTHLY, date(2025, 8, 1))
        f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit))
        assert count() == small

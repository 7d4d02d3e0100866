"""Household record pages (第十三条): list with filters, detail, edit through the service, export."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.export_jobs import exported_workbook
from zhucun.audit.models import AuditEvent
from zhucun.households import services
from zhucun.households.models import Household


def test_an_edit_with_bad_values_saves_nothing_and_names_each_field(cast):
    # Given carol's paired household
    household = cast.household
    # When she saves 0 members, an exit year for a household still poor, and a text income
    data = {
        "head_name": "贺家",
        "attribute": "general",
        "main_cause": "01",
        "other_causes": "",
        "status": "poor",
        "exit_year": "2019",
        "members": "0",
        "income_per_head": "很多",
        "farmland_mu": "2",
        "housing_safe": "是",
        "schooling_ok": "是",
        "medical_insured": "是",
        "water_safe": "是",
        "causes_analysis": "因病",
        "help_plan": "医疗救助",
    }
    with pytest.raises(services.FieldErrors) as refused:
        services.household_update(actor=cast.users["carol"], household=household, data=data)
    # Then each bad field is named with its rule, and nothing changed
    assert refused.value.errors == {
        "exit_year": "未脱贫户不应填写脱贫年份",
        "members": "应在1到30之间,收到0",
        "income_per_head": "“很多”不是整数",
    }
    assert "家庭人口" in refused.value.message
    household.refresh_from_db()
    assert household.members == 3 and household.causes_analysis == ""


def test_the_edit_page_saves_the_causes_and_the_plan_and_audits_the_change(cast, client):
    # Given carol on her household's edit page
    client.force_login(cast.users["carol"])
    url = reverse("households:household_edit", args=[cast.household.pk])
    form = client.get(url)
    assert form.status_code == 200
    # When she records the analysis and the plan
    values = {
        "head_name": "贺家",
        "attribute": "dibao",
        "main_cause": "02",
        "other_causes": "07",
        "status": "poor",
        "exit_year": "",
        "members": "5",
        "income_per_head": "4300",
        "farmland_mu": "2.5",
        "housing_safe": "否",
        "schooling_ok": "是",
        "medical_insured": "是",
        "water_safe": "是",
        "causes_analysis": "户主残疾,缺技术",
        "help_plan": "申请残疾补贴;技能培训",
    }
    response = client.post(url, values)
    # Then it is saved, and the audit log names the changed fields
    assert response.status_code == 302
    household = Household.objects.get(pk=cast.household.pk)
    assert household.help_plan == "申请残疾补贴;技能培训" and household.housing_safe is False
    event = AuditEvent.objects.get(event="household.update")
    assert "help_plan" in event.detail["changed"]
    # And a bad value comes back on the page with the field named
    values["members"] = "abc"
    page = client.post(url, values).content.decode()
    assert "家庭人口:“abc”不是整数" in page


def test_the_list_filters_by_village_status_and_cause(cast, client):
    # Codes no page text or random token could contain by chance
    f.HouseholdFactory(village=cast.village, code="户码甲", status="exited", exit_year=2019)
    f.HouseholdFactory(village=cast.uncovered_village, code="户码乙", main_cause="07")
    client.force_login(cast.users["dora"])
    url = reverse("households:household_list")
    assert "户码甲" in client.get(url, {"status": "exited"}).content.decode()
    page = client.get(url, {"status": "poor"}).content.decode()
    assert "户码甲" not in page and cast.household.code in page
    page = client.get(url, {"cause": "07"}).content.decode()
    assert "户码乙" in page and cast.household.code not in page
    page = client.get(url, {"village": cast.uncovered_village.pk}).content.decode()
    assert "户码乙" in page and "户码甲" not in page


@pytest.mark.parametrize("extra", [5, 120])
def test_the_list_page_runs_a_bounded_number_of_queries(
    cast, client, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        h = f.HouseholdFactory(village=cast.village)
        f.PairingFactory(household=h, cadre=cast.household_cadre)
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(15):
        assert client.get(reverse("households:household_list")).status_code == 200


def test_the_export_escapes_text_that_would_run_as_a_formula(cast, client):
    # Given a head name typed as a formula
    f.HouseholdFactory(village=cast.village, code="EVIL1", head_name='=HYPERLINK("x")')
    client.force_login(cast.users["ed"])
    # When the town exports its list (a background job, downloaded when done)
    book = exported_workbook(client, reverse("households:household_export"), {"q": "EVIL"})
    # Then the cell is text with a leading apostrophe, not a formula
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))  # title, who/when, header
    assert rows[0][0] == "EVIL1" and rows[0][1] == '\'=HYPERLINK("x")'
    assert sheet.cell(4, 2).data_type == "s"
    assert len(rows) == 1  # only the town's filtered rows
    # And the export is audited as one of personal data
    assert AuditEvent.objects.filter(event="export.personal").count() == 1


# user -> pages they may open for cast.household (others answer 404 or 403)
@pytest.mark.parametrize(
    "username, own, other",
    [
        ("dora", 200, 404),
        ("ed", 200, 404),
        ("alice", 200, 404),
        ("carol", 200, 404),
        ("gus", 200, 200),
        ("oscar", 404, 200),
        ("olga", 404, 200),
    ],
)
def test_edit_pages_open_for_the_own_scope_and_answer_404_elsewhere(
    cast, client, username, own, other
):
    client.force_login(cast.users[username])
    assert (
        client.get(reverse("households:household_edit", args=[cast.household.pk])).status_code
        == own
    )
    assert (
        client.get(reverse("households:household_edit", args=[cast.other_household.pk])).status_code
        == other
    )


def test_the_export_holds_only_the_users_scope(cast, client):
    client.force_login(cast.users["oscar"])
    book = exported_workbook(client, reverse("households:household_export"))
    codes = [r[0] for r in book.worksheets[0].iter_rows(min_row=4, values_only=True)]
    assert codes == [cast.other_household.code]

"""Personal information (PIPL; GB/T 35273): ID numbers and phones masked everywhere by
default, shown in full only to the offices that need them, each showing audited."""

import re
from io import BytesIO

import pytest
from django.urls import reverse

from tests import factories as f
from tests.export_jobs import exported_workbook
from tests.security.apiwalk import XLSX, bearer, body_of
from tests.security.login_steps import VerifiedClient
from tests.security.test_api_permission_matrix import READS, calls_for
from tests.security.test_permission_matrix import CAST, PAGES, urls_for
from tests.security.urlwalk import Skip, filler
from zhucun.audit.models import AuditEvent
from zhucun.org.models import Cadre

ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def full_numbers_in(text: str) -> set[str]:
    """The real ID numbers and mobiles of the cast's cadres that appear in `text`."""
    real = set(Cadre.objects.values_list("id_number", flat=True)) | set(
        Cadre.objects.values_list("phone", flat=True)
    )
    return {m for m in ID_NUMBER.findall(text) + MOBILE.findall(text) if m in real}


def test_the_patterns_would_find_a_full_number_if_one_were_shown(cast):
    assert full_numbers_in(f"<td>{cast.leader.id_number}</td><td>{cast.leader.phone}</td>") == {
        cast.leader.id_number,
        cast.leader.phone,
    }
    assert full_numbers_in(f"{cast.leader.id_number_masked} {cast.leader.phone_masked}") == set()


def test_the_sweep_reads_the_cells_of_a_spreadsheet_answer(cast):
    # Given an .xlsx answer (compressed: its bytes never show a number as text)
    from django.http import HttpResponse
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["艾青", cast.leader.id_number])
    raw = BytesIO()
    book.save(raw)
    response = HttpResponse(raw.getvalue(), content_type=XLSX)
    assert cast.leader.id_number.encode() not in response.content
    # Then the sweep reads its cells and would find the full number
    assert full_numbers_in(body_of(response)) == {cast.leader.id_number}


@pytest.mark.parametrize("username", CAST)
def test_no_page_shows_a_full_id_number_or_phone_by_default(matrix_cast, username):
    cast = matrix_cast
    # Given any member of the cast, logged in
    user = cast.users[username]
    client = VerifiedClient()
    client.force_login(user)
    # When they open every page, with a record of their own scope and one outside it
    for name, page in PAGES.items():
        fill = filler(page)
        if fill is None or isinstance(fill, Skip) or name == "logout":
            continue
        for label, url in urls_for(page, fill, user):
            response = client.get(url)  # GET only: the "show" action is a POST
            body = body_of(response)
            # Then no full ID number or phone is in it, nor in the page's own Excel export
            assert full_numbers_in(body) == set(), f"{username} → {name} ({label})"
            if response.status_code == 200 and "format=xlsx" in body:
                exported = body_of(client.get(url, {"format": "xlsx"}))
                assert full_numbers_in(exported) == set(), f"{username} → {name} xlsx ({label})"


@pytest.mark.parametrize("username", CAST)
def test_no_api_response_carries_a_full_id_number_or_phone(matrix_cast, username):
    # Given any member of the cast, calling the API with their own token
    user = matrix_cast.users[username]
    client = bearer(user)
    # When they call every read, with a record of their own scope and one outside it
    for name, operation in READS.items():
        for label, url in calls_for(operation, user):
            response = client.get(url)
            # Then no full ID number or phone is in the answer
            assert full_numbers_in(body_of(response)) == set(), f"{username} → {name} ({label})"


def test_the_api_sweep_reads_records_that_carry_the_numbers(matrix_cast):
    # Given the county office, whose reads include the cadres and households of its county
    client = bearer(matrix_cast.users["dora"])
    body = body_of(client.get(f"/api/v1/cadres/{matrix_cast.leader.pk}"))
    # Then the sweep above looks at answers where a number would show: here masked
    assert matrix_cast.leader.phone_masked in body or matrix_cast.leader.id_number_masked in body


def test_the_back_office_shows_the_numbers_masked(cast, client):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    for url in (
        reverse("admin:org_cadre_changelist"),
        reverse("admin:org_cadre_change", args=[cast.leader.pk]),
    ):
        body = client.get(url).content.decode()
        assert cast.leader.id_number_masked in body
        assert full_numbers_in(body) == set(), url


def test_the_cadre_export_is_masked_and_logged_with_who_filter_and_row_count(cast, client):
    client.force_login(cast.users["fay"])
    sheet = exported_workbook(client, reverse("org:cadre_export"), {"q": "艾"}).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert full_numbers_in(cells) == set()
    assert cast.leader.id_number_masked in cells
    assert "导出人" in sheet["A2"].value and "fay" in sheet["A2"].value
    event = AuditEvent.objects.get(event="export.personal")
    assert event.actor == cast.users["fay"]
    assert event.detail == {"title": "干部名册", "filters": {"q": "艾"}, "rows": 1}


@pytest.mark.parametrize("username", ["fay", "dora"])
def test_unit_hr_and_the_county_office_may_show_the_full_numbers_each_time_audited(
    cast, client, username
):
    client.force_login(cast.users[username])
    detail = client.get(reverse("org:cadre_detail", args=[cast.leader.pk])).content.decode()
    assert reverse("org:cadre_reveal", args=[cast.leader.pk]) in detail
    for _ in range(2):
        response = client.post(reverse("org:cadre_reveal", args=[cast.leader.pk]))
        body = response.content.decode()
        assert cast.leader.id_number in body and cast.leader.phone in body
        assert response["Cache-Control"] == "no-store"
    events = AuditEvent.objects.filter(event="pii.reveal", actor=cast.users[username])
    assert events.count() == 2
    assert {(e.object_type, e.object_id, e.outcome) for e in events} == {
        ("org.Cadre", str(cast.leader.pk), "ok")
    }


@pytest.mark.parametrize(
    "username, status", [("ed", 403), ("gus", 403), ("alice", 403), ("oscar", 404)]
)
def test_others_may_not_show_the_full_numbers(cast, client, username, status):
    client.force_login(cast.users[username])
    detail = client.get(reverse("org:cadre_detail", args=[cast.leader.pk])).content.decode()
    assert "显示完整身份证号" not in detail
    response = client.post(reverse("org:cadre_reveal", args=[cast.leader.pk]))
    assert response.status_code == status
    assert cast.leader.id_number not in response.content.decode()


def test_a_unit_officer_who_is_not_its_hr_is_refused_and_the_refusal_audited(cast, client):
    head = f.office_user("head", "unit", unit=cast.unit, duty="unit_head")
    client.force_login(head)
    response = client.post(reverse("org:cadre_reveal", args=[cast.leader.pk]))
    assert response.status_code == 403
    assert "组织人事" in response.content.decode()
    assert AuditEvent.objects.get(event="pii.reveal").outcome == "refused"

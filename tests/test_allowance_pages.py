"""Pages of 第二十七条 beyond the unit's sheet: medical costs, injuries, and the cadre's own allowances."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f
from tests.test_allowances import _rates, _september_of_bob
from zhucun.allowances.models import Injury, MedicalClaim
from zhucun.allowances.services import injury_record, medical_claim_record
from zhucun.allowances.sheet import monthly_sheet, own_year

CLAIM = {
    "incurred_on": "2025-09-03",
    "description": "入户途中扭伤就诊",
    "amount": "320.50",
    "reimbursed": "",
    "reimbursed_on": "",
}


def _claim(cast, cadre=None, **changes):
    values = {
        "user": cast.users["fay"],
        "cadre": cadre or cast.member,
        "incurred_on": date(2025, 9, 3),
        "description": "就诊",
        "amount_fen": 32050,
    } | changes
    return medical_claim_record(**values)


def test_the_unit_records_a_medical_claim_for_its_stationed_cadre_on_the_page(cast, login):
    # Given fay, HR of bob's dispatching unit
    client = login(cast.users["fay"])
    # When she records bob's medical costs
    data = {"cadre": cast.member.pk, **CLAIM} | {"reimbursed": "300", "reimbursed_on": "2025-09-20"}
    response = client.post(reverse("allowances:medical"), data)
    # Then the claim is kept, in fen, and listed for its year
    assert response.status_code == 302
    claim = MedicalClaim.objects.get()
    assert (claim.cadre, claim.amount_fen, claim.reimbursed_fen) == (cast.member, 32050, 30000)
    assert (claim.reimbursed_on, claim.recorded_by) == (date(2025, 9, 20), cast.users["fay"])
    body = client.get(reverse("allowances:medical") + "?year=2025").content.decode()
    assert "入户途中扭伤就诊" in body and "320.50" in body


def test_a_reimbursement_without_its_date_is_refused_naming_the_field_and_nothing_is_saved(
    cast, login
):
    client = login(cast.users["fay"])
    response = client.post(
        reverse("allowances:medical"), {"cadre": cast.member.pk, **CLAIM} | {"reimbursed": "300"}
    )
    assert response.status_code == 422
    assert "报销日期:已报销的请填写报销日期。" in response.content.decode()
    assert not MedicalClaim.objects.exists()


def test_a_reimbursement_above_the_costs_is_refused_naming_the_field(cast, login):
    client = login(cast.users["fay"])
    data = {"cadre": cast.member.pk, **CLAIM} | {"reimbursed": "400", "reimbursed_on": "2025-09-20"}
    response = client.post(reverse("allowances:medical"), data)
    assert response.status_code == 422
    assert "已报销(元):报销金额不能超过医疗费。" in response.content.decode()
    assert not MedicalClaim.objects.exists()


def test_costs_outside_the_cadres_stationing_are_refused_with_the_article(cast, login):
    # Given bob's posting starts on 2025-06-01
    client = login(cast.users["fay"])
    # When costs of May 2025 are entered
    data = {"cadre": cast.member.pk, **CLAIM} | {"incurred_on": "2025-05-20"}
    response = client.post(reverse("allowances:medical"), data)
    # Then they are refused: 第二十七条 covers 驻村期间 only
    body = response.content.decode()
    assert response.status_code == 422 and "不在鲍勃的驻村期间" in body and "第二十七条" in body
    assert not MedicalClaim.objects.exists()


def test_each_role_sees_medical_claims_only_within_its_scope(cast, login):
    # Given a claim of bob (unit 市农业农村局, stationed in 周至) and one of olga (蓝田)
    _claim(cast)
    stranger = f.office_user("uma", "unit", unit=cast.other_unit, duty="unit_hr")
    _claim(cast, cadre=cast.other_leader, user=stranger)
    url = reverse("allowances:medical") + "?year=2025"
    seen = {}
    for name in ("fay", "dora", "bob", "alice", "oscar"):
        body = login(cast.users[name]).get(url).content.decode()
        seen[name] = {who for who in ("鲍勃", "奥尔加") if f"<td>{who}</td>" in body}
    seen["uma"] = {
        who
        for who in ("鲍勃", "奥尔加")
        if f"<td>{who}</td>" in login(stranger).get(url).content.decode()
    }
    # Then the unit and the county see their cadres', each cadre their own, others nothing
    assert seen == {
        "fay": {"鲍勃"},
        "dora": {"鲍勃"},
        "bob": {"鲍勃"},
        "alice": set(),
        "oscar": {"奥尔加"},
        "uma": {"奥尔加"},
    }
    # and health data stays closed to the town, the city, the household cadre and admins
    for name in ("ed", "gus", "carol", "sam"):
        assert login(cast.users[name]).get(url).status_code == 403


def test_only_the_unit_enters_medical_claims_the_county_and_the_cadre_only_read(cast, login):
    for name in ("dora", "bob"):
        client = login(cast.users[name])
        assert "登记医疗费报销" not in client.get(reverse("allowances:medical")).content.decode()
        response = client.post(reverse("allowances:medical"), {"cadre": cast.member.pk, **CLAIM})
        assert response.status_code == 200 and not MedicalClaim.objects.exists()


def test_another_units_office_cannot_pick_a_cadre_not_its_own(cast, login):
    stranger = f.office_user("uma", "unit", unit=cast.other_unit, duty="unit_hr")
    response = login(stranger).post(
        reverse("allowances:medical"), {"cadre": cast.member.pk, **CLAIM}
    )
    assert response.status_code == 422 and not MedicalClaim.objects.exists()


def test_the_county_records_an_injury_of_a_cadre_stationed_in_it_and_names_who_follows_up(
    cast, login
):
    # Given dora of 周至 county, where bob is stationed
    client = login(cast.users["dora"])
    # When she records bob's injury
    response = client.post(
        reverse("allowances:injuries"),
        {
            "cadre": cast.member.pk,
            "happened_on": "2025-09-03",
            "on_duty": "1",
            "description": "入户途中摔伤",
            "treatment": "县医院治疗",
            "contact_person": "周至县组织部张科长",
        },
    )
    # Then it is kept and shown to bob's unit and to bob
    assert response.status_code == 302
    injury = Injury.objects.get()
    assert (injury.recorded_by, injury.on_duty) == (cast.users["dora"], True)
    for name in ("fay", "bob"):
        body = login(cast.users[name]).get(reverse("allowances:injuries") + "?year=2025")
        assert "周至县组织部张科长" in body.content.decode()
    # while the county of 蓝田 neither sees it nor can record for bob
    oscar = login(cast.users["oscar"])
    assert (
        "周至县组织部张科长"
        not in oscar.get(reverse("allowances:injuries") + "?year=2025").content.decode()
    )


def test_an_injury_without_the_person_who_follows_up_is_refused_on_the_page(cast, login):
    response = login(cast.users["fay"]).post(
        reverse("allowances:injuries"),
        {
            "cadre": cast.member.pk,
            "happened_on": "2025-09-03",
            "on_duty": "1",
            "description": "摔伤",
        },
    )
    assert response.status_code == 422
    assert "帮扶慰问负责人:这个字段是必填项。" in response.content.decode()
    assert not Injury.objects.exists()


def test_the_county_of_another_county_may_not_record_an_injury_of_bob(cast):
    from zhucun.errors import ErrorCode, ServiceError

    with pytest.raises(ServiceError) as refused:
        injury_record(
            user=cast.users["oscar"],
            cadre=cast.member,
            happened_on=date(2025, 9, 3),
            description="摔伤",
            contact_person="某人",
        )
    assert refused.value.code == ErrorCode.FORBIDDEN


@pytest.mark.parametrize("extra", [1, 20])
def test_the_medical_list_needs_a_bounded_number_of_queries(
    cast, client, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member")
        _claim(cast, cadre=cadre)
        injury_record(
            user=cast.users["fay"],
            cadre=cadre,
            happened_on=date(2025, 9, 3),
            description="摔伤",
            contact_person="某人",
        )
    client.force_login(cast.users["fay"])
    for name in ("allowances:medical", "allowances:injuries"):
        with django_assert_max_num_queries(14):
            response = client.get(reverse(name) + "?year=2025")
        assert response.status_code == 200


def test_a_stationed_cadre_sees_their_own_allowances_month_by_month_as_the_unit_sheet_has_them(
    cast, login
):
    # Given the unit's rates and bob's September 2025 (leave, travel, training)
    _rates(cast)
    _september_of_bob(cast)
    # When bob opens his allowances for 2025
    response = login(cast.users["bob"]).get(reverse("allowances:mine") + "?year=2025")
    # Then September shows the same days and amounts as the unit's sheet
    assert response.status_code == 200
    body = response.content.decode()
    sheet_line = next(
        x
        for x in monthly_sheet(cast.unit, 2025, 9, today=date(2026, 3, 1)).lines
        if x.cadre == cast.member
    )
    months = {m.first.month: m for m in response.context["months"]}
    assert months[9].line == sheet_line
    assert (sheet_line.stationed_days, sheet_line.total_fen) == (17, 205000)
    assert "2,050.00" in body and "生活100.00/天" in body
    # and the months before his posting (June 2025) are marked as not stationed
    assert not months[5].stationed and months[5].line is None and "本月未驻村" in body


def test_the_own_year_before_any_rate_says_the_rate_is_missing(cast):
    months = own_year(cast.member, 2025, today=date(2026, 3, 1))
    assert [m.first.month for m in months] == list(range(1, 13))
    assert months[8].stationed and months[8].rate_row is None and months[8].line is None


def test_only_stationed_cadres_open_the_own_allowance_page(cast, login):
    for name in ("fay", "dora", "carol", "gus"):
        assert login(cast.users[name]).get(reverse("allowances:mine")).status_code == 403
    assert login(cast.users["alice"]).get(reverse("allowances:mine")).status_code == 200


@pytest.mark.parametrize("extra_rates", [1, 6])
def test_the_own_allowance_page_needs_a_bounded_number_of_queries(
    cast, client, extra_rates, django_assert_max_num_queries
):
    for month in range(1, extra_rates + 1):
        _rates(cast, living=str(10000 + month), on=date(2025, month, 2))
    _september_of_bob(cast)
    client.force_login(cast.users["bob"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("allowances:mine") + "?year=2025")
    assert response.status_code == 200


def test_without_a_year_every_years_records_are_listed_and_a_year_narrows_them(cast, login):
    _claim(cast, description="二〇二五年就诊")
    client = login(cast.users["bob"])
    assert "二〇二五年就诊" in client.get(reverse("allowances:medical")).content.decode()
    narrowed = client.get(reverse("allowances:medical") + "?year=2026").content.decode()
    assert "二〇二五年就诊" not in narrowed and "2026年暂无记录" in narrowed

"""Pages for party membership transfer, withdrawal (第七条) and leaving a team (第六条).

Each page: the allowed role succeeds; a refusal shows the Chinese message with its
article and saves nothing; other roles get 403 and other scopes 404.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from zhucun.audit.models import AuditEvent
from zhucun.stationing.models import Handover
from zhucun.stationing.team_services import handover_create, handover_sign

TODAY = timezone.localdate


def _as(client, user):
    client.force_login(user)
    return client


def _bob_assignment(cast):
    return cast.member.assignments.get()


# -- party membership transfer (第七条) ------------------------------------------------


@pytest.mark.parametrize("who", ["fay", "ed"])
def test_the_unit_or_the_town_records_a_party_members_transfer_to_the_village(cast, client, who):
    # Given bob is a party member stationed in cast.team
    cast.member.is_party_member = True
    cast.member.save()
    assignment = _bob_assignment(cast)
    url = reverse("stationing:assignment_party_transfer", args=[assignment.pk])
    # When his unit's HR (or the town office) opens the page and records the date
    page = _as(client, cast.users[who]).get(url)
    assert page.status_code == 200 and "第七条" in page.content.decode()
    response = client.post(url, {"on": str(assignment.start + timedelta(days=3))})
    # Then the date is on the assignment and in the audit trail
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.party_transferred_on == assignment.start + timedelta(days=3)
    assert AuditEvent.objects.filter(event="assignment.party_transfer").count() == 1


def test_a_transfer_dated_before_the_stationing_is_refused_with_its_article(cast, client):
    cast.member.is_party_member = True
    cast.member.save()
    assignment = _bob_assignment(cast)
    url = reverse("stationing:assignment_party_transfer", args=[assignment.pk])
    response = _as(client, cast.users["fay"]).post(
        url, {"on": str(assignment.start - timedelta(days=1))}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "转接日期须在驻村开始之后" in page and "第七条" in page
    assignment.refresh_from_db()
    assert assignment.party_transferred_on is None
    assert not AuditEvent.objects.filter(event="assignment.party_transfer").exists()


def test_a_missing_date_names_the_field(cast, client):
    url = reverse("stationing:assignment_party_transfer", args=[_bob_assignment(cast).pk])
    response = _as(client, cast.users["fay"]).post(url, {"on": ""})
    assert response.status_code == 422
    assert "请填写党组织关系转入村日期" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "dora", "gus", "carol"])
def test_other_roles_cannot_open_the_party_transfer_page(cast, client, who):
    url = reverse("stationing:assignment_party_transfer", args=[_bob_assignment(cast).pk])
    assert _as(client, cast.users[who]).get(url).status_code == 403
    assert client.post(url, {"on": str(TODAY())}).status_code == 403


def test_a_town_office_cannot_reach_another_countys_assignment(cast, client):
    olgas = cast.users["olga"].cadre.assignments.get()
    url = reverse("stationing:assignment_party_transfer", args=[olgas.pk])
    assert _as(client, cast.users["ed"]).post(url, {"on": str(TODAY())}).status_code == 404
    olgas.refresh_from_db()
    assert olgas.party_transferred_on is None


# -- withdrawal (第七条) --------------------------------------------------------------


def test_the_county_cannot_withdraw_a_poor_villages_team_on_the_policy_date(cast, client):
    # Given a poor village's team formed in 2019
    cast.team.formed_on = date(2019, 1, 1)
    cast.team.save()
    url = reverse("stationing:team_withdraw", args=[cast.team.pk])
    # When the county office withdraws it on 2020-12-31 (the 2018 rules' date, included)
    response = _as(client, cast.users["dora"]).post(url, {"on": "2020-12-31"})
    # Then it is refused, citing 第七条, and nothing changes
    page = response.content.decode()
    assert response.status_code == 422
    assert "2020年12月31日(含)以前" in page and "不得撤离" in page and "依据第七条" in page
    cast.team.refresh_from_db()
    assert cast.team.withdrawn_on is None
    assert not AuditEvent.objects.filter(event="team.withdraw").exists()


def test_the_county_withdraws_a_team_after_the_policy_date(cast, client):
    cast.team.formed_on = date(2019, 1, 1)
    cast.team.save()
    url = reverse("stationing:team_withdraw", args=[cast.team.pk])
    client = _as(client, cast.users["dora"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"on": "2021-01-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("stationing:team_detail", args=[cast.team.pk])
    cast.team.refresh_from_db()
    assert cast.team.withdrawn_on == date(2021, 1, 1)
    assert AuditEvent.objects.filter(event="team.withdraw").count() == 1


@pytest.mark.parametrize("who", ["ed", "fay", "alice", "gus"])
def test_only_the_county_office_opens_the_withdrawal_page(cast, client, who):
    url = reverse("stationing:team_withdraw", args=[cast.team.pk])
    assert _as(client, cast.users[who]).post(url, {"on": "2021-01-01"}).status_code == 403
    cast.team.refresh_from_db()
    assert cast.team.withdrawn_on is None


def test_another_countys_office_cannot_withdraw_the_team(cast, client):
    url = reverse("stationing:team_withdraw", args=[cast.team.pk])
    assert _as(client, cast.users["oscar"]).post(url, {"on": "2021-01-01"}).status_code == 404
    cast.team.refresh_from_db()
    assert cast.team.withdrawn_on is None


# -- leaving the team (第六条) --------------------------------------------------------


def _successor(cast, **kwargs):
    cadre = f.CadreFactory(unit=cast.unit, name="苏新")
    user = f.cadre_user("sue", cadre)
    return user, f.AssignmentFactory(team=cast.team, cadre=cadre, **kwargs)


def _signed_handover(cast, successor_user, incoming) -> Handover:
    handover = handover_create(
        user=cast.users["alice"],
        predecessor=_bob_assignment(cast),
        successor=incoming,
        content="台账、钥匙、联户名单",
    )
    for signer in (cast.users["bob"], successor_user, cast.users["alice"]):
        handover_sign(user=signer, handover=handover)
    return handover


def test_leaving_without_a_handover_is_refused_with_its_article(cast, client):
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    client = _as(client, cast.users["fay"])
    assert "尚无交接记录" in client.get(url).content.decode()
    response = client.post(url, {"on": str(TODAY())})
    page = response.content.decode()
    assert response.status_code == 422
    assert "交接清楚" in page and "依据第六条" in page
    assert _bob_assignment(cast).end is None
    assert not AuditEvent.objects.filter(event="assignment.end").exists()


def test_leaving_with_a_handover_not_signed_by_the_leader_is_refused(cast, client):
    user, incoming = _successor(cast)
    handover = handover_create(
        user=cast.users["alice"],
        predecessor=_bob_assignment(cast),
        successor=incoming,
        content="台账",
    )
    handover_sign(user=cast.users["bob"], handover=handover)
    handover_sign(user=user, handover=handover)
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    response = _as(client, cast.users["fay"]).post(url, {"on": str(TODAY())})
    assert response.status_code == 422 and "第六条" in response.content.decode()
    assert _bob_assignment(cast).end is None


def test_leaving_before_the_successor_is_in_post_is_refused(cast, client):
    # Given a handover signed by all three, but the successor's stationing ended yesterday
    user, incoming = _successor(cast)
    _signed_handover(cast, user, incoming)
    incoming.end = TODAY() - timedelta(days=1)
    incoming.save()
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    response = _as(client, cast.users["fay"]).post(url, {"on": str(TODAY())})
    page = response.content.decode()
    assert response.status_code == 422
    assert "接替人苏新" in page and "不在岗" in page and "第六条" in page
    assert _bob_assignment(cast).end is None


@pytest.mark.parametrize("who", ["fay", "dora"])
def test_the_unit_or_the_county_ends_a_stationing_after_a_signed_handover(cast, client, who):
    user, incoming = _successor(cast)
    _signed_handover(cast, user, incoming)
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    client = _as(client, cast.users[who])
    page = client.get(url).content.decode()
    assert "苏新" in page and "队长已签" in page
    response = client.post(url, {"on": str(TODAY())})
    assert response.status_code == 302
    assert _bob_assignment(cast).end == TODAY()
    assert AuditEvent.objects.filter(event="assignment.end").count() == 1


def test_a_town_contact_cadre_leaves_without_a_handover(cast, client):
    contact = f.AssignmentFactory(
        team=cast.team, cadre=f.CadreFactory(unit=cast.unit), role="town_contact"
    )
    url = reverse("stationing:assignment_end", args=[contact.pk])
    client = _as(client, cast.users["dora"])
    assert "离队无需交接" in client.get(url).content.decode()
    assert client.post(url, {"on": str(TODAY())}).status_code == 302
    contact.refresh_from_db()
    assert contact.end == TODAY()


@pytest.mark.parametrize("who", ["ed", "alice", "bob", "gus"])
def test_other_roles_cannot_end_a_stationing(cast, client, who):
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    assert _as(client, cast.users[who]).post(url, {"on": str(TODAY())}).status_code == 403
    assert _bob_assignment(cast).end is None


def test_another_countys_office_cannot_end_a_stationing_here(cast, client):
    url = reverse("stationing:assignment_end", args=[_bob_assignment(cast).pk])
    assert _as(client, cast.users["oscar"]).post(url, {"on": str(TODAY())}).status_code == 404
    assert _bob_assignment(cast).end is None


# -- the team page links to what the user may do --------------------------------------


def _team_page(client, user, team):
    return _as(client, user).get(reverse("stationing:team_detail", args=[team.pk])).content.decode()


def test_the_team_page_links_each_office_to_its_own_actions(cast, client):
    cast.member.is_party_member = True
    cast.member.save()
    bob = _bob_assignment(cast)
    transfer = reverse("stationing:assignment_party_transfer", args=[bob.pk])
    end = reverse("stationing:assignment_end", args=[bob.pk])
    withdraw = reverse("stationing:team_withdraw", args=[cast.team.pk])
    county = _team_page(client, cast.users["dora"], cast.team)
    assert withdraw in county and end in county and transfer not in county
    unit = _team_page(client, cast.users["fay"], cast.team)
    assert transfer in unit and end in unit and withdraw not in unit
    town = _team_page(client, cast.users["ed"], cast.team)
    assert transfer in town and end not in town and withdraw not in town
    leader = _team_page(client, cast.users["alice"], cast.team)
    assert transfer not in leader and end not in leader and withdraw not in leader

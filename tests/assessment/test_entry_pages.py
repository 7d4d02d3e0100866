"""Score entry through the pages: Chinese errors naming the field, nothing half-saved."""

from django.urls import reverse

from tests.assessment import builders as b
from zhucun.assessment.models import AnnualAssessment, OrdinaryAssessment


def test_a_bad_score_is_refused_with_the_field_and_the_rule_and_nothing_is_saved(cast, client):
    b.whole_year(cast.member)
    client.force_login(cast.users["dora"])
    url = reverse("assessment:score_entry", args=[b.YEAR, cast.member.pk])
    page = client.post(url, {**b.FAIR, "results": "105", "villagers_evaluation": "好"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "工作实绩:应在0至100分之间,收到105" in text
    assert "村民评价:应为数字,收到“好”" in text
    assert not AnnualAssessment.objects.exists()


def test_the_town_enters_an_ordinary_assessment_weighted_by_the_county_weights(cast, client):
    b.whole_year(cast.member)
    b.attend(cast.member)
    client.force_login(cast.users["ed"])
    url = reverse("assessment:score_entry", args=[b.YEAR, cast.member.pk])
    form = client.get(url)
    assert form.context["proposed"] is not None  # attendance and logs proposed from the facts
    response = client.post(url, {**b.GOOD, "title": "第三季度平时考核", "held_on": "2025-09-28"})
    assert response.status_code == 302
    (record,) = OrdinaryAssessment.objects.all()
    assert float(record.score) == 92.2 and record.town == cast.town
    assert record.proposed_attendance_logs == 100


def test_every_entry_and_list_page_opens_for_its_role(cast, client):
    b.whole_team(cast)
    pages = [
        ("alice", "assessment:opinion_entry", [b.YEAR, cast.member.pk]),
        ("dora", "assessment:conduct_entry", [cast.member.pk]),
        ("dora", "assessment:poverty_task_entry", [b.YEAR, cast.village.pk]),
        ("dora", "assessment:inspection_new", []),
        ("gus", "assessment:inspection_new", []),
        ("fay", "assessment:inspection_list", []),
        ("fay", "assessment:recall_list", []),
        ("gus", "assessment:recognition", [b.YEAR]),
        ("gus", "assessment:index", []),
        ("bob", "assessment:index", []),
    ]
    for user, name, args in pages:
        client.force_login(cast.users[user])
        response = client.get(reverse(name, args=args), follow=True)
        assert response.status_code == 200, (user, name)
    client.force_login(cast.users["alice"])
    response = client.post(
        reverse("assessment:opinion_entry", args=[b.YEAR, cast.member.pk]), {"text": "短"}
    )
    assert "书面意见:至少10个字" in response.content.decode()

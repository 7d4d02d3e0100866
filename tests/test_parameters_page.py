"""The parameters in force for a county on a date, with article and origin (第三十八、三十九条)."""

from datetime import date

from django.urls import reverse

from zhucun.rulebook.book import book_for
from zhucun.rulebook.models import ParameterOverride


def test_a_county_override_applies_from_its_date_and_the_rest_is_inherited(cast):
    ParameterOverride.objects.create(
        county=cast.county,
        key="monthly_stationed_days_min",
        value=22,
        effective_from=date(2026, 1, 1),
        document="周至县驻村细则",
    )
    book = book_for(cast.county)
    assert book.value("monthly_stationed_days_min", date(2025, 12, 31)) == 20
    assert book.value("monthly_stationed_days_min", date(2026, 1, 1)) == 22
    assert book.value("team_counted_members_min", date(2026, 1, 1)) == 3
    # Another county keeps the city's value.
    assert book_for(cast.other_county).value("monthly_stationed_days_min", date(2026, 6, 1)) == 20


def test_the_page_shows_article_origin_and_value(cast, client):
    ParameterOverride.objects.create(
        county=cast.county,
        key="monthly_stationed_days_min",
        value=22,
        effective_from=date(2026, 1, 1),
    )
    client.force_login(cast.users["dora"])
    page = client.get(
        reverse("rulebook:parameters"), {"county": cast.county.code, "on": "2026-03-01"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "第十六条" in html and "第三十五条" in html
    assert "区县自定" in html
    row = html[html.index("monthly_stationed_days_min") :][:400]
    assert "22" in row


def test_a_date_before_the_2018_rules_is_explained_not_crashed(cast, client):
    client.force_login(cast.users["gus"])
    page = client.get(reverse("rulebook:parameters"), {"on": "2017-01-01"})
    assert page.status_code == 200
    assert "早于" in page.content.decode()


def test_a_malformed_date_gets_a_chinese_error(cast, client):
    client.force_login(cast.users["gus"])
    page = client.get(reverse("rulebook:parameters"), {"on": "not-a-date"})
    assert "日期格式" in page.content.decode()


def test_an_override_of_an_unknown_parameter_or_wrong_type_is_refused(cast):
    import pytest
    from django.core.exceptions import ValidationError

    bad_key = ParameterOverride(
        county=cast.county, key="no_such_rule", value=1, effective_from=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError):
        bad_key.clean()
    bad_value = ParameterOverride(
        county=cast.county,
        key="monthly_stationed_days_min",
        value="twenty",
        effective_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        bad_value.clean()


def test_the_back_office_lists_the_parameters_in_force(cast, admin_client, admin_user):
    from django.utils import timezone

    admin_user.password_changed_at = timezone.now()  # not a first login
    admin_user.save(update_fields=["password_changed_at"])
    ParameterOverride.objects.create(
        county=cast.county, key="training_days_min", value=7, effective_from=date(2026, 1, 1)
    )
    page = admin_client.get(
        reverse("admin:rulebook_parameters_in_force"),
        {"county": cast.county.code, "on": "2026-02-01"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "training_days_min" in html and "区县自定" in html and "第十八条" in html

"""The apps' adapters read the rules from zhucun.policy and agree with them."""

from datetime import date

from zhucun.funds import entitlement
from zhucun.funds.models import SHARED_SOURCES, Source
from zhucun.policy.funds import fund_entitlement
from zhucun.policy.parameters import ParameterBook


def test_the_ledgers_shared_sources_are_the_policys_in_the_same_order():
    assert entitlement.SAME_ORDER
    assert [s.value for s in SHARED_SOURCES] == ["province", "city", "county"]


def test_the_fund_entitlement_of_the_app_is_the_policys_keyed_by_source():
    book = ParameterBook()
    app, rule = entitlement.entitlement_for(2026, book), fund_entitlement(2026, book)
    assert app.parts_fen == rule.parts_fen and app.explanation == rule.explanation
    assert all(isinstance(key, Source) for key in app.parts_fen)
    assert app.year == date(2026, 1, 1).year

"""The shared cast of the policy tests: the city's parameter book and its snapshot for 2026."""

from datetime import date

import pytest

from zhucun.policy.parameters import ParameterBook


@pytest.fixture(scope="session")
def city():
    return ParameterBook()


@pytest.fixture(scope="session")
def params(city):
    return city.on(date(2026, 5, 1))

"""Factories for the test cast: valid rows with as little typing as possible."""

import itertools
from datetime import date, timedelta

import factory
from django.utils import timezone

from zhucun.accounts.models import Position, User
from zhucun.households.models import Household, Pairing
from zhucun.org.identity import id_check_char
from zhucun.org.models import Cadre, Region, Unit
from zhucun.stationing.models import Assignment, Team

PASSWORD = "Test#Pass2026"
_ids = itertools.count(1)


def valid_id_number(n: int, county_code: str = "610124", birth: date = date(1985, 3, 9)) -> str:
    first17 = f"{county_code}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    # Not a first login: tests of the forced change set it back to None.
    password_changed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region


def other_city(code: str, name: str) -> Region:
    province = Region.objects.get(code="610000000000")
    city = Region.objects.create(code=code, name=name, level="city", parent=province)
    city.city = city
    city.save(update_fields=["city"])
    return city


def poor_village(town: Region, serial: int, name: str) -> Region:
    """A poor village of `town`: its code is the town's with the village serial (001–999)."""
    return Region.objects.create(
        code=f"{town.code[:9]}{serial:03d}",
        name=name,
        level="village",
        parent=town,
        city=town.city,
        county=town.county,
        town=town,
        is_poor=True,
    )


def region_tree(county_code6: str, county_name: str, kind: str = "poverty", city=None):
    """A county with one town and two villages (one poor), under Xi'an."""
    if city is None:
        city = Region.objects.filter(code="610100000000").first()
    if city is None:
        province = Region.objects.create(code="610000000000", name="陕西省", level="province")
        city = Region.objects.create(
            code="610100000000", name="西安市", level="city", parent=province
        )
        city.city = city
        city.save(update_fields=["city"])
    county = Region.objects.create(
        code=f"{county_code6}000000",
        name=county_name,
        level="county",
        parent=city,
        city=city,
        county_kind=kind,
    )
    county.county = county
    county.save(update_fields=["county"])
    town = Region.objects.create(
        code=f"{county_code6}100000",
        name=f"{county_name[:2]}镇",
        level="town",
        parent=county,
        city=city,
        county=county,
    )
    town.town = town
    town.save(update_fields=["town"])
    poor = Region.objects.create(
        code=f"{county_code6}100201",
        name=f"{county_name[:2]}一村",
        level="village",
        parent=town,
        city=city,
        county=county,
        town=town,
        is_poor=True,
        weaknesses=["economy"],
    )
    other = Region.objects.create(
        code=f"{county_code6}100202",
        name=f"{county_name[:2]}二村",
        level="village",
        parent=town,
        city=city,
        county=county,
        town=town,
        is_poor=True,
    )
    return city, county, town, poor, other


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    level = "city"
    staff_count = 50


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = "M"
    birth_date = date(1985, 3, 9)
    id_number = factory.LazyFunction(lambda: valid_id_number(next(_ids)))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    rank = "section"
    expertise = ["economy"]


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.LazyAttribute(lambda o: f"{o.village.name}驻村工作队")
    formed_on = date(2025, 6, 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    role = "member"
    start = date(2025, 6, 1)
    planned_end = factory.LazyAttribute(lambda o: o.start + timedelta(days=731))


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH{n:08d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    attribute = "general"
    main_cause = "01"
    status = "poor"
    members = 3
    income_per_head = 5000


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    start = date(2025, 6, 1)


def office_user(username: str, role: str, *, region=None, unit=None, duty="staff") -> User:
    user = UserFactory(username=username)
    Position.objects.create(user=user, role=role, region=region, unit=unit, duty=duty)
    return user


def cadre_user(username: str, cadre: Cadre) -> User:
    user = UserFactory(username=username, full_name=cadre.name)
    cadre.user = user
    cadre.save(update_fields=["user"])
    return user


def approved_leave(cadre, start, end, *, requester, reason="事", returned_on=None):
    """A leave already approved, written directly (for tests about what leave changes,
    not about how it is approved), on the cadre's one assignment."""
    from zhucun.approvals.models import Request, RequestState
    from zhucun.stationing.models import Leave

    approval = Request.objects.create(
        kind="leave",
        title="假",
        requester=requester,
        cadre=cadre,
        state=RequestState.APPROVED,
        submitted_at="2025-01-01T00:00:00Z",
    )
    return Leave.objects.create(
        cadre=cadre,
        assignment=cadre.assignments.get(),
        start=start,
        end=end,
        reason=reason,
        approval=approval,
        returned_on=returned_on,
        created_at="2025-01-01T00:00:00Z",
    )

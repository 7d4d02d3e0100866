"""What the API answers with: small, flat records; identity numbers always masked."""

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.db.models import Manager, QuerySet
from django.db.models.fields.files import FieldFile
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator

# What django-ninja's getter would turn into something else (a list, a call's result, a URL),
# and the types of value it hands over unchanged (checked first: most values are these).
_CONVERTED = (Manager, QuerySet, FieldFile)
_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime, Decimal, dict, list})


@cache
def _reads_dicts(schema) -> bool:
    """Whether django-ninja's getter would read a dict's values for `schema` unchanged:
    no `resolve_<field>` methods, and no need to validate the input as it is first."""
    config = schema.model_config
    return not (
        schema._ninja_resolvers
        or config.get("extra") == "forbid"
        or config.get("validate_assignment", False)
    )


class DictSchema(Schema):
    """A Schema that validates a plain dict as pydantic does, without django-ninja's getter.

    django-ninja wraps every value it validates in a getter (`DjangoGetter`), so that a
    schema can read a model's attributes and `resolve_<field>` methods; each field read
    then goes through Python. A dict whose values the getter would hand over unchanged
    (no resolvers on the schema, no callables, managers, querysets or files among the
    values) gives the same fields either way: the request bodies parsed from JSON and the
    answers the endpoints build as dicts. Anything else goes through the getter as before.
    A work log's body and answer are validated in a quarter to a third of the time
    (~25 against ~85 µs per log save; tests/api/test_dict_schema.py proves them the same).
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        if type(values) is dict and _reads_dicts(cls):
            for value in values.values():
                if type(value) not in _PLAIN and (callable(value) or isinstance(value, _CONVERTED)):
                    break
            else:
                return handler(values)
        # django-ninja's own (ninja.schema.Schema._run_root_validator), which this replaces.
        if cls.model_config.get("extra") == "forbid" or cls.model_config.get(
            "validate_assignment", False
        ):
            handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class RegionRef(DictSchema):
    id: int
    code: str
    name: str
    level: str


class UnitRef(DictSchema):
    id: int
    name: str


class CadreRef(DictSchema):
    id: int
    name: str


class HouseholdRef(DictSchema):
    id: int
    code: str
    head_name: str


class Me(DictSchema):
    username: str
    name: str
    roles: list[str]
    cadre: CadreRef | None
    csrf_token: str | None = None


class TeamOut(DictSchema):
    id: int
    name: str
    village: RegionRef
    town: str
    county: str
    lead_unit: UnitRef
    formed_on: date
    withdrawn_on: date | None


class AssignmentOut(DictSchema):
    id: int
    cadre: CadreRef
    role: str
    role_label: str
    start: date
    planned_end: date
    end: date | None


class TeamDetail(TeamOut):
    units: list[UnitRef]
    assignments: list[AssignmentOut]


class CadreOut(DictSchema):
    id: int
    name: str
    gender: str
    unit: UnitRef
    rank: str
    id_number_masked: str
    phone_masked: str
    is_party_member: bool


class CadreDetail(CadreOut):
    assignments: list[AssignmentOut]


class HouseholdOut(DictSchema):
    id: int
    code: str
    head_name: str
    village: RegionRef
    attribute: str
    main_cause: str
    other_causes: list[str]
    status: str
    exit_year: int | None
    members: int
    income_per_head: int
    farmland_mu: Decimal
    housing_safe: bool
    schooling_ok: bool
    medical_insured: bool
    water_safe: bool
    paired_cadre: CadreRef | None


class PairingOut(DictSchema):
    id: int
    household: HouseholdRef
    cadre: CadreRef
    start: date
    end: date | None


def region_ref(region) -> dict:
    return {"id": region.pk, "code": region.code, "name": region.name, "level": region.level}


def team_out(team) -> dict:
    return {
        "id": team.pk,
        "name": team.name,
        "village": region_ref(team.village),
        "town": team.village.town.name if team.village.town_id else "",
        "county": team.village.county.name if team.village.county_id else "",
        "lead_unit": {"id": team.lead_unit_id, "name": team.lead_unit.name},
        "formed_on": team.formed_on,
        "withdrawn_on": team.withdrawn_on,
    }


def assignment_out(a) -> dict:
    return {
        "id": a.pk,
        "cadre": {"id": a.cadre_id, "name": a.cadre.name},
        "role": a.role,
        "role_label": a.get_role_display(),
        "start": a.start,
        "planned_end": a.planned_end,
        "end": a.end,
    }


def cadre_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "gender": c.gender,
        "unit": {"id": c.unit_id, "name": c.unit.name},
        "rank": c.rank,
        "id_number_masked": c.id_number_masked,
        "phone_masked": c.phone_masked,
        "is_party_member": c.is_party_member,
    }


def household_out(h, paired=None) -> dict:
    return {
        "id": h.pk,
        "code": h.code,
        "head_name": h.head_name,
        "village": region_ref(h.village),
        "attribute": h.attribute,
        "main_cause": h.main_cause,
        "other_causes": list(h.other_causes or []),
        "status": h.status,
        "exit_year": h.exit_year,
        "members": h.members,
        "income_per_head": h.income_per_head,
        "farmland_mu": h.farmland_mu,
        "housing_safe": h.housing_safe,
        "schooling_ok": h.schooling_ok,
        "medical_insured": h.medical_insured,
        "water_safe": h.water_safe,
        "paired_cadre": {"id": paired.pk, "name": paired.name} if paired else None,
    }


def pairing_out(p) -> dict:
    return {
        "id": p.pk,
        "household": {
            "id": p.household_id,
            "code": p.household.code,
            "head_name": p.household.head_name,
        },
        "cadre": {"id": p.cadre_id, "name": p.cadre.name},
        "start": p.start,
        "end": p.end,
    }

"""What the API answers with: small, flat records; identity numbers always masked."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """The base of every schema of the API, in and out.

    Its answers are built as dicts, and bodies and queries parsed from JSON and query
    strings, so pydantic validates them in C. django-ninja's own `Schema` reads every
    field through a Python getter (for its `resolve_` methods and dotted aliases, which
    the API does not use): ~4 times the time for an answer (benchmarks-history.md).
    `from_attributes` keeps what `Schema` also did: an object given instead of a dict
    is read by its attributes.
    """

    model_config = ConfigDict(from_attributes=True)


class RegionRef(Record):
    id: int
    code: str
    name: str
    level: str


class UnitRef(Record):
    id: int
    name: str


class CadreRef(Record):
    id: int
    name: str


class HouseholdRef(Record):
    id: int
    code: str
    head_name: str


class Me(Record):
    username: str
    name: str
    roles: list[str]
    cadre: CadreRef | None
    csrf_token: str | None = None


class TeamOut(Record):
    id: int
    name: str
    village: RegionRef
    town: str
    county: str
    lead_unit: UnitRef
    formed_on: date
    withdrawn_on: date | None


class AssignmentOut(Record):
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


class CadreOut(Record):
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


class HouseholdOut(Record):
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


class PairingOut(Record):
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

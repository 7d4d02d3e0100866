"""DictSchema validates a plain dict without django-ninja's getter, with the same result.

The write path's bodies (parsed from JSON) and answers (built as dicts) go through it;
a hypothesis comparison with twins built on django-ninja's own Schema proves the fields,
the errors (type, place, context) and the answer's JSON are the same.
"""

from datetime import UTC, date, datetime

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ninja import Schema

from zhucun.api.routes.attendance import CheckInIn, CheckInOut
from zhucun.api.routes.fieldwork import WorkLogIn, WorkLogOut
from zhucun.api.schemas import CadreRef, DictSchema


def _twin(schema):
    """The same fields on django-ninja's own Schema (nested DictSchemas twinned too)."""
    fields = {}
    for name, field in schema.model_fields.items():
        annotation = field.annotation
        if annotation is CadreRef:
            annotation = _twin(CadreRef)
        fields[name] = (annotation, field)
    twin = pydantic.create_model(f"Twin{schema.__name__}", __base__=Schema, **fields)
    assert not issubclass(twin, DictSchema)
    return twin


TWINS = {s: _twin(s) for s in (CheckInIn, CheckInOut, WorkLogIn, WorkLogOut, CadreRef)}


def _outcome(schema, data):
    try:
        return "ok", schema.model_validate(data).model_dump(mode="json")
    except pydantic.ValidationError as exc:
        return "invalid", exc.errors(include_url=False, include_input=False)


# What a client may send: JSON values, of the right type or not.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _bodies(keys, good):
    return st.dictionaries(st.sampled_from(keys), json_values | good, max_size=len(keys))


GOOD = st.sampled_from(
    ["2026-11-03", "2026-11-03T08:00:00+08:00", [1, 3], [13], "x" * 4001, "入户走访", 45.0, 200]
)


@settings(max_examples=300, deadline=None)
@given(body=_bodies(["day", "tasks", "content", "off_site", "household_ids", "projects"], GOOD))
def test_a_log_body_validates_as_with_ninjas_getter(body):
    assert _outcome(WorkLogIn, body) == _outcome(TWINS[WorkLogIn], body)


@settings(max_examples=200, deadline=None)
@given(body=_bodies(["recorded_at", "latitude", "longitude"], GOOD))
def test_a_check_in_body_validates_as_with_ninjas_getter(body):
    assert _outcome(CheckInIn, body) == _outcome(TWINS[CheckInIn], body)


def test_an_answer_built_as_a_dict_gives_the_same_json():
    at = datetime(2026, 11, 3, 0, 5, 7, 123456, tzinfo=UTC)
    log = {
        "id": 7,
        "cadre": {"id": 3, "name": "王五"},
        "day": date(2026, 11, 3),
        "tasks": (1, 3),
        "content": "入户走访",
        "off_site": False,
        "projects": "",
        "first_saved_at": at,
        "updated_at": at,
        "revisions": 2,
    }
    check_in = {
        "id": 9,
        "cadre": {"id": 3, "name": "王五"},
        "day": date(2026, 11, 3),
        "at": at,
        "backfilled": False,
        "reason": "",
        "has_location": True,
    }
    assert _outcome(WorkLogOut, log) == _outcome(TWINS[WorkLogOut], log)
    assert _outcome(CheckInOut, check_in) == _outcome(TWINS[CheckInOut], check_in)
    assert _outcome(WorkLogOut, {**log, "cadre": None}) == _outcome(
        TWINS[WorkLogOut], {**log, "cadre": None}
    )


def test_values_the_getter_converts_still_go_through_it():
    # django-ninja's getter calls a callable value and reads `resolve_<field>`: both kept.
    class Named(DictSchema):
        id: int
        name: str

    class Resolved(DictSchema):
        id: int
        name: str

        @staticmethod
        def resolve_name(obj):
            return f"第{obj['id']}号"

    assert Named.model_validate({"id": 1, "name": lambda: "张三"}).name == "张三"
    assert Resolved.model_validate({"id": 2, "name": "x"}).name == "第2号"


def test_an_object_is_read_through_the_getter():
    class Cadre:
        pk = 5
        name = "李四"

        @property
        def id(self):
            return self.pk

    assert CadreRef.model_validate(Cadre()).model_dump() == {"id": 5, "name": "李四"}


@pytest.mark.parametrize("body", [[], "x", 1, None])
def test_a_body_that_is_not_an_object_is_refused_as_before(body):
    assert _outcome(WorkLogIn, body) == _outcome(TWINS[WorkLogIn], body)

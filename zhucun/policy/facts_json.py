"""Plain JSON facts → the engine's input types, with Chinese errors naming the bad field.

Date lists accept single days ("2025-03-02") and inclusive ranges
("2025-03-02/2025-03-20"). The format is documented in docs/policy.md.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from zhucun.policy.assessment import CONTENTS, CohortPosition
from zhucun.policy.calendar import Assignment, AttendanceFacts
from zhucun.policy.contacts import Pairing
from zhucun.policy.errors import PolicyError
from zhucun.policy.evaluation import AssessmentFacts, CadreYearFacts
from zhucun.policy.parameters import Override
from zhucun.policy.periods import days_between, parse_date
from zhucun.policy.teams import Team, TeamMember, Unit
from zhucun.policy.training import Training
from zhucun.policy.worklogs import RectificationNotice


def _fail(where: str, problem: str) -> PolicyError:
    return PolicyError(f"{where}:{problem}")


def obj(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _fail(where, "应为 JSON 对象")
    return value


def items(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, "应为 JSON 数组")
    return value


def day(value: Any, where: str) -> date:
    try:
        return parse_date(value)
    except ValueError as error:
        raise _fail(where, str(error)) from None


def required(data: dict, key: str, where: str) -> Any:
    if data.get(key) is None:
        raise _fail(where, f"缺少 {key}")
    return data[key]


def optional_day(data: dict, key: str, where: str) -> date | None:
    return None if data.get(key) is None else day(data[key], f"{where}.{key}")


def dates(value: Any, where: str) -> set[date]:
    result: set[date] = set()
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        if isinstance(item, str) and "/" in item:
            first, last = (day(part, here) for part in item.split("/", 1))
            if last < first:
                raise _fail(here, "区间结束日期早于开始日期")
            result.update(days_between(first, last))
        else:
            result.add(day(item, here))
    return result


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"应为数字,收到 {value!r}")
    return value


def flag(data: dict, key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _fail(f"{where}.{key}", "应为 true 或 false")
    return value


def subject(data: dict, kind: str, where: str) -> str:
    return f"{kind}:{required(data, 'id', where)}"


def overrides(data: dict, county: str | None, where: str) -> list[Override]:
    result = []
    for index, item in enumerate(items(data.get("overrides"), f"{where}.overrides")):
        here = f"{where}.overrides[{index}]"
        item = obj(item, here)
        result.append(
            Override(
                key=required(item, "key", here),
                value=required(item, "value", here),
                effective_from=day(
                    required(item, "effective_from", here), f"{here}.effective_from"
                ),
                county=item.get("county", county),
            )
        )
    return result


def assignments(value: Any, where: str) -> tuple[Assignment, ...]:
    result = []
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        item = obj(item, here)
        start = day(required(item, "start", here), f"{here}.start")
        end = optional_day(item, "end", here)
        if end is not None and end < start:
            raise _fail(here, "结束日期早于开始日期")
        result.append(Assignment(start, end))
    if not result:
        raise _fail(where, "至少需要一个驻村任务期")
    return tuple(result)


def logs(value: Any, where: str) -> dict[date, date | datetime] | None:
    """Strings are days logged on the day; objects give {"date", "first_saved"}."""
    if value is None:
        return None
    result: dict[date, date | datetime] = {}
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        if isinstance(item, str):
            result.update((d, d) for d in dates([item], here))
            continue
        item = obj(item, here)
        logged = day(required(item, "date", here), f"{here}.date")
        saved = required(item, "first_saved", here)
        try:
            result[logged] = (
                datetime.fromisoformat(saved) if "T" in str(saved) else day(saved, here)
            )
        except ValueError:
            raise _fail(f"{here}.first_saved", f"时间格式不正确:{saved!r}") from None
    return result


def cadre(data: Any, where: str) -> CadreYearFacts:
    data = obj(data, where)
    attendance = AttendanceFacts(
        assignments=assignments(data.get("assignments"), f"{where}.assignments"),
        check_ins=frozenset(dates(data.get("check_ins"), f"{where}.check_ins")),
        official=frozenset(dates(data.get("official"), f"{where}.official")),
        leave=frozenset(dates(data.get("leave"), f"{where}.leave")),
        duty=frozenset(dates(data.get("duty"), f"{where}.duty")),
    )
    notices = []
    for index, item in enumerate(items(data.get("notices"), f"{where}.notices")):
        here = f"{where}.notices[{index}]"
        item = obj(item, here)
        notices.append(
            RectificationNotice(
                day(required(item, "date", here), f"{here}.date"),
                flag(item, "refused", here),
                tuple(sorted(dates(item.get("log_dates"), f"{here}.log_dates"))),
            )
        )
    trainings = None
    if data.get("trainings") is not None:
        trainings = []
        for index, item in enumerate(items(data["trainings"], f"{where}.trainings")):
            here = f"{where}.trainings[{index}]"
            item = obj(item, here)
            start = day(required(item, "start", here), f"{here}.start")
            end = optional_day(item, "end", here) or start
            if end < start:
                raise _fail(here, "结束日期早于开始日期")
            trainings.append(Training(start, end, str(item.get("title", ""))))
        trainings = tuple(trainings)
    return CadreYearFacts(
        subject=subject(data, "cadre", where),
        attendance=attendance,
        logs=logs(data.get("logs"), f"{where}.logs"),
        notices=tuple(notices),
        trainings=trainings,
        assessment=assessment(data.get("assessment"), f"{where}.assessment"),
    )


def assessment(value: Any, where: str) -> AssessmentFacts | None:
    if value is None:
        return None
    data = obj(value, where)
    contents = None
    if data.get("annual_contents") is not None:
        raw = obj(data["annual_contents"], f"{where}.annual_contents")
        unknown = set(raw) - set(CONTENTS)
        if unknown:
            raise _fail(
                f"{where}.annual_contents", f"未知考核内容 {sorted(unknown)},应为 {list(CONTENTS)}"
            )
        contents = {key: number(v, f"{where}.annual_contents.{key}") for key, v in raw.items()}
    annual = data.get("annual_score")
    return AssessmentFacts(
        annual_score=None if annual is None else number(annual, f"{where}.annual_score"),
        annual_contents=contents,
        ordinary_scores=tuple(
            number(v, f"{where}.ordinary_scores[{i}]")
            for i, v in enumerate(items(data.get("ordinary_scores"), f"{where}.ordinary_scores"))
        ),
        poverty_task_missed=flag(data, "poverty_task_missed", where),
        disciplined=flag(data, "disciplined", where),
        disobedience_serious=flag(data, "disobedience_serious", where),
        cohort=cohort(data.get("cohort"), f"{where}.cohort"),
    )


def cohort(value: Any, where: str) -> CohortPosition | None:
    """{"assessed": N, "ranked_ahead": k}: the county's cohort around one cadre's facts."""
    if value is None:
        return None
    data = obj(value, where)
    unknown = set(data) - {"assessed", "ranked_ahead"}
    if unknown:
        raise _fail(where, f"未知字段 {sorted(unknown)},应为 assessed、ranked_ahead")
    numbers = {}
    for key in ("assessed", "ranked_ahead"):
        raw = required(data, key, where)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise _fail(f"{where}.{key}", f"应为非负整数,收到 {raw!r}")
        numbers[key] = raw
    if numbers["assessed"] < 1:
        raise _fail(f"{where}.assessed", "考核对象至少1人(含本人)")
    if numbers["ranked_ahead"] >= numbers["assessed"]:
        raise _fail(f"{where}.ranked_ahead", f"应小于考核对象人数 {numbers['assessed']}(不含本人)")
    return CohortPosition(**numbers)


def pairings(value: Any, where: str) -> list[Pairing]:
    result = []
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        item = obj(item, here)
        start = day(required(item, "start", here), f"{here}.start")
        end = optional_day(item, "end", here)
        if end is not None and end < start:
            raise _fail(here, "结束日期早于开始日期")
        result.append(Pairing(required(item, "household", here), start, end, item.get("cadre")))
    return result


def contact_rows(value: Any, where: str) -> list[tuple[Any, date, str]]:
    """Objects {"household", "date", "kind"} or compact rows [household, date, kind]."""
    rows = []
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        if isinstance(item, list) and len(item) == 3:
            household, when, kind = item
        else:
            item = obj(item, here)
            household = required(item, "household", here)
            when, kind = required(item, "date", here), required(item, "kind", here)
        rows.append((household, day(when, here), kind))
    return rows


def units(value: Any, where: str) -> dict[Any, Unit]:
    result = {}
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        item = obj(item, here)
        staff = item.get("staff")
        if staff is not None and (isinstance(staff, bool) or not isinstance(staff, int)):
            raise _fail(f"{here}.staff", "应为整数")
        unit = Unit(
            required(item, "id", here),
            str(item.get("name", "")),
            required(item, "level", here),
            item.get("area_kind"),
            staff,
        )
        result[unit.id] = unit
    return result


def teams(value: Any, where: str) -> list[Team]:
    result = []
    for index, item in enumerate(items(value, where)):
        here = f"{where}[{index}]"
        item = obj(item, here)
        members = []
        for number_, raw in enumerate(items(item.get("members"), f"{here}.members")):
            there = f"{here}.members[{number_}]"
            raw = obj(raw, there)
            members.append(
                TeamMember(
                    cadre=required(raw, "cadre", there),
                    role=raw.get("role", "member"),
                    kind=raw.get("kind", "stationed"),
                    unit=raw.get("unit"),
                    rank=raw.get("rank"),
                    expertise=frozenset(items(raw.get("expertise"), f"{there}.expertise")),
                    start=optional_day(raw, "start", there),
                    planned_end=optional_day(raw, "planned_end", there),
                )
            )
        result.append(
            Team(
                required(item, "id", here),
                required(item, "village", here),
                frozenset(items(item.get("weaknesses"), f"{here}.weaknesses")),
                tuple(members),
            )
        )
    return result

"""Parameter values by effective date (第三十九条) with per-county overrides (第三十八条).

A version of the city rules is a TOML file in `versions/` (`effective_from`,
`title`, `document`, `[values]`); a version may state only some keys and
inherits the rest from the previous one. A date is judged by the version in
force on it. A county override applies from its own date on and stays in
force, even over a later city version, until the county sets the key again:
the county's detailed rules are its own (第三十八条) and are amended by the
county. Lookups are cheap: the book pre-computes one `ParamsOnDate` snapshot
per change date, and a lookup is a binary search.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from zhucun.policy.errors import PolicyError
from zhucun.policy.parameter_catalogue import CATALOGUE, SPECS, coerce_value, spec_for

VERSIONS_DIR = Path(__file__).with_name("versions")


@dataclass(frozen=True)
class Version:
    effective_from: date
    title: str
    document: str
    values: dict[str, Any]


@dataclass(frozen=True)
class Override:
    """A county's own value for one parameter from a date on (第三十八条)."""

    key: str
    value: Any
    effective_from: date
    county: str


@dataclass(frozen=True)
class ResolvedParameter:
    key: str
    value: Any
    article: str
    unit: str
    meaning: str
    origin: str  # "city" | "county"
    source: str  # the version's title, or "<county>自定 <date>"
    effective_from: date
    basis: str = "细则"

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        return {
            "key": self.key,
            "value": value,
            "article": self.article,
            "unit": self.unit,
            "meaning": self.meaning,
            "origin": self.origin,
            "source": self.source,
            "effective_from": self.effective_from.isoformat(),
            "basis": self.basis,
        }


class ParamsOnDate:
    """Every parameter in force over a stretch of dates, as attributes: `params.training_days_min`.

    Read-only. A key no version states yet (a partial early version) raises
    PolicyError when read.
    """

    def __init__(
        self, valid_from: date, resolved: dict[str, ResolvedParameter], county: str | None
    ):
        object.__setattr__(self, "valid_from", valid_from)
        object.__setattr__(self, "county", county)
        object.__setattr__(self, "resolved", resolved)
        for key, parameter in resolved.items():
            object.__setattr__(self, key, parameter.value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ParamsOnDate is read-only")

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not set in __init__.
        if name in SPECS:
            raise PolicyError(
                f"参数 {name}({SPECS[name].meaning})在 {self.valid_from} 起的版本中未规定"
            )
        raise AttributeError(name)

    def in_force(self) -> list[ResolvedParameter]:
        return [self.resolved[spec.key] for spec in CATALOGUE if spec.key in self.resolved]

    def used(self, *keys: str) -> list[dict[str, Any]]:
        """The named parameters as dicts, for an explanation's "parameters used"."""
        return [self.resolved[key].to_dict() for key in keys]


def load_versions(directory: Path | str | None = None) -> tuple[Version, ...]:
    """Every `*.toml` version in the directory, oldest first, values type-checked."""
    directory = Path(directory) if directory is not None else VERSIONS_DIR
    versions = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise PolicyError(f"版本文件 {path.name} 格式错误:{error}") from None
        effective_from = data.get("effective_from")
        if not isinstance(effective_from, date):
            raise PolicyError(f"版本文件 {path.name} 缺少施行日期 effective_from(YYYY-MM-DD)")
        values = {}
        for key, raw in data.get("values", {}).items():
            where = f"版本文件 {path.name}"
            values[key] = coerce_value(spec_for(key, where=where), raw, where=where)
        versions.append(
            Version(effective_from, data.get("title", path.stem), data.get("document", ""), values)
        )
    versions.sort(key=lambda version: version.effective_from)
    if not versions:
        raise PolicyError(f"目录 {directory} 中没有参数版本文件")
    dates = [version.effective_from for version in versions]
    if len(set(dates)) != len(dates):
        raise PolicyError("两个参数版本的施行日期相同")
    return tuple(versions)


@lru_cache(maxsize=8)
def _cached_versions(directory: str) -> tuple[Version, ...]:
    return load_versions(directory)


class ParameterBook:
    """The parameters of the city's versions, with one county's overrides applied."""

    def __init__(
        self,
        versions: Sequence[Version] | None = None,
        *,
        county: str | None = None,
        overrides: Iterable[Override] = (),
    ):
        if versions is None:
            versions = _cached_versions(str(VERSIONS_DIR))
        self.versions = tuple(sorted(versions, key=lambda version: version.effective_from))
        if not self.versions:
            raise PolicyError("没有任何参数版本")
        self.county = county
        self.overrides = tuple(self._checked(override) for override in overrides)
        self._dates: list[date] = []
        self._snapshots: list[ParamsOnDate] = []
        self._build()

    def _checked(self, override: Override) -> Override:
        where = f"区县 {override.county} 自定参数"
        if self.county is None or override.county != self.county:
            raise PolicyError(f"{where}不能用于{self.county or '市级'}参数")
        value = coerce_value(spec_for(override.key, where=where), override.value, where=where)
        if not isinstance(override.effective_from, date):
            raise PolicyError(f"{where} {override.key} 缺少施行日期")
        return Override(override.key, value, override.effective_from, override.county)

    def _build(self) -> None:
        events: dict[date, list[tuple[str, Any]]] = {}
        for version in self.versions:
            events.setdefault(version.effective_from, []).append(("city", version))
        # Same-day overrides of one key: the later in the given order wins.
        for override in self.overrides:
            events.setdefault(override.effective_from, []).append(("county", override))
        city: dict[str, ResolvedParameter] = {}
        county: dict[str, ResolvedParameter] = {}
        for day in sorted(events):
            for origin, event in events[day]:
                if origin == "city":
                    for key, value in event.values.items():
                        spec = SPECS[key]
                        city[key] = ResolvedParameter(
                            key,
                            value,
                            spec.article,
                            spec.unit,
                            spec.meaning,
                            "city",
                            event.title,
                            event.effective_from,
                            spec.basis,
                        )
                else:
                    spec = SPECS[event.key]
                    county[event.key] = ResolvedParameter(
                        event.key,
                        event.value,
                        spec.article,
                        spec.unit,
                        spec.meaning,
                        "county",
                        f"{event.county}自定({event.effective_from.isoformat()}起)",
                        event.effective_from,
                        spec.basis,
                    )
            self._dates.append(day)
            self._snapshots.append(ParamsOnDate(day, {**city, **county}, self.county))

    def on(self, day: date) -> ParamsOnDate:
        """The snapshot in force on the day; before the first version, PolicyError."""
        index = bisect_right(self._dates, day) - 1
        if index < 0 or day < self.versions[0].effective_from:
            first = self.versions[0]
            raise PolicyError(
                f"{day.isoformat()} 早于最早的参数版本《{first.title}》"
                f"(自 {first.effective_from.isoformat()} 施行),无法判断"
            )
        return self._snapshots[index]

    def value(self, key: str, on: date) -> Any:
        spec_for(key, where="查询参数")
        return getattr(self.on(on), key)

    def in_force(self, on: date) -> list[ResolvedParameter]:
        return self.on(on).in_force()

    def history(self, key: str) -> list[tuple[date, Any]]:
        """(from date, value) for each change date at which the key is defined."""
        spec_for(key, where="查询参数")
        return [
            (day, snapshot.resolved[key].value)
            for day, snapshot in zip(self._dates, self._snapshots, strict=True)
            if key in snapshot.resolved
        ]

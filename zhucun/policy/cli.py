"""`python -m zhucun.policy`: check a result from plain facts, without the database.

    python -m zhucun.policy evaluate FACTS.json     (or - for stdin)
    python -m zhucun.policy parameters --on 2026-05-01 [--county 周至县]

Prints JSON. Exit code 0 even when rules fire (findings are output, not
errors); 2 with a Chinese message on stderr when the input cannot be judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from zhucun.policy import facts_json as read
from zhucun.policy.contacts import contact_checks
from zhucun.policy.errors import PolicyError
from zhucun.policy.evaluation import assess_reports, evaluate_cadre_year
from zhucun.policy.findings import findings_of
from zhucun.policy.leave import leave_route
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import parse_date
from zhucun.policy.teams import one_team_per_village, team_checks
from zhucun.policy.workdays import WorkCalendar


def evaluate(document: Any) -> dict[str, Any]:
    """The CLI's whole computation: JSON facts in, JSON-ready results out."""
    document = read.obj(document, "输入")
    settings = read.obj(document.get("parameters") or {}, "parameters")
    county = settings.get("county")
    book = ParameterBook(county=county, overrides=read.overrides(settings, county, "parameters"))
    output: dict[str, Any] = {}
    findings: list[dict[str, Any]] = []
    if settings.get("on") is not None:
        on = read.day(settings["on"], "parameters.on")
        output["parameters"] = {
            "county": county,
            "on": on.isoformat(),
            "in_force": [p.to_dict() for p in book.in_force(on)],
        }
    if "leave_requests" in document:
        output["leave_routes"] = [
            _leave(item, f"leave_requests[{index}]", book)
            for index, item in enumerate(read.items(document["leave_requests"], "leave_requests"))
        ]
    if "cadres" in document:
        year = document.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            raise PolicyError('year:评估驻村干部需要年份(整数),如 "year": 2025')
        today = read.day(read.required(document, "today", "输入"), "today")
        calendar = read.obj(document.get("calendar") or {}, "calendar")
        workdays = WorkCalendar(
            read.dates(calendar.get("holidays"), "calendar.holidays"),
            read.dates(calendar.get("adjusted_workdays"), "calendar.adjusted_workdays"),
        )
        people = [
            read.cadre(item, f"cadres[{index}]")
            for index, item in enumerate(read.items(document["cadres"], "cadres"))
        ]
        reports = [
            evaluate_cadre_year(
                person, year=year, today=today, is_workday=workdays.is_workday, book=book
            )
            for person in people
        ]
        output["cadres"] = [report.to_dict() for report in reports]
        findings += [f for report in output["cadres"] for f in report["findings"]]
        results = assess_reports(zip(people, reports, strict=True), year=year, book=book)
        if results:
            output["assessment"] = [result.to_dict() for result in results]
    if "households" in document:
        section = read.obj(document["households"], "households")
        today = read.day(read.required(document, "today", "输入"), "today")
        paired = read.pairings(section.get("pairings"), "households.pairings")
        rows = read.contact_rows(section.get("contacts"), "households.contacts")
        failed = contact_checks(
            paired,
            rows,
            today=today,
            book=book,
            since=read.optional_day(section, "from", "households"),
            until=read.optional_day(section, "to", "households"),
        )
        output["households"] = {
            "pairings": len(paired),
            "contacts": len(rows),
            "findings": len(failed),
        }
        findings += [finding.to_dict() for finding in findings_of(failed)]
    if "teams" in document:
        section = read.obj(document["teams"], "teams")
        on = read.day(read.required(section, "on", "teams"), "teams.on")
        known_units = read.units(section.get("units"), "teams.units")
        active = read.teams(section.get("teams"), "teams.teams")
        params = book.on(on)
        checks = [
            check
            for team in active
            for check in team_checks(team, known_units, params=params, period=on.isoformat())
        ]
        checks += one_team_per_village(
            ((team.id, team.village) for team in active), period=on.isoformat()
        )
        output["teams"] = [check.to_dict() for check in checks]
        findings += [finding.to_dict() for finding in findings_of(checks)]
    output["findings"] = findings
    return output


def _leave(item: Any, where: str, book: ParameterBook) -> dict[str, Any]:
    item = read.obj(item, where)
    start = read.day(read.required(item, "start", where), f"{where}.start")
    end = read.day(read.required(item, "end", where), f"{where}.end")
    submitted = read.optional_day(item, "submitted_on", where) or start
    route = leave_route(
        role=read.required(item, "role", where), start=start, end=end, params=book.on(submitted)
    )
    return {"id": item.get("id"), **route.to_dict()}


def _print(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zhucun.policy", description="驻村联户工作管理细则规则引擎"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate_parser = commands.add_parser("evaluate", help="按 JSON 事实评估规则")
    evaluate_parser.add_argument("file", help="JSON 文件路径,- 表示标准输入")
    parameters_parser = commands.add_parser("parameters", help="列出某日施行的参数")
    parameters_parser.add_argument("--on", required=True, help="日期 YYYY-MM-DD")
    parameters_parser.add_argument("--county", default=None, help="区县(只列市级参数时省略)")
    args = parser.parse_args(argv)
    try:
        if args.command == "parameters":
            on: date = parse_date(args.on)
            book = ParameterBook(county=args.county)
            _print(
                {
                    "county": args.county,
                    "on": on.isoformat(),
                    "in_force": [p.to_dict() for p in book.in_force(on)],
                }
            )
            return 0
        try:
            if args.file == "-":
                document = json.load(sys.stdin)
            else:
                with open(args.file, encoding="utf-8") as handle:
                    document = json.load(handle)
        except OSError as error:
            raise PolicyError(f"无法读取文件 {args.file}:{error.strerror}") from None
        except json.JSONDecodeError as error:
            raise PolicyError(
                f"JSON 格式错误(第{error.lineno}行第{error.colno}列):{error.msg}"
            ) from None
        _print(evaluate(document))
        return 0
    except (PolicyError, ValueError) as error:
        print(f"错误:{error}", file=sys.stderr)
        return 2

"""The registers offices print and hand up the line, for a region in the user's scope.

Each report is (title, headers, rows): the page prints it on A4 and the
.xlsx export (zhucun.exports.xlsx) writes the same rows. A bounded number of
queries whatever the region's size.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.utils.safestring import SafeString, mark_safe

from zhucun.accounts.scope import scoped
from zhucun.households.models import ContactKind, Pairing
from zhucun.org.identity import mask_phone
from zhucun.policy.calendar import CODES, DayCalendar, DayStatus, monthly_stationed_days_checks
from zhucun.policy.periods import month_end
from zhucun.stationing.calendar import books_for, facts_for, workday_test
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, Leave

from .figures import _in_region
from .markup import text

REPORTS = {
    "roster": "驻村工作队花名册",
    "leave": "请销假登记簿",
    "attendance": "驻村考勤月报表",
    "contacts": "联户帮扶情况登记簿",
}


@dataclass
class Report:
    name: str
    title: str
    headers: list[str]
    rows: list[tuple]
    personal: bool = False

    @property
    def table_body(self) -> SafeString:
        """The rows as the page's <tbody> writes them: numbered, one <td> a value.

        Written here, not by a template loop over every cell: a county's attendance
        register has ~1,000 cells at S=0.2 (~5,000 at S=1), and the template engine's
        per-cell lookup and localisation was half the page's time (docs/benchmarks-history.md).
        """
        return mark_safe(
            "".join(
                f"<tr><td>{text(i)}</td>" + "".join(f"<td>{text(v)}</td>" for v in row) + "</tr>"
                for i, row in enumerate(self.rows, start=1)
            )
        )


def _assignments(user, region, first: date, last: date):
    return (
        scoped(user, Assignment.objects.filter(start__lte=last))
        .filter(Q(end__isnull=True) | Q(end__gte=first), _in_region(region, "team__village__"))
        .exclude(role__in=NON_COUNTED_ROLES)
    )


def roster(user, region, first: date, today: date) -> Report:
    rows = (
        _assignments(user, region, today, today)
        .select_related("cadre__unit", "team__village__town")
        .order_by("team__village__town__name", "team__name", "role", "cadre__name")
    )
    return Report(
        "roster",
        f"{region.name}驻村工作队花名册({today:%Y年%m月%d日})",
        [
            "镇(街办)",
            "驻点村",
            "工作队",
            "姓名",
            "性别",
            "出生年月",
            "派出单位",
            "职级",
            "队内职务",
            "联系电话",
            "驻村开始",
            "计划结束",
            "党组织关系转入",
        ],
        [
            (
                a.team.village.town.name,
                a.team.village.name,
                a.team.name,
                a.cadre.name,
                a.cadre.get_gender_display(),
                f"{a.cadre.birth_date:%Y.%m}",
                a.cadre.unit.name,
                a.cadre.get_rank_display(),
                a.get_role_display(),
                mask_phone(a.cadre.phone),
                a.start,
                a.planned_end,
                a.party_transferred_on or "未转入",
            )
            for a in rows
        ],
        personal=True,
    )


def leave(user, region, first: date, today: date) -> Report:
    last = month_end(first)
    leaves = (
        scoped(user, Leave.objects.filter(start__lte=last, end__gte=first))
        .filter(_in_region(region, "assignment__team__village__"))
        .select_related("cadre__unit", "approval", "assignment__team__village__town")
        .order_by("start", "pk")
    )
    return Report(
        "leave",
        f"{region.name}请销假登记簿({first:%Y年%m月})",
        [
            "姓名",
            "单位",
            "镇(街办)",
            "工作队",
            "离村日期",
            "返村前最后一天",
            "天数",
            "事由",
            "审批状态",
            "销假",
        ],
        [
            (
                lv.cadre.name,
                lv.cadre.unit.name,
                lv.assignment.team.village.town.name,
                lv.assignment.team.name,
                lv.start,
                lv.end,
                lv.days,
                lv.reason,
                lv.approval.get_state_display(),
                f"{lv.returned_on}返村" if lv.returned_on else "未销假",
            )
            for lv in leaves
        ],
    )


STATUS_COLUMNS = (
    (DayStatus.STATIONED, "在村"),
    (DayStatus.OFFICIAL, "因公外出"),
    (DayStatus.LEAVE, "请假"),
    (DayStatus.REST, "休息"),
    (DayStatus.ABSENT, "无故缺勤"),
    (DayStatus.UNKNOWN, "尚未发生"),
)


def _month_of_calendar(county_of: dict[int, int], first: date, last: date, today: date) -> dict:
    """cadre id → (the month's status codes, its 第十六条 check), from the month's facts only.

    The sheet shows one month: the calendar's facts are read for that month
    (not the year attendance_for judges) and the policy's monthly rule judges
    them with the parameters of the county the cadre is stationed in there
    (`county_of`: cadre id → county id).
    """
    if not county_of:
        return {}
    facts = facts_for(list(county_of), first, last)
    # The month's days and working days are the same for every cadre: worked out once
    # (day_statuses would redo them per cadre).
    calendar = DayCalendar(first, last, workday_test(first, last))
    books = books_for(county_of.values())
    found = {}
    for cadre_id, f in facts.items():
        codes = calendar.codes(f, today=today)
        checks = monthly_stationed_days_checks(
            calendar.statuses_of(codes),
            assignments=f.assignments,
            subject=f"cadre:{cadre_id}",
            first=first,
            last=last,
            today=today,
            book=books[county_of[cadre_id]],
        )
        found[cadre_id] = (codes, checks[0] if checks else None)
    return found


def attendance(user, region, first: date, today: date) -> Report:
    last = month_end(first)
    # Plain values, not model instances: one row a cadre, read for its names only.
    assignments = (
        _assignments(user, region, first, last)
        .order_by("team__village__town__name", "team__name", "cadre__name", "pk")
        .values_list(
            "cadre_id",
            "team__village__county_id",
            "team__village__town__name",
            "team__name",
            "cadre__name",
            "cadre__unit__name",
        )
    )
    county_of, members = {}, []
    for cadre_id, county_id, *names in assignments:
        if cadre_id not in county_of:
            county_of[cadre_id] = county_id
            members.append((cadre_id, names))
    months = _month_of_calendar(county_of, first, last, today)
    rows = []
    for cadre_id, names in members:
        codes, check = months[cadre_id]
        # A status's days are its code's count in the month's codes (NOT_ASSIGNED days
        # are no status), as a count over day_statuses' values gave them.
        counts = {s: codes.count(CODES[s]) for s, _l in STATUS_COLUMNS}
        stationed = counts[DayStatus.STATIONED] + counts[DayStatus.OFFICIAL]
        if check is None:
            verdict = "—"
        elif check.passed is None:
            verdict = "本月未结束"
        else:
            verdict = "达标" if check.passed else "未达标"
        rows.append(
            (
                *names,
                *(counts[s] for s, _l in STATUS_COLUMNS),
                stationed,
                check.evidence["required_days"] if check else "—",
                verdict,
            )
        )
    return Report(
        "attendance",
        f"{region.name}驻村考勤月报表({first:%Y年%m月},第十六条)",
        [
            "镇(街办)",
            "工作队",
            "姓名",
            "单位",
            *(lab for _s, lab in STATUS_COLUMNS),
            "驻村合计",
            "要求天数",
            "是否达标",
        ],
        rows,
    )


def contacts(user, region, first: date, today: date) -> Report:
    last = month_end(first)
    in_month = Q(contacts__day__range=(first, last))
    pairings = (
        scoped(user, Pairing.objects.filter(start__lte=last))
        .filter(Q(end__isnull=True) | Q(end__gte=first), _in_region(region, "household__village__"))
        .annotate(
            inquiries=Count("contacts", filter=in_month & Q(contacts__kind=ContactKind.INQUIRY)),
            visits=Count("contacts", filter=in_month & Q(contacts__kind=ContactKind.VISIT)),
            latest=Max("contacts__day", filter=Q(contacts__day__lte=last)),
        )
        .order_by("household__village__town__name", "household__village__name", "household__code")
        .values_list(
            "household__code",
            "household__head_name",
            "household__village__town__name",
            "household__village__name",
            "cadre__name",
            "inquiries",
            "visits",
            "latest",
        )
    )
    return Report(
        "contacts",
        f"{region.name}联户帮扶情况登记簿({first:%Y年%m月},第二十条)",
        [
            "户编号",
            "户主",
            "镇(街办)",
            "村",
            "联户干部",
            "本月询问次数",
            "本月入户次数",
            "最近一次联系",
        ],
        [
            (code, f"{head}户", town, village, cadre, inq, vis, latest or "无")
            for code, head, town, village, cadre, inq, vis, latest in pairings
        ],
        personal=True,
    )


BUILDERS = {"roster": roster, "leave": leave, "attendance": attendance, "contacts": contacts}

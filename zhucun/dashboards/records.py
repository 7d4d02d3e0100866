"""The records behind each figure of a dashboard: the same sets the figure counts.

`records(board, figure, article=None) -> Listing` gives the title, headers and
rows a page shows and the .xlsx export writes, so a figure, its list and its
export agree by construction (tests check it).
"""

from dataclasses import dataclass

from django.urls import reverse

from zhucun.approvals.models import ApproverKind, Step
from zhucun.households.models import Household
from zhucun.org.models import Cadre
from zhucun.stationing.models import Team

from .figures import article_number

FIGURES = {
    "teams": "在驻工作队",
    "cadres": "在岗驻村干部",
    "on_track": "本月驻村天数达标(或可达标)的干部",
    "off_track": "本月驻村天数不达标的干部",
    "households": "结对贫困户",
    "missing": "本月联户未落实的贫困户",
    "findings": "未整改问题",
    "pending": "待审批事项",
    "to_assess": "年度考核对象",
    "scored": "年度考核已评分的干部",
    "finalised": "年度考核已定档的干部",
    "excellent": "年度考核定档为优秀的干部",
}
ASSESSMENT_FIGURES = ("to_assess", "scored", "finalised", "excellent")


@dataclass
class Listing:
    figure: str
    title: str
    headers: list[str]
    rows: list[tuple]
    links: list[str | None]  # a page per row, where there is one


def _cadre_rows(board, ids):
    cadres = (
        Cadre.objects.filter(pk__in=ids)
        .select_related("unit")
        .order_by("name", "pk")
        .values_list("pk", "name", "unit__name")
    )
    rows, links = [], []
    for pk, name, unit in cadres:
        stationed = board.stationed_days.get(pk)
        required = board.required_days.get(pk)
        rows.append(
            (
                name,
                unit,
                board.cadre_team_names.get(pk, ""),
                stationed if stationed is not None else "—",
                required if required is not None else "—",
            )
        )
        links.append(reverse("stationing:cadre_month", args=[pk]) + f"?month={board.first:%Y-%m}")
    return ["姓名", "单位", "工作队", "本月驻村天数", "本月要求天数"], rows, links


def _assessment_rows(board, ids):
    total = board.total
    cadres = (
        Cadre.objects.filter(pk__in=ids)
        .order_by("name", "pk")
        .values_list("pk", "name", "unit__name")
    )
    rows, links = [], []
    for pk, name, unit in cadres:
        if pk in total.finalised:
            state = "已定档"
        elif pk in total.scored:
            state = "已评分,待定档"
        else:
            state = "待录入评分或工作队意见"
        rows.append((name, unit, state, "优秀" if pk in total.excellent else ""))
        links.append(reverse("assessment:explain", args=[board.assessment_year, pk]))
    return ["姓名", "单位", "考核进度", "等次"], rows, links


def records(board, figure: str, article: str | None = None) -> Listing:
    total = board.total
    title = f"{total.name} · {board.first:%Y年%m月} · {FIGURES[figure]}"
    if figure == "teams":
        teams = (
            Team.objects.filter(pk__in=total.teams)
            .order_by("village__town__name", "name")
            .values_list("pk", "name", "village__town__name", "village__name", "lead_unit__name")
        )
        rows = [(name, town, village, unit) for _pk, name, town, village, unit in teams]
        links = [reverse("stationing:team_detail", args=[pk]) for pk, *_ in teams]
        headers = ["工作队", "镇(街办)", "驻点村", "牵头单位"]
    elif figure in ("cadres", "on_track", "off_track"):
        headers, rows, links = _cadre_rows(board, getattr(total, figure))
    elif figure in ("households", "missing"):
        households = (
            Household.objects.filter(pk__in=getattr(total, figure))
            .order_by("village__town__name", "village__name", "code")
            .values_list("pk", "code", "head_name", "village__town__name", "village__name")
        )
        rows = [(code, f"{head}户", town, village) for _pk, code, head, town, village in households]
        links = [reverse("households:household_detail", args=[pk]) for pk, *_ in households]
        headers = ["户编号", "户主", "镇(街办)", "村"]
    elif figure == "findings":
        found = [f for f in total.findings if article is None or f.article == article]
        if article:
            title += f"({article})"
        found.sort(key=lambda f: (article_number(f.article), f.subject))
        rows = [
            (f.article, board.team_names.get(f.team_id, ""), f.subject, f.message) for f in found
        ]
        links = [None] * len(rows)
        headers = ["依据", "工作队", "对象", "问题"]
    elif figure in ASSESSMENT_FIGURES:
        if board.assessment_year is None:
            raise KeyError(figure)
        title = f"{total.name} · {board.assessment_year}年度 · {FIGURES[figure]}"
        headers, rows, links = _assessment_rows(board, getattr(total, figure))
    elif figure == "pending":
        steps = (
            Step.objects.filter(pk__in=total.pending)
            .order_by("request__submitted_at", "pk")
            .values_list(
                "request_id",
                "request__title",
                "request__cadre__name",
                "request__team__name",
                "approver_kind",
                "request__submitted_at",
            )
        )
        rows = [
            (title_, cadre or "", team or "", ApproverKind(kind).label, submitted)
            for _r, title_, cadre, team, kind, submitted in steps
        ]
        links = [reverse("approvals:detail", args=[r]) for r, *_ in steps]
        headers = ["事项", "干部", "工作队", "待审批人", "提交时间"]
    else:
        raise KeyError(figure)
    return Listing(figure, title, headers, rows, links)

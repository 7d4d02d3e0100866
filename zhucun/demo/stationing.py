"""Demo stationing: a year of check-ins, official business, leave in every state and duty rosters.

Most cadres keep the rules; a few do not, so the pages have something to
show: one in twenty has a 17-day absence spell (第三十五条(四)), one in
twenty a month under 20 stationed days (第十六条). The demo logins find
pending leave to decide: the leader a member's short leave, the town a
member's long leave, the county the leader's long leave.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from zhucun.accounts.models import User
from zhucun.approvals.models import (
    Action,
    ApproverKind,
    Copy,
    CopyPurpose,
    Request,
    RequestState,
    Step,
    StepState,
)
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import (
    LEADER_ROLES,
    NON_COUNTED_ROLES,
    Assignment,
    CheckIn,
    DutyDay,
    Leave,
    OfficialBusiness,
    OfficialKind,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = timedelta(days=1)
BUSINESS = [
    (OfficialKind.TRAINING, "县驻村干部专题轮训", "县委党校"),
    (OfficialKind.MEETING, "全县驻村工作队队长会议", "县扶贫办"),
    (OfficialKind.TRIP, "赴市农业农村局协调产业项目", "西安市"),
    (OfficialKind.MEETING, "镇脱贫攻坚推进会", "镇政府"),
    (OfficialKind.TRIP, "到派出单位汇报工作", "派出单位"),
]
REASONS = ["家中老人住院", "孩子开家长会", "本人体检", "处理家事", "回单位办理手续", "身体不适就医"]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI)


class DemoStationing:
    def __init__(self, rng: random.Random, today: date, teams, logins: dict[str, User]):
        self.rng = rng
        self.today = today
        self.teams = teams
        self.logins = logins
        self.first = today - timedelta(days=365)
        self.off = non_working_days(self.first, today + timedelta(days=62))
        self.check_ins, self.business, self.duty = [], [], []
        self.requests, self.steps, self.leaves, self.copies = [], [], [], []

    def build(self) -> dict[str, int]:
        assignments = list(
            Assignment.objects.filter(team__in=self.teams)
            .exclude(role__in=NON_COUNTED_ROLES)
            .select_related("cadre", "team__village")
            .order_by("team_id", "role", "pk")
        )
        by_team: dict[int, list[Assignment]] = {}
        for a in assignments:
            by_team.setdefault(a.team_id, []).append(a)
        for team in self.teams:
            self._roster(team, by_team.get(team.pk, []))
        duty_days = {(d.cadre_id, d.day) for d in self.duty}
        # The demo logins' team shows one of each problem too (not on the logins themselves).
        demo_users = {u.pk for u in self.logins.values()}
        demo_team = next((a.team_id for a in assignments if a.cadre.user_id in demo_users), None)
        others = [a for a in by_team.get(demo_team, []) if a.cadre.user_id not in demo_users]
        forced = dict(zip([a.pk for a in others], ["spell", "short_month"], strict=False))
        for i, a in enumerate(assignments):
            profile = "spell" if i % 20 == 7 else "short_month" if i % 20 == 13 else "good"
            self._days(a, forced.get(a.pk, profile), duty_days)
        self._demo_team_leave(by_team)
        self._save()
        return {
            "check_ins": len(self.check_ins),
            "official_business": len(self.business),
            "leaves": len(self.leaves),
            "duty_days": len(self.duty),
        }

    # -- duty roster: weekends and holidays in turn, one cadre a day ---------------------
    def _roster(self, team, members):
        if not members:
            return
        turn = 0
        day = max(self.first, team.formed_on)
        last = (self.today.replace(day=1) + timedelta(days=62)).replace(day=1) - ONE_DAY
        while day <= last:
            if day in self.off:
                on_post = [a for a in members if a.active_on(day)]
                if on_post:
                    a = on_post[turn % len(on_post)]
                    self.duty.append(DutyDay(team=team, cadre_id=a.cadre_id, day=day))
                    turn += 1
            day += ONE_DAY

    # -- one cadre's year ----------------------------------------------------------------
    def _days(self, a: Assignment, profile: str, duty_days):
        start = max(a.start, self.first)
        end = min(a.end or self.today, self.today - ONE_DAY)
        if start > end:
            return
        rng = self.rng
        skip: set[date] = set()
        if profile == "spell":  # 17 days away with no record (第三十五条(四))
            spell_start = start + timedelta(days=rng.randint(30, max(31, (end - start).days - 20)))
            skip.update(spell_start + timedelta(days=k) for k in range(17))
        elif profile == "short_month":  # one month with about 15 stationed days (第十六条)
            month = start + timedelta(days=rng.randint(40, max(41, (end - start).days - 10)))
            month = month.replace(day=1)
            workdays = [
                month + timedelta(days=k)
                for k in range(28)
                if month + timedelta(days=k) not in self.off
            ]
            skip.update(rng.sample(workdays, min(len(workdays), 7)))
            # ...and no weekend or holiday in the village that month.
            skip.update(
                month + timedelta(days=k)
                for k in range(28)
                if month + timedelta(days=k) in self.off
            )
        away: set[date] = set()
        # Official business: about one or two short trips a month and one 5-day training.
        day = start
        while day <= end:
            if rng.random() < 0.05 and day not in skip:
                kind, what, where = rng.choice(BUSINESS)
                length = 5 if kind == OfficialKind.TRAINING else rng.randint(1, 2)
                last = min(day + timedelta(days=length - 1), end)
                span = {day + timedelta(days=k) for k in range((last - day).days + 1)}
                if span & skip:
                    day += ONE_DAY
                    continue
                self.business.append(
                    OfficialBusiness(
                        cadre_id=a.cadre_id,
                        assignment=a,
                        kind=kind,
                        start=day,
                        end=last,
                        what=what,
                        where=where,
                        created_at=_at(day, 18, 0),
                    )
                )
                away |= span
                day = last + timedelta(days=3)
                continue
            day += ONE_DAY
        # Approved leave: two or three short leaves a year, reported back.
        for _ in range(rng.randint(2, 3)):
            first = start + timedelta(days=rng.randint(0, max(0, (end - start).days - 5)))
            length = rng.randint(1, 3)
            days = {first + timedelta(days=k) for k in range(length)}
            if days & away or days & skip:
                continue
            away |= days
            self._leave(a, first, first + timedelta(days=length - 1), "approved")
        day = start
        while day <= end:
            due = day not in self.off or (a.cadre_id, day) in duty_days
            present = due or rng.random() < 0.6  # many weekends and holidays in the village anyway
            if present and day not in away and day not in skip and rng.random() < 0.97:
                backfilled = rng.random() < 0.02
                self.check_ins.append(
                    CheckIn(
                        cadre_id=a.cadre_id,
                        assignment=a,
                        day=day,
                        at=_at(day, rng.randint(7, 10), rng.randint(0, 59))
                        if not backfilled
                        else _at(day + ONE_DAY, 9, 0),
                        backfilled=backfilled,
                        reason="手机没电,次日补签" if backfilled else "",
                    )
                )
            day += ONE_DAY

    # -- leave through the approval engine's tables --------------------------------------
    def _route(self, a: Assignment, days: int):
        village = a.team.village
        if a.role in LEADER_ROLES:
            if days <= 7:
                return [(ApproverKind.TOWN, Action.APPROVE, {"region_id": village.town_id})]
            return [
                (ApproverKind.TOWN, Action.CONSENT, {"region_id": village.town_id}),
                (ApproverKind.COUNTY, Action.APPROVE, {"region_id": village.county_id}),
            ]
        if days <= 3:
            return [(ApproverKind.TEAM_LEADER, Action.APPROVE, {"team_id": a.team_id})]
        return [
            (ApproverKind.TEAM_LEADER, Action.CONSENT, {"team_id": a.team_id}),
            (ApproverKind.TOWN, Action.APPROVE, {"region_id": village.town_id}),
        ]

    def _leave(self, a, start, end, outcome, decided=None, returned=True, requester=None):
        """outcome: approved | rejected | withdrawn | pending; `decided` steps decided so far."""
        days = (end - start).days + 1
        route = self._route(a, days)
        submitted = _at(start - timedelta(days=2), 20, 0)
        state = {
            "approved": RequestState.APPROVED,
            "rejected": RequestState.REJECTED,
            "withdrawn": RequestState.WITHDRAWN,
            "pending": RequestState.PENDING,
        }[outcome]
        request = Request(
            kind="leave",
            title=f"{a.cadre.name}请假{days}天({start:%m月%d日}至{end:%m月%d日})",
            summary=f"事由:{self.rng.choice(REASONS)}",
            requester=requester or self.logins.get("member"),
            cadre_id=a.cadre_id,
            team_id=a.team_id,
            state=state,
            article="第十六条",
            explanation="按第十六条:队员3天以内由队长批准,3天以上经队长同意报镇(街办)批准;"
            "队长一周以内报镇(街办)批准,一周以上经镇(街办)同意报县级领导小组批准",
            submitted_at=submitted,
            decided_at=None if outcome == "pending" else submitted + timedelta(hours=20),
        )
        decided = len(route) if outcome == "approved" else (decided or 0)
        steps = []
        for i, (kind, action, body) in enumerate(route):
            if outcome == "withdrawn":
                step_state = StepState.CANCELLED
            elif i < decided:
                step_state = StepState.APPROVED
            elif i == decided and outcome == "rejected":
                step_state = StepState.REJECTED
            elif i == decided and outcome == "pending":
                step_state = StepState.PENDING
            elif outcome == "rejected":
                step_state = StepState.CANCELLED
            else:
                step_state = StepState.WAITING
            done = step_state in (StepState.APPROVED, StepState.REJECTED)
            steps.append(
                Step(
                    position=i,
                    approver_kind=kind,
                    action=action,
                    state=step_state,
                    decided_at=submitted + timedelta(hours=10 * (i + 1)) if done else None,
                    comment="村里工作安排好了再走" if step_state == StepState.REJECTED else "",
                    **body,
                )
            )
        leave = Leave(
            cadre_id=a.cadre_id,
            assignment=a,
            start=start,
            end=end,
            reason=request.summary[3:],
            returned_on=end + ONE_DAY if outcome == "approved" and returned else None,
            reported_back_at=_at(end + ONE_DAY, 9, 0)
            if outcome == "approved" and returned
            else None,
            created_at=submitted,
        )
        self.requests.append(request)
        self.steps.append(steps)
        self.leaves.append(leave)
        self.copies.append(a.cadre.unit_id)

    def _demo_team_leave(self, by_team):
        """Pending leave for the demo logins, and one of each other state on the demo team."""
        member_user, leader_user = self.logins.get("member"), self.logins.get("leader")
        if member_user is None or leader_user is None:
            return
        team_id = Assignment.objects.get(cadre__user=leader_user, end__isnull=True).team_id
        members = by_team[team_id]
        leader = next(a for a in members if a.cadre.user_id == leader_user.pk)
        member = next(a for a in members if a.cadre.user_id == member_user.pk)
        others = [a for a in members if a not in (leader, member)] or [member]
        soon = self.today + timedelta(days=3)
        self._leave(member, soon, soon + timedelta(days=1), "pending", requester=member_user)
        self._leave(
            others[0],
            soon + timedelta(days=7),
            soon + timedelta(days=11),
            "pending",
            decided=1,
            requester=member_user,
        )
        self._leave(
            leader,
            soon + timedelta(days=20),
            soon + timedelta(days=29),
            "pending",
            decided=1,
            requester=leader_user,
        )
        self._leave(
            leader,
            soon + timedelta(days=40),
            soon + timedelta(days=41),
            "pending",
            requester=leader_user,
        )
        past = self.today - timedelta(days=40)
        self._leave(
            member, past, past + timedelta(days=4), "rejected", decided=1, requester=member_user
        )
        self._leave(
            member,
            past + timedelta(days=10),
            past + timedelta(days=10),
            "withdrawn",
            requester=member_user,
        )

    def _save(self):
        DutyDay.objects.bulk_create(self.duty, batch_size=5000)
        CheckIn.objects.bulk_create(self.check_ins, batch_size=5000)
        OfficialBusiness.objects.bulk_create(self.business, batch_size=5000)
        fallback = self.logins.get("member") or User.objects.order_by("pk").first()
        for request in self.requests:
            request.requester = request.requester or fallback
        Request.objects.bulk_create(self.requests, batch_size=2000)
        steps = []
        for request, request_steps in zip(self.requests, self.steps, strict=True):
            for step in request_steps:
                step.request = request
                steps.append(step)
        Step.objects.bulk_create(steps, batch_size=5000)
        for request, leave in zip(self.requests, self.leaves, strict=True):
            leave.approval = request
        Leave.objects.bulk_create(self.leaves, batch_size=2000)
        leave_type = ContentType.objects.get_for_model(Leave)
        for request, leave in zip(self.requests, self.leaves, strict=True):
            request.subject_type = leave_type
            request.subject_id = leave.pk
        Request.objects.bulk_update(self.requests, ["subject_type", "subject_id"], batch_size=2000)
        Copy.objects.bulk_create(
            [
                Copy(request=r, purpose=CopyPurpose.COPY, unit_id=u, created_at=r.submitted_at)
                for r, u in zip(self.requests, self.copies, strict=True)
            ],
            batch_size=5000,
        )


def build_stationing(*, rng: random.Random, today: date, teams, logins) -> dict[str, int]:
    return DemoStationing(rng, today, teams, logins).build()

"""Demo data for the fund, allowances, training and care (第十八、二十四至二十九条).

Called by the city builder after the logins exist. Everything is bulk-created
and deterministic (the builder's random generator). The signers of expenses
need accounts: each team's leader and handling member and each town's mayor
get one with an unusable password (they are not demo logins); the demo town's
mayor is the login `mayor`.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from zhucun.accounts.models import Position, User
from zhucun.accounts.roles import Duty, Role
from zhucun.allowances.models import AllowanceRate, CoverKind, CoverRecord, Injury, MedicalClaim
from zhucun.approvals.models import Action, ApproverKind, Request, RequestState, Step, StepState
from zhucun.care.models import ExemplaryCase, ReportHearing, Talk, TalkerLevel, UnitHeadVisit
from zhucun.funds.entitlement import entitlement_for
from zhucun.funds.models import (
    Allocation,
    Category,
    EntryKind,
    Expense,
    Ledger,
    LedgerEntry,
    Source,
)
from zhucun.org.models import Cadre
from zhucun.policy.parameters import ParameterBook
from zhucun.stationing.models import LEADER_ROLES, Assignment, AssignmentRole, OfficialBusiness
from zhucun.training.models import Kind, Level, Participant, TrainingEvent

RECEIPT_NAME = "receipts/demo/receipt.pdf"
RECEIPT = b"%PDF-1.4\n% zhucun demo receipt\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WHAT = {
    Category.OFFICE_SUPPLIES: ["打印纸、墨盒", "文件盒、笔记本", "会议桌椅维修"],
    Category.INTERNET: ["村委会办公宽带年费", "宽带月费"],
    Category.PRINTING: ["政策宣传资料印制", "入户登记表复印"],
    Category.EQUIPMENT: ["激光打印机", "移动硬盘"],
    Category.POSTAGE: ["材料邮寄费"],
}


def _at(day: date, hour: int = 10):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))


class CadreSupport:
    def __init__(self, builder):
        self.b = builder
        self.rng = builder.rng
        self.today = builder.today
        self.year = self.today.year
        self.teams = builder.teams

    def build(self):
        self._accounts()
        self._funds()
        self._allowances()
        self._trainings()
        self._care()

    # -- accounts of the signers ----------------------------------------------------
    def _accounts(self):
        rows = Assignment.objects.filter(team__in=self.teams, end__isnull=True).values_list(
            "team_id", "cadre_id", "role"
        )
        self.leader_of, self.handler_of = {}, {}
        for team_id, cadre_id, role in rows.order_by("pk"):
            if role in LEADER_ROLES:
                self.leader_of.setdefault(team_id, cadre_id)
            elif role == AssignmentRole.MEMBER:
                self.handler_of.setdefault(team_id, cadre_id)
        cadres = Cadre.objects.in_bulk(
            list(self.leader_of.values()) + list(self.handler_of.values())
        )
        new = [c for c in cadres.values() if c.user_id is None]
        users = [User(username=f"cadre{c.pk}", full_name=c.name) for c in new]
        for user in users:
            user.set_unusable_password()
        User.objects.bulk_create(users)
        for cadre, user in zip(new, users, strict=True):
            cadre.user = user
        Cadre.objects.bulk_update(new, ["user"])
        self.user_of_cadre = {c.pk: c.user_id for c in cadres.values()}

        towns = {t.village.town_id: t.village.town for t in self.teams}
        demo_town = next(t for t in self.teams if t.village.county.name == "周至县").village.town_id
        mayors = {}
        fresh = []
        for town_id, town in sorted(towns.items()):
            if town_id == demo_town:
                user = self.b._user("mayor", "孟镇长")
                from zhucun.demo.city import DemoLogin

                self.b.result.logins.append(DemoLogin("mayor", Role.TOWN, "孟镇长", town.name))
            else:
                user = User(username=f"mayor{town_id}", full_name=f"{town.name}镇长")
                user.set_unusable_password()
                fresh.append(user)
            mayors[town_id] = user
        User.objects.bulk_create(fresh)
        Position.objects.bulk_create(
            [
                Position(user=u, role=Role.TOWN, duty=Duty.MAYOR, region_id=town_id)
                for town_id, u in mayors.items()
            ]
        )
        self.mayor_of_town = {town_id: u.pk for town_id, u in mayors.items()}

    # -- 第二十四、二十五条 ------------------------------------------------------------
    def _funds(self):
        path = Path(settings.MEDIA_ROOT) / RECEIPT_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(RECEIPT)
        now = timezone.now()
        parts = entitlement_for(self.year, ParameterBook()).parts_fen
        ledgers = [Ledger(team=t, created_at=_at(t.formed_on)) for t in self.teams]
        Ledger.objects.bulk_create(ledgers)
        county_user = User.objects.get(username="county")
        allocations = []
        for ledger, team in zip(ledgers, self.teams, strict=True):
            for year in (self.year - 1, self.year):
                for source, month in ((Source.PROVINCE, 2), (Source.CITY, 4), (Source.COUNTY, 6)):
                    day = date(year, month, 15)
                    if day > self.today or day < team.formed_on:
                        continue
                    allocations.append(
                        Allocation(
                            ledger=ledger,
                            year=year,
                            source=source,
                            amount_fen=parts[source],
                            disbursed_on=day,
                            town_id=team.village.town_id,
                            document_no=f"{team.village.county.name[:2]}财农〔{year}〕{month}号",
                            recorded_by=county_user,
                            created_at=_at(day),
                        )
                    )
        Allocation.objects.bulk_create(allocations)

        # Expenses: booked ones through the year; the demo team also has one in every other state.
        kind = ContentType.objects.get_for_model(Expense)
        requests, steps_of, expenses = [], [], []
        demo_team = next(t for t in self.teams if t.village.county.name == "周至县")
        for ledger, team in zip(ledgers, self.teams, strict=True):
            handler = self.handler_of.get(team.pk)
            leader = self.leader_of.get(team.pk)
            if handler is None or leader is None:
                continue
            states = ["booked"] * self.rng.randint(3, 6)
            if team is demo_team:
                states += ["at_leader", "at_mayor", "rejected", "withdrawn"]
            for state in states:
                category = self.rng.choice(list(Category))
                spent = self.today - timedelta(days=self.rng.randint(3, 300))
                if spent < max(team.formed_on, date(self.year - 1, 3, 1)):
                    spent = self.today - timedelta(days=self.rng.randint(3, 20))
                amount = self.rng.randint(30, 900) * 100 + self.rng.choice([0, 50])
                what = self.rng.choice(WHAT[category])
                submitted = _at(spent, 16)
                request = Request(
                    kind="fund_expense",
                    title=f"{team.village.name}工作经费报账 {amount / 100:.2f}元({category.label})",
                    summary=f"{spent:%Y-%m-%d} {what}",
                    requester_id=self.user_of_cadre[handler],
                    cadre_id=handler,
                    team=team,
                    state={
                        "booked": RequestState.APPROVED,
                        "rejected": RequestState.REJECTED,
                        "withdrawn": RequestState.WITHDRAWN,
                    }.get(state, RequestState.PENDING),
                    article="第二十五条",
                    explanation="驻村干部经手、驻村工作队长签字、镇长核签报账,核签后入账",
                    submitted_at=submitted,
                    subject_type=kind,
                )
                signed, countersigned = submitted + timedelta(days=1), submitted + timedelta(days=3)
                leader_user = self.user_of_cadre[leader]
                mayor_user = self.mayor_of_town[team.village.town_id]
                steps = {
                    "booked": [
                        (StepState.APPROVED, leader_user, signed, ""),
                        (StepState.APPROVED, mayor_user, countersigned, ""),
                    ],
                    "at_leader": [
                        (StepState.PENDING, None, None, ""),
                        (StepState.WAITING, None, None, ""),
                    ],
                    "at_mayor": [
                        (StepState.APPROVED, leader_user, signed, ""),
                        (StepState.PENDING, None, None, ""),
                    ],
                    "rejected": [
                        (StepState.APPROVED, leader_user, signed, ""),
                        (StepState.REJECTED, mayor_user, countersigned, "超出办公用品范围"),
                    ],
                    "withdrawn": [
                        (StepState.CANCELLED, None, None, ""),
                        (StepState.CANCELLED, None, None, ""),
                    ],
                }[state]
                if state != "at_leader" and state != "at_mayor":
                    request.decided_at = countersigned
                requests.append(request)
                steps_of.append((team, steps))
                expenses.append(
                    Expense(
                        ledger=ledger,
                        category=category,
                        amount_fen=amount,
                        spent_on=spent,
                        description=what,
                        handler_id=handler,
                        receipt=RECEIPT_NAME,
                        receipt_name="发票.pdf",
                        receipt_type="application/pdf",
                        booked_at=countersigned if state == "booked" else None,
                        created_at=submitted,
                    )
                )
        Request.objects.bulk_create(requests, batch_size=1000)
        steps = []
        for request, (team, specs) in zip(requests, steps_of, strict=True):
            for i, (state, actor, at, comment) in enumerate(specs):
                kind_, action, body = (
                    (ApproverKind.TEAM_LEADER, Action.SIGN, {"team": team})
                    if i == 0
                    else (
                        ApproverKind.TOWN_MAYOR,
                        Action.COUNTERSIGN,
                        {"region_id": team.village.town_id},
                    )
                )
                steps.append(
                    Step(
                        request=request,
                        position=i,
                        approver_kind=kind_,
                        action=action,
                        state=state,
                        actor_id=actor,
                        decided_at=at,
                        comment=comment,
                        **body,
                    )
                )
        Step.objects.bulk_create(steps, batch_size=2000)
        for request, expense in zip(requests, expenses, strict=True):
            expense.approval = request
        Expense.objects.bulk_create(expenses, batch_size=1000)
        for request, expense in zip(requests, expenses, strict=True):
            request.subject_id = expense.pk
        Request.objects.bulk_update(requests, ["subject_id"], batch_size=1000)

        # The ledger lines in booking order, never below zero (skip what the money does not cover).
        events = [(a.disbursed_on, _at(a.disbursed_on), a, None) for a in allocations]
        events += [(e.booked_at.date(), e.booked_at, None, e) for e in expenses if e.booked_at]
        balance = {ledger.pk: 0 for ledger in ledgers}
        entries = []
        for day, at, allocation, expense in sorted(events, key=lambda e: (e[1], e[2] is None)):
            ledger_id = (allocation or expense).ledger_id
            amount = allocation.amount_fen if allocation else -expense.amount_fen
            if balance[ledger_id] + amount < 0:
                continue
            balance[ledger_id] += amount
            entries.append(
                LedgerEntry(
                    ledger_id=ledger_id,
                    kind=EntryKind.ALLOCATION if allocation else EntryKind.EXPENSE,
                    booked_on=day,
                    amount_fen=amount,
                    balance_after_fen=balance[ledger_id],
                    allocation=allocation,
                    expense=expense,
                    booked_at=min(at, now),
                )
            )
        LedgerEntry.objects.bulk_create(entries, batch_size=2000)
        for ledger in ledgers:
            ledger.balance_fen = balance[ledger.pk]
        Ledger.objects.bulk_update(ledgers, ["balance_fen"], batch_size=1000)
        self.b.result.counts["fund_expenses"] = len(expenses)

    # -- 第二十七条 ----------------------------------------------------------------------
    def _allowances(self):
        hr = User.objects.get(username="unit")
        now = timezone.now()
        AllowanceRate.objects.bulk_create(
            [
                AllowanceRate(
                    unit=u,
                    effective_from=date(self.year - 1, 1, 1),
                    living_fen_per_day=8000,
                    transport_fen_per_week=6000,
                    communication_fen_per_month=10000,
                    set_by=hr,
                    created_at=now,
                )
                for u in self.b.units
            ]
        )
        stationed = Assignment.objects.filter(team__in=self.teams, end__isnull=True).exclude(
            role__in=[AssignmentRole.TOWN_CONTACT, AssignmentRole.VILLAGE_CADRE]
        )
        covers = []
        for cadre_id in sorted(set(stationed.values_list("cadre_id", flat=True))):
            for kind, chance in ((CoverKind.INSURANCE, 0.85), (CoverKind.EXAM, 0.7)):
                if self.rng.random() < chance:
                    done = date(self.year, self.rng.randint(1, max(1, self.today.month)), 10)
                    done = min(done, self.today)
                    covers.append(
                        CoverRecord(
                            cadre_id=cadre_id,
                            kind=kind,
                            year=self.year,
                            done_on=done,
                            valid_until=done + timedelta(days=364)
                            if kind == CoverKind.INSURANCE
                            else None,
                            note="中国人寿" if kind == CoverKind.INSURANCE else "市第一医院",
                            recorded_by=hr,
                            created_at=now,
                        )
                    )
        CoverRecord.objects.bulk_create(covers, batch_size=2000)
        self._medical_and_injuries(stationed, hr, now)

    def _medical_and_injuries(self, stationed, hr, now):
        """A few medical claims and injuries, within each cadre's posting; the member login has one."""
        member = User.objects.filter(username="member").values_list("cadre", flat=True).first()
        claims, injuries = [], []
        rng = random.Random(
            f"medical-{self.year}"
        )  # its own stream: the rest of the demo is unchanged
        for cadre_id, start in sorted(set(stationed.values_list("cadre_id", "start"))):
            first = max(start, date(self.year - 1, 1, 1))
            span = (self.today - first).days
            if span <= 0:
                continue
            if cadre_id == member or rng.random() < 0.06:
                day = first + timedelta(days=rng.randint(0, span - 1))
                amount = rng.randint(80, 2400) * 100
                paid = day + timedelta(days=20) < self.today
                claims.append(
                    MedicalClaim(
                        cadre_id=cadre_id,
                        incurred_on=day,
                        description=rng.choice(
                            ["入户途中扭伤就诊", "急性肠胃炎门诊", "感冒发热门诊"]
                        ),
                        amount_fen=amount,
                        reimbursed_fen=amount * 7 // 10 if paid else 0,
                        reimbursed_on=day + timedelta(days=20) if paid else None,
                        recorded_by=hr,
                        created_at=now,
                    )
                )
            if rng.random() < 0.015:
                injuries.append(
                    Injury(
                        cadre_id=cadre_id,
                        happened_on=first + timedelta(days=rng.randint(0, span - 1)),
                        description="雨后山路入户途中摔伤",
                        treatment="县医院治疗,已康复",
                        contact_person="单位组织人事科负责人",
                        recorded_by=hr,
                        created_at=now,
                    )
                )
        MedicalClaim.objects.bulk_create(claims, batch_size=2000)
        Injury.objects.bulk_create(injuries, batch_size=2000)
        self.b.result.counts["medical_claims"] = len(claims)

    # -- 第十八条 -------------------------------------------------------------------------
    def _trainings(self):
        county_user = User.objects.get(username="county")
        city_user = User.objects.get(username="city")
        now = timezone.now()
        by_county: dict[int, list] = {}
        for team in self.teams:
            by_county.setdefault(team.village.county_id, []).append(team)
        events, plans = [], []
        for year in (self.year - 1, self.year):
            city_start = date(year, 4, 13)
            if city_start < self.today:
                events.append(
                    TrainingEvent(
                        level=Level.CITY,
                        kind=Kind.DEMONSTRATION,
                        title=f"{year}年驻村第一书记示范培训",
                        organiser="市委组织部、市扶贫办",
                        region=self.b.city,
                        start=city_start,
                        end=city_start + timedelta(days=1),
                        place="西安市委党校",
                        created_by=city_user,
                        created_at=now,
                    )
                )
                plans.append(("leaders", None))
            for county_id, teams in sorted(by_county.items()):
                start = date(year, 9, 8) if year < self.year else date(year, 5, 11)
                if start >= self.today:
                    continue
                days = 5 if year < self.year else 3
                events.append(
                    TrainingEvent(
                        level=Level.COUNTY,
                        kind=Kind.ROTATION,
                        title=f"{year}年驻村工作队专题轮训",
                        organiser=f"{teams[0].village.county.name}驻村工作领导小组",
                        region_id=county_id,
                        start=start,
                        end=start + timedelta(days=days - 1),
                        place=f"{teams[0].village.county.name}委党校",
                        created_by=county_user,
                        created_at=now,
                    )
                )
                plans.append(("county", {t.pk for t in teams}))
        TrainingEvent.objects.bulk_create(events)
        assignments = list(
            Assignment.objects.filter(team__in=self.teams)
            .exclude(role__in=[AssignmentRole.TOWN_CONTACT, AssignmentRole.VILLAGE_CADRE])
            .order_by("pk")
        )
        participants, records = [], []
        for event, (who, team_ids) in zip(events, plans, strict=True):
            for a in assignments:
                if who == "leaders" and a.role not in LEADER_ROLES:
                    continue
                if team_ids is not None and a.team_id not in team_ids:
                    continue
                if a.start > event.start or (a.end and a.end < event.end):
                    continue
                if self.rng.random() < 0.08:  # some miss it: shortfalls show as findings
                    continue
                record = OfficialBusiness(
                    cadre_id=a.cadre_id,
                    assignment=a,
                    kind="training",
                    start=event.start,
                    end=event.end,
                    what=event.title,
                    where=event.place,
                    created_at=now,
                    created_by=event.created_by,
                )
                records.append(record)
                participants.append(Participant(event=event, cadre_id=a.cadre_id, attended_at=now))
        OfficialBusiness.objects.bulk_create(records, batch_size=2000)
        for p, r in zip(participants, records, strict=True):
            p.official_business = r
        Participant.objects.bulk_create(participants, batch_size=2000)
        self.b.result.counts["training_participants"] = len(participants)

    # -- 第二十八、二十九条 -----------------------------------------------------------------
    def _care(self):
        town_user = User.objects.get(username="town")
        unit_user = User.objects.get(username="unit")
        county_user = User.objects.get(username="county")
        now = timezone.now()
        talks, visits, hearings = [], [], []
        first = date(self.year - 1, 1, 1)
        for team in self.teams:
            cadres = [self.leader_of.get(team.pk), self.handler_of.get(team.pk)]
            for cadre_id in filter(None, cadres):
                for level, who in (
                    (TalkerLevel.TOWN, "镇党委书记"),
                    (TalkerLevel.UNIT, "单位主要负责人"),
                ):
                    day = self.today - timedelta(days=self.rng.randint(5, 200))
                    talks.append(
                        Talk(
                            cadre_id=cadre_id,
                            level=level,
                            talker=who,
                            held_on=day,
                            summary=self.rng.choice(
                                [
                                    "了解思想动态和家庭困难",
                                    "肯定成绩,提出下步要求",
                                    "协调解决办公住宿条件",
                                ]
                            ),
                            recorded_by=town_user if level == TalkerLevel.TOWN else unit_user,
                            created_at=now,
                        )
                    )
            month = max(first, team.formed_on).replace(day=1)
            while month < self.today.replace(day=1):
                if self.rng.random() < 0.88:  # a few missed months become findings (第二十八条)
                    visits.append(
                        UnitHeadVisit(
                            unit=team.lead_unit,
                            team=team,
                            visited_on=month + timedelta(days=self.rng.randint(2, 25)),
                            head_name="单位主要负责人",
                            guidance=self.rng.choice(
                                ["督促落实帮扶项目", "调研产业发展", "慰问驻村干部"]
                            ),
                            recorded_by=unit_user,
                            created_at=now,
                        )
                    )
                if month.month in (3, 6, 9, 12):
                    hearings.append(
                        ReportHearing(
                            unit=team.lead_unit,
                            team=team,
                            heard_on=month + timedelta(days=27),
                            summary="听取季度工作汇报,研究帮扶项目",
                            recorded_by=unit_user,
                            created_at=now,
                        )
                    )
                month = (month + timedelta(days=32)).replace(day=1)
        Talk.objects.bulk_create(talks, batch_size=2000)
        UnitHeadVisit.objects.bulk_create(visits, batch_size=2000)
        ReportHearing.objects.bulk_create(hearings, batch_size=2000)

        kind = ContentType.objects.get_for_model(ExemplaryCase)
        stories = [
            (
                "党建引领猕猴桃产业",
                "工作队推动成立合作社,带动贫困户种植猕猴桃,户均增收三千元。",
                True,
            ),
            ("“四支队伍”合力解决饮水难", "工作队协调水务部门新建水窖,全村安全饮水全覆盖。", True),
            ("电商助农打开销路", "第一书记开设网店,帮助农户销售土特产。", True),
            ("村集体经济破零", "盘活闲置校舍发展农家乐,村集体年收入五万元。", False),
        ]
        demo_county = [t for t in self.teams if t.village.county.name == "周至县"]
        for i, (title, body, published) in enumerate(stories):
            team = demo_county[i % len(demo_county)]
            request = Request.objects.create(
                kind="exemplary_case",
                title=f"典型案例:{title}",
                summary=body,
                requester=county_user,
                team=team,
                state=RequestState.APPROVED if published else RequestState.PENDING,
                article="第二十九条",
                explanation="典型案例经区县驻村工作领导小组审核后发布",
                submitted_at=now,
                decided_at=now if published else None,
                subject_type=kind,
            )
            Step.objects.create(
                request=request,
                position=0,
                approver_kind=ApproverKind.COUNTY,
                action=Action.APPROVE,
                region_id=team.village.county_id,
                state=StepState.APPROVED if published else StepState.PENDING,
                actor=county_user if published else None,
                decided_at=now if published else None,
            )
            case = ExemplaryCase.objects.create(
                title=title,
                body=body,
                team=team,
                region_id=team.village.county_id,
                author=county_user,
                approval=request,
                published_at=now if published else None,
                created_at=now,
            )
            request.subject_id = case.pk
            request.save(update_fields=["subject_id"])

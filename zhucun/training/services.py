"""Writes of 第十八条: training events, their participants and confirmed attendance."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.scope import scope_for, scoped
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre
from zhucun.stationing.models import Assignment, OfficialBusiness, OfficialKind
from zhucun.training.models import Kind, Level, Participant, TrainingEvent

ARTICLE = "第十八条"


def _organiser_region(user, level: str, region):
    scope = scope_for(user)
    ids = scope.city_ids if level == Level.CITY else scope.county_ids
    if region is None or region.pk not in ids:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "市级组织典型示范培训,县级组织专题轮训、现场观摩、经验交流(第十八条);"
            "请以本级身份登记。",
            article=ARTICLE,
        )


def event_create(
    *, user, level, kind, title, organiser, region, start: date, end: date, place, address=None
) -> TrainingEvent:
    if level not in Level.values:
        raise ServiceError(ErrorCode.INVALID, "请选择市级或区县级。", field="level")
    if kind not in Kind.values:
        raise ServiceError(ErrorCode.INVALID, "请选择培训方式。", field="kind")
    _organiser_region(user, level, region)
    title, organiser, place = (v.strip() for v in (title or "", organiser or "", place or ""))
    for field, value, label in (
        ("title", title, "培训名称"),
        ("organiser", organiser, "主办单位"),
        ("place", place, "地点"),
    ):
        if not value:
            raise ServiceError(ErrorCode.INVALID, f"请填写{label}。", field=field)
    if end < start:
        raise ServiceError(ErrorCode.INVALID, "结束日期不能早于开始日期。", field="end")
    with transaction.atomic():
        event = TrainingEvent.objects.create(
            level=level,
            kind=kind,
            title=title[:100],
            organiser=organiser[:60],
            region=region,
            start=start,
            end=end,
            place=place[:100],
            created_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="training.create",
            obj=event,
            address=address,
            detail={"level": level, "start": str(start), "end": str(end)},
        )
    return event


def _check_organiser(user, event: TrainingEvent) -> None:
    _organiser_region(user, event.level, event.region)


def participants_add(*, user, event: TrainingEvent, cadre_ids, address=None) -> int:
    """Enrol cadres the organiser may see and who are stationed during the training."""
    _check_organiser(user, event)
    ids = sorted({int(i) for i in cadre_ids})
    stationed = (
        Assignment.objects.filter(start__lte=event.end)
        .filter(Q(end__isnull=True) | Q(end__gte=event.start))
        .values("cadre_id")
    )
    allowed = set(
        scoped(user, Cadre.objects.filter(pk__in=ids))
        .filter(pk__in=stationed)
        .values_list("pk", flat=True)
    )
    missing = [i for i in ids if i not in allowed]
    if missing:
        raise ServiceError(
            ErrorCode.INVALID,
            f"有{len(missing)}名干部不在您的管辖范围或培训期间不在驻村任职中。",
            field="cadres",
        )
    with transaction.atomic():
        created = Participant.objects.bulk_create(
            [Participant(event=event, cadre_id=i) for i in ids], ignore_conflicts=True
        )
        log.record(
            actor=user, event="training.enrol", obj=event, address=address, detail={"cadres": ids}
        )
    return len(created)


def attendance_confirm(*, user, event: TrainingEvent, cadre_ids, today=None, address=None) -> int:
    """The organiser confirms who attended; each one's days go into their calendar as training.

    A cadre who already recorded this training as official business keeps that
    record (it is linked, not doubled); any other official business on those days
    is a clash, refused with the dates.
    """
    _check_organiser(user, event)
    today = today or timezone.localdate()
    if event.start > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "培训开始后才能确认参训。", field="cadres")
    ids = {int(i) for i in cadre_ids}
    now = timezone.now()
    confirmed = 0
    with transaction.atomic():
        participants = list(
            Participant.objects.select_for_update()
            .filter(event=event, cadre_id__in=ids, attended_at__isnull=True)
            .select_related("cadre")
        )
        for participant in participants:
            cadre = participant.cadre
            assignment = (
                Assignment.objects.filter(cadre=cadre, start__lte=event.end)
                .filter(Q(end__isnull=True) | Q(end__gte=event.start))
                .order_by("-start")
                .first()
            )
            if assignment is None:
                raise ServiceError(
                    ErrorCode.OUTSIDE_ASSIGNMENT,
                    f"{cadre.name}培训期间不在驻村任职中。",
                    field="cadres",
                )
            start = max(event.start, assignment.start)
            end = min(event.end, assignment.end or event.end)
            clash = OfficialBusiness.objects.filter(
                cadre=cadre, start__lte=end, end__gte=start
            ).first()
            if clash is not None and not (
                clash.kind == OfficialKind.TRAINING
                and clash.start == start
                and clash.end == end
                and not hasattr(clash, "training_participant")
            ):
                raise ServiceError(
                    ErrorCode.OVERLAP,
                    f"{cadre.name}在{clash.start}至{clash.end}已登记{clash.get_kind_display()},"
                    "与本次培训时间重叠,请核实。",
                    field="cadres",
                )
            record = clash or OfficialBusiness.objects.create(
                cadre=cadre,
                assignment=assignment,
                kind=OfficialKind.TRAINING,
                start=start,
                end=end,
                what=event.title[:200],
                where=event.place[:100],
                created_at=now,
                created_by=user,
            )
            participant.official_business = record
            participant.attended_at = now
            participant.save(update_fields=["official_business", "attended_at"])
            confirmed += 1
        log.record(
            actor=user,
            event="training.attendance",
            obj=event,
            address=address,
            detail={"cadres": sorted(p.cadre_id for p in participants)},
        )
    return confirmed

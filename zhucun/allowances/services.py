"""Writes of 第二十七条: the unit's allowance rates and its cadres' cover records."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.allowances.models import AllowanceRate, CoverKind, CoverRecord, Injury, MedicalClaim
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

ARTICLE = "第二十七条"


def _unit_officer(user, unit_id) -> None:
    if unit_id not in scope_for(user).unit_ids:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "驻村干部的补助和保障由其参扶单位落实,只有本单位可以办理(第二十七条)。",
            article=ARTICLE,
        )


def _stationed_county_officer(user, cadre) -> bool:
    """The county office of a county the cadre is (or was) stationed in."""
    county_ids = scope_for(user).county_ids
    return bool(county_ids) and (
        Assignment.objects.filter(cadre=cadre, team__village__county_id__in=county_ids)
        .exclude(role__in=NON_COUNTED_ROLES)
        .exists()
    )


def _while_stationed(cadre, day: date, field: str, what: str) -> None:
    """第二十七条 covers the time 驻村期间: the day must fall within one of the cadre's postings."""
    if day > timezone.localdate():
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期不能晚于今天。", field=field)
    stationed = (
        Assignment.objects.filter(cadre=cadre, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .exclude(role__in=NON_COUNTED_ROLES)
        .exists()
    )
    if not stationed:
        raise ServiceError(
            ErrorCode.INVALID,
            f"{day}不在{cadre.name}的驻村期间,{what}只登记驻村期间发生的(第二十七条)。",
            field=field,
            article=ARTICLE,
        )


def rates_set(
    *,
    user,
    unit,
    effective_from: date,
    living_fen_per_day: int,
    transport_fen_per_week: int,
    communication_fen_per_month: int,
    basis: str = "",
    address=None,
) -> AllowanceRate:
    """A new version of the unit's rates from `effective_from` on; earlier months keep theirs."""
    _unit_officer(user, unit.pk)
    for field, value in (
        ("living_fen_per_day", living_fen_per_day),
        ("transport_fen_per_week", transport_fen_per_week),
        ("communication_fen_per_month", communication_fen_per_month),
    ):
        if value < 0:
            raise ServiceError(ErrorCode.INVALID, "补助标准不能为负数。", field=field)
    try:
        with transaction.atomic():
            rate = AllowanceRate.objects.create(
                unit=unit,
                effective_from=effective_from,
                living_fen_per_day=living_fen_per_day,
                transport_fen_per_week=transport_fen_per_week,
                communication_fen_per_month=communication_fen_per_month,
                basis=(basis or "").strip()[:100] or "市财发〔2016〕57号",
                set_by=user,
                created_at=timezone.now(),
            )
            log.record(
                actor=user,
                event="allowance.rates_set",
                obj=rate,
                address=address,
                detail={
                    "unit": unit.pk,
                    "effective_from": str(effective_from),
                    "living_fen_per_day": living_fen_per_day,
                    "transport_fen_per_week": transport_fen_per_week,
                    "communication_fen_per_month": communication_fen_per_month,
                },
            )
    except IntegrityError:
        raise ServiceError(
            ErrorCode.CONFLICT, "该日期已设有补助标准。", field="effective_from"
        ) from None
    return rate


def cover_record(
    *, user, cadre, kind: str, year: int, done_on: date, valid_until=None, note="", address=None
) -> CoverRecord:
    """人身意外伤害保险 / 年度体检, once a year per cadre."""
    _unit_officer(user, cadre.unit_id)
    if kind not in CoverKind.values:
        raise ServiceError(ErrorCode.INVALID, "请选择保险或体检。", field="kind")
    if done_on > timezone.localdate():
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期不能晚于今天。", field="done_on")
    if kind == CoverKind.INSURANCE and valid_until is not None and valid_until < done_on:
        raise ServiceError(ErrorCode.INVALID, "保险止期不能早于办理日期。", field="valid_until")
    try:
        with transaction.atomic():
            record = CoverRecord.objects.create(
                cadre=cadre,
                kind=kind,
                year=year,
                done_on=done_on,
                valid_until=valid_until if kind == CoverKind.INSURANCE else None,
                note=(note or "").strip()[:100],
                recorded_by=user,
                created_at=timezone.now(),
            )
            log.record(
                actor=user,
                event="allowance.cover",
                obj=record,
                address=address,
                detail={"cadre": cadre.pk, "kind": kind, "year": year},
            )
    except IntegrityError:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"{cadre.name}{year}年的{CoverKind(kind).label}已登记。",
            field="year",
        ) from None
    return record


def medical_claim_record(
    *,
    user,
    cadre,
    incurred_on,
    description,
    amount_fen,
    reimbursed_fen=0,
    reimbursed_on=None,
    address=None,
) -> MedicalClaim:
    _unit_officer(user, cadre.unit_id)
    description = (description or "").strip()
    if not description:
        raise ServiceError(ErrorCode.INVALID, "请填写就医事由。", field="description")
    if amount_fen <= 0:
        raise ServiceError(ErrorCode.INVALID, "医疗费须大于0。", field="amount")
    if reimbursed_fen > amount_fen:
        raise ServiceError(ErrorCode.INVALID, "报销金额不能超过医疗费。", field="reimbursed")
    if reimbursed_fen and reimbursed_on is None:
        raise ServiceError(ErrorCode.INVALID, "已报销的请填写报销日期。", field="reimbursed_on")
    if reimbursed_on is not None and reimbursed_on < incurred_on:
        raise ServiceError(ErrorCode.INVALID, "报销日期不能早于就医日期。", field="reimbursed_on")
    _while_stationed(cadre, incurred_on, "incurred_on", "医疗费报销")
    with transaction.atomic():
        claim = MedicalClaim.objects.create(
            cadre=cadre,
            incurred_on=incurred_on,
            description=description[:200],
            amount_fen=amount_fen,
            reimbursed_fen=reimbursed_fen,
            reimbursed_on=reimbursed_on,
            recorded_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="allowance.medical",
            obj=claim,
            address=address,
            detail={"cadre": cadre.pk, "amount_fen": amount_fen, "reimbursed_fen": reimbursed_fen},
        )
    return claim


def injury_record(
    *,
    user,
    cadre,
    happened_on,
    description,
    contact_person,
    treatment="",
    on_duty=True,
    address=None,
) -> Injury:
    """Recorded by the cadre's unit (救治康复, 第二十七条), or by the county they are stationed in."""
    if not _stationed_county_officer(user, cadre):
        _unit_officer(user, cadre.unit_id)
    description, contact_person = (description or "").strip(), (contact_person or "").strip()
    if not description:
        raise ServiceError(ErrorCode.INVALID, "请填写负伤经过。", field="description")
    if not contact_person:
        raise ServiceError(
            ErrorCode.INVALID,
            "请指定帮扶慰问负责人(第二十七条 明确专人负责落实)。",
            field="contact_person",
            article=ARTICLE,
        )
    _while_stationed(cadre, happened_on, "happened_on", "负伤记录")
    with transaction.atomic():
        injury = Injury.objects.create(
            cadre=cadre,
            happened_on=happened_on,
            on_duty=on_duty,
            description=description[:300],
            treatment=(treatment or "").strip()[:300],
            contact_person=contact_person[:30],
            recorded_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="allowance.injury",
            obj=injury,
            address=address,
            detail={"cadre": cadre.pk, "on_duty": on_duty},
        )
    return injury

"""Writes on households, pairings, contacts and record-book checks: one transaction each,
audited inside it, refusals as ServiceError with the field and the article."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import transaction

from zhucun.audit import log
from zhucun.dashboards.stale import mark_boards_stale
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households import roster
from zhucun.households.codes import Status
from zhucun.households.models import (
    CHANGE_REASONS,
    ChangeReason,
    Channel,
    CheckedBy,
    Contact,
    ContactKind,
    Household,
    Pairing,
    PairingChange,
    RecordBookCheck,
)
from zhucun.households.tallies import contact_tallies_update
from zhucun.households.validation import BY_KEY, EDITABLE, clean_values


class FieldErrors(ServiceError):
    """Several fields broke their rules; `errors` maps each field to its Chinese message."""

    def __init__(self, errors: Mapping[str, str], article: str = ""):
        self.errors = dict(errors)
        message = ";".join(
            f"{BY_KEY[k].header if k in BY_KEY else k}:{m}" for k, m in errors.items()
        )
        super().__init__(ErrorCode.INVALID, message, field=next(iter(errors)), article=article)


class RosterRejected(ServiceError):
    """A roster with bad cells: nothing was saved; `cell_errors` lists every bad cell."""

    def __init__(self, cell_errors):
        self.cell_errors = cell_errors
        super().__init__(
            ErrorCode.BAD_UPLOAD,
            f"花名册有{len(cell_errors)}处错误,未导入任何记录,请改正后重新上传",
            field="file",
        )


def household_update(*, actor, household: Household, data: Mapping[str, Any]) -> Household:
    """Change a household's record (第十三条); every field is checked, nothing half-saved."""
    clean, errors = clean_values(data, EDITABLE)
    if errors:
        raise FieldErrors(errors, article="第十三条")
    changed = [key for key, value in clean.items() if getattr(household, key) != value]
    if not changed:
        return household
    before = {key: str(getattr(household, key)) for key in changed}
    with transaction.atomic():
        for key in changed:
            setattr(household, key, clean[key])
        household.save(update_fields=[*changed, "updated_at"])
        log.record(
            actor=actor,
            event="household.update",
            obj=household,
            detail={"changed": changed, "before": before},
        )
    return household


def roster_import(*, actor, upload) -> int:
    """Register every household of an Excel roster, or none of them; returns how many."""
    rows = roster.read_roster(upload)
    if not rows:
        raise ServiceError(ErrorCode.BAD_UPLOAD, "表格中没有数据行", field="file")
    households, cell_errors = roster.check_roster(actor, rows)
    if cell_errors:
        raise RosterRejected(cell_errors)
    with transaction.atomic():
        Household.objects.bulk_create(households, batch_size=1000)
        log.record(
            actor=actor,
            event="household.import",
            detail={
                "rows": len(households),
                "first_code": households[0].code,
                "last_code": households[-1].code,
                "file": getattr(upload, "name", ""),
            },
        )
    return len(households)


def _selecting_authority(actor, household: Household, unit_id: int | None):
    """(unit, office region) entitled to pair this household (第九条、第二十三条), or refuse.

    The dispatching unit that selected the cadre; the county where the village has no
    team (the county selected the cadre); the town for households that exited poverty.
    """
    from zhucun.accounts.scope import scope_for
    from zhucun.org.models import Unit
    from zhucun.stationing.models import Team

    scope = scope_for(actor)
    village = household.village
    if unit_id is not None and (scope.everything or unit_id in scope.unit_ids):
        return Unit.objects.get(pk=unit_id), None
    has_team = Team.objects.filter(village=village, withdrawn_on__isnull=True).exists()
    if not has_team and village.county_id in scope.county_ids:
        return None, village.county
    if household.status == Status.EXITED and village.town_id in scope.town_ids:
        return None, village.town
    raise ServiceError(
        ErrorCode.FORBIDDEN,
        "联户干部只能由选派单位调整(无工作队的村由区县,已脱贫户由镇街)",
        article="第二十三条",
    )


def _pairing_cadre(actor, cadre_id):
    from zhucun.accounts.scope import scoped
    from zhucun.org.models import Cadre

    cadre = scoped(actor, Cadre.objects.all()).filter(pk=cadre_id).first() if cadre_id else None
    if cadre is None:
        raise ServiceError(ErrorCode.INVALID, "联户干部:请选择一名您可以查看的干部", field="cadre")
    return cadre


def pairing_change(*, actor, household: Household, cadre_id, reason: str, detail: str, day, today):
    """Pair the household with another cadre for a reason of 第二十三条, filed with county,
    town and village. The old pairing ends the day before `day`."""
    detail = (detail or "").strip()
    if not detail:
        raise ServiceError(ErrorCode.INVALID, "具体情况:必填,请写明调整原因", field="detail")
    if day is None:
        raise ServiceError(ErrorCode.INVALID, "调整日期:必填,格式为YYYY-MM-DD", field="day")
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "调整日期:不能晚于今天", field="day")
    with transaction.atomic():
        old = (
            Pairing.objects.select_for_update()
            .select_related("cadre")
            .filter(household=household, end__isnull=True)
            .first()
        )
        # Who may act is settled before which cadres they may pick.
        if old is not None:
            unit, office = _selecting_authority(actor, household, old.cadre.unit_id)
            cadre = _pairing_cadre(actor, cadre_id)
        else:
            cadre = _pairing_cadre(actor, cadre_id)
            unit, office = _selecting_authority(actor, household, cadre.unit_id)
        if old is None and reason != ChangeReason.INITIAL:
            raise ServiceError(
                ErrorCode.INVALID, "调整原因:该户尚未结对,应选“首次结对”", field="reason"
            )
        if old is not None and reason not in CHANGE_REASONS:
            raise ServiceError(
                ErrorCode.INVALID,
                "调整原因:只能是第二十三条所列情形之一",
                field="reason",
                article="第二十三条",
            )
        if old is not None:
            if old.cadre_id == cadre.pk:
                raise ServiceError(
                    ErrorCode.CONFLICT, "联户干部:新干部与现结对干部相同", field="cadre"
                )
            if day <= old.start:
                raise ServiceError(
                    ErrorCode.INVALID, f"调整日期:应晚于现结对开始日期{old.start}", field="day"
                )
            old.end = day - timedelta(days=1)
            old.save(update_fields=["end"])
        new = Pairing.objects.create(household=household, cadre=cadre, start=day)
        village = household.village
        change = PairingChange.objects.create(
            household=household,
            old_pairing=old,
            new_pairing=new,
            reason=reason,
            detail=detail,
            changed_on=day,
            by_unit=unit,
            by_office=office,
            actor=actor,
            filed_county_id=village.county_id,
            filed_town_id=village.town_id,
            filed_village=village,
        )
        log.record(
            actor=actor,
            event="pairing.change",
            obj=change,
            detail={
                "household": household.code,
                "old_cadre": old.cadre_id if old else None,
                "new_cadre": cadre.pk,
                "reason": reason,
                "day": day.isoformat(),
            },
        )
        if day < today:  # back-dated: the boards that read that day are out of date
            mark_boards_stale(day=day, counties=[village.county_id])
    return change


CHANNELS_OF = {
    ContactKind.INQUIRY: {Channel.PHONE, Channel.IN_PERSON},
    ContactKind.VISIT: {Channel.HOME},
}


def contact_record(
    *,
    actor,
    household: Household,
    day,
    kind: str,
    channel: str,
    learned: str,
    problems: str = "",
    help_given: str = "",
    escalated: str = "",
    today,
) -> Contact:
    """A household cadre records an inquiry or a home visit (第二十条) in the household's
    record book (第二十一条). Only for their own pairing, on a past day inside it."""
    from django.db.models import Q

    from zhucun.accounts.scope import scope_for

    cadre_id = scope_for(actor).cadre_id
    if cadre_id is None:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有联户干部本人可以填报帮扶记录")
    if kind not in ContactKind.values:
        raise ServiceError(ErrorCode.INVALID, "方式:应为询问了解或入户帮扶", field="kind")
    if channel not in CHANNELS_OF[ContactKind(kind)]:
        raise ServiceError(
            ErrorCode.INVALID, "渠道:询问可电话或当面,入户帮扶须到户", field="channel"
        )
    if day is None:
        raise ServiceError(ErrorCode.INVALID, "日期:必填,格式为YYYY-MM-DD", field="day")
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期:不能填报未来日期", field="day")
    texts = {
        "learned": learned,
        "problems": problems,
        "help_given": help_given,
        "escalated": escalated,
    }
    texts = {k: (v or "").strip() for k, v in texts.items()}
    if not texts["learned"]:
        raise ServiceError(ErrorCode.INVALID, "了解情况:必填,请写明了解到的情况", field="learned")
    for key, text in texts.items():
        if len(text) > 2000:
            label = Contact._meta.get_field(key).verbose_name
            raise ServiceError(ErrorCode.INVALID, f"{label}:不能超过2000字", field=key)
    mine = Pairing.objects.filter(household=household, cadre_id=cadre_id)
    pairing = mine.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day).first()
    if pairing is None:
        if mine.exists():
            raise ServiceError(
                ErrorCode.OUTSIDE_ASSIGNMENT,
                "日期:不在您与该户的结对期间内",
                field="day",
                article="第二十条",
            )
        raise ServiceError(ErrorCode.NOT_PAIRED, article="第二十条")
    with transaction.atomic():
        contact = Contact.objects.create(
            household=household,
            cadre_id=cadre_id,
            pairing=pairing,
            day=day,
            kind=kind,
            channel=channel,
            recorded_by=actor,
            **texts,
        )
        contact_tallies_update(household_id=household.pk, days=[day])
        log.record(
            actor=actor,
            event="contact.record",
            obj=contact,
            detail={"household": household.code, "day": day.isoformat(), "kind": kind},
        )
        if day < today:  # back-dated: the boards that read that day are out of date
            county = Household.objects.filter(pk=household.pk).values("village__county_id")
            mark_boards_stale(day=day, counties=county)
    return contact


def book_check_record(*, actor, household: Household, day, remark: str, today) -> RecordBookCheck:
    """The town's poverty office or the team records a check of the record book (第二十一条)."""
    from zhucun.accounts.scope import scope_for
    from zhucun.stationing.models import Team

    scope = scope_for(actor)
    village = household.village
    if village.town_id in scope.town_ids:
        by = CheckedBy.TOWN
    elif Team.objects.filter(pk__in=scope.led_team_ids, village=village).exists():
        by = CheckedBy.TEAM
    else:
        raise ServiceError(
            ErrorCode.FORBIDDEN, "只有所在镇(街办)和驻村工作队可以登记检查", article="第二十一条"
        )
    remark = (remark or "").strip()
    if not remark:
        raise ServiceError(ErrorCode.INVALID, "检查意见:必填", field="remark")
    if day is None:
        raise ServiceError(ErrorCode.INVALID, "检查日期:必填,格式为YYYY-MM-DD", field="day")
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "检查日期:不能晚于今天", field="day")
    with transaction.atomic():
        check = RecordBookCheck.objects.create(
            household=household, day=day, by=by, checker=actor, remark=remark[:1000]
        )
        log.record(
            actor=actor,
            event="record_book.check",
            obj=check,
            detail={"household": household.code, "day": day.isoformat(), "by": by},
        )
    return check

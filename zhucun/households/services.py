"""Writes on households, pairings, contacts and record-book checks: one transaction each,
audited inside it, refusals as ServiceError with the field and the article."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households import roster
from zhucun.households.models import Household
from zhucun.households.validation import BY_KEY, EDITABLE, clean_values


class FieldErrors(ServiceError):
    """Several fields broke their rules; `errors` maps each field to its Chinese message."""

    def __init__(self, errors: Mapping[str, str], article: str = ""):
        self.errors = dict(errors)
        message = ";".join(f"{BY_KEY[k].header if k in BY_KEY else k}:{m}" for k, m in errors.items())
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

"""Reads on work logs shared by pages and by the assessment."""

from __future__ import annotations

from django.db.models import Count

from zhucun.worklogs.models import NoticeStatus, RectificationNotice


def refused_notices_by_cadre(year: int, cadre_ids=None) -> dict[int, int]:
    """How many log rectification notices each cadre refused in a year (第三十五条(五)).

    The assessment reads this: ≥ unfit_refused_log_notices_min makes a cadre 不称职.
    One query, for any number of cadres.
    """
    rows = RectificationNotice.objects.filter(status=NoticeStatus.REFUSED, issued_on__year=year)
    if cadre_ids is not None:
        rows = rows.filter(cadre_id__in=cadre_ids)
    return dict(rows.values("cadre_id").annotate(n=Count("id")).values_list("cadre_id", "n"))

"""The month a page shows, from `?month=YYYY-MM` (default: this month)."""

from datetime import date

from django.utils import timezone

from zhucun.policy.periods import month_end


def month_from(request) -> tuple[date, date]:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(part) for part in raw.split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = timezone.localdate().replace(day=1)
    return first, month_end(first)


def neighbours(first: date) -> tuple[str, str]:
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return f"{previous:%Y-%m}", f"{following:%Y-%m}"

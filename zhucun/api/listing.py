"""Lists: page by page, filtered by period and region (statistical division code)."""

from datetime import date
from typing import Generic, TypeVar

from django.db.models import Q
from ninja import Field

from zhucun.api.schemas import Record
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Level, Region

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class Page(Record, Generic[T]):
    count: int
    page: int
    page_size: int
    items: list[T]


class PageQuery(Record):
    page: int = Field(1, ge=1, le=1_000_000, description="页码,从1开始")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数,最多200")


class ListFilters(PageQuery):
    region: str | None = Field(
        None, pattern=r"^\d{12}$", description="统计用区划代码(12位),含其下级区划"
    )
    period_start: date | None = Field(None, description="期间起(含),YYYY-MM-DD")
    period_end: date | None = Field(None, description="期间止(含),YYYY-MM-DD")

    def period(self) -> tuple[date | None, date | None]:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ServiceError(ErrorCode.INVALID, "期间止不能早于期间起。", field="period_end")
        return self.period_start, self.period_end

    def region_q(self, path: str) -> Q:
        """Rows whose region (reached by `path`, a Region FK) lies in the chosen region."""
        if not self.region:
            return Q()
        region = Region.objects.filter(code=self.region).only("pk", "level").first()
        if region is None:
            raise ServiceError(ErrorCode.INVALID, "区划代码不存在。", field="region")
        if region.level == Level.PROVINCE:
            return Q(**{f"{path}__city__parent_id": region.pk})
        if region.level == Level.VILLAGE:
            return Q(**{f"{path}_id": region.pk})
        return Q(**{f"{path}__{region.level}_id": region.pk})


def overlapping(start_field: str, end_field: str, start: date | None, end: date | None) -> Q:
    """Rows whose [start, end] (open end allowed) meets the period."""
    q = Q()
    if end is not None:
        q &= Q(**{f"{start_field}__lte": end})
    if start is not None:
        q &= Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    return q


def paginate(queryset, filters: PageQuery, serialize) -> dict:
    """One page of `queryset` (or of a list computed set-based); `serialize` makes each row."""
    count = len(queryset) if isinstance(queryset, list) else queryset.count()
    offset = (filters.page - 1) * filters.page_size
    rows = queryset[offset : offset + filters.page_size]
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [serialize(row) for row in rows],
    }

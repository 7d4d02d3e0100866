"""The household list as a spreadsheet (built in the background: zhucun.exports)."""

from zhucun.exports.kinds import Sheet
from zhucun.households import selectors
from zhucun.households.codes import Attribute, Cause, Status

EXPORT_LIMIT = 200_000
HEADERS = [
    "户编号",
    "户主姓名",
    "镇(街办)",
    "村",
    "贫困户属性",
    "主要致贫原因",
    "脱贫状态",
    "脱贫年份",
    "家庭人口",
    "人均纯收入(元)",
    "联户干部",
]


def household_list(user, parameters: dict) -> Sheet:
    """The households of `user`'s scope matching the list page's filters (its query string)."""
    filters = selectors.HouseholdFilters.from_query(parameters)
    rows = selectors.households_for(user, filters)[:EXPORT_LIMIT]
    status, attribute, cause = dict(Status.choices), dict(Attribute.choices), dict(Cause.choices)
    data = (
        (
            h["code"],
            h["head_name"],
            h["village__town__name"],
            h["village__name"],
            attribute.get(h["attribute"], h["attribute"]),
            f"{h['main_cause']} {cause.get(h['main_cause'], '')}",
            status.get(h["status"]),
            h["exit_year"],
            h["members"],
            h["income_per_head"],
            h["active__cadre__name"],
        )
        for h in rows.iterator(chunk_size=2000)
    )
    return Sheet(
        title="贫困户名单", headers=HEADERS, rows=data, filters=filters.as_query(), personal=True
    )

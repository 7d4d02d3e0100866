"""The cadre list as a spreadsheet (built in the background: zhucun.exports)."""

from zhucun.accounts.scope import scoped
from zhucun.exports.kinds import Sheet
from zhucun.org.models import Cadre

HEADERS = ["姓名", "单位", "性别", "出生年月", "身份证号", "手机", "职级", "专长"]


def cadre_list(user, parameters: dict) -> Sheet:
    """The cadres of `user`'s scope, personal numbers masked, optionally by name."""
    cadres = scoped(user, Cadre.objects.select_related("unit")).order_by("unit__name", "name")
    query = str(parameters.get("q", "")).strip()
    if query:
        cadres = cadres.filter(name__contains=query)
    rows = (
        (
            c.name,
            str(c.unit),
            c.get_gender_display(),
            c.birth_date.strftime("%Y-%m"),
            c.id_number_masked,
            c.phone_masked,
            c.get_rank_display(),
            "、".join(c.expertise_labels()),
        )
        for c in cadres.iterator(chunk_size=2000)
    )
    return Sheet(
        title="干部名册",
        headers=HEADERS,
        rows=rows,
        filters={"q": query} if query else {},
        personal=True,
    )

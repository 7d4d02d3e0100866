"""The pairing review's table rows written in Python (as the template loop wrote them).

The page shows up to 500 failures and 100 cadres' loads: through the template each
row was a `{% url %}` (a reverse) and four variable lookups, most of the page's
rendering time (docs/benchmarks-history.md). Same characters as the loops they replace
(tests/households/test_pairing_review.py keeps those loops as the reference).
"""

from django.urls import reverse
from django.utils.html import escape

from zhucun.dashboards.markup import text

_PK = 987654321


def failure_rows(checks) -> str:
    if not checks:
        return '<tr><td colspan="2">全部结对符合第九条。</td></tr>'
    # The household page's address once; each row puts its household's pk in it.
    head, tail = reverse("households:household_detail", args=[_PK]).split(str(_PK))
    head, tail = escape(head), escape(tail)
    return "".join(
        f'<tr><td><a href="{head}{check.subject[10:]}{tail}">'
        f"{text(check.evidence['household'])}</a></td><td>{text(check.message)} "
        f'<span class="article">{text(check.article)}</span></td></tr>\n'
        for check in checks
    )


def load_rows(loads) -> str:
    if not loads:
        return '<tr><td colspan="3">暂无结对。</td></tr>'
    return "".join(
        f"<tr><td>{text(row['cadre__name'])}</td><td>{text(row['cadre__unit__name'])}</td>"
        f"<td>{text(row['households'])}</td></tr>\n"
        for row in loads
    )

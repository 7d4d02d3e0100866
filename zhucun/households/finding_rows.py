"""The findings list's table rows written in Python (as the template loops wrote them).

Up to 300 cadres and 500 findings: through the template each row was a dozen
variable lookups, number localisation and escaping, and each household's record-book
address a reverse — most of the page's time once the counting went to the database
(docs/benchmarks-history.md). Same characters as the loops they replace
(tests/households/test_findings_list.py keeps those loops as the reference).
"""

from django.urls import reverse
from django.utils.html import escape

from zhucun.dashboards.markup import text

_PK = 987654321


def cadre_rows(cadres) -> str:
    if not cadres:
        return '<tr><td colspan="4">没有结对。</td></tr>'
    return "".join(
        f"<tr><td>{text(name)}</td><td>{text(c.households)}</td>"
        f"<td>{text(c.weeks_missed)}</td><td>{text(c.months_missed)}</td></tr>\n"
        for c, name in cadres
    )


def finding_rows(checks, labels: dict[int, str]) -> str:
    """One row per failed check; `labels`: each household's label by pk."""
    if not checks:
        return '<tr><td colspan="3">本月全部达到要求。</td></tr>'
    # The record book's address once; each row puts its household's pk in it.
    head, tail = reverse("households:record_book", args=[_PK]).split(str(_PK))
    head, tail = escape(head), escape(tail)
    rows = []
    for check in checks:
        household = int(check.subject.split(":")[1])
        evidence = check.evidence
        row = (
            f'<tr><td><a href="{head}{household}{tail}">{text(labels.get(household, ""))}</a>'
            f"</td><td>{text(check.period)}</td><td>{text(check.message)} "
            f'<span class="article">{text(check.article)}</span>'
        )
        for key, title in (("contact_days", "联系日期"), ("visit_days", "入户日期")):
            days = evidence.get(key)
            if days:
                row += f'<br><small class="muted">{title}:{"、".join(map(text, days))}</small>'
        rows.append(row + "</td></tr>\n")
    return "".join(rows)

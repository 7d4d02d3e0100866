"""The registers write their <tbody> in Python (for speed): the markup must be exactly what
the former per-cell template loop wrote, localisation and escaping included."""

from datetime import date

from django.template import Context, Template
from django.utils.safestring import mark_safe

from zhucun.dashboards.reports import Report

# The former loop of dashboards/report.html, kept as the reference.
_LOOP = Template(
    "{% for row in report.rows %}<tr><td>{{ forloop.counter }}</td>{% for v in row %}"
    "<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}"
)


def test_a_register_body_is_the_markup_the_template_loop_wrote():
    # Given rows of text (some to escape), numbers, dates, a bool, a float and safe text
    rows = [
        ("五星镇", "<队>&一", 22, 0, date(2025, 9, 1), "达标"),
        ("东关", "“引号”'单'", -3, 12345, date(2026, 2, 28), True),
        ("草堂", mark_safe("<b>安全</b>"), 1.5, None, "—", False),
    ]
    report = Report("x", "t", ["a", "b", "c", "d", "e", "f"], rows * 4)
    # When its body is written, Then it equals the template loop's output
    html = str(report.table_body)
    assert html == _LOOP.render(Context({"report": report}))
    assert "<td>2025年9月1日</td>" in html and "&lt;队&gt;&amp;一" in html
    assert html.count("<tr>") == 12 and "<tr><td>12</td>" in html


def test_an_empty_register_body_is_empty():
    assert Report("x", "t", ["a"], []).table_body == ""

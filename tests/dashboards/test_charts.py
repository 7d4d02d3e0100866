"""The town × article matrix writes its cells and data table in Python (for speed): the
markup must be exactly what the per-cell template wrote before."""

from django.template import Context, Template

from zhucun.dashboards.charts import bar_chart, matrix
from zhucun.dashboards.markup import text

# The former per-cell template constructs of dashboards/_matrix.html, kept as the reference.
_CELLS = Template(
    '{% for cell in m.cells %}<rect x="{{ cell.x }}" y="{{ cell.y }}" width="{{ m.cell_w }}" '
    'height="{{ m.cell_h }}" fill="{{ cell.fill }}" stroke="#fff"/><text x="{{ cell.text_x }}" '
    'y="{{ cell.text_y }}" text-anchor="middle" font-size="14" fill="{% if cell.dark %}#fff'
    '{% else %}#1b2733{% endif %}">{{ cell.count }}</text>\n{% endfor %}'
)
_TABLE = Template(
    '{% for name, counts in m.rows %}<tr><th scope="row">{{ name }}</th>{% for n in counts %}'
    "<td>{{ n }}</td>{% endfor %}</tr>{% endfor %}"
)


def test_the_matrix_cells_and_table_are_the_markup_the_per_cell_template_wrote():
    # Given towns (one with characters HTML must escape) and counts from zero to dark shades
    towns = [(1, "五星镇"), (2, "<b>&东关</b>"), (3, "鄠邑区草堂街道办事处")]
    articles = ["第十六条", "第十八条", "第二十一条"]
    counts = {(1, "第十六条"): 1, (1, "第二十一条"): 12, (2, "第十八条"): 1234, (3, "第十六条"): 7}
    m = matrix("未整改问题", towns, articles, counts)
    # When the cells and the data table are written
    # Then they equal the reference template's output, escaping included
    assert str(m.cells_svg) == _CELLS.render(Context({"m": m}))
    assert str(m.table_body) == _TABLE.render(Context({"m": m}))
    assert "&lt;b&gt;&amp;东关&lt;/b&gt;" in m.table_body and "<td>1234</td>" in m.table_body
    assert m.cells_svg.count("<rect ") == len(towns) * len(articles)


def test_an_empty_matrix_writes_no_cells_and_no_rows():
    m = matrix("未整改问题", [], [], {})
    assert m.cells_svg == "" and m.table_body == ""


# The former loops of dashboards/_bars.html, kept as the reference.
_BAR_MARKS = Template(
    '{% for y, label in c.ticks %}<line x1="{{ c.left }}" x2="{{ c.right_edge }}" y1="{{ y }}" '
    'y2="{{ y }}" stroke="#dde3ea" stroke-width="1"/><text x="{{ c.left|add:\'-6\' }}" '
    'y="{{ y }}" text-anchor="end" dominant-baseline="middle" font-size="13" fill="#555">'
    '{{ label }}</text>\n{% endfor %}{% for bar in c.bars %}<rect x="{{ bar.x }}" '
    'y="{{ bar.y }}" width="{{ bar.width }}" height="{{ bar.height }}" fill="#3182bd"/>\n'
    '<text x="{{ bar.text_x }}" y="{{ bar.value_y }}" text-anchor="middle" font-size="13" '
    'fill="#1b2733">{% if bar.value is not None %}{{ bar.value }}{% endif %}</text>\n'
    '<text x="{{ bar.text_x }}" y="{{ c.label_y }}" text-anchor="middle" font-size="14" '
    'fill="#1b2733">{{ bar.label }}</text>\n{% endfor %}'
)
_BAR_TABLE = Template(
    '{% for bar in c.bars %}<tr><th scope="row">{{ bar.label }}</th><td>{{ bar.text }}</td>'
    "</tr>{% endfor %}"
)


def test_the_bar_chart_marks_and_table_are_the_markup_the_template_loops_wrote():
    # Given bars with fractional geometry, a missing value, zero and a label to escape
    data = [("9月", 87), ("10月", None), ("<11月>", 0), ("12月", 3), ("1月", 1234), ("2月", 7)]
    for chart in (bar_chart("达标率", "%", data, top=100), bar_chart("次数", "次", data[:5])):
        # When its marks and data table are written, Then they equal the template's output
        assert str(chart.marks) == _BAR_MARKS.render(Context({"c": chart}))
        assert str(chart.table_body) == _BAR_TABLE.render(Context({"c": chart}))
        assert "&lt;11月&gt;" in chart.marks and "无数据" in chart.table_body


def test_numbers_are_written_as_the_template_writes_them():
    for value in (0, -3, 12345, 2.5, -0.1, 40.0, 1e-7, 3e20, float("inf"), True, None, "<&>"):
        assert text(value) == Template("{{ v }}").render(Context({"v": value})), value

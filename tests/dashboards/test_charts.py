"""The town × article matrix writes its cells and data table in Python (for speed): the
markup must be exactly what the per-cell template wrote before."""

from django.template import Context, Template

from zhucun.dashboards.charts import matrix

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

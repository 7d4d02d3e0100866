"""Server-drawn SVG charts: the geometry is computed here, templates/dashboards/_chart.html draws it.

No chart library and no script: the SVG prints like text, and every chart
carries its numbers as a <table> for screen readers (DESIGN.md, issue 10).
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .markup import text

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 24, 40
PALETTE = ("#eef4fb", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


@dataclass
class Bar:
    label: str
    value: int | None
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text: str

    @property
    def value_y(self) -> float:
        return round(self.y - 5, 1)


@dataclass
class BarChart:
    title: str
    unit: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # y, label
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    label_y: float = HEIGHT - BOTTOM + 20

    @property
    def summary(self) -> str:
        values = "、".join(f"{b.label}{b.text}" for b in self.bars)
        return f"{self.title}:{values}"

    # Gridlines, bars and data table written here, as the matrix's cells are (see Matrix).
    @property
    def marks(self) -> SafeString:
        left, right = text(self.left), text(self.right_edge)
        ticks = "".join(
            f'<line x1="{left}" x2="{right}" y1="{text(y)}" y2="{text(y)}" stroke="#dde3ea" '
            f'stroke-width="1"/><text x="{text(self.left - 6)}" y="{text(y)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="13" fill="#555">{text(label)}</text>\n'
            for y, label in self.ticks
        )
        bars = "".join(
            f'<rect x="{text(b.x)}" y="{text(b.y)}" width="{text(b.width)}" '
            f'height="{text(b.height)}" fill="#3182bd"/>\n'
            f'<text x="{text(b.text_x)}" y="{text(b.value_y)}" text-anchor="middle" '
            f'font-size="13" fill="#1b2733">{"" if b.value is None else text(b.value)}</text>\n'
            f'<text x="{text(b.text_x)}" y="{text(self.label_y)}" text-anchor="middle" '
            f'font-size="14" fill="#1b2733">{text(b.label)}</text>\n'
            for b in self.bars
        )
        return mark_safe(ticks + bars)

    @property
    def table_body(self) -> SafeString:
        return mark_safe(
            "".join(
                f'<tr><th scope="row">{text(b.label)}</th><td>{text(b.text)}</td></tr>'
                for b in self.bars
            )
        )


def _nice_top(largest: int) -> int:
    """The top of the axis: four gridlines at a round step (1, 2, 5, 10, 20, 25, 50, …)."""
    step, scale = 1, 1
    while True:
        for base in (1, 2, 2.5, 5):
            step = int(base * scale)
            if step == base * scale and step * 4 >= largest:
                return step * 4
        scale *= 10


def bar_chart(title: str, unit: str, data: list[tuple[str, int | None]], top=None) -> BarChart:
    """Bars for (label, value); None is drawn as no bar and read as “无数据”."""
    values = [v for _l, v in data if v is not None]
    top = top or _nice_top(max(values + [1]))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(data), 1)
    bars = []
    for i, (label, value) in enumerate(data):
        h = 0 if value is None else plot_h * value / top
        x = LEFT + i * slot + slot * 0.15
        bars.append(
            Bar(
                label,
                value,
                round(x, 1),
                round(TOP + plot_h - h, 1),
                round(slot * 0.7, 1),
                round(h, 1),
                round(x + slot * 0.35, 1),
                "无数据" if value is None else f"{value}{unit}",
            )
        )
    ticks = [(round(TOP + plot_h - plot_h * k / 4, 1), f"{round(top * k / 4)}") for k in range(5)]
    return BarChart(title, unit, bars, ticks)


@dataclass
class Cell:
    x: int
    y: int
    count: int
    fill: str
    text_x: int
    text_y: int
    dark: bool


@dataclass
class Matrix:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]
    cells: list[Cell] = field(default_factory=list)
    column_x: list[tuple[int, str]] = field(default_factory=list)
    row_y: list[tuple[int, str]] = field(default_factory=list)
    width: int = 0
    height: int = 0
    label_right: int = 0
    cell_w: int = 0
    cell_h: int = 0

    @property
    def summary(self) -> str:
        parts = [
            f"{name}:"
            + "、".join(f"{c}{n}项" for c, n in zip(self.columns, counts, strict=True) if n)
            for name, counts in self.rows
            if any(counts)
        ]
        return f"{self.title}。" + ("；".join(parts) if parts else "无问题")

    # The cells and the data table are written here, not by per-cell template lookups:
    # a city board has ~1,500 cells, and the template engine's variable resolution and
    # number localisation of each was most of the page's time (docs/benchmarks-history.md).
    @property
    def cells_svg(self) -> SafeString:
        w, h = self.cell_w, self.cell_h
        return mark_safe(
            "".join(
                f'<rect x="{c.x}" y="{c.y}" width="{w}" height="{h}" fill="{c.fill}" '
                f'stroke="#fff"/><text x="{c.text_x}" y="{c.text_y}" text-anchor="middle" '
                f'font-size="14" fill="{"#fff" if c.dark else "#1b2733"}">{text(c.count)}</text>\n'
                for c in self.cells
            )
        )

    @property
    def table_body(self) -> SafeString:
        return mark_safe(
            "".join(
                f'<tr><th scope="row">{escape(name)}</th>'
                + "".join(f"<td>{text(n)}</td>" for n in counts)
                + "</tr>"
                for name, counts in self.rows
            )
        )


def matrix(title: str, towns: list[tuple[int, str]], articles: list[str], counts: dict) -> Matrix:
    """Towns × articles, each cell shaded by its number of open findings."""
    # Sized to the longest label at 14 px a character, so nothing overlaps.
    label_w = 14 * max([len(name) for _pk, name in towns] + [2]) + 16
    cell_w = max(64, 14 * max([len(a) for a in articles] + [1]) + 10)
    cell_h, head_h = 34, 30
    rows = [(name, [counts.get((pk, a), 0) for a in articles]) for pk, name in towns]
    top = max([n for _name, ns in rows for n in ns] + [1])
    m = Matrix(title, articles, rows, label_right=label_w - 8, cell_w=cell_w - 2, cell_h=cell_h - 2)
    m.width = label_w + cell_w * max(len(articles), 1) + 4
    m.height = head_h + cell_h * max(len(rows), 1) + 4
    m.column_x = [(label_w + cell_w * j + cell_w // 2, a) for j, a in enumerate(articles)]
    for i, (name, ns) in enumerate(rows):
        y = head_h + cell_h * i
        m.row_y.append((y + cell_h // 2 + 5, name))
        for j, n in enumerate(ns):
            shade = 0 if n == 0 else 1 + round((len(PALETTE) - 2) * n / top)
            x = label_w + cell_w * j
            m.cells.append(
                Cell(x, y, n, PALETTE[shade], x + cell_w // 2, y + cell_h // 2 + 5, shade >= 4)
            )
    return m

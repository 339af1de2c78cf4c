"""The chart engine: draws any chart a topic declares (`pipeline/topics/<id>/charts.py`, see
`pipeline.core.chart_model`) with matplotlib (Agg), one PNG each at print resolution.

Readable in black and white: series differ by hatch, grey level and marker, never by colour
alone. Numbers use the decimal comma. Demo data carry the mark "SỐ LIỆU MINH HỌA". A table whose
units have not sent their figures is drawn as a "[x] Chưa có số liệu của …" panel. Nothing here
names a topic, a table or a column: the declarations do.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pipeline.core import atomic, fonts, vn  # noqa: E402
from pipeline.core.chart_model import BARS, HBARS, LINES, PARTS, Chart, Series, short_labels  # noqa: E402
from pipeline.core.layout import DEMO_MARK  # noqa: E402
from pipeline.outputs.indicators import Results, Table  # noqa: E402
from pipeline.topics import TOPICS  # noqa: E402

DPI = 220
SIZE = (6.3, 3.6)  # inches: 16 cm wide, the text width of an ND30 A4 page
SERIF = ("Times New Roman", "Liberation Serif", "DejaVu Serif")  # the report body's font first
VIETNAMESE = fonts.VIETNAMESE


@functools.cache
def serif() -> str:
    """The first installed serif font holding every Vietnamese letter, matching the Times body of
    the report (an old Liberation Serif lacks ơ, ư, ạ …); DejaVu Serif ships with matplotlib, so the
    search never falls back with a warning."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    for name in SERIF:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        if set(map(ord, VIETNAMESE)) <= set(FT2Font(path).get_charmap()):
            return name
    return "DejaVu Serif"


STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "legend.frameon": False,
}
DARK, MID, LIGHT = "0.25", "0.55", "0.85"
# The black-and-white palettes: (fill, hatch) for bars and parts; (colour, marker, line style) for lines.
FILLS = ((LIGHT, ""), (MID, "////"), (DARK, ""), ("white", "...."), ("0.7", "\\\\"), ("0.4", "xx"))
VARIED = ((LIGHT, ""), ("0.7", "\\\\"), (MID, ""), ("0.4", "//"), (DARK, ""))  # one series, bar by bar
STROKES = (("black", "o", "-"), (MID, "s", "--"), (DARK, "^", ":"), ("black", "D", "-."))
GRID = {BARS: "y", LINES: "y", HBARS: "x", PARTS: "x"}  # the value axis of each kind
TICK_SIZE = 8  # category labels never print below 7 pt (the legibility test's floor)
MAX_TICKS = 12  # more categories than this along x: every k-th label only
NOTE_SIZE = 7.5
FIELD = re.compile(r"\{(\w+)(:%)?\}")


def declared(topics=TOPICS) -> tuple[tuple[Chart, object], ...]:
    """(chart, its topic) for every chart the topics declare, in the report's order."""
    out = []
    for topic in topics:
        module = topic.module("charts")
        out += [(chart, topic) for chart in getattr(module, "CHARTS", ())]
    return tuple(out)


DECLARED = declared()
CHARTS: tuple[Chart, ...] = tuple(chart for chart, _ in DECLARED)


def _comma(decimals: int = 0, suffix: str = "") -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: vn.number(v, decimals) + suffix)


def data_rows(t: Table) -> list[int]:
    """Row indices without the total row ("Cộng")."""
    first = t.columns[0].key
    return [i for i in range(len(t.frame)) if t.value(i, first) not in (None, "Cộng")]


def _num(t: Table, i: int, key: str) -> float:
    v = t.value(i, key)
    return float(v) if v is not None else 0.0


def note_text(text: str, t: Table, i: int, total: float = 0.0) -> str:
    """A note with its {column} (as printed), {column:%} and {_total} written in."""
    def one(m: re.Match) -> str:
        if m.group(1) == "_total":
            return vn.number(total)
        return vn.percent(t.value(i, m.group(1))) if m.group(2) else t.text(i, m.group(1))
    return FIELD.sub(one, text)


def legend(t: Table, s: Series) -> str:
    return s.label or next((c.label for c in t.columns if c.key == s.key), s.key)


def look(chart: Chart, s: Series) -> tuple[str, str]:
    fill, hatch = FILLS[chart.series.index(s) % len(FILLS)]
    return (fill if s.fill is None else s.fill), (hatch if s.hatch is None else s.hatch)


def labels_of(chart: Chart, template) -> dict[str, str]:
    return short_labels(getattr(template, chart.labels)) if chart.labels else {}


def categories(t: Table, chart: Chart, rows: list[int], labels: dict[str, str]) -> tuple[list[int], list[str]]:
    """The rows drawn and their category labels (short label, else the text without the prefix)."""
    if chart.only_labelled:
        order = list(labels)
        rows = sorted((i for i in rows if str(t.value(i, chart.category)) in labels),
                      key=lambda i: order.index(str(t.value(i, chart.category))))
    names = []
    for i in rows:
        text = str(t.value(i, chart.category))
        text = labels.get(text) or t.labels.get(chart.category, {}).get(text, text).removeprefix(chart.drop_prefix)
        names.append(text[:1].upper() + text[1:])
    return rows, names


def _category_ticks(ax: plt.Axes, chart: Chart, names: list[str]) -> None:
    """Category labels at TICK_SIZE; along x rotated, and thinned to at most MAX_TICKS."""
    positions = list(range(len(names)))
    if chart.kind == HBARS:
        ax.set_yticks(positions, names, fontsize=TICK_SIZE + 1)
        if not ax.yaxis_inverted():  # the first category on top (panels share their y axis)
            ax.invert_yaxis()
        return
    ax.set_xticks(positions, names, fontsize=TICK_SIZE, rotation=45, ha="right", rotation_mode="anchor")
    step = math.ceil(len(names) / MAX_TICKS)
    for k, label in enumerate(ax.get_xticklabels()):
        label.set_visible(k % step == 0)


def _value_axis(ax: plt.Axes, chart: Chart, top: float, notes: bool) -> None:
    axis = ax.xaxis if chart.kind in (HBARS, PARTS) else ax.yaxis
    limit = ax.set_xlim if axis is ax.xaxis else ax.set_ylim
    if chart.percent:
        limit(0, round(100 * max(chart.room, 1.09), 6))
    elif chart.room > 1 or notes:
        limit(0, top * chart.room)
    axis.set_major_formatter(_comma(chart.decimals, "%" if chart.percent else ""))
    axis.set_major_locator(MaxNLocator(4 if chart.panels else 6, integer=chart.decimals == 0 and not chart.percent))
    (ax.set_xlabel if axis is ax.xaxis else ax.set_ylabel)(chart.axis)
    ax.grid(axis=GRID[chart.kind], color="0.85", linewidth=0.5)
    ax.set_axisbelow(True)


def _bars(ax: plt.Axes, chart: Chart, t: Table, rows: list[int]) -> None:
    """Bars by category: a stack per group of series, groups side by side (or overlaid)."""
    horizontal = chart.kind == HBARS
    groups = list(dict.fromkeys(s.stack or s.key for s in chart.series))
    width = 0.8 / (1 if chart.overlay else len(groups))
    ends: dict[tuple[int, float], float] = {}
    notes = []
    for g, group in enumerate(groups):
        offset = 0.0 if chart.overlay else (g - (len(groups) - 1) / 2) * width
        size = 0.8 - 0.3 * g if chart.overlay else width
        base = [0.0] * len(rows)
        for s in (s for s in chart.series if (s.stack or s.key) == group):
            fill, hatch = look(chart, s)
            values = [_num(t, i, s.key) for i in rows]
            at = [p + offset for p in range(len(rows))]
            style = {"color": fill, "edgecolor": "black", "hatch": hatch, "linewidth": 0.6, "label": legend(t, s)}
            bars = (ax.barh(at, values, size, left=base, **style) if horizontal
                    else ax.bar(at, values, size, bottom=base, **style))
            if chart.vary:
                for k, bar in enumerate(bars):
                    bar.set_facecolor(VARIED[k % len(VARIED)][0])
                    bar.set_hatch(VARIED[k % len(VARIED)][1])
            if s.values is not None:
                for bar, v in zip(bars, values, strict=True):
                    if v:
                        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2,
                                vn.number(v, s.values), ha="center", va="center", fontsize=NOTE_SIZE,
                                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8})
            base = [a + b for a, b in zip(base, values, strict=True)]
            for k, (p, total) in enumerate(zip(at, base, strict=True)):
                key = (k, 0.0 if chart.overlay else offset)
                ends[key] = max(ends.get(key, 0.0), total)
                if s.note:
                    notes.append((key, p, note_text(s.note, t, rows[k], total)))
    top = max([*ends.values(), 1.0])
    for key, p, text in notes:
        if horizontal:
            ax.text(ends[key] + top * 0.01, p, text, va="center", fontsize=NOTE_SIZE)
        else:
            ax.text(p, ends[key] + top * 0.01, text, ha="center", va="bottom", fontsize=NOTE_SIZE)
    _value_axis(ax, chart, top, bool(notes))


def _lines(ax: plt.Axes, chart: Chart, t: Table, rows: list[int]) -> None:
    for k, s in enumerate(chart.series):
        colour, marker, style = STROKES[k % len(STROKES)]
        values = [t.value(i, s.key) for i in rows]
        ys = [math.nan if v is None else float(v) for v in values]
        ax.plot(range(len(rows)), ys, color=colour, marker=marker, linestyle=style, linewidth=1.6 - 0.2 * (k > 0),
                label=legend(t, s))
        if s.values is not None:
            for x, y in enumerate(values):
                if y is not None:
                    ax.annotate(vn.number(y, s.values), (x, y), textcoords="offset points", xytext=(0, 5),
                                ha="center", fontsize=7)
    _value_axis(ax, chart, max([1.0, *(_num(t, i, s.key) for i in rows for s in chart.series)]), False)


def _parts(ax: plt.Axes, chart: Chart, t: Table) -> None:
    """One bar of parts (the table's first row), each labelled with its value in the legend."""
    left = 0.0
    for s in chart.series:
        fill, hatch = look(chart, s)
        v = _num(t, 0, s.key)  # an unknown part draws nothing and reads «[x]» in the legend, never 0
        ax.barh([0], [v], left=left, height=0.5, color=fill, edgecolor="black", hatch=hatch, linewidth=0.6,
                label=f"{legend(t, s)}: {vn.number(t.value(0, s.key))}")
        if v and s.values is not None:
            ax.text(left + v / 2, 0, vn.number(v, s.values), ha="center", va="center", fontsize=9, weight="bold",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        left += v
    if chart.header:
        ax.text(0, 0.42, note_text(chart.header, t, 0), fontsize=8.5)
    ax.set_ylim(-0.5, 0.75)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    _value_axis(ax, chart, max(left, 1), True)


def _draw(fig: plt.Figure, ax: plt.Axes, chart: Chart, t: Table, labels: dict[str, str]) -> None:
    if chart.kind == PARTS:
        _parts(ax, chart, t)
        axes = [ax]
    else:
        rows = data_rows(t)
        panels = [None]
        if chart.panels:
            panels = sorted({t.value(i, chart.panels) for i in rows} - {None})
            ax.remove()
            axes = list(fig.subplots(1, len(panels), sharey=True, sharex=True, squeeze=False)[0])
        else:
            axes = [ax]
        for panel, value in zip(axes, panels, strict=True):
            mine, names = categories(t, chart, [i for i in rows if value is None or t.value(i, chart.panels) == value],
                                      labels)
            (_lines if chart.kind == LINES else _bars)(panel, chart, t, mine)
            _category_ticks(panel, chart, names)
            if chart.category_axis:
                (panel.set_ylabel if chart.kind == HBARS else panel.set_xlabel)(chart.category_axis)
            if value is not None:
                panel.set_title(chart.panel_title.format(value), fontsize=9, weight="bold")
    if len(chart.series) > 1 or chart.kind == PARTS:
        handles, names = axes[0].get_legend_handles_labels()
        fig.legend(handles, names, loc="outside lower center", ncol=chart.legend_columns)


def topic_template(chart: Chart):
    topic = next((tp for c, tp in DECLARED if c is chart), None)
    return topic.module("template") if topic is not None else None


def figure(chart: Chart, results: Results, template=None) -> plt.Figure:
    """The chart's figure (closed by the caller); its title is the report's caption, not drawn here.
    template: what holds the chart's `labels` declaration (default: its topic's template module)."""
    t = results.tables[chart.table]
    with plt.rc_context(STYLE | {"font.family": serif()}):
        fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
        # A city draws the communes that sent (the report names the others); a commune, nothing partial.
        owners = results.config.owners(t.query.source)
        if t.missing and not (results.city is not None and len(t.missing) < len(owners)):
            ax.set_axis_off()
            who = "\n".join(u.name for u in t.missing)
            ax.text(0.5, 0.5, f"{vn.GAP} Chưa có số liệu của:\n{who}", ha="center", va="center",
                    fontsize=10, transform=ax.transAxes)
        else:
            _draw(fig, ax, chart, t, labels_of(chart, template if template is not None else topic_template(chart)))
        if results.demo:
            fig.text(0.5, 0.5, DEMO_MARK, fontsize=30, color="0.6", alpha=0.35, rotation=20,
                     ha="center", va="center", weight="bold")
    return fig


def draw(chart: Chart, results: Results, out_dir: Path) -> Path:
    fig = figure(chart, results)
    with plt.rc_context(STYLE | {"font.family": serif()}):
        path = atomic.save(fig, out_dir / f"{chart.name}.png", dpi=DPI)
    plt.close(fig)
    return path


def draw_all(results: Results, out_dir: Path) -> dict[str, Path]:
    """Every declared chart into out_dir; returns chart name → PNG path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {chart.name: draw(chart, results, out_dir) for chart in CHARTS}

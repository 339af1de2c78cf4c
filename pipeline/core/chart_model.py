"""Chart declarations: what a topic's chart shows, as data (`pipeline/topics/<id>/charts.py`).

A topic declares CHARTS, a tuple of `Chart`; the one engine (`pipeline.outputs.charts`) draws any
of them. A chart names the indicator table it draws, its kind, the column giving its categories
and the series (table columns) it shows; the engine chooses the black-and-white palette, the
number format (decimal comma), the grid, the legend and the tick layout from the kind.

Kinds:
- BARS:  vertical bars by category (e.g. by month); series sharing a `stack` are stacked.
- HBARS: horizontal bars by category; series with different stacks stand side by side (grouped),
         or drawn over one another when the chart says `overlay`; `panels` splits by a column.
- LINES: one line per series over the categories (rates in percent: `percent=True`).
- PARTS: one horizontal bar made of the series' values in the table's first row.
"""

from __future__ import annotations

from dataclasses import dataclass

BARS, HBARS, LINES, PARTS = "bars", "hbars", "lines", "parts"
KINDS = (BARS, HBARS, LINES, PARTS)


class Short(str):
    """A catalog text carrying the short form a chart prints for it:
    `Short("Máy quét (scan)", "Máy quét")` is the text «Máy quét (scan)» everywhere else."""

    short: str

    def __new__(cls, text: str, short: str) -> Short:
        self = super().__new__(cls, text)
        self.short = short
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # pickles and copies keep the short form
        return str(self), self.short


def short_labels(entries) -> dict[str, str]:
    """{key: short} for the entries of a catalog declaration holding a `Short`, in declaration
    order: an entry is a text (its own key) or a tuple (key, …, text)."""
    out = {}
    for entry in entries:
        key, text = (entry[0], entry[-1]) if isinstance(entry, tuple) else (entry, entry)
        if isinstance(text, Short):
            out[str(key)] = text.short
    return out


@dataclass(frozen=True)
class Series:
    """One column of the table drawn as bars, a line or a part.

    fill/hatch: a grey level ("0.25", "white") and a hatch ("////"); None leaves them to the
    engine's palette. stack: series with the same non-empty stack are drawn one on top of the
    other (BARS, HBARS); every other series stands beside them. values: print each value on its
    bar or point with that many decimals (None: not printed). note: a text printed at the end of
    the series' stack for each category, with {column} for a table cell as printed, {column:%}
    for a percentage and {_total} for the stack's sum (e.g. "{_total} ({ty_le_dap_ung}% đáp ứng)").
    """

    key: str
    label: str = ""  # the legend; "" takes the table column's label (e.g. a declared rate's label)
    fill: str | None = None
    hatch: str | None = None
    stack: str = ""
    values: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart: `name` is the PNG's name (the report refers to it), `title` its caption's sense
    (the caption itself is the report's), `table` the indicator table it draws."""

    name: str
    title: str
    table: str
    kind: str
    category: str  # the column holding the categories (months, forms, kinds …)
    series: tuple[Series, ...]
    axis: str = ""  # the value axis' label
    category_axis: str = ""  # the category axis' label (rarely needed)
    percent: bool = False  # values are percentages: axis 0–100% with the "%" sign
    decimals: int = 0  # decimals of the value axis' numbers
    panels: str = ""  # a column: one panel per value side by side (e.g. "nam": one per year)
    panel_title: str = "{}"  # each panel's title, {} being the panel's value
    overlay: bool = False  # HBARS: stacks drawn over one another, the later ones narrower
    vary: bool = False  # one series whose bars each take the next grey and hatch of the palette
    labels: str = ""  # the topic template's declaration holding Short labels for the categories
    only_labelled: bool = False  # draw only the categories that have a short label, in its order
    drop_prefix: str = ""  # a prefix cut from each category («Trình độ: đại học» → «Đại học»)
    header: str = ""  # PARTS: a line above the bar, with {column} as in Series.note
    room: float = 1.0  # how far the value axis runs past the longest bar, to fit the notes
    legend_columns: int = 2

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"chart {self.name}: kind {self.kind!r} is not one of {KINDS}")

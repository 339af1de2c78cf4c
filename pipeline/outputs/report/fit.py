"""Column widths of a Word table from what its cells hold, measured with the font's own metrics
(`core.fonts`): no column is narrower than its longest unbreakable piece — a header's longest word (headers wrap only at spaces),
a text's longest word, a number or a mark whole (numbers never wrap) — and the page's width is
shared out so that texts wrap as little as possible (the auto layout of HTML tables)."""

from __future__ import annotations

from pipeline.core.fonts import length_cm

PADDING_CM = 0.19 * 2 + 0.12  # Word's default cell margins (left, right) and a little room for rounding
HEADER_LINES = 3


def _longest_word(text: str, size: float, bold: bool) -> float:
    return max((length_cm(w, size, bold) for w in text.split()), default=0.0)


def _line(text: str, size: float, bold: bool) -> float:
    return max((length_cm(line, size, bold) for line in text.splitlines()), default=0.0)


def needs(header: str, cells: list[str], whole: bool, size: float, bold_rows: set[int] = frozenset()
          ) -> tuple[float, float]:
    """(narrowest, widest useful) width in cm of a column: whole — its cells never wrap (numbers, marks)."""
    least = _longest_word(header, size, True)
    most = _line(header, size, True) / HEADER_LINES  # a header may take a few lines, a cell's text fewer
    for i, text in enumerate(cells):
        bold = i in bold_rows
        piece = _line(text, size, bold)
        least = max(least, piece if whole else _longest_word(text, size, bold))
        most = max(most, piece)
    return least + PADDING_CM, max(least, most) + PADDING_CM


def widths(columns: list[tuple[float, float]], width_cm: float) -> list[float]:
    """Share width_cm among columns given as (narrowest, widest): every column at least its narrowest;
    the rest given in proportion to what each still needs to stand on one line; a table whose
    columns all fit on one line is widened in proportion to them. When even the narrowest widths do
    not fit (see `fits`), each is scaled down alike."""
    least = [c[0] for c in columns]
    most = [c[1] for c in columns]
    if sum(least) >= width_cm:
        return [w * width_cm / sum(least) for w in least]
    if sum(most) <= width_cm:
        return [w * width_cm / sum(most) for w in most]
    want = [b - a for a, b in columns]
    spare = width_cm - sum(least)
    return [a + spare * d / sum(want) for a, d in zip(least, want, strict=True)]


def fits(columns: list[tuple[float, float]], width_cm: float) -> bool:
    return sum(c[0] for c in columns) <= width_cm

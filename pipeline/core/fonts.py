"""Printed lengths of text in the documents' font, from the font file's own metrics: Times New Roman,
or Liberation Serif (its metric twin) where Times is not installed. Used to size Word table columns
and the rows of wrapped titles in workbooks, so that no word is broken and no line is cut."""

from __future__ import annotations

import functools

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from PIL import ImageFont

SERIF = ("Times New Roman", "Liberation Serif", "DejaVu Serif")  # the documents' font, then its stand-ins
SANS = ("Arial", "Liberation Sans", "DejaVu Sans")  # the annex workbook's
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƠƯ"
PT_CM = 2.54 / 72
EM = 1000  # the size the font is measured at


@functools.cache
def _font(bold: bool, families: tuple[str, ...]) -> ImageFont.FreeTypeFont:
    """The first of families installed in that weight with every Vietnamese letter (an old Liberation
    Serif lacks ơ, ư, ạ…, and would be measured with its blank glyph)."""
    weight = 700 if bold else 400
    found = sorted((families.index(f.name), f.fname) for f in font_manager.fontManager.ttflist
                   if f.name in families and f.weight == weight and f.style == "normal")
    for _, path in found:
        if set(map(ord, VIETNAMESE)) <= set(FT2Font(path).get_charmap()):
            return ImageFont.truetype(path, EM)
    props = font_manager.FontProperties(family=list(families), weight="bold" if bold else "normal")
    return ImageFont.truetype(font_manager.findfont(props), EM)


@functools.cache
def _em(text: str, bold: bool, families: tuple[str, ...]) -> float:
    return _font(bold, families).getlength(text) / EM


def length_cm(text: str, size: float, bold: bool = False, families: tuple[str, ...] = SERIF) -> float:
    """The printed length of text at size points, in centimetres."""
    return _em(text, bold, families) * size * PT_CM


def family(name: str | None) -> tuple[str, ...]:
    """The families measured for a font named in a workbook: Times → the serif ones, any other
    (Arial, Calibri) → the sans ones (Arial is the wider: a measure that errs on the safe side)."""
    return SERIF if name in SERIF else SANS


def lines(text: str, width_cm: float, size: float, bold: bool = False, families: tuple[str, ...] = SERIF) -> int:
    """How many lines text takes wrapped at spaces within width_cm (a word longer than the width
    takes a line of its own)."""
    count = 0
    for paragraph in str(text).split("\n"):
        count += 1
        line = 0.0
        space = length_cm(" ", size, bold, families)
        for word in paragraph.split():
            w = length_cm(word, size, bold, families)
            if line and line + space + w > width_cm:
                count += 1
                line = w
            else:
                line += (space if line else 0) + w
    return max(1, count)

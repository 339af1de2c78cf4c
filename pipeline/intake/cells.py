"""Cell values as they enter the system, and typed per column (vectorised).

Text is trimmed, composed (NFC) and given one tone style (vn.tones: the mark on the first vowel of an open «oa», «uy») when read (`clean`); text fields lose invisible control
characters (`to_text`), multiline fields (Field.multiline) keep their line breaks; a number cell holding infinity or NaN becomes `NonFinite`, so that it is
neither blank nor a figure. `read.py` re-exports these names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from pipeline.core import vn
from pipeline.core.model import Field


def norm(text: object) -> str:
    """Header text compared loosely: Unicode NFC, case, spaces and dash styles ignored."""
    return _norm(text if isinstance(text, str) else str(text or ""))


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    value = vn.tones(unicodedata.normalize("NFC", text)).casefold()
    value = value.replace("–", "-").replace("—", "-").replace("\u00a0", " ")
    return " ".join(value.split())

NUMBER_KINDS = ("floating", "integer", "mixed-integer-float", "empty")  # pandas infer_dtype: numbers only


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_BLANK = np.frompyfunc(_is_blank, 1, 1)


class NonFinite(str):
    """A number cell holding infinity or not-a-number (inf, nan, 1e400): kept as its text so it
    is neither blank nor a figure, and reported where it stands."""


def _clean(value: object) -> object:
    """One cell as it enters the system: text trimmed and in composed Unicode (NFC), blank text
    as None, a non-finite number as NonFinite."""
    if isinstance(value, str):
        value = value.strip()
        if not value.isascii():  # one tone style: a choice typed in either style matches
            value = vn.tones(unicodedata.normalize("NFC", value))
        return value or None
    if isinstance(value, float) and not np.isfinite(value):
        return NonFinite(repr(value))
    return value


_CLEAN = np.frompyfunc(_clean, 1, 1)


def blank_mask(raw: pd.Series) -> pd.Series:
    """True where a cell holds nothing (None, NaN, empty or whitespace-only text)."""
    return pd.Series(_BLANK(raw.to_numpy(dtype=object)).astype(bool), index=raw.index) | raw.isna()


# Beyond 2^53 a float no longer holds every whole number exactly (and Int64 cannot take it):
# such a cell is reported as not a whole number instead of crashing the run.
MAX_WHOLE = 2.0**53


def to_numbers(raw: pd.Series, integer: bool) -> tuple[pd.Series, pd.Series]:
    """(float values with NaN for blank/bad, mask of cells that are not numbers)."""
    if pd.api.types.infer_dtype(raw, skipna=True) in NUMBER_KINDS:
        values = raw.astype("float64")
        bad = pd.Series(False, index=raw.index)
        if integer:
            bad = values.notna() & ((values != np.floor(values)) | (values.abs() > MAX_WHOLE))
            values[bad] = np.nan
        return values, bad
    kinds = raw.map(type)
    values = pd.Series(np.nan, index=raw.index, dtype="float64")
    numeric = kinds.isin((float, int))
    if numeric.any():
        values[numeric] = raw[numeric].astype("float64")
    texts = kinds.isin((str,))
    bad = ~(numeric | texts | raw.isna())
    if texts.any():
        strings = raw[texts].str.strip()
        filled = strings != ""
        parsed = strings[filled].map(vn.parse_number).astype("float64")
        values[parsed.index] = parsed
        bad[parsed.index[~np.isfinite(parsed)]] = True  # not a number, or a thousand digits (inf)
        values[bad] = np.nan
    if integer:
        fraction = values.notna() & ((values != np.floor(values)) | (values.abs() > MAX_WHOLE))
        bad = bad | fraction
        values[fraction] = np.nan
    return values, bad


_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")  # every line break written as "\n"
_BLANK_LINES = re.compile(r"\n{3,}")


def _lines(text: str) -> str:
    """Multiline text as stored: each line's spaces collapsed, at most one blank line between
    paragraphs, no blank line at either end."""
    text = _LINE_BREAKS.sub("\n", text)
    kept = "\n".join(" ".join(vn.without_control(line).split()) for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", kept).strip("\n")


def to_text(raw: pd.Series, multiline: bool = False) -> pd.Series:
    """Text as stored: composed Unicode (NFC, done when read), spaces collapsed and invisible
    control characters removed (a vertical tab or form feed pasted from Word becomes a space);
    with multiline, line breaks are kept and the rest of each line cleaned the same way."""
    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = v if isinstance(v, str) else str(v)
        if multiline:
            return _lines(unicodedata.normalize("NFC", text)) or None
        if not text.isascii() or not text.isprintable():
            text = vn.without_control(unicodedata.normalize("NFC", text))
        text = " ".join(text.split())
        return text or None
    return raw.map(one).astype(object)


def to_dates(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    def one(v: object) -> object:
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, date):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool) and 1 <= v < 2958466:
            return (datetime(1899, 12, 30) + timedelta(days=float(v))).date()
        if isinstance(v, str):
            for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
                try:
                    return datetime.strptime(v.strip(), fmt).date()
                except ValueError:
                    pass
        return pd.NaT
    blank = blank_mask(raw)
    values = raw.map(one)
    bad = ~blank & values.isna()
    return values, bad


def typed(raw: pd.Series, col: Field) -> tuple[pd.Series, pd.Series]:
    """(typed column, mask of cells whose content cannot be read as the field's type)."""
    if col.numeric:
        return to_numbers(raw, col.type == "int")
    if col.type == "date":
        return to_dates(raw)
    text = to_text(raw, col.multiline)
    if col.type == "choice":
        canon = {norm(c): c for c in col.choices}
        text = text.map(lambda v: canon.get(norm(v), v) if isinstance(v, str) else v)
    return text, pd.Series(False, index=raw.index)



def typed_columns(raw: pd.DataFrame, cols: tuple[Field, ...]) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """Typed values and bad-cell masks of every column. Numeric columns that hold only numbers and
    blanks (the usual case) are converted together in one block; the others cell by cell."""
    values: dict[str, object] = {}
    bad: dict[str, np.ndarray] = {}
    numeric = [c for c in cols if c.numeric]
    if numeric:
        block = raw[[c.key for c in numeric]].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(block.ravel(), skipna=True) in NUMBER_KINDS:
            numbers = block.astype("float64")
            ints = np.array([c.type == "int" for c in numeric])
            fraction = ints & ~np.isnan(numbers) & (
                (numbers != np.floor(numbers)) | (np.abs(numbers) > MAX_WHOLE))
            numbers[fraction] = np.nan
            for j, col in enumerate(numeric):
                values[col.key], bad[col.key] = numbers[:, j], fraction[:, j]
    for col in cols:
        if col.key not in values:
            found, wrong = typed(raw[col.key], col)
            values[col.key], bad[col.key] = found, wrong.to_numpy(dtype=bool)
    return {c.key: values[c.key] for c in cols}, bad

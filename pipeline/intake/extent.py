"""Where a sheet's values really end (issue 27, item 6), read from its XML before calamine opens it.

A row that carries only formatting (a fill, a border) or only spaces is not a row: a unit cannot
see it, so it never makes a sheet «too long». Only when a sheet's XML names rows beyond the read
limit (gate.sheet_extent, a cheap scan) is it read here cell by cell: the rows past the limit are
cut away when none of them holds a value, and otherwise the refusal names the first offending cell
with its own value (the first value below a fixed-row sheet's rows, the row that takes a list past
its length, or the first value past the read limit).
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)\b")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_V = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)<")
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)<")
_ITEM = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class Value:
    """A cell holding something a unit can see: its row, A1 address and value as shown."""

    row: int
    cell: str
    value: str | float


def strings(zf: zipfile.ZipFile) -> list[bytes]:
    """The shared strings' bodies (read only when a sheet needs this scan)."""
    try:
        return [m.group(1) or b"" for m in _ITEM.finditer(zf.read(STRINGS))]
    except KeyError:
        return []


def _text(body: bytes) -> str:
    return html.unescape("".join(t.decode("utf-8", "replace") for t in _TEXT.findall(body)))


def _value(attrs: bytes, body: bytes | None, shared: list[bytes]) -> str | float | None:
    """What a cell shows (None: blank, only spaces, or formatting)."""
    if not body or not _HAS_VALUE.search(body):
        return None
    kind = (found.group(1) if (found := _TYPE.search(attrs)) else b"n")
    v = _V.search(body)
    if kind == b"s":
        try:
            text = _text(shared[int(v.group(1))]) if v else ""
        except (ValueError, IndexError):
            text = v.group(1).decode("utf-8", "replace") if v else ""
    elif kind == b"inlineStr":
        text = _text(body)
    else:
        text = html.unescape(v.group(1).decode("utf-8", "replace")) if v else ""
    if text.strip():
        if kind == b"n":
            try:
                return float(text)
            except ValueError:
                pass
        return text.strip()
    return "=…" if _FORMULA.search(body) else None  # a formula counts even without a saved result


def values(xml: bytes, shared: list[bytes], start: int = 1) -> Iterator[Value]:
    """The first visible value of each row from row `start` on, in row order."""
    number = 0
    for row in _ROW.finditer(xml):
        attrs, body = row.group(1), row.group(2)
        found = _ROW_NUMBER.search(attrs)
        number = int(found.group(1)) if found else number + 1
        if number < start or not body or not _HAS_VALUE.search(body):
            continue
        for cell in _CELL.finditer(body):
            shown = _value(cell.group(1), cell.group(2), shared)
            if shown is not None:
                ref = _REF.search(cell.group(1))
                yield Value(number, (ref.group(1) + ref.group(2)).decode() if ref else f"A{number}", shown)
                break


def first_beyond(xml: bytes, shared: list[bytes], last: int) -> Value | None:
    """The first visible value below row `last`."""
    return next(values(xml, shared, last + 1), None)


def nth(xml: bytes, shared: list[bytes], start: int, n: int) -> Value | None:
    """The n-th row (1-based) holding a visible value from row `start` on."""
    for i, found in enumerate(values(xml, shared, start), start=1):
        if i == n:
            return found
    return None


def cut(xml: bytes, last: int) -> bytes:
    """The sheet's XML without its rows below `last` (none of which holds a value) nor its
    declared dimension (calamine sizes the sheet from its cells)."""
    def keep(row: re.Match) -> bytes:
        found = _ROW_NUMBER.search(row.group(1))
        return b"" if found and int(found.group(1)) > last else row.group(0)
    return _ROW.sub(keep, _DIMENSION.sub(b"", xml))


def rezip(zf: zipfile.ZipFile, parts: dict[str, bytes]) -> bytes:
    """The workbook's bytes with some parts replaced (the cut sheets), for calamine."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in zf.infolist():
            new.writestr(info, parts[info.filename] if info.filename in parts else zf.read(info))
    return out.getvalue()

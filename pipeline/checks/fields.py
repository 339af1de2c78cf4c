"""Cells as typed values, and the checks of each cell on its own: fixed rows and list rows cut
from a sheet, cells that are not of their field's type, formulas without a saved result,
printed key cells changed, and the per-cell tests (required, bounds, choices, length)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.checks.messages import FORMULA_IN_TEXT, NO_RESULT, formula_error
from pipeline.core import layout
from pipeline.core.config import Config
from pipeline.core.model import Field, Sheet
from pipeline.intake import read
from pipeline.intake.book import SheetData
from pipeline.intake.cells import norm


class Lookup:
    """raw.at[(file, row), key] in constant time (pandas' .at on a MultiIndex costs ~0.4 ms a call,
    which made thousands of problems cost seconds); built on first use."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame, self.rows = frame, None
        self.cols = {c: j for j, c in enumerate(frame.columns)}

    @property
    def at(self) -> Lookup:
        return self

    def __getitem__(self, key: tuple) -> object:
        if self.rows is None:
            self.values = self.frame.to_numpy(dtype=object)
            self.rows = {idx: i for i, idx in enumerate(self.frame.index)}
        idx, column = key
        return self.values[self.rows[idx], self.cols[column]]



@dataclass
class Part:
    """One sheet of one file inside a batch."""

    file_no: int
    book: read.Workbook
    data: SheetData
    skip_required: bool = False
    blank_rows: frozenset[int] = frozenset()  # Excel rows left entirely blank (Sheet.blank_rows)


def prepare(part: SheetData, config: Config, book: read.Workbook) -> tuple[np.ndarray, bool]:
    """Cut the data area of one sheet: fixed rows (checked unchanged) or non-blank list rows.
    Returns the positions of the rows kept in part.cells and whether a fixed sheet is empty."""
    sheet, cells = part.sheet, part.cells
    filled = ~pd.isna(cells)  # read.py stores blank cells as None
    first_row = part.first_row if len(cells) else layout.FIRST_DATA_ROW
    if sheet.rows is not None:
        n = len(sheet.rows(config))
        if not sheet.keys and len(cells) < n:  # nothing printed in a keyless row: trailing blank rows
            cells = np.concatenate([cells, np.full((n - len(cells), len(sheet.columns)), None, dtype=object)])
            part.cells, filled = cells, ~pd.isna(cells)
            part.first_row = first_row
        if filled[n:].any():
            i, j = np.argwhere(filled[n:])[0]
            row, key = first_row + n + int(i), sheet.columns[j].key
            book.error(f"Có số liệu ở dòng {row}, ngoài các dòng của biểu (biểu có {n} dòng, từ dòng "
                       f"{first_row} đến {first_row + n - 1}).",
                       "Không thêm dòng vào biểu có dòng in sẵn; hãy xóa số liệu thừa hoặc chuyển vào đúng dòng.",
                       part.name, f"{part.letters[key]}{row}", sheet.column(key).label, cells[n + i, j])
        cut = np.arange(min(n, len(cells)))
        if len(cut) < n:
            book.error(f"Trang tính thiếu dòng: cần {n} dòng in sẵn, chỉ có {len(cut)} dòng.",
                       "Không xóa dòng của biểu mẫu; hãy dùng lại biểu mẫu gốc và chép số liệu sang.",
                       part.name, f"A{first_row + len(cut)}")
        empty = len(cut) > 0 and not filled[:n, len(sheet.keys):].any()
        if empty and (sheet.needs_figures or any(f.required for f in sheet.fields)):
            first = sheet.fields[0]
            book.error(f"Trang tính «{part.name}» chưa có số liệu (mọi ô số liệu đều trống).",
                       "Hãy điền số liệu vào biểu mẫu rồi gửi lại (các cột bắt buộc phải có số; ô không "
                       "bắt buộc để trống là chưa có số liệu).",
                       part.name, f"{part.letters[first.key]}{first_row}")
        return cut, empty
    cut = np.flatnonzero(filled.any(axis=1))
    if len(cut) > sheet.max_rows:
        over = cut[sheet.max_rows]  # the first row past the list's length, named at its first value
        j = int(np.flatnonzero(filled[over])[0])
        book.error(f"Danh sách có {len(cut)} dòng, vượt số dòng tối đa {sheet.max_rows} của biểu từ dòng "
                   f"{first_row + over}.",
                   f"Hãy xóa các dòng thừa từ dòng {first_row + over} trở xuống; nếu số dòng thật sự nhiều hơn "
                   "giới hạn, hãy liên hệ cơ quan thường trực để được hướng dẫn.", part.name,
                   f"{part.letters[sheet.columns[j].key]}{first_row + over}", sheet.columns[j].label, cells[over, j])
    return cut, False



@functools.cache
def cell_tests(sheet: Sheet) -> dict[str, tuple[list[str], object]]:
    """Cell checks of a sheet, one per kind over every column it applies to: name → (field keys,
    test(frame) → boolean array rows × keys, False = the cell is at fault)."""
    cols = sheet.columns
    numeric = [c for c in cols if c.numeric]
    low = [c for c in numeric if c.min is not None]
    high = [c for c in numeric if c.max is not None]
    choices = {c.key: c.choices for c in cols if c.type == "choice"}
    lengths = {c.key: c.max_length for c in cols if c.type in ("text", "choice") and c.max_length}

    def bound(fields: list[Field], limit: str, op):
        keys, limits = [c.key for c in fields], np.array([getattr(c, limit) for c in fields], dtype=float)
        def test(frame: pd.DataFrame) -> np.ndarray:
            values = frame[keys].to_numpy(dtype=float)
            with np.errstate(invalid="ignore"):
                return np.isnan(values) | op(values, limits)
        return keys, test

    def each(keys: list[str], ok):
        def test(frame: pd.DataFrame) -> np.ndarray:
            return np.column_stack([(frame[k].isna() | ok(frame[k], k)).to_numpy(dtype=bool) for k in keys])
        return keys, test

    required = [c.key for c in cols if c.required]
    tests = {"not_nullable": (required, lambda frame: frame[required].notna().to_numpy()),
             "min": bound(low, "min", np.greater_equal), "max": bound(high, "max", np.less_equal),
             "choices": each(list(choices), lambda s, k: s.isin(choices[k])),
             "max_length": each(list(lengths), lambda s, k: s.str.len() <= lengths[k])}
    return {name: test for name, test in tests.items() if test[0]}



def formula_problems(sheet: Sheet, parts: list[Part], raw: pd.DataFrame, bad_cells: set) -> None:
    """Formula cells without a saved result, or whose result is an error (#DIV/0!), read as blank:
    say so instead of "blank". A long text field (Field.multiline) takes no formula at all."""
    texts = {c.key for c in sheet.fields if c.multiline}
    for part in parts:
        found = [(a1, None) for a1 in part.data.formulas_without_value]
        found += list(part.data.formula_errors.items())
        if texts:
            letters = {part.data.letters[k] for k in texts if k in part.data.letters}
            found += [(a1, "") for a1 in part.data.formulas - part.data.formulas_without_value
                      if a1 not in part.data.formula_errors and a1.rstrip("0123456789") in letters]
        if not found:
            continue
        by_letter = {letter: key for key, letter in part.data.letters.items()}
        rows = set(raw.loc[part.file_no].index) if part.file_no in raw.index.get_level_values(0) else set()
        for a1, error in sorted(found):
            letter = a1.rstrip("0123456789")
            row = int(a1[len(letter):])
            if letter in by_letter and row >= part.data.first_row and (row in rows or sheet.rows is None):
                key = by_letter[letter]
                bad_cells.add((part.file_no, row, key))
                rule, fix = NO_RESULT if error is None else FORMULA_IN_TEXT if error == "" else formula_error(error)
                part.book.error(rule, fix, part.data.name, a1, sheet.column(key).label, error or None,
                                group="Ô có công thức bị lỗi." if error else None)


def blank_rows(part: Part, cut: np.ndarray) -> frozenset[int]:
    """Fixed rows whose figures are all blank, where the sheet allows them (Sheet.blank_rows):
    their required cells are not reported; one warning lists them."""
    data, sheet = part.data, part.data.sheet
    if sheet.rows is None or not sheet.blank_rows or not len(cut):
        return frozenset()
    values = data.cells[cut][:, len(sheet.keys):]
    rows = [int(r) for r in data.row_numbers(cut[~(~pd.isna(values)).any(axis=1)])]
    if data.rows is not None:  # an export: the template rows it does not cover are not the unit's blanks
        return frozenset(rows)
    if rows and (not sheet.blank_rows_expected or len(rows) == len(cut)):
        shown = ", ".join(map(str, rows[:12])) + (f" … ({len(rows)} dòng)" if len(rows) > 12 else "")
        first = sheet.fields[0]
        part.book.warning(f"Các dòng {shown} để trống toàn bộ: được ghi nhận là chưa có số liệu (không phải 0).",
                          "Nếu có số liệu của các dòng này thì hãy điền; nếu không có thì không cần sửa.",
                          data.name, f"{data.letters[first.key]}{rows[0]}", first.label)
    return frozenset(rows)


def fixed_keys(sheet: Sheet, typed: pd.DataFrame, raw: pd.DataFrame, parts: list[Part],
                config: Config) -> None:
    """Key cells of fixed rows must hold exactly what the template printed."""
    if sheet.rows is None or not sheet.keys:
        return
    expected = pd.DataFrame(sheet.rows(config), columns=[k.key for k in sheet.keys])
    position = typed.groupby(level=0).cumcount().to_numpy()
    books = {p.file_no: p for p in parts}
    for col in sheet.keys:
        want = expected[col.key].to_numpy(dtype=object)[position]
        got = typed[col.key].to_numpy(dtype=object)
        same = got == want
        for i in np.flatnonzero(~same):
            if col.numeric:
                if pd.notna(got[i]) and float(got[i]) == float(want[i]):
                    continue
            elif norm(got[i]) == norm(want[i]):
                typed.iloc[i, typed.columns.get_loc(col.key)] = want[i]  # stored as printed
                continue
            file_no, row = typed.index[i]
            part = books[file_no]
            part.book.error(f"Ô in sẵn của dòng bị thay đổi: phải là «{read.shown(want[i])}».",
                            "Không sửa, xóa, chèn hay sắp xếp lại các dòng in sẵn; hãy trả lại đúng nội dung "
                            "(hoặc dùng lại biểu mẫu gốc).", part.data.name,
                            f"{part.data.letters[col.key]}{row}", col.label, raw.at[(file_no, row), col.key])



def as_int64(values: np.ndarray):
    """Whole floats (NaN = blank) as a nullable Int64 array, built directly (astype checks every value)."""
    blank = np.isnan(values)
    if np.all(np.abs(values[~blank]) < 2.0 ** 63):
        return pd.arrays.IntegerArray(np.where(blank, 0, values).astype("int64"), blank)
    return pd.array(values, dtype="Int64")  # out of range: pandas raises, as before


"""Validate returned workbooks against pandera schemas derived from the catalog.

Each problem becomes a Vietnamese message naming file, sheet, cell (A1), field, the value found,
the rule broken and how to fix it. Files of one template are validated together (one pandera
pass per sheet over all files, index = (file, Excel row)), which keeps a run of hundreds of
files close to the cost of merely reading them.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from openpyxl.utils import column_index_from_string

from pipeline.checks.feedback import (
    ANNOTATED_SUFFIX,
    ERROR_FILL,
    REPORT_NAME,
    WARNING_FILL,
    output_dir,
    write_outputs,
)
from pipeline.core import layout, logs, vn, words
from pipeline.core.config import Config
from pipeline.core.model import (
    _IDENT,
    GAP_MARK,
    PERIOD_DATES,
    Field,
    Rule,
    Sheet,
    Template,
    period_dates,
)
from pipeline.intake import read
from pipeline.intake.cells import MAX_WHOLE, NonFinite, norm, typed_columns
from pipeline.intake.read import Problem, SheetData
from pipeline.topics import CATALOG

__all__ = ["Problem", "FileReport", "Omitted", "check_file", "check_files", "check_batch", "write_outputs",
           "output_dir", "REPORT_NAME", "ANNOTATED_SUFFIX", "ERROR_FILL", "WARNING_FILL", "main"]
LOG = logging.getLogger("pipeline")

FILE = "_file"  # index level / column of the file number in a batch
SPAN = 1 << 21  # > Excel's 1,048,576 rows: pandera sees a flat index file * SPAN + row
TOLERANCE = 1e-6  # relative tolerance of equality between sums of decimals
FILL_BLANK = ("Đây là số liệu bắt buộc: hãy điền số liệu vào ô này (số 0 chỉ khi thật sự không phát sinh). "
              "Các ô không bắt buộc thì để trống là chưa có số liệu.")
PROBLEM_CAP = 1000  # problems kept in full per file; the rest are counted per rule (Omitted)


@dataclass
class Omitted:
    """Problems of one rule past a file's first PROBLEM_CAP, counted instead of listed."""

    severity: str
    sheet: str | None
    field: str | None
    rule: str  # the rule without a cell's own figures
    fix: str  # the fix of the first omitted problem
    count: int

    def text(self) -> str:
        where = "".join([f" ở trang «{self.sheet}»" if self.sheet else "", f", cột «{self.field}»" if self.field else ""])
        kind = "lỗi" if self.severity == "error" else "cảnh báo"
        return f"Thêm {vn.number(self.count)} {kind} cùng loại{where} (không liệt kê từng ô): {self.rule}"


@dataclass
class FileReport:
    path: Path
    sha256: str
    status: str  # "accepted" | "warnings" | "rejected"
    template_id: str | None
    version: int | None
    unit_code: str | None
    demo: bool
    recognised_by: str | None  # "fingerprint" | "headers" | None
    problems: list[Problem] = field(default_factory=list)  # the first PROBLEM_CAP, in sheet/cell order
    data: Mapping[str, pd.DataFrame] = field(default_factory=dict)  # sheet key → typed rows
    omitted: list[Omitted] = field(default_factory=list)  # per rule, the problems past the cap

    @property
    def errors(self) -> list[Problem]:
        """The errors listed in full (see error_count for the true total)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def error_count(self) -> int:
        """Every error of the file, listed or omitted."""
        return len(self.errors) + sum(o.count for o in self.omitted if o.severity == "error")

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + sum(o.count for o in self.omitted if o.severity == "warning")

    def text(self) -> str:
        template = CATALOG[self.template_id].title if self.template_id in CATALOG else "không rõ biểu"
        head = (f"{self.path.name}: {words.STATUS[self.status]} — {template}"
                f"{f', đơn vị {self.unit_code}' if self.unit_code else ''}"
                f" ({vn.number(self.error_count)} lỗi, {vn.number(self.warning_count)} cảnh báo)")
        return "\n".join([head] + ["  " + p.text() for p in self.problems] + ["  " + o.text() for o in self.omitted])


# ---------------------------------------------------------------------------------------------
# Schemas derived from the catalog


@functools.cache
def _terms(expr: str) -> tuple[tuple[float, str | None], ...]:
    """A catalog expression ("a + b - 2", "1.5 * du_toan") as (coefficient, key or None) terms."""
    out = []
    for sign, term in re.findall(r"([+-]?)\s*([^+-]+)", expr.replace(" ", "")):
        factor, key = -1.0 if sign == "-" else 1.0, None
        for part in term.split("*"):
            if _IDENT.fullmatch(part):
                key = part
            else:
                factor *= float(part)
        out.append((factor, key))
    return tuple(out)


EPOCH = date(1970, 1, 1)  # day 0 of the day numbers dates compare by


def day_number(value: date) -> float:
    return float((value - EPOCH).days)


def _values(frame: pd.DataFrame, key: str) -> np.ndarray:
    """A column as floats, NaN where blank; a date column (not numeric) as day numbers."""
    column = frame[key]
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.to_numpy(dtype=float)
    stamps = pd.to_datetime(column, errors="coerce")
    return ((stamps - pd.Timestamp(EPOCH)) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _operands(expr: str, frame: pd.DataFrame, period: dict[str, float],
              partial: tuple[str, ...] = ()) -> np.ndarray:
    """An expression over each row; period = day numbers of the names in PERIOD_DATES. A blank
    key of `partial` is left out of the sum, unless every key of the expression is blank."""
    total, given, fields = np.zeros(len(frame)), np.zeros(len(frame), dtype=bool), False
    for factor, key in _terms(expr):
        value = 1.0 if key is None else period[key] if key in PERIOD_DATES else _values(frame, key)
        if key is not None and key not in PERIOD_DATES:
            fields = True
            given |= ~np.isnan(value)
            if key in partial:
                value = np.nan_to_num(value, nan=0.0)
        total = total + factor * value
    return np.where(given, total, np.nan) if fields and partial else total


def period_days(config: Config) -> tuple[tuple[str, float], ...]:
    """The period's dates as (name, day number), the hashable form the schemas are cached by."""
    return tuple((name, day_number(value)) for name, value in period_dates(config).items())


def compare(left, op: str, right):
    """left op right with a relative tolerance (numpy arrays or pandas Series)."""
    tol = TOLERANCE * np.maximum(1.0, np.maximum(abs(left), abs(right)))
    return {"==": abs(left - right) <= tol, "<=": left <= right + tol, ">=": left >= right - tol,
            "<": left < right - tol, ">": left > right + tol}[op]


def _rule_check(rule: Rule, period: dict[str, float]):
    def check(frame: pd.DataFrame) -> pd.Series:
        # A blank field makes its side NaN: the rule is then not evaluated (blank is not zero).
        left = _operands(rule.left, frame, period, rule.partial)
        right = _operands(rule.right, frame, period, rule.partial)
        with np.errstate(invalid="ignore"):
            ok = np.isnan(left) | np.isnan(right) | compare(left, rule.op, right)
        return pd.Series(ok, index=frame.index)
    return check


def _requirement_check(req):
    def check(frame: pd.DataFrame) -> pd.Series:
        when = frame[req.when].isin(req.values)
        then = frame[req.then]
        if req.blank:
            return ~(when & then.notna())
        fail = when & then.isna()
        if req.allowed:
            fail |= when & then.notna() & ~then.isin(req.allowed)
        return ~fail
    return check


def _tree_groups(sheet: Sheet) -> list[str]:
    keys = [k.key for k in sheet.keys]
    return [FILE] + keys[: keys.index(sheet.tree)]


def tree_sums(frame: pd.DataFrame, sheet: Sheet, key: str) -> tuple[pd.Series, pd.Series]:
    """(sum of children, True where the row is a parent whose own value and children are filled)."""
    groups = _tree_groups(sheet)
    codes = frame[sheet.tree].astype(str).str.strip()
    parent = codes.str.rpartition(".")[0]
    rows = frame[groups].copy()
    rows["_code"], rows["_parent"], rows["_v"] = codes.values, parent.values, frame[key].values
    children = rows[rows["_parent"] != ""].groupby(groups + ["_parent"], dropna=False)["_v"]
    agg = pd.DataFrame({"_sum": children.sum(min_count=1), "_n": children.size(), "_filled": children.count()})
    agg.index = agg.index.set_names(groups + ["_code"])
    joined = rows.join(agg, on=groups + ["_code"])
    has_children = joined["_n"].fillna(0) > 0
    complete = has_children & (joined["_n"] == joined["_filled"]) & rows["_v"].notna()
    return pd.Series(joined["_sum"].values, index=frame.index), pd.Series(complete.values, index=frame.index)


def _tree_check(sheet: Sheet, key: str):
    def check(frame: pd.DataFrame) -> pd.Series:
        sums, complete = tree_sums(frame, sheet, key)
        return ~complete | compare(frame[key].astype(float), "==", sums.astype(float))
    return check


def _unique_check(keys: list[str]):
    def check(frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated([FILE, *keys], keep="first") | frame[keys].isna().any(axis=1)
    return check


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


def _cells_check(test):
    def check(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(test(frame).all(axis=1), index=frame.index)
    return check


@functools.cache
def schema(template_id: str, sheet_key: str, severity: str,
           period: tuple[tuple[str, float], ...] = ()) -> pa.DataFrameSchema | None:
    """The pandera schema of one sheet: "error" holds required cells, bounds, choices, lengths,
    duplicate keys, error rules and the tree; "warning" holds the warning rules. (Types are read
    before: a cell that is not a number or a date is reported by the reader.) period: the
    configured period's dates (period_days) for rules that name them."""
    sheet = CATALOG[template_id].sheet(sheet_key)
    checks = [pa.Check(_rule_check(rule, dict(period)), name=f"rule:{i}", ignore_na=False)
               for i, rule in enumerate(sheet.rules) if rule.severity == severity]
    checks += [pa.Check(_requirement_check(req), name=f"require:{i}", ignore_na=False)
               for i, req in enumerate(sheet.requires) if req.severity == severity]
    if severity == "error":
        if sheet.tree:
            checks += [pa.Check(_tree_check(sheet, f.key), name=f"tree:{f.key}", ignore_na=False)
                       for f in sheet.fields if f.numeric]
        if sheet.rows is None and sheet.keys:
            checks.append(pa.Check(_unique_check([k.key for k in sheet.keys]), name="unique", ignore_na=False))
        checks += [pa.Check(_cells_check(test), name=name, ignore_na=False)
                   for name, (_, test) in cell_tests(sheet).items()]
    return pa.DataFrameSchema(checks=checks) if checks else None


def failures(frame: pd.DataFrame, template_id: str, sheet_key: str, severity: str,
             period: tuple[tuple[str, float], ...] = ()) -> list[tuple]:
    """Failing cells of one schema over a batch frame: (check, column or None, file, row), in
    check order. Pandera finds the failing rows; the cell checks' own test then names the cells."""
    found = schema(template_id, sheet_key, severity, period)
    if found is None or frame.empty:
        return []
    codes = frame.index.get_level_values(0).to_numpy() * SPAN + frame.index.get_level_values(1).to_numpy()
    try:
        found.validate(frame.set_axis(codes), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        out = {}
        for err in exc.schema_errors:
            output, check = err.check_output, getattr(err.check, "name", None)
            if output is None or check is None:
                continue
            rows = np.flatnonzero(~output.to_numpy(dtype=bool))
            tests = cell_tests(CATALOG[template_id].sheet(sheet_key))
            if check in tests:
                keys, test = tests[check]
                at, cols = np.nonzero(~test(frame.iloc[rows]))
                rows, columns = rows[at], [keys[j] for j in cols]
            else:
                columns = [None] * len(rows)
            for (file_no, row), column in zip(frame.index[rows], columns, strict=True):
                out.setdefault((check, column, int(file_no), int(row)), None)
        return list(out)
    return []


# ---------------------------------------------------------------------------------------------
# Messages


class _Lookup:
    """raw.at[(file, row), key] in constant time (pandas' .at on a MultiIndex costs ~0.4 ms a call,
    which made thousands of problems cost seconds); built on first use."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame, self.rows = frame, None
        self.cols = {c: j for j, c in enumerate(frame.columns)}

    @property
    def at(self) -> _Lookup:
        return self

    def __getitem__(self, key: tuple) -> object:
        if self.rows is None:
            self.values = self.frame.to_numpy(dtype=object)
            self.rows = {idx: i for i, idx in enumerate(self.frame.index)}
        idx, column = key
        return self.values[self.rows[idx], self.cols[column]]


def _column_problem(check: str, col: Field) -> tuple[str, str]:
    rule_text = layout.field_rule_text(col)
    if check == "not_nullable":
        if col.numeric:
            return "Ô bắt buộc nhưng đang để trống (ô trống không được hiểu là 0).", FILL_BLANK
        if col.type == "choice":
            return "Ô bắt buộc nhưng đang để trống.", "Hãy chọn một giá trị trong danh sách thả xuống."
        return "Ô bắt buộc nhưng đang để trống.", "Hãy điền nội dung vào ô này."
    if check == "min":
        if col.min == 0:
            return "Số âm không hợp lệ: ô này chỉ nhận số không âm.", "Hãy nhập số từ 0 trở lên (số lượng không thể âm)."
        return f"Giá trị nhỏ hơn mức tối thiểu {vn.number(col.min)}.", f"Hãy nhập {rule_text.lower()}."
    if check == "max":
        return f"Giá trị lớn hơn mức tối đa {vn.number(col.max)}.", f"Hãy nhập {rule_text.lower()}."
    if check == "choices":
        return ("Giá trị không có trong danh sách cho phép.",
                "Hãy chọn một trong các giá trị: " + "; ".join(f"«{c}»" for c in col.choices) + ".")
    if check == "max_length":
        limit = vn.number(col.max_length)
        return f"Nội dung dài quá {limit} ký tự.", f"Hãy rút gọn còn tối đa {limit} ký tự."
    return f"Giá trị không hợp lệ ({check}).", f"Hãy nhập {rule_text.lower()}."


def _cells(expr: str, letters: dict[str, str], row: int) -> str:
    """An expression with field keys replaced by their cells and the period's dates by their
    wording: "a + b" → "D7 + E7"."""
    def name(m: re.Match) -> str:
        key = m.group(0)
        return f"{letters[key]}{row}" if key in letters else PERIOD_DATES[key][0] if key in PERIOD_DATES else key
    return _IDENT.sub(name, expr).replace("*", "×")


def _rule_sides(rule: Rule, typed: pd.DataFrame, idx: tuple, period: dict[str, float]) -> tuple[float, float]:
    row = typed.loc[[idx]]
    return (float(_operands(rule.left, row, period, rule.partial)[0]),
            float(_operands(rule.right, row, period, rule.partial)[0]))


def _gap(rule: Rule, typed: pd.DataFrame, idx: tuple, period: dict[str, float]) -> str:
    """|left − right| of one row, as a Vietnamese number (the "{gap}" of a rule's message)."""
    left, right = _rule_sides(rule, typed, idx, period)
    gap = abs(left - right)
    return vn.number(gap, 0 if float(gap).is_integer() else 1)


def _rule_values(rule: Rule, typed: pd.DataFrame, idx: tuple, letters: dict[str, str],
                 period: dict[str, float]) -> str:
    left, right = _rule_sides(rule, typed, idx, period)
    decimals = 0 if float(left).is_integer() and float(right).is_integer() else 1

    def side(expr: str, value: float) -> str:
        terms = _terms(expr)
        # a side whose dates add up to one date is a date; otherwise a number (of days)
        dated = sum(f for f, key in terms if key in PERIOD_DATES or (
            key is not None and not pd.api.types.is_numeric_dtype(typed[key].dtype))) == 1
        shown = vn.day(EPOCH + timedelta(days=value)) if dated else vn.number(value, decimals)
        if not any(key in letters for _, key in terms):
            return f"{_cells(expr, letters, idx[1])} {shown}" if dated else shown
        return f"{_cells(expr, letters, idx[1])} = {shown}"
    return f" Hiện có: {side(rule.left, left)}; so với {side(rule.right, right)}."


# ---------------------------------------------------------------------------------------------
# Batch validation


@dataclass
class _Part:
    """One sheet of one file inside a batch."""

    file_no: int
    book: read.Workbook
    data: SheetData
    skip_required: bool = False
    blank_rows: frozenset[int] = frozenset()  # Excel rows left entirely blank (Sheet.blank_rows)


def _prepare(part: SheetData, config: Config, book: read.Workbook) -> tuple[np.ndarray, bool]:
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
                       "Không thêm dòng vào biểu có dòng in sẵn; hãy xoá số liệu thừa hoặc chuyển vào đúng dòng.",
                       part.name, f"{part.letters[key]}{row}", sheet.column(key).label, cells[n + i, j])
        cut = np.arange(min(n, len(cells)))
        if len(cut) < n:
            book.error(f"Trang tính thiếu dòng: cần {n} dòng in sẵn, chỉ có {len(cut)} dòng.",
                       "Không xoá dòng của biểu mẫu; hãy dùng lại biểu mẫu gốc và chép số liệu sang.",
                       part.name, f"A{first_row + len(cut)}")
        empty = len(cut) > 0 and not filled[:n, len(sheet.keys):].any()
        if empty and any(f.required for f in sheet.fields):
            first = sheet.fields[0]
            book.error(f"Trang tính «{part.name}» chưa có số liệu (mọi ô số liệu đều trống).",
                       "Hãy điền số liệu vào biểu mẫu rồi gửi lại (các cột bắt buộc phải có số; ô không "
                       "bắt buộc để trống là chưa có số liệu).",
                       part.name, f"{part.letters[first.key]}{first_row}")
        return cut, empty
    cut = np.flatnonzero(filled.any(axis=1))
    if len(cut) > sheet.max_rows:
        book.error(f"Danh sách có {len(cut)} dòng, vượt số dòng tối đa {sheet.max_rows} của biểu.",
                   "Hãy liên hệ cơ quan thường trực để được hướng dẫn.", part.name,
                   f"A{first_row + cut[sheet.max_rows]}")
    return cut, False


def _type_problem(col: Field, value: object) -> tuple[str, str]:
    """(rule, fix) of a cell whose content cannot be read as its field's type."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else (
        vn.parse_number(value) if isinstance(value, str) and not isinstance(value, NonFinite) else None)
    if isinstance(value, NonFinite) or (number is not None and not np.isfinite(number)):
        return ("Ô số liệu chứa số không hợp lệ (vô cực hoặc không xác định, thường do công thức hay dữ liệu "
                "dán từ phần mềm khác).", f"Hãy gõ lại con số đúng vào ô ({layout.type_hint(col)}).")
    if col.type == "int" and number is not None and abs(number) > MAX_WHOLE:
        return (f"Số quá lớn: ô này chỉ nhận số nguyên đến {vn.number(MAX_WHOLE)}.",
                "Hãy kiểm tra lại con số (có thể gõ thừa chữ số hoặc dán nhầm mã số) và gõ lại.")
    what = "số nguyên" if col.type == "int" else "số" if col.numeric else "ngày" if col.type == "date" else "giá trị"
    return (f"Ô số liệu chứa giá trị không phải {what}.",
            f"Ô này chỉ nhận {layout.field_rule_text(col).lower()}; hãy gõ "
            f"{'số, ' + layout.type_hint(col) if col.numeric else 'ngày dạng dd/mm/yyyy'}, không gõ "
            "chữ, đơn vị tính hay ghi chú vào ô.")


NO_RESULT = ("Ô có công thức nhưng tệp chưa lưu kết quả tính của công thức, hệ thống không đọc được giá trị.",
             "Hãy mở tệp bằng Excel hoặc LibreOffice Calc, đợi bảng tính tự tính xong rồi bấm Lưu (Save) và gửi "
             "lại; hoặc gõ thẳng con số vào ô.")


FORMULA_IN_TEXT = ("Ô nội dung chứa công thức; phần đánh giá, kiến nghị phải là chữ gõ trực tiếp.",
                   "Hãy xoá công thức và gõ (hoặc dán dạng chữ: Dán đặc biệt › Chỉ giá trị) nội dung vào ô, "
                   "lưu lại rồi gửi lại.")


def _formula_problems(sheet: Sheet, parts: list[_Part], raw: pd.DataFrame, bad_cells: set) -> None:
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
                rule, fix = NO_RESULT if error is None else FORMULA_IN_TEXT if error == "" else (
                    f"Ô có công thức bị lỗi ({error}), hệ thống không đọc được giá trị.",
                    "Hãy sửa công thức (thường do chia cho ô bằng 0 hoặc trống, hay tham chiếu đến ô đã xoá) "
                    "hoặc gõ thẳng con số vào ô, lưu lại rồi gửi lại.")
                part.book.error(rule, fix, part.data.name, a1, sheet.column(key).label, error or None,
                                group="Ô có công thức bị lỗi." if error else None)


def _blank_rows(part: _Part, cut: np.ndarray) -> frozenset[int]:
    """Fixed rows whose figures are all blank, where the sheet allows them (Sheet.blank_rows):
    their required cells are not reported; one warning lists them."""
    data, sheet = part.data, part.data.sheet
    if sheet.rows is None or not sheet.blank_rows or not len(cut):
        return frozenset()
    values = data.cells[cut][:, len(sheet.keys):]
    rows = [int(data.first_row + i) for i in cut[~(~pd.isna(values)).any(axis=1)]]
    if rows and (not sheet.blank_rows_expected or len(rows) == len(cut)):
        shown = ", ".join(map(str, rows[:12])) + (f" … ({len(rows)} dòng)" if len(rows) > 12 else "")
        first = sheet.fields[0]
        part.book.warning(f"Các dòng {shown} để trống toàn bộ: được ghi nhận là chưa có số liệu (không phải 0).",
                          "Nếu có số liệu của các dòng này thì hãy điền; nếu không có thì không cần sửa.",
                          data.name, f"{data.letters[first.key]}{rows[0]}", first.label)
    return frozenset(rows)


def _fixed_keys(sheet: Sheet, typed: pd.DataFrame, raw: pd.DataFrame, parts: list[_Part],
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
                            "Không sửa, xoá, chèn hay sắp xếp lại các dòng in sẵn; hãy trả lại đúng nội dung "
                            "(hoặc dùng lại biểu mẫu gốc).", part.data.name,
                            f"{part.data.letters[col.key]}{row}", col.label, raw.at[(file_no, row), col.key])


def _validate_sheet(template: Template, sheet: Sheet, parts: list[_Part],
                    config: Config) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate one sheet across files; problems are added to each file's Workbook. Returns the
    typed rows of all files (columns "row" + sheet columns) and the file number of each row."""
    cuts = []
    for part in parts:
        cut, empty = _prepare(part.data, config, part.book)
        part.skip_required = empty
        if not empty:
            part.blank_rows = _blank_rows(part, cut)
        cuts.append(cut)
    sizes = [len(cut) for cut in cuts]
    index = pd.MultiIndex.from_arrays(
        [np.repeat([p.file_no for p in parts], sizes).astype("int64"),
         np.concatenate([p.data.first_row + cut for p, cut in zip(parts, cuts, strict=True)]).astype("int64")],
        names=["file_no", "row"])
    cells = np.concatenate([p.data.cells[cut] for p, cut in zip(parts, cuts, strict=True)])
    raw = pd.DataFrame(cells, index=index, columns=[c.key for c in sheet.columns], dtype=object)
    books = {p.file_no: p for p in parts}
    values, bad = typed_columns(raw, sheet.columns)
    typed = pd.DataFrame(values, index=raw.index)
    bad_cells: set[tuple[int, int, str]] = set()
    lookup = _Lookup(raw)
    for col in sheet.columns:
        if not bad[col.key].any():
            continue
        for file_no, row in raw.index[bad[col.key]]:
            part = books[file_no]
            if part.book.late():
                continue
            bad_cells.add((file_no, row, col.key))
            value = lookup.at[(file_no, row), col.key]
            rule, fix = _type_problem(col, value)
            part.book.error(rule, fix, part.data.name, f"{part.data.letters[col.key]}{row}", col.label, value,
                            group=rule)
    _formula_problems(sheet, parts, raw, bad_cells)
    _fixed_keys(sheet, typed, raw, parts, config)

    typed[FILE] = typed.index.get_level_values(0)
    period = period_days(config)
    for severity in ("error", "warning"):
        for check, column, file_no, row in failures(typed, template.id, sheet.key, severity, period):
            if not books[file_no].book.late():
                _report(books[file_no], sheet, check, column, row, typed, lookup, severity, bad_cells, config)
    _previous_rows(sheet, typed, parts, config)
    typed = typed.drop(columns=[FILE])
    for col in sheet.columns:
        if col.type == "int":
            typed[col.key] = _int64(typed[col.key].to_numpy(dtype=float))
    flat = typed.reset_index(level=1).reset_index(drop=True)
    flat["row"] = flat["row"].astype("int64")
    return flat, raw.index.get_level_values(0).to_numpy()


# ---------------------------------------------------------------------------------------------
# Rules across rows: a row against the previous period's row of the same group


def _previous_rows(sheet: Sheet, typed: pd.DataFrame, parts: list[_Part], config: Config) -> None:
    """Check the sheet's PreviousRowRules; each failure names the cell of both rows."""
    if not sheet.previous or sheet.rows is None or typed.empty:
        return
    keys = [k.key for k in sheet.keys]
    books = {p.file_no: p for p in parts}
    files, rows = typed.index.get_level_values(0).to_numpy(), typed.index.get_level_values(1).to_numpy()
    for rule in sheet.previous:
        periods = list(dict.fromkeys(r[keys.index(rule.by)] for r in sheet.rows(config)))
        rank = typed[rule.by].map({v: i for i, v in enumerate(periods)}).to_numpy(dtype=float)
        where = {(f, *g, r): i for i, (f, g, r) in enumerate(zip(
            files, typed[list(rule.group)].itertuples(index=False, name=None), rank, strict=True)) if r == r}
        left, right = _values(typed, rule.left), _values(typed, rule.right)
        for i, (f, g, r) in enumerate(zip(files, typed[list(rule.group)].itertuples(index=False, name=None),
                                          rank, strict=True)):
            j = where.get((f, *g, r - 1)) if r == r else None
            if j is None or np.isnan(left[i]) or np.isnan(right[j]):
                continue
            if compare(left[i], rule.op, right[j]):
                continue
            part = books[int(f)]
            letters, this, before = part.data.letters, periods[int(r)], periods[int(r) - 1]
            here, there = f"{letters[rule.left]}{rows[i]}", f"{letters[rule.right]}{rows[j]}"
            gap = abs(left[i] - right[j])
            text = (rule.message.replace("{this}", str(this)).replace("{previous}", str(before))
                    + f" Ô {here} ({sheet.column(rule.left).label.lower()} {this}) = {vn.number(left[i])} khác ô "
                      f"{there} ({sheet.column(rule.right).label.lower()} {before}) = {vn.number(right[j])}: "
                      f"chênh lệch {vn.number(gap)}.")
            fix = (f"Nếu số liệu đúng thì không cần sửa (biểu vẫn được nhận); nếu sai hãy sửa ô {here} hoặc ô {there}."
                   if rule.severity == "warning" else f"Hãy sửa ô {here} hoặc ô {there} cho khớp nhau.")
            add = part.book.warning if rule.severity == "warning" else part.book.error
            add(text, fix, part.data.name, here, sheet.column(rule.left).label,
                int(left[i]) if float(left[i]).is_integer() else float(left[i]))


def _int64(values: np.ndarray):
    """Whole floats (NaN = blank) as a nullable Int64 array, built directly (astype checks every value)."""
    blank = np.isnan(values)
    if np.all(np.abs(values[~blank]) < 2.0 ** 63):
        return pd.arrays.IntegerArray(np.where(blank, 0, values).astype("int64"), blank)
    return pd.array(values, dtype="Int64")  # out of range: pandas raises, as before


def _report(part: _Part, sheet: Sheet, check: str, column: object, row: int, typed: pd.DataFrame,
            raw: _Lookup, severity: str, bad_cells: set, config: Config) -> None:
    book, data, idx = part.book, part.data, (part.file_no, row)
    add = book.error if severity == "error" else book.warning
    if check.startswith("rule:"):
        rule = sheet.rules[int(check[5:])]
        key = rule.target
        cells = list(dict.fromkeys(f"{data.letters[k]}{row}" for k in rule.keys))
        named = f"các ô {', '.join(cells)}" if len(cells) > 1 else f"ô {cells[0]}"
        period = dict(period_days(config))
        message = rule.message.replace(GAP_MARK, _gap(rule, typed, idx, period))
        add(dataclasses.replace(rule, message=message).wording(config)
            + _rule_values(rule, typed, idx, data.letters, period),
            (f"Kiểm tra lại các ô {', '.join(cells)} của dòng {row} cho khớp nhau." if len(cells) > 1
             else f"Kiểm tra lại ô {cells[0]}.") if severity == "error"
            else f"Nếu số liệu đúng thì không cần sửa (biểu vẫn được nhận); nếu sai hãy sửa {named}.",
            data.name, f"{data.letters[key]}{row}", sheet.column(key).label, raw.at[idx, key],
            group=dataclasses.replace(rule, message=rule.message.replace(GAP_MARK, "…")).wording(config))
    elif check.startswith("require:"):
        req = sheet.requires[int(check[8:])]
        add(req.message, f"Hãy sửa ô «{sheet.column(req.then).label}» cho phù hợp với ô «{sheet.column(req.when).label}» "
            f"(«{read.shown(raw.at[idx, req.when])}»).", data.name, f"{data.letters[req.then]}{row}",
            sheet.column(req.then).label, raw.at[idx, req.then])
    elif check.startswith("tree:"):
        key = check[5:]
        sums, _ = tree_sums(typed[typed[FILE] == part.file_no], sheet, key)
        code = typed.at[idx, sheet.tree]
        total = sums.loc[idx]
        add(f"Dòng tổng «{code}» phải bằng tổng các dòng con ngay dưới nó ({code}.1, {code}.2 …): tổng các dòng "
            f"con là {vn.number(total, 1)}.",
            "Hãy sửa số của dòng tổng hoặc của các dòng con cho khớp.", data.name, f"{data.letters[key]}{row}",
            sheet.column(key).label, raw.at[idx, key], group="Dòng tổng phải bằng tổng các dòng con ngay dưới nó.")
    elif check == "unique":
        keys = [k.key for k in sheet.keys]
        first = keys[0]
        add(f"Trùng {', '.join('«' + sheet.column(k).label + '»' for k in keys)} với một dòng phía trên.",
            "Mỗi dòng phải có mã, số thứ tự riêng; hãy sửa cho không trùng hoặc xoá dòng lặp.",
            data.name, f"{data.letters[first]}{row}", sheet.column(first).label, raw.at[idx, first])
    elif isinstance(column, str) and column in data.letters:
        if (part.file_no, row, column) in bad_cells or (check == "not_nullable" and (
                part.skip_required or row in part.blank_rows)):
            return
        col = sheet.column(column)
        rule_text, fix = _column_problem(check, col)
        add(rule_text, fix, data.name, f"{data.letters[column]}{row}", col.label, raw.at[idx, column])
    else:
        add(f"Trang tính không hợp lệ ({check}).", "Hãy dùng lại biểu mẫu gốc.", data.name)


def _empty_flags(template: Template, books: dict[int, read.Workbook], tables: dict[int, Mapping]) -> None:
    """A free list left empty must be confirmed by its "nothing to report" field, and vice versa."""
    for sheet in template.sheets:
        if sheet.rows is not None or not sheet.empty_flag:
            continue
        holder = next(s for s in template.sheets if s.rows is not None and sheet.empty_flag in [c.key for c in s.columns])
        flag_col = holder.column(sheet.empty_flag)
        for file_no, book in books.items():
            frames = tables.get(file_no, {})
            if sheet.key not in frames or holder.key not in frames or holder.key not in book.sheets:
                continue
            flag_frame = frames[holder.key]
            flag = flag_frame[sheet.empty_flag].iloc[0] if len(flag_frame) else None
            where = book.sheets[holder.key]
            cell = f"{where.letters[sheet.empty_flag]}{int(flag_frame['row'].iloc[0]) if len(flag_frame) else layout.FIRST_DATA_ROW}"
            rows = len(frames[sheet.key])
            if rows == 0 and flag != "Có":
                book.error(f"Trang «{sheet.name}» để trống nhưng ô «{flag_col.label}» chưa chọn «Có».",
                           f"Hãy kê khai danh sách ở trang «{sheet.name}»; nếu thật sự không có thì chọn «Có» ở ô này.",
                           where.name, cell, flag_col.label, flag)
            elif rows > 0 and flag == "Có":
                book.error(f"Ô «{flag_col.label}» chọn «Có» nhưng trang «{sheet.name}» lại có {rows} dòng.",
                           f"Hãy chọn «Không» ở ô này, hoặc xoá các dòng ở trang «{sheet.name}» nếu thật sự không có.",
                           where.name, cell, flag_col.label, flag)


class _Rows(Mapping):
    """FileReport.data of a file checked in a batch: sheet key → its typed rows, cut from the
    batch frame when first asked for (the warehouse loads the batch frames as they are)."""

    def __init__(self) -> None:
        self._spans: dict[str, tuple[pd.DataFrame, int, int]] = {}
        self._cut: dict[str, pd.DataFrame] = {}

    def __getitem__(self, key: str) -> pd.DataFrame:
        if key not in self._cut:
            frame, start, stop = self._spans[key]
            self._cut[key] = frame.iloc[start:stop].reset_index(drop=True)
        return self._cut[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def check_files(items: list[tuple[Path, str | None]], config: Config,
                contents: list[bytes | None] | None = None) -> list[FileReport]:
    """Validate several files (path, sending unit or None); one pandera pass per sheet."""
    return check_batch(items, config, contents)[0]


def check_batch(items: list[tuple[Path, str | None]], config: Config, contents: list[bytes | None] | None = None
                ) -> tuple[list[FileReport], dict[tuple[str, str], tuple[pd.DataFrame, np.ndarray]]]:
    """check_files, plus the typed rows of each sheet over the whole batch: (template id, sheet key)
    → (frame with columns "row" + sheet columns, position in items of each row's file).

    Never raises for one file: if the batch pass meets an unexpected error, the files are checked
    one by one, and a file whose own check fails gets logs.SYSTEM_ERROR (traceback in the system log)."""
    def load(i: int) -> read.Workbook | Path:
        path, sender = Path(items[i][0]), items[i][1]
        try:
            return read.load(path, config, sender, contents[i] if contents else None)
        except Exception:  # noqa: BLE001 - logged; the file gets SYSTEM_ERROR
            LOG.exception("Lỗi hệ thống khi đọc tệp %s", path)
            return path
    try:
        return _check_books([load(i) for i in range(len(items))], config)
    except Exception:  # noqa: BLE001 - logged; the files are checked again one by one
        LOG.exception("Lỗi hệ thống khi kiểm tra một lô %d tệp; kiểm tra lại từng tệp", len(items))
    reports, batch = [], {}
    for i in range(len(items)):
        try:
            (report,), one = _check_books([load(i)], config)
        except Exception:  # noqa: BLE001 - logged; the file gets SYSTEM_ERROR
            LOG.exception("Lỗi hệ thống khi kiểm tra tệp %s", items[i][0])
            (report,), one = [_system_error(Path(items[i][0]), contents[i] if contents else None)], {}
        reports.append(report)
        for key, (frame, files) in one.items():
            batch.setdefault(key, []).append((frame, np.full(len(files), i, dtype=files.dtype)))
    return reports, {key: (pd.concat([f for f, _ in found], ignore_index=True),
                           np.concatenate([n for _, n in found])) for key, found in batch.items()}


def _system_error(path: Path, data: bytes | None) -> FileReport:
    try:
        sha = hashlib.sha256(data if data is not None else path.read_bytes()).hexdigest()
    except OSError:
        sha = ""
    problem = Problem("error", vn.printable(path.name, vn.SHOWN_CHARS), None, None, None, None,
                      logs.SYSTEM_ERROR, logs.SYSTEM_FIX)
    return FileReport(path, sha, "rejected", None, None, None, False, None, [problem])


def _check_books(loaded: list[read.Workbook | Path], config: Config
                 ) -> tuple[list[FileReport], dict[tuple[str, str], tuple[pd.DataFrame, np.ndarray]]]:
    """check_batch over files already read (a Path: a file whose reading failed)."""
    books = {i: b for i, b in enumerate(loaded) if isinstance(b, read.Workbook)}
    for book in books.values():  # a fresh budget for the checks, counted from when they start
        book.deadline = time.monotonic() + read.FILE_SECONDS
    tables = {i: _Rows() for i in range(len(loaded))}
    batch = {}
    by_template: dict[str, list[int]] = {}
    for i, book in books.items():
        if book.template is not None and book.sheets and not book.timed_out:
            by_template.setdefault(book.template.id, []).append(i)
    for template_id, numbers in by_template.items():
        template = CATALOG[template_id]
        for sheet in template.sheets:
            parts = [_Part(i, books[i], books[i].sheets[sheet.key]) for i in numbers if sheet.key in books[i].sheets]
            if parts:
                frame, files = _validate_sheet(template, sheet, parts, config)
                batch[(template_id, sheet.key)] = frame, files
                starts = np.searchsorted(files, [p.file_no for p in parts], side="left")
                stops = np.searchsorted(files, [p.file_no for p in parts], side="right")
                for part, start, stop in zip(parts, starts, stops, strict=True):
                    tables[part.file_no]._spans[sheet.key] = (frame, int(start), int(stop))
        _empty_flags(template, {i: books[i] for i in numbers}, tables)
    return [_finish(books[i], tables[i]) if i in books else _system_error(item, None)
            for i, item in enumerate(loaded)], batch


def _order(problem: Problem) -> tuple:
    if not problem.cell:
        return (0 if problem.sheet is None else 1, problem.sheet or "", 0, 0)
    letters = problem.cell.rstrip("0123456789")
    return (1, problem.sheet or "", int(problem.cell[len(letters):]), column_index_from_string(letters))


def _finish(book: read.Workbook, data: Mapping[str, pd.DataFrame]) -> FileReport:
    problems = sorted(book.problems, key=_order)
    errors = any(p.severity == "error" for p in problems)
    status = "rejected" if errors else "warnings" if problems else "accepted"
    template = book.template
    rest = problems[PROBLEM_CAP:]
    counts = Counter((p.severity, p.sheet, p.field, p.group or p.rule) for p in rest)
    fixes = {}
    for p in rest:
        fixes.setdefault((p.severity, p.sheet, p.field, p.group or p.rule), p.fix)
    omitted = [Omitted(*key, fixes[key], n) for key, n in counts.items()]
    omitted.sort(key=lambda o: (o.severity != "error", -o.count))
    return FileReport(book.path, book.sha256, status, template.id if template else None, book.version,
                      book.unit_code, book.demo, book.recognised_by, problems[:PROBLEM_CAP], data, omitted)


def check_file(path: Path, config: Config, unit_code: str | None = None) -> FileReport:
    """Check one file; unit_code = the unit known to be sending it (a file of another unit is an error)."""
    return check_files([(Path(path), unit_code)], config)[0]


# ---------------------------------------------------------------------------------------------
# CLI

PRINT_LIMIT = 200


def main(files: list[Path], config: Config) -> int:
    """python -m pipeline validate FILE...: print every problem; exit 0 all accepted, 1 any rejected, 2 usage."""
    missing = [f for f in files if not Path(f).is_file()]
    for f in missing:
        print(f"Không tìm thấy tệp: {f}", file=sys.stderr)
    if missing or not files:
        return 2
    reports = check_files([(Path(f), None) for f in files], config)
    for report in reports:
        lines = report.text().splitlines()
        print("\n".join(lines[: PRINT_LIMIT + 1]))
        if len(lines) > PRINT_LIMIT + 1:
            print(f"  … và {len(lines) - PRINT_LIMIT - 1} vấn đề khác.")
    rejected = sum(r.status == "rejected" for r in reports)
    print(f"Tổng cộng: {len(reports)} tệp, {len(reports) - rejected} được chấp nhận, {rejected} bị trả lại.")
    return 1 if rejected else 0


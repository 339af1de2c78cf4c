"""What reading a file produces: its Problems (each located as precisely as the file allows),
the cells of each recognised sheet, and the Workbook that collects them under a time budget."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np

from pipeline.core import vn
from pipeline.core.model import Sheet, Template
from pipeline.intake.gate import FILE_SECONDS

OUTLIER = "outlier"  # Problem.kind of a figure far from the unit's other periods (checks/outliers.py)
# Problem.kind of a total row that differs from the sum of its children: a consequence of the figure
# mistyped, so the first error shown is another one when the file has it (FileReport.first_error).
TOTAL = "total"

@dataclass
class Problem:
    """One thing wrong with a file, located as precisely as the file allows."""

    severity: str  # "error" | "warning"
    file: str
    sheet: str | None
    cell: str | None
    field: str | None
    value: str | None
    rule: str
    fix: str
    group: str | None = None  # the rule without this cell's figures: problems omitted past the cap are counted by it
    kind: str | None = None  # OUTLIER: a figure to follow up on the board (the unit may confirm it); TOTAL

    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def text(self) -> str:
        kind = "LỖI" if self.severity == "error" else "CẢNH BÁO"
        parts = [f"[{kind}] {self.file}"]
        if self.where():
            parts.append(f" › {self.where()}")
        if self.field:
            parts.append(f" ({self.field})")
        if self.value not in (None, ""):
            parts.append(f": giá trị «{self.value}»")
        parts.append(f" — {self.rule}")
        if self.fix:
            parts.append(f" Cách sửa: {self.fix}")
        return "".join(parts)


@dataclass
class SheetData:
    """One catalog sheet as found in the file: the cells of its data area, row by row."""

    sheet: Sheet
    name: str  # the sheet name in the file
    cells: np.ndarray  # rows × sheet.columns, values as calamine gave them, None for a blank cell
    first_row: int  # Excel row of cells[0]
    letters: dict[str, str]  # field key → column letter in this file
    header_row: int
    formulas_without_value: set[str] = field(default_factory=set)  # A1 cells
    formula_errors: dict[str, str] = field(default_factory=dict)  # A1 → the error shown ("#DIV/0!")
    formulas: set[str] = field(default_factory=set)  # A1 cells holding any formula (with a result or not)
    # Excel row of each row of cells when they are not consecutive from first_row (an export read into
    # a template's frame, intake.export_06a); a row number ≤ 0 is a template row the file does not cover
    rows: np.ndarray | None = None

    def row_numbers(self, positions: np.ndarray) -> np.ndarray:
        """The Excel rows of the rows of cells at these positions."""
        return self.rows[positions] if self.rows is not None else self.first_row + positions


@dataclass
class Workbook:
    path: Path
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    template: Template | None = None
    version: int | None = None
    meta: dict = field(default_factory=dict)
    recognised_by: str | None = None
    unit_code: str | None = None
    demo: bool = False
    sheets: dict[str, SheetData] = field(default_factory=dict)
    deadline: float | None = None  # time.monotonic() beyond which the file is rejected (FILE_SECONDS)
    timed_out: bool = False
    xml: dict[str, bytes] = field(default_factory=dict, repr=False)  # worksheet XML kept by the gate while reading
    trimmed: set[str] = field(default_factory=set)  # parts of xml the gate cut (rows of formatting or spaces only)
    origins: list[tuple] = field(default_factory=list)  # a commune's package: its origin sheet's rows (layout.ORIGIN_COLUMNS)
    part: str | None = None  # an export's period «YYYY-MM-DD/YYYY-MM-DD» (intake.export_06a); None for a template

    def _add(self, severity: str, rule: str, fix: str, sheet: str | None, cell: str | None,
             field: str | None, value: object, group: str | None, kind: str | None = None) -> None:
        # every text is made printable here: a problem is written into workbooks and the warehouse
        self.problems.append(Problem(
            severity, vn.printable(self.path.name, SHOWN), sheet and vn.printable(sheet, SHOWN), cell,
            field and vn.printable(field, SHOWN), shown(value), vn.printable(rule), vn.printable(fix),
            group and vn.printable(group), kind))

    def error(self, rule: str, fix: str, sheet: str | None = None, cell: str | None = None,
              field: str | None = None, value: object = None, group: str | None = None,
              kind: str | None = None) -> None:
        self._add("error", rule, fix, sheet, cell, field, value, group, kind)

    def warning(self, rule: str, fix: str, sheet: str | None = None, cell: str | None = None,
                field: str | None = None, value: object = None, group: str | None = None,
                kind: str | None = None) -> None:
        self._add("warning", rule, fix, sheet, cell, field, value, group, kind)

    def errors_found(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def late(self) -> bool:
        """True once the file's time budget is spent (the first time, its rejection is recorded)."""
        if self.timed_out:
            return True
        if self.deadline is None or time.monotonic() <= self.deadline:
            return False
        self.timed_out = True
        self.error(f"Hệ thống dừng xử lý tệp vì đã quá thời gian cho phép ({vn.number(FILE_SECONDS)} giây cho "
                   "một tệp); tệp chưa được nhận.",
                   "Tệp có quá nhiều dòng hoặc quá nhiều lỗi: hãy dùng biểu mẫu gốc, chỉ điền trong phạm vi "
                   "của biểu rồi gửi lại; nếu vẫn bị báo như vậy, hãy liên hệ cơ quan thường trực.")
        return True


SHOWN = vn.SHOWN_CHARS


def shown(value: object) -> str | None:
    """A cell value as the unit would see it (Vietnamese number format)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, float) and np.isnan(value):
            return None
        if float(value).is_integer():
            return vn.number(float(value))
        decimals = min(6, len(repr(float(value)).split(".")[-1]))
        return vn.number(float(value), decimals)
    if isinstance(value, datetime):
        return vn.day(value) if value.time() == datetime.min.time() else vn.moment(value)
    if isinstance(value, date):
        return vn.day(value)
    return vn.printable(value, SHOWN)

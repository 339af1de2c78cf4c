"""What checking one file gives: its FileReport (status, problems, typed rows) and the
problems past a file's cap counted per rule (Omitted). A Problem is made by the reader
(pipeline.intake.book) and is re-exported here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.core import vn, words
from pipeline.intake.book import TOTAL, Problem
from pipeline.topics import CATALOG

__all__ = ["Problem", "FileReport", "Omitted"]


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
    # sheet key → (sheet name in the file, field key → column letter): where each loaded value was read
    columns: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    origins: list[tuple] = field(default_factory=list)  # a commune's package: where each figure came from
    part: str | None = None  # an export's period (intake.export_06a), stored in submissions.part

    @property
    def errors(self) -> list[Problem]:
        """The errors listed in full (see error_count for the true total)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def first_error(self) -> Problem | None:
        """The most specific error, the one a summary names: the first that is not a total row
        differing from its children (that follows from a child the unit mistyped), else the first."""
        errors = self.errors
        return next((p for p in errors if p.kind != TOTAL), errors[0] if errors else None)

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


"""Validate returned workbooks: the orchestration of the checks (batches, time budgets, the CLI).

Reading is pipeline.intake.read; typed cells and per-cell checks pipeline.checks.fields; the
rules as pandera schemas pipeline.checks.rules; their wording pipeline.checks.explain and
.messages; the report of a file pipeline.checks.report. Each problem becomes a Vietnamese message naming file, sheet, cell (A1), field, the value found,
the rule broken and how to fix it. Files of one template are validated together (one pandera
pass per sheet over all files, index = (file, Excel row)), which keeps a run of hundreds of
files close to the cost of merely reading them.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string

from pipeline.checks import outliers, period_total
from pipeline.checks.explain import empty_flags, failure, previous_rows
from pipeline.checks.feedback import (
    ANNOTATED_SUFFIX,
    ERROR_FILL,
    REPORT_NAME,
    WARNING_FILL,
    output_dir,
    write_outputs,
)
from pipeline.checks.fields import (
    Lookup,
    Part,
    as_int64,
    blank_rows,
    fixed_keys,
    formula_problems,
    prepare,
)
from pipeline.checks.messages import type_problem
from pipeline.checks.report import FileReport, Omitted
from pipeline.checks.rules import FILE, _rule_check, failures, period_days  # noqa: F401 - _rule_check: tests
from pipeline.core import logs, vn
from pipeline.core.config import Config
from pipeline.core.model import Sheet, Template
from pipeline.intake import read
from pipeline.intake.book import Problem
from pipeline.intake.cells import typed_columns
from pipeline.topics import CATALOG

__all__ = ["Problem", "FileReport", "Omitted", "check_file", "check_files", "check_batch", "write_outputs",
           "output_dir", "REPORT_NAME", "ANNOTATED_SUFFIX", "ERROR_FILL", "WARNING_FILL", "main", "period_days"]
LOG = logging.getLogger("pipeline")
PROBLEM_CAP = 1000  # problems kept in full per file; the rest are counted per rule (Omitted)


def _validate_sheet(template: Template, sheet: Sheet, parts: list[Part],
                    config: Config) -> tuple[pd.DataFrame, np.ndarray]:
    """Validate one sheet across files; problems are added to each file's Workbook. Returns the
    typed rows of all files (columns "row" + sheet columns) and the file number of each row."""
    cuts = []
    for part in parts:
        cut, empty = prepare(part.data, config, part.book)
        part.skip_required = empty
        if not empty:
            part.blank_rows = blank_rows(part, cut)
        cuts.append(cut)
    sizes = [len(cut) for cut in cuts]
    index = pd.MultiIndex.from_arrays(
        [np.repeat([p.file_no for p in parts], sizes).astype("int64"),
         np.concatenate([p.data.row_numbers(cut) for p, cut in zip(parts, cuts, strict=True)]).astype("int64")],
        names=["file_no", "row"])
    cells = np.concatenate([p.data.cells[cut] for p, cut in zip(parts, cuts, strict=True)])
    raw = pd.DataFrame(cells, index=index, columns=[c.key for c in sheet.columns], dtype=object)
    books = {p.file_no: p for p in parts}
    values, bad = typed_columns(raw, sheet.columns)
    typed = pd.DataFrame(values, index=raw.index)
    bad_cells: set[tuple[int, int, str]] = set()
    lookup = Lookup(raw)
    for col in sheet.columns:
        if not bad[col.key].any():
            continue
        for file_no, row in raw.index[bad[col.key]]:
            part = books[file_no]
            if part.book.late():
                continue
            bad_cells.add((file_no, row, col.key))
            value = lookup.at[(file_no, row), col.key]
            rule, fix = type_problem(col, value)
            part.book.error(rule, fix, part.data.name, f"{part.data.letters[col.key]}{row}", col.label, value,
                            group=rule)
    formula_problems(sheet, parts, raw, bad_cells)
    fixed_keys(sheet, typed, raw, parts, config)

    typed[FILE] = typed.index.get_level_values(0)
    period = period_days(config)
    for severity in ("error", "warning"):
        for check, column, file_no, row in failures(typed, template.id, sheet.key, severity, period):
            if not books[file_no].book.late():
                failure(books[file_no], sheet, check, column, row, typed, lookup, severity, bad_cells, config)
    previous_rows(sheet, typed, parts, config)
    outliers.check(sheet, typed, parts, config)
    period_total.check(sheet, typed, parts, config)
    period_total.check_total_row(sheet, typed, parts)
    typed = typed.drop(columns=[FILE])
    for col in sheet.columns:
        if col.type == "int":
            typed[col.key] = as_int64(typed[col.key].to_numpy(dtype=float))
    flat = typed.reset_index(level=1).reset_index(drop=True)
    flat["row"] = flat["row"].astype("int64")
    return flat, raw.index.get_level_values(0).to_numpy()



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
            parts = [Part(i, books[i], books[i].sheets[sheet.key]) for i in numbers if sheet.key in books[i].sheets]
            if parts:
                frame, files = _validate_sheet(template, sheet, parts, config)
                batch[(template_id, sheet.key)] = frame, files
                starts = np.searchsorted(files, [p.file_no for p in parts], side="left")
                stops = np.searchsorted(files, [p.file_no for p in parts], side="right")
                for part, start, stop in zip(parts, starts, stops, strict=True):
                    tables[part.file_no]._spans[sheet.key] = (frame, int(start), int(stop))
        empty_flags(template, {i: books[i] for i in numbers}, tables)
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
                      book.unit_code, book.demo, book.recognised_by, problems[:PROBLEM_CAP], data, omitted,
                      {key: (d.name, dict(d.letters)) for key, d in book.sheets.items()}, book.origins, book.part)


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



"""The ingest: every new file under inputs/ validated once, recorded, the valid ones loaded.

Each batch of files is one short transaction (the DuckDB file is opened only to write it), so
readers wait seconds, and a run killed at any moment leaves the warehouse as it was before or
after a batch; the next run completes the work. Memory is bounded by one batch: files are hashed
streaming, their size checked before they are read, and only the current batch is read. Any
unexpected exception while handling one file rejects that file alone (traceback in the log).
The feedback a unit reads (report workbook, annotated copy: checks.feedback) is written here,
into outputs/validation/<path in inputs>/, once per file; a file the portal has already checked
arrives with its report (`checked`) and is not validated again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline.checks import feedback, validate
from pipeline.checks.validate import FileReport, Problem
from pipeline.core import atomic, logs, paths
from pipeline.core.config import Config
from pipeline.core.layout import DEMO_MARK
from pipeline.intake import read
from pipeline.store import exports, inbox, parallel, records, warehouse
from pipeline.store.overview import write_overview
from pipeline.store.summary import IngestSummary, Received
from pipeline.store.warehouse import DB_NAME, open_db, writer_lock

BATCH = 250  # files per transaction (and per pandera pass)
BATCH_BYTES = 64 * 1024 * 1024  # a batch also ends once its files reach this size together
KILLED_EXIT = 137  # exit status of the test kill hook (as a shell reports kill -9)
OVERVIEW, VALIDATION_DIR = paths.OVERVIEW, paths.VALIDATION_DIR
Checked = tuple[list[FileReport], dict]  # validate.check_batch's answer
Lookup = Callable[[str, str], Checked | None]  # (path in inputs/, sha256) → a file checked already
LOG = logging.getLogger("pipeline.store.ingest")


# ---------------------------------------------------------------------------------------------
# Ingest


def _kill_hook(done: int) -> None:
    """Test hook: PIPELINE_INGEST_KILL_AFTER=N kills this process after N files of a run,
    in the middle of a transaction (see tests/test_warehouse.py)."""
    wanted = os.environ.get("PIPELINE_INGEST_KILL_AFTER")
    if wanted and done >= int(wanted):
        os._exit(KILLED_EXIT)  # no cleanup, no commit: as kill -9 would, on every platform


def _facts(items: list[Received], batch: dict) -> dict[str, pd.DataFrame]:
    """Fact rows of the accepted files of a batch, one frame per table (from validate.check_batch)."""
    ids = np.array([item.submission_id for item in items], dtype="int64")
    units = np.array([item.report.unit_code for item in items], dtype=object)
    loaded = np.array([item.report.status != "rejected" for item in items], dtype=bool)
    out = {}
    for (template_id, sheet_key), (frame, files) in batch.items():
        keep = loaded[files] & (frame["row"].to_numpy() > 0)  # ≤ 0: a template row an export does not cover
        if not keep.any():
            continue
        big = frame[keep].reset_index(drop=True).rename(columns={"row": "row_number"})
        big.insert(0, "unit_code", units[files[keep]])
        big.insert(0, "submission_id", ids[files[keep]])
        out[warehouse.table_name(template_id, sheet_key)] = big
    return out


def _columns(items: list[Received]) -> list[dict]:
    """Where each loaded sheet's fields were read (sheet_columns rows) of the accepted files."""
    return [{"submission_id": item.submission_id, "sheet_table": warehouse.table_name(item.report.template_id, key),
             "sheet_name": name, "field": f, "col": col}
            for item in items if item.report.status != "rejected"
            for key, (name, letters) in item.report.columns.items() for f, col in letters.items()]


def _origins(items: list[Received]) -> list[dict]:
    """Where a commune's package got each figure (origins rows) of the accepted packages."""
    names = list(warehouse.ORIGIN_COLUMNS)[1:]
    return [{"submission_id": item.submission_id, **dict(zip(names, row, strict=True))}
            for item in items if item.report.status != "rejected" for row in item.report.origins]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
    view = f"_incoming_{table}"
    con.register(view, frame)
    try:
        cols = ", ".join(types)
        select = ", ".join(f"CAST({c} AS {t})" if c in frame.columns else f"CAST(NULL AS {t})"
                           for c, t in types.items())
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {select} FROM {view}")
    finally:
        con.unregister(view)


def _problem(submission_id: int, p: Problem) -> dict:
    """A problems row; kind marks a figure the board follows up (an outlier)."""
    return {"submission_id": submission_id, "severity": p.severity, "sheet": p.sheet, "cell": p.cell,
            "field": p.field, "value": p.value, "rule": p.rule, "fix": p.fix, "kind": p.kind}


def _records(db: Path, inputs_dir: Path) -> None:
    """The portal's sign-offs and confirmations in inputs/ not yet loaded (store.records)."""
    if not any((inputs_dir / folder).is_dir() for folder in paths.RECORDS):
        return
    con = open_db(db)
    try:
        records.load(con, inputs_dir)
    finally:
        con.close()


def _store(con: duckdb.DuckDBPyConnection, items: list[Received], batch: dict, done_before: int) -> None:
    """One transaction: submissions, problems, facts and their columns (sheet_columns) of a batch of files."""
    now = datetime.now().replace(microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        next_id = con.execute("SELECT coalesce(max(submission_id), 0) FROM submissions").fetchall()[0][0]
        rows, problems = [], []
        for item in items:
            next_id += 1
            item.submission_id = next_id
            r = item.report
            size = item.size
            rows.append({"submission_id": next_id, "sha256": r.sha256, "path": item.path, "file_name": r.path.name,
                         "received_at": item.received_at, "sender": item.sender, "unit_code": r.unit_code,
                         "template_id": r.template_id, "version": r.version, "status": r.status,
                         "n_errors": r.error_count, "n_warnings": r.warning_count,
                         "recognised_by": r.recognised_by, "demo": r.demo,
                         "original_name": item.original_name, "size_bytes": size, "ingested_at": now,
                         "part": r.part})
            problems += [_problem(next_id, p) for p in r.problems]
            problems += [{"submission_id": next_id, "severity": o.severity, "sheet": o.sheet, "cell": None,  # past the cap
                          "field": o.field, "value": None, "rule": o.text(), "fix": o.fix, "kind": None} for o in r.omitted]
        _insert(con, "submissions", pd.DataFrame(rows), {c: t.split()[0] for c, t in warehouse.SUBMISSION_COLUMNS.items()})
        if problems:
            _insert(con, "problems", pd.DataFrame(problems),
                    {c: "BIGINT" if c == "submission_id" else "VARCHAR" for c in warehouse.PROBLEM_COLUMNS})
        if columns := _columns(items):
            _insert(con, "sheet_columns", pd.DataFrame(columns), warehouse.COLUMN_COLUMNS)
        if origins := _origins(items):
            _insert(con, "origins", pd.DataFrame(origins), warehouse.ORIGIN_COLUMNS)
        tables = warehouse.fact_tables()
        for table, frame in _facts(items, batch).items():
            _insert(con, table, frame, warehouse.sheet_types(*tables[table]))
        _kill_hook(done_before + len(items))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@dataclass
class Pending:
    """A new file found in inputs/, not yet read: its bytes are read only with its batch."""

    path: Path
    rel: str
    sha256: str
    size: int
    note: dict
    received_at: datetime


def _scan(inputs_dir: Path, known: dict[tuple[str, str], datetime], summary: IngestSummary) -> list[Pending]:
    """The new files under inputs_dir (hashed streaming), oldest first; the others are counted as seen.
    A file without a sidecar gets one recording its received time at first sight."""
    pending = []
    for path in inbox.received_files(inputs_dir):
        rel = path.relative_to(inputs_dir).as_posix()
        try:
            size, sha = path.stat().st_size, inbox.sha256_of(path)
        except OSError:
            size, sha = 0, hashlib.sha256(b"").hexdigest()  # the reader reports why it cannot read it
        note = inbox.sidecar(path)
        when = inbox.received_at(note)
        if (sha, rel) in known:
            summary.seen += 1
            if when is None and not path.with_name(path.name + ".json").exists():
                inbox.remember(path, known[(sha, rel)])  # recorded by an earlier version, from the file system
            continue
        if when is None:
            try:
                when = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
            except OSError:
                when = datetime.now().replace(microsecond=0)
            if not path.with_name(path.name + ".json").exists():
                inbox.remember(path, when)
        pending.append(Pending(path, rel, sha, size, note, when))
    pending.sort(key=lambda p: (p.received_at, p.rel))
    return pending


def _batches(pending: list[Pending], count: int, limit: int = BATCH_BYTES) -> Iterator[list[Pending]]:
    """Consecutive batches of at most count files and (past their first file) limit bytes."""
    chunk: list[Pending] = []
    total = 0
    for item in pending:
        if chunk and (len(chunk) >= count or total + item.size > limit):
            yield chunk
            chunk, total = [], 0
        chunk.append(item)
        total += min(item.size, read.MAX_FILE_BYTES + 1)
    if chunk:
        yield chunk


class _Size:
    """Stands for the bytes of a file too large to read: only its length is known to the reader."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0


def _too_large(p: Pending) -> FileReport:
    """A file above the reader's limit, rejected with the reader's own message, never read whole."""
    book = read.Workbook(p.path, p.sha256)
    read.sniff(_Size(p.size), book)  # the size check comes before any look at the content
    return FileReport(p.path, p.sha256, "rejected", None, None, None, False, None, book.problems)


def _failed(report: FileReport) -> FileReport:
    """The file's report replaced by the system-error problem (its traceback is in the log)."""
    problem = Problem("error", report.path.name, None, None, None, None, logs.SYSTEM_ERROR, logs.SYSTEM_FIX)
    return replace(report, status="rejected", problems=[problem], data={})


def _demo_refused(report: FileReport) -> FileReport:
    """A demo workbook received as a unit's file: rejected, its figures never loaded."""
    problem = Problem("error", report.path.name, None, None, None, None,
                      f"Tệp là bộ «{DEMO_MARK}» do hệ thống tạo, không phải số liệu thật của đơn vị.",
                      "Hãy tải biểu mẫu trống của đơn vị, điền số liệu thật rồi gửi lại.")
    return replace(report, status="rejected", problems=[problem, *report.problems])


def _bare(p: Pending) -> FileReport:
    return FileReport(p.path, p.sha256, "rejected", None, None, None, False, None)


def _ready(chunk: list[Pending], checked: Lookup | None) -> tuple[list[Checked], list[Pending]]:
    """The files of a batch that checked(rel, sha256) answers for (the portal's uploads, taken as
    they are, their feedback written already), and the others."""
    ready, rest = [], []
    for p in chunk:
        found = checked(p.rel, p.sha256) if checked is not None else None
        if found is None:
            rest.append(p)
        else:
            ready.append(([replace(found[0][0], path=p.path)], found[1]))
    return ready, rest


def _validated(chunk: list[Pending], config: Config, outputs_dir: Path, demo_set: bool) -> list[Checked]:
    """Validate a batch and write each file's feedback, in this process or a worker's
    (store.parallel): [(reports, batch tables)], one group, or one group per file when validating
    the batch together raised (then only the file at fault is rejected). The reports come without
    their typed rows: the batch tables hold them."""
    parallel.test_hooks(p.path.name for p in chunk)
    small = [p for p in chunk if p.size <= read.MAX_FILE_BYTES]
    groups = [([_too_large(p)], {}) for p in chunk if p.size > read.MAX_FILE_BYTES]
    try:
        groups.insert(0, validate.check_batch([(p.path, p.note.get("unit_code")) for p in small], config))
    except Exception:  # noqa: BLE001 - the boundary: one file never stops the others
        LOG.exception("Kiểm tra một lô %d tệp gặp lỗi hệ thống; kiểm tra lại từng tệp", len(small))
        for p in small:
            try:
                groups.append(validate.check_batch([(p.path, p.note.get("unit_code"))], config))
            except Exception:  # noqa: BLE001
                LOG.exception("Lỗi hệ thống khi kiểm tra tệp %s", p.path)
                groups.append(([_failed(_bare(p))], {}))
    by_path = {p.path: p for p in chunk}
    return [([replace(write_feedback(finish(r, demo_set), outputs_dir, by_path[r.path].rel, config=config,
                                     original_name=by_path[r.path].note.get("original_name"))[0], data={})
              for r in reports], tables) for reports, tables in groups]


def _lost(p: Pending, outputs_dir: Path) -> Checked:
    """A file whose worker died or hung even when it was checked alone: the system error."""
    return [write_feedback(_failed(_bare(p)), outputs_dir, p.rel)[0]], {}


def finish(report: FileReport, demo_set: bool = False) -> FileReport:
    """A checked file's final report: a demo workbook received as a unit's file is rejected."""
    return _demo_refused(report) if report.demo and not demo_set else report


def unit_name(config: Config | None, unit_code: str | None) -> str | None:
    """A unit as people read it: its configured name (None for an unknown unit)."""
    try:
        return config.unit(unit_code).name if config and unit_code else None
    except KeyError:
        return None


def write_feedback(report: FileReport, outputs_dir: Path, rel: str, clean_too: bool = False,
                   config: Config | None = None, original_name: str | None = None) -> tuple[FileReport, list[Path]]:
    """Write a file's feedback into outputs/validation/<rel without suffix>/ (the one folder of
    it, for the ingest and the portal alike): (report, files written). A clean file gets none
    unless clean_too (the portal offers its report for download); if writing raises, the file is
    rejected with the system error and that report is written instead. The workbook names the file
    as the unit named it (original_name) and the unit by its name in config."""
    folder = Path(outputs_dir) / VALIDATION_DIR
    names = {"file_name": original_name, "unit_name": unit_name(config, report.unit_code)}
    try:
        if report.problems or clean_too:  # otherwise it is listed in the overview
            return report, feedback.write_outputs(report, folder, rel=rel, **names)
        return report, []
    except Exception:  # noqa: BLE001 - the boundary: one file never stops the others
        LOG.exception("Lỗi hệ thống khi ghi kết quả kiểm tra của tệp %s", report.path)
    report = _failed(report)
    try:
        return report, feedback.write_outputs(report, folder, rel=rel, **names)
    except Exception:  # noqa: BLE001
        LOG.exception("Không ghi được cả báo cáo lỗi hệ thống của tệp %s", report.path)
        return report, []


def run(inputs_dir: Path, outputs_dir: Path, config: Config, demo_set: bool = False,
        checked: Lookup | None = None, stored: Callable[[list[Received]], None] | None = None) -> IngestSummary:
    """Validate every new file under inputs_dir, record it, load the valid ones (see module doc).
    demo_set: inputs_dir is the built-in demo set; otherwise a file marked «SỐ LIỆU MINH HỌA» is
    rejected, so demo figures never mix with a unit's real ones. checked(rel, sha256): the
    finished report and tables of a file already validated, its feedback written (the portal's
    upload), or None. stored(items): called after each batch is committed, the warehouse closed (the portal
    publishes its readers' snapshot there)."""
    inputs_dir, outputs_dir = Path(inputs_dir), Path(outputs_dir)
    logs.configure(outputs_dir)
    summary = IngestSummary()
    count = int(os.environ.get("PIPELINE_INGEST_BATCH", BATCH))
    db = outputs_dir / DB_NAME
    with writer_lock(outputs_dir):
        con, summary.rebuilt = warehouse.prepare(db, config)
        try:
            known = {(sha, rel): when for sha, rel, when in
                     con.execute("SELECT sha256, path, received_at FROM submissions").fetchall()}
            before = con.execute("SELECT coalesce(max(submission_id), 0) FROM submissions").fetchall()[0][0]
        finally:
            con.close()
        pending = _scan(inputs_dir, known, summary)
        summary.new, known = len(pending), {}
        readies: deque[tuple[list[Pending], list[Checked]]] = deque()

        def rests() -> Iterator[list[Pending]]:
            for chunk in _batches(pending, count):
                ready, rest = _ready(chunk, checked)
                readies.append((chunk, ready))
                yield rest
        work = partial(_validated, config=config, outputs_dir=outputs_dir, demo_set=demo_set)
        workers = parallel.workers(len(pending))
        done = 0
        for groups in (parallel.ordered(work, rests(), workers, outputs_dir, partial(_lost, outputs_dir=outputs_dir))
                       if workers > 1 else map(work, rests())):
            chunk, ready = readies.popleft()
            by_path = {p.path: p for p in chunk}
            for reports, tables in groups + ready:
                if not reports:
                    continue
                items = [Received(r, by_path[r.path].rel, by_path[r.path].received_at,
                                  by_path[r.path].note.get("sender"), by_path[r.path].note.get("original_name"),
                                  by_path[r.path].size) for r in reports]
                con = open_db(db)  # held only while this batch is written
                try:
                    exports.check(con, items, tables, config, partial(write_feedback, outputs_dir=outputs_dir))
                    _store(con, items, tables, done)
                finally:
                    con.close()
                done += len(items)
                summary.add(items)
                if stored is not None:
                    stored(items)
        _records(db, inputs_dir)
        if summary.new or summary.rebuilt or not atomic.readable(outputs_dir / OVERVIEW):
            con = open_db(db, read_only=True)
            try:
                summary.find_superseded(con, before)
                write_overview(con, outputs_dir / OVERVIEW, config)
            finally:
                con.close()
    return summary


"""The DuckDB warehouse: every received file recorded, valid ones loaded, history kept.

Tables and views are derived from the catalog. One writer at a time (a threading lock plus an
fcntl lock file in the outputs directory); each batch of files is one transaction, so a run
killed at any moment leaves the warehouse as it was before or after a batch, and the next run
completes the work. The warehouse is rebuilt from inputs/ alone whenever the catalog, the
configuration or this module's schema changes (or the file is missing or unreadable).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pipeline import paths
from pipeline.catalog import CATALOG
from pipeline.config import Config
from pipeline.validate import STATUS_TEXT, FileReport, check_batch, write_outputs

DB_NAME = "warehouse.duckdb"
LOCK_NAME = "warehouse.lock"
SCHEMA_VERSION = 1
BATCH = 250  # files per transaction (and per pandera pass)
SQL_TYPES = {"int": "BIGINT", "number": "DOUBLE", "text": "VARCHAR", "choice": "VARCHAR", "date": "DATE"}
NOT_RECEIVED = {paths.CONFIG_NAME, "accounts.json", "README.md", ".gitkeep"}
SUBMISSION_COLUMNS = {
    "submission_id": "BIGINT PRIMARY KEY", "sha256": "VARCHAR", "path": "VARCHAR", "file_name": "VARCHAR",
    "received_at": "TIMESTAMP", "sender": "VARCHAR", "unit_code": "VARCHAR", "template_id": "VARCHAR",
    "version": "INTEGER", "status": "VARCHAR", "n_errors": "INTEGER", "n_warnings": "INTEGER",
    "recognised_by": "VARCHAR", "demo": "BOOLEAN", "original_name": "VARCHAR", "size_bytes": "BIGINT",
    "ingested_at": "TIMESTAMP",
}
VALIDATION_DIR = "validation"  # outputs/validation/<file stem>/: report workbook, annotated copy
OVERVIEW = Path(VALIDATION_DIR) / "tong_hop_kiem_tra.xlsx"
PROBLEM_COLUMNS = ("submission_id", "severity", "sheet", "cell", "field", "value", "rule", "fix")

_WRITER = threading.RLock()


def table_name(template_id: str, sheet_key: str) -> str:
    return f"{template_id}_{sheet_key}"


def ddl() -> list[str]:
    """Every CREATE statement of the warehouse, derived from the catalog."""
    cols = ", ".join(f"{name} {kind}" for name, kind in SUBMISSION_COLUMNS.items())
    out = [
        "CREATE TABLE IF NOT EXISTS warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        f"CREATE TABLE IF NOT EXISTS submissions ({cols})",
        "CREATE TABLE IF NOT EXISTS problems (submission_id BIGINT, severity VARCHAR, sheet VARCHAR, "
        "cell VARCHAR, field VARCHAR, value VARCHAR, rule VARCHAR, fix VARCHAR)",
        """CREATE OR REPLACE VIEW current_submissions AS
           SELECT * FROM submissions WHERE status IN ('accepted', 'warnings')
           QUALIFY row_number() OVER (PARTITION BY unit_code, template_id
                                      ORDER BY received_at DESC, submission_id DESC) = 1""",
    ]
    for template in CATALOG.values():
        for sheet in template.sheets:
            name = table_name(template.id, sheet.key)
            columns = ", ".join(f"{c.key} {SQL_TYPES[c.type]}" for c in sheet.columns)
            out.append(f"CREATE TABLE IF NOT EXISTS {name} (submission_id BIGINT, unit_code VARCHAR, "
                       f"row_number BIGINT, {columns})")
            out.append(f"CREATE OR REPLACE VIEW cur_{name} AS SELECT f.* FROM {name} f "
                       "JOIN current_submissions s USING (submission_id)")
    return out


def signature(config: Config) -> str:
    """What the stored results depend on: schema version, catalog and configuration."""
    parts = [str(SCHEMA_VERSION)] + [f"{t.id}:{t.fingerprint}" for t in CATALOG.values()]
    try:
        parts.append(hashlib.sha256(Path(config.path).read_bytes()).hexdigest())
    except OSError:
        parts.append(repr(config))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Locks and connections


@contextmanager
def writer_lock(outputs_dir: Path) -> Iterator[None]:
    """Serialise writers: one thread of this process and one process at a time."""
    outputs_dir = Path(outputs_dir)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    with _WRITER, open(outputs_dir / LOCK_NAME, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WarehouseBusy(RuntimeError):
    """The warehouse file is held open by another program; the message is Vietnamese."""


BUSY_TIMEOUT = float(os.environ.get("PIPELINE_BUSY_TIMEOUT", "30"))


def _prepare(db: Path, config: Config | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open the warehouse for writing, creating or rebuilding it when needed; (connection, rebuilt)."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            con = duckdb.connect(str(db))
            break
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                # Another program (an analyst's DuckDB CLI, a notebook) holds the file open.
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"Kho dữ liệu {db} đang được một chương trình khác mở (DuckDB, notebook …). "
                        "Hãy đóng chương trình đó rồi chạy lại.") from exc
                time.sleep(0.5)
                continue
            # Unreadable: outputs/ is disposable, so keep the bad file aside and rebuild from inputs/.
            db.rename(db.with_name(f"{db.name}.broken-{datetime.now():%Y%m%dT%H%M%S}"))
            Path(str(db) + ".wal").unlink(missing_ok=True)
    rebuilt = False
    if config is not None:
        wanted = signature(config)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        stored = None
        if "warehouse_meta" in tables:
            row = next(iter(con.execute("SELECT value FROM warehouse_meta WHERE key = 'signature'").fetchall()), None)
            stored = row[0] if row else None
        if stored != wanted:
            rebuilt = bool(tables)
            con.execute("BEGIN TRANSACTION")
            for name, kind in con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                          "WHERE table_schema = 'main'").fetchall():
                con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS \"{name}\" CASCADE")
            for statement in ddl():
                con.execute(statement)
            con.execute("INSERT INTO warehouse_meta VALUES ('signature', ?)", [wanted])
            con.execute("COMMIT")
    else:
        for statement in ddl():
            con.execute(statement)
    return con, rebuilt


def connect(outputs_dir: Path, read_only: bool = True, timeout: float = 10.0) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (created empty if missing). Readers wait while a writer commits."""
    db = Path(outputs_dir) / DB_NAME
    if not read_only:
        return duckdb.connect(str(db))
    if not db.exists():
        with writer_lock(Path(outputs_dir)):
            if not db.exists():
                con, _ = _prepare(db, None)
                con.close()
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(str(db), read_only=True)
        except duckdb.ConnectionException:
            # This process already holds a writing connection: share its instance.
            return duckdb.connect(str(db))
        except duckdb.IOException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# Received files


def received_files(inputs_dir: Path) -> list[Path]:
    """Every file under inputs/ that a unit sent (the configuration, accounts, report templates,
    hidden files, temporary uploads and the web portal's sidecars are not submissions)."""
    inputs_dir = Path(inputs_dir)
    found = []
    for path in sorted(inputs_dir.rglob("*")):
        rel = path.relative_to(inputs_dir)
        if not path.is_file() or any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        name = path.name
        if (name in NOT_RECEIVED or name.endswith((".tmp", ".docx"))
                or (name.endswith(".json") and path.with_name(name[:-5]).is_file())
                or name.lower().endswith(".xlsx.json")):  # a portal sidecar whose upload is being renamed
            continue
        found.append(path)
    return found


def sidecar(path: Path) -> dict:
    """The web portal's note beside an upload (received_at, sender, unit_code, original_name)."""
    note = path.with_name(path.name + ".json")
    if not note.is_file():
        return {}
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _received_at(path: Path, note: dict) -> datetime:
    try:
        when = datetime.fromisoformat(str(note["received_at"]))
        return when.astimezone().replace(tzinfo=None) if when.tzinfo else when
    except (KeyError, ValueError):
        return datetime.fromtimestamp(path.stat().st_mtime)


# ---------------------------------------------------------------------------------------------
# Ingest


@dataclass
class Received:
    report: FileReport
    path: str  # relative to inputs
    received_at: datetime
    sender: str | None
    original_name: str | None = None
    submission_id: int = 0


@dataclass
class IngestSummary:
    accepted: list[FileReport] = field(default_factory=list)
    warnings: list[FileReport] = field(default_factory=list)
    rejected: list[FileReport] = field(default_factory=list)
    new: int = 0
    seen: int = 0
    rebuilt: bool = False
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (earlier file, later file)
    received: list[Received] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"Nhận biểu mẫu: {self.new + self.seen} tệp trong thư mục nhận, {self.new} tệp mới, "
                 f"{self.seen} tệp đã xử lý từ trước (bỏ qua)."]
        if self.rebuilt:
            lines.append("Danh mục biểu mẫu hoặc cấu hình đã thay đổi: kho dữ liệu được dựng lại từ inputs/.")
        if self.new:
            lines.append(f"Tệp mới: {len(self.accepted)} được chấp nhận, {len(self.warnings)} được chấp nhận có "
                         f"cảnh báo, {len(self.rejected)} bị trả lại.")
        for report in self.rejected:
            lines.append(f"  - Bị trả lại: {report.path.name} ({len(report.errors)} lỗi). Lỗi đầu tiên: "
                         f"{report.errors[0].text() if report.errors else ''}")
        for report in self.warnings:
            lines.append(f"  - Có cảnh báo: {report.path.name} ({len(report.warnings)} cảnh báo).")
        for earlier, later in self.superseded:
            lines.append(f"  - Tệp {later} gửi sau thay thế tệp {earlier} (cùng đơn vị, cùng biểu); "
                         "số liệu lấy theo tệp gửi sau, tệp trước vẫn được lưu trong lịch sử.")
        if self.new:
            lines.append("Tổng hợp kết quả: outputs/validation/tong_hop_kiem_tra.xlsx; tệp có lỗi hoặc cảnh báo: "
                         "outputs/validation/<tên tệp>/ (báo cáo lỗi và bản đánh dấu ô lỗi).")
        return "\n".join(lines)


def _kill_hook(done: int) -> None:
    """Test hook: PIPELINE_INGEST_KILL_AFTER=N kills this process after N files of a run,
    in the middle of a transaction (see tests/test_warehouse.py)."""
    wanted = os.environ.get("PIPELINE_INGEST_KILL_AFTER")
    if wanted and done >= int(wanted):
        os.kill(os.getpid(), signal.SIGKILL)


def _facts(items: list[Received], batch: dict) -> dict[str, pd.DataFrame]:
    """Fact rows of the accepted files of a batch, one frame per table (from validate.check_batch)."""
    ids = np.array([item.submission_id for item in items], dtype="int64")
    units = np.array([item.report.unit_code for item in items], dtype=object)
    loaded = np.array([item.report.status != "rejected" for item in items], dtype=bool)
    out = {}
    for (template_id, sheet_key), (frame, files) in batch.items():
        keep = loaded[files]
        if not keep.any():
            continue
        big = frame[keep].reset_index(drop=True).rename(columns={"row": "row_number"})
        big.insert(0, "unit_code", units[files[keep]])
        big.insert(0, "submission_id", ids[files[keep]])
        out[table_name(template_id, sheet_key)] = big
    return out


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


def _store(con: duckdb.DuckDBPyConnection, items: list[Received], batch: dict, done_before: int) -> None:
    """One transaction: submissions, problems and facts of a batch of files."""
    now = datetime.now().replace(microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        next_id = con.execute("SELECT coalesce(max(submission_id), 0) FROM submissions").fetchall()[0][0]
        rows, problems = [], []
        for item in items:
            next_id += 1
            item.submission_id = next_id
            r = item.report
            size = r.path.stat().st_size if r.path.exists() else None
            rows.append({"submission_id": next_id, "sha256": r.sha256, "path": item.path, "file_name": r.path.name,
                         "received_at": item.received_at, "sender": item.sender, "unit_code": r.unit_code,
                         "template_id": r.template_id, "version": r.version, "status": r.status,
                         "n_errors": len(r.errors), "n_warnings": len(r.warnings),
                         "recognised_by": r.recognised_by, "demo": r.demo,
                         "original_name": item.original_name, "size_bytes": size, "ingested_at": now})
            problems += [{"submission_id": next_id, "severity": p.severity, "sheet": p.sheet, "cell": p.cell,
                          "field": p.field, "value": p.value, "rule": p.rule, "fix": p.fix} for p in r.problems]
        _insert(con, "submissions", pd.DataFrame(rows), {c: t.split()[0] for c, t in SUBMISSION_COLUMNS.items()})
        if problems:
            _insert(con, "problems", pd.DataFrame(problems),
                    {c: "BIGINT" if c == "submission_id" else "VARCHAR" for c in PROBLEM_COLUMNS})
        for table, frame in _facts(items, batch).items():
            template_id, sheet = next((t, s) for t in CATALOG.values() for s in t.sheets
                                      if table_name(t.id, s.key) == table)
            types = {"submission_id": "BIGINT", "unit_code": "VARCHAR", "row_number": "BIGINT"}
            types |= {c.key: SQL_TYPES[c.type] for c in sheet.columns}
            _insert(con, table, frame, types)
        _kill_hook(done_before + len(items))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def ingest(inputs_dir: Path, outputs_dir: Path, config: Config) -> IngestSummary:
    """Validate every new file under inputs_dir, record it, load the valid ones (see module doc)."""
    inputs_dir, outputs_dir = Path(inputs_dir), Path(outputs_dir)
    summary = IngestSummary()
    batch = int(os.environ.get("PIPELINE_INGEST_BATCH", BATCH))
    with writer_lock(outputs_dir):
        con, summary.rebuilt = _prepare(outputs_dir / DB_NAME, config)
        try:
            known = set(con.execute("SELECT sha256, path FROM submissions").fetchall())
            pending = []
            for path in received_files(inputs_dir):
                rel = path.relative_to(inputs_dir).as_posix()
                try:
                    data = path.read_bytes()
                except OSError:
                    data = b""
                if (hashlib.sha256(data).hexdigest(), rel) in known:
                    summary.seen += 1
                    continue
                note = sidecar(path)
                pending.append((path, rel, data, note, _received_at(path, note)))
            pending.sort(key=lambda p: (p[4], p[1]))
            summary.new = len(pending)
            done = 0
            for start in range(0, len(pending), batch):
                chunk = pending[start:start + batch]
                reports, tables = check_batch([(p[0], p[3].get("unit_code")) for p in chunk], config,
                                              [p[2] for p in chunk])
                items = [Received(report, p[1], p[4], p[3].get("sender"), p[3].get("original_name"))
                         for report, p in zip(reports, chunk, strict=True)]
                for item in items:
                    if item.report.problems:  # a clean file needs no report: it is listed in the overview
                        write_outputs(item.report, outputs_dir / VALIDATION_DIR)
                _store(con, items, tables, done)
                done += len(items)
                summary.received += items
            for item in summary.received:
                {"accepted": summary.accepted, "warnings": summary.warnings,
                 "rejected": summary.rejected}[item.report.status].append(item.report)
            latest: dict[tuple[str, str], Received] = {}
            for item in summary.received:
                if item.report.status == "rejected":
                    continue
                key = (item.report.unit_code, item.report.template_id)
                if key in latest:
                    summary.superseded.append((latest[key].report.path.name, item.report.path.name))
                latest[key] = item
            if summary.new or summary.rebuilt or not (outputs_dir / OVERVIEW).exists():
                write_overview(con, outputs_dir / OVERVIEW)
        finally:
            con.close()
    return summary


def write_overview(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """outputs/validation/tong_hop_kiem_tra.xlsx: every received file, its status and counts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = con.execute("""
        SELECT s.file_name, s.path, s.received_at, s.sender, s.unit_code, s.template_id, s.status,
               s.n_errors, s.n_warnings, c.submission_id IS NOT NULL AS current
        FROM submissions s LEFT JOIN current_submissions c USING (submission_id)
        ORDER BY s.received_at, s.submission_id""").fetchall()
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp kiểm tra"
    heads = ("Tệp", "Đường dẫn trong inputs/", "Thời điểm nhận", "Người gửi", "Đơn vị", "Biểu", "Kết quả",
             "Số lỗi", "Số cảnh báo", "Đang dùng cho báo cáo")
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for name, rel, when, sender, unit, template, status, n_err, n_warn, current in rows:
        ws.append([name, rel, when.strftime("%d/%m/%Y %H:%M:%S") if when else None, sender, unit,
                   CATALOG[template].title if template in CATALOG else None, STATUS_TEXT[status], n_err, n_warn,
                   "Có" if current else "Không"])
    for letter, width in zip("ABCDEFGHIJ", (36, 44, 20, 16, 10, 40, 30, 8, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


"""The DuckDB warehouse: every received file recorded, valid ones loaded, history kept.

Tables and views are derived from the catalog. One writer at a time (a threading lock plus a
filelock lock file in the outputs directory, with a timeout and a Vietnamese "busy" message);
each batch of files is one short transaction (the DuckDB file is opened only to write it), so
readers wait seconds, and a run killed at any moment leaves the warehouse as it was before or
after a batch; the next run completes the work. Memory is bounded by one batch: files are hashed
streaming, their size checked before they are read, and only the current batch is read. Any
unexpected exception while handling one file rejects that file alone (traceback in the log).
The warehouse is rebuilt from inputs/ alone whenever the catalog, the configuration or this
module's schema changes (or the file is missing or unreadable, never when it is only busy).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import filelock
import numpy as np
import pandas as pd

from pipeline.checks.validate import FileReport, Problem, check_batch, write_outputs
from pipeline.core import atomic, logs, paths, words
from pipeline.core.config import Config
from pipeline.core.layout import DEMO_MARK
from pipeline.intake import read
from pipeline.topics import CATALOG

LOCK_NAME = paths.WAREHOUSE_LOCK
SCHEMA_VERSION = 1
BATCH = 250  # files per transaction (and per pandera pass)
BATCH_BYTES = 64 * 1024 * 1024  # a batch also ends once its files reach this size together
KILLED_EXIT = 137  # exit status of the test kill hook (as a shell reports kill -9)
SQL_TYPES = {"int": "BIGINT", "number": "DOUBLE", "text": "VARCHAR", "choice": "VARCHAR", "date": "DATE"}
DB_NAME, OVERVIEW, VALIDATION_DIR = paths.WAREHOUSE, paths.OVERVIEW, paths.VALIDATION_DIR
NOT_RECEIVED = {paths.CONFIG_NAME, paths.ACCOUNTS, "README.md", ".gitkeep"}
SUBMISSION_COLUMNS = {
    "submission_id": "BIGINT PRIMARY KEY", "sha256": "VARCHAR", "path": "VARCHAR", "file_name": "VARCHAR",
    "received_at": "TIMESTAMP", "sender": "VARCHAR", "unit_code": "VARCHAR", "template_id": "VARCHAR",
    "version": "INTEGER", "status": "VARCHAR", "n_errors": "INTEGER", "n_warnings": "INTEGER",
    "recognised_by": "VARCHAR", "demo": "BOOLEAN", "original_name": "VARCHAR", "size_bytes": "BIGINT",
    "ingested_at": "TIMESTAMP",
}
PROBLEM_COLUMNS = ("submission_id", "severity", "sheet", "cell", "field", "value", "rule", "fix")

_WRITER = threading.RLock()
_LOCKS: dict[Path, filelock.BaseFileLock] = {}
LOG = logging.getLogger("pipeline.store.warehouse")


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


class WarehouseBusy(RuntimeError):
    """The warehouse is held by another program or run; the message is Vietnamese."""


BUSY_TIMEOUT = float(os.environ.get("PIPELINE_BUSY_TIMEOUT", "30"))  # seconds a DuckDB open waits
READ_TIMEOUT = float(os.environ.get("PIPELINE_READ_TIMEOUT", "10"))  # seconds a reader waits
WRITER_TIMEOUT = float(os.environ.get("PIPELINE_WRITER_TIMEOUT", "900"))  # seconds a writer waits


def _busy_text(db: Path) -> str:
    return (f"Kho dữ liệu {db} đang được một chương trình khác mở (một lần nhận biểu mẫu, DuckDB, "
            "notebook …). Hãy chờ chương trình đó xong hoặc đóng nó, rồi chạy lại.")


@contextmanager
def writer_lock(outputs_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Serialise writers: one thread of this process and one process at a time (a lock file in
    outputs/, released by the system if the process dies). Waits up to timeout seconds, then
    raises WarehouseBusy."""
    outputs_dir = Path(outputs_dir)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    wait = WRITER_TIMEOUT if timeout is None else timeout
    lock_path = (outputs_dir / LOCK_NAME).resolve()
    busy = (f"Một lần nhận biểu mẫu hoặc tổng hợp khác đang ghi vào kho dữ liệu ở {outputs_dir} "
            f"(đã chờ {wait:.0f} giây). Hãy chờ lần đó xong rồi chạy lại.")
    if not _WRITER.acquire(timeout=wait):
        raise WarehouseBusy(busy)
    try:
        lock = _LOCKS.setdefault(lock_path, filelock.FileLock(lock_path, thread_local=False))
        try:
            lock.acquire(timeout=wait)
        except filelock.Timeout as exc:
            raise WarehouseBusy(busy) from exc
        try:
            yield
        finally:
            lock.release()
    finally:
        _WRITER.release()


def _is_busy(db: Path, exc: duckdb.Error) -> bool:
    """Whether DuckDB refused db because another connection holds it (not because it is broken).

    By exception type, never by message text (Windows words it otherwise, and localised):
    ConnectionException = this process holds it with another configuration; IOException = a lock
    conflict, unless the file is readable and lacks DuckDB's header (then it is not a warehouse).
    """
    if isinstance(exc, duckdb.ConnectionException):
        return True
    if not isinstance(exc, duckdb.IOException):
        return False
    try:
        with open(db, "rb") as handle:
            head = handle.read(12)
    except OSError:
        return True  # Windows: the bytes are locked by the program holding the file
    return len(head) < 12 or head[8:12] == b"DUCK"


def open_db(db: Path, read_only: bool = False, timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting up to timeout seconds while another program holds the file, then
    WarehouseBusy (Vietnamese). A broken file raises duckdb.Error."""
    db = Path(db)
    deadline = time.monotonic() + (BUSY_TIMEOUT if timeout is None else timeout)
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.Error as exc:
            if not _is_busy(db, exc):
                raise
            if read_only and isinstance(exc, duckdb.ConnectionException):
                return duckdb.connect(str(db))  # this process writes: share its instance
            if time.monotonic() > deadline:
                raise WarehouseBusy(_busy_text(db)) from exc
            time.sleep(0.2)


def _prepare(db: Path, config: Config | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open the warehouse for writing, creating or rebuilding it when needed; (connection, rebuilt)."""
    while True:
        try:
            con = open_db(db)
            break
        except duckdb.Error:
            # Unreadable: outputs/ is disposable, so keep the bad file aside and rebuild from inputs/.
            LOG.warning("Kho dữ liệu %s không đọc được: cất sang bên cạnh và dựng lại", db, exc_info=True)
            db.rename(db.with_name(f"{db.name}.broken-{datetime.now():%Y%m%dT%H%M%S}"))
            Path(f"{db}.wal").unlink(missing_ok=True)
    try:
        return con, _schema(con, config)
    except BaseException:
        con.close()
        raise


def _schema(con: duckdb.DuckDBPyConnection, config: Config | None) -> bool:
    """Create the tables, or drop and recreate them when the signature changed; True if rebuilt."""
    if config is None:
        for statement in ddl():
            con.execute(statement)
        return False
    wanted = signature(config)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    stored = None
    if "warehouse_meta" in tables:
        row = next(iter(con.execute("SELECT value FROM warehouse_meta WHERE key = 'signature'").fetchall()), None)
        stored = row[0] if row else None
    if stored == wanted:
        return False
    con.execute("BEGIN TRANSACTION")
    for name, kind in con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                  "WHERE table_schema = 'main'").fetchall():
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS \"{name}\" CASCADE")
    for statement in ddl():
        con.execute(statement)
    con.execute("INSERT INTO warehouse_meta VALUES ('signature', ?)", [wanted])
    con.execute("COMMIT")
    return bool(tables)


def connect(outputs_dir: Path, read_only: bool = True, timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse (created empty if missing). Readers wait while a writer
    commits, up to timeout (READ_TIMEOUT) seconds, then get WarehouseBusy (Vietnamese)."""
    db = Path(outputs_dir) / DB_NAME
    timeout = READ_TIMEOUT if timeout is None else timeout
    if not read_only:
        return open_db(db, timeout=timeout)
    if not db.exists():
        with writer_lock(Path(outputs_dir)):
            if not db.exists():
                con, _ = _prepare(db, None)
                con.close()
    return open_db(db, read_only=True, timeout=timeout)


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


def _when(note: dict) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(note["received_at"]))
    except (KeyError, ValueError):
        return None
    return when.astimezone().replace(tzinfo=None) if when.tzinfo else when


def remember(path: Path, when: datetime) -> None:
    """Write the sidecar of a file that has none (a file dropped into inputs/ by hand), so its
    received time is recorded once and kept by copies and restores. Never overwrites: inputs/ is
    append-only (a new sidecar beside a file is the one thing the system adds there)."""
    note = path.with_name(path.name + ".json")
    text = json.dumps({"received_at": when.isoformat(timespec="seconds"), "sender": None,
                       "unit_code": None, "original_name": path.name}, ensure_ascii=False, indent=2)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.json.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        try:
            os.link(tmp, note)  # fails if a sidecar appeared meanwhile; never replaces one
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            with open(note, "x", encoding="utf-8") as handle:
                handle.write(text)
    except OSError:
        LOG.warning("Không ghi được tệp ghi chú thời điểm nhận %s", note, exc_info=True)
    finally:
        tmp.unlink(missing_ok=True)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks (memory does not grow with the file)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# ---------------------------------------------------------------------------------------------
# Ingest


@dataclass
class Received:
    report: FileReport
    path: str  # relative to inputs
    received_at: datetime
    sender: str | None
    original_name: str | None = None
    size: int | None = None
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
            lines.append(f"  - Bị trả lại: {report.path.name} ({report.error_count} lỗi). Lỗi đầu tiên: "
                         f"{report.errors[0].text() if report.errors else ''}")
        for report in self.warnings:
            lines.append(f"  - Có cảnh báo: {report.path.name} ({report.warning_count} cảnh báo).")
        for earlier, later in self.superseded:
            lines.append(f"  - Tệp {later} gửi sau thay thế tệp {earlier} (cùng đơn vị, cùng biểu); "
                         "số liệu lấy theo tệp gửi sau, tệp trước vẫn được lưu trong lịch sử.")
        if self.new:
            lines.append("Tổng hợp kết quả: outputs/validation/tong_hop_kiem_tra.xlsx; tệp có lỗi hoặc cảnh báo: "
                         "outputs/validation/<thư mục trong inputs>/<tên tệp>/ (báo cáo lỗi và bản đánh dấu ô lỗi).")
        return "\n".join(lines)


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
            size = item.size
            rows.append({"submission_id": next_id, "sha256": r.sha256, "path": item.path, "file_name": r.path.name,
                         "received_at": item.received_at, "sender": item.sender, "unit_code": r.unit_code,
                         "template_id": r.template_id, "version": r.version, "status": r.status,
                         "n_errors": r.error_count, "n_warnings": r.warning_count,
                         "recognised_by": r.recognised_by, "demo": r.demo,
                         "original_name": item.original_name, "size_bytes": size, "ingested_at": now})
            problems += [{"submission_id": next_id, "severity": p.severity, "sheet": p.sheet, "cell": p.cell,
                          "field": p.field, "value": p.value, "rule": p.rule, "fix": p.fix} for p in r.problems]
            problems += [{"submission_id": next_id, "severity": o.severity, "sheet": o.sheet, "cell": None,  # past the cap
                          "field": o.field, "value": None, "rule": o.text(), "fix": o.fix} for o in r.omitted]
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
    for path in received_files(inputs_dir):
        rel = path.relative_to(inputs_dir).as_posix()
        try:
            size, sha = path.stat().st_size, sha256_of(path)
        except OSError:
            size, sha = 0, hashlib.sha256(b"").hexdigest()  # the reader reports why it cannot read it
        note = sidecar(path)
        when = _when(note)
        if (sha, rel) in known:
            summary.seen += 1
            if when is None and not path.with_name(path.name + ".json").exists():
                remember(path, known[(sha, rel)])  # recorded by an earlier version, from the file system
            continue
        if when is None:
            try:
                when = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
            except OSError:
                when = datetime.now().replace(microsecond=0)
            if not path.with_name(path.name + ".json").exists():
                remember(path, when)
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


def _check(chunk: list[Pending], config: Config) -> list[tuple[list[FileReport], dict]]:
    """Validate a batch: [(reports, batch tables)], one group, or one group per file when
    validating the batch together raised (then only the file at fault is rejected)."""
    small = [p for p in chunk if p.size <= read.MAX_FILE_BYTES]
    groups = [([_too_large(p)], {}) for p in chunk if p.size > read.MAX_FILE_BYTES]
    try:
        return [check_batch([(p.path, p.note.get("unit_code")) for p in small], config)] + groups
    except Exception:  # noqa: BLE001 - the boundary: one file never stops the others
        LOG.exception("Kiểm tra một lô %d tệp gặp lỗi hệ thống; kiểm tra lại từng tệp", len(small))
    for p in small:
        try:
            groups.append(check_batch([(p.path, p.note.get("unit_code"))], config))
        except Exception:  # noqa: BLE001
            LOG.exception("Lỗi hệ thống khi kiểm tra tệp %s", p.path)
            groups.append(([_failed(_bare(p))], {}))
    return groups


def _feedback(item: Received, folder: Path) -> None:
    """Write a file's validation report; if that raises, the file is rejected with the system error."""
    try:
        if item.report.problems:  # a clean file needs no report: it is listed in the overview
            write_outputs(item.report, folder, rel=item.path)
        return
    except Exception:  # noqa: BLE001 - the boundary: one file never stops the others
        LOG.exception("Lỗi hệ thống khi ghi kết quả kiểm tra của tệp %s", item.report.path)
    item.report = _failed(item.report)
    try:
        write_outputs(item.report, folder, rel=item.path)
    except Exception:  # noqa: BLE001
        LOG.exception("Không ghi được cả báo cáo lỗi hệ thống của tệp %s", item.report.path)


def ingest(inputs_dir: Path, outputs_dir: Path, config: Config, demo_set: bool = False) -> IngestSummary:
    """Validate every new file under inputs_dir, record it, load the valid ones (see module doc).
    demo_set: inputs_dir is the built-in demo set; otherwise a file marked «SỐ LIỆU MINH HỌA» is
    rejected, so demo figures never mix with a unit's real ones."""
    inputs_dir, outputs_dir = Path(inputs_dir), Path(outputs_dir)
    logs.configure(outputs_dir)
    summary = IngestSummary()
    count = int(os.environ.get("PIPELINE_INGEST_BATCH", BATCH))
    db = outputs_dir / DB_NAME
    with writer_lock(outputs_dir):
        con, summary.rebuilt = _prepare(db, config)
        try:
            known = {(sha, rel): when for sha, rel, when in
                     con.execute("SELECT sha256, path, received_at FROM submissions").fetchall()}
        finally:
            con.close()
        pending = _scan(inputs_dir, known, summary)
        summary.new = len(pending)
        done = 0
        for chunk in _batches(pending, count):
            by_path = {p.path: p for p in chunk}
            for reports, tables in _check(chunk, config):
                if not reports:
                    continue
                items = [Received(r, by_path[r.path].rel, by_path[r.path].received_at,
                                  by_path[r.path].note.get("sender"), by_path[r.path].note.get("original_name"),
                                  by_path[r.path].size) for r in reports]
                for item in items:
                    if item.report.demo and not demo_set:
                        item.report = _demo_refused(item.report)
                    _feedback(item, outputs_dir / VALIDATION_DIR)
                con = open_db(db)  # held only while this batch is written
                try:
                    _store(con, items, tables, done)
                finally:
                    con.close()
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
        if summary.new or summary.rebuilt or not atomic.readable(outputs_dir / OVERVIEW):
            con = open_db(db, read_only=True)
            try:
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
                   CATALOG[template].title if template in CATALOG else None, words.STATUS[status], n_err, n_warn,
                   "Có" if current else "Không"])
    for letter, width in zip("ABCDEFGHIJ", (36, 44, 20, 16, 10, 40, 30, 8, 10, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    return atomic.save(wb, path)


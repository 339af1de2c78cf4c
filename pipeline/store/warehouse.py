"""The DuckDB warehouse: its schema, its connections and its one-writer lock.

Tables and views are derived from the catalog: `submissions` (every received file), `problems`,
one fact table per template sheet, `current_submissions` (the latest accepted file of each
unit × template) and one `cur_<table>` view per fact table (the history stays in the tables);
`sheet_columns` keeps each loaded sheet's column letter per field, so every fact's Excel cell
(col || row_number, on sheet_name) is known (see pipeline.outputs.provenance).
One writer at a time (a threading lock plus a filelock lock file in the outputs directory, with a
timeout and a Vietnamese "busy" message). The schema is rebuilt (tables dropped, recreated
empty) whenever the catalog, the configuration or SCHEMA_VERSION changes, or the file is
missing or unreadable, never when it is only busy. What fills it is `pipeline.store.ingest`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import filelock

from pipeline.core import paths
from pipeline.core.config import Config
from pipeline.topics import CATALOG

LOCK_NAME = paths.WAREHOUSE_LOCK
SCHEMA_VERSION = 5  # 2: sheet_columns (where each loaded value was read); 3: origins (packages' sources);
# 4: problems.kind, sign-offs, confirmations; 5: submissions.part (an export's period, intake.export_06a)
SQL_TYPES = {"int": "BIGINT", "number": "DOUBLE", "text": "VARCHAR", "choice": "VARCHAR", "date": "DATE"}
DB_NAME = paths.WAREHOUSE

SUBMISSION_COLUMNS = {
    "submission_id": "BIGINT PRIMARY KEY", "sha256": "VARCHAR", "path": "VARCHAR", "file_name": "VARCHAR",
    "received_at": "TIMESTAMP", "sender": "VARCHAR", "unit_code": "VARCHAR", "template_id": "VARCHAR",
    "version": "INTEGER", "status": "VARCHAR", "n_errors": "INTEGER", "n_warnings": "INTEGER",
    "recognised_by": "VARCHAR", "demo": "BOOLEAN", "original_name": "VARCHAR", "size_bytes": "BIGINT",
    "ingested_at": "TIMESTAMP", "part": "VARCHAR",
}
PROBLEM_COLUMNS = ("submission_id", "severity", "sheet", "cell", "field", "value", "rule", "fix", "kind")
# Provenance: the column letter of each field in each loaded sheet of a file (one row per submission ×
# sheet × field, so bounded by the catalog, not by the data). A fact's Excel cell is col || row_number
# (row_number is the Excel row), on the sheet named sheet_name in the file.
COLUMN_COLUMNS = {"submission_id": "BIGINT", "sheet_table": "VARCHAR", "sheet_name": "VARCHAR",
                  "field": "VARCHAR", "col": "VARCHAR"}
# The portal's records, loaded from inputs/ (store.records; every one kept: the history): a unit head's
# sign-off of the file whose sha256 it names, and a unit's confirmation (with a comment) of a flagged figure.
SIGNOFF_COLUMNS = {"record": "VARCHAR", "unit_code": "VARCHAR", "template_id": "VARCHAR", "sha256": "VARCHAR",
                   "file_name": "VARCHAR", "username": "VARCHAR", "full_name": "VARCHAR", "signed_at": "TIMESTAMP"}
CONFIRMATION_COLUMNS = {"record": "VARCHAR", "unit_code": "VARCHAR", "template_id": "VARCHAR", "sha256": "VARCHAR",
                        "sheet": "VARCHAR", "cell": "VARCHAR", "comment": "VARCHAR", "username": "VARCHAR",
                        "full_name": "VARCHAR", "confirmed_at": "TIMESTAMP"}
# Provenance across levels: at a city, a commune's package says for each of its figure cells where the
# commune got it (its «Nguồn số liệu» sheet, layout.ORIGIN_COLUMNS in this order); one row per source
# cell, so a city figure is traced to commune › unit › file › cell (pipeline.outputs.provenance).
ORIGIN_COLUMNS = {"submission_id": "BIGINT", "sheet_name": "VARCHAR", "cell": "VARCHAR", "value": "VARCHAR",
                  "unit_code": "VARCHAR", "unit_name": "VARCHAR", "file_name": "VARCHAR",
                  "source_cell": "VARCHAR", "received": "VARCHAR"}

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
        "cell VARCHAR, field VARCHAR, value VARCHAR, rule VARCHAR, fix VARCHAR, kind VARCHAR)",
        "CREATE TABLE IF NOT EXISTS sheet_columns (" + ", ".join(f"{c} {t}" for c, t in COLUMN_COLUMNS.items()) + ")",
        "CREATE TABLE IF NOT EXISTS signoffs (" + ", ".join(f"{c} {t}" for c, t in SIGNOFF_COLUMNS.items()) + ")",
        "CREATE TABLE IF NOT EXISTS confirmations (" + ", ".join(f"{c} {t}" for c, t in CONFIRMATION_COLUMNS.items()) + ")",
        "CREATE TABLE IF NOT EXISTS origins (" + ", ".join(f"{c} {t}" for c, t in ORIGIN_COLUMNS.items()) + ")",
        # The latest valid file per unit × template; an export of the TTHC system (part = its period,
        # intake.export_06a) is current per period beside the unit's other exports (they combine),
        # and a typed template and the exports replace each other by which came later.
        """CREATE OR REPLACE VIEW current_submissions AS
           WITH latest AS (
               SELECT * FROM submissions WHERE status IN ('accepted', 'warnings')
               QUALIFY row_number() OVER (PARTITION BY unit_code, template_id, coalesce(part, '')
                                          ORDER BY received_at DESC, submission_id DESC) = 1)
           SELECT * FROM latest l WHERE NOT EXISTS (
               SELECT 1 FROM latest o WHERE o.unit_code IS NOT DISTINCT FROM l.unit_code
                   AND o.template_id = l.template_id AND (o.part IS NULL) <> (l.part IS NULL)
                   AND (o.received_at > l.received_at
                        OR (o.received_at = l.received_at AND o.submission_id > l.submission_id)))""",
        # Each current file with its latest sign-off, if one names its sha256 (else signed_at is NULL:
        # «chưa xác nhận»); a sign-off of an earlier file of the same unit × template does not count.
        """CREATE OR REPLACE VIEW current_signoffs AS
           SELECT s.submission_id, s.unit_code, s.template_id, s.sha256, s.file_name, s.received_at, s.part,
                  g.username AS signed_by, g.full_name AS signed_name, g.signed_at
           FROM current_submissions s LEFT JOIN (
               SELECT * FROM signoffs QUALIFY row_number() OVER (
                   PARTITION BY unit_code, template_id, sha256 ORDER BY signed_at DESC, record DESC) = 1) g
           USING (unit_code, template_id, sha256)""",
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


def prepare(db: Path, config: Config | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
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
                con, _ = prepare(db, None)
                con.close()
    return open_db(db, read_only=True, timeout=timeout)


def sheet_types(template_id: str, sheet_key: str) -> dict[str, str]:
    """The SQL type of every column of a fact table (keys first), from the catalog."""
    sheet = next(s for s in CATALOG[template_id].sheets if s.key == sheet_key)
    return {"submission_id": "BIGINT", "unit_code": "VARCHAR", "row_number": "BIGINT"} | \
        {c.key: SQL_TYPES[c.type] for c in sheet.columns}


def fact_tables() -> dict[str, tuple[str, str]]:
    """Every fact table's name → (template id, sheet key)."""
    return {table_name(t.id, s.key): (t.id, s.key) for t in CATALOG.values() for s in t.sheets}

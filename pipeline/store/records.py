"""The portal's records in inputs/: a unit head's sign-off of a file, a unit's confirmation of a
flagged figure. Each is one small JSON file, written once and never changed (inputs/ is the record;
the warehouse is rebuilt from it):

- inputs/signoffs/<YYYYmmddTHHMMSSffffff>_<UNIT>_<template>.json = {unit_code, template_id, sha256,
  file_name, username, full_name, signed_at, figures, warnings, warning_count}: the head confirmed
  the figures of the file whose sha256 it names (a later file of the same unit × template needs a
  new sign-off), having seen its key figures and open warnings (kept as shown: web.figures);
- inputs/confirmations/<YYYYmmddTHHMMSSffffff>_<UNIT>_<sha8>.json = {unit_code, template_id, sha256,
  sheet, cell, comment, username, full_name, confirmed_at}: the unit says a figure warned about
  (an outlier) is right, and why.

`load` puts the records not yet in the warehouse into its `signoffs` and `confirmations` tables (the
ingest calls it on every run), so every sign-off stays in the history.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.core import atomic, paths
from pipeline.store import warehouse

SIGNOFFS, CONFIRMATIONS = paths.SIGNOFFS, paths.CONFIRMATIONS
TABLES = {SIGNOFFS: ("signoffs", warehouse.SIGNOFF_COLUMNS, "signed_at"),
          CONFIRMATIONS: ("confirmations", warehouse.CONFIRMATION_COLUMNS, "confirmed_at")}
NAME = re.compile(r"^\d{8}T\d{12}_[A-Za-z0-9-]+_[A-Za-z0-9_]+\.json$")
MAX_COMMENT = 1000  # characters of a confirmation's comment
_lock = threading.Lock()
LOG = logging.getLogger("pipeline.store.records")


def _write(inputs: Path, folder: str, unit_code: str, tail: str, record: dict) -> dict:
    """Write record once under a new name in inputs/<folder>/ (core.atomic: fsynced, then renamed into place)."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", unit_code) or not re.fullmatch(r"[A-Za-z0-9_]+", tail):
        raise ValueError(f"not usable in a file name: {unit_code!r}, {tail!r}")
    directory = Path(inputs) / folder
    directory.mkdir(parents=True, exist_ok=True)
    with _lock:  # one name per microsecond: never overwrite a record
        while True:
            now = datetime.now()
            name = f"{now:%Y%m%dT%H%M%S%f}_{unit_code}_{tail}.json"
            if not (directory / name).exists():
                break
            time.sleep(0.000_01)
        record = {**record, TABLES[folder][2]: now.isoformat(timespec="microseconds")}
        atomic.write_text(directory / name, json.dumps(record, ensure_ascii=False, indent=2))
    return {"record": name, **record, TABLES[folder][2]: now}


def sign_off(inputs: Path, unit_code: str, template_id: str, sha256: str, file_name: str,
             username: str, full_name: str, seen: dict | None = None) -> dict:
    """Record that the unit's head confirmed the figures of the file with this sha256; seen: what the
    sign-off page showed the head (web.figures.confirmed: key figures, open warnings), kept with it."""
    return _write(inputs, SIGNOFFS, unit_code, template_id,
                  {"unit_code": unit_code, "template_id": template_id, "sha256": sha256,
                   "file_name": file_name, "username": username, "full_name": full_name, **(seen or {})})


def confirm(inputs: Path, unit_code: str, template_id: str, sha256: str, sheet: str, cell: str,
            comment: str, username: str, full_name: str) -> dict:
    """Record that the unit confirms a figure warned about, with its comment."""
    return _write(inputs, CONFIRMATIONS, unit_code, sha256[:8],
                  {"unit_code": unit_code, "template_id": template_id, "sha256": sha256, "sheet": sheet,
                   "cell": cell, "comment": comment[:MAX_COMMENT], "username": username,
                   "full_name": full_name})


def read(inputs: Path, folder: str, skip: set[str] = frozenset()) -> list[dict]:
    """The records of inputs/<folder>/ (oldest first), but those named in skip; a file that is not a
    readable record is left out with a warning in the log (it never stops the others)."""
    directory = Path(inputs) / folder
    if not directory.is_dir():
        return []
    columns, stamp = TABLES[folder][1], TABLES[folder][2]
    out = []
    for path in sorted(directory.iterdir()):
        if not NAME.match(path.name) or path.name in skip:
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            row = {c: raw.get(c) for c in columns if c != "record"}
            row[stamp] = datetime.fromisoformat(str(raw[stamp]))
            if not all(isinstance(row[c], str) for c in ("unit_code", "template_id", "sha256")):
                raise ValueError("unit_code, template_id and sha256 are required")
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            LOG.warning("Bỏ qua bản ghi không đọc được: %s", path, exc_info=True)
            continue
        out.append({"record": path.name, **row})
    return out


def load(con: duckdb.DuckDBPyConnection, inputs: Path) -> int:
    """Insert the records of inputs/ not yet in the warehouse (one transaction); how many."""
    count = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for folder, (table, columns, _stamp) in TABLES.items():
            known = {r for (r,) in con.execute(f"SELECT record FROM {table}").fetchall()}
            if rows := read(inputs, folder, known):
                frame = pd.DataFrame(rows, columns=list(columns))
                con.register("_incoming_records", frame)
                try:
                    cols = ", ".join(columns)
                    select = ", ".join(f"CAST({c} AS {t})" for c, t in columns.items())
                    con.execute(f"INSERT INTO {table} ({cols}) SELECT {select} FROM _incoming_records")
                finally:
                    con.unregister("_incoming_records")
                count += len(rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return count

"""The files units sent: what under inputs/ is a submission, its sidecar note, its hash.

inputs/ is append-only: the one thing the system adds there is a sidecar note beside a file
dropped in by hand (remember), never replacing one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from datetime import datetime
from pathlib import Path

from pipeline.core import paths

NOT_RECEIVED = {paths.CONFIG_NAME, paths.CITY_CONFIG_NAME, paths.ACCOUNTS, "README.md", ".gitkeep"}
LOG = logging.getLogger("pipeline.store.inbox")


def received_files(inputs_dir: Path) -> list[Path]:
    """Every file under inputs/ that a unit sent (the configuration, accounts, report templates,
    edited section texts, hidden files, temporary uploads and the web portal's sidecars are not submissions)."""
    inputs_dir = Path(inputs_dir)
    found = []
    for path in sorted(inputs_dir.rglob("*")):
        rel = path.relative_to(inputs_dir)
        if not path.is_file() or any(part.startswith((".", "~$")) for part in rel.parts) or \
                (len(rel.parts) > 1 and rel.parts[0] in paths.RECORDS):  # sign-offs, confirmations, backups
            continue
        if rel.parts[0] in (paths.SECTION_TEXTS, paths.CONFIG_HISTORY):  # edited report texts, earlier configurations
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


def received_at(note: dict) -> datetime | None:
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


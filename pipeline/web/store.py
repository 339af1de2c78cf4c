"""Uploads: the workbook safety check, then an atomic, append-only copy in inputs/received/.

Nothing else reads an uploaded file before `check_workbook` has passed it. The client's file
name is kept only as text in the sidecar; the stored name is built from the time, the unit
and the content hash: inputs/received/<YYYYmmddTHHMMSSffffff>_<UNIT>_<sha8>.xlsx, with
"<file>.json" beside it = {received_at, sender, unit_code, original_name}.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import threading
import time
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

from pipeline.core import paths
from pipeline.intake import read

RECEIVED = paths.RECEIVED
MAX_FILE = 5 * 1024 * 1024  # bytes per uploaded file
MAX_FILES = 10  # files per upload
MAX_ENTRIES, MAX_UNCOMPRESSED = read.MAX_ENTRIES, read.MAX_UNCOMPRESSED  # declared once, in read.py
STORED_NAME = re.compile(r"^(\d{8}T\d{12})_([A-Za-z0-9-]+)_([0-9a-f]{8})\.xlsx$")
_name_lock = threading.Lock()
_taken: set[str] = set()  # names chosen and being written (guarded by _name_lock)


class Refused(Exception):
    """The upload is not a workbook we may open: rule and fix are Vietnamese."""

    def __init__(self, rule: str, fix: str):
        super().__init__(rule)
        self.rule, self.fix = rule, fix


def clean_name(name: str | None) -> str:
    """The client's file name, reduced to printable text without any folder (display only)."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:200] or "(không tên)"


def check_workbook(data: bytes, size: int | None = None) -> None:
    """Raise Refused unless data is a plausible .xlsx. The portal's own limit is the upload size
    (MAX_FILE); entries, unzipped size, ratio and encryption go through the one safety gate of
    every way in, read.check_zip. size = the upload's real size when known (data may hold only
    the first MAX_FILE + 1 bytes of a bigger upload)."""
    if not data:
        raise Refused("Tệp rỗng (0 byte).", "Chọn lại đúng tệp biểu mẫu đã điền rồi gửi lại.")
    if len(data) > MAX_FILE or (size or 0) > MAX_FILE:
        refused = read.too_large(size if size is not None else len(data) if len(data) > MAX_FILE + 1 else None,
                                 MAX_FILE)
        raise Refused(refused.rule, "Chỉ gửi tệp biểu mẫu .xlsx đã tải từ trang này; xóa ảnh hay trang tính "
                      "thừa nếu có.")
    if data[:8] == read.OLE_SIGNATURE:
        raise Refused("Tệp là định dạng Excel 97–2003 (.xls) hoặc đã đặt mật khẩu mở tệp.",
                      "Mở tệp trong Excel, bỏ mật khẩu nếu có, chọn Lưu thành → Sổ làm việc Excel (.xlsx) rồi gửi lại.")
    wrong_type = Refused("Tệp không phải sổ tính Excel .xlsx.",
                         "Tải biểu mẫu .xlsx từ trang này, điền số liệu, lưu dạng .xlsx rồi gửi lại "
                         "(không gửi tệp PDF, ảnh, Word hay tệp nén).")
    if data[:4] != read.ZIP_SIGNATURE:
        raise wrong_type
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            read.check_zip(zf)
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise wrong_type
    except read.Refused as refused:
        raise Refused(refused.rule, refused.fix) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
            ValueError) as exc:
        raise wrong_type from exc


DEMO = Refused("Tệp mang dấu «SỐ LIỆU MINH HỌA»: đây là số liệu mẫu của hệ thống, không phải số liệu "
               "thật của đơn vị, nên không được nhận vào báo cáo.",
               "Tải biểu mẫu trống ở mục «1. Tải biểu mẫu», điền số liệu thật của đơn vị rồi gửi lại "
               "(không gửi tệp minh họa).")


def check_not_demo(data: bytes) -> dict:
    """The workbook's identity sheet (recognise._meta: what it says it is, {} when unreadable).
    Raise DEMO when a workbook that passed check_workbook carries the demo mark in its hidden
    identity sheet: a demo workbook sent as real is never stored, so never reported. (A demo
    file whose identity sheet was removed is still flagged when it is validated.)"""
    import python_calamine as pc

    try:
        meta = read._meta(pc.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except Exception:  # unreadable here: the validation reports why, cell by cell
        return {}
    if meta.get("demo"):
        raise DEMO
    return meta


def _temporary(directory: Path, name: str, data: bytes) -> Path:
    """data written and flushed to disk under a hidden temporary name in directory."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def save(inputs: Path, data: bytes, unit_code: str, sender: str, original_name: str) -> Path:
    """Store an upload that passed check_workbook: both files written to temporary names and
    fsynced, then renamed into place, sidecar first."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", unit_code):
        raise ValueError(f"unit code not usable in a file name: {unit_code!r}")
    directory = Path(inputs) / RECEIVED
    directory.mkdir(parents=True, exist_ok=True)
    sha8 = hashlib.sha256(data).hexdigest()[:8]
    with _name_lock:  # one name per microsecond per unit and content: never overwrite
        while True:
            now = datetime.now()
            name = f"{now:%Y%m%dT%H%M%S%f}_{unit_code}_{sha8}.xlsx"
            if name not in _taken and not (directory / name).exists() and not (directory / f"{name}.json").exists():
                break
            time.sleep(0.000_01)
        _taken.add(name)  # held while written: the disk writes of concurrent uploads overlap
    try:
        meta = {"received_at": now.isoformat(timespec="microseconds"), "sender": sender,
                "unit_code": unit_code, "original_name": original_name}
        note = _temporary(directory, f"{name}.json", json.dumps(meta, ensure_ascii=False, indent=2).encode())
        try:
            upload = _temporary(directory, name, data)
        except BaseException:
            note.unlink(missing_ok=True)
            raise
        # Both are on disk; the two renames follow each other so that a scan of inputs/
        # finds the sidecar no later than the workbook it describes.
        os.replace(note, directory / f"{name}.json")
        os.replace(upload, directory / name)
    finally:
        with _name_lock:
            _taken.discard(name)
    _sync_folder(directory)
    return directory / name


def _sync_folder(directory: Path) -> None:
    """Make the renames durable where the platform can: POSIX fsyncs a folder; Windows refuses
    to open one (its renames are journalled by NTFS), so there, and on any refusal, skip it."""
    if os.name != "posix":
        return
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def sidecar(path: Path) -> dict | None:
    try:
        meta = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
        meta["received_at"] = datetime.fromisoformat(meta["received_at"])
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stored(inputs: Path, name: str) -> Path | None:
    """The stored upload called name (the name must have the portal's exact form), or None."""
    if not STORED_NAME.match(name):
        return None
    path = Path(inputs) / RECEIVED / name
    return path if path.is_file() else None


def received(inputs: Path, unit_code: str | None = None) -> list[tuple[Path, dict]]:
    """Every portal upload (of one unit), newest first."""
    directory = Path(inputs) / RECEIVED
    if not directory.is_dir():
        return []
    out = []
    for path in directory.iterdir():
        if STORED_NAME.match(path.name) and (meta := sidecar(path)):
            if unit_code is None or meta.get("unit_code") == unit_code:
                out.append((path, meta))
    return sorted(out, key=lambda item: item[0].name, reverse=True)

"""Backup and restore of the record (issue 27, item 7): inputs/ is the whole record of a review (the
files received with their receipt sidecars, the configuration and the city's copy, accounts, sign-offs,
confirmations, the commune's texts and report template), so one archive of it restores the same report.

`create(inputs, folder)` writes folder/sao_luu_<unit>_<time>.zip (atomically): every file of inputs/
under `inputs/` in the archive (not the portal's secret and sessions, temporaries, lock files: hidden
or temporary names), and `MANIFEST` listing each file's path, size and SHA-256; then it notes the
backup in inputs/sao_luu/ (append-only, like the other records), so the build can remind when the
last backup is older than the last received file (`reminder`).
`restore(archive, target)` checks the archive whole before writing anything (every member named in
the manifest, no other, each of its size and digest, no path leaving the folder) and extracts it
into target, which must be empty or absent; a damaged archive or a non-empty target is refused with
a Vietnamese `BackupError`. The portal's settings page calls these two functions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.core import atomic, paths, vn
from pipeline.core.config import load
from pipeline.store import inbox

MANIFEST = "sao_luu.json"  # the archive's manifest, beside the folder inputs/
ROOT = "inputs"  # the record's folder inside the archive
FORMAT = 1
MAX_MEMBERS = 2_000_000  # members of an archive a restore reads (a national city holds ~30.000 files)


class BackupError(Exception):
    """A backup or restore refused: the message is Vietnamese, with what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    files: int
    size: int
    sha256: str
    created_at: datetime

    def text(self) -> str:
        return (f"Đã sao lưu {vn.number(self.files)} tệp của hồ sơ vào {self.path} "
                f"({vn.number(self.size / 1024 / 1024, 1)} MB), lúc {vn.moment(self.created_at)}.")


def recorded(inputs: Path) -> list[Path]:
    """The files of the record: everything under inputs/ but hidden and temporary files."""
    inputs = Path(inputs)
    return [p for p in sorted(inputs.rglob("*")) if p.is_file()
            and not any(part.startswith((".", "~$")) for part in p.relative_to(inputs).parts)
            and not p.name.endswith((".tmp", ".lock"))]


def _name(inputs: Path, now: datetime) -> str:
    try:
        unit = vn.ascii_words(load(Path(inputs) / paths.CONFIG_NAME).full_name)
    except Exception:  # noqa: BLE001 - a broken configuration is backed up all the same
        unit = "ho_so"
    return f"sao_luu_{unit}_{now:%Y%m%d_%H%M%S}.zip"


def create(inputs: Path, folder: Path) -> Backup:
    """One archive of the record in folder, with its manifest of digests (see the module's doc)."""
    inputs, folder = Path(inputs), Path(folder)
    if not (inputs / paths.CONFIG_NAME).is_file():
        raise BackupError(f"Thư mục {inputs} không có tệp cấu hình {paths.CONFIG_NAME}: không phải thư mục hồ sơ "
                          "(inputs) của chương trình. Hãy chọn đúng thư mục inputs.")
    if folder.resolve().is_relative_to(inputs.resolve()):
        raise BackupError(f"Thư mục sao lưu {folder} nằm trong thư mục hồ sơ {inputs}: hãy chọn thư mục khác "
                          "(tốt nhất là ổ đĩa khác hoặc ổ USB).")
    now = datetime.now().replace(microsecond=0)
    files = recorded(inputs)
    entries = []

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for path in files:
                rel = path.relative_to(inputs).as_posix()
                entries.append({"path": rel, "size": path.stat().st_size, "sha256": inbox.sha256_of(path)})
                zf.write(path, f"{ROOT}/{rel}")
            zf.writestr(MANIFEST, json.dumps({"format": FORMAT, "created_at": now.isoformat(), "files": entries},
                                             ensure_ascii=False, indent=1))
    received = _received(inputs)
    path = atomic.replace(folder / _name(inputs, now), write)
    digest = inbox.sha256_of(path)
    note = {"created_at": now.isoformat(), "archive": path.name, "folder": str(folder.resolve()),
            "files": len(entries), "sha256": digest, "received": len(received),
            "last_received": max(received, default=now).isoformat()}
    atomic.write_text(inputs / paths.BACKUPS / f"{now:%Y%m%dT%H%M%S}_{digest[:8]}.json",
                      json.dumps(note, ensure_ascii=False, indent=2))
    return Backup(path, len(entries), path.stat().st_size, digest, now)


def _manifest(zf: zipfile.ZipFile, archive: Path) -> list[dict]:
    damaged = f"Tệp sao lưu {archive.name} bị hỏng hoặc không phải tệp sao lưu của chương trình"
    try:
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT or not isinstance(files, list):
            raise ValueError
        for entry in files:
            if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                    and isinstance(entry.get("size"), int) and isinstance(entry.get("sha256"), str)):
                raise ValueError
    except KeyError as exc:
        raise BackupError(f"{damaged}: không có bảng kê {MANIFEST}.") from exc
    except (ValueError, UnicodeDecodeError, TypeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{damaged}: bảng kê {MANIFEST} không đọc được.") from exc
    return files


def _safe(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(rel) and not path.is_absolute() and ".." not in path.parts and ":" not in rel and "\\" not in rel


def verify(archive: Path) -> list[dict]:
    """The archive's manifest once every member is checked (size, SHA-256, nothing missing or extra,
    no path leaving the folder); BackupError naming the first damaged one."""
    archive = Path(archive)
    damaged = f"Tệp sao lưu {archive.name} bị hỏng"
    fix = " Hãy dùng một bản sao lưu khác (còn nguyên vẹn) hoặc sao lưu lại từ máy còn hồ sơ."
    try:
        with zipfile.ZipFile(archive) as zf:
            if len(zf.infolist()) > MAX_MEMBERS:
                raise BackupError(f"{damaged}: quá nhiều thành phần ({vn.number(len(zf.infolist()))}).{fix}")
            files = _manifest(zf, archive)
            names = {i.filename for i in zf.infolist() if not i.is_dir()}
            wanted = {f"{ROOT}/{e['path']}" for e in files} | {MANIFEST}
            if extra := sorted(names - wanted):
                raise BackupError(f"{damaged}: có tệp «{extra[0]}» không có trong bảng kê.{fix}")
            for entry in files:
                if not _safe(entry["path"]):
                    raise BackupError(f"{damaged}: đường dẫn «{entry['path']}» không hợp lệ.{fix}")
                member = f"{ROOT}/{entry['path']}"
                if member not in names:
                    raise BackupError(f"{damaged}: thiếu tệp «{entry['path']}» có trong bảng kê.{fix}")
                h, size = hashlib.sha256(), 0
                with zf.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        h.update(chunk)
                        size += len(chunk)
                        if size > entry["size"]:
                            break
                if size != entry["size"] or h.hexdigest() != entry["sha256"]:
                    raise BackupError(f"{damaged}: tệp «{entry['path']}» không khớp mã kiểm tra SHA-256 ghi trong "
                                      f"bảng kê (nội dung đã bị thay đổi hoặc hỏng).{fix}")
    except zipfile.BadZipFile as exc:
        raise BackupError(f"{damaged} (cấu trúc nén không đọc được, có thể chép chưa hết).{fix}") from exc
    except OSError as exc:
        raise BackupError(f"Không đọc được tệp sao lưu {archive} ({exc.strerror or 'lỗi đọc tệp'}).{fix}") from exc
    return files


def restore(archive: Path, target: Path) -> int:
    """Extract a checked archive into target (empty or absent); the number of files restored."""
    archive, target = Path(archive), Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"Thư mục {target} không trống: chương trình chỉ khôi phục vào một thư mục trống, để không "
                          "ghi đè hồ sơ đang có. Hãy chọn một thư mục mới (ví dụ: --vao inputs_khoi_phuc).")
    files = verify(archive)
    fresh = target.with_name(f".{target.name}.khoi_phuc.tmp")
    shutil.rmtree(fresh, ignore_errors=True)
    try:
        with zipfile.ZipFile(archive) as zf:
            for entry in files:
                info = zf.getinfo(f"{ROOT}/{entry['path']}")
                out = fresh.joinpath(*PurePosixPath(entry["path"]).parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, open(out, "wb") as sink:
                    shutil.copyfileobj(source, sink, 1 << 20)
                stamp = datetime(*info.date_time).timestamp()
                os.utime(out, (stamp, stamp))  # a file without sidecar keeps its received time
        if target.exists():
            target.rmdir()
        os.replace(fresh, target)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return len(files)


def _received(inputs: Path) -> list[datetime]:
    """When each received file arrived (its sidecar; a file without one: now, as not yet seen)."""
    now = datetime.now().replace(microsecond=0)
    return [inbox.received_at(inbox.sidecar(p)) or now for p in inbox.received_files(inputs)]


def last_backup(inputs: Path) -> dict | None:
    """The note of the latest backup (created_at as a datetime), None without one."""
    notes = []
    for path in (Path(inputs) / paths.BACKUPS).glob("*.json"):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
            note["created_at"] = datetime.fromisoformat(note["created_at"])
            notes.append(note)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return max(notes, key=lambda n: n["created_at"], default=None)


def reminder(inputs: Path) -> str | None:
    """A line for the build's summary when a file was received after the last backup."""
    received = _received(inputs)
    if not received:
        return None
    done, last = last_backup(inputs), max(received)
    if done is not None and len(received) <= int(done.get("received", 0)) \
            and last <= datetime.fromisoformat(str(done.get("last_received", done["created_at"].isoformat()))):
        return None
    since = "chưa sao lưu lần nào" if done is None else f"lần sao lưu gần nhất lúc {vn.moment(done['created_at'])}"
    return (f"- NHẮC SAO LƯU: hồ sơ có tệp nhận lúc {vn.moment(last)}, {since}. Hãy sao lưu (lệnh «soket sao-luu "
            "<thư mục>», tốt nhất vào ổ USB hoặc ổ đĩa khác) để khôi phục được nếu máy hỏng.")

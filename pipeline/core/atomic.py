"""Outputs replaced safely: written to a temporary file beside the target, moved into place in one step.

A reader never sees a half-written output, and a run killed while writing leaves the old file whole.
When the target is held open by another program (Windows refuses to replace a file open in Word or
Excel; on Linux LibreOffice leaves a `.~lock.<name>#` file beside a document it has open), the old
file stays as it was, the new version is written beside it as `<name> (mới)<suffix>`, and the
holder is remembered so that the run's summary can say which file to close.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NEW_SUFFIX = " (mới)"


@dataclass(frozen=True)
class Held:
    """An output that could not be replaced because another program holds it open."""

    target: Path  # the old file, left whole
    written: Path  # where the new version went

    def text(self) -> str:
        return (f"Tệp {self.target.name} đang được mở bằng một chương trình khác nên chưa thay được: "
                f"hãy đóng tệp đó; bản mới đã ghi bên cạnh là {self.written.name}.")


HELD: list[Held] = []  # outputs held open during this process's runs (the summary reads and clears it)


def lock_file(path: Path) -> Path:
    """The lock file LibreOffice keeps beside a document it has open."""
    return path.with_name(f".~lock.{path.name}#")


def is_open_elsewhere(path: Path) -> bool:
    return lock_file(path).exists()


def _unique(path: Path, kind: str) -> Path:
    """A new hidden name beside path (not created: the writer creates it with the usual permissions)."""
    while True:
        candidate = path.with_name(f".{path.stem}.{secrets.token_hex(4)}{path.suffix}.{kind}")
        if not candidate.exists():
            return candidate


def _fresh(path: Path, write: Callable[[Path], object]) -> Path:
    """Run write(temporary path) in path's folder; return the temporary file (removed on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _unique(path, "tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:  # on disk before it replaces anything (power cuts)
            os.fsync(handle.fileno())
        return tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace(path: Path, write: Callable[[Path], object]) -> Path:
    """Write an output safely: write(tmp) fills a temporary file, which then replaces path.

    Returns the path the new version is at: path itself, or `<stem> (mới)<suffix>` beside it when
    path is held open elsewhere (recorded in HELD).
    """
    path = Path(path)
    tmp = _fresh(path, write)
    if not is_open_elsewhere(path):
        try:
            os.replace(tmp, path)
            return path
        except PermissionError:
            pass  # Windows: the target is open in another program
    beside = path.with_name(f"{path.stem}{NEW_SUFFIX}{path.suffix}")
    try:
        os.replace(tmp, beside)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        raise
    HELD.append(Held(path, beside))
    return beside


def write_bytes(path: Path, data: bytes) -> Path:
    return replace(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: Path, text: str) -> Path:
    return replace(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save(document, path: Path, **options) -> Path:
    """Save an openpyxl Workbook, a python-docx Document or a matplotlib Figure (options go to
    savefig) safely."""
    if hasattr(document, "savefig"):
        return replace(path, lambda tmp: document.savefig(tmp, format=Path(path).suffix.lstrip("."), **options))
    return replace(path, lambda tmp: document.save(str(tmp)))


def readable(path: Path) -> bool:
    """Whether an output is whole: present, and for a zip-based document (.xlsx, .docx) a zip whose
    every entry passes its checksum, for .json parseable, for .png starting with the PNG signature.
    A run killed while writing an output by an older version could leave it half-written."""
    path = Path(path)
    if not path.is_file():
        return False
    kind = path.suffix.lower()
    try:
        if kind in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as zf:
                return zf.testzip() is None
        if kind == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        if kind == ".png":
            with open(path, "rb") as handle:
                return handle.read(8) == b"\x89PNG\r\n\x1a\n"
    except (OSError, ValueError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        return False
    return True


def replace_dir(path: Path, fill: Callable[[Path], object]) -> Path:
    """Rebuild a whole folder of outputs: fill(fresh folder) writes it beside path, then it takes
    path's place in one rename (the old folder is removed after). If the old folder cannot be moved
    (a file in it open on Windows), it stays whole and the new one is `<name> (mới)` beside it (HELD).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = _unique(path, "tmp")
    fresh.mkdir()
    try:
        fill(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    old = None
    if path.exists():
        old = _unique(path, "old")
        try:
            os.replace(path, old)
        except PermissionError:
            beside = path.with_name(f"{path.name}{NEW_SUFFIX}")
            shutil.rmtree(beside, ignore_errors=True)
            os.replace(fresh, beside)
            HELD.append(Held(path, beside))
            return beside
    os.replace(fresh, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return path


def leftovers(folder: Path) -> list[Path]:
    """Temporary files and folders of this module under folder (left by a run killed while writing)."""
    return sorted(p for p in Path(folder).rglob(".*") if p.name.endswith((".tmp", ".old")))


def sweep(folder: Path, older_than: float = 3600) -> list[Path]:
    """Remove the leftovers of killed runs under folder, those untouched for older_than seconds (a
    younger one may be another process's output being written); returns what could not be removed."""
    stuck = []
    for p in leftovers(folder):
        try:
            if time.time() - p.stat().st_mtime < older_than:
                continue
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            stuck.append(p)
    return stuck

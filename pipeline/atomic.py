"""Outputs replaced safely: written to a temporary file beside the target, moved into place in one step.

A reader never sees a half-written output, and a run killed while writing leaves the old file whole.
When the target is held open by another program (Windows refuses to replace a file open in Word or
Excel; on Linux LibreOffice leaves a `.~lock.<name>#` file beside a document it has open), the old
file stays as it was, the new version is written beside it as `<name> (mới)<suffix>`, and the
holder is remembered so that the run's summary can say which file to close.
"""

from __future__ import annotations

import os
import tempfile
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


def _fresh(path: Path, write: Callable[[Path], object]) -> Path:
    """Run write(temporary path) in path's folder; return the temporary file (removed on failure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f"{path.suffix}.tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
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


def save(document, path: Path) -> Path:
    """Save an openpyxl Workbook, a python-docx Document or a matplotlib Figure safely."""
    if hasattr(document, "savefig"):
        return replace(path, lambda tmp: document.savefig(tmp, format=Path(path).suffix.lstrip(".")))
    return replace(path, document.save)

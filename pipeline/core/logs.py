"""The system log: outputs/logs/nhat_ky.log (UTF-8), where tracebacks go instead of the user's screen.

Code anywhere logs with `logging.getLogger("pipeline")`; the entry points (build, ingest, portal)
call configure(outputs_dir) once.
"""

from __future__ import annotations

import logging
from pathlib import Path

LOG_DIR = "logs"
LOG_NAME = "nhat_ky.log"
LOGGER = logging.getLogger("pipeline")


def path(outputs_dir: Path) -> Path:
    return Path(outputs_dir) / LOG_DIR / LOG_NAME


def configure(outputs_dir: Path) -> Path:
    """Send the pipeline's log records to outputs/logs/nhat_ky.log. One log file at a time: a
    handler on another outputs folder is closed (an open file could not be deleted on Windows)."""
    target = path(outputs_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for handler in list(LOGGER.handlers):
        if isinstance(handler, logging.FileHandler):
            if Path(handler.baseFilename) == target:
                return target
            LOGGER.removeHandler(handler)
            handler.close()
    handler = logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    return target


# The problem recorded for a file whose handling raised an unexpected exception (its traceback is
# in the log); shared by validate.check_batch and store.ingest.
SYSTEM_ERROR = "Lỗi hệ thống khi xử lý tệp — đã ghi nhật ký"
SYSTEM_FIX = ("Đây không phải lỗi của đơn vị gửi: hãy báo bộ phận kỹ thuật của xã xem nhật ký hệ thống "
              f"({Path(LOG_DIR, LOG_NAME).as_posix()} trong thư mục kết quả). Tệp vẫn được lưu trong thư mục nhận.")

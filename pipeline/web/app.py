"""`pipeline.web.app`: the portal's entry points: `serve` (uvicorn, for `python -m pipeline serve`)
and what tests import.

The portal lives in three modules: web.routes (pages), web.portal (the service: uploads,
results, board data) and web.jobs (the background ingest and the build child process).
"""

import logging
import sys
from pathlib import Path

from pipeline.core import logs
from pipeline.web import accounts, guard
from pipeline.web.jobs import Builder, Ingester
from pipeline.web.portal import BATCH_DIR, CLIENT_TRIES, LOGIN_TRIES, PORTAL_DIR, Portal, User
from pipeline.web.routes import ERROR_TEXT, MAX_FORM, MAX_REQUEST, attachment, create_app

__all__ = ["BATCH_DIR", "CLIENT_TRIES", "ERROR_TEXT", "LOGIN_TRIES", "MAX_FORM", "MAX_REQUEST", "PORTAL_DIR",
           "Builder", "Ingester", "Portal", "User", "attachment", "create_app", "serve"]


def serve(host: str, port: int, inputs: Path, outputs: Path, config_path: Path | None = None) -> None:
    import uvicorn

    for stream in (sys.stdout, sys.stderr):  # a Windows console's code page has no «ộ»: write UTF-8
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    console = logging.StreamHandler()
    console.setFormatter(guard.ShortConsole("%(asctime)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[console])
    logs.configure(outputs)  # tracebacks go to outputs/logs/nhat_ky.log, never to the console
    app = create_app(inputs, outputs, config_path)
    if app.state.portal.config is None:
        print(f"Chưa có cấu hình: mở http://127.0.0.1:{port}/ trên máy này để tạo cấu hình và tài khoản đầu tiên.")
    else:
        app.state.portal.ingester.request()  # a file stored just before a stop is checked now
    if app.state.portal.config is not None and not accounts.load_all(Path(inputs)):
        print("Chưa có tài khoản nào. Tạo tài khoản: python -m pipeline user add TÊN --unit MÃ_ĐƠN_VỊ")
    print(f"Trang nộp biểu mẫu: http://{host}:{port}/  (dừng: Ctrl+C)")
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=5,
                http=guard.protocol(app.state.page, ERROR_TEXT[400]))

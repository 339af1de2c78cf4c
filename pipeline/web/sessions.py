"""Sessions that end on the server, not only in the browser.

The session itself is a signed cookie (Starlette's SessionMiddleware); it carries a random id and
the time it began. Signing out records the id in inputs/.portal_sessions.json, beside the portal
secret, so a copy of the cookie stops working at once, also after a restart (a cleaned outputs/
must not bring it back). An id is kept for the cookie's lifetime, then forgotten. Past MAX_ENDED
remembered ids, every session that began before now ends instead (all users sign in again).
An unreadable file is treated the same way: safe rather than lenient.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

from pipeline.core import paths

FILE_NAME = paths.PORTAL_SESSIONS
MAX_ENDED = 10_000
log = logging.getLogger("pipeline.web")


class Sessions:
    def __init__(self, inputs: Path, lifetime: float):
        self.path, self.lifetime = Path(inputs) / FILE_NAME, lifetime
        self.lock = threading.Lock()
        self.ended: dict[str, float] = {}  # session id -> forgotten after (epoch seconds)
        self.not_before = 0.0  # sessions that began earlier have ended
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.ended = {str(k): float(v) for k, v in raw.get("ended", {}).items()}
            self.not_before = float(raw.get("not_before", 0))
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError):
            log.warning("%s is unreadable: every earlier session ends", self.path)
            self.ended, self.not_before = {}, time.time()

    def begin(self) -> dict:
        """What a new session carries: its id and when it began."""
        return {"sid": secrets.token_urlsafe(16), "since": time.time()}

    def valid(self, sid: object, since: object) -> bool:
        return (isinstance(sid, str) and isinstance(since, (int, float)) and since >= self.not_before
                and sid not in self.ended)

    def end(self, sid: str) -> None:
        now = time.time()
        with self.lock:
            self.ended = {k: until for k, until in self.ended.items() if until > now}
            self.ended[sid] = now + self.lifetime
            if len(self.ended) > MAX_ENDED:
                self.ended, self.not_before = {}, now
            self._save()

    def _save(self) -> None:
        data = json.dumps({"not_before": self.not_before, "ended": self.ended}, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=".portal_sessions.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

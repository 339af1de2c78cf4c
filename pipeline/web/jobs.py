"""The portal's background work: the ingest thread and the build child process.

The ingest runs in one background thread (a burst of uploads costs at most two ingests); the
build runs as `python -m pipeline build` in a child process, one at a time, so a failing or
memory-hungry build cannot take the portal down (the warehouse's file lock keeps the child and
the portal from writing DuckDB at once).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core import paths

if TYPE_CHECKING:
    from pipeline.web.portal import Portal

log = logging.getLogger("pipeline.web")
BUILD_WAIT = 10  # seconds a rebuild request waits for a short build before showing the board
BUILD_TIMEOUT = 3600  # seconds
BUILD_LOG = "build.log"  # outputs/portal/build.log: the last build's output
# Every child process speaks UTF-8, whatever the console's code page (Windows: the ANSI one).
CHILD_ENV = {"PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}


class Ingester:
    """One background thread loading inputs/ into the warehouse; requests made while it runs
    are folded into the next run, so a burst of uploads costs at most two ingests."""

    def __init__(self, work):
        self.work = work
        self.cond = threading.Condition()
        self.requested = self.done = 0
        self.stopping = False
        self.thread: threading.Thread | None = None

    def request(self) -> int:
        with self.cond:
            self.requested += 1
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="ingest", daemon=True)
                self.thread.start()
                # At exit, let a running ingest finish: a daemon thread stopped inside DuckDB's C++
                # code aborts the whole process ("FATAL: exception not rethrown").
                atexit.register(self.stop)
            self.cond.notify_all()
            return self.requested

    def stop(self, timeout: float = 120) -> None:
        """End the background thread after the ingest it is running, if any."""
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        if self.thread is not None:
            self.thread.join(timeout)

    def wait(self, ticket: int, timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(lambda: self.done >= ticket, timeout)

    def _loop(self) -> None:
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.requested > self.done or self.stopping)
                if self.stopping:
                    return
                target = self.requested
            try:
                self.work()
            except Exception:  # keep serving; the board says the data may be stale
                log.exception("ingest failed")
            with self.cond:
                self.done = target
                self.cond.notify_all()


class Builder:
    """Runs the build (`python -m pipeline build`, i.e. build.run) in a child process, one at a
    time: a failing or memory-hungry build cannot take the portal down, and the warehouse's
    file lock keeps the child and this process from writing DuckDB at once."""

    def __init__(self, portal: Portal):
        self.portal = portal
        self.lock = threading.Lock()
        self.running = False
        self.started: datetime | None = None
        self.finished: datetime | None = None
        self.code: int | None = None
        self.by = ""

    @property
    def log_path(self) -> Path:
        return self.portal.outputs / paths.PORTAL_DIR / BUILD_LOG

    def start(self, username: str) -> bool:
        if not self.lock.acquire(blocking=False):
            return False
        self.running, self.started, self.finished, self.code, self.by = True, datetime.now(), None, None, username
        threading.Thread(target=self._run, name="build", daemon=True).start()
        return True

    def command(self) -> list[str]:
        p = self.portal
        return [sys.executable, "-m", "pipeline", "--config", str(p.config_path), "build",
                "--inputs", str(p.inputs), "--outputs", str(p.outputs)]

    def _run(self) -> None:
        p = self.portal
        try:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "wb") as out:  # the child writes UTF-8 (CHILD_ENV)
                self.code = subprocess.run(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                           cwd=paths.ROOT, timeout=BUILD_TIMEOUT,
                                           env={**os.environ, **CHILD_ENV}).returncode
            log.info("build by %s finished with exit code %s", self.by, self.code)
            p.publish()  # the build's warehouse to the pages, the board workbook beside the report
        except Exception:
            log.exception("build failed")
            self.code = -1 if self.code is None else self.code
        finally:
            self.finished, self.running = datetime.now(), False
            self.lock.release()

    def checklist(self) -> list[str]:
        """After a build that succeeded: the report's sections still to write before signing (the
        build's «TRƯỚC KHI TRÌNH KÝ», kept in its state file); none otherwise."""
        if self.running or self.code != 0:
            return []
        try:
            state = json.loads((self.portal.outputs / paths.BUILD_STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        todo = state.get("before_signing") if isinstance(state, dict) else None
        return [str(t) for t in todo] if isinstance(todo, list) else []

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        except OSError:
            return ""

    def wait(self, timeout: float) -> bool:
        """For tests and the bench: block until the current build (if any) is over."""
        if self.lock.acquire(timeout=timeout):
            self.lock.release()
            return True
        return False


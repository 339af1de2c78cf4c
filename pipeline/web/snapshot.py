"""What the portal's pages read of the warehouse: a snapshot the writer publishes, never the file.

DuckDB lets one process hold the file for writing while no other connection of it reads, so a
page reading the warehouse would wait for the ingest (a burst of uploads keeps it busy for
minutes). Instead the ingest thread, which holds the file anyway, reads after each batch it
commits what the pages show (the submissions, which of them are current, the cross-checks, the
sign-offs and the follow-ups) and publishes it as one immutable `Snapshot`; pages take the last
one published, without a lock. Uploads stored but not yet through the ingest are `Waiting`: the
board shows them as «đang kiểm tra», never as missing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.checks import crosscheck
from pipeline.outputs import indicators
from pipeline.topics import CROSS_CHECKS


@dataclass(frozen=True)
class Snapshot:
    found: list[dict] = field(default_factory=list)  # submissions of files in inputs/, with "current"
    outcomes: list = field(default_factory=list)  # crosscheck.outcomes over current data
    demo: bool = False  # the current data is a demo set
    signoffs: list[dict] = field(default_factory=list)  # current_signoffs rows
    follow_ups: list[dict] = field(default_factory=list)  # review.FOLLOW_UPS rows of every unit
    at: datetime | None = None  # when it was read (None: nothing ingested yet)


def empty() -> Snapshot:
    return Snapshot(outcomes=[crosscheck.Outcome(c, None, (c.left, c.right)) for c in CROSS_CHECKS])


def _rows(con, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def read(con, inputs: Path, follow_ups_sql: str) -> Snapshot:
    """Everything the pages show, read over one connection (the writer's thread, between batches)."""
    found = _rows(con, "select * from submissions")
    current = {i for (i,) in con.execute("select submission_id from current_submissions").fetchall()}
    for s in found:
        s["current"] = s["submission_id"] in current
    found = [s for s in found if s.get("path") and (inputs / s["path"]).is_file()]
    return Snapshot(found, crosscheck.outcomes(con), bool(indicators.is_demo(con)),
                    _rows(con, "select * from current_signoffs"), _rows(con, follow_ups_sql, [None, None]),
                    datetime.now())


@dataclass(frozen=True)
class Upload:
    """An upload stored, not yet through the ingest: its unit and (from its identity sheet, when
    it has one) the template it says it is."""

    unit_code: str
    template_id: str | None
    received_at: datetime
    result: dict  # its result page while it waits (status "checking")


class Waiting:
    """The uploads stored and not yet ingested (path in inputs/ → Upload), shared by the request
    threads that add them and the ingest thread that removes them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[str, Upload] = {}

    def add(self, rel: str, upload: Upload) -> None:
        with self.lock:
            self.items[rel] = upload

    def done(self, rels) -> None:
        with self.lock:
            for rel in rels:
                self.items.pop(rel, None)

    def done_with(self, found: list[dict]) -> None:
        """Those among found (submissions rows) are through an ingest, whichever ran it."""
        with self.lock:
            if self.items:
                for s in found:
                    self.items.pop(s.get("path"), None)

    def get(self, rel: str) -> Upload | None:
        with self.lock:
            return self.items.get(rel)

    def all(self) -> list[Upload]:
        with self.lock:
            return list(self.items.values())

    def __len__(self) -> int:
        with self.lock:
            return len(self.items)

"""The portal service: accounts, uploads and their results, the board's data.

An upload is refused at the door (web.store: size, zip, demo mark) or stored in
inputs/received/ and answered at once («đang kiểm tra»); its one check is the background
ingest's (batched with every other new file), after which its result page (result.json) sits
beside its feedback in outputs/validation/received/<stored stem>/ and the pages' snapshot
(web.snapshot) holds it. Pages read the snapshot, never the warehouse, so they never wait for
the writer. State lives in inputs/ (accounts.json, .portal_secret, received/) so it survives
`make clean`; everything under outputs/ is derived and may be deleted.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from starlette.requests import Request

from pipeline.checks import feedback, validate
from pipeline.core import paths
from pipeline.core.config import Config, Unit, load
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG, CROSS_CHECKS
from pipeline.web import accounts, board, guard, review, sessions, snapshot, store
from pipeline.web.jobs import Builder, Ingester

log = logging.getLogger("pipeline.web")
SECRET_NAME = paths.PORTAL_SECRET
PORTAL_DIR = paths.PORTAL_DIR
BATCH_DIR = paths.PORTAL_BATCH_DIR
RESULT_NAME = "result.json"  # beside a received file's feedback: its result page, as shown
BATCH_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SESSION_SECONDS = 12 * 3600
LOGIN_TRIES, LOGIN_PAUSE = 5, 60  # failures on one user name within the pause (seconds) that pause it
CLIENT_TRIES = 20  # failures from one client address within the pause that pause it
THROTTLE_SIZE = 10_000  # user names (and client addresses) remembered at most
PASSWORD_CHECKS, PASSWORD_QUEUE = 2, 16  # password hashes at once (one per core) and sign-ins waiting for one
CHECKING = "checking"  # an upload's status until the ingest has checked it (words.STATUS)
# Seconds an upload's answer or the board waits for the ingest before showing «đang kiểm tra»:
# 0 in use (answered at once, the page updates itself); the tests set it to see results at once.
WAIT_ENV = "PIPELINE_PORTAL_WAIT"


@dataclass(frozen=True)
class User:
    username: str
    unit: Unit
    standing: bool
    head: bool = False  # the unit's head («thủ trưởng đơn vị»): signs off its files
    full_name: str = ""


class Portal:
    def __init__(self, inputs: Path, outputs: Path, config_path: Path | None = None):
        self.inputs, self.outputs = Path(inputs).resolve(), Path(outputs).resolve()
        self.config_path = Path(config_path) if config_path else self.inputs / paths.CONFIG_NAME
        # None only while no configuration file exists: the portal then opens on its first-run page.
        self.config: Config = load(self.config_path) if self.config_path.exists() else None  # type: ignore[assignment]
        self.db_lock = threading.RLock()  # DuckDB: one connection kind at a time in this process
        self.ingester = Ingester(self.ingest)
        self.waiting = snapshot.Waiting()  # uploads stored, not yet through the ingest
        self.snapshot: snapshot.Snapshot = snapshot.empty()  # what pages read: the ingest publishes it
        self.page_wait = float(os.environ.get(WAIT_ENV, "0") or 0)
        self.builder = Builder(self)
        self.sessions = sessions.Sessions(self.inputs, SESSION_SECONDS)
        self.name_failures = guard.Throttle(LOGIN_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.client_failures = guard.Throttle(CLIENT_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.password_checks = guard.Slots(PASSWORD_CHECKS, PASSWORD_QUEUE)
        self.last_found: list[dict] = []  # every submission of a file in inputs/, newest first

    def reload(self) -> Config:
        """Read the configuration again (after the settings page saved it): the new one is checked
        whole before it replaces the old, so a request never sees a half-read configuration."""
        config = load(self.config_path)
        self.config = config
        return config

    # --- accounts and secret -------------------------------------------------------------
    def secret(self) -> str:
        path = self.inputs / SECRET_NAME
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
        return path.read_text(encoding="utf-8").strip()

    def user(self, request: Request) -> User | None:
        name = request.session.get("user")
        if not name:
            return None
        account = accounts.load_all(self.inputs).get(name)
        if account is None or account.disabled or account.changed_at != request.session.get("changed_at") or \
                not self.sessions.valid(request.session.get("sid"), request.session.get("since")):
            request.session.clear()  # signed out, password changed, or account removed
            return None
        try:
            unit = self.config.unit(account.unit_code)
        except KeyError:
            return None
        return User(account.username, unit, unit.code == self.config.standing_unit, account.head, account.full_name)

    # --- receiving -----------------------------------------------------------------------
    def receive(self, data: bytes, original_name: str | None, user: User, size: int | None = None) -> dict:
        """Refuse at the door (web.store) or store the upload durably and answer at once: its
        check is the next ingest's (batched, in the background); until then its result says
        «đang kiểm tra». A crash after the store loses nothing: the file is in inputs/ and the
        next ingest checks it."""
        name = store.clean_name(original_name)
        try:
            store.check_workbook(data, size)
            identity = store.check_not_demo(data)
        except store.Refused as refused:
            log.info("refused upload from %s (%s): %s", user.username, name, refused.rule)
            problem = {"severity": "error", "file": name, "sheet": None, "cell": None, "field": None,
                       "value": None, "rule": refused.rule, "fix": refused.fix}
            return {"name": None, "original_name": name, "status": "rejected", "problems": [problem],
                    "received_at": datetime.now().isoformat(), "sender": user.username,
                    "unit_code": user.unit.code, "template_id": None, "template_title": None,
                    "demo": False, "outputs": [], "n_errors": 1, "n_warnings": 0}
        path = store.save(self.inputs, data, user.unit.code, user.username, name)
        log.info("stored %s from %s (%s)", path.name, user.username, name)
        meta = store.sidecar(path) or {"original_name": name, "received_at": datetime.now(),
                                       "sender": user.username, "unit_code": user.unit.code}
        said = identity.get("template_id")
        template_id = said if isinstance(said, str) and said in user.unit.templates else None
        result = self._result_base(path, meta)
        result["status"] = CHECKING
        self.waiting.add(path.relative_to(self.inputs).as_posix(),
                         snapshot.Upload(user.unit.code, template_id, meta["received_at"], result))
        return result

    def _result_base(self, path: Path, meta: dict) -> dict:
        return {"name": path.name, "original_name": meta["original_name"],
                "received_at": meta["received_at"].isoformat(), "sender": meta["sender"],
                "unit_code": meta["unit_code"], "template_id": None, "template_title": None,
                "demo": False, "outputs": [], "problems": [], "n_errors": 0, "n_warnings": 0}

    def feedback_dir(self, path: Path) -> Path:
        """outputs/validation/received/<stored stem>/: the one folder of a received file's feedback."""
        rel = path.relative_to(self.inputs).as_posix()
        return feedback.output_dir(None, self.outputs / paths.VALIDATION_DIR, rel)  # type: ignore[arg-type]

    def check(self, path: Path, meta: dict) -> dict:
        """Validate a stored upload now and write its feedback and result page: for a file whose
        result page is missing (outputs/ cleaned, or ingested by a build)."""
        rel = path.relative_to(self.inputs).as_posix()
        try:
            reports, _tables = validate.check_batch([(path, meta["unit_code"])], self.config)
            report, _written = ingest.write_feedback(ingest.finish(reports[0]), self.outputs, rel, clean_too=True,
                                                     config=self.config, original_name=meta["original_name"])
        except Exception:
            log.exception("validation failed for %s", path.name)
            result = self._result_base(path, meta)
            result["status"] = "unchecked"
            return result
        return self._write_result(path, meta, report)

    def _write_result(self, path: Path, meta: dict, report) -> dict:
        """The result page of a checked file (result.json beside its feedback), written atomically."""
        out_dir = self.feedback_dir(path)
        out_dir.mkdir(parents=True, exist_ok=True)
        result = self._result_base(path, meta)
        template = CATALOG.get(report.template_id or "")
        written = sorted(p for p in out_dir.glob("*.xlsx") if not p.name.startswith("."))
        if not written:  # a clean file: its report is made when first downloaded (3/4 of an ingest's time)
            written = [out_dir / feedback.REPORT_NAME]
        result.update(
            status=report.status, template_id=report.template_id,
            template_title=template.title if template else None, demo=bool(report.demo),
            problems=[asdict(p) for p in report.problems],
            outputs=[p.relative_to(self.outputs).as_posix() for p in written],
            n_errors=report.error_count, n_warnings=report.warning_count)
        tmp = out_dir / f".result.{secrets.token_hex(4)}.tmp"
        tmp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, out_dir / RESULT_NAME)
        return result

    def result(self, path: Path, meta: dict) -> dict:
        """A stored upload's result page: «đang kiểm tra» until the ingest has checked it."""
        waiting = self.waiting.get(path.relative_to(self.inputs).as_posix())
        if waiting is not None:
            return dict(waiting.result)
        try:
            return json.loads((self.feedback_dir(path) / RESULT_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self.check(path, meta)

    def history(self, unit_code: str | None, limit: int | None = None) -> list[dict]:
        """The unit's files, newest first: its uploads (each with its result page) and the files the
        standing unit received for it by other ways (e-mail, USB: dropped into inputs/), as checked."""
        items = store.received(self.inputs, unit_code)[:limit]
        found = [{**self.result(path, meta), "via": "portal"} for path, meta in items]
        found += self.delivered(unit_code)
        found.sort(key=lambda r: str(r.get("received_at") or ""), reverse=True)
        return found[:limit]

    def delivered(self, unit_code: str | None) -> list[dict]:
        """The latest check of each file in inputs/ outside the portal's folder (of one unit), in the
        shape of an upload's result (no page of its own: name None), from the pages' snapshot."""
        latest: dict[str, dict] = {}
        for s in self.snapshot.found:
            if s["path"].startswith(f"{store.RECEIVED}/") or unit_code not in (None, s["unit_code"]):
                continue
            if s["path"] not in latest or s["submission_id"] > latest[s["path"]]["submission_id"]:
                latest[s["path"]] = s
        return [{"original_name": s.get("original_name") or s.get("file_name"), "unit_code": s["unit_code"],
                 "template_id": s["template_id"], "status": s["status"], "n_errors": s["n_errors"],
                 "n_warnings": s["n_warnings"], "demo": s["demo"], "name": None, "via": "inputs",
                 "received_at": s["received_at"].isoformat(),
                 "template_title": getattr(CATALOG.get(s["template_id"] or ""), "title", None)}
                for s in latest.values()]

    def download_name(self, template_id: str | None, unit_code: str, what: str) -> str:
        """The name a file about a submission is downloaded under, for people:
        «<tên biểu> – <đơn vị> – <what>.xlsx»; never the sender's own name (which may be
        `hoa_don.exe`), never a character Windows refuses in a file name."""
        template = CATALOG.get(template_id or "")
        try:
            unit = self.config.unit(unit_code).name
        except KeyError:
            unit = unit_code
        name = f"{template.title if template else 'Tệp chưa nhận ra biểu'} – {unit} – {what}"
        return re.sub(r'[\\/:*?"<>|]+', "-", name).strip(" .") + ".xlsx"

    def sent_name(self, template_id: str | None, unit_code: str, received_at) -> str:
        if isinstance(received_at, str):
            received_at = datetime.fromisoformat(received_at)
        when_text = f" lúc {received_at:%Hh%M ngày %d-%m-%Y}" if received_at else ""
        return self.download_name(template_id, unit_code, f"bản gửi{when_text}")

    def unit_name(self, unit_code: str | None) -> str:
        try:
            return self.config.unit(unit_code or "").name
        except KeyError:
            return unit_code or ""

    # --- Post/Redirect/Get: one upload's results under their own URL ---------------------
    def save_batch(self, user: User, results: list[dict], ticket: int | None) -> str:
        """Record which files one upload brought (refused ones in full: they are not stored) and
        return the token of its result page."""
        token = secrets.token_urlsafe(18)
        folder = self.outputs / PORTAL_DIR / BATCH_DIR
        folder.mkdir(parents=True, exist_ok=True)
        items = [{"name": r["name"]} if r["name"] else {"refused": r} for r in results]
        record = {"unit_code": user.unit.code, "ticket": ticket, "items": items}
        tmp = folder / f".{token}.tmp"
        tmp.write_text(json.dumps(record, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, folder / f"{token}.json")
        return token

    def batch(self, token: str) -> dict | None:
        if not BATCH_TOKEN.match(token):
            return None
        try:
            return json.loads((self.outputs / PORTAL_DIR / BATCH_DIR / f"{token}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    # --- warehouse and board -------------------------------------------------------------
    def ingest(self) -> None:
        """The ingest thread's work: every new file checked in batches and loaded; after each
        batch, the uploads it held get their result page and the pages a new snapshot."""
        with self.db_lock:
            before, summary = self.snapshot, None
            try:
                summary = ingest.run(self.inputs, self.outputs, self.config, stored=self._stored)
            finally:
                self.publish(write_board=False)
            changed = summary is None or summary.new or summary.rebuilt or self.snapshot.signoffs != before.signoffs
            if not len(self.waiting) and (changed or not (self.outputs / board.WORKBOOK_NAME).exists()):
                self._write_board()  # once a burst is through, and only when something changed

    def _stored(self, items) -> None:
        """After a batch is committed: the result pages of its uploads, then the new snapshot."""
        for item in items:
            path = self.inputs / item.path
            if Path(item.path).parts[:1] == (store.RECEIVED,) and (meta := store.sidecar(path)):
                try:
                    self._write_result(path, meta, item.report)
                except OSError:
                    log.exception("cannot write the result page of %s", item.path)
        self.publish(write_board=False)
        self.waiting.done(item.path for item in items)

    def publish(self, write_board: bool = True) -> None:
        """Read what the pages show into a new snapshot (holding db_lock: no writer is open)."""
        if not (self.outputs / warehouse.DB_NAME).exists():
            return
        with self.db_lock:
            try:
                con = warehouse.connect(self.outputs, read_only=True, timeout=5)
                try:
                    self.snapshot = snapshot.read(con, self.inputs, review.FOLLOW_UPS)
                finally:
                    con.close()
                self.waiting.done_with(self.snapshot.found)  # ingested by a build, say: no longer waiting
            except Exception:  # busy (a build writing) or unreadable: the pages keep the last one
                log.exception("cannot read the warehouse")
                return
        if write_board:
            self._write_board()

    def _write_board(self) -> None:
        try:
            self.board_rows(refresh=False, write=True)
        except Exception:
            log.exception("cannot write the board workbook")

    def submissions(self) -> list[dict]:
        """Submissions of files that are in inputs/ (not the build's demo set), as last published."""
        return self.snapshot.found

    def settle(self, timeout: float) -> bool:
        """Wait until every upload stored so far has been through the ingest (tests, the bench)."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.ingester.wait(self.ingester.request(), max(0.0, deadline - time.monotonic())):
                return False
            if not len(self.waiting):
                return True
            if time.monotonic() >= deadline:
                return False

    def file_checks(self, result: dict) -> dict | None:
        """The cross-checks an accepted upload takes part in, for its result page:
        {"state": "pending"} while its ingest has not run (the ingest runs in the background after
        the upload), {"state": "superseded"} when a later file replaced it, or {"state": "done",
        "rows": [board.CheckRow]} evaluated over current data."""
        template_id = result.get("template_id")
        if not result.get("name") or result.get("status") not in ("accepted", "warnings") or \
                not any(template_id in (c.left.template, c.right.template) for c in CROSS_CHECKS):
            return None
        seen = self.snapshot
        rel = (Path(store.RECEIVED) / result["name"]).as_posix()
        mine = next((s for s in seen.found if s.get("path") == rel), None)
        if mine is None:
            return {"state": "pending"}
        if not mine["current"]:
            return {"state": "superseded"}
        return {"state": "done",
                "rows": board.check_rows([o for o in seen.outcomes if o.involves(template_id)], self.config)}

    def board_rows(self, refresh: bool = True, write: bool = False
                   ) -> tuple[list[board.Row], datetime, board.Checks, bool]:
        """The board and its cross-checks from the last snapshot, uploads not yet checked shown as
        such; refresh: an ingest is asked for (and waited for up to page_wait seconds: 0 in use,
        so the board never waits for the writer); stale=True only while a build runs."""
        if refresh and not self.builder.running:
            ticket = self.ingester.request()
            if self.page_wait > 0:
                self.ingester.wait(ticket, timeout=self.page_wait)
        seen, now = self.snapshot, datetime.now()
        self.last_found = sorted(seen.found, key=lambda f: f["received_at"], reverse=True)
        rows = board.rows(self.config, seen.found, now, self.waiting.all())
        review.attach_signoffs(self, rows, seen.signoffs)
        checks = board.check_rows(seen.outcomes, self.config)
        if write:
            board.write_workbook(self.outputs / board.WORKBOOK_NAME, self.config, rows, now, checks)
        return rows, now, board.Checks(checks, seen.demo), self.builder.running

    def products(self) -> list[tuple[str, str, Path]]:
        """The build's outputs the standing unit may download: (key, label, path)."""
        items = [("bao-cao", "Báo cáo sơ kết (.docx)", self.outputs / "bao_cao_so_ket.docx"),
                 ("phu-luc", "Phụ lục số liệu (.xlsx)", self.outputs / "phu_luc_so_lieu.xlsx"),
                 ("tinh-hinh", "Tình hình nộp biểu mẫu (.xlsx)", self.outputs / board.WORKBOOK_NAME)]
        validation = self.outputs / "validation"
        if validation.is_dir():
            for path in sorted(validation.iterdir()):
                if path.is_file() and not path.name.startswith(".") and path.suffix in (".xlsx", ".txt", ".md"):
                    label = ("Tổng hợp kết quả kiểm tra các tệp (.xlsx)" if path.name.startswith("tong_hop")
                             else f"Kết quả kiểm tra: {path.name}")
                    items.append((f"kiem-tra/{path.name}", label, path))
        return [item for item in items if item[2].is_file()]


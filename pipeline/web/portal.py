"""The portal service: accounts, uploads and their results, the board's data.

An upload is refused at the door (web.store: size, zip, demo mark) or stored in
inputs/received/ and validated once: its report and annotated copy go where the ingest puts
every file's feedback (outputs/validation/received/<stored stem>/, with the page's result.json),
and the checked report is handed to the next ingest, which loads it without validating again.
State lives in inputs/ (accounts.json, .portal_secret, received/) so it survives `make clean`;
everything under outputs/ is derived and may be deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from starlette.requests import Request

from pipeline.checks import feedback, validate
from pipeline.core import paths
from pipeline.core.config import Config, Unit, load
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG, CROSS_CHECKS
from pipeline.web import accounts, board, guard, review, sessions, store
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
HANDOFF_WAIT = 120  # seconds the ingest waits for an upload being checked (bounded by read's budget)


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
        self.handoff = threading.Condition()  # guards checking and ready
        self.checking: Counter[str] = Counter()  # sha256 of the uploads being stored and checked
        self.ready: dict[str, ingest.Checked] = {}  # path in inputs/ → its check, for the next ingest
        self.builder = Builder(self)
        self.sessions = sessions.Sessions(self.inputs, SESSION_SECONDS)
        self.name_failures = guard.Throttle(LOGIN_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.client_failures = guard.Throttle(CLIENT_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.password_checks = guard.Slots(PASSWORD_CHECKS, PASSWORD_QUEUE)
        self.last_board: tuple[list[board.Row], datetime, board.Checks] | None = None
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
        name = store.clean_name(original_name)
        try:
            store.check_workbook(data, size)
            store.check_not_demo(data)
        except store.Refused as refused:
            log.info("refused upload from %s (%s): %s", user.username, name, refused.rule)
            problem = {"severity": "error", "file": name, "sheet": None, "cell": None, "field": None,
                       "value": None, "rule": refused.rule, "fix": refused.fix}
            return {"name": None, "original_name": name, "status": "rejected", "problems": [problem],
                    "received_at": datetime.now().isoformat(), "sender": user.username,
                    "unit_code": user.unit.code, "template_id": None, "template_title": None,
                    "demo": False, "outputs": [], "n_errors": 1, "n_warnings": 0}
        sha = hashlib.sha256(data).hexdigest()
        with self.handoff:  # an ingest meeting the file before its check is over waits for it
            self.checking[sha] += 1
        try:
            path = store.save(self.inputs, data, user.unit.code, user.username, name)
            log.info("stored %s from %s (%s)", path.name, user.username, name)
            return self.check(path, store.sidecar(path), hand_over=True)
        finally:
            with self.handoff:
                self.checking[sha] -= 1
                if self.checking[sha] <= 0:
                    del self.checking[sha]
                self.handoff.notify_all()

    def checked(self, rel: str, sha256: str) -> ingest.Checked | None:
        """For the ingest: the finished check of an upload (path in inputs/, sha256), taken once."""
        with self.handoff:
            self.handoff.wait_for(lambda: self.checking[sha256] <= 0, HANDOFF_WAIT)
            found = self.ready.pop(rel, None)
        return found if found and found[0][0].sha256 == sha256 else None

    def feedback_dir(self, path: Path) -> Path:
        """outputs/validation/received/<stored stem>/: the one folder of a received file's feedback."""
        rel = path.relative_to(self.inputs).as_posix()
        return feedback.output_dir(None, self.outputs / paths.VALIDATION_DIR, rel)  # type: ignore[arg-type]

    def check(self, path: Path, meta: dict, hand_over: bool = False) -> dict:
        """Validate a stored upload, write its feedback (ingest.write_feedback, the ingest's own
        folder), cache the result; hand_over: the check is kept for the next ingest."""
        rel = path.relative_to(self.inputs).as_posix()
        out_dir = self.feedback_dir(path)
        result = {"name": path.name, "original_name": meta["original_name"],
                  "received_at": meta["received_at"].isoformat(), "sender": meta["sender"],
                  "unit_code": meta["unit_code"], "template_id": None, "template_title": None,
                  "demo": False, "outputs": [], "problems": [], "n_errors": 0, "n_warnings": 0}
        try:
            reports, tables = validate.check_batch([(path, meta["unit_code"])], self.config)
            report, written = ingest.write_feedback(ingest.finish(reports[0]), self.outputs, rel, clean_too=True,
                                                    config=self.config, original_name=meta["original_name"])
            out_dir.mkdir(parents=True, exist_ok=True)
        except Exception:
            log.exception("validation failed for %s", path.name)
            result["status"] = "unchecked"
            return result
        if hand_over:
            with self.handoff:
                self.ready[rel] = ([report], tables)
        template = CATALOG.get(report.template_id or "")
        result.update(
            status=report.status, template_id=report.template_id,
            template_title=template.title if template else None, demo=bool(report.demo),
            problems=[asdict(p) for p in report.problems],
            outputs=[str(Path(p).resolve().relative_to(self.outputs)) for p in written
                     if Path(p).resolve().is_relative_to(self.outputs)],
            n_errors=report.error_count, n_warnings=report.warning_count)
        tmp = out_dir / f".result.{secrets.token_hex(4)}.tmp"
        tmp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, out_dir / RESULT_NAME)
        return result

    def result(self, path: Path, meta: dict) -> dict:
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
        shape of an upload's result (no page of its own: name None); none while the warehouse is busy."""
        try:
            rows = review.query(self, """
                SELECT path, coalesce(original_name, file_name) AS original_name, received_at, unit_code,
                       template_id, status, n_errors, n_warnings, demo
                FROM submissions WHERE NOT starts_with(path, ?) AND (? IS NULL OR unit_code = ?)
                QUALIFY row_number() OVER (PARTITION BY path ORDER BY submission_id DESC) = 1""",
                                [f"{store.RECEIVED}/", unit_code, unit_code], wait=1)
        except (TimeoutError, warehouse.WarehouseBusy):  # busy ingesting or building: the uploads are listed all the same
            log.info("warehouse busy: the files received through inputs/ are not listed this time")
            return []
        except Exception:  # unreadable: the same, with the reason in the log
            log.exception("cannot read the files received through inputs/")
            return []
        return [{**r, "name": None, "via": "inputs", "received_at": r["received_at"].isoformat(),
                 "template_title": title if (title := getattr(CATALOG.get(r["template_id"] or ""), "title", None)) else None}
                for r in rows if (self.inputs / r.pop("path")).is_file()]

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
        with self.handoff:
            before = set(self.ready)  # stored before this run's scan: taken by it, or known already
        with self.db_lock:
            ingest.run(self.inputs, self.outputs, self.config, checked=self.checked)
        with self.handoff:  # after a run that did not raise (a file the build loaded first is never asked for)
            for rel in before:
                self.ready.pop(rel, None)

    def submissions(self) -> list[dict]:
        """Submissions of files that are in inputs/ (not the build's demo set), from DuckDB."""
        return self._read()[0]

    def _read(self, checks: bool = False, wait: float = 5) -> tuple[list[dict], list, bool]:
        """Submissions of files in inputs/, and with checks=True every cross-check over current
        data (crosscheck.outcomes) and whether that data is a demo set."""
        from pipeline.checks import crosscheck
        from pipeline.outputs import indicators

        if not (self.outputs / warehouse.DB_NAME).exists():
            return [], [crosscheck.Outcome(c, None, (c.left, c.right)) for c in CROSS_CHECKS] if checks else [], False
        if not self.db_lock.acquire(timeout=wait):
            raise TimeoutError("the warehouse is busy")
        try:
            con = warehouse.connect(self.outputs, read_only=True)
            try:
                cur = con.execute("select * from submissions")
                names = [d[0] for d in cur.description]
                found = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
                outcomes, demo = [], False
                if checks:
                    outcomes = crosscheck.outcomes(con)
                    demo = indicators.is_demo(con)
                    current = {i for (i,) in con.execute("select submission_id from current_submissions").fetchall()}
                    for s in found:
                        s["current"] = s["submission_id"] in current
            finally:
                con.close()
        finally:
            self.db_lock.release()
        return [s for s in found if s.get("path") and (self.inputs / s["path"]).is_file()], outcomes, bool(demo)

    def file_checks(self, result: dict, just_stored: bool = False) -> dict | None:
        """The cross-checks an accepted upload takes part in, for its result page:
        {"state": "pending"} while its ingest has not run (the ingest runs in the background after
        the upload), {"state": "superseded"} when a later file replaced it, or {"state": "done",
        "rows": [board.CheckRow]} evaluated over current data."""
        template_id = result.get("template_id")
        if not result.get("name") or result.get("status") not in ("accepted", "warnings") or \
                not any(template_id in (c.left.template, c.right.template) for c in CROSS_CHECKS):
            return None
        if just_stored:
            return {"state": "pending"}
        try:
            found, outcomes, _demo = self._read(checks=True, wait=0.5)
        except Exception:  # busy ingesting or building: the result comes with the next visit
            return {"state": "pending"}
        mine = next((s for s in found if s.get("path") == (Path(store.RECEIVED) / result['name']).as_posix()), None)
        if mine is None:
            return {"state": "pending"}
        if not mine["current"]:
            return {"state": "superseded"}
        return {"state": "done",
                "rows": board.check_rows([o for o in outcomes if o.involves(template_id)], self.config)}

    def board_rows(self, refresh: bool = True) -> tuple[list[board.Row], datetime, board.Checks, bool]:
        """The board and its cross-checks (ingesting new files first); stale=True when a build
        holds the warehouse."""
        if refresh and not self.builder.running:
            self.ingester.wait(self.ingester.request(), timeout=60)
        if self.builder.running and refresh and self.last_board:
            return *self.last_board, True
        now, stale = datetime.now(), False
        try:
            found, outcomes, demo = self._read(checks=True)
        except Exception:  # busy (another process writing) or unreadable: say so, keep serving
            log.exception("cannot read the warehouse")
            if self.last_board:
                return *self.last_board, True
            found, outcomes, demo, stale = [], [], False, True
        self.last_found = sorted(found, key=lambda f: f["received_at"], reverse=True)
        rows = board.rows(self.config, found, now)
        review.attach_signoffs(self, rows)
        checks = board.check_rows(outcomes, self.config)
        board.write_workbook(self.outputs / board.WORKBOOK_NAME, self.config, rows, now, checks)
        self.last_board = (rows, now, board.Checks(checks, demo))
        return rows, now, board.Checks(checks, demo), stale

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


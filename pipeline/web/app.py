"""The upload portal: FastAPI with server-rendered Jinja2 pages in Vietnamese.

Units sign in, download their own templates, upload completed files and read each file's
result at once; the standing unit follows every unit × template against the deadline and
runs the build. State lives in inputs/ (accounts.json, .portal_secret, received/) so it
survives `make clean`; everything under outputs/ is derived and may be deleted.
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
import threading
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.checks.feedback import ANNOTATED_SUFFIX
from pipeline.core import logs, paths, words
from pipeline.core.config import Config, Unit, load
from pipeline.outputs import templates
from pipeline.topics import CATALOG, CROSS_CHECKS
from pipeline.web import accounts, board, guard, sessions, store

log = logging.getLogger("pipeline.web")
HERE = Path(__file__).resolve().parent
SECRET_NAME = paths.PORTAL_SECRET
PORTAL_DIR = paths.PORTAL_DIR
BATCH_DIR = paths.PORTAL_BATCH_DIR
KIND_SUFFIX = re.compile(r" [(][.]\w+[)]$")  # « (.docx)» at the end of a product's label
BATCH_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BUILD_WAIT = 10  # seconds a rebuild request waits for a short build before showing the board
SESSION_SECONDS = 12 * 3600
MAX_REQUEST = store.MAX_FILE * store.MAX_FILES + 256 * 1024
MAX_FORM = 64 * 1024  # bytes of any other request's body (sign-in, sign-out, build)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BUILD_TIMEOUT = 3600  # seconds
LOGIN_TRIES, LOGIN_PAUSE = 5, 60  # failures on one user name within the pause (seconds) that pause it
CLIENT_TRIES = 20  # failures from one client address within the pause that pause it
THROTTLE_SIZE = 10_000  # user names (and client addresses) remembered at most
# Every child process speaks UTF-8, whatever the console's code page (Windows: the ANSI one).
CHILD_ENV = {"PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
ERROR_TEXT = {400: "Yêu cầu không hợp lệ.", 403: "Bạn không có quyền xem trang hoặc tệp này.",
              404: "Không tìm thấy trang hoặc tệp.", 405: "Thao tác không được hỗ trợ.",
              413: "Dữ liệu gửi lên quá lớn.", 431: "Phần đầu yêu cầu (tiêu đề, cookie) quá lớn.",
              500: "Có lỗi trong hệ thống khi xử lý yêu cầu này; lỗi đã được ghi vào nhật ký. "
                   "Hãy thử lại sau ít phút, nếu vẫn lỗi xin báo đơn vị thường trực."}
TOO_LARGE = (f"{ERROR_TEXT[413]} Mỗi lần gửi tối đa {store.MAX_FILES} tệp, "
             f"mỗi tệp tối đa {store.MAX_FILE // 1024 // 1024} MB.")


class SignIn(Exception):
    """The request needs a signed-in user."""


@dataclass(frozen=True)
class User:
    username: str
    unit: Unit
    standing: bool


def when(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return board.when(value)


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
        return self.portal.outputs / PORTAL_DIR / "build.log"

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
            p.board_rows(refresh=False)  # writes the board workbook beside the report
        except Exception:
            log.exception("build failed")
            self.code = -1 if self.code is None else self.code
        finally:
            self.finished, self.running = datetime.now(), False
            self.lock.release()

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


class Portal:
    def __init__(self, inputs: Path, outputs: Path, config_path: Path | None = None):
        self.inputs, self.outputs = Path(inputs).resolve(), Path(outputs).resolve()
        self.config_path = Path(config_path) if config_path else self.inputs / paths.CONFIG_NAME
        self.config: Config = load(self.config_path)
        self.db_lock = threading.RLock()  # DuckDB: one connection kind at a time in this process
        self.ingester = Ingester(self.ingest)
        self.builder = Builder(self)
        self.sessions = sessions.Sessions(self.inputs, SESSION_SECONDS)
        self.name_failures = guard.Throttle(LOGIN_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.client_failures = guard.Throttle(CLIENT_TRIES, LOGIN_PAUSE, THROTTLE_SIZE)
        self.last_board: tuple[list[board.Row], datetime, board.Checks] | None = None
        self.last_found: list[dict] = []  # every submission of a file in inputs/, newest first

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
        if account is None or account.changed_at != request.session.get("changed_at") or \
                not self.sessions.valid(request.session.get("sid"), request.session.get("since")):
            request.session.clear()  # signed out, password changed, or account removed
            return None
        try:
            unit = self.config.unit(account.unit_code)
        except KeyError:
            return None
        return User(account.username, unit, unit.code == self.config.standing_unit)

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
        path = store.save(self.inputs, data, user.unit.code, user.username, name)
        log.info("stored %s from %s (%s)", path.name, user.username, name)
        return self.check(path, store.sidecar(path))

    def check(self, path: Path, meta: dict) -> dict:
        """Validate a stored upload, write its report and annotated copy, cache the result."""
        from pipeline.checks import validate

        out_dir = self.outputs / PORTAL_DIR / path.stem
        result = {"name": path.name, "original_name": meta["original_name"],
                  "received_at": meta["received_at"].isoformat(), "sender": meta["sender"],
                  "unit_code": meta["unit_code"], "template_id": None, "template_title": None,
                  "demo": False, "outputs": [], "problems": [], "n_errors": 0, "n_warnings": 0}
        try:
            report = validate.check_file(path, self.config, unit_code=meta["unit_code"])
            written = validate.write_outputs(report, self.outputs / PORTAL_DIR)
            out_dir.mkdir(parents=True, exist_ok=True)
        except Exception:
            log.exception("validation failed for %s", path.name)
            result["status"] = "unchecked"
            return result
        template = CATALOG.get(report.template_id or "")
        problems = [{k: v for k, v in asdict(p).items()} for p in report.problems]
        if report.demo:  # a demo workbook sent as real: never «Hợp lệ — đã nhận»
            problems.insert(0, {"severity": "error", "file": path.name, "sheet": None, "cell": None,
                                "field": None, "value": None, "rule": store.DEMO.rule, "fix": store.DEMO.fix})
        result.update(
            status="rejected" if report.demo else report.status, template_id=report.template_id,
            template_title=template.title if template else None, demo=bool(report.demo),
            problems=problems,
            outputs=[str(Path(p).resolve().relative_to(self.outputs)) for p in written
                     if Path(p).resolve().is_relative_to(self.outputs)],
            n_errors=report.error_count + bool(report.demo), n_warnings=report.warning_count)
        tmp = out_dir / f".result.{secrets.token_hex(4)}.tmp"
        tmp.write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, out_dir / "result.json")
        return result

    def result(self, path: Path, meta: dict) -> dict:
        cache = self.outputs / PORTAL_DIR / path.stem / "result.json"
        try:
            return json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return self.check(path, meta)

    def history(self, unit_code: str | None, limit: int | None = None) -> list[dict]:
        items = store.received(self.inputs, unit_code)[:limit]
        return [self.result(path, meta) for path, meta in items]

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
        from pipeline.store import ingest

        with self.db_lock:
            ingest.run(self.inputs, self.outputs, self.config)

    def submissions(self) -> list[dict]:
        """Submissions of files that are in inputs/ (not the build's demo set), from DuckDB."""
        return self._read()[0]

    def _read(self, checks: bool = False, wait: float = 5) -> tuple[list[dict], list, bool]:
        """Submissions of files in inputs/, and with checks=True every cross-check over current
        data (crosscheck.outcomes) and whether that data is a demo set."""
        from pipeline.checks import crosscheck
        from pipeline.outputs import indicators
        from pipeline.store import warehouse

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


def create_app(inputs: Path = paths.INPUTS, outputs: Path = paths.OUTPUTS,
               config_path: Path | None = None) -> FastAPI:
    refused = paths.outputs_inside_inputs(inputs, outputs)
    if refused:  # the portal would list its own outputs as uploads
        raise SystemExit(refused)
    portal = Portal(inputs, outputs, config_path)
    app = FastAPI(title="Cổng nộp biểu mẫu", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    pages = Jinja2Templates(directory=HERE / "templates")
    pages.env.filters["when"] = when
    pages.env.globals.update(STATUS_TEXT=words.STATUS, STATES=board.STATES, config=portal.config,
                             title_of=title_of, unit_name=portal.unit_name)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(code: int, message: str) -> str:
        """An error page without a session: for answers made before or outside the routes."""
        return pages.get_template("error.html").render(code=code, message=message, user=None)

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def check_csrf(request: Request, form) -> None:
        sent, token = form.get("csrf"), request.session.get("csrf")
        if not token or not isinstance(sent, str) or \
                not secrets.compare_digest(sent.encode("utf-8", "replace"), token.encode()):
            raise HTTPException(403, "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). "
                                     "Hãy tải lại trang rồi thử lại.")

    async def read_form(request: Request, max_files: int = 0):
        """The posted form; a body the parser refuses (cut off, malformed, too many parts) is a
        Vietnamese 400."""
        try:
            return await request.form(max_files=max_files, max_fields=5)
        except HTTPException:
            files = f"mỗi lần gửi tối đa {store.MAX_FILES} tệp; " if max_files else ""
            raise HTTPException(400, f"Không đọc được dữ liệu gửi lên ({files}có thể bị cắt giữa chừng "
                                     "hoặc sai định dạng). Hãy tải lại trang rồi gửi lại.") from None

    def require(request: Request, standing: bool = False) -> User:
        user = portal.user(request)
        if user is None:
            raise SignIn
        if standing and not user.standing:
            raise HTTPException(403, "Trang này chỉ dành cho đơn vị thường trực "
                                     f"({portal.config.unit(portal.config.standing_unit).name}).")
        return user

    def render(request: Request, name: str, status_code: int = 200, **context) -> Response:
        deadline = portal.config.deadline
        context.update(request=request, csrf=csrf_token(request),
                       deadline_text=f"{deadline:%H:%M} ngày {deadline:%d/%m/%Y}",
                       deadline_left=board.time_left(deadline, datetime.now()),
                       overdue=datetime.now() > deadline)
        context.setdefault("user", portal.user(request))
        return pages.TemplateResponse(request, name, context, status_code=status_code)

    @app.exception_handler(SignIn)
    async def _sign_in(request: Request, exc: SignIn):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        message = exc.detail if exc.detail and exc.detail != _default_detail(exc.status_code) else \
            ERROR_TEXT.get(exc.status_code, "Có lỗi xảy ra.")
        return render(request, "error.html", exc.status_code, code=exc.status_code, message=message)

    # --- sign in / out -------------------------------------------------------------------
    @app.get("/login")
    def login_page(request: Request):
        if portal.user(request):
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", user=None)

    @app.post("/login")
    async def login(request: Request):
        form = await read_form(request)
        check_csrf(request, form)
        username = str(form.get("username", "")).strip().lower()[:64]
        password = str(form.get("password", ""))
        client = request.client.host if request.client else "?"
        if portal.name_failures.paused(username) or portal.client_failures.paused(client):
            return render(request, "login.html", 429, user=None, username=username,
                          error="Đăng nhập sai nhiều lần liên tiếp. Hãy thử lại sau 1 phút.")
        account = await run_in_threadpool(accounts.verify, portal.inputs, username, password)
        if account is None or account.unit_code not in [u.code for u in portal.config.units]:
            portal.name_failures.fail(username)
            portal.client_failures.fail(client)
            return render(request, "login.html", 401, user=None, username=username,
                          error="Tên đăng nhập hoặc mật khẩu không đúng.")
        portal.name_failures.forget(username)
        request.session.clear()  # a fresh session (and CSRF token) after signing in
        request.session.update(user=account.username, changed_at=account.changed_at,
                               csrf=secrets.token_urlsafe(32), **portal.sessions.begin())
        log.info("sign-in %s (%s)", account.username, account.unit_code)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request):
        form = await read_form(request)
        check_csrf(request, form)
        sid = request.session.get("sid")
        if isinstance(sid, str):  # a copy of this session's cookie must not work any more
            await run_in_threadpool(portal.sessions.end, sid)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # --- a unit's pages ------------------------------------------------------------------
    @app.get("/")
    def home(request: Request):
        user = require(request)
        unit_templates = [CATALOG[t] for t in user.unit.templates]
        return render(request, "home.html", user=user, unit_templates=unit_templates,
                      recent=portal.history(user.unit.code, limit=5),
                      max_mb=store.MAX_FILE // 1024 // 1024, max_files=store.MAX_FILES)

    @app.get("/templates/{template_id}")
    def template_file(request: Request, template_id: str):
        user = require(request)
        if template_id not in CATALOG:
            raise HTTPException(404)
        if template_id not in user.unit.templates:
            raise HTTPException(403, "Biểu mẫu này không thuộc đơn vị của bạn.")
        template = CATALOG[template_id]
        buffer = io.BytesIO()
        templates.workbook(template, user.unit, portal.config).save(buffer)
        return Response(buffer.getvalue(), media_type=XLSX, headers=attachment(
            portal.download_name(template.id, user.unit.code, "biểu mẫu trống")))

    @app.post("/upload")
    async def upload(request: Request):
        user = require(request)
        form = await read_form(request, max_files=store.MAX_FILES)
        check_csrf(request, form)
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
        if not files:
            raise HTTPException(400, "Chưa chọn tệp nào. Hãy chọn tệp biểu mẫu đã điền rồi bấm Gửi.")
        results = []
        for f in files:
            data = await f.read(store.MAX_FILE + 1)
            results.append(await run_in_threadpool(portal.receive, data, f.filename, user, f.size))
        ticket = portal.ingester.request() if any(r["name"] for r in results) else None
        token = await run_in_threadpool(portal.save_batch, user, results, ticket)
        return RedirectResponse(f"/result/{token}", status_code=303)  # a reload never resends

    @app.get("/result/{token}")
    def upload_result(request: Request, token: str):
        user = require(request)
        batch = portal.batch(token)
        if batch is None:
            raise HTTPException(404, "Không còn kết quả của lần gửi này (có thể thư mục kết quả đã được "
                                     "làm mới). Xem từng tệp trong «Lịch sử gửi».")
        if batch.get("unit_code") != user.unit.code and not user.standing:
            raise HTTPException(403, "Kết quả này là của đơn vị khác; bạn không có quyền xem.")
        pending = batch.get("ticket") is not None and portal.ingester.done < batch["ticket"]
        results = []
        for item in batch["items"]:
            if "refused" in item:
                results.append(item["refused"])
                continue
            path = store.stored(portal.inputs, item["name"])
            meta = store.sidecar(path) if path else None
            if meta is None:
                continue
            result = portal.result(path, meta)
            result["checks"] = portal.file_checks(result, just_stored=pending)
            results.append(result)
        return render(request, "results.html", user=user, results=results, title="Kết quả gửi tệp",
                      refresh=pending and any((r.get("checks") or {}).get("state") == "pending" for r in results))

    @app.get("/history")
    def history(request: Request):
        user = require(request)
        return render(request, "history.html", user=user, items=portal.history(user.unit.code))

    def submission(request: Request, name: str) -> tuple[User, Path, dict]:
        user = require(request)
        path = store.stored(portal.inputs, name)
        meta = store.sidecar(path) if path else None
        if meta is None:
            raise HTTPException(404)
        if meta.get("unit_code") != user.unit.code and not user.standing:
            raise HTTPException(403, "Tệp này do đơn vị khác gửi; bạn không có quyền xem.")
        return user, path, meta

    @app.get("/submissions/{name}")
    def submission_page(request: Request, name: str):
        user, path, meta = submission(request, name)
        result = portal.result(path, meta)
        result["checks"] = portal.file_checks(result)
        return render(request, "results.html", user=user, results=[result], title="Kết quả kiểm tra tệp")

    @app.get("/submissions/{name}/file")
    def submission_file(request: Request, name: str):
        user, path, meta = submission(request, name)
        result = portal.result(path, meta)
        return FileResponse(path, media_type=XLSX, headers=attachment(
            portal.sent_name(result.get("template_id"), meta["unit_code"], meta["received_at"])))

    @app.get("/submissions/{name}/outputs/{file_name}")
    def submission_output(request: Request, name: str, file_name: str):
        user, path, meta = submission(request, name)
        def find(result: dict) -> Path | None:
            rel = next((r for r in result["outputs"] if Path(r).name == file_name), None)
            return portal.outputs / rel if rel and (portal.outputs / rel).is_file() else None

        result = portal.result(path, meta)
        target = find(result)
        if target is None:  # outputs/ was cleaned: made again
            result = portal.check(path, meta)
            target = find(result)
        if target is None:
            raise HTTPException(404)
        what = "bản đánh dấu" if target.name.endswith(ANNOTATED_SUFFIX) else "kết quả kiểm tra"
        shown = portal.download_name(result.get("template_id"), meta["unit_code"], what)
        return FileResponse(target, media_type=media_type(target), headers=attachment(shown))

    # --- the standing unit's pages -------------------------------------------------------
    @app.get("/board")
    def board_page(request: Request):
        user = require(request, standing=True)
        rows, at, checks, stale = portal.board_rows()
        counts = {key: sum(r.state == key for r in rows) for key in board.STATES}
        return render(request, "board.html", user=user, rows=rows, at=at, stale=stale, checks=checks,
                      counts=counts, builder=portal.builder, products=portal.products(),
                      found=portal.last_found)

    @app.post("/board/build")
    async def board_build(request: Request):
        user = require(request, standing=True)
        form = await read_form(request)
        check_csrf(request, form)
        started = portal.builder.start(user.username)
        if started:  # a short build is over before the board shows: no «reload later» then
            await run_in_threadpool(portal.builder.wait, BUILD_WAIT)
        return RedirectResponse("/board" if started else "/board?busy=1", status_code=303)

    @app.get("/board/files/{submission_id}")
    def board_file(request: Request, submission_id: str):
        require(request, standing=True)
        found = [s for s in portal.submissions() if str(s.get("submission_id")) == submission_id]
        if not found:
            raise HTTPException(404)
        path = (portal.inputs / found[0]["path"]).resolve()
        if not path.is_relative_to(portal.inputs) or not path.is_file():
            raise HTTPException(404)
        name = portal.sent_name(found[0].get("template_id"), str(found[0].get("unit_code")),
                                    found[0].get("received_at"))
        return FileResponse(path, media_type=XLSX, headers=attachment(name))

    @app.get("/outputs/{key:path}")
    def product(request: Request, key: str):
        require(request, standing=True)
        for item_key, label, path in portal.products():
            if item_key == key:  # named for people: «Báo cáo sơ kết – xã An Thành.docx»
                name = path.name if ":" in label else \
                    f"{KIND_SUFFIX.sub('', label)} – {portal.config.full_name}{path.suffix}"
                return FileResponse(path, media_type=media_type(path), headers=attachment(name))
        raise HTTPException(404)

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    app.add_middleware(SessionMiddleware, secret_key=portal.secret(), session_cookie="phien",
                       max_age=SESSION_SECONDS, same_site="lax")
    app.add_middleware(guard.Guard, page=page, messages=ERROR_TEXT, limits={"/upload": (MAX_REQUEST, TOO_LARGE)},
                       default=(MAX_FORM, ERROR_TEXT[413]))
    app.state.page = page
    return app


def title_of(template_id: str | None) -> str:
    """A template as a user reads it: its title, never its id."""
    template = CATALOG.get(template_id or "")
    return template.title if template else "Chưa nhận ra biểu"


def media_type(path: Path) -> str:
    return {".docx": DOCX, ".xlsx": XLSX, ".md": "text/markdown; charset=utf-8",
            ".txt": "text/plain; charset=utf-8"}.get(path.suffix.lower(), "application/octet-stream")


def attachment(name: str) -> dict[str, str]:
    """A download's Content-Disposition: an ASCII fallback name and the real one in UTF-8 (RFC 5987)."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain.encode("ascii", "ignore").decode()).strip("._") or "tep"
    return {"Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"}


def _default_detail(code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


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
    if not accounts.load_all(Path(inputs)):
        print("Chưa có tài khoản nào. Tạo tài khoản: python -m pipeline user add TÊN --unit MÃ_ĐƠN_VỊ")
    print(f"Trang nộp biểu mẫu: http://{host}:{port}/  (dừng: Ctrl+C)")
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_keep_alive=5,
                http=guard.protocol(app.state.page, ERROR_TEXT[400]))

"""The portal's web pages: FastAPI routes with server-rendered Jinja2 pages in Vietnamese.

Units sign in, download their own templates, upload completed files and read each file's
result at once; the standing unit follows every unit × template against the deadline and
runs the build. What the pages show comes from the portal service (web.portal); the build and
the ingest run in the background (web.jobs).
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import unicodedata
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
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
from pipeline.core import paths, words
from pipeline.intake import export_06a
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from pipeline.web import accounts, board, guard, jobs, review, settings, store
from pipeline.web.portal import SESSION_SECONDS, Portal, User

log = logging.getLogger("pipeline.web")
HERE = Path(__file__).resolve().parent
KIND_SUFFIX = re.compile(r" [(][.]\w+[)]$")  # « (.docx)» at the end of a product's label
MAX_REQUEST = store.MAX_FILE * store.MAX_FILES + 256 * 1024
MAX_FORM = 64 * 1024  # bytes of any other request's body (sign-in, sign-out, build)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ERROR_TEXT = {400: "Yêu cầu không hợp lệ.", 403: "Bạn không có quyền xem trang hoặc tệp này.",
              404: "Không tìm thấy trang hoặc tệp.", 405: "Thao tác không được hỗ trợ.",
              413: "Dữ liệu gửi lên quá lớn.", 431: "Phần đầu yêu cầu (tiêu đề, cookie) quá lớn.",
              500: "Có lỗi trong hệ thống khi xử lý yêu cầu này; lỗi đã được ghi vào nhật ký. "
                   "Hãy thử lại sau ít phút, nếu vẫn lỗi xin báo đơn vị thường trực."}
TOO_LARGE = (f"{ERROR_TEXT[413]} Mỗi lần gửi tối đa {store.MAX_FILES} tệp, "
             f"mỗi tệp tối đa {store.MAX_FILE // 1024 // 1024} MB.")


class SignIn(Exception):
    """The request needs a signed-in user."""


def when(value: datetime | str | None) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return board.when(value)



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
    pages.env.globals.update(STATUS_TEXT=words.STATUS, STATES=board.STATES, WORDS=words, config=portal.config,
                             title_of=title_of, unit_name=portal.unit_name)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    def page(code: int, message: str) -> str:
        """An error page without a session: for answers made before or outside the routes."""
        return pages.get_template("error.html").render(code=code, message=message, user=None, config=portal.config)

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

    async def read_form(request: Request, max_files: int = 0, max_fields: int = 5):
        """The posted form; a body the parser refuses (cut off, malformed, too many parts) is a
        Vietnamese 400."""
        try:
            return await request.form(max_files=max_files, max_fields=max_fields)
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
        config = portal.config  # None on the first-run page
        context.update(request=request, csrf=csrf_token(request), config=config)
        if config is not None:
            deadline = config.deadline
            context.update(deadline_text=f"{deadline:%H:%M} ngày {deadline:%d/%m/%Y}",
                           deadline_left=board.time_left(deadline, datetime.now()),
                           overdue=datetime.now() > deadline)
            if "user" not in context:  # asked once (a request's user is looked up already)
                context["user"] = portal.user(request)
        return pages.TemplateResponse(request, name, context, status_code=status_code)

    @app.exception_handler(SignIn)
    async def _sign_in(request: Request, exc: SignIn):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        message = exc.detail if exc.detail and exc.detail != _default_detail(exc.status_code) else \
            ERROR_TEXT.get(exc.status_code, "Có lỗi xảy ra.")
        return render(request, "error.html", exc.status_code, code=exc.status_code, message=message)

    review.register(app, portal, pages, SimpleNamespace(render=render, require=require, check_csrf=check_csrf,
                                                        read_form=read_form))  # sign-off, follow-up, explain
    settings.register(app, portal, pages, SimpleNamespace(render=render, require=require, check_csrf=check_csrf,
                                                          read_form=read_form))  # «Cài đặt», first run

    # --- sign in / out -------------------------------------------------------------------
    @app.get("/login")
    def login_page(request: Request):
        if portal.user(request):
            return RedirectResponse("/", status_code=303)
        return render(request, "login.html", user=None, first=request.query_params.get("first"))

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
        # Counted before the check, so attempts in flight count against the pause too.
        portal.name_failures.fail(username)
        portal.client_failures.fail(client)
        try:
            account = await portal.password_checks.run(accounts.verify, portal.inputs, username, password)
        except guard.Busy:
            portal.name_failures.take_back(username)
            portal.client_failures.take_back(client)
            return render(request, "login.html", 503, user=None, username=username,
                          error="Máy chủ đang bận kiểm tra các lần đăng nhập khác. Hãy thử lại sau ít giây.")
        if account is None or account.unit_code not in [u.code for u in portal.config.units]:
            return render(request, "login.html", 401, user=None, username=username,
                          error="Tên đăng nhập hoặc mật khẩu không đúng.")
        portal.name_failures.forget(username)
        portal.client_failures.take_back(client)
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
        export = export_06a.portal_text() if export_06a.TEMPLATE_ID in user.unit.templates else ""
        return render(request, "home.html", user=user, unit_templates=unit_templates, export=export,
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
        if ticket is not None and portal.page_wait > 0:  # 0 in use: answered at once, checked after
            await run_in_threadpool(portal.ingester.wait, ticket, portal.page_wait)
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
        results = []
        for item in batch["items"]:
            if "refused" in item:
                results.append(item["refused"])
                continue
            path = store.stored(portal.inputs, item["name"])
            meta = store.sidecar(path) if path else None
            if meta is None:
                continue
            result = review.annotate(portal, user, portal.result(path, meta), path)
            result["checks"] = portal.file_checks(result)
            results.append(result)
        return render(request, "results.html", user=user, results=results, title="Kết quả gửi tệp",
                      refresh=waiting(results))

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
        result = review.annotate(portal, user, portal.result(path, meta), path)
        result["checks"] = portal.file_checks(result)
        return render(request, "results.html", user=user, results=[result], title="Kết quả kiểm tra tệp",
                      refresh=waiting([result]))

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
                      waiting=len(portal.waiting),
                      counts=counts, completeness=board.completeness(portal.config, rows),
                      builder=portal.builder, products=portal.products(),
                      found=portal.last_found, **review.board_context(portal))

    @app.post("/board/build")
    async def board_build(request: Request):
        user = require(request, standing=True)
        form = await read_form(request)
        check_csrf(request, form)
        started = portal.builder.start(user.username)
        if started:  # a short build is over before the board shows: no «reload later» then
            await run_in_threadpool(portal.builder.wait, jobs.BUILD_WAIT)
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


def waiting(results: list[dict]) -> bool:
    """A result page updates itself (meta refresh) while a file on it is being checked or its
    cross-checks wait for the ingest."""
    return any(r.get("status") == "checking" or (r.get("checks") or {}).get("state") == "pending" for r in results)


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

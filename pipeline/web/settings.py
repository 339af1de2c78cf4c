"""The «Cài đặt» page (the standing unit's accounts only) and the first-run page.

- /settings: the configuration (web.settings_form) and the accounts (add, reset a password, role and
  full name, lock). Saving checks the configuration as `soket config check` does, every mistake at
  once beside its field; a valid one replaces inputs/commune.toml atomically, the previous version
  kept in inputs/cau_hinh_cu/ (inputs/ is append-only), and the portal reads it again.
- /setup: with no configuration file at all, the portal opens here and nowhere else: the same form
  plus the first account (the standing unit's head). Only while no configuration exists, and only
  from the machine the portal runs on (127.0.0.1 or ::1): anyone on the network could otherwise
  configure the portal and give themselves its first account.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from pipeline.core import atomic, paths, words
from pipeline.topics import CATALOG
from pipeline.web import accounts
from pipeline.web import settings_form as sf

log = logging.getLogger("pipeline.web")
LOCAL = {"127.0.0.1", "::1", "localhost"}
MAX_FIELDS = 2000  # a settings form: ~20 fields, 4 per unit, one per template ticked
OPEN_PATHS = ("/setup", "/static/", "/healthz")  # what answers while there is no configuration
_saving = threading.Lock()
CITY_NOTE = ("Cấu hình cấp thành phố, tỉnh (các xã, phường, đặc khu là các đơn vị) được sửa trong tệp cấu hình "
             "rồi kiểm tra bằng lệnh soket config check; trang này chỉ quản lý tài khoản.")


def history_name(path: Path, now: datetime) -> Path:
    """Where the version of path being replaced is kept: cau_hinh_cu/<stem>.<time><suffix> beside it."""
    folder = path.parent / paths.CONFIG_HISTORY
    stamp = f"{now:%Y-%m-%d_%H-%M-%S}"
    target, n = folder / f"{path.stem}.{stamp}{path.suffix}", 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{stamp}_{n}{path.suffix}"
    return target


def save(path: Path, text: str) -> Path | None:
    """Write the configuration (the previous version kept); the kept copy's path, if any."""
    kept = None
    if path.exists():
        kept = history_name(path, datetime.now())
        atomic.write_bytes(kept, path.read_bytes())
    written = atomic.write_text(path, text)
    if written != path:
        raise OSError(f"{path.name} đang được mở bằng chương trình khác")
    return kept


class FirstRun:
    """While there is no configuration, every page but the first-run page leads to it (plain ASGI:
    the guard's limits and errors pass through untouched)."""

    def __init__(self, app, portal):
        self.app, self.portal = app, portal

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.portal.config is None and not scope["path"].startswith(OPEN_PATHS):
            await RedirectResponse("/setup", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def register(app: FastAPI, portal, pages, h) -> None:
    """h: the routes' helpers (render, require, check_csrf, read_form)."""

    app.add_middleware(FirstRun, portal=portal)

    def context(values: dict, errors: dict, base_rows: int | None = None) -> dict:
        rows = max(sf.rows_of(values), base_rows or 0) + sf.NEW_ROWS
        return dict(form=sf.Form(values, rows, errors), FIELDS=sf.FIELDS, KINDS=sf.KIND_CHOICES,
                    CHARTS=sf.CHARTS, HINTS=sf.HINTS, CATALOG=CATALOG, LEADER_SECTIONS=sf.SECTION_TITLES,
                    label_of=sf.label_of)

    def accounts_context(user, account_errors=None, new_account=None) -> dict:
        found = sorted(accounts.load_all(portal.inputs).values(), key=lambda a: (a.unit_code, a.username))
        return dict(accounts=found, account_errors=account_errors or {}, new_account=new_account or {},
                    units=portal.config.units, ROLES=words.ROLES, me=user.username)

    def checked(values: dict, base: str | None) -> tuple[str | None, dict]:
        """The TOML to save, or None and every mistake by field."""
        data, errors, rows, sections = sf.data_of(values, list(CATALOG))
        text = sf.to_toml(data, base)
        result = sf.check(text, portal.config_path)
        problems = result if isinstance(result, list) else []
        errors = sf.errors_of(problems, rows, sections, errors)
        return (None if errors else text), errors

    def store(text: str) -> None:
        with _saving:
            kept = save(portal.config_path, text)
            portal.reload()
            pages.env.globals["config"] = portal.config
        log.info("configuration saved (previous version: %s)", kept.name if kept else "none")

    # --- settings ------------------------------------------------------------------------
    @app.get("/settings")
    def settings_page(request: Request):
        user = h.require(request, standing=True)
        values = sf.values_of(sf.read_toml(portal.config_path))
        return h.render(request, "settings.html", user=user, saved=request.query_params.get("saved"), city=CITY_NOTE
                        if portal.config.is_city else None,
                        **context(values, {}), **accounts_context(user))

    @app.post("/settings")
    async def settings_save(request: Request):
        user = h.require(request, standing=True)
        form = await h.read_form(request, max_fields=MAX_FIELDS)
        h.check_csrf(request, form)
        if portal.config.is_city:
            raise HTTPException(400, CITY_NOTE)
        values = sf.read_form(form)
        base = portal.config_path.read_text(encoding="utf-8") if portal.config_path.exists() else None
        text, errors = checked(values, base)
        if text is not None:
            standing = sf.data_of(values, list(CATALOG))[0]["standing_unit"].get("code")
            usable = [a for a in accounts.load_all(portal.inputs).values() if a.unit_code == standing and not a.disabled]
            if not usable:
                errors = {"standing_unit.code": [
                    "Đơn vị này chưa có tài khoản nào đang dùng: sau khi lưu sẽ không ai mở được trang «Cài đặt». "
                    "Hãy tạo tài khoản cho đơn vị đó trước (phần «Tài khoản» bên dưới), rồi đổi đơn vị thường trực."]}
        if errors:
            return h.render(request, "settings.html", 400, user=user, **context(values, errors),
                            **accounts_context(user))
        try:
            await run_in_threadpool(store, text)
        except OSError as exc:
            log.exception("cannot save the configuration")
            errors = {"": [f"Chưa lưu được cấu hình ({exc}). Hãy đóng tệp {portal.config_path.name} "
                           "nếu đang mở bằng chương trình khác, rồi lưu lại."]}
            return h.render(request, "settings.html", 500, user=user, **context(values, errors),
                            **accounts_context(user))
        return RedirectResponse("/settings?saved=1#cau-hinh", status_code=303)

    @app.post("/settings/accounts")
    async def settings_accounts(request: Request):
        user = h.require(request, standing=True)
        form = await h.read_form(request, max_fields=12)
        h.check_csrf(request, form)
        action = str(form.get("action", ""))
        username = str(form.get("username", "")).strip().lower()[:64]
        role, full_name = str(form.get("role", accounts.MEMBER)), str(form.get("full_name", "")).strip()
        password = str(form.get("password", ""))
        errors: dict[str, str] = {}
        try:
            if action == "add":
                unit_code = str(form.get("unit_code", ""))
                errors = accounts.problems(username, unit_code, portal.config, True, role, full_name,
                                           portal.inputs, password, form=True)
                if not errors:
                    await run_in_threadpool(accounts.set_account, portal.inputs, username, password, unit_code,
                                            portal.config, True, role, full_name)
            elif action == "reset":
                errors = accounts.problems(username, None, None, False, inputs=portal.inputs, password=password,
                                           form=True)
                if not errors:
                    await run_in_threadpool(accounts.set_account, portal.inputs, username, password, new=False)
            elif action in ("lock", "unlock"):
                if action == "lock" and username == user.username:
                    errors = {"username": "Không khóa được tài khoản đang đăng nhập."}
                else:
                    accounts.update(portal.inputs, username, disabled=action == "lock")
            elif action == "role":
                accounts.update(portal.inputs, username, role=role, full_name=full_name)
            else:
                raise HTTPException(400)
        except accounts.AccountError as exc:
            errors = {"username": str(exc)}
        if errors:
            key = "new" if action == "add" else username
            new_account = {"username": username, "unit_code": str(form.get("unit_code", "")), "role": role,
                           "full_name": full_name} if action == "add" else None
            values = sf.values_of(sf.read_toml(portal.config_path))
            return h.render(request, "settings.html", 400, user=user, **context(values, {}),
                            **accounts_context(user, {key: errors}, new_account))
        log.info("account %s: %s by %s", action, username, user.username)
        return RedirectResponse(f"/settings?saved={action}#tai-khoan", status_code=303)

    # --- first run -----------------------------------------------------------------------
    def local_only(request: Request) -> None:
        if portal.config is not None or portal.config_path.exists():
            raise HTTPException(404, "Cổng đã có cấu hình: trang tạo cấu hình ban đầu không còn dùng. "
                                     "Hãy đăng nhập, rồi sửa cấu hình ở trang «Cài đặt».")
        host = request.client.host if request.client else ""
        if host not in LOCAL:
            raise HTTPException(403, "Trang tạo cấu hình ban đầu chỉ mở được trên chính máy chạy cổng nộp biểu mẫu "
                                     "(địa chỉ http://127.0.0.1:…). Hãy mở trang trên máy đó.")

    @app.get("/setup")
    def setup_page(request: Request):
        if portal.config is not None:
            return RedirectResponse("/login", status_code=303)
        local_only(request)
        return h.render(request, "setup.html", user=None, ACCOUNT=sf.ACCOUNT,
                        **context({"commune.kind": sf.KIND_CHOICES[0], "period.month_starts_on": "1"}, {}, 3))

    @app.post("/setup")
    async def setup_save(request: Request):
        local_only(request)
        form = await h.read_form(request, max_fields=MAX_FIELDS)
        h.check_csrf(request, form)
        values = sf.read_form(form)
        account = {k: values.pop(f"account.{k}", "") for k in ("username", "full_name", "password", "password2")}
        account["username"] = account["username"].lower()
        text, errors = checked(values, None)
        data = sf.data_of(values, list(CATALOG))[0]
        standing = data["standing_unit"].get("code")
        config = sf.check(text, portal.config_path) if text else None
        account_errors = accounts.problems(account["username"], standing, config if text else None, True,
                                           accounts.HEAD, account["full_name"], portal.inputs,
                                           account["password"], form=True)
        account_errors.pop("unit_code", None)  # the standing unit: told beside its field
        if account["password"] != account["password2"]:
            account_errors.setdefault("password2", "Hai lần nhập mật khẩu không khớp.")
        errors.update({f"account.{k}": [v] for k, v in account_errors.items()})
        if errors:
            values.update({f"account.{k}": v for k, v in account.items() if not k.startswith("password")})
            return h.render(request, "setup.html", 400, user=None, ACCOUNT=sf.ACCOUNT, **context(values, errors, 3))
        await run_in_threadpool(accounts.set_account, portal.inputs, account["username"], account["password"],
                                standing, config, True, accounts.HEAD, account["full_name"])
        await run_in_threadpool(store, text)
        log.info("first configuration and account %s created", account["username"])
        return RedirectResponse("/login?first=1", status_code=303)

"""Every number answerable, on the portal: the unit head's sign-off, the follow-up of figures warned
about at upload (outliers) with the unit's confirmation, and the explain page.

- A head account («thủ trưởng đơn vị», accounts role "head") sees its unit's current file per
  template (name, received time, sha256) and confirms it («Xác nhận số liệu»): a record in
  inputs/signoffs/ (store.records). A sign-off counts for the file whose sha256 it names only, so a
  newer current file reads «chưa xác nhận» again until it is signed off in turn.
- An outlier warning of a current file is a follow-up item on the board («cần xem lại», with the cell
  and the usual range); the unit may confirm the figure with a comment (inputs/confirmations/),
  which the board then shows instead of the open item.
- /explain?name=… shows, for the standing unit, what `python -m pipeline explain` prints
  (outputs.report.explain over outputs.provenance).

The board reads the warehouse after its ingest (which loads the records), the pages of one file
read the records in inputs/ directly (they are there the moment they are written).
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from pipeline.core import words
from pipeline.intake.book import OUTLIER
from pipeline.outputs import indicators, provenance, rates, report
from pipeline.store import inbox, records, warehouse
from pipeline.topics import CATALOG
from pipeline.web import figures, store

log = logging.getLogger("pipeline.web")
INGEST_WAIT = 60  # seconds a sign-off page waits for the ingest of files just received
FOLLOW_UPS = f"""
    SELECT s.unit_code, s.template_id, s.sha256, s.file_name, s.original_name, s.path, s.received_at,
           p.sheet, p.cell, p.field, p.value, p.rule, c.comment, c.username AS confirmed_by,
           c.full_name AS confirmed_name, c.confirmed_at
    FROM problems p JOIN current_submissions s USING (submission_id)
    LEFT JOIN (SELECT * FROM confirmations QUALIFY row_number() OVER (
                   PARTITION BY unit_code, template_id, sha256, sheet, cell ORDER BY confirmed_at DESC) = 1) c
      ON c.unit_code = s.unit_code AND c.template_id = s.template_id AND c.sha256 = s.sha256
     AND c.sheet = p.sheet AND c.cell = p.cell
    WHERE p.kind = '{OUTLIER}' AND (? IS NULL OR s.unit_code = ?)
    ORDER BY s.unit_code, s.template_id, p.sheet, p.cell"""
SUPERSEDED = ("Tệp bạn xác nhận không còn là tệp đang dùng cho báo cáo: đơn vị đã gửi tệp khác sau đó "
              "(hoặc tệp chưa được nhận vào kho số liệu). Hãy tải lại trang, xem tệp đang dùng rồi xác nhận tệp đó.")


def reading(portal, work, wait: float = 5, empty=None):
    """work(con) on a read-only connection to the warehouse (empty before the first ingest)."""
    if not (portal.outputs / warehouse.DB_NAME).exists():
        return empty
    if not portal.db_lock.acquire(timeout=wait):
        raise TimeoutError("the warehouse is busy")
    try:
        con = warehouse.connect(portal.outputs, read_only=True)
        try:
            return work(con)
        finally:
            con.close()
    finally:
        portal.db_lock.release()


def query(portal, sql: str, params: list | None = None, wait: float = 5) -> list[dict]:
    """Rows of a read-only query on the warehouse (none before the first ingest)."""
    def rows(con) -> list[dict]:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return reading(portal, rows, wait, [])


def follow_ups(portal, unit_code: str | None = None) -> list[dict]:
    """The outlier warnings of the current files (of one unit), each with its latest confirmation
    (from the portal's snapshot: never waits for the writer)."""
    return [f for f in portal.snapshot.follow_ups if unit_code is None or f["unit_code"] == unit_code]


def current_files(portal, unit_code: str) -> dict[str, dict]:
    """template id → the unit's current file (current_signoffs: with its sign-off, if any), from
    the portal's snapshot."""
    seen = portal.snapshot
    files = {s["submission_id"]: s for s in seen.found}
    return {r["template_id"]: {**r, "original_name": files[r["submission_id"]].get("original_name"),
                               "path": files[r["submission_id"]].get("path")}
            for r in seen.signoffs if r["unit_code"] == unit_code and r["submission_id"] in files}


def attach_signoffs(portal, rows: list, current: list[dict]) -> None:
    """Each board row (web.board.Row) with its current file's sign-off (current_signoffs rows,
    from the portal's snapshot)."""
    signed = {(r["unit_code"], r["template_id"]): r for r in current}
    for row in rows:
        row.signoff = signed.get((row.unit_code, row.template_id))


def board_context(portal) -> dict:
    """The board's follow-up items: outlier warnings of current files, open or confirmed (from
    the portal's snapshot: the board never waits for the writer)."""
    items = portal.snapshot.follow_ups
    return {"follow_ups": items, "open_follow_ups": sum(1 for f in items if f["confirmed_at"] is None)}


def annotate(portal, user, result: dict, path: Path) -> dict:
    """A file's result page with its follow-up items: each outlier warning and its confirmation
    (from inputs/confirmations/), and whether this user may confirm (an account of the file's unit)."""
    flagged = [p for p in result.get("problems") or [] if p.get("kind") == OUTLIER]
    if not flagged:
        return result
    sha = inbox.sha256_of(path)
    found = {}
    for c in records.read(portal.inputs, records.CONFIRMATIONS):
        if c["sha256"] == sha and c["unit_code"] == result.get("unit_code"):
            found[(c["sheet"], c["cell"])] = c  # oldest first: the latest wins
    result["follow_up"] = [{**p, "confirmation": found.get((p.get("sheet"), p.get("cell")))} for p in flagged]
    result["can_confirm"] = user.unit.code == result.get("unit_code") and result.get("status") != "rejected"
    return result


def explained(portal, name: str) -> provenance.Explanation:
    if not portal.db_lock.acquire(timeout=5):
        raise TimeoutError("the warehouse is busy")
    try:
        con = warehouse.connect(portal.outputs, read_only=True)
        try:
            return report.explain(con, portal.config, name)
        finally:
            con.close()
    finally:
        portal.db_lock.release()


def explainable() -> list[tuple[str, str]]:
    """(name, title) of every indicator table and TTHC rate: the explain page's list."""
    return [(q.name, q.title) for q in indicators.queries()] + [(r.key, r.name) for r in rates.RATES]


def field_label(template_ids, key: str) -> str:
    """A contributing cell's field as people read it: its label in the source template."""
    for t in template_ids:
        for sheet in CATALOG[t].sheets:
            found = next((c for c in sheet.columns if c.key == key), None)
            if found is not None:
                return found.label
    return ""


def register(app: FastAPI, portal, pages, h) -> None:
    """The routes of this module; h: the portal's render, require, check_csrf and read_form."""
    pages.env.globals.update(SIGNOFF=words.SIGNOFF, FOLLOW_UP=words.FOLLOW_UP, ROLES=words.ROLES,
                             shown=provenance.shown)

    def head(request: Request):
        user = h.require(request)
        if not user.head:
            raise HTTPException(403, f"Chỉ tài khoản {words.ROLES['head']} mới xác nhận được số liệu của đơn vị.")
        return user

    @app.get("/signoff")
    def signoff_page(request: Request):
        user = head(request)
        ticket = portal.ingester.request()  # files just received count, once checked
        if portal.page_wait > 0:
            portal.ingester.wait(ticket, timeout=portal.page_wait)
        files = current_files(portal, user.unit.code)
        shown = reading(portal, lambda con: {t: figures.confirmed(con, t, f["submission_id"]) for t, f in files.items()},
                        empty={})
        items = [(CATALOG[t], files.get(t), shown.get(t)) for t in user.unit.templates]
        return h.render(request, "signoff.html", user=user, items=items, done=request.query_params.get("done"))

    @app.post("/signoff")
    async def signoff(request: Request):
        user = head(request)
        form = await h.read_form(request)
        h.check_csrf(request, form)
        template_id, sha = str(form.get("template_id", "")), str(form.get("sha256", ""))
        if template_id not in user.unit.templates:
            raise HTTPException(403, "Biểu mẫu này không thuộc đơn vị của bạn.")
        await run_in_threadpool(portal.ingester.wait, portal.ingester.request(), INGEST_WAIT)
        current = (await run_in_threadpool(current_files, portal, user.unit.code)).get(template_id)
        if current is None or current["sha256"] != sha:
            raise HTTPException(409, SUPERSEDED)
        seen = await run_in_threadpool(reading, portal, lambda con: figures.confirmed(
            con, template_id, current["submission_id"]))  # what the page showed for this file
        await run_in_threadpool(records.sign_off, portal.inputs, user.unit.code, template_id, sha,
                                current["file_name"], user.username, user.full_name, seen)
        log.info("sign-off %s %s %s by %s", user.unit.code, template_id, sha[:8], user.username)
        portal.ingester.request()
        return RedirectResponse("/signoff?done=1", status_code=303)

    @app.post("/submissions/{name}/confirm")
    async def confirm(request: Request, name: str):
        user = h.require(request)
        form = await h.read_form(request)
        h.check_csrf(request, form)
        path = store.stored(portal.inputs, name)
        meta = store.sidecar(path) if path else None
        if meta is None:
            raise HTTPException(404)
        if meta.get("unit_code") != user.unit.code:
            raise HTTPException(403, "Chỉ đơn vị gửi tệp mới xác nhận được số liệu của tệp đó.")
        result = await run_in_threadpool(portal.result, path, meta)
        sheet, cell = str(form.get("sheet", "")), str(form.get("cell", ""))
        comment = " ".join(str(form.get("comment", "")).split())
        if not any(p.get("kind") == OUTLIER and p.get("sheet") == sheet and p.get("cell") == cell
                   for p in result.get("problems") or []):
            raise HTTPException(400, "Ô này không có cảnh báo số liệu cần xem lại.")
        if not comment:
            raise HTTPException(400, "Hãy ghi lý do số liệu đúng (ví dụ: tháng đó có đợt cấp đổi giấy tờ hàng loạt) "
                                     "rồi bấm xác nhận lại.")
        sha = await run_in_threadpool(inbox.sha256_of, path)
        await run_in_threadpool(records.confirm, portal.inputs, user.unit.code, result.get("template_id") or "",
                                sha, sheet, cell, comment, user.username, user.full_name)
        log.info("confirmed %s!%s of %s by %s", sheet, cell, name, user.username)
        portal.ingester.request()
        return RedirectResponse(f"/submissions/{name}#xem-lai", status_code=303)

    @app.get("/explain")
    def explain_page(request: Request, name: str = ""):
        user = h.require(request, standing=True)
        name, explanation, error = name.strip()[:200], None, None
        if name:
            try:
                explanation = explained(portal, name)
            except provenance.Unknown as exc:
                error = exc.args[0]
            except (warehouse.WarehouseBusy, TimeoutError):
                error = "Kho số liệu đang bận (đang nhận tệp hoặc tổng hợp). Hãy tải lại trang sau ít giây."
            except duckdb.Error:
                error = "Kho số liệu chưa có vị trí ô của số liệu: hãy bấm «Tổng hợp lại báo cáo» ở trang tình hình nộp."
        return h.render(request, "explain.html", user=user, explanation=explanation, error=error,
                        choices=explainable(), title_of_template=lambda t: CATALOG[t].title,
                        field_label=field_label)

"""The portal under misuse: sessions that end on the server, safe download names, a sign-in
throttle that cannot be flushed, Windows' refusals, and one poisoned file among valid ones."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from pipeline import demo
from pipeline.topics import CATALOG
from pipeline.web import accounts, app, board, guard, sessions, store
from pipeline.web.app import create_app
from tests.web_util import (
    CSRF,
    demo_bytes,
    first_template,
    password,
    received,
    sign_in,
    stored_names,
    upload,
)

# --- sessions end on the server ------------------------------------------------------------------

def test_a_cookie_saved_before_sign_out_no_longer_works(site):
    client, token = sign_in(site, "VP")
    other, _ = sign_in(site, "VP")  # the same account on another computer
    saved = dict(client.cookies)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    replayed = TestClient(site.app, cookies=saved)
    assert replayed.get("/", follow_redirects=False).headers["location"] == "/login"
    restarted = TestClient(create_app(site.inputs, site.outputs), cookies=saved)
    assert restarted.get("/", follow_redirects=False).status_code == 303
    assert other.get("/").status_code == 200  # only the session that signed out has ended
    again, _ = sign_in(site, "VP")
    assert again.get("/").status_code == 200


def test_a_cookie_saved_before_a_password_change_no_longer_works(site):
    client, _ = sign_in(site, "KT")
    saved = dict(client.cookies)
    accounts.set_account(site.inputs, "kt", "mat-khau-moi-2026", new=False)
    restarted = TestClient(create_app(site.inputs, site.outputs), cookies=saved)
    assert restarted.get("/", follow_redirects=False).status_code == 303


def test_signed_out_sessions_are_forgotten_when_their_cookies_expire(tmp_path, monkeypatch):
    ended = sessions.Sessions(tmp_path, lifetime=3600)
    old, recent, other = ended.begin(), ended.begin(), ended.begin()
    other["since"] -= 1  # begun before the ones below, whatever the clock's resolution
    assert old["sid"] != recent["sid"] and ended.valid(**old)
    ended.lifetime = -1  # this one's cookie has already expired: nothing to remember
    ended.end(old["sid"])
    ended.lifetime = 3600
    ended.end(recent["sid"])
    again = sessions.Sessions(tmp_path, lifetime=3600)  # after a restart
    assert set(again.ended) == {recent["sid"]}
    assert not again.valid(**recent) and again.valid(**other)
    monkeypatch.setattr(sessions, "MAX_ENDED", 3)
    for _ in range(3):
        again.end(again.begin()["sid"])
    assert again.ended == {} and not again.valid(**other)  # too many to remember: all sessions end
    assert again.valid(**again.begin())


def test_an_unreadable_session_file_ends_every_earlier_session(tmp_path):
    before = sessions.Sessions(tmp_path, lifetime=3600).begin()
    before["since"] -= 1
    (tmp_path / sessions.FILE_NAME).write_text("{ hỏng", encoding="utf-8")
    after = sessions.Sessions(tmp_path, lifetime=3600)
    assert not after.valid(**before) and after.valid(**after.begin())


# --- downloads -----------------------------------------------------------------------------------

@pytest.mark.parametrize("sent_as", ["hoa_don.exe", "bieu_mau.html", 'a"; filename=x.exe'])
def test_a_received_file_is_downloaded_under_its_template_and_unit(site, sent_as):
    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    data = demo_bytes(site.config, "VP", template_id)
    page = upload(client, token, (sent_as, data)).text
    [name] = set(stored_names(page))
    report = client.get(re.search(rf"/submissions/{name}/outputs/[^\"]+", page).group(0))
    assert report.status_code == 200
    assert report.headers["content-disposition"] == \
        app.attachment(site.portal.download_name(template_id, "VP", "kết quả kiểm tra"))["Content-Disposition"]
    sent = app.attachment(site.portal.download_name(template_id, "VP", "bản gửi"))["Content-Disposition"]
    sent = sent.split(".xlsx")[0]  # then « lúc <giờ> ngày <ngày>»
    response = client.get(f"/submissions/{name}/file")
    disposition = response.headers["content-disposition"]
    assert response.content == data
    assert disposition.startswith(sent) and '.xlsx"' in disposition
    assert ".exe" not in disposition and ".html" not in disposition and disposition.count("filename=") == 1
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["x-content-type-options"] == "nosniff"
    standing, _ = sign_in(site, site.config.standing_unit)
    board = standing.get("/board").text
    link = next(line.split('href="')[1].split('"')[0] for line in board.splitlines()
                if 'href="/board/files/' in line)
    from_board = standing.get(link)
    assert from_board.content == data
    assert from_board.headers["content-disposition"].startswith(sent)
    assert ".exe" not in from_board.headers["content-disposition"]


def test_download_names_are_safe_and_keep_vietnamese_in_utf8():
    header = app.attachment("Báo cáo sơ kết đợt 1.xlsx")["Content-Disposition"]
    assert header == ('attachment; filename="Bao_cao_so_ket_dot_1.xlsx"; '
                      "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20s%C6%A1%20k%E1%BA%BFt%20%C4%91%E1%BB%A3t%201.xlsx")
    assert app.attachment('x"\r\n.xlsx')["Content-Disposition"].startswith('attachment; filename="x_.xlsx";')


# --- the sign-in throttle ------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_throttle_pauses_a_key_and_a_flood_of_names_cannot_lift_it():
    clock = Clock()
    throttle = guard.Throttle(tries=3, window=60, size=50, clock=clock)
    for _ in range(3):
        throttle.fail("kt")
    assert throttle.paused("kt") and not throttle.paused("vp")
    for i in range(500):  # names typed at random
        throttle.fail(f"x{i}")
    assert throttle.paused("kt") and len(throttle.failures) <= 50
    clock.now += 61  # a minute later every entry has expired, oldest first
    assert not throttle.paused("kt") and not throttle.paused("x1")
    assert len(throttle.failures) == 0


def test_throttle_expires_the_oldest_entries_first():
    clock = Clock()
    throttle = guard.Throttle(tries=2, window=60, size=3, clock=clock)
    throttle.fail("a")
    clock.now += 30
    throttle.fail("b")
    throttle.fail("c")
    assert throttle.paused("d")  # full of live entries: everyone waits, nobody's pause is lifted
    clock.now += 31  # "a" has expired, making room
    throttle.fail("d")
    throttle.fail("d")
    assert throttle.paused("d") and list(throttle.failures) == ["b", "c", "d"]


def test_sign_in_is_paused_per_name_and_per_client(site):
    def attempt(name: str, secret: str, address: str = "10.0.0.1"):
        client = TestClient(site.app, client=(address, 40000))
        token = CSRF.search(client.get("/login").text).group(1)
        return client.post("/login", data={"csrf": token, "username": name, "password": secret})

    for _ in range(app.LOGIN_TRIES):
        assert attempt("kt", "sai-mat-khau").status_code == 401
    assert attempt("kt", password("KT"), "10.0.0.2").status_code == 429  # the name is paused
    for i in range(app.CLIENT_TRIES):  # one computer trying many names
        assert attempt(f"ten-{i}", "sai-mat-khau", "10.0.0.3").status_code in (401, 429)
    paused = attempt("vp", password("VP"), "10.0.0.3")
    assert paused.status_code == 429 and "thử lại sau 1 phút" in paused.text
    assert attempt("vp", password("VP"), "10.0.0.4").status_code == 200  # other computers still may


# --- Windows -------------------------------------------------------------------------------------

def test_upload_is_stored_once_where_a_folder_cannot_be_opened(site, monkeypatch):
    real_open = os.open

    def windows_open(path, flags, *args, **kwargs):
        if Path(path).is_dir():
            raise PermissionError(13, "Access is denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", windows_open)
    client, token = sign_in(site, "VP")
    data = demo_bytes(site.config, "VP", first_template(site, "VP"))
    response = upload(client, token, ("bieu.xlsx", data))
    assert response.status_code == 200 and "Hợp lệ" in response.text
    [path] = received(site)
    assert path.read_bytes() == data and store.sidecar(path)["original_name"] == "bieu.xlsx"


def test_the_build_child_speaks_utf8_whatever_the_console_code_page(site, monkeypatch):
    text = "Đã tổng hợp xong: báo cáo sơ kết, phụ lục số liệu — ệ ữ ỗ"
    monkeypatch.setenv("PYTHONIOENCODING", "cp1258")  # a Vietnamese Windows console's code page
    monkeypatch.setenv("PYTHONUTF8", "0")
    monkeypatch.setattr(app.Builder, "command", lambda self: [sys.executable, "-c", f"print({text!r})"])
    builder = site.portal.builder
    assert builder.start("kiem-thu")
    assert builder.wait(timeout=60)
    assert builder.code == 0 and text in builder.tail()


# --- one poisoned file never blocks the others ---------------------------------------------------

def poisoned_tthc(config) -> bytes:
    """The TTHC template with `_x0007_` (Excel's escape of a bell character) in a number cell."""
    data = demo.data_for("tthc", config, "TTPVHCC")
    sheet = next(s for s in CATALOG["tthc"].sheets if data.get(s.key))
    field = next(f for f in sheet.fields if f.numeric)
    data[sheet.key][0][field.key] = "_x0007_"
    return demo_bytes(config, "TTPVHCC", "tthc", data)


def test_a_poisoned_file_does_not_stop_another_units_valid_file(site):
    poisoned = poisoned_tthc(site.config)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(poisoned)).get_sheet_by_name("TTHC").to_python()
    assert any("\x07" in row for row in rows)  # the reader sees the control character itself
    centre, centre_token = sign_in(site, "TTPVHCC")
    first = upload(centre, centre_token, ("tthc_loi.xlsx", poisoned))
    assert first.status_code == 200 and "Bị trả lại" in first.text
    vp, vp_token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    valid = upload(vp, vp_token, ("dung.xlsx", demo_bytes(site.config, "VP", template_id)))
    assert valid.status_code == 200 and "Hợp lệ" in valid.text
    [stored] = set(stored_names(valid.text))
    portal = site.portal
    assert portal.ingester.wait(portal.ingester.request(), timeout=600)
    mine = [s for s in portal.submissions() if s["path"] == f"{store.RECEIVED}/{stored}"]
    assert mine and mine[0]["status"] in ("accepted", "warnings")
    rows, _at, _checks, stale = portal.board_rows()
    row = next(r for r in rows if r.unit_code == "VP" and r.template_id == template_id)
    assert not stale and row.state in ("accepted", "warnings")
    centre_row = next(r for r in rows if r.unit_code == "TTPVHCC" and r.template_id == "tthc")
    assert centre_row.state == "rejected"
    sheet = load_workbook(site.outputs / board.WORKBOOK_NAME).active  # the board's workbook
    states = {(r[1], r[3]): r[4] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert states[("VP", CATALOG[template_id].title)] == board.STATES[row.state]
    assert states[("TTPVHCC", CATALOG["tthc"].title)] == board.STATES["rejected"]
    # and in the report: the build (as the rebuild button runs it) completes with VP's figures
    from pipeline import build

    assert build.run(site.inputs, site.outputs) == 0
    assert (site.outputs / build.REPORT_NAME).is_file()
    cover = "\n".join(str(c.value) for r in load_workbook(site.outputs / build.ANNEX_NAME).worksheets[0].iter_rows()
                      for c in r if c.value)
    vp_line = f"- {CATALOG[template_id].title}: {site.config.unit('VP').name}, tệp {stored}"
    assert vp_line in cover  # a source of the report
    assert f"{site.config.unit('TTPVHCC').name} (TTPVHCC): {CATALOG['tthc'].title}" in cover  # still missing


# --- an unexpected error ---------------------------------------------------------------------------

def test_an_unexpected_error_is_a_vietnamese_500_and_its_traceback_goes_to_the_log(site, monkeypatch, caplog):
    client, _ = sign_in(site, "VP")

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng bất ngờ")

    monkeypatch.setattr(site.portal, "history", broken)
    response = client.get("/")
    assert response.status_code == 500 and '<html lang="vi">' in response.text
    assert "lỗi đã được ghi vào nhật ký" in response.text and "RuntimeError" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    [record] = [r for r in caplog.records if r.exc_info and r.getMessage() == "unexpected error on GET /"]
    assert record.exc_info[0] is RuntimeError
    line = guard.ShortConsole("%(message)s").format(record)
    assert "\n" not in line and "Traceback" not in line and "RuntimeError" in line
    assert client.get(f"/templates/{first_template(site, 'VP')}").status_code == 200  # the portal goes on


def test_slots_run_at_most_size_at_once_and_refuse_past_the_queue():
    import asyncio
    import threading

    slots, gate = guard.Slots(2, 3), threading.Event()

    async def burst():
        tasks = [asyncio.create_task(slots.run(gate.wait, 5)) for _ in range(8)]
        await asyncio.sleep(0.2)  # two running, three waiting, three refused at once
        refused = [t for t in tasks if t.done() and isinstance(t.exception(), guard.Busy)]
        assert (slots.running, slots.waiting, len(refused)) == (2, 3, 3)
        gate.set()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        return [d for d in done if not isinstance(d, guard.Busy)]

    assert asyncio.run(burst()) == [True] * 5 and slots.peak == 2


def test_an_attempt_in_flight_counts_and_a_success_is_taken_back():
    throttle = guard.Throttle(2, 60, 10)
    throttle.fail("a")  # started
    throttle.fail("a")  # started too, still in flight
    assert throttle.paused("a")
    throttle.take_back("a")  # the second succeeded
    assert not throttle.paused("a") and throttle.failures["a"]
    throttle.take_back("a")
    assert "a" not in throttle.failures


# --- a refused file belongs to its sender (issue 27, item 4) ---------------------------------------

def test_a_file_refused_as_another_units_is_recorded_under_the_sender(site):
    template_id = next(t for t in site.config.unit("KT").templates if t not in site.config.unit("VP").templates)
    theirs = demo_bytes(site.config, "KT", template_id)  # KT's own template, KT's code in its identity sheet
    vp, vp_token = sign_in(site, "VP")
    response = upload(vp, vp_token, ("cua_kt.xlsx", theirs))
    assert "Bị trả lại" in response.text
    [stored] = set(stored_names(response.text))
    portal = site.portal
    assert portal.ingester.wait(portal.ingester.request(), timeout=600)
    [mine] = [s for s in portal.submissions() if s["path"].endswith(stored)]
    assert mine["status"] == "rejected" and mine["unit_code"] == "VP"
    rows, _at, _checks, _stale = portal.board_rows()
    victim = [r for r in rows if r.unit_code == "KT"]
    assert all(r.state == "missing" and r.n_files == 0 for r in victim), [(r.template_id, r.state) for r in victim]
    kt, _ = sign_in(site, "KT")
    assert stored not in kt.get("/history").text  # never listed under the unit it names
    assert stored in vp.get("/history").text
    assert kt.get(f"/submissions/{stored}").status_code == 403
    sheet = load_workbook(site.outputs / board.WORKBOOK_NAME).active  # the board's workbook
    state = [c.value for c in sheet[4]].index("Tình trạng")
    assert {r[state] for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == "KT"} == {board.STATES["missing"]}

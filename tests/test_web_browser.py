"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

A unit signs in, downloads a template, uploads a valid (demo) and an invalid file and reads the
messages; another unit cannot see them; the standing unit's board shows both states and rebuilds
the report. Screenshots of the main pages go to outputs/screenshots/ (desktop and phone width).
"""

from __future__ import annotations

import re
import socket
import threading
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from openpyxl import load_workbook
from test_web import online_mismatch

from pipeline.core import layout, paths
from pipeline.topics import CATALOG
from pipeline.web import store
from pipeline.web.app import create_app
from tests.web_util import broken_bytes, demo_bytes, make_inputs, password, write_accounts

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = paths.OUTPUTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, config):
    accounts_file = write_accounts(tmp_path, config)
    inputs, outputs = make_inputs(tmp_path / "site", accounts_file, datetime.now() + timedelta(days=3))
    app = create_app(inputs, outputs)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if uv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app.state.portal, tmp_path
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


def sign_in(browser, url: str, code: str, viewport=DESKTOP, shot: str | None = None):
    context = browser.new_context(viewport=viewport, accept_downloads=True, locale="vi-VN",
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    page.goto(url + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", code.lower())
    page.fill("input[name=password]", password(code))
    if shot:
        page.screenshot(path=SHOTS / shot, full_page=True)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(url + "/")
    return context, page


def no_template_id(page) -> bool:
    """No template id in what the reader sees (titles only)."""
    text = page.inner_text("body")
    return not [t for t in CATALOG if re.search(rf"(?<![\w.]){re.escape(t)}(?![\w.])", text)]


def test_units_and_standing_unit_in_a_browser(server, browser, tmp_path):
    url, portal, _ = server
    config = portal.config
    SHOTS.mkdir(parents=True, exist_ok=True)
    sender = next(u for u in config.units if len(u.templates) >= 2 and u.code != config.standing_unit)
    good_id, bad_id = sender.templates[:2]

    # A unit signs in and downloads its template, pre-filled with its identity.
    context, page = sign_in(browser, url, sender.code, shot="01_dang_nhap.png")
    assert page.get_by_text(sender.name).first.is_visible()
    page.screenshot(path=SHOTS / "02_trang_don_vi.png", full_page=True)
    with page.expect_download() as info:
        page.click(f"a[href='/templates/{good_id}']")
    template_path = tmp_path / info.value.suggested_filename
    info.value.save_as(template_path)
    assert template_path.name == f"{CATALOG[good_id].title} – {sender.name} – biểu mẫu trống.xlsx"
    meta = dict(load_workbook(template_path)[layout.META_SHEET].iter_rows(max_col=2, values_only=True))
    assert meta["unit_code"] == sender.code

    # It uploads a valid (demo) file and an invalid one and reads each result.
    good, bad = tmp_path / "bieu_dung.xlsx", tmp_path / "bieu_sai.xlsx"
    good.write_bytes(demo_bytes(config, sender.code, good_id))
    data, where = broken_bytes(config, sender.code, bad_id)
    bad.write_bytes(data)
    cell = where.split("!")[1]
    page.set_input_files("input[type=file]", [str(good), str(bad)])
    assert "bieu_dung.xlsx" in page.inner_text("#chosen")
    page.click("button:has-text('Gửi và kiểm tra')")
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")
    result_url = page.url
    assert "/result/" in result_url  # Post/Redirect/Get: the result has its own address
    page.reload()  # never sends the files again
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")
    assert page.url == result_url
    cards = page.locator("article.result")
    assert cards.count() == 2
    assert no_template_id(page)
    first, second = cards.nth(0).inner_text(), cards.nth(1).inner_text()
    assert "bieu_dung.xlsx" in first and re.search("Hợp lệ — đã nhận|Đã nhận, có cảnh báo", first)
    assert "bieu_sai.xlsx" in second and "Bị trả lại — cần sửa và gửi lại" in second
    assert cards.nth(1).locator("td[data-label='Ô']", has_text=cell).count() >= 1
    assert "nhiều" in second
    page.screenshot(path=SHOTS / "03_ket_qua_gui_tep.png", full_page=True)
    with page.expect_download() as info:
        cards.nth(1).get_by_text("Tải bản có đánh dấu ô cần sửa").click()
    annotated = tmp_path / "danh_dau.xlsx"
    info.value.save_as(annotated)
    assert zipfile.is_zipfile(annotated)
    bad_detail = cards.nth(1).locator("a", has_text="Tải tệp đã gửi").get_attribute("href")
    submission_links = sorted({href for href in page.eval_on_selector_all(
        "a[href^='/submissions/']", "els => els.map(e => e.getAttribute('href'))")})
    page.goto(url + "/history")
    assert page.locator("table.history tbody tr").count() == 2  # one upload of two files, reloaded: still 2
    assert no_template_id(page)
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page.inner_text("table.history"))
    page.screenshot(path=SHOTS / "04_lich_su.png", full_page=True)
    context.close()

    # The same pages at phone width.
    context, page = sign_in(browser, url, sender.code, viewport=PHONE, shot="10_dien_thoai_dang_nhap.png")
    page.screenshot(path=SHOTS / "11_dien_thoai_trang_don_vi.png", full_page=True)
    page.goto(url + bad_detail.removesuffix("/file"))
    assert "Bị trả lại" in page.inner_text("article.result")
    page.screenshot(path=SHOTS / "12_dien_thoai_ket_qua.png", full_page=True)
    context.close()

    # Another unit sees none of it and is refused the files.
    other = next(u for u in config.units if u.code not in (sender.code, config.standing_unit))
    context, page = sign_in(browser, url, other.code)
    assert "bieu_dung.xlsx" not in page.content() and "bieu_sai.xlsx" not in page.content()
    page.goto(url + "/history")
    assert "bieu_sai.xlsx" not in page.content()
    for href in submission_links:
        response = page.goto(url + href)
        assert response.status == 403, href
    assert "Không có quyền truy cập" in page.content()
    page.screenshot(path=SHOTS / "05_don_vi_khac_bi_tu_choi.png", full_page=True)
    response = page.goto(url + f"/templates/{bad_id}")
    assert response.status == 403
    assert page.goto(url + "/board").status == 403
    context.close()

    # The standing unit's board shows both states, then rebuilds the report.
    context, page = sign_in(browser, url, config.standing_unit)
    page.click("nav a:has-text('Tình hình nộp')")
    page.wait_for_selector("table.board")

    assert no_template_id(page)

    def state(template_id: str) -> str:
        row = page.locator("table.board tbody tr", has_text=f"({sender.code})").filter(
            has=page.locator("td[data-label='Biểu']", has_text=CATALOG[template_id].title))
        return row.locator("td[data-label='Tình trạng']").inner_text()

    assert re.search("hợp lệ|có cảnh báo", state(good_id))
    assert "bị trả lại" in state(bad_id)
    assert "chưa nộp" in page.inner_text("table.board")
    page.screenshot(path=SHOTS / "06_bang_tinh_hinh.png", full_page=True)
    page.click("button:has-text('Tổng hợp lại báo cáo')")
    page.wait_for_url(re.compile(r"/board"))
    for _ in range(600):
        if page.locator("#build-done").count():
            break
        time.sleep(1)
        page.reload()
    assert "Tổng hợp xong" in page.inner_text("#build-done")
    with page.expect_download() as info:
        page.click("a[href='/outputs/bao-cao']")
    report = tmp_path / "bao_cao.docx"
    info.value.save_as(report)
    assert zipfile.is_zipfile(report) and "word/document.xml" in zipfile.ZipFile(report).namelist()
    assert page.locator("a[href='/outputs/phu-luc']").count() == 1
    page.screenshot(path=SHOTS / "07_bang_tinh_hinh_sau_tong_hop.png", full_page=True)
    context.close()

    context, page = sign_in(browser, url, config.standing_unit, viewport=PHONE)
    page.goto(url + "/board")
    page.screenshot(path=SHOTS / "13_dien_thoai_bang_tinh_hinh.png", full_page=True)
    context.close()


def test_cross_checks_on_the_board_and_the_units_page(server, browser):
    """ha_tang_so's online dossier figure 13 % above tthc's: the board's cross-check section shows
    it as a warning, and the sending unit reads it on its file's page."""
    url, portal, _ = server
    config = portal.config
    SHOTS.mkdir(parents=True, exist_ok=True)
    stored = store.save(portal.inputs, online_mismatch(config), "VP", "vp", "ha_tang_so.xlsx")
    for code, template_id in (("TTPVHCC", "tthc"), ("VHXH", "nhan_su")):
        store.save(portal.inputs, demo_bytes(config, code, template_id), code, code.lower(), f"{template_id}.xlsx")

    context, page = sign_in(browser, url, config.standing_unit)
    page.goto(url + "/board")
    section = page.locator("#cross-checks")
    online = section.locator("tr.check", has_text="hồ sơ tiếp nhận trực tuyến")
    assert "lệch — cảnh báo" in online.locator("td[data-label='Kết quả']").inner_text()
    assert "+413 (+13,4%)" in online.inner_text() and "3.500" in online.inner_text()
    assert section.locator("tr.check.ok").count() == 1 and section.locator("tr.check.missing").count() == 2
    section.screenshot(path=SHOTS / "08_doi_chieu_so_lieu.png")
    context.close()

    context, page = sign_in(browser, url, "VP")
    page.goto(url + f"/submissions/{stored.name}")
    card = page.locator("article.result").inner_text()
    assert "Cảnh báo đối chiếu — lệch" in card and "3.087" in card
    page.screenshot(path=SHOTS / "09_don_vi_canh_bao_doi_chieu.png", full_page=True)
    context.close()

    context, page = sign_in(browser, url, config.standing_unit, viewport=PHONE)
    page.goto(url + "/board")
    page.locator("#cross-checks").screenshot(path=SHOTS / "14_dien_thoai_doi_chieu.png")
    context.close()

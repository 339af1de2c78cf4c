"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

A unit signs in, downloads a template, uploads a valid (demo) and an invalid file and reads the
messages; another unit cannot see them; the standing unit's board shows both states and rebuilds
the report. An implausible month is warned about at its cell, confirmed by the unit, the file
signed off by the unit's head, and a new upload needs a new sign-off. Screenshots of the main pages go to outputs/screenshots/ (desktop and phone width).
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
import zipfile
from datetime import datetime, timedelta

import pytest
import uvicorn
from openpyxl import load_workbook
from test_web import online_mismatch

from pipeline.core import layout, paths, vn, words
from pipeline.topics import CATALOG
from pipeline.web import accounts, store
from pipeline.web.app import create_app
from tests.conftest import CHROMIUM, needs
from tests.test_signoff import HEAD, HEAD_NAME, outlier_tthc, usual_range
from tests.web_util import broken_bytes, demo_bytes, make_inputs, password, write_accounts

playwright_api = pytest.importorskip("playwright.sync_api")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = paths.OUTPUTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.slow, needs("chromium")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, config):
    accounts_file = write_accounts(tmp_path, config)
    accounts.set_account(tmp_path, HEAD, password(HEAD), "TTPVHCC", config, role="head", full_name=HEAD_NAME)
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
    assert words.BEFORE_SIGNING in page.inner_text("#before-signing")  # most units have not sent yet
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


def test_outlier_follow_up_and_head_signoff_in_a_browser(server, browser):
    """A TTHC file with one implausible month: the result page warns at the cell with the usual
    range; the unit confirms the figure with a comment; the head signs the file off and the board
    shows «đã xác nhận» with who; a new upload brings back «chưa xác nhận»."""
    url, portal, tmp_path = server
    config = portal.config
    SHOTS.mkdir(parents=True, exist_ok=True)
    data, cell = outlier_tthc(config)
    low, high = usual_range(config)
    tthc_sheet = CATALOG["tthc"].sheets[0].name
    odd = tmp_path / "tthc_thang_la.xlsx"
    odd.write_bytes(data)

    context, page = sign_in(browser, url, "TTPVHCC")
    page.set_input_files("input[type=file]", [str(odd)])
    page.click("button:has-text('Gửi và kiểm tra')")
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")
    card = page.locator("article.result")
    assert "Đã nhận, có cảnh báo" in card.inner_text()
    warned = card.locator("table.problems tr", has_text="khác xa").filter(
        has=page.locator("td[data-label='Ô']", has_text=cell))
    assert f"thường từ {vn.number(low)} đến {vn.number(high)} hồ sơ" in warned.inner_text()
    page.screenshot(path=SHOTS / "15_canh_bao_so_lieu_la.png", full_page=True)
    detail = card.locator("a", has_text="Tải tệp đã gửi").get_attribute("href").removesuffix("/file")
    page.goto(url + detail)  # the file's own page (no refresh while the comment is typed)
    reason = "Tháng này có đợt cấp đổi giấy tờ hàng loạt"
    page.fill("#xem-lai textarea[name=comment]", reason)
    page.click("#xem-lai button:has-text('Xác nhận số liệu đúng')")
    page.wait_for_selector("#xem-lai .alert.good")
    assert reason in page.inner_text("#xem-lai")
    context.close()

    context, page = sign_in(browser, url, HEAD)
    page.click("nav a:has-text('Xác nhận số liệu')")
    row = page.locator("section.signoff-item", has_text=CATALOG["tthc"].title)
    assert "tthc_thang_la.xlsx" in row.inner_text() and hashlib.sha256(data).hexdigest() in row.inner_text()
    assert words.SIGNOFF["unsigned"] in row.inner_text()
    # the figures being confirmed and the open warnings are on screen, above the button
    figures, button = row.locator("table.key-figures").first, row.locator("button:has-text('Xác nhận số liệu')")
    assert figures.is_visible() and row.locator("ul.open-warnings").is_visible()
    assert figures.bounding_box()["y"] < button.bounding_box()["y"]
    page.screenshot(path=SHOTS / "16_thu_truong_xac_nhan.png", full_page=True)
    button.click()
    page.wait_for_selector("#signoff-done")
    assert words.SIGNOFF["signed"] in page.locator("section.signoff-item", has_text=CATALOG["tthc"].title).inner_text()
    context.close()

    def board_state() -> str:
        page.goto(url + "/board")
        row = page.locator("table.board tbody tr", has_text="(TTPVHCC)").filter(
            has=page.locator("td[data-label='Biểu']", has_text=CATALOG["tthc"].title))
        return row.locator("td[data-label='Xác nhận số liệu']").inner_text()

    context, page = sign_in(browser, url, config.standing_unit)
    signed = board_state()
    assert signed.startswith(words.SIGNOFF["signed"]) and HEAD_NAME in signed
    follow_up = page.locator("#follow-up tr.follow-up", has_text=cell)
    assert reason in follow_up.inner_text() and words.FOLLOW_UP["confirmed"] in follow_up.inner_text()
    page.locator("#follow-up").screenshot(path=SHOTS / "17_so_lieu_can_xem_lai.png")
    # Where a figure comes from: the explain page lists the cells of the TTHC file
    page.click("nav a:has-text('Nguồn gốc số liệu')")
    page.click("a:has-text('Tiếp nhận và giải quyết hồ sơ thủ tục hành chính theo tháng')")
    page.wait_for_selector("#explanation")
    cells = page.locator("#explanation table.cells tbody tr")
    assert cells.count() > 0 and "Cách tính" in page.inner_text("#explanation")
    assert re.search(rf"_TTPVHCC_\w{{8}}\.xlsx › {re.escape(tthc_sheet)}![A-Z]+\d+ = ", cells.first.inner_text())
    assert no_template_id(page)
    page.screenshot(path=SHOTS / "19_nguon_goc_so_lieu.png")
    context.close()

    fixed = tmp_path / "tthc_da_sua.xlsx"
    fixed.write_bytes(demo_bytes(config, "TTPVHCC", "tthc"))
    context, page = sign_in(browser, url, "TTPVHCC")
    page.set_input_files("input[type=file]", [str(fixed)])
    page.click("button:has-text('Gửi và kiểm tra')")
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")
    context.close()
    context, page = sign_in(browser, url, config.standing_unit)
    assert board_state().strip() == words.SIGNOFF["unsigned"]  # the new file needs a new sign-off
    assert page.locator("#follow-up tr.follow-up").count() == 0  # the month is right in the new file
    page.screenshot(path=SHOTS / "18_bang_tinh_hinh_chua_xac_nhan.png", full_page=True)
    context.close()

"""From an empty inputs/ to a report naming the ward, in a real browser (Playwright, Debian's Chromium):
the first-run page builds the configuration and the first account, the «Cài đặt» page adds units
and accounts (each time with mistakes first, all listed at once beside their fields), a unit
uploads, the standing unit builds; the saved configuration equals a hand-written one.

With SOKET_SCREENSHOTS=docs/anh (a folder, relative to the project), the first-run page, the
settings page with its mistakes, the saved page, its units and its accounts are photographed there
for the user guide (cai_dat_*.png, the browser's window, not the whole page: small pictures).
"""

from __future__ import annotations

import os
import re
import threading
import time
import tomllib
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import uvicorn

from pipeline.core import paths
from pipeline.core.config import load
from pipeline.web import accounts
from pipeline.web.app import create_app
from tests.conftest import CHROMIUM, needs
from tests.web_util import demo_bytes

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, needs("chromium")]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEW = {"width": 1200, "height": 860}
HEAD, HEAD_PASSWORD = "vhxh.lan", "matkhau-vhxh-lan"

# What the clerk types, and the file it must give (written by hand, as the README teaches; the
# templates in the catalog's order, the order of the page's boxes).
EXPECTED = """
[commune]
kind = "phường"
name = "Thành Sen"
province = "tỉnh Hà Tĩnh"
place = "Thành Sen"
plan_ref = "Kế hoạch sơ kết 01 năm hoạt động của chính quyền phường Thành Sen"

[period]
start = 2025-07-01
cutoff = 2026-04-30
deadline = 2027-01-15T17:00:00
month_starts_on = 15

[standing_unit]
code = "VHXH"
contact_person = "Trần Thị Lan"

[[units]]
code = "VP"
name = "Văn phòng HĐND và UBND phường"
templates = ["lanh_dao", "ha_tang_so", "so_hoa", "danh_gia"]

[[units]]
code = "VHXH"
name = "Phòng Văn hóa – Xã hội phường"
templates = ["phan_cap", "nhan_su", "danh_gia"]

[[units]]
code = "KT"
name = "Phòng Kinh tế, Hạ tầng và Đô thị phường"
templates = ["ngan_sach", "tai_san", "danh_gia"]

[[units]]
code = "TTPVHCC"
name = "Trung tâm Phục vụ hành chính công phường"
templates = ["tthc", "danh_gia"]

[[units]]
code = "QS"
name = "Ban Chỉ huy Quân sự phường"
templates = ["danh_gia"]

[[leaders]]
section = "II.9"
name = "Nguyễn Văn Bình"
title = "Chủ tịch UBND phường"

[signatory]
authority = "KT. CHỦ TỊCH"
title = "PHÓ CHỦ TỊCH"
name = "Lê Thị Hằng"

[archives]
fonds = ["Phông UBND phường Thành Sen (từ 01/7/2025)"]

[staffing]
bodies = ["Văn phòng HĐND và UBND phường", "Phòng Văn hóa – Xã hội phường"]
"""


def shots() -> Path | None:
    folder = os.environ.get("SOKET_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder) if Path(folder).is_absolute() else paths.ROOT / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page, name: str, selector: str | None = None) -> None:
    folder = shots()
    if folder is None:
        return
    if selector:  # the part to show at the top of the picture
        page.locator(selector).first.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 16)")
    else:
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=folder / name)


@pytest.fixture
def empty_site(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    app = create_app(inputs, outputs)
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app.state.portal, inputs
    server.should_exit = True
    thread.join(timeout=10)
    app.state.portal.ingester.stop()


def errors(page) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in page.locator("p.field-error[data-field]").all():
        found.setdefault(item.get_attribute("data-field"), []).append(item.inner_text())
    return found


def unit_row(page, row: int, code: str, name: str, templates: list[str]) -> None:
    page.fill(f"input[name='units[{row}].code']", code)
    page.fill(f"input[name='units[{row}].name']", name)
    for template in templates:
        page.check(f"input[name='units[{row}].templates'][value='{template}']")


def sign_in(browser, url: str, username: str, secret: str):
    context = browser.new_context(viewport=VIEW, accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", secret)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(url + "/")
    return context, page


def test_a_ward_configured_on_the_portal_from_nothing(empty_site, tmp_path):
    url, portal, inputs = empty_site
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            run(browser, url, portal, inputs, tmp_path)
        finally:
            browser.close()


def run(browser, url, portal, inputs, tmp_path):
    # 1. No configuration: every page leads to the first-run page, which says who may use it.
    context = browser.new_context(viewport=VIEW, locale="vi-VN")
    page = context.new_page()
    page.goto(url + "/board")
    assert page.url == url + "/setup"
    assert "chỉ mở được trên chính máy chạy cổng" in page.inner_text("main")
    page.select_option("select[name='commune.kind']", "phường")
    page.fill("input[name='commune.name']", "Thành Sen")
    page.fill("input[name='commune.place']", "Thành Sen")
    page.fill("input[name='commune.plan_ref']", "Kế hoạch sơ kết 01 năm hoạt động của chính quyền phường Thành Sen")
    page.fill("input[name='period.start']", "01/07/2025")
    page.fill("input[name='period.cutoff']", "30/04/2025")  # mistake: before the start
    page.fill("input[name='period.deadline']", "17:00 15/01/2027")
    page.fill("input[name='period.month_starts_on']", "15")
    unit_row(page, 1, "VP", "Văn phòng HĐND và UBND xã", ["so_hoa", "lanh_dao", "ha_tang_so", "danh_gia"])  # «xã»
    unit_row(page, 2, "VH XH", "Phòng Văn hóa – Xã hội phường", ["nhan_su", "phan_cap", "danh_gia"])  # a space
    unit_row(page, 3, "KT", "Phòng Kinh tế, Hạ tầng và Đô thị phường", ["ngan_sach", "tai_san", "danh_gia"])
    page.check("input[name='standing_unit.code'][value='2']")
    page.fill("input[name='standing_unit.contact_person']", "Trần Thị Lan")
    page.fill("input[name='signatory.authority']", "KT. CHỦ TỊCH")
    page.fill("input[name='signatory.title']", "PHÓ CHỦ TỊCH")
    page.fill("input[name='signatory.name']", "Lê Thị Hằng")
    page.fill("textarea[name='archives.fonds']", "Phông UBND phường Thành Sen (từ 01/7/2025)")
    page.fill("textarea[name='staffing.bodies']", "Văn phòng HĐND và UBND phường\nPhòng Văn hóa – Xã hội phường")
    page.fill("input[name='account.username']", HEAD)
    page.fill("input[name='account.full_name']", "Trần Thị Lan")
    page.fill("input[name='account.password']", HEAD_PASSWORD)
    page.fill("input[name='account.password2']", "matkhau-khac")  # mistake
    shoot(page, "cai_dat_lan_dau.png")
    page.click("button:has-text('Lưu cấu hình và tạo tài khoản')")
    page.wait_for_selector("#form-errors")
    found = errors(page)
    assert set(found) == {"commune.province", "period.cutoff", "units[1].name", "units[2].code",
                          "account.password2"}, found  # all at once, each beside its field
    assert "Văn phòng HĐND và UBND phường" in found["units[1].name"][0]  # the fix, spelled out
    assert f"có {sum(map(len, found.values()))} lỗi" in page.inner_text("#form-errors")
    assert page.input_value("input[name='commune.name']") == "Thành Sen"  # what was typed stays
    assert not (inputs / paths.CONFIG_NAME).exists()
    page.fill("input[name='commune.province']", "tỉnh Hà Tĩnh")
    page.fill("input[name='period.cutoff']", "30/04/2026")
    page.fill("input[name='units[1].name']", "Văn phòng HĐND và UBND phường")
    page.fill("input[name='units[2].code']", "VHXH")
    page.fill("input[name='account.password']", HEAD_PASSWORD)
    page.fill("input[name='account.password2']", HEAD_PASSWORD)
    page.click("button:has-text('Lưu cấu hình và tạo tài khoản')")
    page.wait_for_selector("#first-done")
    assert page.url.startswith(url + "/login")
    context.close()

    # 2. The head of the standing unit adds two units (mistakes first), a leader and accounts.
    context, page = sign_in(browser, url, HEAD, HEAD_PASSWORD)
    page.click("nav a:has-text('Cài đặt')")
    page.wait_for_selector("h1:has-text('Cài đặt')")
    unit_row(page, 4, "KT", "Trung tâm Phục vụ hành chính công phường", ["tthc", "danh_gia"])  # KT is taken
    unit_row(page, 5, "QS", "", ["danh_gia"])  # no name
    page.fill("input[name='period.month_starts_on']", "40")
    page.fill("input[name='leader.II.9.name']", "Nguyễn Văn Bình")
    page.click("button:has-text('Lưu cấu hình')")
    page.wait_for_selector("#form-errors")
    found = errors(page)
    assert set(found) == {"units[4].code", "units[5].name", "period.month_starts_on", "leader.II.9.title"}, found
    shoot(page, "cai_dat_loi.png", "#form-errors")
    page.fill("input[name='units[4].code']", "TTPVHCC")
    page.fill("input[name='units[5].name']", "Ban Chỉ huy Quân sự phường")
    page.fill("input[name='period.month_starts_on']", "15")
    page.fill("input[name='leader.II.9.title']", "Chủ tịch UBND phường")
    page.click("button:has-text('Lưu cấu hình')")
    page.wait_for_selector("#saved")
    shoot(page, "cai_dat_da_luu.png")
    shoot(page, "cai_dat_don_vi.png", "table.units")
    assert len(portal.config.units) == 5 and portal.config.full_name == "phường Thành Sen"
    assert len(list((inputs / paths.CONFIG_HISTORY).glob("*.toml"))) == 1  # the first-run version, kept
    for username, unit in (("tthc", "TTPVHCC"), ("vp", "VP")):
        page.fill("#new-account input[name=username]", username)
        page.select_option("#new-account select[name=unit_code]", unit)
        page.fill("#new-account input[name=password]", "ngan")  # mistake
        page.click("button:has-text('Thêm tài khoản')")
        page.wait_for_selector("#new-account .field-error")
        assert "ít nhất 8 ký tự" in page.inner_text("#new-account")
        assert page.input_value("#new-account input[name=username]") == username
        page.fill("#new-account input[name=password]", f"matkhau-{username}-1")
        page.click("button:has-text('Thêm tài khoản')")
        page.wait_for_selector("#account-saved")
    assert {a.unit_code for a in accounts.load_all(inputs).values()} == {"VHXH", "TTPVHCC", "VP"}
    shoot(page, "cai_dat_tai_khoan.png", "#tai-khoan")
    context.close()

    # 3. A unit signs in and uploads; the standing unit builds; the report names the ward.
    context, page = sign_in(browser, url, "tthc", "matkhau-tthc-1")
    sent = tmp_path / "bieu_tthc.xlsx"
    sent.write_bytes(demo_bytes(portal.config, "TTPVHCC", "tthc"))
    page.set_input_files("input[type=file]", [str(sent)])
    page.click("button:has-text('Gửi và kiểm tra')")
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")
    assert re.search("Hợp lệ — đã nhận|Đã nhận, có cảnh báo", page.inner_text("article.result"))
    context.close()
    context, page = sign_in(browser, url, HEAD, HEAD_PASSWORD)
    page.goto(url + "/board")
    page.click("button:has-text('Tổng hợp lại báo cáo')")
    for _ in range(600):
        if page.locator("#build-done").count():
            break
        time.sleep(1)
        page.reload()
    assert "Tổng hợp xong" in page.inner_text("#build-done")
    with page.expect_download() as info:
        page.click("a[href='/outputs/bao-cao']")
    assert info.value.suggested_filename.endswith("phường Thành Sen.docx")
    report = tmp_path / "bao_cao.docx"
    info.value.save_as(report)
    document = zipfile.ZipFile(report).read("word/document.xml").decode("utf-8")
    assert "PHƯỜNG THÀNH SEN" in document.upper() and "Thành Sen" in document
    context.close()

    # 4. The saved configuration equals the hand-written one: the same Config, the same tables.
    hand = tmp_path / "viet_tay.toml"
    hand.write_text(EXPECTED, encoding="utf-8")
    saved = inputs / paths.CONFIG_NAME
    assert replace(load(saved), path=hand) == load(hand)
    assert tomllib.loads(saved.read_text(encoding="utf-8")) == tomllib.loads(EXPECTED)

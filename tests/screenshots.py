"""The user guide's pictures, taken from the real portal and the real outputs (run by `make docs`):

    python -m tests.screenshots docs/anh

The portal is started on temporary copies of the demo configuration (as tests/test_web_browser.py
does) and photographed in Debian's Chromium through Playwright: the sign-in page, a unit's home
page, an upload result with errors, the standing unit's board and «Cài đặt» page, the unit head's
sign-off page, and the first-run page on an empty inputs/. The demo build's report and annex are
printed by LibreOffice and one page of each turned into a picture by pdftoppm. Nothing is written
outside the folder given (the pictures) and a temporary folder.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from pipeline import build
from pipeline.core import paths
from pipeline.web import accounts
from pipeline.web.app import create_app
from tests.conftest import CHROMIUM

with warnings.catch_warnings():  # starlette's TestClient (imported by the test helpers, unused here) warns
    warnings.simplefilter("ignore")
    from tests.test_signoff import HEAD, HEAD_NAME
    from tests.web_util import broken_bytes, demo_bytes, make_inputs, password, write_accounts

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEW = {"width": 1200, "height": 800}
HEAD_UNIT = "TTPVHCC"  # the unit whose head signs off (tests/test_signoff.py)


@contextmanager
def portal(inputs: Path, outputs: Path):
    """The portal on these folders, served on a free local port: yields its address."""
    app = create_app(inputs, outputs)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.portal.ingester.stop()


def sign_in(browser, url: str, username: str, secret: str, shot: Path | None = None):
    context = browser.new_context(viewport=VIEW, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", secret)
    if shot:
        page.screenshot(path=shot)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(url + "/")
    return context, page


def upload(page, *files: Path) -> None:
    page.set_input_files("input[type=file]", [str(f) for f in files])
    page.click("button:has-text('Gửi và kiểm tra')")
    page.wait_for_selector("h1:has-text('Kết quả gửi tệp')")


def portal_pictures(browser, folder: Path, work: Path) -> None:
    config_accounts = work / "accounts"
    config_accounts.mkdir()
    from pipeline.core.config import load

    config = load(paths.INPUTS / paths.CONFIG_NAME)
    accounts_file = write_accounts(config_accounts, config)
    accounts.set_account(config_accounts, HEAD, password(HEAD), HEAD_UNIT, config, role="head", full_name=HEAD_NAME)
    inputs, outputs = make_inputs(work / "site", accounts_file, datetime.now() + timedelta(days=3))
    sender = next(u for u in config.units if len(u.templates) >= 2 and u.code not in (config.standing_unit, HEAD_UNIT))
    good, bad = work / "bieu_dung.xlsx", work / "bieu_sai.xlsx"
    good.write_bytes(demo_bytes(config, sender.code, sender.templates[0]))
    bad.write_bytes(broken_bytes(config, sender.code, sender.templates[1])[0])
    tthc = work / "bieu_tthc.xlsx"
    tthc.write_bytes(demo_bytes(config, HEAD_UNIT, "tthc"))
    with portal(inputs, outputs) as url:
        context, page = sign_in(browser, url, sender.code.lower(), password(sender.code), folder / "dang_nhap.png")
        page.screenshot(path=folder / "trang_don_vi.png")
        upload(page, good, bad)
        page.locator("article.result", has_text=bad.name).first.evaluate(
            "e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 16)")
        page.screenshot(path=folder / "ket_qua_co_loi.png")
        context.close()

        context, page = sign_in(browser, url, HEAD_UNIT.lower(), password(HEAD_UNIT))
        upload(page, tthc)
        context.close()
        context, page = sign_in(browser, url, HEAD, password(HEAD))
        page.click("nav a:has-text('Xác nhận số liệu')")
        page.wait_for_selector("section.signoff-item")
        page.screenshot(path=folder / "thu_truong_xac_nhan.png")
        context.close()

        standing = config.standing_unit
        context, page = sign_in(browser, url, standing.lower(), password(standing))
        page.goto(url + "/board")
        page.screenshot(path=folder / "tinh_hinh_nop.png")
        page.goto(url + "/settings")
        page.screenshot(path=folder / "cai_dat.png")
        context.close()

    empty_inputs, empty_outputs = work / "empty" / "inputs", work / "empty" / "outputs"
    empty_inputs.mkdir(parents=True)
    empty_outputs.mkdir()
    with portal(empty_inputs, empty_outputs) as url:
        context = browser.new_context(viewport=VIEW, locale="vi-VN")
        page = context.new_page()
        page.goto(url + "/setup")
        page.screenshot(path=folder / "lan_dau.png")
        context.close()


def output_pictures(folder: Path, work: Path) -> None:
    """One page of the demo report and of its annex, as LibreOffice prints them."""
    inputs, outputs = work / "build" / "inputs", work / "build" / "outputs"
    inputs.mkdir(parents=True)
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs)
    with contextlib.redirect_stdout(io.StringIO()):
        code = build.run(inputs, outputs)
    if code != 0:
        raise SystemExit("Lập báo cáo minh họa không thành công: không chụp được sản phẩm.")
    pdf = work / "pdf"
    profile = f"-env:UserInstallation={(work / 'lo_profile').as_uri()}"
    for source, page, name in (("bao_cao_so_ket.docx", 3, "bao_cao"), ("phu_luc_so_lieu.xlsx", 4, "phu_luc")):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(pdf),
                        str(outputs / source)], check=True, capture_output=True, timeout=300)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf / Path(source).with_suffix(".pdf").name), str(folder / name)], check=True, timeout=120)


def main(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="soket_anh_") as tmp:
        work = Path(tmp)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            try:
                portal_pictures(browser, folder, work)
            finally:
                browser.close()
        output_pictures(folder, work)
    print(f"Đã chụp {len(list(folder.glob('*.png')))} ảnh vào {folder}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else paths.ROOT / "docs" / "anh"))

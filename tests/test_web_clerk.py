"""The portal as a commune clerk expects it (issue 13, «Portal»): one URL per result
(Post/Redirect/Get), plain titles instead of template ids, downloads named for people, demo
workbooks refused, outputs never read as inputs, one set of status words, a rebuild that says
when it is over."""

from __future__ import annotations

import io
import re
import sys
from datetime import datetime, timedelta
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from pipeline.checks import validate
from pipeline.core import layout, words
from pipeline.topics import CATALOG
from pipeline.web import app as web_app
from pipeline.web import board, snapshot, store
from pipeline.web.app import create_app
from tests.test_web import online_mismatch
from tests.web_util import (
    broken_bytes,
    demo_bytes,
    first_template,
    make_inputs,
    received,
    sign_in,
    stored_names,
    text_of,
    upload,
)


def visible(html: str) -> str:
    """What a reader sees: the body's text, without scripts, styles and attributes."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return text_of(body)


def template_ids_in(text: str) -> list[str]:
    return [t for t in CATALOG if re.search(rf"(?<![\w.]){re.escape(t)}(?![\w.])", text)]


def filename_of(response) -> tuple[str, str]:
    """(ASCII fallback, real name) of a download's Content-Disposition."""
    header = response.headers["content-disposition"]
    plain = re.search(r'filename="([^"]+)"', header).group(1)
    real = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))
    return plain, real


# --- Post/Redirect/Get -----------------------------------------------------------------------

def test_upload_answers_303_to_a_result_page_that_reloads_without_resending(site):
    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    posted = client.post("/upload", data={"csrf": token}, follow_redirects=False,
                         files=[("files", ("bieu.xlsx", demo_bytes(site.config, "VP", template_id)))])
    assert posted.status_code == 303
    url = posted.headers["location"]
    assert url.startswith("/result/")
    for _ in range(3):  # reload, reopen: the same result, never a new submission
        page = client.get(url)
        assert page.status_code == 200 and "Lỗi 405" not in page.text
        assert "bieu.xlsx" in page.text and "Hợp lệ — đã nhận" in page.text
    assert len(received(site)) == 1
    assert len(re.findall(r"<tr>", client.get("/history").text.split("<tbody>")[1])) == 1
    # another unit may not read it
    other, _ = sign_in(site, "KT")
    assert other.get(url).status_code == 403


def test_a_refused_upload_has_its_own_url_too(site):
    client, token = sign_in(site, "VP")
    posted = client.post("/upload", data={"csrf": token}, follow_redirects=False,
                         files=[("files", ("anh.png", b"\x89PNG\r\n"))])
    assert posted.status_code == 303
    page = client.get(posted.headers["location"])
    assert page.status_code == 200 and "Tệp không phải sổ tính Excel .xlsx" in page.text
    assert received(site) == []
    assert client.get("/result/khong-co").status_code == 404


# --- plain titles, never template ids --------------------------------------------------------

def test_no_page_shows_a_template_id(site):
    vp, vp_token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    good = upload(vp, vp_token, ("mot.xlsx", demo_bytes(site.config, "VP", template_id)))
    bad = upload(vp, vp_token, ("hai.xlsx", broken_bytes(site.config, "VP", template_id)[0]))
    mismatch = upload(vp, vp_token, ("ba.xlsx", online_mismatch(site.config)))
    tt, tt_token = sign_in(site, "TTPVHCC")
    upload(tt, tt_token, ("bon.xlsx", demo_bytes(site.config, "TTPVHCC", "tthc")))
    assert site.portal.ingester.wait(site.portal.ingester.request(), timeout=60)
    names = stored_names(good.text) + stored_names(bad.text) + stored_names(mismatch.text)
    standing, _ = sign_in(site, site.config.standing_unit)
    pages = {(who, url): client for who, client in (("VP", vp), ("standing", standing))
             for url in ["/", "/history", *(f"/submissions/{n}" for n in names)]}
    pages[("VP", good.url.path)] = vp
    pages[("standing", "/board")] = standing
    for (who, url), client in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (who, url)
        assert template_ids_in(visible(response.text)) == [], (who, url)
    home = visible(vp.get("/").text)
    assert f"Tải biểu «{CATALOG[template_id].title}»" in home


# --- downloads named for people --------------------------------------------------------------

def test_downloads_are_named_by_title_and_unit(site):
    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    title, unit = CATALOG[template_id].title, site.config.unit("VP").name
    response = upload(client, token, ("sai.xlsx", broken_bytes(site.config, "VP", template_id)[0]))
    annotated = re.search(r'href="(/submissions/[^"]+_danh_dau\.xlsx)"', response.text).group(1)
    plain, real = filename_of(client.get(annotated))
    assert real == f"{title} – {unit} – bản đánh dấu.xlsx"
    assert plain.isascii() and plain.endswith(".xlsx") and "ban_danh_dau" in plain
    [name] = stored_names(response.text)
    _, sent = filename_of(client.get(f"/submissions/{name}/file"))
    assert sent.startswith(f"{title} – {unit} – bản gửi lúc ") and sent.endswith(".xlsx")
    assert not re.search(r'[\\/:*?"<>|]', sent)  # a name Windows can save


def test_the_board_workbook_is_named_for_people(site):
    client, _ = sign_in(site, site.config.standing_unit)
    assert client.get("/board").status_code == 200  # writes the board workbook
    _, real = filename_of(client.get("/outputs/tinh-hinh"))
    assert real == f"Tình hình nộp biểu mẫu – {site.config.full_name}.xlsx"


# --- demo workbooks --------------------------------------------------------------------------

def test_a_demo_workbook_sent_as_real_is_refused(site):
    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    data = demo_bytes(site.config, "VP", template_id, demo_mark=True)
    page = visible(upload(client, token, ("minh_hoa.xlsx", data)).text)
    assert "Hợp lệ — đã nhận" not in page and words.STATUS["rejected"] in page
    assert "SỐ LIỆU MINH HỌA" in page and "số liệu thật" in page
    assert received(site) == []  # never stored, so never read into the warehouse or the report
    assert "không lưu" in page


def test_a_demo_workbook_without_its_identity_sheet_is_still_shown_rejected(site):
    from openpyxl import load_workbook


    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    wb = load_workbook(io.BytesIO(demo_bytes(site.config, "VP", template_id, demo_mark=True)))
    del wb[layout.META_SHEET]
    buffer = io.BytesIO()
    wb.save(buffer)
    page = visible(upload(client, token, ("minh_hoa.xlsx", buffer.getvalue())).text)
    assert "Hợp lệ — đã nhận" not in page and words.STATUS["rejected"] in page
    assert "SỐ LIỆU MINH HỌA" in page


# --- outputs are never inputs ----------------------------------------------------------------

@pytest.mark.parametrize("inside", ["outputs", "."])
def test_outputs_inside_inputs_refuse_to_start(tmp_path, accounts_file, inside):
    inputs, _ = make_inputs(tmp_path, accounts_file, datetime.now() + timedelta(days=3))
    with pytest.raises(SystemExit) as refused:
        create_app(inputs, inputs / inside)
    assert "Thư mục kết quả" in str(refused.value) and "inputs" in str(refused.value)


def test_cli_refuses_outputs_inside_inputs(tmp_path, accounts_file, capsys):
    from pipeline.__main__ import main

    inputs, _ = make_inputs(tmp_path, accounts_file, datetime.now() + timedelta(days=3))
    for command in ("ingest", "build", "serve"):
        code = main(["--config", str(inputs / "commune.toml"), command,
                     "--inputs", str(inputs), "--outputs", str(inputs / "ket_qua")])
        assert code == 2, command
        assert "Thư mục kết quả" in capsys.readouterr().err
    assert not (inputs / "ket_qua").exists()


# --- one set of status words -----------------------------------------------------------------

def test_one_set_of_status_words():
    assert board.STATES is words.STATES
    assert not hasattr(web_app, "STATUS_TEXT") and not hasattr(validate, "STATUS_TEXT")
    assert "từ chối" not in " ".join([*words.STATUS.values(), *words.STATES.values()])


# --- the rebuild says when it is over --------------------------------------------------------

def test_a_short_rebuild_is_shown_finished(site, monkeypatch):
    monkeypatch.setattr(site.portal.builder, "command", lambda: [sys.executable, "-c", "pass"])
    client, token = sign_in(site, site.config.standing_unit)
    page = client.post("/board/build", data={"csrf": token})
    assert page.status_code == 200
    assert "Tổng hợp xong" in page.text and "ít phút" not in page.text


def test_a_running_rebuild_page_refreshes_itself(site):
    client, _ = sign_in(site, site.config.standing_unit)
    site.portal.builder.running, site.portal.builder.started = True, datetime.now()
    try:
        page = client.get("/board").text
    finally:
        site.portal.builder.running = False
    assert 'http-equiv="refresh"' in page and "ít phút" not in page
    assert "tự cập nhật" in page


def test_a_result_waiting_for_its_cross_checks_refreshes_itself(site):
    client, token = sign_in(site, "VP")
    response = upload(client, token, ("ba.xlsx", online_mismatch(site.config)))
    site.portal.ingester.wait(site.portal.ingester.request(), timeout=60)
    done = client.get(response.url.path).text
    assert 'http-equiv="refresh"' not in done and "trang tự cập nhật" not in done
    assert "Chưa đối chiếu được" in done  # evaluated over the warehouse (no tthc yet)
    # a file still being checked (web.portal: answered at once, checked by the next ingest)
    [name] = stored_names(response.text)
    site.portal.waiting.add(f"received/{name}", snapshot.Upload("VP", None, datetime.now(), {
        **site.portal._result_base(site.inputs / "received" / name, store.sidecar(site.inputs / "received" / name)),
        "status": "checking"}))
    waiting = client.get(response.url.path).text
    assert 'http-equiv="refresh"' in waiting and "trang này tự cập nhật" in waiting and name in waiting


def test_pages_without_a_session_stay_plain(site):
    assert TestClient(site.app).get("/result/x", follow_redirects=False).headers["location"] == "/login"

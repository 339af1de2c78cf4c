"""The upload portal through FastAPI's test client: pages, permissions, bad uploads, the board."""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from argparse import Namespace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from pipeline import demo
from pipeline.checks import feedback, validate
from pipeline.core import layout, paths
from pipeline.core.config import load
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.web import accounts, board, jobs, store
from pipeline.web.app import MAX_REQUEST, attachment, create_app
from tests.web_util import (
    CSRF,
    broken_bytes,
    demo_bytes,
    first_template,
    foreign_template,
    make_inputs,
    password,
    received,
    sign_in,
    stored_names,
    text_of,
    upload,
)

# --- signing in and out ----------------------------------------------------------------------

def test_pages_need_sign_in(site):
    client = TestClient(site.app)
    for url in ("/", "/history", "/board", f"/templates/{first_template(site, 'VP')}",
                "/submissions/20260101T000000000000_VP_00000000.xlsx"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", url
    page = client.get("/login")
    assert page.status_code == 200 and "Đăng nhập" in page.text and 'lang="vi"' in page.text


def test_sign_in_wrong_password_and_missing_csrf(site):
    client = TestClient(site.app)
    token = CSRF.search(client.get("/login").text).group(1)
    wrong = client.post("/login", data={"csrf": token, "username": "vp", "password": "sai-mat-khau"})
    assert wrong.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
    unknown = client.post("/login", data={"csrf": token, "username": "khong-co", "password": "x" * 9})
    assert unknown.status_code == 401
    no_token = client.post("/login", data={"username": "vp", "password": password("VP")})
    assert no_token.status_code == 403 and "CSRF" in no_token.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_repeated_failures_pause_sign_in(site):
    client = TestClient(site.app)
    token = CSRF.search(client.get("/login").text).group(1)
    for _ in range(5):
        client.post("/login", data={"csrf": token, "username": "kt", "password": "sai-mat-khau"})
    paused = client.post("/login", data={"csrf": token, "username": "kt", "password": password("KT")})
    assert paused.status_code == 429 and "thử lại sau" in paused.text


def test_home_lists_only_the_units_templates(site):
    client, _ = sign_in(site, "VP")
    page = client.get("/")
    assert site.config.unit("VP").name in page.text
    for template_id in CATALOG:
        linked = f'href="/templates/{template_id}"' in page.text
        assert linked == (template_id in site.config.unit("VP").templates), template_id
    assert 'href="/board"' not in page.text
    assert "Hạn gửi:" in page.text and "còn 2 ngày" in page.text


def test_sign_out_needs_csrf_and_ends_the_session(site):
    client, token = sign_in(site, "VP")
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/").status_code == 200
    out = client.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_survives_a_restart_and_a_clean_outputs(site):
    client, _ = sign_in(site, "KT")
    secret = (site.inputs / ".portal_secret").read_text()
    for path in sorted(site.outputs.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    again = TestClient(create_app(site.inputs, site.outputs), cookies=client.cookies)
    assert again.get("/", follow_redirects=False).status_code == 200
    assert (site.inputs / ".portal_secret").read_text() == secret


def test_password_change_ends_old_sessions(site):
    client, _ = sign_in(site, "TTPVHCC")
    accounts.set_account(site.inputs, "ttpvhcc", "mat-khau-moi-2026", new=False)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert accounts.verify(site.inputs, "ttpvhcc", "mat-khau-moi-2026").unit_code == "TTPVHCC"
    assert accounts.verify(site.inputs, "ttpvhcc", password("TTPVHCC")) is None


# --- templates -------------------------------------------------------------------------------

def test_template_download_is_prefilled_and_limited_to_the_unit(site):
    client, _ = sign_in(site, "KT")
    template_id = first_template(site, "KT")
    response = client.get(f"/templates/{template_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert response.headers["content-disposition"] == attachment(  # named for people
        f"{CATALOG[template_id].title} – {site.config.unit('KT').name} – biểu mẫu trống.xlsx")["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    meta = {row[0]: row[1] for row in wb[layout.META_SHEET].iter_rows(values_only=True) if row[0]}
    assert meta["unit_code"] == "KT" and meta["template_id"] == template_id
    first_sheet = wb[CATALOG[template_id].sheets[0].name]
    assert site.config.unit("KT").name in first_sheet["A2"].value
    assert site.config.period_text in first_sheet["A2"].value
    other = client.get(f"/templates/{foreign_template(site, 'KT')}")
    assert other.status_code == 403 and "không thuộc đơn vị" in other.text
    assert client.get("/templates/khong_co").status_code == 404


# --- uploads ---------------------------------------------------------------------------------

def test_valid_upload_is_stored_with_its_sidecar_and_reported(site):
    client, token = sign_in(site, "VP")
    template_id = first_template(site, "VP")
    data = demo_bytes(site.config, "VP", template_id)
    response = upload(client, token, ("../../Biểu của VP.xlsx", data))
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Hợp lệ — đã nhận" in page or "Đã nhận, có cảnh báo" in page
    assert "Biểu của VP.xlsx" in page and "../" not in page
    [path] = received(site)
    assert store.STORED_NAME.match(path.name) and "_VP_" in path.name
    assert path.read_bytes() == data
    meta = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    assert meta["sender"] == "vp" and meta["unit_code"] == "VP"
    assert meta["original_name"] == "Biểu của VP.xlsx"
    received_at = datetime.fromisoformat(meta["received_at"])
    assert f"{received_at:%d/%m/%Y %H:%M}" in page
    assert not list(path.parent.glob(".*"))  # no temporary file left behind

    history = client.get("/history")
    assert path.name in history.text and f"{received_at:%d/%m/%Y %H:%M}" in history.text
    assert path.name in client.get("/").text
    detail = client.get(f"/submissions/{path.name}")
    assert detail.status_code == 200 and "Biểu của VP.xlsx" in detail.text
    original = client.get(f"/submissions/{path.name}/file")
    assert original.status_code == 200 and original.content == data
    report_link = re.search(rf"/submissions/{path.name}/outputs/([^\"]+)", response.text).group(1)
    report = client.get(f"/submissions/{path.name}/outputs/{report_link}")
    assert report.status_code == 200 and load_workbook(io.BytesIO(report.content))


def test_invalid_upload_shows_cell_messages_and_annotated_copy(site):
    client, token = sign_in(site, "TTPVHCC")
    template_id = first_template(site, "TTPVHCC")
    data, where = broken_bytes(site.config, "TTPVHCC", template_id)
    sheet_name, cell = where.split("!")
    response = upload(client, token, ("bieu_loi.xlsx", data))
    page = text_of(response.text)
    assert "Bị trả lại — cần sửa và gửi lại" in page
    assert f">{cell}<" in response.text and "nhiều" in page
    for head in ("Trang tính", "Ô", "Cột", "Giá trị", "Quy tắc", "Cách sửa"):
        assert f"<th>{head}</th>" in response.text
    [path] = received(site)  # a rejected file is kept too: inputs/ is the record
    annotated = re.search(rf"/submissions/{path.name}/outputs/([^\"]+_danh_dau\.xlsx)", response.text)
    copy = client.get(annotated.group(0))
    assert copy.status_code == 200
    wb = load_workbook(io.BytesIO(copy.content))
    assert wb[sheet_name][cell].comment is not None
    # outputs/ may be deleted: the result and its copy are made again on demand
    for item in sorted(site.outputs.rglob("*"), reverse=True):
        item.unlink() if item.is_file() else item.rmdir()
    again = client.get(annotated.group(0))
    assert again.status_code == 200
    assert f">{cell}<" in client.get(f"/submissions/{path.name}").text


def test_an_upload_is_validated_once_and_its_feedback_kept_in_one_place(site, monkeypatch):
    """The portal's check is the ingest's: the background ingest loads the upload without
    validating it again, and its report and annotated copy exist once, in the ingest's folder."""
    checked = []
    real = validate.check_batch  # check_file goes through it too

    def counting(items, *args, **kwargs):
        checked.extend(Path(path).name for path, _unit in items)
        return real(items, *args, **kwargs)

    monkeypatch.setattr(validate, "check_batch", counting)
    client, token = sign_in(site, "TTPVHCC")
    data, where = broken_bytes(site.config, "TTPVHCC", first_template(site, "TTPVHCC"))
    response = upload(client, token, ("bieu_loi.xlsx", data))
    [path] = received(site)
    assert site.portal.ingester.wait(site.portal.ingester.requested, timeout=120)
    with warehouse.connect(site.outputs) as con:  # the ingest did record it, with its problems
        assert con.execute("SELECT s.status, p.cell FROM submissions s JOIN problems p USING (submission_id) "
                           "WHERE s.file_name = ?", [path.name]).fetchall() == [("rejected", where.split("!")[1])]
    assert checked == [path.name]
    folder = site.outputs / paths.VALIDATION_DIR / paths.RECEIVED / path.stem
    written = [p for p in site.outputs.rglob("*.xlsx")  # the report and the annotated copy, anywhere
               if p.name == feedback.REPORT_NAME or p.name.endswith(feedback.ANNOTATED_SUFFIX)]
    assert sorted(p.parent for p in written) == [folder, folder]
    for link in re.findall(rf"/submissions/{path.name}/outputs/[^\"]+", response.text):  # the page's links
        assert client.get(link).status_code == 200
    assert (folder / feedback.REPORT_NAME).read_bytes() == client.get(
        f"/submissions/{path.name}/outputs/{feedback.REPORT_NAME}").content


def test_several_files_in_one_upload(site):
    client, token = sign_in(site, "VHXH")
    template_id = first_template(site, "VHXH")
    good = demo_bytes(site.config, "VHXH", template_id)
    bad, _ = broken_bytes(site.config, "VHXH", template_id)
    response = upload(client, token, ("dung.xlsx", good), ("sai.xlsx", bad), ("anh.png", b"\x89PNG\r\n"))
    page = text_of(response.text)
    assert page.count("Bị trả lại — cần sửa và gửi lại") == 2
    assert "Tệp không phải sổ tính Excel .xlsx" in page
    assert len(received(site)) == 2


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (store.MAX_UNCOMPRESSED + 1))
    return buffer.getvalue()


def many_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(store.MAX_ENTRIES):
            zf.writestr(f"xl/x{i}.xml", "")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("hello.txt", "xin chào")
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("bao_cao.pdf", b"%PDF-1.7\n%\xe2\xe3\n", "Tệp không phải sổ tính Excel .xlsx"),
    ("nen.xlsx", plain_zip(), "Tệp không phải sổ tính Excel .xlsx"),
    ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97–2003"),
    ("rong.xlsx", b"", "Tệp rỗng"),
    ("lon.xlsx", b"PK\x03\x04" + b"\0" * store.MAX_FILE, "Tệp quá lớn"),
    ("bom.xlsx", zip_bomb(), "nghi tệp nén độc hại"),
    ("nhieu.xlsx", many_entries(), "quá nhiều thành phần"),
])
def test_bad_uploads_are_refused_before_anything_reads_them(site, name, data, message):
    client, token = sign_in(site, "KT")
    response = upload(client, token, (name, data))
    assert response.status_code == 200
    assert "Bị trả lại — cần sửa và gửi lại" in response.text and message in response.text
    assert "không lưu" in response.text
    assert received(site) == []


def test_another_units_template_is_rejected_on_upload(site):
    client, token = sign_in(site, "VP")
    template_id = foreign_template(site, "VP")
    owner = next(u for u in site.config.units if template_id in u.templates)
    response = upload(client, token, ("cua_don_vi_khac.xlsx", demo_bytes(site.config, owner.code, template_id)))
    page = text_of(response.text)
    assert "Bị trả lại — cần sửa và gửi lại" in page and owner.name in page
    assert len(received(site)) == 1  # kept as received, never loaded as VP's data


def test_upload_without_csrf_token_is_refused(site):
    client, token = sign_in(site, "VP")
    data = demo_bytes(site.config, "VP", first_template(site, "VP"))
    response = client.post("/upload", files=[("files", ("a.xlsx", data))])
    assert response.status_code == 403 and "CSRF" in response.text
    response = client.post("/upload", data={"csrf": token + "x"}, files=[("files", ("a.xlsx", data))])
    assert response.status_code == 403
    assert received(site) == []


def test_oversized_request_and_too_many_files(site):
    client, token = sign_in(site, "VP")
    response = client.post("/upload", content=b"x" * 16, headers={
        "content-type": "multipart/form-data; boundary=b", "content-length": str(MAX_REQUEST + 1)})
    assert response.status_code == 413
    files = [("files", (f"{i}.xlsx", b"PK")) for i in range(store.MAX_FILES + 1)]
    response = client.post("/upload", data={"csrf": token}, files=files)
    assert response.status_code == 400 and f"tối đa {store.MAX_FILES} tệp" in response.text
    response = client.post("/upload", data={"csrf": token})
    assert response.status_code == 400 and "Chưa chọn tệp" in response.text
    assert received(site) == []


def test_simultaneous_uploads_are_all_kept(site):
    data = demo_bytes(site.config, "VP", first_template(site, "VP"))
    sessions = [sign_in(site, "VP") for _ in range(6)]
    barrier = threading.Barrier(len(sessions))
    codes = []

    def send(client, token):
        barrier.wait()
        codes.append(upload(client, token, ("cung_mot_tep.xlsx", data)).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * len(sessions)
    files = received(site)
    assert len(files) == len(sessions) == len({f.name for f in files})
    assert all(Path(f"{f}.json").exists() and f.read_bytes() == data for f in files)


# --- permissions between units ---------------------------------------------------------------

def test_a_unit_cannot_see_another_units_files(site):
    vp, token = sign_in(site, "VP")
    data, _ = broken_bytes(site.config, "VP", first_template(site, "VP"))
    response = upload(vp, token, ("cua_vp.xlsx", data))
    [name] = set(stored_names(response.text))
    links = re.findall(rf"/submissions/{re.escape(name)}[^\"]*", response.text)
    kt, _ = sign_in(site, "KT")
    for url in set(links):
        assert kt.get(url).status_code == 403, url
    assert name not in kt.get("/history").text and name not in kt.get("/").text
    assert "cua_vp.xlsx" not in kt.get("/history").text
    assert kt.get("/submissions/..%2F..%2Fcommune.toml/file").status_code == 404
    assert kt.get("/submissions/20260101T000000000000_VP_00000000.xlsx").status_code == 404
    standing, _ = sign_in(site, site.config.standing_unit)
    assert standing.get(f"/submissions/{name}/file").content == data


def test_board_is_only_for_the_standing_unit(site):
    client, token = sign_in(site, "VP")
    assert client.get("/board").status_code == 403
    assert client.post("/board/build", data={"csrf": token}).status_code == 403
    assert client.get("/outputs/tinh-hinh").status_code == 403
    assert client.get("/board/files/1").status_code == 403


# --- the board -------------------------------------------------------------------------------

def test_board_rows_states_and_lateness(config):
    deadline = config.deadline
    first = config.units[0]
    template_id = first.templates[0]
    before, after = deadline - timedelta(hours=1), deadline + timedelta(hours=1)

    def sub(status, at, unit=first.code):
        return {"unit_code": unit, "template_id": template_id, "status": status, "received_at": at,
                "submission_id": 1, "file_name": "f.xlsx", "n_errors": 0, "n_warnings": 0}

    def state(*subs, now=before):
        return next(r for r in board.rows(config, list(subs), now) if r.unit_code == first.code
                    and r.template_id == template_id)

    assert state().label == "chưa nộp" and state().time_left == "còn 1 giờ 0 phút"
    assert state(sub("rejected", before)).label == "bị trả lại"
    assert state(sub("accepted", before)).label == "hợp lệ"
    assert state(sub("warnings", before)).label == "có cảnh báo"
    assert state(sub("accepted", after), now=after).label == "nộp muộn"
    assert state(sub("rejected", before), sub("warnings", after), now=after).label == "nộp muộn"
    on_time_then_fixed = state(sub("accepted", before), sub("warnings", after), now=after)
    assert on_time_then_fixed.label == "có cảnh báo" and on_time_then_fixed.received_at == after
    assert state(now=deadline + timedelta(days=2, hours=3)).time_left == "quá hạn 2 ngày 3 giờ"
    rows = board.rows(config, [], before)
    assert len(rows) == sum(len(u.templates) for u in config.units)


def test_board_shows_states_and_writes_the_workbook(site):
    vp, vp_token = sign_in(site, "VP")
    upload(vp, vp_token, ("dung.xlsx", demo_bytes(site.config, "VP", first_template(site, "VP"))))
    kt, kt_token = sign_in(site, "KT")
    bad, _ = broken_bytes(site.config, "KT", first_template(site, "KT"))
    upload(kt, kt_token, ("sai.xlsx", bad))

    standing, _ = sign_in(site, site.config.standing_unit)
    page = standing.get("/board")
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, re.S)

    def row_of(code, template_id):
        title = f'data-label="Biểu">{CATALOG[template_id].title}<'
        return text_of(next(r for r in rows if f"({code})" in r and title in r))

    assert "hợp lệ" in row_of("VP", first_template(site, "VP")) or \
        "có cảnh báo" in row_of("VP", first_template(site, "VP"))
    assert "bị trả lại" in row_of("KT", first_template(site, "KT"))
    assert "chưa nộp" in row_of("TTPVHCC", first_template(site, "TTPVHCC"))
    assert "còn 2 ngày" in row_of("TTPVHCC", first_template(site, "TTPVHCC"))
    link = re.search(r'href="(/board/files/[^"]+)"', page.text).group(1)
    assert standing.get(link).status_code == 200
    listed = re.search(r'<table class="history" id="all-files">(.*?)</table>', page.text, re.S).group(1)
    assert "dung.xlsx" in listed and "sai.xlsx" in listed
    assert standing.get("/board/files/999999").status_code == 404

    path = site.outputs / board.WORKBOOK_NAME
    ws = load_workbook(path).active
    assert ws["A1"].value.startswith("TÌNH HÌNH NỘP BIỂU MẪU")
    headers = [c.value for c in ws[4]]
    assert headers[:5] == ["STT", "Mã đơn vị", "Đơn vị", "Tên biểu", "Tình trạng"]  # no template id
    states = {(r[1], r[3]): r[4] for r in ws.iter_rows(min_row=5, values_only=True)}
    assert len(states) == sum(len(u.templates) for u in site.config.units)
    assert states[("KT", CATALOG[first_template(site, "KT")].title)] == "bị trả lại"
    assert states[("TTPVHCC", CATALOG[first_template(site, "TTPVHCC")].title)] == "chưa nộp"
    download = standing.get("/outputs/tinh-hinh")
    assert download.status_code == 200 and load_workbook(io.BytesIO(download.content))


def online_mismatch(config, figure: int = 3500) -> bytes:
    """VP's demo ha_tang_so workbook with its online dossier figure set apart from tthc's (3.087)."""
    data = demo.data_for("ha_tang_so", config, "VP")
    data["chi_so"][0]["ho_so_truc_tuyen"] = figure
    return demo_bytes(config, "VP", "ha_tang_so", data)


def checks_table(html: str) -> dict[str, str]:
    """The board's cross-check rows as text, keyed by the first words of the message."""
    section = re.search(r'<section class="card" id="cross-checks">(.*?)</section>', html, re.S).group(1)
    rows = re.findall(r'<tr class="check [a-z]+">(.*?)</tr>', section, re.S)
    return {text_of(r).strip()[:40]: text_of(r) for r in rows}


def test_board_cross_checks_pass_fail_and_missing(site):
    vp, vp_token = sign_in(site, "VP")
    upload(vp, vp_token, ("ha_tang_so.xlsx", demo_bytes(site.config, "VP", "ha_tang_so")))
    for code, template_id in (("TTPVHCC", "tthc"), ("VHXH", "nhan_su")):
        client, token = sign_in(site, code)
        upload(client, token, (f"{template_id}.xlsx", demo_bytes(site.config, code, template_id)))
    standing, _ = sign_in(site, site.config.standing_unit)
    page = standing.get("/board").text
    assert "Đối chiếu số liệu giữa các biểu" in page
    rows = checks_table(page)
    assert len(rows) == 4
    online = next(t for t in rows.values() if "hồ sơ tiếp nhận trực tuyến" in t)
    assert "khớp" in online and "3.087" in online and "±2,0%" in online and "lệch" not in online
    staff = next(t for t in rows.values() if "cán bộ, công chức, viên chức" in t)
    assert "khớp" in staff and "126" in staff and "±5,0%" in staff  # the demo staff (cán bộ + công chức + viên chức)
    surplus = [t for t in rows.values() if "nhà, đất" in t]
    assert len(surplus) == 2 and all("chưa đủ số liệu" in t for t in surplus)
    assert all(f"chưa có biểu «{CATALOG['tai_san'].title}»" in t and "Phòng Kinh tế" in t for t in surplus)

    # VP sends a corrected file whose online figure is 13 % above tthc's: a warning, not a refusal
    response = upload(vp, vp_token, ("ha_tang_so_sua.xlsx", online_mismatch(site.config)))
    result = text_of(response.text)
    assert "Hợp lệ — đã nhận" in result or "Đã nhận, có cảnh báo" in result
    # its ingest runs in the background: the result page says so, or already shows the outcome
    assert "sẽ được đối chiếu khi tổng hợp" in result or "Cảnh báo đối chiếu — lệch" in result
    page = standing.get("/board").text
    online = next(t for t in checks_table(page).values() if "hồ sơ tiếp nhận trực tuyến" in t)
    assert "lệch — cảnh báo" in online and "3.500" in online and "3.087" in online
    assert "+413 (+13,4%)" in online and "gửi lại biểu sai" in online
    assert "Khớp: 1 ; lệch — cảnh báo: 1 ; chưa đủ số liệu: 2" in text_of(page)

    # the unit that sent it reads the warning on its file's page once the ingest has run
    assert site.portal.ingester.wait(site.portal.ingester.request(), timeout=60)
    [name] = stored_names(response.text)
    detail = text_of(vp.get(f"/submissions/{name}").text)
    assert "Cảnh báo đối chiếu — lệch" in detail and "3.500" in detail and "3.087" in detail
    assert "Đối chiếu khớp" in detail  # the staff check still agrees
    assert "sẽ được đối chiếu khi tổng hợp" not in detail
    earlier = next(p for p in received(site) if p.name != name and "_VP_" in p.name)
    assert "đã được thay bằng tệp gửi sau" in text_of(vp.get(f"/submissions/{earlier.name}").text)

    # the board workbook carries the same table on its second sheet
    wb = load_workbook(site.outputs / board.WORKBOOK_NAME)
    assert wb.sheetnames == ["Tình hình nộp", board.CHECKS_SHEET]
    ws = wb[board.CHECKS_SHEET]
    assert not ws.merged_cells.ranges
    assert ws["A1"].value.startswith("ĐỐI CHIẾU SỐ LIỆU GIỮA CÁC BIỂU")
    assert [c.value for c in ws[4]] == board.CHECK_HEADERS
    sheet_rows = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    assert len(sheet_rows) == 4
    online = next(r for r in sheet_rows if "hồ sơ tiếp nhận trực tuyến" in r[1])
    assert (online[3], *online[5:9]) == (3500, 3087, "+413 (+13,4%)", "±2,0%", "lệch — cảnh báo")
    assert f"biểu «{CATALOG['ha_tang_so'].title}»" in online[2] and f"biểu «{CATALOG['tthc'].title}»" in online[4]
    surplus = next(r for r in sheet_rows if "nhà, đất" in r[1])
    assert surplus[3] == surplus[5] == "[x]" and surplus[8] == "chưa đủ số liệu" and "Phòng Kinh tế" in surplus[9]


def test_late_upload_is_marked_late(tmp_path, accounts_file):
    inputs, outputs = make_inputs(tmp_path, accounts_file, datetime.now() - timedelta(days=1))
    app = create_app(inputs, outputs)
    site = Namespace(app=app, inputs=inputs, outputs=outputs, config=app.state.portal.config)
    client, token = sign_in(site, "VP")
    upload(client, token, ("muon.xlsx", demo_bytes(site.config, "VP", first_template(site, "VP"))))
    standing, _ = sign_in(site, site.config.standing_unit)
    page = text_of(standing.get("/board").text)
    assert "nộp muộn" in page and "quá hạn 1 ngày" in page


def test_build_button_runs_one_build_at_a_time(site, monkeypatch):
    monkeypatch.setattr(jobs, "BUILD_WAIT", 0)  # answer at once, so the second press meets the running build
    standing, token = sign_in(site, site.config.standing_unit)
    assert standing.post("/board/build", data={}).status_code == 403
    first = standing.post("/board/build", data={"csrf": token}, follow_redirects=False)
    second = standing.post("/board/build", data={"csrf": token}, follow_redirects=False)
    assert first.headers["location"] == "/board" and second.headers["location"] == "/board?busy=1"
    assert site.portal.builder.wait(timeout=600)
    assert site.portal.builder.code == 0
    page = standing.get("/board")
    assert "Tổng hợp xong" in page.text
    for key in ("bao-cao", "phu-luc", "tinh-hinh"):
        assert f'href="/outputs/{key}"' in page.text
        assert standing.get(f"/outputs/{key}").status_code == 200


# --- accounts from the command line ----------------------------------------------------------

def test_user_command(tmp_path, monkeypatch, capsys):
    inputs = tmp_path
    (inputs / paths.CONFIG_NAME).write_bytes((paths.INPUTS / paths.CONFIG_NAME).read_bytes())

    def run(action, username=None, unit=None, typed=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(typed + "\n"))
        return accounts.main(Namespace(action=action, username=username, unit=unit, inputs=inputs,
                                       config=None))

    assert run("list") == 0 and "Chưa có tài khoản" in capsys.readouterr().out
    assert run("add", "kinhte", "KT", "mat-khau-dai") == 0
    assert "Phòng Kinh tế xã" in capsys.readouterr().out
    assert run("add", "kinhte", "KT", "mat-khau-dai") == 2 and "đã có" in capsys.readouterr().err
    assert run("add", "khac", "XYZ", "mat-khau-dai") == 2 and "mã đơn vị" in capsys.readouterr().err
    assert run("add", "ngan", "KT", "ngan") == 2 and "ít nhất 8" in capsys.readouterr().err
    assert run("add", "Tên Có Dấu", "KT", "mat-khau-dai") == 2
    assert run("passwd", "kinhte", None, "mat-khau-moi") == 0
    assert run("passwd", "khongco", None, "mat-khau-moi") == 2
    assert run("list") == 0 and "kinhte\tKT\tPhòng Kinh tế xã" in capsys.readouterr().out
    saved = json.loads((inputs / accounts.FILE_NAME).read_text(encoding="utf-8"))
    assert saved["users"]["kinhte"]["hash"].startswith("$argon2id$")
    assert "mat-khau" not in (inputs / accounts.FILE_NAME).read_text(encoding="utf-8")
    assert accounts.verify(inputs, "kinhte", "mat-khau-moi") is not None
    assert oct((inputs / accounts.FILE_NAME).stat().st_mode & 0o777) == "0o600"
    assert load(inputs / paths.CONFIG_NAME).unit("KT")


def test_client_file_name_is_never_a_path():
    assert store.clean_name("../../etc/passwd") == "passwd"
    assert store.clean_name("C:\\Users\\a\\Biểu mẫu.xlsx") == "Biểu mẫu.xlsx"
    assert store.clean_name("a\x00b\n.xlsx") == "ab.xlsx"
    assert store.clean_name("") == "(không tên)"
    for name in ("../commune.toml", "x/../../a.xlsx", "20260101T000000000000_VP_0000000.xlsx"):
        assert store.stored(Path("/tmp"), name) is None

"""Sign-off by the unit's head, follow-up of outlier warnings, the explain page (issue 16, items 1, 3, 4).

Through FastAPI's test client on a real portal: real .xlsx uploads, real DuckDB warehouse, the
records as JSON files in inputs/. Who may sign off (only the head of that unit), CSRF, a sign-off
of a superseded file does not count, a rebuild from inputs/ keeps the history, the annex cover and
the build summary name the unconfirmed figures; the unit confirms a flagged figure with a comment
and the standing unit reads it on the board.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from argparse import Namespace
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline import build, demo
from pipeline.core import layout, paths, words
from pipeline.outputs import annex, indicators
from pipeline.store import ingest, records, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.tthc import template as tthc
from pipeline.web import accounts, board
from tests.web_util import (
    CSRF,
    demo_bytes,
    new_site,
    password,
    sign_in,
    text_of,
    upload,
    write_accounts,
)

HEAD, HEAD_NAME = "tt-ttpvhcc", "Nguyễn Thị Hạnh"
OTHER_HEAD = "tt-kt"
PER_MONTH = len(tthc.FIELDS_OF_WORK)


@pytest.fixture(scope="module")
def head_accounts(tmp_path_factory, config):
    """One member account per unit (tests/web_util.py) and two heads: of TTPVHCC and of KT."""
    folder = tmp_path_factory.mktemp("heads")
    write_accounts(folder, config)
    accounts.set_account(folder, HEAD, password(HEAD), "TTPVHCC", config, role="head", full_name=HEAD_NAME)
    accounts.set_account(folder, OTHER_HEAD, password(OTHER_HEAD), "KT", config, role="head", full_name="Lê Văn Bình")
    return folder / accounts.FILE_NAME


@pytest.fixture
def site(tmp_path, head_accounts):
    site = new_site(tmp_path, head_accounts)
    yield site
    site.portal.ingester.stop()


def outlier_tthc(config, month: int = 2, factor: int = 10) -> tuple[bytes, str]:
    """TTPVHCC's TTHC file with one month's received dossiers `factor` times the others; (bytes, cell)."""
    data = demo.data_for("tthc", config, "TTPVHCC")
    data["ho_so"][month * PER_MONTH]["nhan_tong"] *= factor
    letter = get_column_letter([c.key for c in tthc.dossiers.columns].index("nhan_tong") + 1)
    return demo_bytes(config, "TTPVHCC", "tthc", data), f"{letter}{layout.FIRST_DATA_ROW + month * PER_MONTH}"


def usual_range(config, month: int = 2) -> tuple[int, int]:
    """The lowest and highest of the other months' received dossiers (Hộ tịch) in outlier_tthc."""
    rows = demo.data_for("tthc", config, "TTPVHCC")["ho_so"]
    others = [rows[m * PER_MONTH]["nhan_tong"] for m in range(len(config.reporting_months)) if m != month]
    return min(others), max(others)


def sent(site, data: bytes, name: str = "tthc.xlsx") -> str:
    """The stored name of a file TTPVHCC's member uploads."""
    client, token = sign_in(site, "TTPVHCC")
    response = upload(client, token, (name, data))
    assert response.status_code == 200, response.text
    return re.findall(r"/submissions/([^/\"#]+\.xlsx)/file", response.text)[0]


def signoff_form(client) -> tuple[str, dict[str, str]]:
    """The head's page: its CSRF token and template id → sha256 offered for sign-off."""
    page = client.get("/signoff")
    assert page.status_code == 200, page.text
    forms = re.findall(r'name="template_id" value="([^"]+)">\s*<input type="hidden" name="sha256" value="([0-9a-f]{64})"',
                       page.text)
    return CSRF.search(page.text).group(1), dict(forms)


def board_cell(site, template_id: str = "tthc", unit: str = "TTPVHCC") -> str:
    client, _ = sign_in(site, site.config.standing_unit)
    html = client.get("/board").text
    title = CATALOG[template_id].title
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        if f"({unit})" in row and title in row:
            return text_of(re.search(r'data-label="Xác nhận số liệu">(.*?)</td>', row, flags=re.S).group(1)).strip()
    raise AssertionError("no board row")


def signoff_files(site) -> list:
    folder = site.inputs / paths.SIGNOFFS
    return sorted(folder.glob("*.json")) if folder.exists() else []


# --- sign-off ------------------------------------------------------------------------------------

def test_the_head_signs_off_the_current_file_and_the_board_shows_who(site):
    data, _ = outlier_tthc(site.config)
    sent(site, data)
    assert board_cell(site) == words.SIGNOFF["unsigned"]
    client, _ = sign_in(site, HEAD)
    page = client.get("/signoff")
    sha = hashlib.sha256(data).hexdigest()
    assert sha in page.text and "tthc.xlsx" in page.text and "Xác nhận số liệu" in page.text
    token, offered = signoff_form(client)
    assert offered == {"tthc": sha}  # danh_gia: no file yet, nothing to confirm
    done = client.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": sha})
    assert done.status_code == 200 and "Đã ghi nhận xác nhận số liệu" in done.text
    (record,) = signoff_files(site)
    saved = json.loads(record.read_text(encoding="utf-8"))
    assert (saved["username"], saved["full_name"], saved["unit_code"], saved["template_id"], saved["sha256"]) == \
        (HEAD, HEAD_NAME, "TTPVHCC", "tthc", sha)
    assert re.match(r"\d{8}T\d{12}_TTPVHCC_tthc\.json$", record.name)
    cell = board_cell(site)
    assert cell.startswith(words.SIGNOFF["signed"]) and HEAD_NAME in cell
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", cell)
    ws = load_workbook(site.outputs / board.WORKBOOK_NAME).active  # the board's workbook says the same
    at = [c.value for c in ws[4]].index("Xác nhận số liệu")
    by_row = {(r[1], r[3]): r[at] for r in ws.iter_rows(min_row=5, values_only=True)}
    assert re.fullmatch(rf"{words.SIGNOFF['signed']} — {HEAD_NAME}, \d{{2}}/\d{{2}}/\d{{4}} \d{{2}}:\d{{2}}",
                        by_row[("TTPVHCC", CATALOG["tthc"].title)])
    assert by_row[("TTPVHCC", CATALOG["danh_gia"].title)] is None  # no file yet: nothing to confirm


def test_only_the_head_of_that_unit_signs_off(site):
    data, _ = outlier_tthc(site.config)
    sent(site, data)
    sha = hashlib.sha256(data).hexdigest()
    member, token = sign_in(site, "TTPVHCC")
    assert member.get("/signoff").status_code == 403
    refused = member.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": sha})
    assert refused.status_code == 403 and "thủ trưởng đơn vị" in refused.text
    other, _ = sign_in(site, OTHER_HEAD)
    token, offered = signoff_form(other)
    assert "tthc" not in offered
    refused = other.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": sha})
    assert refused.status_code == 403 and "không thuộc đơn vị" in refused.text
    assert signoff_files(site) == []
    assert "Xác nhận số liệu</a>" not in member.get("/").text  # the member's menu has no sign-off page


def test_a_signoff_needs_the_csrf_token(site):
    data, _ = outlier_tthc(site.config)
    sent(site, data)
    client, _ = sign_in(site, HEAD)
    _, offered = signoff_form(client)
    for token in (None, "wrong"):
        sent_form = {"template_id": "tthc", "sha256": offered["tthc"]} | ({"csrf": token} if token else {})
        response = client.post("/signoff", data=sent_form)
        assert response.status_code == 403 and "CSRF" in response.text
    assert signoff_files(site) == []
    data, cell = outlier_tthc(site.config)
    name = sent(site, data, "thang_la.xlsx")
    member, _ = sign_in(site, "TTPVHCC")
    response = member.post(f"/submissions/{name}/confirm", data={"sheet": tthc.dossiers.name, "cell": cell,
                                                                "comment": "đúng"})
    assert response.status_code == 403 and "CSRF" in response.text
    assert not (site.inputs / paths.CONFIRMATIONS).exists()


def test_a_signoff_of_a_superseded_file_does_not_count(site):
    first, _ = outlier_tthc(site.config)
    sent(site, first)
    head, _ = sign_in(site, HEAD)
    token, offered = signoff_form(head)
    assert head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]}).status_code == 200
    assert board_cell(site).startswith(words.SIGNOFF["signed"])
    second = demo_bytes(site.config, "TTPVHCC", "tthc")  # the corrected file
    sent(site, second, "tthc_sua.xlsx")
    assert board_cell(site) == words.SIGNOFF["unsigned"]  # a new file needs a new sign-off
    # The head's open page still offers the first file: its sign-off is refused, not recorded.
    stale = head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]})
    assert stale.status_code == 409 and "không còn là tệp đang dùng" in stale.text
    assert len(signoff_files(site)) == 1
    token, offered_now = signoff_form(head)
    assert offered_now["tthc"] == hashlib.sha256(second).hexdigest() != offered["tthc"]


def test_a_rebuild_from_inputs_keeps_every_signoff(site):
    first, _ = outlier_tthc(site.config)
    sent(site, first)
    head, _ = sign_in(site, HEAD)
    token, offered = signoff_form(head)
    head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]})
    second = demo_bytes(site.config, "TTPVHCC", "tthc")
    sent(site, second, "tthc_sua.xlsx")
    token, offered = signoff_form(head)
    head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]})
    site.portal.ingester.stop()
    shutil.rmtree(site.outputs)  # outputs/ is derived: rebuilt from inputs/
    ingest.run(site.inputs, site.outputs, site.config)
    con = warehouse.connect(site.outputs)
    try:
        history = con.execute("select username, full_name, sha256 from signoffs order by signed_at").fetchall()
        current = con.execute("select sha256, signed_name from current_signoffs where template_id = 'tthc'").fetchall()
    finally:
        con.close()
    sha1, sha2 = (hashlib.sha256(d).hexdigest() for d in (first, second))
    assert history == [(HEAD, HEAD_NAME, sha1), (HEAD, HEAD_NAME, sha2)]
    assert current == [(sha2, HEAD_NAME)]


def test_records_in_inputs_are_not_submissions_and_a_bad_one_is_skipped(site, caplog):
    folder = site.inputs / paths.SIGNOFFS
    folder.mkdir()
    (folder / "20260101T000000000000_TTPVHCC_tthc.json").write_text("{không phải json", encoding="utf-8")
    summary = ingest.run(site.inputs, site.outputs, site.config)
    assert summary.new == 0  # neither a submission nor a crash
    assert "Bỏ qua bản ghi không đọc được" in caplog.text


def test_annex_cover_and_build_summary_name_the_unconfirmed_figures(site, tmp_path):
    data, _ = outlier_tthc(site.config)
    sent(site, data)
    sent_nhan_su = demo_bytes(site.config, "VHXH", "nhan_su")
    client, token = sign_in(site, "VHXH")
    upload(client, token, ("nhan_su.xlsx", sent_nhan_su))
    head, _ = sign_in(site, HEAD)
    token, offered = signoff_form(head)
    head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]})
    site.portal.ingester.wait(site.portal.ingester.request(), 60)
    con = warehouse.connect(site.outputs)
    try:
        results = indicators.compute(con, site.config)
        files = build._files(con)
    finally:
        con.close()
    assert [(u.code, t.id) for u, t in results.unconfirmed] == [("VHXH", "nhan_su")]
    path = annex.write(results, tmp_path / "phu_luc.xlsx", date(2026, 6, 30))
    cover = [r[0] for r in load_workbook(path).worksheets[0].iter_rows(values_only=True) if r[0]]
    at = cover.index(f"Số liệu {words.SIGNOFF['unsigned']} của thủ trưởng đơn vị")
    assert cover[at + 1] == f"- {site.config.unit('VHXH').name} (VHXH): {CATALOG['nhan_su'].title}"
    assert not cover[at + 2].startswith("- ")  # the TTHC figures were signed off
    summary = build._summary(files, results, site.outputs, False, None, [], [])
    assert f"  • {site.config.unit('VHXH').name} (VHXH): {CATALOG['nhan_su'].title}" in summary
    assert f"(TTPVHCC): {CATALOG['tthc'].title}" not in summary.split(words.SIGNOFF["unsigned"])[1].split("\n- ")[0]


# --- follow-up of outlier warnings ----------------------------------------------------------------

def test_an_outlier_is_followed_up_on_the_board_until_the_unit_confirms_it(site):
    data, cell = outlier_tthc(site.config)
    name = sent(site, data)
    client, _ = sign_in(site, site.config.standing_unit)
    board = text_of(client.get("/board").text)
    assert f"{tthc.dossiers.name}! {cell}" in board or f"{tthc.dossiers.name}!{cell}" in board
    section = board.split("Số liệu cần xem lại")[1].split("Đối chiếu số liệu")[0]
    assert words.FOLLOW_UP["open"] in section and "thường từ" in section and "Cần xem lại: 1" in section

    member, _ = sign_in(site, "TTPVHCC")
    page = member.get(f"/submissions/{name}")
    assert "Xác nhận số liệu đúng" in page.text
    token = CSRF.search(page.text).group(1)
    empty = member.post(f"/submissions/{name}/confirm", data={"csrf": token, "sheet": tthc.dossiers.name,
                                                             "cell": cell, "comment": "  "})
    assert empty.status_code == 400 and "ghi lý do" in empty.text
    elsewhere = member.post(f"/submissions/{name}/confirm", data={"csrf": token, "sheet": tthc.dossiers.name,
                                                                 "cell": "A1", "comment": "đúng"})
    assert elsewhere.status_code == 400
    other, other_token = sign_in(site, "KT")
    refused = other.post(f"/submissions/{name}/confirm", data={"csrf": other_token, "sheet": tthc.dossiers.name,
                                                              "cell": cell, "comment": "đúng"})
    assert refused.status_code == 403
    reason = "Tháng này có đợt cấp đổi căn cước hàng loạt"
    done = member.post(f"/submissions/{name}/confirm", data={"csrf": token, "sheet": tthc.dossiers.name,
                                                            "cell": cell, "comment": reason})
    assert done.status_code == 200 and reason in done.text and "Xác nhận số liệu đúng</button>" not in done.text
    (record,) = (site.inputs / paths.CONFIRMATIONS).glob("*.json")
    assert json.loads(record.read_text(encoding="utf-8"))["cell"] == cell

    section = text_of(client.get("/board").text).split("Số liệu cần xem lại")[1].split("Đối chiếu số liệu")[0]
    assert reason in section and words.FOLLOW_UP["confirmed"] in section
    assert "Cần xem lại: 0" in section


# --- the explain page and accounts ----------------------------------------------------------------

def test_the_explain_page_shows_the_cells_for_the_standing_unit_only(site):
    data, _ = outlier_tthc(site.config)
    sent(site, data)
    client, _ = sign_in(site, site.config.standing_unit)
    client.get("/board")  # ingests
    page = client.get("/explain", params={"name": "tthc_theo_thang:nhan_trong_ky:Cộng"})
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    assert "Cách tính" in text
    assert re.search(rf"\d{{8}}T\d{{12}}_TTPVHCC_\w{{8}}\.xlsx › {tthc.dossiers.name}![A-Z]+\d+ = [\d.]+ ", text)
    assert "nhan_truc_tuyen" not in text and "Tiếp nhận mới – Trực tuyến" in text  # a field by its label
    assert site.config.unit("TTPVHCC").name in text
    unknown = client.get("/explain", params={"name": "khong_co"})
    assert unknown.status_code == 200 and "Không có bảng" in unknown.text
    listing = client.get("/explain")
    assert 'href="/explain?name=tthc_theo_thang"' in listing.text
    member, _ = sign_in(site, "TTPVHCC")
    assert member.get("/explain", params={"name": "tthc_theo_thang"}).status_code == 403


def test_accounts_keep_the_role_and_a_head_needs_a_name(tmp_path, config, capsys, monkeypatch):
    account = accounts.set_account(tmp_path, "thutruong", "mat-khau-dai", "KT", config, role="head",
                                   full_name="Trần Văn Công")
    changed = accounts.set_account(tmp_path, "thutruong", "mat-khau-khac", new=False)
    assert (changed.role, changed.full_name, changed.head) == ("head", "Trần Văn Công", True) and account.head
    with pytest.raises(accounts.AccountError, match="họ tên"):
        accounts.set_account(tmp_path, "thutruong2", "mat-khau-dai", "KT", config, role="head")
    with pytest.raises(accounts.AccountError, match="Vai trò"):
        accounts.set_account(tmp_path, "ai-do", "mat-khau-dai", "KT", config, role="boss")
    (tmp_path / paths.CONFIG_NAME).write_bytes((paths.INPUTS / paths.CONFIG_NAME).read_bytes())
    args = Namespace(action="list", username=None, unit=None, inputs=tmp_path, config=None)
    assert accounts.main(args) == 0
    assert "thủ trưởng đơn vị (Trần Văn Công)" in capsys.readouterr().out


def test_record_names_are_unique_and_never_overwritten(tmp_path):
    made = [records.sign_off(tmp_path, "KT", "ngan_sach", "a" * 64, "f.xlsx", "u", "Tên") for _ in range(20)]
    assert len({m["record"] for m in made}) == 20
    assert len(records.read(tmp_path, records.SIGNOFFS)) == 20


def test_the_user_command_creates_a_head_account(workdir, monkeypatch, capsys):
    import io

    from pipeline.__main__ import main

    inputs, _ = workdir
    config_file = str(inputs / paths.CONFIG_NAME)
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["--config", config_file, "user", "add", "thutruong", "--unit", "KT", "--role", "head",
                 "--name", "Trần Văn Công", "--inputs", str(inputs)]) == 0
    assert "thủ trưởng đơn vị" in capsys.readouterr().out
    account = accounts.load_all(inputs)["thutruong"]
    assert (account.role, account.full_name, account.unit_code) == ("head", "Trần Văn Công", "KT")
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert main(["--config", config_file, "user", "add", "ai-do", "--unit", "KT", "--role", "head",
                 "--inputs", str(inputs)]) == 2
    assert "họ tên" in capsys.readouterr().err and "ai-do" not in accounts.load_all(inputs)


def test_the_head_sees_the_key_figures_and_open_warnings_before_confirming_and_they_are_recorded(site):
    data, cell = outlier_tthc(site.config)
    sent(site, data)
    head, _ = sign_in(site, HEAD)
    html = head.get("/signoff").text
    item = html[html.index('id="xac-nhan-tthc"'):]
    item = item[:item.index("</section>")]
    text = text_of(item)
    rows = demo.data_for("tthc", site.config, "TTPVHCC")["ho_so"]
    received = sum(r["nhan_tong"] for r in rows) + rows[2 * PER_MONTH]["nhan_tong"] * 9  # the one month × 10
    assert "Số liệu chính của tệp" in text and f"{received:,}".replace(",", ".") in text, text
    assert "Cảnh báo chưa xử lý" in text and f"{tthc.dossiers.name}!{cell}" in text
    assert item.index("Số liệu chính") < item.index("Cảnh báo chưa xử lý") < item.index('type="submit"')
    token, offered = signoff_form(head)
    assert head.post("/signoff", data={"csrf": token, "template_id": "tthc", "sha256": offered["tthc"]}).status_code == 200
    (record,) = signoff_files(site)
    saved = json.loads(record.read_text(encoding="utf-8"))
    shown = [v for block in saved["figures"] for _, values in block["rows"] for v in values]
    assert f"{received:,}".replace(",", ".") in shown
    assert saved["warning_count"] >= 1 and any(f"{tthc.dossiers.name}!{cell}" in w for w in saved["warnings"])

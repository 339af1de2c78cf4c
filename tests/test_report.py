"""End to end with the real ingest: build on the demo set and on a set missing one unit; the report
and annex reopened (python-docx, openpyxl); placeholders; the default template."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline import build, demo
from pipeline.core import paths, vn
from pipeline.core.layout import DEMO_MARK
from pipeline.outputs import indicators, report
from pipeline.store import warehouse
from tests.conftest import needs


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def test_demo_build_writes_every_output_marked_as_demo(demo_build, capsys):
    inputs, outputs = demo_build
    for name in ("warehouse.duckdb", "phu_luc_so_lieu.xlsx", "bao_cao_so_ket.docx"):
        assert (outputs / name).exists()
    assert len(list((outputs / "charts").glob("*.png"))) >= 5
    assert list((outputs / "templates").glob("*.xlsx"))
    assert list((outputs / "demo_inputs").glob("*.xlsx"))
    assert DEMO_MARK in _docx_text(outputs / "bao_cao_so_ket.docx")
    wb = load_workbook(outputs / "phu_luc_so_lieu.xlsx")
    assert DEMO_MARK in "\n".join(str(c.value) for c in wb["Bìa"]["A"])
    # nothing changed: the re-run redoes nothing and says so
    capsys.readouterr()
    assert build.run(inputs, outputs) == 0
    assert "Không có thay đổi" in capsys.readouterr().out


def test_report_has_numbers_tables_images_and_no_placeholder(demo_build, config):
    _, outputs = demo_build
    con = warehouse.connect(outputs)
    results = indicators.compute(con, config)
    con.close()
    t = results.tables["tthc_chi_so"]
    on_time = vn.percent(t.value(t.frame.index[t.frame["chi_so"] == "ty_le_dung_han"][0], "gia_tri"), 2)
    path = outputs / "bao_cao_so_ket.docx"
    text = _docx_text(path)
    assert f"tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) đạt {on_time}" in text
    assert "Điểm ước tính theo các nhóm của Bộ chỉ số 766: " in text
    assert re.search(r"đạt \d{1,3},\d%", text)  # decimal comma inline
    assert "{{" not in text and "}}" not in text
    for heading in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN",
                    "XÃ AN THÀNH", "I. KHÁI QUÁT CHUNG", "4. Về thủ tục hành chính", "III. ĐỀ XUẤT, KIẾN NGHỊ",
                    "Nơi nhận:", config.signatory.name, config.signatory.on_behalf, "Phụ lục số 01"):
        assert heading in text, heading
    doc = Document(str(path))
    assert len(doc.inline_shapes) >= 5
    assert len(doc.tables) >= 2 + 4 + len(results.tables)  # header, signature, sections, annex
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.left_margin.mm) == 30 and round(sec.right_margin.mm) == 15
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # annex in landscape


def test_topic_sections_are_filled_from_the_demo_build(demo_build, config):
    _, outputs = demo_build
    con = warehouse.connect(outputs)
    results = indicators.compute(con, config)
    con.close()
    text = _docx_text(outputs / "bao_cao_so_ket.docx")
    docs, tasks = results.tables["lanh_dao_van_ban"], results.tables["phan_cap_theo_hinh_thuc"]
    surplus, devices = results.tables["tai_san_doi_du"], results.tables["ha_tang_so_thiet_bi"]
    for phrase in (f"đã ban hành {docs.text(docs.row('Cộng'), 'tong_so')} văn bản lãnh đạo",
                   f"Xã đã nhận {tasks.text(tasks.row('Cộng'), 'so_nhiem_vu')} nhiệm vụ",
                   f"xã có {surplus.text(0, 'tong_doi_du')} cơ sở nhà, đất dôi dư",
                   f"{vn.percent(devices.value(devices.row('Cộng'), 'ty_le_dap_ung'))} thiết bị đáp ứng yêu cầu"):
        assert phrase in text, phrase
    assert "[Nội dung do" not in text  # every unit sent its figures and its assessment: nothing left to write
    assert {"phan_cap_hinh_thuc", "tai_san_doi_du", "ha_tang_so_thiet_bi"} <= {
        p.stem for p in (outputs / "charts").glob("*.png")}
    assert all(f.ok for f in results.checks) and len(results.checks) == 4  # the demo set agrees with itself


def test_annex_follows_the_statistical_table_guidance(demo_build, config):
    _, outputs = demo_build
    wb = load_workbook(outputs / "phu_luc_so_lieu.xlsx")
    names = wb.sheetnames
    assert names[:3] == ["Bìa", "Mục lục", "Ghi chú"]
    tables = names[3:-1]
    assert names[-1] == "Nguồn số liệu"  # provenance of every table, last (tests/test_provenance.py)
    assert tables == [f"Phụ lục {i:02d}" for i in range(1, len(indicators.names()) + 1)]
    cover = "\n".join(str(c.value) for c in wb["Bìa"]["A"] if c.value)
    assert re.search(r"Ngày lập: \d{2}/\d{2}/\d{4}", cover) and config.commune in cover
    links = [c.hyperlink.location if c.hyperlink.location else c.hyperlink.target
             for c in wb["Mục lục"]["A"] if c.hyperlink]
    assert len(links) == len(tables)
    for ws in wb.worksheets:
        assert not ws.merged_cells.ranges, ws.title
        assert ws.page_setup.paperSize in (9, "9")
    assert wb["Phụ lục 01"]["A1"].value.startswith("Phụ lục số 01. ")  # numbered as in the report
    staffing = indicators.query("nhan_su_theo_co_quan").title
    ws = next(wb[n] for n in tables if wb[n]["A1"].value.endswith(staffing))
    headers = [c.value for row in ws.iter_rows() for c in row if c.value and "(người)" in str(c.value)]
    assert "Biên chế được giao (người)" in headers  # catalog label and unit
    for ws in (wb[n] for n in tables):
        for row in ws.iter_rows():
            for c in row:
                assert c.value not in ("nan", "NaN", "None"), (ws.title, c.coordinate)


@pytest.fixture(scope="module")
def missing_build(tmp_path_factory, config):
    """Real files from every unit except the one-stop centre (TTPVHCC)."""
    root = tmp_path_factory.mktemp("missing_build")
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir()
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs)
    for path in demo.write_all(root / "all", config):
        if "TTPVHCC" not in path.name:
            shutil.copy(path, inputs / path.name)
    assert build.run(inputs, outputs) == 0
    return inputs, outputs


def test_missing_unit_shows_as_gap_naming_the_unit(missing_build, config):
    _, outputs = missing_build
    name = config.unit("TTPVHCC").name
    text = _docx_text(outputs / "bao_cao_so_ket.docx")
    assert f"Chưa có số liệu của {name}" in text
    assert f"tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1): {vn.GAP} (chưa có số liệu của {name}" in text
    assert "chỉ tiêu ≥" not in text.split("4. Về thủ tục hành chính")[1].split("5. Về bảo đảm")[0]
    assert "nan" not in text.lower().split()
    wb = load_workbook(outputs / "phu_luc_so_lieu.xlsx")
    cover = "\n".join(str(c.value) for c in wb["Bìa"]["A"] if c.value)
    assert f"{name} (TTPVHCC)" in cover
    sheet = next(ws for ws in wb.worksheets[3:] if "Bộ chỉ số 766 (Quyết định" in ws["A1"].value)
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert vn.GAP in values and any(isinstance(v, str) and name in v for v in values)


def _template_with(tmp_path: Path, runs: list[list[str]]) -> Path:
    doc = Document(str(report.DEFAULT_TEMPLATE))
    for parts in runs:
        p = doc.add_paragraph()
        for part in parts:
            p.add_run(part)
    path = tmp_path / "mau_bao_cao.docx"
    doc.save(str(path))
    return path


def test_split_placeholder_is_filled_and_template_untouched(demo_build, tmp_path, config):
    inputs, outputs = demo_build
    template = _template_with(tmp_path, [["Xã {", "{ ten", "_xa }", "} & ", "{{ tthc_ty_le_dung_han }}", " xong"]])
    before = hashlib.sha256(template.read_bytes()).hexdigest()
    con = warehouse.connect(outputs)
    results = indicators.compute(con, config)
    con.close()
    charts = {p.stem: p for p in (outputs / "charts").glob("*.png")}
    out = report.render(results, charts, tmp_path / "out.docx", template)
    text = _docx_text(out)
    assert re.search(r"Xã An Thành & \d+,\d\d% xong", text)
    assert hashlib.sha256(template.read_bytes()).hexdigest() == before


def test_unknown_placeholder_is_an_error_naming_it_and_close_names(demo_build, tmp_path, config):
    inputs, outputs = demo_build
    template = _template_with(tmp_path, [["{{ ten_xaa }}"], ["{{ muc_II_4 }} và chữ khác"]])
    con = warehouse.connect(outputs)
    results = indicators.compute(con, config)
    con.close()
    with pytest.raises(report.TemplateError) as err:
        report.render(results, {}, tmp_path / "out.docx", template)
    message = str(err.value)
    assert "ten_xaa" in message and "ten_xa" in message
    assert "muc_II_4" in message and "đứng riêng" in message
    assert not (tmp_path / "out.docx").exists()


def test_commune_template_in_inputs_is_used(tmp_path):
    (tmp_path / report.COMMUNE_TEMPLATE).write_bytes(report.DEFAULT_TEMPLATE.read_bytes())
    assert report.template_path(tmp_path) == tmp_path / report.COMMUNE_TEMPLATE
    assert report.template_path(tmp_path / "none") == report.DEFAULT_TEMPLATE


def test_default_template_is_reproducible_and_uses_only_known_placeholders(tmp_path):
    fresh = report.write_default_template(tmp_path / "mau.docx")
    shipped = Document(str(report.DEFAULT_TEMPLATE))
    assert _docx_text(fresh) == _docx_text(report.DEFAULT_TEMPLATE)
    assert report.check(shipped, "bao_cao_mau.docx") == []
    used = set(re.findall(r"\{\{ (\w+) \}\}", _docx_text(report.DEFAULT_TEMPLATE)))
    assert used <= set(report.placeholders())
    assert {s.block for s in report.SECTIONS} | {report.ANNEX_BLOCK} <= used


@pytest.mark.slow
@needs("soffice", "pdftotext", "pdfinfo")
def test_libreoffice_opens_report_and_annex(demo_build, tmp_path):
    _, outputs = demo_build
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo_profile'}"
    for name in ("bao_cao_so_ket.docx", "phu_luc_so_lieu.xlsx"):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(outputs / name)], check=True, capture_output=True, timeout=180)
    report_pdf, annex_pdf = tmp_path / "bao_cao_so_ket.pdf", tmp_path / "phu_luc_so_lieu.pdf"
    info = subprocess.run(["pdfinfo", str(report_pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 8 <= pages <= 60  # nine sections with tables and charts, then one annex table per page
    text = subprocess.run(["pdftotext", "-layout", str(report_pdf), "-"], capture_output=True, text=True).stdout
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Phụ lục số 01",
                   "Về thủ tục hành chính", DEMO_MARK):
        assert phrase in text, phrase
    annex_text = subprocess.run(["pdftotext", str(annex_pdf), "-"], capture_output=True, text=True).stdout
    assert "PHỤ LỤC SỐ LIỆU" in annex_text and "Phụ lục số 01." in annex_text

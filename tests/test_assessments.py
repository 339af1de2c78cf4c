"""The units' own assessments (issue 15): a narrative topic in one folder, compiled into II.1–II.9
and III; long texts keep their paragraphs from Excel through the warehouse into Word; a formula or
a text over the bound is reported at its cell; the board shows a missing assessment."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
from docx import Document
from openpyxl import load_workbook

from pipeline import demo
from pipeline.checks import validate
from pipeline.core import layout, words
from pipeline.intake import cells
from pipeline.outputs import annex, indicators, templates
from pipeline.outputs.report import docx_layout
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.danh_gia import section
from pipeline.topics.danh_gia.template import LEVELS, MAX_TEXT, SECTIONS, TEMPLATE
from pipeline.web import board
from tests.receive_util import where
from tests.web_util import demo_bytes, received, sign_in, text_of, upload

ROW = {code: layout.FIRST_DATA_ROW + i for i, (code, _) in enumerate(SECTIONS)}  # Excel row of each section
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(TEMPLATE.sheet("danh_gia").columns)}


def _results(outputs: Path, config) -> indicators.Results:
    with warehouse.connect(outputs) as con:
        return indicators.compute(con, config)


def _texts(blocks) -> str:
    return "\n".join(text for _, text in blocks)


def test_every_unit_fills_the_assessment_and_the_registry_lists_it(config):
    assert all(TEMPLATE.id in u.templates for u in config.units)
    assert CATALOG[TEMPLATE.id] is TEMPLATE
    assert {indicators.query(n).in_word for n in (section.TEXTS, section.PROPOSALS)} == {False}
    assert all(q.in_word for q in indicators.queries() if q.source != TEMPLATE.id)


def test_demo_assessments_fill_ii9_and_iii_without_a_marker(config, demo_build):
    results = _results(demo_build[1], config)
    out = section.contributions(results)
    assert list(out) == [code for code, _ in SECTIONS] + ["II.9", "III"]
    for code, blocks in out.items():
        assert blocks, code
        assert not [b for b in blocks if b[0] == "gap"], (code, blocks)
        assert "[Nội dung do" not in _texts(blocks)
        assert {kind for kind, _ in blocks} <= set(section.BLOCK_KINDS)
    for code, _ in SECTIONS:  # each heading once per section, however many units lead it
        headings = [text for kind, text in out[code] if kind == "heading"]
        assert len(headings) == len(set(headings)) and headings[0] == "Kết quả nổi bật", (code, headings)
    for unit in config.units:  # II.9: every unit's tasks; III: every unit's proposals, grouped by level
        data = demo.data_for(TEMPLATE.id, config, unit.code)
        tasks = [r["nhiem_vu"] for r in data["danh_gia"] if r.get("nhiem_vu")]
        assert tasks, unit.code
        for text in tasks:
            first = text.split("\n")[0]
            assert ("paragraph", first) in out["II.9"], (unit.code, first)
        for p in data["kien_nghi"]:
            assert ("bullet", p["kien_nghi"]) in out["III"], (unit.code, p)
    levels = [text for kind, text in out["III"] if kind == "heading"]
    assert levels == ["Đối với Trung ương", f"Đối với {config.province}", f"Đối với Ủy ban nhân dân {config.kind}"]
    starts = [out["III"].index(("heading", h)) for h in levels]
    for p in (p for u in config.units for p in demo.data_for(TEMPLATE.id, config, u.code)["kien_nghi"]):
        at = out["III"].index(("bullet", p["kien_nghi"]))
        level = LEVELS.index(p["cap"])  # under its own level's heading
        assert starts[level] < at and (level + 1 == len(starts) or at < starts[level + 1])


def test_a_missing_or_blank_assessment_leaves_a_marker_naming_the_unit(config, workdir):
    inputs, outputs = workdir
    files = demo.write_all(inputs, config, marked=False)
    kt = config.unit("KT")
    (inputs / templates.filename(TEMPLATE, kt)).unlink()  # KT (II.5, II.6) sends no assessment
    vhxh = config.unit("VHXH")
    path = inputs / templates.filename(TEMPLATE, vhxh)
    wb = load_workbook(path)
    for key in LETTER:
        if key not in ("muc", "noi_dung"):
            wb["Đánh giá"][f"{LETTER[key]}{ROW['II.3']}"] = None  # VHXH sends II.2 but leaves II.3 blank
    wb.save(path)
    assert len(files) == sum(len(u.templates) for u in config.units)
    ingest.run(inputs, outputs, config)
    out = section.contributions(_results(outputs, config))
    for code in ("II.5", "II.6"):
        assert out[code] == [("gap", f"[Nội dung do {kt.name} bổ sung: đánh giá mục {code}. "
                                     f"{dict(SECTIONS)[code]}]")]
    assert [b for b in out["II.3"] if b[0] == "gap"] == [
        ("gap", f"[Nội dung do {vhxh.name} bổ sung: đánh giá mục II.3. {dict(SECTIONS)['II.3']}]")]
    assert ("gap", f"[Nội dung do {kt.name} bổ sung: nhiệm vụ, giải pháp trong thời gian tới]") in out["II.9"]
    assert ("gap", f"[Nội dung do {kt.name} bổ sung: kiến nghị, đề xuất]") in out["III"]
    assert not [b for b in out["II.2"] + out["II.4"] if b[0] == "gap"]
    assert kt.name not in _texts(b for b in out["III"] if b[0] != "gap")


LONG = ("Kết quả nổi bật của năm đầu tiên vận hành chính quyền 02 cấp. " * 20 + "\n"
        "- Giải quyết đúng hạn 98,5% hồ sơ.\n- Không có hồ sơ tồn đọng.\n\n\n"
        + "Đoạn thứ hai nói về phối hợp giữa các phòng, ban.\t Tiếp tục như vậy. " * 20 + "\r\n"
        "+ Ý phụ thứ nhất.\n" + "Đoạn cuối. " * 40)


def _filled(config, folder: Path, unit_code: str, edit) -> Path:
    unit = config.unit(unit_code)
    wb = templates.workbook(TEMPLATE, unit, config, demo.data_for(TEMPLATE.id, config, unit_code))
    edit(wb)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / templates.filename(TEMPLATE, unit)
    wb.save(path)
    return path


def test_a_long_assessment_keeps_its_paragraphs_from_excel_into_word(config, workdir, tmp_path):
    assert 2900 <= len(LONG) <= MAX_TEXT
    kept = ("Kết quả nổi bật của năm đầu tiên vận hành chính quyền 02 cấp. " * 20).strip() + "\n" \
        "- Giải quyết đúng hạn 98,5% hồ sơ.\n- Không có hồ sơ tồn đọng.\n\n" \
        + ("Đoạn thứ hai nói về phối hợp giữa các phòng, ban. Tiếp tục như vậy. " * 20).strip() + "\n" \
        "+ Ý phụ thứ nhất.\n" + ("Đoạn cuối. " * 40).strip()
    inputs, outputs = workdir
    unit = config.unit("TTPVHCC")
    data = demo.data_for(TEMPLATE.id, config, unit.code)
    data["danh_gia"][[c for c, _ in SECTIONS].index("II.4")]["ket_qua"] = LONG
    path = inputs / templates.filename(TEMPLATE, unit)
    templates.workbook(TEMPLATE, unit, config, data).save(path)
    assert load_workbook(path)["Đánh giá"].row_dimensions[ROW["II.4"]].height == layout.MAX_ROW_HEIGHT
    report = validate.check_file(path, config)
    assert report.status == "accepted", report.text()
    frame = report.data["danh_gia"]
    assert frame.loc[frame["muc"] == "II.4", "ket_qua"].iloc[0] == kept
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        stored = con.execute("select ket_qua from cur_danh_gia_danh_gia where muc = 'II.4'").fetchall()
    assert stored == [(kept,)]
    results = _results(outputs, config)
    book = load_workbook(annex.write(results, tmp_path / "phu_luc.xlsx"))  # the record, wrapped, rows within Excel's limit
    ws = book[annex.sheet_name(list(results.tables).index(section.TEXTS) + 1)]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == kept)
    assert cell.alignment.wrap_text and ws.row_dimensions[cell.row].height == layout.MAX_ROW_HEIGHT
    blocks = section.contributions(results)["II.4"]
    assert blocks[:7] == [("heading", "Kết quả nổi bật"), ("paragraph", kept.split("\n")[0]),
                          ("bullet", "Giải quyết đúng hạn 98,5% hồ sơ."), ("bullet", "Không có hồ sơ tồn đọng."),
                          ("paragraph", kept.split("\n")[4]), ("bullet", "Ý phụ thứ nhất."),
                          ("paragraph", kept.split("\n")[6])]
    doc = Document()
    anchor = doc.add_paragraph("ANCHOR")
    writer = docx_layout.Writer(doc, anchor, {}, 16.0)
    for kind, text in blocks:
        writer.paragraph(("– " if kind == "bullet" else "") + text, bold=kind == "heading")
    docx = tmp_path / "doan.docx"
    doc.save(docx)
    paragraphs = [p.text for p in Document(docx).paragraphs]
    at = paragraphs.index("Kết quả nổi bật")
    assert paragraphs[at:at + 7] == ["Kết quả nổi bật", kept.split("\n")[0], "– Giải quyết đúng hạn 98,5% hồ sơ.",
                                     "– Không có hồ sơ tồn đọng.", kept.split("\n")[4], "– Ý phụ thứ nhất.",
                                     kept.split("\n")[6]]


def test_multiline_text_keeps_line_breaks_and_drops_other_control_characters():
    raw = pd.Series(["  Một\x07 ý\r\n- hai\tba  \n\n\n\nbốn\x0b năm  ", "\n \n"])
    assert cells.to_text(raw, multiline=True).tolist()[0] == "Một ý\n- hai ba\n\nbốn năm"
    assert pd.isna(cells.to_text(raw, multiline=True).tolist()[1])  # only line breaks: blank
    assert cells.to_text(raw).tolist()[0] == "Một ý - hai ba bốn năm"  # other text fields: one line


def _with_saved_result(path: Path, cell: str, shown: str) -> None:
    """Give the formula in `cell` a saved text result, as Excel does when it saves (openpyxl cannot)."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                body, n = re.subn(rb'<c r="' + cell.encode() + rb'"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?',
                                  lambda m: b'<c r="' + cell.encode() + b'"' + m.group(1) + b' t="str"><f>' + m.group(2)
                                  + b"</f><v>" + shown.encode() + b"</v>", body)
                assert n == 1, body[:2000]
            zout.writestr(item, body)
    path.write_bytes(out.getvalue())


def test_a_formula_in_an_assessment_is_reported_at_its_cell(config, tmp_path):
    cell = f"D{ROW['II.4']}"
    path = _filled(config, tmp_path, "TTPVHCC", lambda wb: wb["Đánh giá"].__setitem__(cell, '="Hạn chế"&" chung"'))
    _with_saved_result(path, cell, "Hạn chế chung")
    report = validate.check_file(path, config)
    assert report.status == "rejected" and where(report, "error") == [f"Đánh giá!{cell}"], report.text()
    problem = report.errors[0]
    assert "công thức" in problem.rule and "Hạn chế, khó khăn" in report.text()


def test_a_text_over_the_bound_is_reported_at_its_cell(config, tmp_path):
    cell = f"H{ROW['II.4']}"
    path = _filled(config, tmp_path, "TTPVHCC", lambda wb: wb["Đánh giá"].__setitem__(cell, "x" * (MAX_TEXT + 1)))
    report = validate.check_file(path, config)
    assert report.status == "rejected" and where(report, "error") == [f"Đánh giá!{cell}"], report.text()
    assert "dài quá 4.000 ký tự" in report.errors[0].rule and "4.000" in report.errors[0].fix


def test_a_led_section_with_only_its_tasks_is_accepted_and_its_assessment_still_asked_for(config, workdir):
    """No part is required (issue 22); a leading unit that gave only its tasks for its section is
    still named where the section's assessment belongs, and its tasks reach II.9."""
    inputs, outputs = workdir
    demo.write_all(inputs, config, marked=False)
    unit = config.unit("TTPVHCC")
    row = ROW["II.4"]

    def tasks_only(wb):
        for key in ("ket_qua", "han_che", "nguyen_nhan_chu_quan", "nguyen_nhan_khach_quan", "bai_hoc"):
            wb["Đánh giá"][f"{LETTER[key]}{row}"] = None
    path = _filled(config, inputs, unit.code, tasks_only)
    report = validate.check_file(path, config)
    assert report.status == "accepted", report.text()
    ingest.run(inputs, outputs, config)
    out = section.contributions(_results(outputs, config))
    assert ("gap", f"[Nội dung do {unit.name} bổ sung: đánh giá mục II.4. {dict(SECTIONS)['II.4']}]") in out["II.4"]
    tasks = demo.data_for(TEMPLATE.id, config, unit.code)["danh_gia"][row - layout.FIRST_DATA_ROW]["nhiem_vu"]
    assert tasks.split("\n")[0].lstrip("- ").strip() in _texts(out["II.9"])


FIFTH = "\n[[units]]\ncode = \"QS\"\nname = \"Ban Chỉ huy quân sự xã\"\ntemplates = [\"danh_gia\"]\n"


def _fifth_unit(inputs: Path):
    """The configuration with a fifth unit that leads no section and sends only its assessment."""
    from pipeline.core import config as config_module
    from pipeline.core import paths

    path = inputs / paths.CONFIG_NAME
    text = path.read_text(encoding="utf-8")
    at = text.index("[[leaders]]")
    path.write_text(text[:at] + FIFTH.lstrip("\n") + "\n" + text[at:], encoding="utf-8")
    config = config_module.load(path)
    return config, config.unit("QS")


PROPOSAL = "Đề nghị thành phố bố trí kinh phí sửa chữa nhà làm việc của Ban Chỉ huy quân sự."
TASKS = "- Hoàn thành huấn luyện dân quân năm 2026.\n- Kiện toàn lực lượng dân quân thường trực."


def _only(config, inputs: Path, unit, proposals: list[dict], tasks_row: str | None) -> Path:
    rows = [{"nhiem_vu": TASKS} if code == tasks_row else {} for code, _ in SECTIONS]
    wb = templates.workbook(TEMPLATE, unit, config, {"danh_gia": rows, "kien_nghi": proposals})
    path = inputs / templates.filename(TEMPLATE, unit)
    wb.save(path)
    return path


def test_a_unit_leading_no_section_may_send_only_proposals_or_only_its_tasks(workdir, tmp_path):
    """Issue 22: a fifth unit that leads no section II.1–II.8 sends an assessment holding only a
    proposal (then, another time, only its tasks ahead): each file is accepted, its text reaches III
    (or II.9) of the warehouse's compilation and of the real Word report, and what it did not send
    is named as still to send, never invented."""
    from pipeline import build
    from pipeline.outputs import report as report_module

    inputs, outputs = workdir
    config, unit = _fifth_unit(inputs)
    path = _only(config, inputs, unit, [{"stt": 1, "cap": LEVELS[1], "linh_vuc": dict(SECTIONS)["II.6"],
                                         "kien_nghi": PROPOSAL}], None)
    checked = validate.check_file(path, config)
    assert checked.status in ("accepted", "warnings") and not checked.errors, checked.text()
    assert all("để trống toàn bộ" in p.rule for p in checked.warnings), checked.text()
    assert build.run(inputs, outputs) == 0
    out = section.contributions(_results(outputs, config))
    assert ("bullet", PROPOSAL) in out["III"]
    assert ("gap", f"[Nội dung do {unit.name} bổ sung: nhiệm vụ, giải pháp trong thời gian tới]") in out["II.9"]
    assert not [b for code, _ in SECTIONS for b in out[code] if unit.name in b[1]]  # leads nothing: asked nothing
    lines = _report_text(outputs / report_module.FILE_NAME)
    assert f"- {PROPOSAL}" in _between(lines, "III. ĐỀ XUẤT", "Trên đây là báo cáo")

    path.unlink()  # the unit sends again: only its tasks ahead, in the row of the plan's last section
    _only(config, inputs, unit, [], "II.8")
    checked = validate.check_file(inputs / templates.filename(TEMPLATE, unit), config)
    assert checked.status == "accepted", checked.text()
    assert build.run(inputs, outputs) == 0
    out = section.contributions(_results(outputs, config))
    assert ("bullet", "Hoàn thành huấn luyện dân quân năm 2026.") in out["II.9"]
    assert not [b for b in out["II.8"] if unit.name in b[1]]
    assert not [b for b in out["II.9"] + out["III"] if b[0] == "gap" and unit.name in b[1]]
    ii9 = _between(_report_text(outputs / report_module.FILE_NAME), "9. Nhiệm vụ, giải pháp", "III. ĐỀ XUẤT")
    assert "- Hoàn thành huấn luyện dân quân năm 2026." in ii9


def test_the_board_shows_a_missing_assessment_like_any_missing_template(config):
    sent = [{"unit_code": u.code, "template_id": t, "status": "accepted", "received_at": datetime(2026, 5, 1, 8)}
            for u in config.units for t in u.templates if (u.code, t) != ("KT", TEMPLATE.id)]
    rows = {(r.unit_code, r.template_id): r for r in board.rows(config, sent, datetime(2026, 5, 2, 8))}
    assert rows[("KT", TEMPLATE.id)].state == "missing"
    assert rows[("KT", TEMPLATE.id)].label == words.STATES["missing"]
    assert rows[("KT", TEMPLATE.id)].template_title == TEMPLATE.title
    assert rows[("VP", TEMPLATE.id)].state == "accepted"


def test_the_annex_records_every_demo_text_as_received_with_its_line_breaks(config, demo_build):
    results = _results(demo_build[1], config)
    t = results.tables[section.TEXTS]
    assert len(t.frame) > 0 and not t.missing
    index = list(results.tables).index(section.TEXTS) + 1
    ws = load_workbook(demo_build[1] / "phu_luc_so_lieu.xlsx")[annex.sheet_name(index)]
    texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "\n" in c.value]
    assert texts, "the texts keep their line breaks in the annex"
    assert all(c.alignment.wrap_text for c in texts)
    assert max(d.height or 0 for d in ws.row_dimensions.values()) <= layout.MAX_ROW_HEIGHT
    parts = {str(t.value(i, "truong")) for i in range(len(t.frame))}
    assert "Kết quả nổi bật" in parts and not any("_" in p for p in parts)  # labels, never field keys


def test_the_portal_takes_an_assessment_like_any_template_and_refuses_a_formula_at_its_cell(site, tmp_path):
    client, token = sign_in(site, "KT")
    assert client.get(f"/templates/{TEMPLATE.id}").status_code == 200  # every unit may fetch it
    page = text_of(upload(client, token, ("danh gia KT.xlsx", demo_bytes(site.config, "KT", TEMPLATE.id))).text)
    assert "Hợp lệ — đã nhận" in page, page
    [path] = received(site)
    bad = tmp_path / "co_cong_thuc.xlsx"  # the unit's copy, edited: never a file under inputs/
    wb = load_workbook(path)
    cell = f"C{ROW['II.5']}"
    wb["Đánh giá"][cell] = '="Kết quả"&" tốt"'
    wb.save(bad)
    _with_saved_result(bad, cell, "Kết quả tốt")
    page = text_of(upload(client, token, ("co_cong_thuc.xlsx", bad.read_bytes())).text)
    assert "Bị trả lại" in page and cell in page and "công thức" in page, page


def _report_text(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def _between(lines: list[str], start: str, end: str) -> list[str]:
    first = next(i for i, t in enumerate(lines) if t.startswith(start))
    return lines[first + 1:next(i for i, t in enumerate(lines) if i > first and t.startswith(end))]


def test_the_report_compiles_ii9_and_iii_from_every_unit_with_no_placeholder(config, demo_build):
    """Issue 15, done when: the demo report's II.9 and III hold every unit's tasks and proposals,
    grouped by level, and no sentence left for the writer; II.x hold the leading units' results."""
    from pipeline.outputs import report

    lines = _report_text(demo_build[1] / report.FILE_NAME)
    ii9 = _between(lines, "9. Nhiệm vụ, giải pháp", "III. ĐỀ XUẤT")
    iii = _between(lines, "III. ĐỀ XUẤT", "Trên đây là báo cáo")
    for part in (ii9, iii):
        assert not [t for t in part if "[Nội dung do" in t or "chưa có biểu số liệu" in t], part
    levels = ["Đối với Trung ương", f"Đối với {config.province}", f"Đối với Ủy ban nhân dân {config.kind}"]
    assert [t for t in iii if t in levels] == levels
    for unit in config.units:
        data = demo.data_for(TEMPLATE.id, config, unit.code)
        for row in (r for r in data["danh_gia"] if r.get("nhiem_vu")):
            assert row["nhiem_vu"].split("\n")[0].strip() in ii9, unit.code
        for p in data["kien_nghi"]:
            at = iii.index(f"- {p['kien_nghi']}")
            level = LEVELS.index(p["cap"])  # under its own level's heading
            assert iii.index(levels[level]) < at and (level + 1 == len(levels) or at < iii.index(levels[level + 1]))
    ii5 = _between(lines, "5. Về bảo đảm nguồn lực tài chính", "6. Về cơ sở vật chất")
    kt = demo.data_for(TEMPLATE.id, config, "KT")["danh_gia"][ROW["II.5"] - layout.FIRST_DATA_ROW]
    assert "Kết quả nổi bật" in ii5 and kt["ket_qua"].split("\n")[0].strip() in ii5
    assert not [t for t in ii5 if "[Nội dung do" in t]


def test_a_unit_without_its_assessment_is_named_in_the_report_where_its_text_belongs(config, workdir, tmp_path):
    from pipeline.outputs import charts, report

    inputs, outputs = workdir
    demo.write_all(inputs, config, marked=False)
    kt = config.unit("KT")
    (inputs / templates.filename(TEMPLATE, kt)).unlink()
    ingest.run(inputs, outputs, config)
    results = _results(outputs, config)
    path = report.render(results, charts.draw_all(results, tmp_path / "charts"), tmp_path / "bao_cao.docx")
    lines = _report_text(path)
    ii9 = _between(lines, "9. Nhiệm vụ, giải pháp", "III. ĐỀ XUẤT")
    iii = _between(lines, "III. ĐỀ XUẤT", "Trên đây là báo cáo")
    ii6 = _between(lines, "6. Về cơ sở vật chất", "7. Về hạ tầng công nghệ")
    for part in (ii9, iii, ii6):
        assert [t for t in part if t.startswith(f"[Nội dung do {kt.name} bổ sung")], part
    marked = [r for p in Document(str(path)).paragraphs for r in p.runs if r.text.startswith("[Nội dung do")]
    assert marked and all(r.font.highlight_color is not None for r in marked)  # yellow: to be filled
    todo = report.unfinished(results)  # the build's summary lists them before signing
    assert "II.9. Nhiệm vụ, giải pháp trong thời gian tới" in todo and "III. ĐỀ XUẤT, KIẾN NGHỊ" in todo
    assert not [s for s in todo if s.startswith(("II.1.", "II.4."))]  # sections whose units all sent

"""Intake hardening (issue 10): no file can poison the run, bounded work per file, one safety gate,
a feedback folder per received path, and text and numbers normalised as they come in.

Every case is a real .xlsx written with openpyxl (and, where Excel writes what openpyxl cannot,
its sheet XML edited) and read back."""

from __future__ import annotations

import logging
import os
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from pipeline.checks import validate
from pipeline.core import logs, vn
from pipeline.intake import read
from pipeline.topics import CATALOG
from pipeline.web import store
from tests.receive_util import filled, where


def _patch_xml(path: Path, sheet: str, old: str, new: str) -> None:
    """Replace text in one sheet's XML, as Excel would have written it (openpyxl cannot)."""
    with zipfile.ZipFile(path) as zf:
        parts = read.sheet_parts(zf)
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = entries[parts[sheet]].decode()
    assert old in xml, old
    entries[parts[sheet]] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def _rows(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path).active
    return [r for r in ws.iter_rows(values_only=True)]


# ---------------------------------------------------------------------------------------------
# 1. No file can poison the run


def test_printable_shows_control_characters_and_cuts_long_text():
    assert vn.printable("a\x07b\x0bc\td") == "a[U+0007]b[U+000B]c\td"
    assert vn.printable("x" * 300, 200).startswith("x" * 200 + "…") and "300" in vn.printable("x" * 300, 200)
    openpyxl.Workbook().active["A1"] = vn.printable("chuông\x07")  # openpyxl takes it


def test_control_character_in_a_number_cell_gets_its_report(config, tmp_path):
    # Excel stores a pasted bell as _x0007_; calamine reads the character back
    path = filled(config, "tthc", tmp_path / "inputs", "chuong.xlsx",
                  edit=lambda wb: wb["TTHC"].__setitem__("C6", "12_x0007_"))
    report = validate.check_file(path, config)
    assert report.status == "rejected" and "TTHC!C6" in where(report, "error")
    written = validate.write_outputs(report, tmp_path / "outputs" / "validation")
    values = {v for r in _rows(written[0]) for v in r}
    assert "12[U+0007]" in values
    copy = openpyxl.load_workbook(written[1])
    assert "không phải số" in copy["TTHC"]["C6"].comment.text


def test_control_characters_in_a_text_cell_are_removed_at_intake(config, tmp_path):
    def edit(wb):
        wb["Nhiệm vụ"]["B6"] = "Rà soát_x0007_ thủ tục_x000B_hành chính"
    report = validate.check_file(filled(config, "phan_cap", tmp_path, edit=edit), config)
    assert report.status == "accepted", report.text()
    stored = report.data["nhiem_vu"].set_index("row").at[6, "ten_nhiem_vu"]
    assert stored == "Rà soát thủ tục hành chính"


@pytest.mark.parametrize("stage", ["read", "validate"])
def test_a_stage_raising_for_one_file_does_not_stop_the_others(config, tmp_path, monkeypatch, caplog, stage):
    good = [filled(config, t, tmp_path / d) for d, t in (("a", "tthc"), ("b", "phan_cap"))]
    bad = filled(config, "tthc", tmp_path / "c", "hong.xlsx")
    module, name = (read, "read_sheet") if stage == "read" else (validate, "prepare")  # prepare: in the batch pass
    original = getattr(module, name)

    def raising(*args):
        if any(isinstance(a, read.Workbook) and a.path.name == "hong.xlsx" for a in args):
            raise RuntimeError("hỏng có chủ ý")
        return original(*args)
    monkeypatch.setattr(module, name, raising)
    items = [(good[0], None), (bad, None), (good[1], None)]
    with caplog.at_level(logging.ERROR, logger="pipeline"):
        reports, batch = validate.check_batch(items, config)
    assert [r.status for r in reports] == ["accepted", "rejected", "accepted"]
    problem = reports[1].problems[0]
    assert len(reports[1].problems) == 1 and problem.rule.startswith("Lỗi hệ thống khi xử lý tệp — đã ghi nhật ký")
    assert problem.fix == logs.SYSTEM_FIX
    assert any("hỏng có chủ ý" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    frame, files = batch[("tthc", "ho_so")]
    assert set(files) == {0} and len(frame) == len(reports[0].data["ho_so"])
    assert set(batch[("phan_cap", "nhiem_vu")][1]) == {2}
    written = validate.write_outputs(reports[1], tmp_path / "out")
    assert "Lỗi hệ thống" in str(_rows(written[0]))


# ---------------------------------------------------------------------------------------------
# 2. Bounded work per file


def _many_bad_rows(wb, rows: int = 60) -> None:
    ws = wb["Nhiệm vụ"]
    for r in range(6, 6 + rows):
        ws.cell(r, 1, r - 5)
        ws.cell(r, 2, f"Nhiệm vụ {r}")
        ws.cell(r, 7, "nhiều")  # so_tthc: not a number
        ws.cell(r, 3, "Không rõ")  # nguon: not in the list


def test_problem_list_is_capped_per_file_with_a_count_per_rule(config, tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "PROBLEM_CAP", 10)
    path = filled(config, "phan_cap", tmp_path, edit=_many_bad_rows)
    report = validate.check_file(path, config)
    assert report.status == "rejected" and len(report.problems) == 10
    assert report.error_count > 100 and report.error_count == 10 + sum(o.count for o in report.omitted)
    rules = {o.rule for o in report.omitted}
    assert any("không phải số nguyên" in r for r in rules) and any("danh sách cho phép" in r for r in rules)
    assert all(o.sheet == "Nhiệm vụ" and o.count > 0 for o in report.omitted)
    text = report.text()
    assert f"{vn.number(report.error_count)} lỗi" in text and "Thêm " in text
    rows = _rows(validate.write_outputs(report, tmp_path / "out")[0])
    assert ("Số lỗi", report.error_count) in {(r[0], next((v for v in r[1:] if v is not None), None)) for r in rows}
    assert sum(1 for r in rows if isinstance(r[6], str) and r[6].startswith("Thêm ")) == len(report.omitted)


def test_the_warehouse_stores_the_capped_list_and_true_totals(config, workdir, monkeypatch):
    from pipeline.store import ingest, warehouse

    inputs, outputs = workdir
    monkeypatch.setattr(validate, "PROBLEM_CAP", 10)
    path = filled(config, "phan_cap", inputs, "nhieu_loi.xlsx", edit=_many_bad_rows)
    report = validate.check_file(path, config)
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT n_errors FROM submissions").fetchall() == [(report.error_count,)]
        rules = [r for (r,) in con.execute("SELECT rule FROM problems WHERE cell IS NULL").fetchall()]
        listed = con.execute("SELECT count(*) FROM problems WHERE cell IS NOT NULL").fetchall()[0][0]
    assert listed == 10 and sorted(rules) == sorted(o.text() for o in report.omitted)


def test_a_list_far_longer_than_the_template_is_refused_unread(config, tmp_path):
    sheet = CATALOG["phan_cap"].sheet("nhiem_vu")
    limit = read.row_limit(sheet, config)

    def edit(wb):
        ws = wb["Nhiệm vụ"]
        for r in range(6, limit + 50):
            ws.cell(r, 1, r)
    report = validate.check_file(filled(config, "phan_cap", tmp_path, "dai.xlsx", edit=edit), config)
    problem = next(p for p in report.errors if p.sheet == "Nhiệm vụ")
    assert [p.sheet for p in report.errors].count("Nhiệm vụ") == 1, report.text()
    first_over = 6 + sheet.max_rows  # named at the row that takes the list past its length (issue 27)
    assert problem.cell == f"A{first_over}" and problem.value == vn.number(first_over)
    assert "không đọc trang tính này" in problem.rule and str(sheet.max_rows) in problem.rule
    assert problem.file == "dai.xlsx"


def test_a_sheet_used_far_to_the_right_is_refused_unread(config, tmp_path):
    report = validate.check_file(filled(config, "phan_cap", tmp_path, edit=lambda wb: wb["Nhiệm vụ"].cell(
        800, 700, "x")), config)  # 800 × 700 cells: within the far-cell bounds, over MAX_CELLS
    assert any("quá rộng" in p.rule and p.sheet == "Nhiệm vụ" for p in report.errors), report.text()


def test_a_file_over_its_time_budget_is_rejected(config, tmp_path, monkeypatch):
    path = filled(config, "tthc", tmp_path)
    monkeypatch.setattr(read, "FILE_SECONDS", 0.0)
    report = validate.check_file(path, config)
    assert report.status == "rejected"
    assert any("quá thời gian" in p.rule for p in report.errors), report.text()


# ---------------------------------------------------------------------------------------------
# 3. One safety gate, size checked before reading


def test_a_file_too_large_is_refused_before_a_byte_is_read(config, tmp_path, monkeypatch):
    path = tmp_path / "lon.xlsx"
    with path.open("wb") as f:
        f.truncate(30 * 1024 * 1024)
    real = Path.read_bytes

    def never(self):
        assert self != path, "read before the size was checked"
        return real(self)
    monkeypatch.setattr(Path, "read_bytes", never)
    problem = validate.check_file(path, config).errors[0]
    assert "Tệp quá lớn (30 MB; tối đa 20 MB)" in problem.rule


def test_portal_states_the_real_size_of_a_large_upload():
    head = b"PK\x03\x04" + bytes(store.MAX_FILE)  # the portal reads at most MAX_FILE + 1 bytes
    with pytest.raises(store.Refused) as known:
        store.check_workbook(head[: store.MAX_FILE + 1], size=50 * 1024 * 1024)
    assert "(50 MB; tối đa 5 MB)" in known.value.rule
    with pytest.raises(store.Refused) as unknown:
        store.check_workbook(head[: store.MAX_FILE + 1])
    assert "(hơn 5 MB; tối đa 5 MB)" in unknown.value.rule


def test_one_gate_for_the_folder_and_the_portal(config, tmp_path):
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(read.MAX_ENTRIES):
            zf.writestr(f"xl/x{i}.xml", "")
    path = tmp_path / "nhieu.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(store.Refused) as portal:
        store.check_workbook(buffer.getvalue())
    assert validate.check_file(path, config).errors[0].rule == portal.value.rule
    assert (store.MAX_ENTRIES, store.MAX_UNCOMPRESSED) == (read.MAX_ENTRIES, read.MAX_UNCOMPRESSED)


# ---------------------------------------------------------------------------------------------
# 4. One feedback folder per received path


def test_same_name_in_two_folders_gets_two_feedback_folders(config, tmp_path):
    inputs, out = tmp_path / "inputs", tmp_path / "outputs" / "validation"
    edit = lambda wb: wb["TTHC"].__setitem__("C6", -5)  # noqa: E731
    first = filled(config, "tthc", inputs / "Phòng A", "bao_cao.xlsx", edit=edit)
    second = filled(config, "tthc", inputs / "Phòng B", "bao_cao.xlsx", edit=edit)
    folders = set()
    for path in (first, second):
        rel = path.relative_to(inputs).as_posix()
        written = validate.write_outputs(validate.check_file(path, config), out, rel=rel)
        folders.add(written[0].parent)
        assert written[0].parent == validate.output_dir(validate.check_file(path, config), out, rel)
    assert folders == {out / "Phòng A" / "bao_cao", out / "Phòng B" / "bao_cao"}


# ---------------------------------------------------------------------------------------------
# 5. Text and numbers as they come in


def test_printed_labels_retyped_decomposed_are_accepted_and_stored_composed(config, tmp_path):
    def edit(wb):
        ws = wb["Lưu trữ"]
        ws["A6"] = unicodedata.normalize("NFD", ws["A6"].value) + " "
    report = validate.check_file(filled(config, "so_hoa", tmp_path, edit=edit), config)
    assert report.status == "accepted", report.text()
    stored = report.data["phong"]["phong"].iloc[0]
    assert stored == unicodedata.normalize("NFC", stored) == "Phông UBND xã An Thanh (cũ)"


def test_free_text_and_choices_are_stored_composed(config, tmp_path):
    def edit(wb):
        ws = wb["Nhiệm vụ"]
        ws["B6"] = unicodedata.normalize("NFD", "  Quản lý   đất đai ")
        ws["C6"] = unicodedata.normalize("NFD", ws["C6"].value)
    report = validate.check_file(filled(config, "phan_cap", tmp_path, edit=edit), config)
    assert report.status == "accepted", report.text()
    row = report.data["nhiem_vu"].iloc[0]
    assert row["ten_nhiem_vu"] == "Quản lý đất đai"
    assert row["nguon"] == unicodedata.normalize("NFC", row["nguon"]) and row["nguon"] in \
        CATALOG["phan_cap"].sheet("nhiem_vu").column("nguon").choices


@pytest.mark.parametrize("saved", ["inf", "-inf", "nan", "1e400"])
def test_non_finite_numbers_are_rejected_where_they_stand(config, tmp_path, saved):
    path = filled(config, "so_hoa", tmp_path, edit=lambda wb: wb["Lưu trữ"].__setitem__("B6", 12345.678))
    _patch_xml(path, "Lưu trữ", "<v>12345.678</v>", f"<v>{saved}</v>")
    report = validate.check_file(path, config)
    assert report.status == "rejected"
    problem = next(p for p in report.errors if p.cell == "B6")
    assert "vô cực hoặc không xác định" in problem.rule and problem.sheet == "Lưu trữ"


def test_a_huge_value_is_never_echoed_whole(config, tmp_path):
    path = filled(config, "tthc", tmp_path, edit=lambda wb: wb["TTHC"].__setitem__("C6", "9" * 10 + "x" * 30_000))
    report = validate.check_file(path, config)
    problem = next(p for p in report.errors if p.cell == "C6")
    assert len(problem.value) < 260 and "30.010 ký tự" in problem.value
    assert all(len(line) < 2000 for line in report.text().splitlines())


def test_a_formula_error_is_named_not_reported_blank(config, tmp_path):
    path = filled(config, "tthc", tmp_path, edit=lambda wb: wb["TTHC"].__setitem__("C6", "=1/0"))
    _patch_xml(path, "TTHC", '<c r="C6"', '<c r="C6" t="e"')
    _patch_xml(path, "TTHC", "<f>1/0</f><v></v>", "<f>1/0</f><v>#DIV/0!</v>")
    report = validate.check_file(path, config)
    found = [p for p in report.errors if p.cell == "C6"]
    assert len(found) == 1, report.text()
    assert "công thức bị lỗi (#DIV/0!)" in found[0].rule and "trống" not in found[0].rule


def test_a_whole_number_too_large_is_named_too_large(config, tmp_path):
    def edit(wb):
        wb["TTHC"]["C6"].value = 1e20
        wb["TTHC"]["D6"].value = 12.5
    report = validate.check_file(filled(config, "tthc", tmp_path, edit=edit), config)
    rules = {p.cell: p.rule for p in report.errors}
    assert "Số quá lớn" in rules["C6"] and "không phải số nguyên" not in rules["C6"]
    assert "không phải số nguyên" in rules["D6"]


def test_a_value_in_the_last_cell_of_excel_is_refused_without_a_crash(config, tmp_path):
    # calamine allocates a sheet's whole used area at once: this file used to abort the process
    import subprocess
    import sys

    path = filled(config, "phan_cap", tmp_path, edit=lambda wb: wb["Nhiệm vụ"].__setitem__("XFD1048576", "x"))
    code = ("import sys; from pathlib import Path; from pipeline.checks import validate; from pipeline.core import paths, config as c; "
            "r = validate.check_file(Path(sys.argv[1]), c.load(paths.INPUTS / paths.CONFIG_NAME)); "
            "print('\\n'.join(p.rule for p in r.errors))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # the child's own print, any console
    assert done.returncode == 0, done.stderr[-2000:]
    assert "cột thứ 16.384" in done.stdout and "dòng 1.048.576 (ô XFD1048576)" in done.stdout


# ---------------------------------------------------------------------------------------------
# Issue 27, item 6: hostile cases and their messages


def _styled_rows(ws, first: int, last: int, columns: int = 3) -> None:
    """Rows a unit cannot see: a fill, or a cell holding only spaces (openpyxl writes both as Excel does)."""
    from openpyxl.styles import PatternFill
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(first, last + 1):
        for c in range(1, columns + 1):
            ws.cell(r, c).fill = fill


def test_rows_of_spaces_or_formatting_below_the_template_are_not_rows(config, tmp_path):
    below = 6 + len(CATALOG["tthc"].sheet("ho_so").rows(config))  # the first row under the printed rows

    def edit(wb):
        ws = wb["TTHC"]
        _styled_rows(ws, below, 100_199, columns=1)  # formatting only, to row 100.199
        for r in range(below, 2500):
            ws.cell(r, 2, "   ")  # spaces only
        ws.cell(60_000, 4, " \t ")
    report = validate.check_file(filled(config, "tthc", tmp_path, "khoang_trang.xlsx", edit=edit), config)
    assert report.status != "rejected", report.text()
    assert not any("vượt xa giới hạn" in p.rule for p in report.problems)
    assert report.data["ho_so"]["row"].max() < below


@pytest.mark.parametrize("row", [1500, 5000])
def test_a_stray_value_far_below_is_named_at_its_own_cell(config, tmp_path, row):
    def edit(wb):
        _styled_rows(wb["TTHC"], 106, 8000, columns=1)
        wb["TTHC"][f"C{row}"] = 17
    report = validate.check_file(filled(config, "tthc", tmp_path, "lac.xlsx", edit=edit), config)
    problem = next(p for p in report.errors if p.sheet == "TTHC")
    assert problem.cell == f"C{row}" and problem.value == "17", report.text()
    assert f"C{row}" in problem.rule or vn.number(row) in problem.rule
    assert report.template_id == "tthc" and "không rõ biểu" not in report.text()


def test_a_list_overflowing_is_named_at_the_row_it_overflows(config, tmp_path):
    # 95 rows, a gap, then rows from 275 on: the 151st row (one past the list's 150) is row 330
    def edit(wb):
        ws = wb["Nhiệm vụ"]
        for r in [*range(6, 101), *range(275, 2101)]:
            ws.cell(r, 1, r)
            ws.cell(r, 2, f"Nhiệm vụ {r}")
    report = validate.check_file(filled(config, "phan_cap", tmp_path, "tran.xlsx", edit=edit), config)
    problem = next(p for p in report.errors if p.sheet == "Nhiệm vụ")
    assert [p.sheet for p in report.errors].count("Nhiệm vụ") == 1, report.text()
    assert problem.cell == "A330" and problem.value == "330", report.text()
    assert report.template_id == "phan_cap" and "không rõ biểu" not in report.text()


def test_a_list_overflowing_within_the_read_limit_names_its_row_and_value(config, tmp_path):
    def edit(wb):
        ws = wb["Nhiệm vụ"]
        for r in range(6, 6 + 160):
            ws.cell(r, 1, r - 5)
            ws.cell(r, 2, f"Nhiệm vụ {r}")
    report = validate.check_file(filled(config, "phan_cap", tmp_path, "tran.xlsx", edit=edit), config)
    problem = next(p for p in report.errors if "vượt số dòng tối đa" in p.rule)
    assert problem.cell == "A156" and problem.value == "151"


def test_an_entity_expansion_refusal_is_vietnamese_to_its_end(config, tmp_path):
    path = filled(config, "tthc", tmp_path, "thuc_the.xlsx")
    with zipfile.ZipFile(path) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    entries["xl/workbook.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lol [<!ENTITY lol "lol">'
                                  b'<!ENTITY lol2 "&lol;&lol;&lol;">]>' + entries["xl/workbook.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    report = validate.check_file(path, config)
    assert report.status == "rejected"
    rule = report.errors[0].rule
    assert "Entities" not in rule and "Forbidden" not in rule and not rule.rstrip(".").endswith(")"), rule
    assert "thực thể" in rule

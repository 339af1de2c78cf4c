"""Reading and validating returned workbooks: real files, good and bad, and the exact cell named."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from pipeline import demo
from pipeline.checks import validate
from pipeline.core import layout, vn
from pipeline.core.model import PERIOD_DATES, Rule, period_dates
from pipeline.intake import read
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from pipeline.topics.tai_san import template as ts
from tests.receive_util import filled, tree_hash, where


@pytest.fixture
def inputs(workdir):
    return workdir[0]


def check(path: Path, config, unit_code=None) -> validate.FileReport:
    report = validate.check_file(path, config, unit_code)
    assert all(p.rule and p.file == path.name for p in report.problems)
    return report


def one_error(report: validate.FileReport) -> read.Problem:
    assert report.status == "rejected", report.text()
    assert len(report.errors) == 1, report.text()
    return report.errors[0]


# ---------------------------------------------------------------------------------------------
# Good files


def test_demo_set_passes_every_rule_without_warning(config, tmp_path):
    files = demo.write_all(tmp_path, config)
    reports = validate.check_files([(p, None) for p in files], config)
    assert {r.template_id for r in reports} == {t for u in config.units for t in u.templates}
    for report in reports:
        assert report.status == "accepted", report.text()
        assert report.recognised_by == "fingerprint" and report.demo
        template = CATALOG[report.template_id]
        for sheet in template.sheets:
            frame = report.data[sheet.key]
            assert list(frame.columns) == ["row"] + [c.key for c in sheet.columns]
            if sheet.rows:
                assert len(frame) == len(sheet.rows(config))
                assert frame["row"].iloc[0] == layout.FIRST_DATA_ROW


def test_what_people_type_is_accepted(config, inputs):
    def edit(wb):
        ws = wb["Lưu trữ"]
        ws["B6"], ws["C6"], ws["D6"], ws["E6"] = "100,5", " 50,5 ", "30", 20  # decimal commas, spaces
        ws["F6"] = "1.234"  # thousands dot
        ws["J6"] = "\u00a012 "
    report = check(filled(config, "so_hoa", inputs, edit=edit), config)
    assert report.status == "accepted", report.text()
    row = report.data["phong"].iloc[0]
    assert (row["tong_met_gia"], row["chinh_ly_hoan_chinh"], row["ho_so_lap_muc_luc"], row["khai_thac_truc_tiep"]) == (
        100.5, 50.5, 1234, 12)


def test_inputs_are_never_changed(config, inputs, capsys):
    bad = filled(config, "tthc", inputs, "bad.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -5))
    good = filled(config, "so_hoa", inputs)
    (inputs / "note.pdf").write_bytes(b"%PDF-1.4 nothing")
    before = tree_hash(inputs)
    assert validate.main([bad, good, inputs / "note.pdf"], config) == 1
    for report in validate.check_files([(bad, None), (good, None)], config):
        validate.write_outputs(report, inputs.parent / "outputs" / "validation")
    assert tree_hash(inputs) == before
    out = capsys.readouterr().out
    assert "TTHC!C6" in out and "Số âm" in out


def test_cli_exit_codes(config, inputs, capsys):
    good = filled(config, "so_hoa", inputs)
    assert validate.main([good], config) == 0
    assert validate.main([inputs / "missing.xlsx"], config) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(("cell", "value", "words"), [
    ("D7", "mười", "không phải số nguyên"),
    ("D7", "12,5", "không phải số nguyên"),
    ("C6", -5, "Số âm"),
    # (TTHC v3 requires no figure: a blank «Tiếp nhận – Tổng số» is unknown, tests/test_tthc_intake.py)
])
def test_bad_cell_is_named(config, inputs, cell, value, words):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb["TTHC"].__setitem__(cell, value)), config)
    assert report.status == "rejected"
    hits = [p for p in report.errors if p.cell == cell and p.sheet == "TTHC"]
    assert hits and any(words in p.rule for p in hits), report.text()
    assert hits[0].field and hits[0].fix


def test_text_in_number_cell_message(config, inputs):
    report = check(filled(config, "nhan_su", inputs, edit=lambda wb: wb["Nhân sự"].__setitem__("F7", "5 người")), config)
    problem = one_error(report)
    assert (problem.sheet, problem.cell, problem.value, problem.field) == ("Nhân sự", "F7", "5 người", "Viên chức")
    assert "không phải số" in problem.rule and "không gõ chữ" in problem.fix
    assert "Nhân sự!F7" in problem.text()


def test_cross_field_rule_points_at_its_target(config, inputs):
    def edit(wb):
        wb["TTHC"]["C8"] = wb["TTHC"]["C8"].value - 1  # nhan_tong now below the sum of its parts
    report = check(filled(config, "tthc", inputs, edit=edit), config)
    cells = where(report, "error")
    assert "TTHC!C8" in cells
    assert any("không thể lớn hơn tổng số tiếp nhận (vượt 1 hồ sơ)" in p.rule and "D8 + F8 + H8" in p.rule
               for p in report.errors)


def test_total_above_its_parts_is_a_warning_with_the_gap(config, inputs):
    def edit(wb):
        wb["TTHC"]["C8"] = wb["TTHC"]["C8"].value + 1  # one dossier received but not split by channel
    report = check(filled(config, "tthc", inputs, edit=edit), config)
    assert report.status == "warnings", report.text()
    assert where(report, "warning") == ["TTHC!C8", "TTHC!C8"]
    assert any("chênh lệch 1 hồ sơ chưa phân loại theo kênh" in p.rule for p in report.warnings)


def test_warning_rule_accepts_the_file(config, inputs):
    def edit(wb):
        ws = wb["Nhân sự"]
        ws["B6"] = ws["C6"].value - 1  # present > quota: a warning
    report = check(filled(config, "nhan_su", inputs, edit=edit), config)
    assert report.status == "warnings", report.text()
    assert where(report, "warning") == ["Nhân sự!C6"]


def test_tree_parent_must_equal_children(config, inputs):
    def edit(wb):
        ws = wb["Ngân sách"]
        ws["D8"] = ws["D8"].value + 10  # A.1.1 changes: A.1 (row 7) no longer its children's sum
    report = check(filled(config, "ngan_sach", inputs, edit=edit), config)
    problem = one_error(report)
    assert (problem.sheet, problem.cell) == ("Ngân sách", "D7")
    assert "A.1" in problem.rule


def test_fixed_row_changed(config, inputs):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb["TTHC"].__setitem__("B9", "Khác")), config)
    problem = one_error(report)
    assert (problem.cell, problem.value) == ("B9", "Khác") and "in sẵn" in problem.rule


def test_data_below_fixed_rows(config, inputs):
    n = len(CATALOG["so_hoa"].sheets[0].rows(config))
    row = layout.FIRST_DATA_ROW + n + 1
    report = check(filled(config, "so_hoa", inputs, edit=lambda wb: wb["Lưu trữ"].__setitem__(f"C{row}", 5)), config)
    assert where(report, "error") == [f"Lưu trữ!C{row}"]


def test_untouched_template_is_one_message_per_sheet(config, inputs):
    path = inputs / "blank.xlsx"
    templates.workbook(CATALOG["nhan_su"], config.unit("VHXH"), config).save(path)
    report = check(path, config)
    assert where(report) == ["Nhân sự!B6"] and "chưa có số liệu" in report.errors[0].rule


def test_formula_without_saved_value(config, inputs):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb["TTHC"].__setitem__("E9", "=1+2")), config)
    problem = one_error(report)
    assert (problem.sheet, problem.cell) == ("TTHC", "E9")
    assert "công thức" in problem.rule and "LibreOffice" in problem.fix


def test_merged_cells_in_data_area(config, inputs):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb["TTHC"].merge_cells("H12:I12")), config)
    assert any(p.cell == "H12" and "H12:I12" in p.rule for p in report.errors), report.text()


# ---------------------------------------------------------------------------------------------
# Structure


def test_header_renamed(config, inputs):
    report = check(filled(config, "so_hoa", inputs, edit=lambda wb: wb["Lưu trữ"].__setitem__("F4", "Mục lục")), config)
    problem = one_error(report)
    assert (problem.sheet, problem.cell, problem.value) == ("Lưu trữ", "F4", "Mục lục")
    assert "Tiêu đề cột bị đổi" in problem.rule


def test_header_deleted(config, inputs):
    report = check(filled(config, "so_hoa", inputs, edit=lambda wb: wb["Lưu trữ"].delete_cols(6)), config)
    assert report.status == "rejected"
    assert any(p.cell == "F4" and "Lưu trữ" == p.sheet and "Hồ sơ đã lập mục lục" in p.rule for p in report.errors), report.text()


def test_columns_reordered_are_read_by_header(config, inputs):
    def edit(wb):
        ws = wb["Lưu trữ"]
        for row in ws.iter_rows(min_row=4, max_row=ws.max_row):
            row[9].value, row[10].value = row[10].value, row[9].value  # swap J and K
    report = check(filled(config, "so_hoa", inputs, edit=edit), config)
    assert report.status == "warnings", report.text()
    assert sorted(where(report)) == ["Lưu trữ!J4", "Lưu trữ!K4"]
    expected = demo.data_for("so_hoa", config, "VP")["phong"][0]["khai_thac_truc_tiep"]
    assert report.data["phong"]["khai_thac_truc_tiep"].iloc[0] == expected


def test_extra_sheet_is_ignored_with_a_warning(config, inputs):
    report = check(filled(config, "so_hoa", inputs, edit=lambda wb: wb.create_sheet("Ghi chú")), config)
    assert report.status == "warnings"
    assert report.warnings[0].sheet == "Ghi chú" and "bỏ qua" in report.warnings[0].rule


def test_missing_sheet(config, inputs):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb.remove(wb["Danh mục TTHC"])), config)
    assert one_error(report).sheet == "Danh mục TTHC"


def test_recognised_by_headers_when_meta_is_gone(config, inputs):
    """Data pasted into a fresh workbook (no hidden sheet), headers on another row."""
    source = openpyxl.load_workbook(filled(config, "so_hoa", inputs, "source.xlsx"))["Lưu trữ"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = layout.UNIT_PREFIX + config.unit("VP").name
    for r, row in enumerate(source.iter_rows(min_row=layout.HEADER_ROW, values_only=True), start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    path = inputs / "pasted.xlsx"
    wb.save(path)
    report = check(path, config)
    assert (report.status, report.recognised_by, report.unit_code, report.template_id) == (
        "accepted", "headers", "VP", "so_hoa"), report.text()
    assert report.data["phong"]["row"].iloc[0] == 5


def test_unknown_workbook(config, inputs):
    wb = openpyxl.Workbook()
    wb.active.append(["Họ tên", "Ngày sinh"])
    wb.save(inputs / "other.xlsx")
    problem = one_error(check(inputs / "other.xlsx", config))
    assert "Không nhận ra biểu mẫu" in problem.rule


def _set_meta(key: str, value):
    def edit(wb):
        ws = wb[layout.META_SHEET]
        ws.cell(layout.META_KEYS.index(key) + 1, 2, value)
    return edit


def test_old_template_version(config, inputs):
    def edit(wb):
        _set_meta("version", 0)(wb)
        _set_meta("fingerprint", "0" * 16)(wb)
    problem = one_error(check(filled(config, "tthc", inputs, edit=edit), config))
    assert problem.rule.startswith("Mẫu cũ") and "tải mẫu mới" in problem.fix


def test_other_period(config, inputs):
    problem = one_error(check(filled(config, "so_hoa", inputs, edit=_set_meta("period_start", "2024-07-01")), config))
    assert (problem.sheet, problem.cell) == (layout.META_SHEET, "B7") and "kỳ báo cáo khác" in problem.rule


def test_unit_filling_another_units_template(config, inputs):
    path = filled(config, "tthc", inputs, edit=_set_meta("unit_code", "VP"))
    problem = one_error(check(path, config))
    assert "không được giao biểu" in problem.rule


def test_file_of_another_unit_sent(config, inputs):
    path = filled(config, "ngan_sach", inputs)
    problem = one_error(check(path, config, unit_code="VP"))
    assert "được gửi bởi" in problem.rule
    assert check(path, config, unit_code="KT").status == "accepted"


# ---------------------------------------------------------------------------------------------
# Free lists


def _list_edit(fn):
    def edit(wb):
        fn(wb["Nhiệm vụ"])
    return edit


def test_free_list_blank_rows_skipped_and_partial_row_reported(config, inputs):
    def edit(ws):
        ws.insert_rows(8)  # a blank row in the middle of the list
        last = max(r for r in range(6, ws.max_row + 1) if ws.cell(r, 1).value is not None)
        ws.cell(last + 1, 2, "Nhiệm vụ chưa điền đủ")  # partly filled
    report = check(filled(config, "phan_cap", inputs, edit=_list_edit(edit)), config)
    rows = {p.cell[1:] for p in report.errors}
    assert len(rows) == 1, report.text()
    row = rows.pop()
    cells = sorted(p.cell for p in report.errors)
    required = [get_column_letter(i + 1) + row for i, c in enumerate(CATALOG["phan_cap"].sheets[0].columns)
                if c.required and c.key != "ten_nhiem_vu"]
    assert cells == sorted(required)
    assert 8 not in report.data["nhiem_vu"]["row"].tolist()


def test_free_list_duplicate_key(config, inputs):
    report = check(filled(config, "phan_cap", inputs, edit=_list_edit(lambda ws: ws.__setitem__("A7", ws["A6"].value))), config)
    problem = one_error(report)
    assert (problem.sheet, problem.cell) == ("Nhiệm vụ", "A7") and "Trùng" in problem.rule


def test_free_list_requirement(config, inputs):
    def edit(ws):
        ws["H6"], ws["I6"] = "Chưa triển khai", None
    problem = one_error(check(filled(config, "phan_cap", inputs, edit=_list_edit(edit)), config))
    assert (problem.sheet, problem.cell) == ("Nhiệm vụ", "I6")


def test_empty_list_needs_its_flag(config, inputs):
    def edit(wb):
        ws = wb["Nhiệm vụ"]
        for row in ws.iter_rows(min_row=layout.FIRST_DATA_ROW):
            for cell in row:
                cell.value = None
    problem = one_error(check(filled(config, "phan_cap", inputs, edit=edit), config))
    assert (problem.sheet, problem.cell) == ("Tổng hợp", "A6")


# ---------------------------------------------------------------------------------------------
# Date rules (tai_san): dates in time order and within the period


ASSETS = CATALOG["tai_san"].sheet("danh_sach")


def _asset_row(config, state: str) -> int:
    """Excel row of the first demo asset in a disposal state."""
    rows = demo.data_for("tai_san", config, "KT")["danh_sach"]
    return layout.FIRST_DATA_ROW + next(i for i, r in enumerate(rows) if r.get("trang_thai_xu_ly") == state)


def _cell(key: str, row: int) -> str:
    return f"{get_column_letter([c.key for c in ASSETS.columns].index(key) + 1)}{row}"


def _dates(config, inputs, state: str, **values):
    """A demo asset file with the dates of the first row in that state set (None = blank)."""
    row = _asset_row(config, state)

    def edit(wb):
        for key, value in values.items():
            wb[ASSETS.name][_cell(key, row)] = value
    return row, check(filled(config, "tai_san", inputs, edit=edit), config)


def _rule(left: str, right: str) -> Rule:
    return next(r for r in ASSETS.rules if (r.left, r.right) == (left, right))


@pytest.mark.parametrize(("state", "change", "target", "right", "severity"), [
    # completed the day before the decision
    (ts.DONE, lambda d: {"ngay_hoan_thanh": d["ngay_quyet_dinh"] - timedelta(days=1)},
     "ngay_hoan_thanh", "ngay_quyet_dinh", "error"),
    # decided the day before the asset was found surplus
    (ts.DONE, lambda d: {"ngay_quyet_dinh": d["ngay_doi_du"] - timedelta(days=1)},
     "ngay_quyet_dinh", "ngay_doi_du", "warning"),
    # each date the day after the cut-off (one typed as text, as people do)
    (ts.NOT_YET, lambda d: {"ngay_doi_du": "01/05/2026"}, "ngay_doi_du", "cutoff", "error"),
    (ts.ONGOING, lambda d: {"ngay_quyet_dinh": date(2026, 5, 1)}, "ngay_quyet_dinh", "cutoff", "error"),
    (ts.DONE, lambda d: {"ngay_hoan_thanh": date(2026, 5, 1)}, "ngay_hoan_thanh", "cutoff", "error"),
    # the whole disposal before the period began
    (ts.DONE, lambda d: {"ngay_doi_du": date(2025, 3, 1), "ngay_quyet_dinh": date(2025, 4, 1),
                         "ngay_hoan_thanh": date(2025, 6, 30)}, "ngay_hoan_thanh", "period_start", "warning"),
])
def test_date_rule_names_the_cell(config, inputs, state, change, target, right, severity):
    rows = demo.data_for("tai_san", config, "KT")["danh_sach"]
    demo_row = rows[_asset_row(config, state) - layout.FIRST_DATA_ROW]
    assert config.cutoff == date(2026, 4, 30) and config.start == date(2025, 7, 1)
    row, report = _dates(config, inputs, state, **change(demo_row))
    assert [(p.severity, f"{p.sheet}!{p.cell}") for p in report.problems] == [
        (severity, f"{ASSETS.name}!{_cell(target, row)}")], report.text()
    assert report.status == ("rejected" if severity == "error" else "warnings")
    problem = report.problems[0]
    rule = _rule(target, right)
    assert rule.severity == severity and problem.rule.startswith(rule.wording(config))
    assert problem.field == ASSETS.column(target).label
    typed = change(demo_row)[target]
    value = typed if isinstance(typed, date) else datetime.strptime(typed, "%d/%m/%Y").date()
    assert problem.value == vn.day(value) and f"{_cell(target, row)} = {vn.day(value)}" in problem.rule
    if right in PERIOD_DATES:
        bound = period_dates(config)[right]
        assert f"{PERIOD_DATES[right][0]} {vn.day(bound)}" in problem.rule  # "ngày chốt số liệu 30/04/2026"
    else:
        assert f"{_cell(right, row)} = " in problem.rule and _cell(right, row) in problem.fix


def test_blank_dates_are_not_checked(config, inputs):
    """Blank is not zero: a rule waits until every date it names is filled; the period's own dates
    are always there, and a date equal to the cut-off date is within the period."""
    row, report = _dates(config, inputs, ts.DONE, ngay_doi_du=None, ngay_quyet_dinh=None,
                         ngay_hoan_thanh=config.cutoff)
    # a surplus asset's dates may stay blank (unknown, tai_san v3): no date rule fails
    assert report.status == "accepted", report.text()
    _, report = _dates(config, inputs, ts.ONGOING, ngay_quyet_dinh=None)
    assert report.status == "accepted", report.text()
    _, report = _dates(config, inputs, ts.DONE, ngay_quyet_dinh=None, ngay_hoan_thanh=date(2026, 5, 2))
    assert [p.cell for p in report.problems] == [_cell("ngay_hoan_thanh", _asset_row(config, ts.DONE))]
    assert report.problems[0].rule.startswith(_rule("ngay_hoan_thanh", "cutoff").wording(config))


def test_guide_lists_the_date_rules_with_the_period_dates(config):
    wb = templates.workbook(CATALOG["tai_san"], config.unit("KT"), config)
    text = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    for rule in ts.DATE_RULES:
        assert f"{'Lỗi' if rule.severity == 'error' else 'Cảnh báo'}: {rule.wording(config)}" in text
    assert "sau ngày chốt số liệu 30/04/2026" in text and "{" not in text


# ---------------------------------------------------------------------------------------------
# Files that are not usable workbooks


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _ole(stream: str) -> bytes:
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + stream.encode("utf-16-le") + b"\0" * 1024


def _docx() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


CASES = {
    "empty": (lambda good: b"", "Tệp rỗng"),
    "pdf": (lambda good: b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF"),
    "docx": (lambda good: _docx(), "Word (.docx)"),
    "doc": (lambda good: _ole("WordDocument"), "Word (.doc)"),
    "xls": (lambda good: _ole("Workbook"), ".xls"),
    "password": (lambda good: _ole("EncryptedPackage"), "mật khẩu"),
    "ods": (lambda good: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                               "content.xml": b"<x/>"}), ".ods"),
    "truncated": (lambda good: good[: len(good) // 2], "hỏng"),
    "corrupt": (lambda good: good[:200] + bytes(len(good) - 400) + good[-200:], "hỏng"),
    "too_many_entries": (lambda good: _zip({f"x/{i}.xml": b"" for i in range(read.MAX_ENTRIES + 1)}), "quá nhiều thành phần"),
    "bomb": (lambda good: _zip({"xl/workbook.xml": b"<a/>", "xl/worksheets/sheet1.xml": bytes(5_000_000)}), "nghi tệp nén độc hại"),
    "too_large": (lambda good: b"PK\x03\x04" + bytes(read.MAX_FILE_BYTES), "quá lớn"),
    "text": (lambda good: "Số liệu: 12".encode(), "không phải bảng tính"),
    "zip_not_xlsx": (lambda good: _zip({"a.txt": b"hello"}), "không phải bảng tính"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unreadable_files_get_a_message_not_a_crash(config, inputs, case):
    good = filled(config, "so_hoa", inputs, "good.xlsx").read_bytes()
    make, words = CASES[case]
    path = inputs / f"{case}.xlsx"
    path.write_bytes(make(good))
    before = tree_hash(inputs)
    problem = one_error(check(path, config))
    assert words in problem.rule, problem.text()
    assert problem.fix and problem.sheet is None
    written = validate.write_outputs(validate.check_file(path, config), inputs.parent / "outputs" / "validation")
    assert [p.name for p in written] == [validate.REPORT_NAME]
    assert tree_hash(inputs) == before


# ---------------------------------------------------------------------------------------------
# Outputs


def test_report_workbook_and_annotated_copy(config, inputs, tmp_path):
    def edit(wb):
        wb["TTHC"]["C6"] = -5
        wb["TTHC"]["D7"] = "abc"
    path = filled(config, "tthc", inputs, "don_vi.xlsx", edit=edit)
    before = path.read_bytes()
    report = check(path, config)
    written = validate.write_outputs(report, tmp_path / "outputs" / "validation")
    folder = tmp_path / "outputs" / "validation" / "don_vi"
    assert written == [folder / validate.REPORT_NAME, folder / ("don_vi" + validate.ANNOTATED_SUFFIX)]
    ws = openpyxl.load_workbook(written[0]).active
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0] not in (None, "STT") and isinstance(r[0], int)]
    assert len(rows) == len(report.problems)
    assert ("TTHC", "D7") in {(r[2], r[3]) for r in rows}
    copy = openpyxl.load_workbook(written[1])
    assert "không phải số" in copy["TTHC"]["D7"].comment.text
    assert copy["TTHC"]["D7"].fill.fgColor.rgb.endswith(validate.ERROR_FILL)
    assert copy["TTHC"]["E7"].comment is None
    assert path.read_bytes() == before


def test_a_whole_number_too_large_for_the_warehouse_is_reported_not_a_crash(config, tmp_path):
    def edit(wb):
        wb["TTHC"]["C6"].value = 10**20
        wb["TTHC"]["D6"].value = "100000000000000000000"

    report = validate.check_file(filled(config, "tthc", tmp_path, edit=edit), config)
    assert report.status == "rejected"
    assert {"TTHC!C6", "TTHC!D6"} <= set(where(report, "error"))


def test_a_whole_number_cell_asks_for_a_whole_number(config, inputs):
    report = check(filled(config, "tthc", inputs, edit=lambda wb: wb["TTHC"].__setitem__("C6", "mười")), config)
    [problem] = [p for p in report.errors if p.cell == "C6"]
    assert "ví dụ 1234" in problem.fix and "12,5" not in problem.fix  # no decimal example for a whole number

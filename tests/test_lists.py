"""The list templates' own cases (issue 7): real workbooks written from the catalog with demo data,
edited with openpyxl as a unit would, saved, and checked with validate.check_file; every
message is asserted at its exact sheet and A1 cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import demo
from pipeline.checks import validate
from pipeline.core import layout
from pipeline.core.layout import FIRST_DATA_ROW, HEADER_ROW
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from pipeline.topics.phan_cap import template as dc
from pipeline.topics.tai_san import template as ts

TASKS, TASK_SUMMARY = dc.tasks, dc.summary
ASSETS = ts.assets


def _col(sheet, key: str) -> int:
    return [c.key for c in sheet.columns].index(key) + 1


def _letter(sheet, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(_col(sheet, key))


def _write(tmp_path: Path, config, template_id: str, unit: str, edit, name: str = "bieu.xlsx") -> validate.FileReport:
    wb = templates.workbook(CATALOG[template_id], config.unit(unit), config, demo.data_for(template_id, config, unit))
    edit(wb)
    path = tmp_path / name
    wb.save(path)
    return validate.check_file(path, config)


def _where(report: validate.FileReport) -> set[tuple[str, str, str]]:
    return {(p.severity, p.sheet, p.cell) for p in report.problems}


def _task_rows(config) -> int:
    return len(demo.data_for("phan_cap", config, "VHXH")["nhiem_vu"])


def _asset_rows(config) -> int:
    return len(demo.data_for("tai_san", config, "KT")["danh_sach"])


def _new_task(ws, row: int, stt: int) -> None:
    values = {"stt": stt, "ten_nhiem_vu": f"Nhiệm vụ bổ sung số {stt}", "nguon": dc.SOURCES[3], "linh_vuc": "Y tế",
              "hinh_thuc": "Phân cấp", "can_cu": "Quyết định số 12/2025/QĐ-UBND", "so_tthc": 1,
              "tinh_trang": dc.STATES[0]}
    for key, value in values.items():
        ws.cell(row, _col(TASKS, key), value)


def test_rows_added_by_the_unit_are_read(tmp_path, config):
    n = _task_rows(config)

    def add(wb):
        for k in range(3):
            _new_task(wb[TASKS.name], FIRST_DATA_ROW + n + k, 100 + k)

    report = _write(tmp_path, config, "phan_cap", "VHXH", add)
    assert report.status == "accepted", [p.text() for p in report.problems]
    data = report.data["nhiem_vu"]
    assert len(data) == n + 3
    assert list(data["stt"].tail(3)) == [100, 101, 102]
    assert list(data["row"].tail(3)) == [FIRST_DATA_ROW + n + k for k in range(3)]


def _blank_row(ws, sheet, row: int) -> None:
    for c in range(1, len(sheet.columns) + 1):
        ws.cell(row, c).value = None


def test_blank_rows_are_skipped_and_rows_past_the_ruled_area_are_read(tmp_path, config):
    """People leave gaps: a blank row between filled rows is skipped without a message, and a row
    typed below the rows ruled in the template is read like any other (never silently dropped);
    every row keeps its own Excel row number."""
    n = _task_rows(config)
    far = FIRST_DATA_ROW + TASKS.max_rows  # the first row below the ruled area

    def edit(wb):
        ws = wb[TASKS.name]
        _blank_row(ws, TASKS, FIRST_DATA_ROW + 4)
        _blank_row(ws, TASKS, FIRST_DATA_ROW + 5)
        _new_task(ws, far, 999)

    report = _write(tmp_path, config, "phan_cap", "VHXH", edit)
    assert report.status == "accepted", [p.text() for p in report.problems]
    data = report.data["nhiem_vu"]
    rows = list(data["row"])
    assert rows == [r for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + n) if r - FIRST_DATA_ROW not in (4, 5)] + [far]
    assert data["stt"].iloc[-1] == 999


def test_checks_after_a_gap_and_past_the_ruled_area_name_their_own_cells(tmp_path, config):
    """Duplicate keys, blank required cells and bad values are reported at the row where they are,
    whether the row comes after blank rows or lies below the ruled area."""
    n = _task_rows(config)
    far = FIRST_DATA_ROW + TASKS.max_rows + 3
    first_stt = demo.data_for("phan_cap", config, "VHXH")["nhiem_vu"][0]["stt"]

    def edit(wb):
        ws = wb[TASKS.name]
        _blank_row(ws, TASKS, FIRST_DATA_ROW + n - 2)  # a gap before the list's last row
        ws.cell(FIRST_DATA_ROW + n - 1, _col(TASKS, "stt"), first_stt)  # duplicate after the gap
        _new_task(ws, far, 500)
        ws.cell(far, _col(TASKS, "so_tthc"), -1)  # bad value below the ruled area
        _new_task(ws, far + 2, 501)
        ws.cell(far + 2, _col(TASKS, "hinh_thuc")).value = None  # blank required cell
        _new_task(ws, far + 4, 500)  # duplicate of a row below the ruled area

    report = _write(tmp_path, config, "phan_cap", "VHXH", edit)
    assert _where(report) == {
        ("error", TASKS.name, f"{_letter(TASKS, 'stt')}{FIRST_DATA_ROW + n - 1}"),
        ("error", TASKS.name, f"{_letter(TASKS, 'so_tthc')}{far}"),
        ("error", TASKS.name, f"{_letter(TASKS, 'hinh_thuc')}{far + 2}"),
        ("error", TASKS.name, f"{_letter(TASKS, 'stt')}{far + 4}"),
    }, [p.text() for p in report.problems]
    by_cell = {p.cell: p for p in report.errors}
    assert "Trùng" in by_cell[f"{_letter(TASKS, 'stt')}{far + 4}"].rule
    assert "Số âm" in by_cell[f"{_letter(TASKS, 'so_tthc')}{far}"].rule


def test_guide_says_how_a_list_is_read(tmp_path, config):
    wb = templates.workbook(CATALOG["phan_cap"], config.unit("VHXH"), config)
    text = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert f"tối đa {TASKS.max_rows} dòng" in text and "Dòng để trống xen giữa được bỏ qua" in text
    assert "bên dưới vùng kẻ sẵn" in text and "không để dòng trống" not in text


def test_deleted_header_row_is_rejected_naming_the_sheet_and_headers(tmp_path, config):
    report = _write(tmp_path, config, "tai_san", "KT", lambda wb: wb[ASSETS.name].delete_rows(HEADER_ROW))
    assert report.status == "rejected"
    errors = [p for p in report.errors if p.sheet == ASSETS.name]
    assert errors, [p.text() for p in report.problems]
    first = errors[0]
    assert first.cell == f"A{HEADER_ROW}"
    assert ASSETS.column("ma_tai_san").header in first.rule
    assert all(p.sheet == ASSETS.name for p in report.errors)


def test_row_with_only_some_cells_filled_names_each_blank_required_cell(tmp_path, config):
    row = FIRST_DATA_ROW + _asset_rows(config)

    def partial(wb):
        ws = wb[ASSETS.name]
        ws.cell(row, _col(ASSETS, "ten_tai_san"), "Nhà kho mới tiếp nhận")
        ws.cell(row, _col(ASSETS, "loai"), ts.KINDS[1])

    report = _write(tmp_path, config, "tai_san", "KT", partial)
    assert report.status == "rejected"
    expected = {("error", ASSETS.name, f"{_letter(ASSETS, k)}{row}")
                for k in ("ma_tai_san", "hien_trang")}  # the rest may stay blank: unknown (tai_san v3)
    assert _where(report) == expected


def _clear_tasks(wb) -> None:
    ws = wb[TASKS.name]
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + TASKS.max_rows):
        for c in range(1, len(TASKS.columns) + 1):
            ws.cell(r, c).value = None


def _flag(value: str):
    def edit(wb):
        _clear_tasks(wb)
        wb[TASK_SUMMARY.name].cell(FIRST_DATA_ROW, _col(TASK_SUMMARY, "co_nhiem_vu"), value)
    return edit


FLAG_CELL = f"{_letter(TASK_SUMMARY, 'co_nhiem_vu')}{FIRST_DATA_ROW}"


def test_list_left_empty_on_purpose_is_accepted(tmp_path, config):
    report = _write(tmp_path, config, "phan_cap", "VHXH", _flag("Không"))
    assert report.status == "accepted", [p.text() for p in report.problems]
    assert report.data["nhiem_vu"].empty


def test_empty_list_without_the_flag_is_rejected_at_the_flag_cell(tmp_path, config):
    report = _write(tmp_path, config, "phan_cap", "VHXH", _flag("Có"))
    assert report.status == "rejected"
    assert _where(report) == {("error", TASK_SUMMARY.name, FLAG_CELL)}
    problem = report.errors[0]
    assert TASK_SUMMARY.column("co_nhiem_vu").label in problem.rule and "«Không»" in problem.rule


def test_flag_saying_nothing_while_rows_are_listed_is_rejected(tmp_path, config):
    def edit(wb):
        wb[TASK_SUMMARY.name].cell(FIRST_DATA_ROW, _col(TASK_SUMMARY, "co_nhiem_vu"), "Không")

    report = _write(tmp_path, config, "phan_cap", "VHXH", edit)
    assert _where(report) == {("error", TASK_SUMMARY.name, FLAG_CELL)}
    assert f"{_task_rows(config)} dòng" in report.errors[0].rule


def test_text_longer_than_the_limit_quotes_the_limit(tmp_path, config):
    def edit(wb):
        ws = wb[TASKS.name]
        ws.cell(FIRST_DATA_ROW + 1, _col(TASKS, "can_cu"), "x" * 251)
        ws.cell(FIRST_DATA_ROW + 2, _col(TASKS, "ten_nhiem_vu"), "y" * 301)

    report = _write(tmp_path, config, "phan_cap", "VHXH", edit)
    assert _where(report) == {("error", TASKS.name, f"{_letter(TASKS, 'can_cu')}{FIRST_DATA_ROW + 1}"),
                              ("error", TASKS.name, f"{_letter(TASKS, 'ten_nhiem_vu')}{FIRST_DATA_ROW + 2}")}
    by_cell = {p.cell: p for p in report.errors}
    assert "250 ký tự" in by_cell[f"{_letter(TASKS, 'can_cu')}{FIRST_DATA_ROW + 1}"].fix
    assert "300 ký tự" in by_cell[f"{_letter(TASKS, 'ten_nhiem_vu')}{FIRST_DATA_ROW + 2}"].fix
    # exactly at the limit is fine
    ok = _write(tmp_path, config, "phan_cap", "VHXH",
                lambda wb: wb[TASKS.name].cell(FIRST_DATA_ROW, _col(TASKS, "can_cu"), "z" * 250), "ok.xlsx")
    assert ok.status == "accepted"


@pytest.mark.parametrize(("template_id", "unit", "sheet", "key", "value"), [
    ("phan_cap", "VHXH", TASKS, "stt", 5),
    ("tai_san", "KT", ASSETS, "ma_tai_san", "TS03"),
])
def test_duplicate_row_key_is_reported_on_the_later_row(tmp_path, config, template_id, unit, sheet, key, value):
    rows = demo.data_for(template_id, config, unit)[sheet.key]
    original = next(i for i, r in enumerate(rows) if r[key] == value)
    other = len(rows) - 1 if original < len(rows) - 1 else 0  # a row after the original when possible
    report = _write(tmp_path, config, template_id, unit,
                    lambda wb: wb[sheet.name].cell(FIRST_DATA_ROW + other, _col(sheet, key), value))
    later = FIRST_DATA_ROW + max(original, other)
    assert _where(report) == {("error", sheet.name, f"{_letter(sheet, key)}{later}")}


def test_row_conditions_between_fields(tmp_path, config):
    rows = demo.data_for("tai_san", config, "KT")["danh_sach"]
    surplus = next(i for i, r in enumerate(rows) if r["hien_trang"] == ts.SURPLUS and r["trang_thai_xu_ly"] == ts.NOT_YET)
    done = next(i for i, r in enumerate(rows) if r.get("trang_thai_xu_ly") == ts.DONE)

    def edit(wb):
        ws = wb[ASSETS.name]
        ws.cell(FIRST_DATA_ROW + surplus, _col(ASSETS, "hinh_thuc_xu_ly")).value = None
        ws.cell(FIRST_DATA_ROW + done, _col(ASSETS, "ngay_hoan_thanh")).value = None

    report = _write(tmp_path, config, "tai_san", "KT", edit)
    assert _where(report) == {  # a completion date left blank is unknown (tai_san v3), not an error
        ("error", ASSETS.name, f"{_letter(ASSETS, 'hinh_thuc_xu_ly')}{FIRST_DATA_ROW + surplus}"),
    }
    tasks = demo.data_for("phan_cap", config, "VHXH")["nhiem_vu"]
    late = next(i for i, r in enumerate(tasks) if r["tinh_trang"] == "Chưa triển khai")
    report = _write(tmp_path, config, "phan_cap", "VHXH",
                    lambda wb: setattr(wb[TASKS.name].cell(FIRST_DATA_ROW + late, _col(TASKS, "kho_khan")), "value",
                                       None), "task.xlsx")
    assert _where(report) == {("error", TASKS.name, f"{_letter(TASKS, 'kho_khan')}{FIRST_DATA_ROW + late}")}
    assert "Khó khăn, vướng mắc" in report.errors[0].rule

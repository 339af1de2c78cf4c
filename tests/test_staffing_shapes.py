"""Staffing as communes hold it (issue 22): one row for the whole commune («biên chế 37, hiện có
31»), a body's total without its parts, parts above or below their total, and a version-1 file.
Real .xlsx written by the template writer, read back, stored in a real DuckDB warehouse, and the
real build's annex workbook and Word report reopened."""

from __future__ import annotations

import openpyxl
import pytest
from docx import Document

from pipeline import build, demo
from pipeline.checks import validate
from pipeline.core import paths
from pipeline.core.model import fill
from pipeline.intake import versions
from pipeline.outputs import indicators, templates
from pipeline.outputs.report import FILE_NAME as REPORT
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.nhan_su import template as nhan_su

NHAN_SU_V1 = "a5bf35245d8ae7c7"  # the fingerprint version-1 files carry (code before this revision)
CENTRE = "Trung tâm Phục vụ hành chính công xã"


def _write(config, folder, by_row: dict[str, dict], template=None):
    """The staffing template of the owning unit with figures typed into the rows named."""
    template = template or CATALOG["nhan_su"]
    unit = config.owners("nhan_su")[0]
    rows = template.sheet("can_bo").rows(config)
    assert set(by_row) <= {r[0] for r in rows}, by_row
    path = folder / templates.filename(template, unit)
    templates.workbook(template, unit, config, {"can_bo": [by_row.get(r[0], {}) for r in rows]}).save(path)
    return path


def _whole(config) -> str:
    return fill(nhan_su.WHOLE, config)


def _annex_rows(outputs, title_start: str) -> list[tuple]:
    book = openpyxl.load_workbook(outputs / paths.ANNEX, read_only=True)
    for ws in book.worksheets:
        rows = [r for r in ws.iter_rows(values_only=True)]
        if any(isinstance(v, str) and title_start in v for r in rows[:2] for v in r):
            return rows
    raise AssertionError(f"no annex sheet titled {title_start!r}")


def _report_text(outputs) -> str:
    doc = Document(str(outputs / REPORT))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_one_row_for_the_whole_commune_is_a_staffing_file(config, workdir):
    """«Biên chế 37, hiện có 31» and nothing else: accepted without a problem; the whole's figures
    are held exactly, its rate computed, and every figure it lacks is [x] naming the figure and the
    unit in the warehouse's indicators, the annex and the report — never 0, never judged."""
    inputs, outputs = workdir
    path = _write(config, inputs, {_whole(config): {"bien_che": 37, "hien_co": 31}})
    report = validate.check_file(path, config)
    assert report.status == "accepted", report.text()

    assert build.run(inputs, outputs) == 0
    unit = config.owners("nhan_su")[0].name
    with warehouse.connect(outputs) as con:
        stored = con.execute("select co_quan, bien_che, hien_co, cong_chuc, td_dai_hoc from cur_nhan_su_can_bo "
                             "where bien_che is not null or hien_co is not null").fetchall()
        results = indicators.compute(con, config)
    assert stored == [(_whole(config), 37, 31, None, None)]
    t = results.tables["nhan_su_theo_co_quan"]
    total = t.row("Cộng")
    assert (t.value(total, "bien_che"), t.value(total, "hien_co")) == (37, 31)
    assert t.text(total, "ty_le_bien_che") == "83,8"
    for key in ("dung_vtvl", "ty_le_dung_vtvl", "so_nghi", "doi_du", "cong_chuc"):
        assert t.text(total, key) == "[x]", key
    note = t.value(total, "ghi_chu")
    assert note.startswith("[x]: chưa có số liệu") and '"Bố trí đúng vị trí việc làm phù hợp trình độ"' in note
    assert '"Số người dôi dư"' in note and unit in note and '"Số hiện có"' not in note
    centre = t.row(CENTRE)
    assert t.text(centre, "hien_co") == "[x]" and '"Số hiện có"' in t.value(centre, "ghi_chu")
    q = results.tables["nhan_su_trinh_do"]
    assert all(q.text(i, "ty_le") == "[x]" and '"Trình độ: ' in q.value(i, "ghi_chu") for i in range(len(q.frame)))

    annex = _annex_rows(outputs, "Số lượng cán bộ, công chức")
    [row] = [r for r in annex if r and r[0] == "Cộng"]
    assert 37 in row and 31 in row and "[x]" in row
    assert any(isinstance(v, str) and '"Bố trí đúng vị trí việc làm phù hợp trình độ"' in v for v in row)

    text = _report_text(outputs)
    assert "là 31 người, bằng 83,8% biên chế được giao (37 người)" in text
    assert "tỷ lệ được bố trí đúng vị trí việc làm phù hợp trình độ đạt [x]" in text
    assert "Số người dôi dư là [x] người" in text
    assert '"Bố trí đúng vị trí việc làm phù hợp trình độ"' in text and unit in text


def test_a_centre_of_six_people_without_breakdown(config, workdir):
    """A body's total without its parts is accepted as a total; the commune's total is unknown while
    another body is blank (parts are summed only when all are given), and says which figure."""
    inputs, outputs = workdir
    path = _write(config, inputs, {CENTRE: {"hien_co": 6}})
    report = validate.check_file(path, config)
    assert report.status == "accepted", report.text()
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        results = indicators.compute(con, config)
    t = results.tables["nhan_su_theo_co_quan"]
    centre, total = t.row(CENTRE), t.row("Cộng")
    assert t.value(centre, "hien_co") == 6 and t.text(centre, "cong_chuc") == "[x]"
    assert t.text(total, "hien_co") == "[x]" and '"Số hiện có"' in t.value(total, "ghi_chu")


def test_every_body_given_sums_to_the_whole(config, workdir):
    """With every body's figure and a blank whole row, the whole is the bodies' sum."""
    inputs, outputs = workdir
    bodies = [r[0] for r in CATALOG["nhan_su"].sheet("can_bo").rows(config)][:-1]
    _write(config, inputs, {b: {"hien_co": 5 + i, "bien_che": 6 + i} for i, b in enumerate(bodies)})
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    with warehouse.connect(outputs) as con:
        t = indicators.compute(con, config).tables["nhan_su_theo_co_quan"]
    total = t.row("Cộng")
    assert t.value(total, "hien_co") == sum(5 + i for i in range(len(bodies)))
    assert t.value(total, "bien_che") == sum(6 + i for i in range(len(bodies)))


@pytest.mark.parametrize("given, severity, words", [
    ({"hien_co": 31, "cong_chuc": 20}, None, None),  # parts not all given: nothing to say
    ({"hien_co": 31, "can_bo": 5, "cong_chuc": 20, "vien_chuc": 0, "hop_dong": 2, "khong_chuyen_trach": 2},
     "warning", "thấp hơn số hiện có 2 người"),
    ({"hien_co": 31, "cong_chuc": 30, "hop_dong": 3}, "error", "vượt số hiện có 2 người"),
    ({"hien_co": 31, "td_dai_hoc": 28}, None, None),
])
def test_parts_are_checked_on_what_is_filled(config, tmp_path, given, severity, words):
    path = _write(config, tmp_path, {_whole(config): given})
    report = validate.check_file(path, config)
    found = [p for p in report.problems if p.severity != "info"]
    if severity is None:
        assert report.status == "accepted", report.text()
        return
    assert [p.severity for p in found] == [severity], report.text()
    assert words in found[0].rule and found[0].cell.startswith("C"), report.text()


def test_a_version_1_file_is_carried_over_with_the_whole_row_blank(config, workdir):
    """A file on the previous version (no «Toàn …» row, no surplus columns) keeps working: its
    figures are held, the added row and columns are blank (unknown), the note names them."""
    inputs, outputs = workdir
    old = versions.shape(CATALOG["nhan_su"], 1)
    assert old.fingerprint == NHAN_SU_V1
    unit = config.owners("nhan_su")[0]
    data = demo.data_for("nhan_su", config, unit.code)["can_bo"]  # the bodies' rows
    assert len(data) == len(config.staffing_bodies)
    path = inputs / templates.filename(old, unit)
    templates.workbook(old, unit, config, {"can_bo": data}).save(path)
    report = validate.check_file(path, config)
    assert report.status == "warnings", report.text()
    [note] = report.problems
    assert note.rule.startswith("Tệp dùng mẫu phiên bản 1; đã chuyển sang phiên bản 2")
    assert f"thêm dòng «{_whole(config)}»" in note.rule and "«Số người dôi dư (người)»" in note.rule
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        whole = con.execute("select hien_co, doi_du from cur_nhan_su_can_bo where co_quan = ?",
                            [_whole(config)]).fetchall()
        t = indicators.compute(con, config).tables["nhan_su_theo_co_quan"]
    assert whole == [(None, None)]
    assert t.value(t.row("Cộng"), "hien_co") == sum(r["hien_co"] for r in data)
    assert t.text(t.row("Cộng"), "doi_du") == "[x]"


def test_only_the_shortfall_of_the_whole_commune_and_an_empty_sheet(config, tmp_path):
    """«Chính quyền xã còn thiếu 10 người» and nothing else is a staffing file (no figure is
    required); an entirely blank sheet is refused (a blank template sent by mistake)."""
    report = validate.check_file(_write(config, tmp_path, {_whole(config): {"thieu_nguoi": 10}}), config)
    assert report.status == "accepted", report.text()
    report = validate.check_file(_write(config, tmp_path, {}), config)
    assert report.status == "rejected" and "chưa có số liệu" in report.errors[0].rule, report.text()

"""Template versions: a file made from an earlier version of a template is recognised from the
declared history, carried over into the current shape with a note when its figures allow it, and
rejected as «Mẫu cũ» naming the change when they do not. Real .xlsx written by the template
writer from the older declaration, read back, and ingested into a real DuckDB warehouse."""

from __future__ import annotations

import dataclasses

import openpyxl
import pandas as pd
import pytest

from pipeline import demo
from pipeline.checks import validate
from pipeline.core import paths, vn
from pipeline.core.model import Change, Field, Revision, Template
from pipeline.intake import versions
from pipeline.outputs import indicators, rates, templates
from pipeline.outputs.report import section_content
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG

# The fingerprints the template writer put into version-1 files (computed by the code of commits
# 51bf07d^ for lanh_dao and bd59fa2 for tthc, before each template became version 2).
LANH_DAO_V1 = "89254b539e550b6e"
TTHC_V1 = "794db0008b0160bd"
PHAN_CAP_V1 = "f0d04500427fe18c"  # before «Không có nhiệm vụ nào …» became «Có nhiệm vụ … trong kỳ»
TAI_SAN_V1 = "0fe20bb8d9b391b2"  # before «Không có tài sản nào phải kê khai» became «Có tài sản phải kê khai»
NGAN_SACH_V1 = "7f633d1178c0e253"  # before budget years became calendar years cumulated to a stated date

# A realistic next version of the TTHC template: one more optional figure on the procedures sheet.
NEW_FIELD = Field("tthc_cong_khai", "Số TTHC đã công khai trên Cổng Dịch vụ công quốc gia", unit="thủ tục",
                  width=16, required=False)


def revised(template_id: str, changes: tuple[Change, ...], **sheets) -> Template:
    """The next version of a real template: sheets replaced (sheet key → new Sheet), its history extended."""
    template = CATALOG[template_id]
    return dataclasses.replace(template, version=template.version + 1,
                               sheets=tuple(sheets.get(s.key, s) for s in template.sheets),
                               history=(Revision(template.version + 1, changes), *template.history))


def _with_new_field(required: bool = False) -> Template:
    procedures = CATALOG["tthc"].sheet("danh_muc")
    added = dataclasses.replace(NEW_FIELD, required=required)
    return revised("tthc", (Change("added", "danh_muc", added.key),),
                   danh_muc=dataclasses.replace(procedures, fields=procedures.fields + (added,)))


@pytest.fixture
def install(monkeypatch):
    """Put a newer version of a template in the registry (as a release of the system would)."""
    def put(newer: Template) -> Template:
        monkeypatch.setitem(CATALOG, newer.id, newer)
        versions.fingerprints.cache_clear()
        return newer
    yield put
    versions.fingerprints.cache_clear()


@pytest.fixture
def next_tthc(install):
    """Install a version 3 of the TTHC template (an optional field added) in the registry."""
    return lambda required=False: install(_with_new_field(required))


def write_version(config, template_id: str, version: int, folder, current=None):
    """A unit's file made from an earlier version of a template, filled with the demo figures."""
    template = versions.shape(current or CATALOG[template_id], version)
    unit = config.owners(template_id)[0]
    wb = templates.workbook(template, unit, config, demo.data_for(template_id, config, unit.code))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / templates.filename(template, unit)
    wb.save(path)
    return path


def feedback_texts(outputs) -> str:
    found = list((outputs / paths.VALIDATION_DIR).rglob(paths.FEEDBACK_REPORT))
    assert found, "no feedback workbook written"
    book = openpyxl.load_workbook(found[0], read_only=True)
    return " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_history_rebuilds_the_fingerprints_earlier_files_carry():
    assert versions.shape(CATALOG["lanh_dao"], 1).fingerprint == LANH_DAO_V1
    assert versions.shape(CATALOG["tthc"], 1).fingerprint == TTHC_V1
    known = versions.fingerprints()
    assert known[LANH_DAO_V1].version == 1 and known[LANH_DAO_V1].id == "lanh_dao"
    assert all(known[t.fingerprint] is t for t in CATALOG.values())


def test_every_declared_change_rebuilds_and_reads_in_plain_words():
    """A wrong history (a key that does not exist, a revision missing) would fail every file at
    reading time: each one rebuilds, each change is worded with headers, never keys."""
    for template in CATALOG.values():
        older = versions.shapes(template)
        assert [t.version for t in older] == list(range(template.version - 1, template.version - 1 - len(older), -1))
        assert len({t.fingerprint for t in [template, *older]}) == len(older) + 1
        for revision in template.history:
            keys = {c.key for s in versions.shape(template, revision.version).sheets for c in s.columns}
            for change in revision.changes:
                text = versions.wording(template, revision, change)
                assert "«" in text and not any(k in text for k in keys if "_" in k), text


@pytest.mark.parametrize("template_id, fingerprint, flag, old_label, why", [
    ("phan_cap", PHAN_CAP_V1, "co_nhiem_vu", "«Không có nhiệm vụ nào được phân cấp, phân quyền, ủy quyền»",
     "«Có» nghĩa là không nhận nhiệm vụ nào; nay «Có» nghĩa là có nhiệm vụ"),
    ("tai_san", TAI_SAN_V1, "co_tai_san", "«Không có tài sản nào phải kê khai»",
     "nay «Có» nghĩa là có tài sản kê khai"),
])
def test_an_inverted_question_rejects_a_version_1_file_as_old_with_the_reason(config, workdir, template_id,
                                                                              fingerprint, flag, old_label, why):
    """phan_cap and tai_san v1 asked «Không có … nào …» (Có = nothing to list); v2 asks positively
    (Có = rows listed). A v1 answer would flip meaning, so the file is «Mẫu cũ», with the reason."""
    old = versions.shape(CATALOG[template_id], 1)
    assert old.fingerprint == fingerprint
    inputs, _ = workdir
    unit = config.owners(template_id)[0]
    data = demo.data_for(template_id, config, unit.code)
    data["tong_hop"] = [{"khong_phat_sinh": "Không", **{k: v for k, v in data["tong_hop"][0].items() if k != flag}}]
    path = inputs / templates.filename(old, unit)
    templates.workbook(old, unit, config, data).save(path)
    report = validate.check_file(path, config)
    assert report.status == "rejected", report.text()
    (problem,) = report.problems
    assert problem.rule.startswith("Mẫu cũ:") and "phiên bản 1" in problem.rule
    assert old_label in problem.rule and why in problem.rule
    assert flag not in problem.rule and "khong_phat_sinh" not in problem.rule


def test_a_listed_asset_needs_the_positive_answer_and_an_empty_list_the_negative(config, workdir):
    """v3: a list left empty is valid only with «Không» in «Kèm danh sách từng tài sản» (the unit sends
    its summary counts only); «Có» with no row is refused."""
    inputs, _ = workdir
    unit = config.owners("tai_san")[0]
    data = demo.data_for("tai_san", config, unit.code)
    empty = {"danh_sach": [], "tong_hop": [dict(data["tong_hop"][0], **dict.fromkeys(
        ("doi_du_tong", "doi_du_dau_ky", "doi_du_phat_sinh", "da_xu_ly", "xl_noi_bo", "xl_dia_phuong_khac",
         "xl_giao_dia_phuong", "xl_khac", "dang_xu_ly", "chua_xu_ly", "con_phai_xu_ly"), 0))]}
    statuses = {}
    for answer in ("Có", "Không"):
        empty["tong_hop"][0]["co_tai_san"] = answer
        path = inputs / f"tai_san_{answer == 'Có'}.xlsx"
        templates.workbook(CATALOG["tai_san"], unit, config, empty).save(path)
        statuses[answer] = validate.check_file(path, config)
    assert statuses["Không"].status != "rejected", statuses["Không"].text()
    assert statuses["Có"].status == "rejected"
    assert any("«Không»" in p.fix or "«Không»" in p.rule for p in statuses["Có"].problems), statuses["Có"].text()


def test_a_relabelled_version_is_carried_over_with_a_note_and_stored(config, workdir):
    """lanh_dao v1 (activity headers naming «xã») is read by its old headers and lands in the
    current columns; the unit is told which version it used and what was carried over."""
    inputs, outputs = workdir
    path = write_version(config, "lanh_dao", 1, inputs)
    report = validate.check_file(path, config)
    assert report.status == "warnings", report.text()
    assert report.version == 1 and report.recognised_by == "fingerprint"
    (note,) = report.problems
    assert note.severity == "warning"
    assert note.rule.startswith("Tệp dùng mẫu phiên bản 1; đã chuyển sang phiên bản 2:")
    assert "«Cuộc giám sát của HĐND, Thường trực HĐND xã (cuộc)» nay là «Cuộc giám sát của HĐND, Thường trực " \
           "HĐND (cuộc)»" in note.rule
    assert "Lần sau hãy dùng biểu mẫu mới" in note.fix
    unit = config.owners("lanh_dao")[0]
    given = demo.data_for("lanh_dao", config, unit.code)["hoat_dong"][0]
    assert report.data["hoat_dong"].iloc[0]["giam_sat_hdnd"] == given["giam_sat_hdnd"]
    summary = ingest.run(inputs, outputs, config)
    assert len(summary.warnings) == 1 and not summary.rejected, summary.text()
    with warehouse.connect(outputs) as con:
        stored = con.execute("SELECT giam_sat_hdnd, kiem_tra_ubnd FROM cur_lanh_dao_hoat_dong").fetchall()
    assert stored == [(given["giam_sat_hdnd"], given["kiem_tra_ubnd"])]
    assert "Tệp dùng mẫu phiên bản 1; đã chuyển sang phiên bản 2" in feedback_texts(outputs)


def test_an_added_optional_field_is_blank_unknown_not_zero(config, workdir, next_tthc):
    inputs, outputs = workdir
    current = CATALOG["tthc"]
    newer = next_tthc()
    path = write_version(config, "tthc", current.version, inputs, current=newer)
    assert versions.shape(newer, current.version).fingerprint == current.fingerprint  # a real v2 file
    report = validate.check_file(path, config)
    assert report.status in ("accepted", "warnings"), report.text()
    notes = [p for p in report.problems if p.rule.startswith(
        f"Tệp dùng mẫu phiên bản {current.version}; đã chuyển sang phiên bản {newer.version}")]
    assert len(notes) == 1 and f"thêm cột «{NEW_FIELD.header}»" in notes[0].rule, report.text()
    assert not [p for p in report.problems if p.severity == "error"]
    row = report.data["danh_muc"].iloc[0]
    assert pd.isna(row["tthc_cong_khai"])  # unknown, not 0
    assert row["tthc_tong"] == 312
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        stored = con.execute("SELECT tthc_tong, tthc_cong_khai FROM cur_tthc_danh_muc").fetchall()
        months = con.execute("SELECT count(*), sum(nhan_tong) FROM cur_tthc_ho_so").fetchone()
    assert stored == [(312, None)]
    assert months[0] == len(report.data["ho_so"]) and months[1] == report.data["ho_so"]["nhan_tong"].sum()


def test_a_redefined_column_is_rejected_as_old_template_naming_it(config, workdir):
    """tthc v1 counted withdrawn dossiers as resolved and any digitised dossier: its figures mean
    something else in v2, so the file is rejected with «Mẫu cũ» and nothing is stored."""
    inputs, outputs = workdir
    path = write_version(config, "tthc", 1, inputs)
    report = validate.check_file(path, config)
    assert report.status == "rejected"
    (problem,) = report.problems
    assert problem.rule.startswith("Mẫu cũ: tệp dùng biểu «Biểu số liệu thủ tục hành chính» phiên bản 1, phiên "
                                   f"bản hiện hành là {CATALOG['tthc'].version}; số liệu không chuyển sang mẫu mới được vì:")
    assert "cột «Hồ sơ được số hóa (hồ sơ)» (nay là «Hồ sơ số hóa khi tiếp nhận và có kết quả điện tử (hồ sơ)») " \
           "đã đổi cách tính" in problem.rule
    assert "cột «Đã giải quyết – Tổng số (hồ sơ)» đã đổi cách tính (trước đây: kể cả hồ sơ rút, trả lại)" \
           in problem.rule
    assert "thêm cột" not in problem.rule  # only what prevents it
    assert "tải mẫu mới" in problem.fix
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT count(*) FROM cur_tthc_ho_so").fetchone() == (0,)


def test_an_added_required_field_is_rejected_naming_it(config, workdir, next_tthc):
    inputs, _ = workdir
    current = CATALOG["tthc"]
    newer = next_tthc(required=True)
    report = validate.check_file(write_version(config, "tthc", current.version, inputs, current=newer), config)
    assert report.status == "rejected"
    (problem,) = report.problems
    assert problem.rule.startswith("Mẫu cũ:") and f"thêm cột «{NEW_FIELD.header}» (bắt buộc)" in problem.rule


def test_a_renamed_key_and_sheet_carry_the_figures_into_the_new_column(config, workdir, install):
    inputs, outputs = workdir
    archives = CATALOG["so_hoa"].sheet("phong")
    fields = tuple(dataclasses.replace(f, key="trang_phai_so_hoa") if f.key == "trang_ke_hoach" else f
                   for f in archives.fields)
    newer = install(revised("so_hoa", (Change("renamed", "phong", "trang_phai_so_hoa", "trang_ke_hoach"),
                                       Change("sheet_renamed", "phong", old=archives.name)),
                            phong=dataclasses.replace(archives, name="Lưu trữ, số hóa", fields=fields)))
    path = write_version(config, "so_hoa", newer.version - 1, inputs, current=newer)
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[1] == "Lưu trữ"  # the old shape
    report = validate.check_file(path, config)
    assert report.status == "warnings", report.text()
    (note,) = report.problems
    assert "trang tính «Lưu trữ» nay là «Lưu trữ, số hóa»" in note.rule
    unit = config.owners("so_hoa")[0]
    planned = [r["trang_ke_hoach"] for r in demo.data_for("so_hoa", config, unit.code)["phong"]]
    planned += [None] * (len(archives.rows(config)) - len(planned))  # the whole's row, left blank
    assert [None if pd.isna(v) else v for v in report.data["phong"]["trang_phai_so_hoa"]] == planned
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        stored = [r[0] for r in con.execute("SELECT trang_phai_so_hoa FROM cur_so_hoa_phong ORDER BY row_number").fetchall()]
    assert stored == planned


def test_an_added_field_that_a_condition_requires_is_not_carried_over(config, workdir, install):
    """phan_cap's «Khó khăn, vướng mắc» is optional but required when a task is in difficulty: a file
    without that column cannot say it, so a version adding it rejects the older files."""
    inputs, _ = workdir
    tasks = CATALOG["phan_cap"].sheet("nhiem_vu")
    older = dataclasses.replace(tasks, fields=tuple(f for f in tasks.fields if f.key != "kho_khan"))
    current = CATALOG["phan_cap"].version
    newer = install(revised("phan_cap", (Change("added", "nhiem_vu", "kho_khan"),)))
    assert versions.shape(newer, current).sheet("nhiem_vu") == older
    report = validate.check_file(write_version(config, "phan_cap", current, inputs, current=newer), config)
    assert report.status == "rejected"
    (problem,) = report.problems
    assert "thêm cột «Khó khăn, vướng mắc» (bắt buộc)" in problem.rule


def test_a_version_2_asset_file_is_carried_over_its_new_counts_unknown(config, workdir):
    """tai_san v3 adds the summary counts by state of handling (optional) and asks whether the list is
    sent: a v2 file (its «Có» came with a list) is carried over, the new counts blank (unknown, never 0)
    and the totals computed from the parts it gave."""
    inputs, outputs = workdir
    path = write_version(config, "tai_san", 2, inputs)
    report = validate.check_file(path, config)
    assert report.status == "warnings", report.text()
    (note,) = report.problems
    assert note.rule.startswith("Tệp dùng mẫu phiên bản 2; đã chuyển sang phiên bản 3")
    assert "cột «Có tài sản phải kê khai» nay là «Kèm danh sách từng tài sản»" in note.rule
    assert "thêm cột «Đang xử lý (cơ sở)» (không bắt buộc, để trống là chưa có số liệu)" in note.rule
    row = report.data["tong_hop"].iloc[0]
    assert row["co_tai_san"] == "Có" and pd.isna(row["doi_du_tong"]) and pd.isna(row["dang_xu_ly"])
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        stored = con.execute("SELECT doi_du_tong, da_xu_ly, dang_xu_ly, chua_xu_ly, doi_du_dau_ky + doi_du_phat_sinh "
                             "FROM cur_tai_san_tong_hop").fetchall()
        computed = con.execute(indicators.query("tai_san_doi_du").sql).df()
    assert stored[0][:4] == (None, None, None, None) and stored[0][4] > 0
    assert computed["tong_doi_du"][0] == stored[0][4]  # the total from its parts
    assert pd.isna(computed["dang_xu_ly"][0]) and "dang_xu_ly" in computed["thieu"][0]


def test_a_version_1_budget_file_is_old_because_its_years_meant_something_else(config, workdir):
    """ngan_sach v2 counts each budget year as the calendar year cumulated to a stated date (v1: the
    first year from the period's start, the last to the cut-off): a v1 file is «Mẫu cũ», with why."""
    inputs, outputs = workdir
    assert versions.shape(CATALOG["ngan_sach"], 1).fingerprint == NGAN_SACH_V1
    report = validate.check_file(write_version(config, "ngan_sach", 1, inputs), config)
    assert report.status == "rejected"
    (problem,) = report.problems
    assert problem.rule.startswith("Mẫu cũ: tệp dùng biểu «Biểu số liệu thu, chi ngân sách» phiên bản 1")
    assert "cột «Thực hiện (triệu đồng)» đã đổi cách tính (trước đây: thực hiện năm đầu tính từ ngày bắt đầu " \
           "kỳ báo cáo" in problem.rule
    assert "thêm trang tính «Năm ngân sách» (có cột bắt buộc)" in problem.rule
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT count(*) FROM cur_ngan_sach_thu_chi").fetchone() == (0,)


def test_a_tthc_version_2_file_is_carried_over_with_the_whole_period_rows_blank(config, workdir):
    """v3 appended the whole-period («Cả kỳ») rows and the rows a unit names after v2's months × fields
    of work: a v2 file keeps its rows at their places, the appended rows come in blank (unknown)."""
    from pipeline.topics.tthc import template as tthc
    inputs, outputs = workdir
    path = write_version(config, "tthc", 2, inputs)
    v2 = versions.shape(CATALOG["tthc"], 2)
    assert openpyxl.load_workbook(path, read_only=True)["TTHC"].max_row == 5 + len(v2.sheet("ho_so").rows(config))
    report = validate.check_file(path, config)
    assert report.status == "warnings" and not report.errors, report.text()
    (note,) = [p for p in report.problems if p.rule.startswith("Tệp dùng mẫu phiên bản 2; đã chuyển sang phiên bản 3")]
    assert "thêm cột «Tiếp nhận mới – Tổng số (hồ sơ)»" in note.rule
    rows = report.data["ho_so"]
    assert len(rows) == len(tthc.dossiers.rows(config))
    whole = rows[rows["thang"] == tthc.WHOLE_PERIOD]
    assert len(whole) == len(tthc.FIELDS_OF_WORK + tthc.EXTRA_FIELDS)
    assert whole[[f.key for f in tthc.dossiers.fields]].isna().all().all()  # unknown, not 0
    months = rows[rows["thang"] != tthc.WHOLE_PERIOD]
    unit = config.owners("tthc")[0]
    sent = demo.data_for("tthc", config, unit.code)["ho_so"]
    assert list(months["nhan_tong"].iloc[:len(sent)]) == [r["nhan_tong"] for r in sent]
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        stored = con.execute("SELECT count(*), count(nhan_tong), sum(nhan_tong) FROM cur_tthc_ho_so").fetchone()
        results = indicators.compute(con, config)
    assert stored == (len(rows), len(sent), sum(r["nhan_tong"] for r in sent))
    m = results.tables["tthc_theo_thang"]  # the annex as from a v3 file of months: the months are used
    new = sum(r["nhan_truc_tuyen"] + r["nhan_truc_tiep"] for r in sent)
    assert m.value(m.row("Cộng"), "nhan_trong_ky") == new
    f = results.tables["tthc_theo_linh_vuc"]
    assert {f.value(i, "nguon") for i in range(len(f.frame)) if f.value(i, "linh_vuc") != "Cộng"} == {
        rates.FROM_MONTHS}
    assert f"tiếp nhận mới {vn.number(new)} hồ sơ" in "\n".join(section_content("tthc", results).paragraphs)

"""The TTHC system's own export, Biểu số II.06a/VPCP/KSTT, taken as the centre's TTHC file: every
variant of tests/export_06a_util.py through inputs/ and through the portal, figure by figure
against the hand-made table in the warehouse, the annex and the report, with the export's cells in
`explain`; the same figures typed into the TTHC template give the same facts and sentences; broken
exports are refused or warned about at the export's own cells, and nothing else is affected."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline import build
from pipeline.checks import validate
from pipeline.core import paths, vn
from pipeline.intake import export_06a
from pipeline.outputs import provenance
from pipeline.store import ingest, warehouse
from pipeline.topics.tthc import template as tthc
from tests import export_06a_util as u
from tests.receive_util import filled
from tests.web_util import received, sign_in, text_of, upload

AUGUST = export_06a.part(date(2025, 8, 1), date(2025, 8, 31))
TITLE = "Tiếp nhận và giải quyết hồ sơ thủ tục hành chính theo lĩnh vực"


def expected(v: u.Variant) -> dict[str, dict[str, int]]:
    """The hand-made table as the warehouse must hold it: field of work → key → figure."""
    if v.units:  # one row for the whole commune: the template's row of every field of work together
        return {tthc.ALL_FIELDS: {k: sum(f[i] for f in u.EXPECTED.values()) for i, k in enumerate(u.KEYS)}}
    return {name: dict(zip(u.KEYS, figures, strict=True)) for name, figures in u.EXPECTED.items()}


def facts(outputs: Path) -> dict[str, dict]:
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
        frame = con.execute("SELECT f.*, s.part, s.recognised_by FROM cur_tthc_ho_so f "
                            "JOIN submissions s USING (submission_id)").df()
    return {r["linh_vuc"]: r for r in frame.to_dict("records")}


def check_outputs(outputs: Path, config, v: u.Variant, file_name: str, part: str = AUGUST,
                  thang: str = "08/2025") -> None:
    """The warehouse, `explain`, the annex and the report against the hand-made table."""
    want = expected(v)
    got = facts(outputs)
    assert set(got) == set(want)
    for name, figures in want.items():
        row = got[name]
        assert row["thang"] == thang and row["part"] == part and row["recognised_by"] == export_06a.RECOGNISED_BY
        assert {k: int(row[k]) for k in u.KEYS} == figures, name
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
        for name in want:  # the row of every field of work together is the table's «Cộng»
            label = "Cộng" if v.units else name
            found = provenance.explain(con, config, f"tthc_theo_linh_vuc:nhan_truc_tuyen:{label}")
            fow = next(iter(u.EXPECTED)) if v.units else name
            cell = u.cell_of(v, fow, "nhan_truc_tuyen")
            assert f"{export_06a.source_text(file_name, part)} › Sheet1!{cell} = " \
                   f"{vn.number(want[name]['nhan_truc_tuyen'])}" in found.text()
    new = {name: f["nhan_tong"] - f["nhan_ky_truoc"] for name, f in want.items()}
    wb = load_workbook(outputs / paths.ANNEX)
    sheet = next(wb[n] for n in wb.sheetnames if TITLE in str(wb[n]["A1"].value))
    table = list(sheet.iter_rows(values_only=True))
    head = next(r for r in table if r[0] == "Lĩnh vực")
    at = {label: head.index(label) for label in head if label}
    rows = {r[0]: r for r in table if r and r[0] in [*want, "Cộng"]}
    rows |= {name: rows["Cộng"] for name in want if v.units}
    columns = {"Tiếp nhận mới trong kỳ (hồ sơ)": new, "Tiếp nhận mới – Trực tuyến (hồ sơ)": "nhan_truc_tuyen",
               "Đã giải quyết – Tổng số (hồ sơ)": "giai_quyet_tong", "Đang giải quyết – Quá hạn (hồ sơ)": "dang_qua_han"}
    for name, figures in want.items():
        for label, key in columns.items():
            assert rows[name][at[label]] == (key[name] if isinstance(key, dict) else figures[key]), (name, label)
    assert rows["Cộng"][at["Tiếp nhận mới trong kỳ (hồ sơ)"]] == sum(new.values())
    sources = wb["Nguồn số liệu"]
    assert any(export_06a.source_text(file_name, part) in str(c.value or "")
               for r in sources.iter_rows() for c in r)
    report = [p.text for p in Document(outputs / paths.REPORT).paragraphs]
    assert export_06a.report_sentence([part]) in report
    assert any(f"tiếp nhận mới {vn.number(sum(new.values()))} hồ sơ" in p for p in report)
    assert any(f"đã giải quyết {vn.number(sum(f['giai_quyet_tong'] for f in want.values()))} hồ sơ" in p
               for p in report)


@pytest.mark.parametrize("v", u.VARIANTS, ids=lambda v: v.name)
def test_each_variant_through_inputs(v, config, workdir):
    inputs, outputs = workdir
    (inputs / "bieu_06a.xlsx").write_bytes(u.workbook(v))
    assert build.run(inputs, outputs) == 0
    check_outputs(outputs, config, v, "bieu_06a.xlsx")


def test_a_whole_period_export_through_inputs(config, workdir):
    inputs, outputs = workdir
    v = u.VARIANTS[2]
    (inputs / "ca_ky.xlsx").write_bytes(u.workbook(v, config.start, config.cutoff))
    assert build.run(inputs, outputs) == 0
    check_outputs(outputs, config, v, "ca_ky.xlsx", export_06a.part(config.start, config.cutoff), tthc.WHOLE_PERIOD)


@pytest.mark.parametrize("v", u.VARIANTS, ids=lambda v: v.name)
def test_each_variant_through_the_portal(v, site):
    client, token = sign_in(site, "TTPVHCC")
    page = text_of(upload(client, token, ("Bieu_II.06a_thang_8.xlsx", u.workbook(v))).text)
    assert "Hợp lệ — đã nhận" in page or "Đã nhận, có cảnh báo" in page, page
    [path] = received(site)
    assert site.portal.ingester.wait(site.portal.ingester.requested, timeout=120)
    assert build.run(site.inputs, site.outputs) == 0
    check_outputs(site.outputs, site.config, v, path.name)


def test_the_upload_page_says_the_export_can_be_sent_as_it_is(site):
    client, _ = sign_in(site, "TTPVHCC")
    assert export_06a.portal_text() in text_of(client.get("/").text)
    other, _ = sign_in(site, "VP")  # a unit without the TTHC template is not told
    assert "II.06a" not in text_of(other.get("/").text)


def test_typed_template_gives_the_same_facts_and_sentences(config, tmp_path):
    """The export's figures typed into the TTHC template: the same facts, the same sentences."""
    v = u.VARIANTS[0]
    runs = {}
    for kind in ("export", "typed"):
        inputs, outputs = tmp_path / kind / "inputs", tmp_path / kind / "outputs"
        inputs.mkdir(parents=True)
        shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs)
        if kind == "export":
            (inputs / "bieu_06a.xlsx").write_bytes(u.workbook(v))
        else:
            def edit(wb):
                ws = wb[tthc.dossiers.name]
                keys = [c.key for c in tthc.dossiers.columns]
                for row in ws.iter_rows(min_row=6):
                    month, fow = row[0].value, row[1].value
                    for c in row[2:]:
                        c.value = None
                    if month == "08/2025" and fow in u.EXPECTED:
                        for key, value in zip(u.KEYS, u.EXPECTED[fow], strict=True):
                            row[keys.index(key)].value = value
                ws_p = wb[tthc.procedures.name]
                for row in ws_p.iter_rows(min_row=6):
                    for c in row:
                        c.value = None
            filled(config, "tthc", inputs, edit=edit)
        assert build.run(inputs, outputs) == 0
        with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
            got = con.execute("SELECT * FROM cur_tthc_ho_so WHERE nhan_tong IS NOT NULL").df().to_dict("records")
        runs[kind] = ({(r["thang"], r["linh_vuc"]): {f: int(r[f]) for f in u.KEYS} for r in got},
                      [p.text for p in Document(outputs / paths.REPORT).paragraphs
                       if "hồ sơ" in p.text and "II.06a" not in p.text])
    assert runs["export"][0] == runs["typed"][0]
    # the sentence's flows are the same; its pending-at-the-end figure is not compared: the typed template
    # also holds the other months' rows (blank), the export only its own month (see the module doc)
    [export], [typed] = ([p.split("; số hồ sơ đang giải quyết")[0] for p in runs[k][1] if "tiếp nhận mới" in p]
                         for k in ("export", "typed"))
    assert export == typed and "tiếp nhận mới 3.427 hồ sơ" in export


# ---------------------------------------------------------------------------------------------
# Broken exports


def test_total_not_matching_its_parts_is_a_warning_at_the_total_cell(config, tmp_path):
    v = u.VARIANTS[0]
    path = tmp_path / "tong_lech.xlsx"
    path.write_bytes(u.workbook(v, total_shift=7))
    report = validate.check_file(path, config, "TTPVHCC")
    assert report.status == "warnings", report.text()
    [warning] = report.warnings
    total_row = int(u.cell_of(v, "Xây dựng", "nhan_tong")[1:]) + 1
    assert (warning.sheet, warning.cell) == ("Sheet1", f"C{total_row}")
    assert "chênh lệch 7 hồ sơ" in warning.rule and "Biểu 06a" in warning.rule


def test_missing_column_is_rejected_naming_the_sheet_and_cell(config, workdir):
    inputs, outputs = workdir
    _write(inputs, "thang8.xlsx", u.workbook(u.VARIANTS[0]))  # what the centre sent before stays current
    filled(config, "danh_gia", inputs, name="danh_gia.xlsx", unit_code="TTPVHCC")
    filled(config, "lanh_dao", inputs, name="vp.xlsx")
    ingest.run(inputs, outputs, config)
    (inputs / "thieu_cot.xlsx").write_bytes(u.workbook(u.VARIANTS[0], drop="giai_quyet_dung_han",
                                                         period_line="Kỳ báo cáo: Tháng 8 năm 2025"))
    summary = ingest.run(inputs, outputs, config)
    assert summary.counts["rejected"] == 1, summary.text()
    report = validate.check_file(inputs / "thieu_cot.xlsx", config)
    [error] = report.errors
    assert error.sheet == "Sheet1" and error.cell == "G9"  # the «Đã giải quyết» header over the columns
    assert "thiếu cột «Đã giải quyết – đúng hạn»" in error.rule
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:  # nothing else affected
        assert set(con.execute("SELECT file_name FROM current_submissions").fetchall()) == {
            ("thang8.xlsx",), ("danh_gia.xlsx",), ("vp.xlsx",)}
        assert con.execute("SELECT count(*) FROM cur_tthc_ho_so").fetchall() == [(len(u.EXPECTED),)]


def test_months_combine_and_a_later_same_month_replaces(config, workdir):
    inputs, outputs = workdir
    v = u.VARIANTS[1]
    (inputs / "t8.xlsx").write_bytes(u.workbook(v))
    (inputs / "t9.xlsx").write_bytes(u.workbook(v, date(2025, 9, 1), date(2025, 9, 30)))
    ingest.run(inputs, outputs, config)
    changed = {k: (tuple(f) if k != "Hộ tịch" else (1300, 866, 420, *f[3:])) for k, f in u.EXPECTED.items()}
    (inputs / "t8_lan2.xlsx").write_bytes(u.workbook(v, figures=changed))
    ingest.run(inputs, outputs, config)
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
        got = dict(((m, f), n) for m, f, n in con.execute(
            "SELECT thang, linh_vuc, nhan_tong FROM cur_tthc_ho_so").fetchall())
    assert got[("08/2025", "Hộ tịch")] == 1300 and got[("09/2025", "Hộ tịch")] == 1234
    assert len(got) == 2 * len(u.EXPECTED)


def test_whole_period_and_a_quarter_fill_the_whole_period_rows(config, workdir):
    inputs, outputs = workdir
    v = u.VARIANTS[0]
    whole = validate.check_file(_write(inputs, "ca_ky.xlsx", u.workbook(v, config.start, config.cutoff)), config)
    assert whole.status == "accepted", whole.text()
    quarter = validate.check_file(_write(inputs, "quy3.xlsx", u.workbook(
        v, period_line="Kỳ báo cáo: Quý III năm 2025")), config)
    assert quarter.status == "warnings" and quarter.part == export_06a.part(date(2025, 7, 1), date(2025, 9, 30))
    assert "số liệu tổng của kỳ 01/07/2025 – 30/09/2025" in quarter.warnings[0].rule
    for report in (whole, quarter):
        rows = report.data["ho_so"]
        kept = rows[rows["row"] > 0]
        assert set(kept["thang"]) == {tthc.WHOLE_PERIOD} and len(kept) == len(u.EXPECTED)


def test_exports_that_cannot_combine_are_refused_naming_both_files(config, workdir):
    inputs, outputs = workdir
    v = u.VARIANTS[0]
    _write(inputs, "thang8.xlsx", u.workbook(v))
    filled(config, "lanh_dao", inputs, name="vp.xlsx")
    ingest.run(inputs, outputs, config)
    _write(inputs, "ca_ky.xlsx", u.workbook(v, config.start, config.cutoff))  # covers August: overlaps
    _write(inputs, "quy4.xlsx", u.workbook(v, period_line="Kỳ báo cáo: Quý IV năm 2025"))  # not a month
    _write(inputs, "thang9.xlsx", u.workbook(v, date(2025, 9, 1), date(2025, 9, 30)))  # combines
    summary = ingest.run(inputs, outputs, config)
    assert summary.counts["rejected"] == 2, summary.text()
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
        problems = dict(con.execute("SELECT s.file_name, p.rule FROM problems p JOIN submissions s "
                                    "USING (submission_id) WHERE p.severity = 'error'").fetchall())
        current = {f for (f,) in con.execute("SELECT file_name FROM current_submissions").fetchall()}
    assert current == {"thang8.xlsx", "thang9.xlsx", "vp.xlsx"}
    assert "chồng lên kỳ 01/08/2025 – 31/08/2025 của tệp «thang8.xlsx»" in problems["ca_ky.xlsx"]
    assert "kỳ 01/10/2025 – 31/12/2025" in problems["quy4.xlsx"] and "«thang8.xlsx»" in problems["quy4.xlsx"]
    report = load_workbook(outputs / "validation" / "ca_ky" / "ket_qua_kiem_tra.xlsx")  # its feedback says so
    assert any("thang8.xlsx" in str(c.value or "") for r in report.active.iter_rows() for c in r)


def test_a_field_of_work_not_in_the_list_is_kept_under_its_own_name(config, tmp_path):
    figures = {**u.EXPECTED, "Thi đua, khen thưởng": (5, 5, 0, 0, 5, 5, 0, 0, 0, 0, 0)}
    report = validate.check_file(_write(tmp_path, "x.xlsx", u.workbook(u.VARIANTS[1], figures=figures)), config)
    assert report.status == "warnings", report.text()
    rows = report.data["ho_so"]
    own = rows[(rows["row"] > 0) & rows["ten_linh_vuc"].notna()]
    assert list(own["ten_linh_vuc"]) == ["Thi đua, khen thưởng"] and list(own["nhan_tong"]) == [5]
    assert own["linh_vuc"].iloc[0] in tthc.OWN_FIELDS


def test_carry_over_chain_across_consecutive_month_exports(config, workdir):
    """September's «kỳ trước chuyển qua» against August's «đang giải quyết» in another file."""
    inputs, outputs = workdir
    v = u.VARIANTS[0]
    _write(inputs, "thang8.xlsx", u.workbook(v))
    ingest.run(inputs, outputs, config)
    september = {k: (f if k != "Đất đai" else (93, 40, 50, 3, 80, 30, 45, 5, 13, 9, 4)) for k, f in u.EXPECTED.items()}
    _write(inputs, "thang9.xlsx", u.workbook(v, date(2025, 9, 1), date(2025, 9, 30), figures=september))
    summary = ingest.run(inputs, outputs, config)
    assert summary.counts["warnings"] == 1, summary.text()
    with duckdb.connect(str(outputs / warehouse.DB_NAME), read_only=True) as con:
        [(cell, rule)] = con.execute("SELECT p.cell, p.rule FROM problems p JOIN submissions s USING (submission_id) "
                                     "WHERE s.file_name = 'thang9.xlsx'").fetchall()
    assert cell == u.cell_of(v, "Đất đai", "nhan_ky_truoc")
    assert f"tệp «thang8.xlsx», ô Sheet1!{u.cell_of(v, 'Đất đai', 'dang_tong')}" in rule
    assert "lĩnh vực «Đất đai» là 3" in rule and "là 16" in rule and "chênh lệch 13 hồ sơ" in rule


def test_more_unknown_fields_than_own_rows_are_summed_into_khac(config, tmp_path):
    extra = {f"Lĩnh vực riêng {i}": (i, i, 0, 0, i, i, 0, 0, 0, 0, 0) for i in range(1, 6)}
    report = validate.check_file(_write(tmp_path, "x.xlsx", u.workbook(u.VARIANTS[1], figures={**u.EXPECTED, **extra})),
                                 config)
    assert report.status == "warnings", report.text()
    rows = report.data["ho_so"]
    kept = rows[rows["row"] > 0].set_index("linh_vuc")
    assert sorted(kept["ten_linh_vuc"].dropna()) == ["Lĩnh vực riêng 1", "Lĩnh vực riêng 2", "Lĩnh vực riêng 3"]
    assert int(kept.loc["Khác", "nhan_tong"]) == 4 + 5 and int(kept.loc["Khác", "row"]) == 10 + len(u.EXPECTED) + 3
    assert any("cùng thuộc lĩnh vực «Khác»: hệ thống cộng" in p.rule for p in report.warnings)


def test_other_wordings_and_a_typed_template_without_its_mark(config, tmp_path):
    """Headers worded otherwise (one header row per column, no diacritics, notes) are read by meaning;
    a typed TTHC template whose hidden sheet was lost is still the template, not an export."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao"
    ws["A1"] = "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC"
    ws["A2"] = "Từ ngày 01 tháng 08 năm 2025 đến ngày 31 tháng 08 năm 2025"
    heads = ["TT", "Tên lĩnh vực", "Tổng số hồ sơ tiếp nhận", "Tiếp nhận trực tuyến",
             "Tiếp nhận trực tiếp và qua dịch vụ bưu chính công ích", "Tiếp nhận từ kỳ trước chuyển sang",
             "Tong so ho so da giai quyet", "Da giai quyet truoc han", "Đã giải quyết đúng hạn (kể cả hồ sơ trả lại)",
             "Đã giải quyết quá hạn", "Tổng số hồ sơ đang giải quyết", "Đang giải quyết trong hạn",
             "Đang giải quyết quá hạn"]
    ws.append([])
    ws.append(heads)
    for n, (name, figures) in enumerate(u.EXPECTED.items(), start=1):
        ws.append([n, name, *figures])
    path = tmp_path / "khac_cach_ghi.xlsx"
    wb.save(path)
    report = validate.check_file(path, config)
    assert report.status == "accepted" and report.part == AUGUST, report.text()
    rows = report.data["ho_so"]
    kept = rows[rows["row"] > 0].set_index("linh_vuc")
    assert {k: int(kept.loc["Đất đai", k]) for k in u.KEYS} == dict(zip(u.KEYS, u.EXPECTED["Đất đai"], strict=True))

    def unmark(book):
        del book["_meta"]
    typed = validate.check_file(filled(config, "tthc", tmp_path, name="go_tay.xlsx", edit=unmark), config)
    assert typed.recognised_by == "headers" and typed.part is None


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path

"""What the TTHC template accepts: blanks are unknown, totals without parts, gaps stated as warnings,
the month-to-month carry-over chain, reporting months. Real .xlsx files written and read back."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline.checks import validate
from pipeline.core import layout
from pipeline.core.config import ConfigError, load
from pipeline.outputs import templates
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.tthc import template as tthc
from tests.receive_util import filled, where

DOSSIERS, PROCEDURES = tthc.dossiers, tthc.procedures
FIRST = layout.FIRST_DATA_ROW
PER_MONTH = len(tthc.FIELDS_OF_WORK)


def col(key: str, sheet=DOSSIERS) -> str:
    return get_column_letter([c.key for c in sheet.columns].index(key) + 1)


def cell(key: str, row: int, sheet=DOSSIERS) -> str:
    return f"{col(key, sheet)}{row}"


@pytest.fixture
def inputs(workdir):
    return workdir[0]


def check(config, inputs, edit) -> validate.FileReport:
    return validate.check_file(filled(config, "tthc", inputs, edit=edit), config)


# ---------------------------------------------------------------------------------------------
# Blank is not zero


def test_blank_optional_cells_are_accepted_and_stored_as_unknown(config, workdir):
    inputs, outputs = workdir
    optional = [f.key for f in DOSSIERS.fields if not f.required]

    def edit(wb):
        for key in optional:
            wb["TTHC"][cell(key, FIRST)] = None
    path = filled(config, "tthc", inputs, edit=edit)
    report = validate.check_file(path, config)
    assert report.status == "accepted", report.text()
    row = report.data["ho_so"].iloc[0]
    assert row[optional].isna().all()
    ingest.run(inputs, outputs, config)
    with warehouse.connect(outputs) as con:
        got = con.execute(f"SELECT {', '.join(optional)} FROM cur_tthc_ho_so WHERE row_number = {FIRST}").fetchall()[0]
    assert got == (None,) * len(optional)


def test_blank_procedure_catalogue_sheet_is_accepted(config, inputs):
    def edit(wb):
        for key in (f.key for f in PROCEDURES.fields):
            wb[PROCEDURES.name][cell(key, FIRST, PROCEDURES)] = None
    report = check(config, inputs, edit)
    assert report.status == "accepted", report.text()
    assert report.data["danh_muc"].iloc[0].isna()[[f.key for f in PROCEDURES.fields]].all()


def test_untouched_sheet_with_required_figures_is_still_one_message(config, inputs):
    path = inputs / "blank.xlsx"
    templates.workbook(CATALOG["tthc"], config.unit("TTPVHCC"), config).save(path)
    report = validate.check_file(path, config)
    assert where(report) == ["TTHC!C6"] and "chưa có số liệu" in report.errors[0].rule
    assert "gõ 0" not in report.errors[0].fix


def test_received_and_resolved_totals_may_stay_blank(config, inputs):
    """Three of eight published sets print no resolved count: a row without totals is accepted (v3)."""
    def edit(wb):
        for key in ("nhan_tong", "giai_quyet_tong"):
            wb["TTHC"][cell(key, 9)] = None
    report = check(config, inputs, edit)
    assert not report.errors, report.text()
    assert report.data["ho_so"].iloc[3][["nhan_tong", "giai_quyet_tong"]].isna().all()


def test_totals_without_parts_are_accepted_as_totals(config, inputs):
    """Every TTHC rule is skipped when the parts it compares are blank."""
    parts = tthc.RECEIVED_KEYS + tthc.RESOLVED_KEYS + tthc.PENDING_KEYS + tthc.OUTCOME_EXTRAS + (
        "nhan_toan_trinh", "so_hoa_tiep_nhan", "so_hoa", "yeu_cau_ket_qua", "ket_qua_dien_tu", "co_phi",
        "thanh_toan_truc_tuyen", "luot_danh_gia", "khong_hai_long", "phan_anh_kien_nghi", "dang_tong")

    def edit(wb):
        ws = wb["TTHC"]
        for r in range(FIRST, FIRST + len(tthc.rows_v2(config))):  # the months
            for key in parts:
                ws[cell(key, r)] = None
            ws[cell("nhan_tong", r)] = 500  # far above what was resolved: nothing left to compare with
            ws[cell("giai_quyet_tong", r)] = 120
    report = check(config, inputs, edit)
    assert report.status == "accepted", report.text()


def test_fully_blank_rows_are_unknown_without_a_warning(config, inputs):
    """Months or the whole period: the rows a unit does not hold stay blank (unknown), silently."""
    rows = (FIRST + 3, FIRST + 4)

    def edit(wb):
        for r in rows:
            for f in DOSSIERS.fields:
                wb["TTHC"][cell(f.key, r)] = None
    report = check(config, inputs, edit)
    assert report.status == "accepted", report.text()
    assert report.data["ho_so"].iloc[3:5][[f.key for f in DOSSIERS.fields]].isna().all().all()


# ---------------------------------------------------------------------------------------------
# Gaps are stated, the impossible is rejected


def _row(ws, r: int, **values) -> None:
    for f in DOSSIERS.fields:
        ws[cell(f.key, r)] = values.get(f.key)


def test_outcomes_below_received_is_a_warning_stating_the_gap(config, inputs):
    def edit(wb):
        ws = wb["TTHC"]
        pending = ws[cell("dang_tong", FIRST)].value
        _row(ws, FIRST, nhan_tong=200, nhan_ky_truoc=0, nhan_truc_tuyen=80, nhan_truc_tiep=120,
             giai_quyet_tong=143 - pending, dang_tong=pending)
    report = check(config, inputs, edit)
    assert report.status == "warnings", report.text()
    (problem,) = report.warnings
    assert problem.cell == cell("nhan_tong", FIRST)
    assert "chênh lệch 57 hồ sơ chưa phân loại" in problem.rule


@pytest.mark.parametrize(("values", "target", "words"), [
    (dict(nhan_tong=100, nhan_ky_truoc=0, nhan_truc_tuyen=80, nhan_truc_tiep=30, giai_quyet_tong=90),
     "nhan_tong", "vượt 10 hồ sơ"),
    (dict(nhan_tong=100, nhan_truc_tuyen=120, giai_quyet_tong=90), "nhan_tong", "vượt 20 hồ sơ"),
    (dict(nhan_tong=100, giai_quyet_tong=90, giai_quyet_truoc_han=95), "giai_quyet_tong", "vượt 5 hồ sơ"),
    (dict(nhan_tong=100, giai_quyet_tong=90, dang_tong=5, dang_trong_han=4, dang_qua_han=3), "dang_tong", "vượt 2"),
    (dict(nhan_tong=100, giai_quyet_tong=90, dang_tong=8, rut_tra_lai=5), "nhan_tong", "vượt 3 hồ sơ"),
    (dict(nhan_tong=100, giai_quyet_tong=90, nhan_truc_tuyen=40, nhan_toan_trinh=41), "nhan_toan_trinh", "toàn trình"),
    (dict(nhan_tong=100, nhan_ky_truoc=30, giai_quyet_tong=90, so_hoa_tiep_nhan=71), "so_hoa_tiep_nhan", "mới"),
    (dict(nhan_tong=100, giai_quyet_tong=90, so_hoa_tiep_nhan=50, so_hoa=51), "so_hoa", "số hóa khi tiếp nhận"),
    (dict(nhan_tong=100, giai_quyet_tong=90, ket_qua_dien_tu=91), "ket_qua_dien_tu", "điện tử"),
    (dict(nhan_tong=100, giai_quyet_tong=90, co_phi=10, thanh_toan_truc_tuyen=11), "thanh_toan_truc_tuyen", "phí"),
    (dict(nhan_tong=100, giai_quyet_tong=90, luot_danh_gia=10, khong_hai_long=11), "khong_hai_long", "hài lòng"),
])
def test_parts_above_their_total_are_errors(config, inputs, values, target, words):
    report = check(config, inputs, lambda wb: _row(wb["TTHC"], FIRST, **values))
    assert report.status == "rejected", report.text()
    hits = [p for p in report.errors if p.cell == cell(target, FIRST)]
    assert hits and any(words in p.rule for p in hits), report.text()


def test_catalogue_parts_above_totals(config, inputs):
    def edit(wb):
        ws = wb[PROCEDURES.name]
        ws[cell("tthc_co_phi", FIRST, PROCEDURES)] = 10
        ws[cell("tthc_thanh_toan", FIRST, PROCEDURES)] = 11
        ws[cell("dvc_toan_trinh", FIRST, PROCEDURES)] = 180  # eligible 171: a warning only
    report = check(config, inputs, edit)
    assert [p.cell for p in report.errors] == [cell("tthc_thanh_toan", FIRST, PROCEDURES)]
    assert any(p.cell == cell("dvc_toan_trinh", FIRST, PROCEDURES) for p in report.warnings)


# ---------------------------------------------------------------------------------------------
# Rules across rows


def test_carry_over_must_equal_last_months_pending(config, inputs):
    this, before = FIRST + PER_MONTH, FIRST  # Hộ tịch 08/2025 and 07/2025

    def edit(wb):
        ws = wb["TTHC"]
        pending = ws[cell("dang_tong", before)].value
        ws[cell("nhan_ky_truoc", this)] = pending + 2
        ws[cell("nhan_truc_tiep", this)] = ws[cell("nhan_truc_tiep", this)].value - 2
        ws[cell("so_hoa_tiep_nhan", this)] = ws[cell("so_hoa", this)].value  # keep digitised ≤ new
    report = check(config, inputs, edit)
    assert report.status == "warnings", report.text()
    (problem,) = report.warnings
    d, m = cell("nhan_ky_truoc", this), cell("dang_tong", before)
    assert problem.cell == d
    pending = load_workbook(filled(config, "tthc", inputs, "x.xlsx"))["TTHC"][m].value
    assert f"Ô {d} (tiếp nhận – kỳ trước chuyển sang 08/2025) = {pending + 2} khác ô {m}" in problem.rule
    assert f"07/2025) = {pending}: chênh lệch 2" in problem.rule
    assert m in problem.fix


def test_carry_over_chain_skips_blanks(config, inputs):
    report = check(config, inputs, lambda wb: wb["TTHC"].__setitem__(cell("dang_tong", FIRST), None))
    assert report.status == "accepted", report.text()


# ---------------------------------------------------------------------------------------------
# Reporting months


def _config(config, tmp_path, text: str):
    path = tmp_path / "commune.toml"
    source = config.path.read_text(encoding="utf-8")
    assert "\nmonth_starts_on = 1\n" in source
    path.write_text(source.replace("\nmonth_starts_on = 1\n", f"\n{text}\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["0", "29", '"15"', "true", "15.5"])
def test_month_start_is_validated(config, tmp_path, value):
    with pytest.raises(ConfigError, match="month_starts_on.*từ 1 đến 28"):
        load(_config(config, tmp_path, f"month_starts_on = {value}"))


def test_reporting_months_follow_the_configured_boundaries(config, tmp_path):
    fifteenth = load(_config(config, tmp_path, "month_starts_on = 15"))
    spans = [(m.strftime("%m/%Y"), first, last) for m, first, last in fifteenth.reporting_months]
    assert spans[0] == ("07/2025", date(2025, 7, 1), date(2025, 7, 14))  # starts at the period's start
    assert spans[1] == ("08/2025", date(2025, 7, 15), date(2025, 8, 14))
    assert spans[-1] == ("05/2026", date(2026, 4, 15), date(2026, 4, 30))  # ends at the cut-off
    assert fifteenth.month_span(date(2026, 1, 1)) == "15/12/2025–14/01/2026"
    months = len(spans) * PER_MONTH  # months × the standard fields of work first, as version 2 printed them
    assert [r[0] for r in DOSSIERS.rows(fifteenth)][:months:PER_MONTH] == [s[0] for s in spans]
    calendar = dataclasses.replace(config, start=date(2025, 7, 10), cutoff=date(2025, 9, 5))
    assert [(m.month, a, b) for m, a, b in calendar.reporting_months] == [
        (7, date(2025, 7, 10), date(2025, 7, 31)), (8, date(2025, 8, 1), date(2025, 8, 31)),
        (9, date(2025, 9, 1), date(2025, 9, 5))]
    assert config.reporting_months[0][1:] == (date(2025, 7, 1), date(2025, 7, 31))


def test_template_states_the_month_boundaries(config, tmp_path):
    twentyfirst = load(_config(config, tmp_path, "month_starts_on = 21"))
    wb = templates.workbook(CATALOG["tthc"], twentyfirst.unit("TTPVHCC"), twentyfirst)
    info = wb["TTHC"].cell(layout.INFO_ROW, 1).value
    assert "từ ngày 21 tháng trước đến ngày 20" in info and "08/2025: 21/07–20/08/2025" in info
    assert wb["TTHC"].cell(FIRST + PER_MONTH, 1).value == "08/2025"  # the stored key stays simple
    guide = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "07/2025: 01/07–20/07/2025" in guide


def test_guide_says_which_cells_may_stay_blank(config):
    wb = templates.workbook(CATALOG["tthc"], config.unit("TTPVHCC"), config)
    rows = [[c.value for c in row] for row in wb[layout.GUIDE_SHEET].iter_rows()]
    by_label = {r[1]: r[4] for r in rows if r[1]}
    assert by_label["Tiếp nhận – Tổng số"] == layout.BLANK_OK  # v3: no figure is required
    assert by_label["Hồ sơ số hóa khi tiếp nhận"] == "Có thể để trống nếu chưa có số liệu"
    assert by_label["Tháng"] == layout.PRINTED
    text = "\n".join(str(v) for r in rows for v in r if v)
    assert "nếu không phát sinh, hãy gõ 0" not in text


def test_guide_lists_the_carry_over_check(config):
    wb = templates.workbook(CATALOG["tthc"], config.unit("TTPVHCC"), config)
    text = "\n".join(str(c.value) for row in wb[layout.GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert "Cảnh báo: Số hồ sơ kỳ trước chuyển sang tháng này phải bằng số hồ sơ đang giải quyết cuối tháng trước" in text


# ---------------------------------------------------------------------------------------------
# Other templates: the figures real units often lack may stay blank; core totals stay required


@pytest.mark.parametrize(("template_id", "sheet_name", "optional", "required"), [
    ("ha_tang_so", "Chỉ số", ("bang_thong", "chu_ky_so", "ho_so_truc_tuyen", "can_bo_tong"), None),
    ("ha_tang_so", "Thiết bị", ("dap_ung", "trang_bi_moi", "can_bo_sung"), "dang_su_dung"),
    ("lanh_dao", "Kiểm tra, hội nghị", ("luot_tham_du", "tin_bai", "hoi_nghi", "giam_sat_hdnd"), None),
    ("lanh_dao", "Văn bản", ("chi_dao_02_cap", "ky_so"), "tong_so"),
    ("tai_san", "Tổng hợp", ("phong_hop_truc_tuyen", "kinh_phi_nha_o", "con_phai_xu_ly"), "co_tai_san"),
    ("phan_cap", "Tổng hợp", ("van_ban_kien_nghi", "van_ban_da_tra_loi"), "co_nhiem_vu"),
])
def test_other_templates_accept_blank_optional_figures(config, inputs, template_id, sheet_name, optional, required):
    sheet = next(s for s in CATALOG[template_id].sheets if s.name == sheet_name)

    def blank(keys):
        def edit(wb):
            for key in keys:
                wb[sheet_name][cell(key, FIRST, sheet)] = None
        return edit
    report = validate.check_file(filled(config, template_id, inputs, edit=blank(optional)), config)
    assert report.status == "accepted", report.text()
    if required is None:  # issue 22: nothing on the sheet is required
        return
    report = validate.check_file(filled(config, template_id, inputs, "b.xlsx", edit=blank((required,))), config)
    assert [p.cell for p in report.errors] == [cell(required, FIRST, sheet)]


def test_demo_follows_the_reporting_months(config, tmp_path):
    fifteenth = load(_config(config, tmp_path, "month_starts_on = 15"))
    path = filled(fifteenth, "tthc", tmp_path / "in")
    report = validate.check_file(path, fifteenth)
    assert report.status == "accepted", report.text()
    assert len(report.data["ho_so"]) == len(DOSSIERS.rows(fifteenth))
    months = report.data["ho_so"][report.data["ho_so"]["thang"] != tthc.WHOLE_PERIOD]
    assert len(months) == len(fifteenth.reporting_months) * (PER_MONTH + len(tthc.EXTRA_FIELDS)) == 11 * 14

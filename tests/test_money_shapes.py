"""Budget and assets as units hold them (issue 22): real .xlsx files written from the blank templates,
read back, ingested into a real warehouse and built into the annex and the report. Estimates only, one
budget year, a total without its parts, parts without their total, summary counts of surplus premises
without the per-asset list: each is accepted, and every indicator that needs a figure the unit did not
give is [x] with the figure named, in the warehouse's tables, the annex and the report; every budget
rate says the date its figures run to («tính đến …»)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import duckdb
import openpyxl
import pytest
from docx import Document

from pipeline import build
from pipeline.checks import validate
from pipeline.core import paths, vn
from pipeline.outputs import annex, indicators, report, templates
from pipeline.store import ingest
from pipeline.topics import CATALOG
from tests.real_figures import config_for

BUDGET, ASSETS = CATALOG["ngan_sach"], CATALOG["tai_san"]


def _write(template, config, data, folder):
    unit = config.owners(template.id)[0]
    path = folder / templates.filename(template, unit)
    templates.workbook(template, unit, config, data).save(path)
    return path


def _lines(config, values: dict[tuple[int, str], dict]) -> list[dict]:
    """The budget lines in the template's fixed order: (year, code) → figures, every other cell blank."""
    return [dict(values.get((year, code), {})) for year, code, _ in BUDGET.sheet("thu_chi").rows(config)]


def _years(config, values: dict[int, dict]) -> list[dict]:
    return [dict(values.get(year, {})) for (year,) in BUDGET.sheet("nam").rows(config)]


def _built(tmp_path_factory, name, unit, files):
    """A real build of the files made by files(config, inputs): (config, results, annex book, report paragraphs)."""
    root = tmp_path_factory.mktemp(name)
    inputs, outputs = root / "inputs", root / "outputs"
    config = config_for(unit, inputs)
    reports = [validate.check_file(path, config) for path in files(config, inputs)]
    assert all(r.status in ("accepted", "warnings") for r in reports), "\n".join(r.text() for r in reports)
    assert build.run(inputs, outputs) == 0
    con = duckdb.connect(str(outputs / paths.WAREHOUSE), read_only=True)
    results = indicators.compute(con, config)
    stored = {view: con.execute(f"select * from {view} order by row_number").df()
              for view in ("cur_ngan_sach_nam", "cur_ngan_sach_thu_chi", "cur_tai_san_tong_hop")}
    con.close()
    book = openpyxl.load_workbook(outputs / paths.ANNEX, read_only=True)
    texts = {ws.title: " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
             for ws in book.worksheets}
    paragraphs = [p.text for p in Document(str(outputs / paths.REPORT)).paragraphs]
    return SimpleNamespace(config=config, reports=reports, results=results, stored=stored, annex=texts,
                           report=paragraphs)


def _section(built, heading_start: str) -> str:
    ps = built.report
    i = next(i for i, p in enumerate(ps) if p.startswith(heading_start))
    end = next((j for j in range(i + 1, len(ps)) if ps[j][:2] in ("6.", "7.") and ps[j][2:3] == " "), len(ps))
    return " ".join(ps[i:end])


def _sheet_of(built, name: str) -> str:
    """The text of the annex sheet holding a table (with its notes)."""
    return built.annex[annex.sheet_name(list(built.results.tables).index(name) + 1)]


WARD = SimpleNamespace(kind="phường", name="Hòa Bình", province="tỉnh Phú Thọ", start=date(2025, 7, 1),
                       cutoff=date(2026, 4, 30), month_starts_on=1)
AREA_ESTIMATE, A_2026 = 45000.0, 38500.0
B_PARTS_2026 = {"B.1": 12000.0, "B.2": 24500.0, "B.3": 800.0}  # B (the total) left blank
SURPLUS = {"doi_du_tong": 91, "da_xu_ly": 11, "dang_xu_ly": 20, "chua_xu_ly": 60}


def _estimates_and_counts(config, inputs):
    """A ward's 2026 estimates only (2025 not given; revenue in the area, the revenue total A without its
    lines, spending B's lines without B) and its surplus premises as summary counts, no list."""
    budget = {"nam": _years(config, {2026: {"tinh_den": date(2026, 1, 31), "thu_dia_ban_du_toan": AREA_ESTIMATE}}),
              "thu_chi": _lines(config, {(2026, "A"): {"du_toan": A_2026},
                                         **{(2026, c): {"du_toan": v} for c, v in B_PARTS_2026.items()}})}
    assets = {"danh_sach": [], "tong_hop": [{"co_tai_san": "Không", **SURPLUS}]}
    return [_write(BUDGET, config, budget, inputs), _write(ASSETS, config, assets, inputs)]


@pytest.fixture(scope="module")
def estimates(tmp_path_factory):
    return _built(tmp_path_factory, "estimates", WARD, _estimates_and_counts)


def test_estimates_only_and_summary_counts_are_accepted_as_sent(estimates):
    budget, assets = estimates.reports
    assert not budget.errors and not assets.errors
    nam, lines = estimates.stored["cur_ngan_sach_nam"], estimates.stored["cur_ngan_sach_thu_chi"]
    assert list(nam["nam"]) == [2025, 2026] and nam["tinh_den"].isna()[0]
    assert nam["thu_dia_ban_du_toan"][1] == AREA_ESTIMATE and nam["thu_dia_ban_thuc_hien"].isna().all()
    by = {(r.nam, r.ma): r for r in lines.itertuples()}
    assert by[(2026, "A")].du_toan == A_2026 and all(lines["thuc_hien"].isna())  # blank, never 0
    assert all(by[(2026, c)].du_toan == v for c, v in B_PARTS_2026.items())
    assert lines["du_toan"].isna().sum() == len(lines) - 4  # the lines not given stay unknown
    summary = estimates.stored["cur_tai_san_tong_hop"].iloc[0]
    assert {k: summary[k] for k in SURPLUS} == SURPLUS and summary[["doi_du_dau_ky", "xl_noi_bo"]].isna().all()


def test_estimates_only_the_rates_are_unknown_with_the_figure_named(estimates):
    t = estimates.results.tables["ngan_sach_thu_chi"]
    a = kit_find(t, nam=2026, ma="A")
    assert t.text(a, "du_toan") == "38.500,0" and t.text(a, "thuc_hien") == vn.GAP
    assert t.text(a, "ty_le_thuc_hien") == vn.GAP and '"Thực hiện"' in t.value(a, "ghi_chu")
    assert t.value(a, "tinh_den") == "31/01/2026"
    b = kit_find(t, nam=2026, ma="B")
    assert t.value(b, "du_toan") == sum(B_PARTS_2026.values())  # parts without their total: summed, all given
    a1 = kit_find(t, nam=2026, ma="A.1")
    assert t.text(a1, "du_toan") == vn.GAP  # a total given without its lines: the lines stay unknown
    y = estimates.results.tables["ngan_sach_nam"]
    first = kit_find(y, nam=2025)
    assert t.text(kit_find(t, nam=2025, ma="A"), "tinh_den") == vn.GAP
    assert "Số liệu tính đến ngày" in y.value(first, "ghi_chu") and "Phòng Kinh tế" in y.value(first, "ghi_chu")
    assert y.text(kit_find(y, nam=2026), "ty_le_thu_dia_ban") == vn.GAP
    assert "Thu NSNN trên địa bàn: thực hiện" in y.value(kit_find(y, nam=2026), "ghi_chu")


def test_estimates_only_the_report_states_the_date_and_names_what_is_missing(estimates):
    text = _section(estimates, "5. Về bảo đảm")
    assert ("Năm 2026 (số liệu tính đến 31/01/2026): dự toán thu ngân sách nhà nước trên địa bàn tỉnh giao "
            "45.000,0 triệu đồng; dự toán thu ngân sách phường 38.500,0 triệu đồng; dự toán chi 37.300,0 triệu "
            "đồng.") in text
    assert "bằng" not in text.split("Năm 2026")[1].split(".")[0]  # no rate on an estimate alone
    assert "«Thu NSNN trên địa bàn: thực hiện»" in text and "Phòng Kinh tế phường" in text
    assert f"Năm 2025: chưa có số liệu ngân sách ({vn.GAP})." in text
    sheet = _sheet_of(estimates, "ngan_sach_thu_chi")
    assert "2026-01-31" in sheet and vn.GAP in sheet  # the date cell, shown dd/mm/yyyy and '"Thực hiện"' in sheet


def test_summary_counts_without_a_list_are_computed_and_the_list_is_a_named_gap(estimates):
    t = estimates.results.tables["tai_san_doi_du"]
    assert [t.value(0, k) for k in ("tong_doi_du", "da_xu_ly", "dang_xu_ly", "chua_xu_ly", "con_phai_xu_ly")] \
        == [91, 11, 20, 60, 80]  # còn phải xử lý = đang + chưa, both given
    assert t.text(0, "ty_le_da_xu_ly") == "12,1"
    assert t.text(0, "xl_noi_bo") == vn.GAP and "Đã xử lý: điều chuyển nội bộ" in t.value(0, "ghi_chu")
    k = estimates.results.tables["tai_san_theo_loai"]
    assert all(k.text(i, "so_dong") == vn.GAP for i in range(len(k.frame)))
    assert any("danh sách ở trang «Tài sản»" in n for n in k.notes), k.notes
    assert not [f for f in estimates.results.checks if f.check.left.template == "tai_san"]  # no list: not compared
    text = _section(estimates, "6. Về cơ sở")
    assert ("Sau sắp xếp, phường có 91 cơ sở nhà, đất dôi dư; đã xử lý 11 cơ sở (12,1%); đang xử lý 20 cơ sở; "
            "chưa xử lý (đang rà soát, chưa có phương án) 60 cơ sở; còn 80 cơ sở phải tiếp tục xử lý.") in text
    assert "«danh sách từng tài sản»" in text and "khác số dòng" not in text
    assert "Không có tài sản dôi dư" not in " ".join(estimates.annex.values())
    sheet = _sheet_of(estimates, "tai_san_doi_du")
    assert "91" in sheet and "Đã xử lý: điều chuyển nội bộ" in sheet


COMMUNE = SimpleNamespace(kind="xã", name="Tân Lập", province="tỉnh Đồng Nai", start=date(2025, 7, 1),
                          cutoff=date(2026, 4, 30), month_starts_on=1)
B2_LINES = {f"B.2.{i}": 100.0 * i for i in range(1, 14)}  # B.2 itself left blank


def _one_year(config, inputs):
    """A commune's 2025 budget only, closed at 31/12/2025: revenue in the area with its printed rate, 7/7
    targets met, the balance; revenue total A (no lines) and spending B.2's lines without B.2."""
    year = {"tinh_den": date(2025, 12, 31), "thu_dia_ban_du_toan": 20000.0, "thu_dia_ban_thuc_hien": 23100.0,
            "thu_dia_ban_ty_le": 115.5, "chi_tieu_thu": 7, "chi_tieu_thu_dat": 7, "ket_du": 1250.0}
    lines = {(2025, "A"): {"du_toan": 30000.0, "thuc_hien": 31500.0},
             **{(2025, c): {"du_toan": v, "thuc_hien": v * 0.9} for c, v in B2_LINES.items()}}
    return [_write(BUDGET, config, {"nam": _years(config, {2025: year}), "thu_chi": _lines(config, lines)}, inputs)]


@pytest.fixture(scope="module")
def one_year(tmp_path_factory):
    return _built(tmp_path_factory, "one_year", COMMUNE, _one_year)


def test_one_budget_year_is_a_budget_file_its_rates_dated(one_year):
    (budget,) = one_year.reports
    assert not budget.errors, budget.text()
    y = one_year.results.tables["ngan_sach_nam"]
    i = kit_find(y, nam=2025)
    assert y.value(i, "ty_le_thu_dia_ban") == pytest.approx(115.5) and y.text(i, "tinh_den") == "31/12/2025"
    t = one_year.results.tables["ngan_sach_thu_chi"]
    b2 = kit_find(t, nam=2025, ma="B.2")
    assert t.value(b2, "du_toan") == pytest.approx(sum(B2_LINES.values()))  # every line given: summed
    assert t.value(b2, "ty_le_thuc_hien") == pytest.approx(90.0)
    assert t.text(kit_find(t, nam=2025, ma="B"), "du_toan") == vn.GAP  # B.1, B.3 not given: B unknown
    assert t.text(kit_find(t, nam=2026, ma="A"), "du_toan") == vn.GAP
    text = _section(one_year, "5. Về bảo đảm")
    assert ("Năm 2025 (số liệu tính đến 31/12/2025): tổng thu ngân sách nhà nước trên địa bàn thực hiện 23.100,0 "
            "triệu đồng, bằng 115,5% dự toán tỉnh giao (20.000,0 triệu đồng); 7/7 chỉ tiêu thu đạt, vượt dự toán; "
            "tổng thu ngân sách xã thực hiện 31.500,0 triệu đồng, bằng 105,0% dự toán giao (30.000,0 triệu đồng); "
            "kết dư ngân sách 1.250,0 triệu đồng.") in text
    assert "«tổng chi ngân sách: thực hiện»" in text and f"Năm 2026: chưa có số liệu ngân sách ({vn.GAP})." in text
    assert "Dự toán và thực hiện thu, chi ngân sách (năm 2025 tính đến 31/12/2025)" in text  # the chart's caption
    assert "đã công bố là" not in text  # the printed rate equals the computed one
    sheet = _sheet_of(one_year, "ngan_sach_nam")
    assert "2025-12-31" in sheet and "115.5" in sheet


def kit_find(t, **match):
    i = next((i for i in range(len(t.frame)) if all(t.value(i, k) == v for k, v in match.items())), None)
    assert i is not None, match
    return i


def test_a_total_with_part_of_its_lines_is_checked_on_what_is_filled(tmp_path, config):
    """The lines given under a total (not all of them) may not add up to more than it; equal only
    once every line is given."""
    def budget(a1: float, every_line: bool = False) -> validate.FileReport:
        lines = {(2025, "A"): {"du_toan": 1000.0}, (2025, "A.1"): {"du_toan": a1}}
        if every_line:
            lines |= {(2025, "A.2"): {"du_toan": 0.0}, (2025, "A.3"): {"du_toan": 0.0}}
        data = {"nam": _years(config, {2025: {"tinh_den": date(2025, 12, 31)}}), "thu_chi": _lines(config, lines)}
        folder = tmp_path / f"{a1}_{every_line}"
        folder.mkdir()
        return validate.check_file(_write(BUDGET, config, data, folder), config)

    assert not budget(600.0).errors
    (error,) = budget(1500.0).errors
    assert error.rule.startswith("Các dòng con đã điền của dòng tổng «A» (A.1, A.2 …) cộng lại là 1.500,0, lớn "
                                 "hơn dòng tổng.") and error.sheet == "Ngân sách"
    (error,) = budget(600.0, every_line=True).errors
    assert error.rule.startswith("Dòng tổng «A» phải bằng tổng các dòng con")
    assert not budget(1000.0, every_line=True).errors


def test_a_printed_rate_that_differs_from_the_figures_is_shown_beside_the_computed_one(tmp_path):
    """«bằng 31,9% dự toán» typed as printed beside figures giving 32,4%: the report keeps the
    computed rate, with its date, and says what the unit printed."""
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = config_for(COMMUNE, inputs)
    year = {"tinh_den": date(2026, 4, 30), "thu_dia_ban_du_toan": 10000.0, "thu_dia_ban_thuc_hien": 3240.0,
            "thu_dia_ban_ty_le": 31.9}
    path = _write(BUDGET, config, {"nam": _years(config, {2026: year}), "thu_chi": _lines(config, {})}, inputs)
    assert not validate.check_file(path, config).errors
    ingest.run(inputs, outputs, config)
    with duckdb.connect(str(outputs / paths.WAREHOUSE), read_only=True) as con:
        results = indicators.compute(con, config)
    text = " ".join(report.section_content("ngan_sach", results).paragraphs)
    assert ("Năm 2026 (số liệu tính đến 30/04/2026): tổng thu ngân sách nhà nước trên địa bàn thực hiện 3.240,0 "
            "triệu đồng, bằng 32,4% dự toán tỉnh giao (10.000,0 triệu đồng).") in text
    assert "Tỷ lệ thu ngân sách nhà nước trên địa bàn đơn vị đã công bố là 31,9%, tính từ số liệu là 32,4%." in text


def test_a_year_with_figures_needs_its_date_a_blank_year_does_not(tmp_path, config):
    """The one required budget cell: «Số liệu tính đến ngày» of a year that has a figure on the year
    sheet (so no rate is ever printed without it); a year left wholly blank is unknown, not an error."""
    data = {"nam": _years(config, {2026: {"thu_dia_ban_du_toan": AREA_ESTIMATE}}), "thu_chi": _lines(config, {})}
    checked = validate.check_file(_write(BUDGET, config, data, tmp_path), config)
    (error,) = checked.errors
    years = BUDGET.sheet("nam")
    assert (error.sheet, error.cell) == (years.name, f"B{6 + [y for (y,) in years.rows(config)].index(2026)}")
    assert error.rule.startswith("Ô bắt buộc nhưng đang để trống") and "Số liệu tính đến ngày" in error.text()

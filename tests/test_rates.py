"""The TTHC rates of Quyết định 766/QĐ-TTg, declared once (pipeline/rates_766.toml): hand-computed
values on a real DuckDB warehouse with carried-over and pending dossiers and blank optional
figures; the Python evaluation equals the SQL; scoring; a blank figure is never judged."""

from __future__ import annotations

import re

import duckdb
import pytest

from pipeline.core import layout, paths, vn
from pipeline.outputs import indicators, rates
from pipeline.topics import CATALOG
from tests import contract_db

SHEET = CATALOG["tthc"].sheet("ho_so")
OPTIONAL = [f.key for f in SHEET.fields if not f.required]
IDLE = dict.fromkeys(OPTIONAL) | {"nhan_tong": 0, "giai_quyet_tong": 0, "dang_tong": 0}  # nothing, blanks


def _row(new_online, counter, carried, early, on_time, late, within, overdue, **other) -> dict:
    resolved, pending = early + on_time + late, within + overdue
    row = dict(IDLE) | {
        "nhan_truc_tuyen": new_online, "nhan_truc_tiep": counter, "nhan_ky_truoc": carried,
        "nhan_tong": new_online + counter + carried, "giai_quyet_tong": resolved, "giai_quyet_truoc_han": early,
        "giai_quyet_dung_han": on_time, "giai_quyet_qua_han": late, "dang_tong": pending,
        "dang_trong_han": within, "dang_qua_han": overdue}
    assert row["nhan_tong"] == resolved + pending
    return row | other


# Months 07/2025 and 08/2025, fields Hộ tịch and Chứng thực; 08 carries over 07's pending dossiers.
JUL_HT = _row(60, 40, 0, 50, 36, 4, 8, 2, so_hoa=70, yeu_cau_ket_qua=60, ket_qua_dien_tu=45, co_phi=20,
              thanh_toan_truc_tuyen=5, luot_danh_gia=80, khong_hai_long=2, phan_anh_kien_nghi=1)
JUL_CT = _row(10, 30, 10, 20, 25, 0, 5, 0, so_hoa=30, yeu_cau_ket_qua=40, ket_qua_dien_tu=40, co_phi=50,
              thanh_toan_truc_tuyen=25, luot_danh_gia=20, khong_hai_long=0, phan_anh_kien_nghi=0)
AUG_HT = _row(20, 0, 10, 0, 25, 2, 1, 2, so_hoa=18, yeu_cau_ket_qua=20, ket_qua_dien_tu=20,
              luot_danh_gia=10, khong_hai_long=1, phan_anh_kien_nghi=0)  # co_phi, payments left blank
AUG_CT = _row(5, 10, 5, 10, 10, 0, 0, 0, so_hoa=15, yeu_cau_ket_qua=15, ket_qua_dien_tu=15, co_phi=10,
              thanh_toan_truc_tuyen=5, luot_danh_gia=5, khong_hai_long=0, phan_anh_kien_nghi=0)
CATALOGUE = {"tthc_tong": 200, "tthc_cau_hinh": 190, "dvc_mot_phan": 60, "dvc_toan_trinh": 90,
             "tthc_du_dk_toan_trinh": 120, "dvc_phat_sinh": 100, "tthc_co_phi": None, "tthc_thanh_toan": 30}


def _ho_so(months: dict[int, tuple[dict, dict]]) -> list[dict]:
    rows = [dict(IDLE) for _ in range(10 * (max(months) + 1))]
    for m, (ho_tich, chung_thuc) in months.items():
        rows[10 * m], rows[10 * m + 1] = ho_tich, chung_thuc
    return rows


def _results(tmp_path, config, ho_so: list[dict], catalogue: dict = CATALOGUE, name: str = "w"):
    data = {"tthc": {"TTPVHCC": {"ho_so": ho_so, "danh_muc": [catalogue]}}}
    path = contract_db.create(tmp_path / f"{name}.duckdb", config, data)
    con = duckdb.connect(str(path), read_only=True)
    try:
        return indicators.compute(con, config)
    finally:
        con.close()


@pytest.fixture(scope="module")
def results(tmp_path_factory, config):
    return _results(tmp_path_factory.mktemp("rates"), config, _ho_so({0: (JUL_HT, JUL_CT), 1: (AUG_HT, AUG_CT)}))


def _rows(t) -> dict:
    return {t.value(i, "chi_so"): i for i in range(len(t.frame))}


def test_on_time_and_digitisation_rates_are_the_766_ones(results):
    t = results.tables["tthc_chi_so"]
    got = {k: t.value(i, "gia_tri") for k, i in _rows(t).items()}
    new = 60 + 40 + 10 + 30 + 20 + 0 + 5 + 10  # carried-over dossiers are not received again
    # 2.1: resolved early or on time + pending within deadline at the END of the period (08/2025)
    assert got["ty_le_dung_han"] == round(100 * (50 + 36 + 20 + 25 + 0 + 25 + 10 + 10 + 1) / (182 + 3), 2) == 95.68
    assert got["ty_le_giai_quyet_dung_han"] == round(100 * 176 / 182, 2) == 96.70  # the old one, own name
    assert got["ty_le_so_hoa"] == round(100 * (70 + 30 + 18 + 15) / new, 2) == 76.00  # 4.2, not ÷ 200
    assert got["ty_le_truc_tuyen"] == round(100 * (60 + 10 + 20 + 5) / new, 2) == 54.29  # 3.3
    assert got["ty_le_ket_qua_dien_tu"] == round(100 * 120 / 135, 2)  # 4.1
    assert got["ty_le_hai_long"] == round(100 * (182 - 6 - 1 - 3) / 182, 2)  # 5.4
    assert got["ty_le_co_dvc"] == 75.0 and got["ty_le_toan_trinh"] == 75.0  # 3.1; 3.1b over ELIGIBLE
    assert got["ty_le_dvc_phat_sinh"] == round(100 * 100 / 150, 2)  # 3.2
    assert got["ty_le_thanh_toan"] is None and got["ty_le_tthc_thanh_toan"] is None  # blanks: unknown
    i = _rows(t)["ty_le_dung_han"]
    assert t.text(i, "gia_tri") == "95,68" and t.value(i, "ma") == "2.1"  # 2 decimals as printed


def test_blank_optional_figures_are_unknown_named_and_never_judged(results, config):
    t = results.tables["tthc_chi_so"]
    rows = _rows(t)
    unit = config.owners("tthc")[0].name
    for key, label in (("ty_le_thanh_toan", "Hồ sơ có phí, lệ phí"), ("ty_le_tthc_thanh_toan", "Số TTHC có phí, lệ phí")):
        i = rows[key]
        assert t.text(i, "gia_tri") == vn.GAP
        note = t.value(i, "ghi_chu")
        assert note.startswith(f"{vn.GAP}: chưa có số liệu ") and f'"{label}"' in note and note.endswith(f"của {unit}.")
        assert t.value(i, "danh_gia") not in ("Đạt", "Chưa đạt") and t.value(i, "diem") is None
    # a known rate below its target is judged; one at it earns full points
    assert t.value(rows["ty_le_co_dvc"], "danh_gia") == "Chưa đạt"
    assert t.value(rows["ty_le_truc_tuyen"], "danh_gia") == "Đạt" and t.value(rows["ty_le_truc_tuyen"], "diem") == 4
    assert t.value(rows["ty_le_dung_han"], "danh_gia") is None  # no published target: no verdict
    assert not [n for n in t.notes if "mẫu số bằng 0" in n]


def test_points_per_group_are_estimated_from_the_declared_weights(results):
    t = results.tables["tthc_chi_so"]
    rows = _rows(t)
    assert t.value(rows["ty_le_dung_han"], "diem") == round(95.68 * 20 / 100, 2)  # below: rate × points ÷ threshold
    assert t.value(rows["ty_le_co_dvc"], "diem") == round(75 * 4 / 80, 2)
    g = results.tables["tthc_diem_766"]
    groups = {g.value(i, "nhom"): i for i in range(len(g.frame))}
    assert [g.value(i, "diem_toi_da") for i in groups.values()] == [18, 20, 12, 10, 18, 22]
    assert g.value(groups["Tiến độ, kết quả giải quyết"], "diem") == round(95.68 * 20 / 100, 2)
    assert g.value(groups["Cung cấp dịch vụ trực tuyến"], "diem") == pytest.approx(3.75 + round(66.67 * 4 / 100, 2) + 4)
    assert g.value(groups["Số hóa hồ sơ"], "diem") == pytest.approx(round(88.89 * 9 / 100, 2) + round(76 * 9 / 80, 2))
    assert g.value(groups["Mức độ hài lòng"], "diem") == 22
    i = groups["Thanh toán trực tuyến"]  # a rate of the group unknown: no estimate, never 0
    assert g.value(i, "diem") is None and g.text(i, "diem") == vn.GAP and g.value(i, "ghi_chu")
    i = groups["Công khai, minh bạch"]  # no indicator of the group in the template: not applicable, not a gap
    assert g.value(i, "diem") is None and g.text(i, "diem") == "[z]" and "không có chỉ số" in g.value(i, "ghi_chu")
    assert "3.6" in g.value(groups["Thanh toán trực tuyến"], "ghi_chu")


def test_scoring_rule():
    r = rates.get("ty_le_so_hoa")  # threshold 80, 9 points
    assert rates.score(r, 85.0) == 9 and rates.score(r, 80.0) == 9
    assert rates.score(r, 40.0) == 4.5
    assert rates.score(r, None) is None
    assert sum(g.points for g in rates.GROUPS) == 100
    for g in rates.GROUPS:  # the indicators' points add up to their group's
        mine = [x.points for x in rates.RATES if x.group == g.key]
        assert not mine or sum(mine) == g.points, g.key


def _period(rows: list[dict]) -> dict:
    """The period's figures, by hand: flows summed, stocks at the last active month."""
    stocks = {"dang_tong", "dang_trong_han", "dang_qua_han", "cho_bo_sung"}
    last = max(i // 10 for i, r in enumerate(rows) if r["nhan_tong"])
    out = {}
    for key in [f.key for f in SHEET.fields]:
        picked = [r for i, r in enumerate(rows) if key not in stocks or i // 10 == last]
        values = [r[key] if r[key] is not None or r["nhan_tong"] else 0 for r in picked]
        out[key] = None if None in values else sum(values)
    return out | CATALOGUE


UNSPLIT = ("giai_quyet_truoc_han", "giai_quyet_dung_han", "dang_trong_han", "nhan_truc_tiep")
# The unit gives totals and the other part only (08/2025 Hộ tịch): the identities give the same figures.
AUG_HT_UNSPLIT = AUG_HT | dict.fromkeys(UNSPLIT)
# An alternative with an unknown part: early, on time AND late all blank, so neither way is known.
AUG_HT_NULL_PART = AUG_HT | dict.fromkeys(("giai_quyet_truoc_han", "giai_quyet_dung_han", "giai_quyet_qua_han",
                                           "nhan_truc_tiep", "nhan_ky_truoc"))
# The source does not add up (early + on time + late = 90 of 100 resolved): the parts as given win.
JUL_HT_NO_ADD_UP = JUL_HT | {"giai_quyet_tong": 100, "nhan_tong": 110}
VARIANTS = {"split": {0: (JUL_HT, JUL_CT), 1: (AUG_HT, AUG_CT)},
            "unsplit": {0: (JUL_HT, JUL_CT), 1: (AUG_HT_UNSPLIT, AUG_CT)},
            "null_part": {0: (JUL_HT, JUL_CT), 1: (AUG_HT_NULL_PART, AUG_CT)},
            "no_add_up": {0: (JUL_HT_NO_ADD_UP, JUL_CT), 1: (AUG_HT, AUG_CT)}}


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request, tmp_path_factory, config):
    rows = _ho_so(VARIANTS[request.param])
    return request.param, rows, _results(tmp_path_factory.mktemp(request.param), config, rows)


def test_python_evaluation_equals_the_sql(variant, config):
    """On split, unsplit, unknown-part and not-adding-up figures: value, points and the named gap agree."""
    _, rows_in, results = variant
    figures = _period(rows_in)
    t = results.tables["tthc_chi_so"]
    rows = _rows(t)
    unit = config.owners("tthc")[0].name
    assert len(rows) == len(rates.RATES)
    for r in rates.RATES:
        assert rates.value(r, figures) == t.value(rows[r.key], "gia_tri"), r.key
        assert rates.score(r, rates.value(r, figures)) == t.value(rows[r.key], "diem"), r.key
        gap = rates.unknown(r, figures)
        note = t.value(rows[r.key], "ghi_chu") or ""
        assert (note == f"{vn.GAP}: {rates.gap_note(','.join(gap), [unit])}.") if gap else vn.GAP not in note, r.key
        assert not gap or rates.value(r, figures) is None, r.key  # a known value names no gap


def test_identities_give_the_same_figures_when_the_unit_does_not_split(variant):
    name, rows_in, results = variant
    t = results.tables["tthc_chi_so"]
    got = {k: t.value(i, "gia_tri") for k, i in _rows(t).items()}
    if name in ("split", "unsplit"):  # the fixture adds up: both ways agree, nothing is missing
        assert got["ty_le_dung_han"] == 95.68 and got["ty_le_giai_quyet_dung_han"] == 96.70
        assert got["ty_le_truc_tuyen"] == 54.29 and got["ty_le_so_hoa"] == 76.00
        assert got["ty_le_hai_long"] == round(100 * (182 - 6 - 1 - 3) / 182, 2)
        m = results.tables["tthc_theo_thang"]
        months = {m.value(j, "thang"): j for j in range(len(m.frame))}
        assert m.value(months["08/2025"], "nhan_trong_ky") == 35 and m.value(months["Cộng"], "nhan_trong_ky") == 175
        assert m.value(months["08/2025"], "ty_le_giai_quyet_dung_han") == round(100 * 45 / 47, 2)
    elif name == "null_part":  # neither way known: unknown, the primary way's figures named, no verdict
        for key in ("ty_le_dung_han", "ty_le_giai_quyet_dung_han", "ty_le_hai_long", "ty_le_truc_tuyen"):
            assert got[key] is None, key
        i = _rows(t)["ty_le_giai_quyet_dung_han"]
        note = t.value(i, "ghi_chu")
        assert '"Đã giải quyết – Trước hạn", "Đã giải quyết – Đúng hạn"' in note and "Quá hạn" not in note
        assert t.value(i, "danh_gia") is None
        assert '"Đã giải quyết – Quá hạn"' in t.value(_rows(t)["ty_le_hai_long"], "ghi_chu")
        assert '"Tiếp nhận mới – Trực tiếp và bưu chính công ích"' in t.value(_rows(t)["ty_le_truc_tuyen"], "ghi_chu")
    else:  # parts as given win over the identity (100 − 4 late would give 96 on time, not 86)
        assert got["ty_le_giai_quyet_dung_han"] == round(100 * (86 + 45 + 25 + 20) / (100 + 45 + 27 + 20), 2)


def test_equivalent_figures_first_known_way_wins():
    own = rates.get("ty_le_giai_quyet_dung_han")
    split = {"giai_quyet_tong": 10, "giai_quyet_truoc_han": 1, "giai_quyet_dung_han": 1, "giai_quyet_qua_han": 1}
    assert rates.value(own, split) == 20.0  # parts win: not (10 − 1) ÷ 10
    assert rates.value(own, split | {"giai_quyet_dung_han": None}) == 90.0  # identity
    assert rates.value(own, split | {"giai_quyet_dung_han": None, "giai_quyet_qua_han": None}) is None
    assert rates.unknown(own, split | {"giai_quyet_dung_han": None, "giai_quyet_qua_han": None}) == \
        ["giai_quyet_dung_han"]
    assert rates.unknown(own, split | {"giai_quyet_dung_han": None}) == []


def test_python_evaluation_of_the_split_fixture(results):
    figures = _period(_ho_so({0: (JUL_HT, JUL_CT), 1: (AUG_HT, AUG_CT)}))
    t = results.tables["tthc_chi_so"]
    rows = _rows(t)
    assert rates.value(rates.get("ty_le_thanh_toan"), figures) is None
    assert rates.evaluate(figures) == {r.key: t.value(rows[r.key], "gia_tri") for r in rates.RATES}
    assert rates.unknown(rates.get("ty_le_thanh_toan"), figures) == ["thanh_toan_truc_tuyen", "co_phi"]
    assert rates.value(rates.get("ty_le_so_hoa"), {"so_hoa": 0, "nhan_truc_tuyen": 0, "nhan_truc_tiep": 0}) is None


def test_a_month_left_blank_makes_the_period_unknown_not_smaller(tmp_path, config):
    aug = AUG_CT | {"so_hoa": None}
    res = _results(tmp_path, config, _ho_so({0: (JUL_HT, JUL_CT), 1: (AUG_HT, aug)}))
    t = res.tables["tthc_chi_so"]
    i = _rows(t)["ty_le_so_hoa"]
    assert t.value(i, "gia_tri") is None and t.value(i, "danh_gia") not in ("Đạt", "Chưa đạt")
    assert '"Hồ sơ số hóa khi tiếp nhận và có kết quả điện tử"' in t.value(i, "ghi_chu")
    m = res.tables["tthc_theo_thang"]
    months = {m.value(j, "thang"): j for j in range(len(m.frame))}
    assert m.value(months["07/2025"], "ty_le_dung_han") == round(100 * (131 + 13) / (135 + 15), 2)  # per month
    f = res.tables["tthc_theo_linh_vuc"]
    fields = {f.value(j, "linh_vuc"): j for j in range(len(f.frame))}
    assert f.value(fields["Chứng thực"], "so_hoa") is None and f.value(fields["Hộ tịch"], "so_hoa") == 88
    assert f.value(fields["Cộng"], "so_hoa") is None  # never the sum of the known part
    assert f.value(fields["Đất đai"], "nhan_trong_ky") == 0  # idle rows: blanks are zero
    assert any('"Hồ sơ số hóa khi tiếp nhận và có kết quả điện tử"' in n and config.owners("tthc")[0].name in n
               for n in f.notes)


def test_october_2025_style_province_figures(tmp_path, config):
    """One month: 1.000 resolved, 966 of them early or on time; 123 pending at month end, 93 within
    their deadline. The 766 rate is (966 + 93) ÷ (1.000 + 123) = 94,30 %; ours was 966 ÷ 1.000 = 96,60 %."""
    oct_ = _row(700, 423, 0, 600, 366, 34, 93, 30)
    res = _results(tmp_path, config, _ho_so({0: (oct_, dict(IDLE))}), name="oct")
    t = res.tables["tthc_chi_so"]
    rows = _rows(t)
    assert t.text(rows["ty_le_dung_han"], "gia_tri") == "94,30"
    assert t.value(rows["ty_le_dung_han"], "ten") == "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"
    assert t.text(rows["ty_le_giai_quyet_dung_han"], "gia_tri") == "96,60"
    assert t.value(rows["ty_le_giai_quyet_dung_han"], "ten") == \
        "Tỷ lệ giải quyết trước hạn, đúng hạn trên số đã giải quyết"
    assert t.value(rows["ty_le_giai_quyet_dung_han"], "ma") is None  # not a 766 code


def test_every_rate_is_defined_once():
    """Each numerator/denominator is written in the declarations only: no SQL file or Python
    module of the package computes a TTHC rate again (the catalog's validation rules are identities
    between fields, not rates)."""
    sources = {p: p.read_text(encoding="utf-8") for p in paths.PACKAGE.rglob("*")
               if p.suffix in (".py", ".sql", ".toml") and p != rates.DECLARATIONS and p.name != "template.py"}
    declarations = rates.DECLARATIONS.read_text(encoding="utf-8")
    for r in rates.RATES:
        assert declarations.count(f'khoa = "{r.key}"') == 1, r.key
        for expr in (r.numerator, r.denominator):
            if " " in expr:  # a compound expression is a definition
                assert not [p for p, text in sources.items() if expr in text], (r.key, expr)
    for e in rates.EQUIVALENTS.values():  # each way of an equivalent figure is written once, in its declaration
        assert declarations.count(f'khoa = "{e.key}"') == 1, e.key
        for way in (w for w in e.ways if " " in w):  # a compound way is a definition
            assert declarations.count(f'"{way}"') == 1, (e.key, way)
            assert not [p for p, text in sources.items() if way in text], (e.key, way)
    assert not [p.name for p in paths.PACKAGE.rglob("*.sql") if re.search(r"\bcur_tthc_", p.read_text(encoding="utf-8"))]
    tthc_tables = [q for q in indicators.queries() if q.source == "tthc"]
    assert {q.name for q in tthc_tables} == {b.key for b in rates.TABLES}


def test_report_sentences_name_the_gap_and_judge_only_known_rates(results, config, tmp_path):
    from datetime import date

    from docx import Document

    from pipeline.outputs import charts, report

    files = charts.draw_all(results, tmp_path / "charts")
    path = report.render(results, files, tmp_path / "r.docx", built=date(2026, 5, 10))
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    section = text.split("4. Về thủ tục hành chính")[1].split("5. Về bảo đảm")[0]
    unit = config.owners("tthc")[0].name
    payment = re.search(r"tỷ lệ hồ sơ thanh toán trực tuyến \(chỉ số 3\.6\)[^;]*;", section).group(0)
    assert f": {vn.GAP} (chưa có số liệu " in payment and '"Hồ sơ có phí, lệ phí"' in payment and unit in payment
    assert "đạt" not in payment and "chỉ tiêu" not in payment
    assert "tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) đạt 95,68%;" in section  # no target: no verdict
    assert "tỷ lệ hồ sơ thực hiện số hóa (chỉ số 4.2) đạt 76,00% (chỉ tiêu ≥ 80%: chưa đạt)" in section
    assert "tỷ lệ giải quyết trước hạn, đúng hạn trên số đã giải quyết đạt 96,70%" in section
    assert f"thanh toán trực tuyến {vn.GAP} (chưa tính được: chỉ số 3.5, 3.6 chưa có số liệu" in section
    assert f"tiến độ, kết quả giải quyết {vn.number(round(95.68 * 20 / 100, 2), 2)}/20 điểm" in section
    assert f"{config.kind} tiếp nhận mới 175 hồ sơ" in section
    assert f"công khai, minh bạch {vn.GAP}" not in section  # a group the template has no indicator of is no gap
    assert "nhóm công khai, minh bạch không có chỉ số nào trong biểu số liệu của đơn vị" in section
    assert "Chỉ số 4.3 (tỷ lệ khai thác, sử dụng lại dữ liệu số hóa) chưa tính được: biểu số liệu chưa có số " in section


def test_guide_lists_each_indicator_with_its_formula_and_source():
    from pipeline import docs

    block = docs.block("rates")
    assert block == rates.readme()  # generated from the declarations (test_docs: never stale)
    for r in rates.RATES:
        line = next(ln for ln in block.splitlines() if f"| {r.name} |" in ln)
        assert line.startswith(f"| {r.code or 'riêng'} |") and r.words[1:] in line and rates.SOURCES[r.source] in line
        # a rate reading an equivalent figure tells the user the other way too
        derived = [k for k in rates.names(r.numerator, r.denominator) if k in rates.EQUIVALENTS]
        assert r.words.count("(hoặc ") >= len(derived), r.key
    for e in rates.EQUIVALENTS.values():
        assert f"| {e.name} | {'; hoặc '.join(rates.in_words(w) for w in e.ways)} |" in block


def test_a_real_workbook_with_blank_optional_cells(tmp_path, config):
    """The demo TTHC workbook, its «Hồ sơ có phí, lệ phí» cells of 09/2025 emptied with openpyxl,
    received through the real ingest: the rates that need it are [x] naming the figure, no verdict."""
    import openpyxl

    from pipeline import demo
    from pipeline.outputs import templates
    from pipeline.store import ingest, warehouse

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    outputs.mkdir()
    demo.write_all(inputs, config, marked=False)  # as the unit sends it
    unit = config.owners("tthc")[0]
    path = inputs / templates.filename(CATALOG["tthc"], unit)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET.name]
    col = [c.key for c in SHEET.columns].index("co_phi") + 1
    rows = [i for i, (month, _) in enumerate(SHEET.rows(config)) if month == "09/2025"]
    for i in rows:
        ws.cell(layout.FIRST_DATA_ROW + i, col).value = None
    wb.save(path)
    ingest.run(inputs, outputs, config)
    con = warehouse.connect(outputs)
    try:
        assert con.execute("select count(*) from cur_tthc_ho_so where co_phi is null and thang = '09/2025'"
                           ).fetchone()[0] == len(rows)
        res = indicators.compute(con, config)
    finally:
        con.close()
    t = res.tables["tthc_chi_so"]
    i = _rows(t)["ty_le_thanh_toan"]
    assert t.text(i, "gia_tri") == vn.GAP and t.value(i, "danh_gia") is None and t.value(i, "diem") is None
    assert '"Hồ sơ có phí, lệ phí"' in t.value(i, "ghi_chu") and unit.name in t.value(i, "ghi_chu")
    assert t.value(_rows(t)["ty_le_dung_han"], "gia_tri") is not None  # the rest still computed

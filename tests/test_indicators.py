"""Golden tests: a small hand-made dataset, indicators computed by hand, compared with the SQL."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipeline.core import vn
from pipeline.outputs import indicators, rates
from tests import contract_db

Z = dict.fromkeys(
    ("nhan_tong", "nhan_truc_tuyen", "nhan_truc_tiep", "nhan_ky_truoc", "giai_quyet_tong", "giai_quyet_truoc_han",
     "giai_quyet_dung_han", "giai_quyet_qua_han", "dang_tong", "dang_trong_han", "dang_qua_han", "rut_tra_lai",
     "so_hoa", "co_phi", "thanh_toan_truc_tuyen", "luot_danh_gia", "khong_hai_long"), 0)

# 07/2025: Hộ tịch, Chứng thực (fixed-row order); 08/2025 rows come 10 rows later.
HO_TICH = Z | {"nhan_tong": 100, "nhan_truc_tuyen": 60, "nhan_truc_tiep": 40, "giai_quyet_tong": 90,
               "giai_quyet_truoc_han": 50, "giai_quyet_dung_han": 36, "giai_quyet_qua_han": 4, "dang_tong": 10,
               "dang_trong_han": 8, "dang_qua_han": 2, "so_hoa": 70, "co_phi": 20, "thanh_toan_truc_tuyen": 5,
               "luot_danh_gia": 80, "khong_hai_long": 2}
CHUNG_THUC = Z | {"nhan_tong": 50, "nhan_truc_tuyen": 10, "nhan_truc_tiep": 30, "nhan_ky_truoc": 10,
                  "giai_quyet_tong": 50, "giai_quyet_truoc_han": 20, "giai_quyet_dung_han": 30, "so_hoa": 50,
                  "co_phi": 50, "thanh_toan_truc_tuyen": 25, "luot_danh_gia": 20}
AUG_HO_TICH = Z | {"nhan_tong": 30, "nhan_truc_tuyen": 20, "nhan_truc_tiep": 0, "nhan_ky_truoc": 10,
                   "giai_quyet_tong": 27, "giai_quyet_dung_han": 27, "dang_tong": 3, "dang_qua_han": 3, "so_hoa": 30}


def _ho_so() -> list[dict]:
    rows = [dict(Z) for _ in range(20)]
    rows[0], rows[1], rows[10] = HO_TICH, CHUNG_THUC, AUG_HO_TICH
    return rows


CATALOGUE = {"tthc_tong": 200, "tthc_cau_hinh": 190, "dvc_mot_phan": 60, "dvc_toan_trinh": 90, "tthc_thanh_toan": 50}
STAFF = [
    {"bien_che": 10, "hien_co": 8, "can_bo": 8, "cong_chuc": 0, "vien_chuc": 0, "hop_dong": 0, "khong_chuyen_trach": 0,
     "td_duoi_cao_dang": 1, "td_cao_dang": 1, "td_dai_hoc": 5, "td_thac_si": 1, "td_tien_si": 0, "dung_vtvl": 7,
     "nghi_huu_truoc_tuoi": 1, "thoi_viec": 0, "chuyen_cong_tac": 1},
    {"bien_che": 5, "hien_co": 4, "can_bo": 0, "cong_chuc": 4, "vien_chuc": 0, "hop_dong": 0, "khong_chuyen_trach": 0,
     "td_duoi_cao_dang": 0, "td_cao_dang": 0, "td_dai_hoc": 3, "td_thac_si": 1, "td_tien_si": 0, "dung_vtvl": 4,
     "nghi_huu_truoc_tuoi": 0, "thoi_viec": 2, "chuyen_cong_tac": 0},
]
BUDGET = [  # first rows of 2025: A, A.1 … ; B.3 (reserve) given a zero estimate
    {"nam": 2025, "ma": "A", "noi_dung": "TỔNG THU NGÂN SÁCH XÃ", "du_toan": 1000.0, "thuc_hien": 850.5},
    {"nam": 2025, "ma": "B", "noi_dung": "TỔNG CHI NGÂN SÁCH XÃ", "du_toan": 800.0, "thuc_hien": 600.0},
    {"nam": 2025, "ma": "B.1", "noi_dung": "Chi đầu tư phát triển", "du_toan": 300.0, "thuc_hien": 150.0},
    {"nam": 2025, "ma": "B.2", "noi_dung": "Chi thường xuyên", "du_toan": 500.0, "thuc_hien": 450.0},
    {"nam": 2025, "ma": "B.3", "noi_dung": "Dự phòng ngân sách", "du_toan": 0.0, "thuc_hien": 0.0},
]
FONDS = [{"tong_met_gia": 40.0, "chinh_ly_hoan_chinh": 30.0, "chinh_ly_so_bo": 6.0, "chua_chinh_ly": 4.0,
          "ho_so_lap_muc_luc": 100, "trang_so_hoa": 9000, "trang_ke_hoach": 12000, "ho_so_tthc_so_hoa": 5,
          "khai_thac_truc_tiep": 1, "khai_thac_truc_tuyen": 2}]


@pytest.fixture(scope="module")
def golden(tmp_path_factory, config):
    data = {"tthc": {"TTPVHCC": {"ho_so": _ho_so(), "danh_muc": [CATALOGUE]}},
            "nhan_su": {"VHXH": {"can_bo": STAFF}},
            "ngan_sach": {"KT": {"nam": [{"tinh_den": date(2025, 12, 31)}], "thu_chi": BUDGET}}}  # so_hoa (VP) not sent
    path = contract_db.create(tmp_path_factory.mktemp("golden") / "w.duckdb", config, data)
    con = duckdb.connect(str(path), read_only=True)
    yield indicators.compute(con, config)
    con.close()


def _by(t, key: str) -> dict:
    return {t.value(i, key): i for i in range(len(t.frame))}


def test_tthc_indicators_match_hand_computation(golden):
    t = golden.tables["tthc_chi_so"]
    rows = _by(t, "chi_so")
    got = {k: t.value(i, "gia_tri") for k, i in rows.items()}
    # 2.1 (766): early + on time + pending within deadline at the end (08/2025) ÷ resolved + pending at the end
    assert got["ty_le_dung_han"] == round(100 * (50 + 36 + 20 + 30 + 27 + 0) / (90 + 50 + 27 + 3), 2)
    # the old rate, under its own name: early + on time ÷ resolved
    assert got["ty_le_giai_quyet_dung_han"] == round(100 * (50 + 36 + 20 + 30 + 27) / (90 + 50 + 27), 2)
    # online share of dossiers received in the period; carried-over excluded
    assert got["ty_le_truc_tuyen"] == round(100 * (60 + 10 + 20) / (60 + 40 + 10 + 30 + 20 + 0), 2)
    assert got["ty_le_so_hoa"] == round(100 * (70 + 50 + 30) / (100 + 40 + 20), 2)  # new dossiers, not totals
    assert got["ty_le_thanh_toan"] == round(100 * 30 / 70, 2)
    assert got["ty_le_danh_gia_hai_long"] == round(100 * (1 - 2 / 100), 2)
    assert got["ty_le_hai_long"] is None  # 5.4 needs «Hồ sơ có phản ánh, kiến nghị», left blank here
    assert got["ty_le_cau_hinh"] == 95.0
    assert got["ty_le_co_dvc"] == 75.0
    assert got["ty_le_toan_trinh"] is None  # 3.1b: eligible procedures not given
    # targets come from the declarations (rates_766.toml), declared once
    online = rows["ty_le_truc_tuyen"]
    assert t.value(online, "chi_tieu") == rates.get("ty_le_truc_tuyen").target == 50
    assert t.value(online, "danh_gia") == "Đạt"  # 56.25 % ≥ 50 %
    assert t.value(rows["ty_le_co_dvc"], "danh_gia") == "Chưa đạt"  # 75 % < 80 %
    assert t.text(rows["ty_le_giai_quyet_dung_han"], "chi_tieu") == indicators.NOT_APPLICABLE
    assert t.text(rows["ty_le_hai_long"], "danh_gia") == vn.GAP  # unknown: a gap, never a verdict
    f = golden.tables["tthc_theo_linh_vuc"]
    assert f.value(f.row("Cộng"), "dang_qua_han") == 3  # pending overdue at the last month, not summed


def test_tthc_by_month_and_field(golden):
    m = golden.tables["tthc_theo_thang"]
    months = _by(m, "thang")
    assert list(months) == ["07/2025", "08/2025", "Cộng"]
    july = months["07/2025"]
    assert m.value(july, "nhan_trong_ky") == 60 + 40 + 10 + 30
    assert m.value(july, "ty_le_dung_han") == round(100 * (136 + 8) / (140 + 10), 2)  # pending at the end of 07
    assert m.value(july, "ty_le_giai_quyet_dung_han") == round(100 * 136 / 140, 2)
    total = months["Cộng"]
    assert m.value(total, "giai_quyet_tong") == 167
    f = golden.tables["tthc_theo_linh_vuc"]
    fields = _by(f, "linh_vuc")
    assert f.value(fields["Hộ tịch"], "nhan_trong_ky") == 120
    assert f.value(fields["Hộ tịch"], "dang_qua_han") == 3
    # a field with nothing resolved: a zero denominator is a gap, never 0 or NaN
    assert f.text(fields["Đất đai"], "ty_le_dung_han") == vn.GAP


def test_lineage_comes_from_the_sql_and_names_every_missing_unit(tmp_path, config):
    """ha_tang_so_chi_so reads the leadership template too: with it missing, its unit is named."""
    q = indicators.query("ha_tang_so_chi_so")
    assert q.sources == ("ha_tang_so", "lanh_dao")
    assert indicators.query("tthc_chi_so").sources == ("tthc",)
    path = contract_db.create(tmp_path / "w.duckdb", config, contract_db.demo_data(config, skip=("lanh_dao",)))
    con = duckdb.connect(str(path), read_only=True)
    t = indicators.compute(con, config).tables["ha_tang_so_chi_so"]
    con.close()
    owner = config.owners("lanh_dao")[0]
    assert [u.code for u in t.missing] == [owner.code]
    title = indicators.CATALOG["lanh_dao"].title
    assert any(owner.name in n and title[1:] in n and "lanh_dao" not in n for n in t.notes)
    assert not any("mẫu số bằng 0" in n for n in t.notes)


def test_staffing_and_budget(golden):
    s = golden.tables["nhan_su_theo_co_quan"]
    total = s.row("Cộng")
    assert s.value(total, "hien_co") == 12
    assert s.value(total, "ty_le_bien_che") == pytest.approx(80.0)
    assert s.value(total, "ty_le_dung_vtvl") == pytest.approx(100 * 11 / 12)
    assert s.value(total, "so_nghi") == 4
    q = golden.tables["nhan_su_trinh_do"]
    shares = {q.value(i, "truong"): q.value(i, "ty_le") for i in range(len(q.frame))}
    assert shares["Trình độ: đại học"] == pytest.approx(100 * 8 / 12)  # labels come from the catalog
    b = golden.tables["ngan_sach_thu_chi"]
    lines = _by(b, "ma")
    assert b.value(lines["A"], "ty_le_thuc_hien") == pytest.approx(85.05)
    assert b.text(lines["A"], "du_toan") == "1.000,0"
    assert b.text(lines["B.3"], "ty_le_thuc_hien") == vn.GAP  # zero estimate
    assert "mẫu số bằng 0" in b.value(lines["B.3"], "ghi_chu")
    assert b.value(lines["A"], "tinh_den") == "31/12/2025"
    c = golden.tables["ngan_sach_co_cau_chi"]
    assert c.value(_by(c, "ma")["B.2"], "ty_trong_thuc_hien") == pytest.approx(75.0)


def test_missing_unit_is_a_marked_gap_naming_the_unit(golden, config):
    t = golden.tables["so_hoa_theo_phong"]
    assert [u.code for u in t.missing] == ["VP"]
    assert all(t.text(0, c.key) == vn.GAP for c in t.columns[1:] if c.key != indicators.NOTE_COLUMN)
    assert config.unit("VP").name in t.text(0, indicators.NOTE_COLUMN)  # the row's own note says why
    assert any(config.unit("VP").name in n and vn.GAP in n for n in t.notes)
    assert ("VP", "so_hoa") in [(u.code, tpl.id) for u, tpl in golden.missing_all]


def test_every_query_has_a_title_section_and_known_source():
    names = indicators.names()
    assert {"tthc_chi_so", "tthc_theo_thang", "tthc_theo_linh_vuc", "ngan_sach_thu_chi", "ngan_sach_co_cau_chi",
            "nhan_su_theo_co_quan", "nhan_su_trinh_do", "so_hoa_theo_phong"} <= set(names)
    for q in indicators.queries():
        last = q.sql.rstrip().splitlines()[-1]
        assert last.startswith("select * ") and "from final" in last, q.name  # dbt style

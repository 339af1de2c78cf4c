"""The Word report (.docx): a template with placeholders, filled from the indicators.

Placeholder syntax: ``{{ name }}`` (spaces inside the braces optional; name = letters, digits,
underscore). Two kinds:
- text placeholders are replaced inside the paragraph, keeping the formatting of the run where
  the placeholder starts, even when Word has split it across several runs;
- block placeholders (``{{ muc_II_4 }}``, ``{{ phu_luc }}``) must stand alone in their paragraph,
  which is replaced by paragraphs, tables and charts.
Placeholders hold no quotes, so Word's smart quotes cannot break them; values are inserted as
text, so "&" or "<" need no escaping. An unknown placeholder is an error naming it and the
closest valid names; no placeholder survives into the output; the template file is only read.

The report's sections are a registry (SECTIONS): a section with data has a builder that
returns its prose, table, charts and inline values; a section without data (II.9, III) gets
a neutral sentence. Adding numbers to a section = writing its
builder and listing its placeholders.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from pipeline.core import atomic, paths, vn
from pipeline.core.layout import DEMO_MARK
from pipeline.outputs import docx_layout as lay
from pipeline.outputs.indicators import NOT_APPLICABLE, Results, Table

FILE_NAME = paths.REPORT
COMMUNE_TEMPLATE = paths.COMMUNE_TEMPLATE
DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "report_template" / "bao_cao_mau.docx"
FONT = lay.FONT
PATTERN = re.compile(r"\{\{(.*?)\}\}", re.S)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TEXT_WIDTH_CM = 16.0  # A4 210 mm − left 30 mm − right 15 mm ≈ 165 mm


class TemplateError(Exception):
    """A problem in the report template; the message is Vietnamese and names the placeholder."""


# ---------------------------------------------------------------------------------------------
# Content blocks produced by the sections
@dataclass
class TableBlock:
    table: Table
    columns: list[str]
    rows: list[int] | None = None  # None: every row
    caption: str = ""


@dataclass
class Content:
    """What a block placeholder becomes, and the inline values the section provides."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[TableBlock] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (chart name, caption)
    values: dict[str, str] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)  # marked text the writer must replace before signing


@dataclass(frozen=True)
class Section:
    key: str  # "II.4"
    heading: str  # as printed in the default template
    placeholders: dict[str, str] = field(default_factory=dict)  # inline values: name → meaning
    build: Callable[[Results, Table | None], Content] | None = None

    @property
    def block(self) -> str:
        return "muc_" + self.key.replace(".", "_")


def _pct(t: Table, row: int | None, key: str) -> str:
    return vn.GAP if row is None else vn.percent(t.value(row, key))


def _num(t: Table, row: int | None, key: str, decimals: int = 0) -> str:
    return vn.GAP if row is None else vn.number(t.value(row, key), decimals)


def _missing_sentence(t: Table) -> str:
    who = "; ".join(u.name for u in t.missing)
    return (f"Chưa có số liệu của {who} ({t.query.template.title.lower()}); các số liệu liên quan "
            f"được đánh dấu {vn.GAP}.")


def _staffing(results: Results) -> Content:
    t = results.tables["nhan_su_theo_co_quan"]
    q = results.tables["nhan_su_trinh_do"]
    total = t.row("Cộng")
    uni = [i for i in range(len(q.frame)) if str(q.value(i, "truong")).endswith(("đại học", "thạc sĩ", "tiến sĩ"))]
    shares = [q.value(i, "ty_le") for i in uni]
    higher = None if q.missing or any(s is None for s in shares) else sum(shares)
    v = {
        "ns_bien_che": _num(t, total, "bien_che"),
        "ns_hien_co": _num(t, total, "hien_co"),
        "ns_ty_le_bien_che": _pct(t, total, "ty_le_bien_che"),
        "ns_ty_le_dai_hoc_tro_len": vn.percent(higher),
        "ns_ty_le_dung_vtvl": _pct(t, total, "ty_le_dung_vtvl"),
        "ns_so_nghi": _num(t, total, "so_nghi"),
    }
    text = [
        f"Tại ngày {vn.day(results.config.cutoff)}, tổng số cán bộ, công chức, viên chức, người lao động và người "
        f"hoạt động không chuyên trách của các cơ quan, đơn vị thuộc {results.config.kind} là {v['ns_hien_co']} người, bằng "
        f"{v['ns_ty_le_bien_che']} biên chế được giao ({v['ns_bien_che']} người). Tỷ lệ có trình độ đại học "
        f"trở lên đạt {v['ns_ty_le_dai_hoc_tro_len']}; tỷ lệ được bố trí đúng vị trí việc làm phù hợp trình độ "
        f"đạt {v['ns_ty_le_dung_vtvl']}. Từ ngày {vn.day(results.config.start)} đến nay có {v['ns_so_nghi']} người đã nghỉ hưu trước "
        f"tuổi, nghỉ chế độ, thôi việc hoặc chuyển công tác."
    ]
    if t.missing:
        text.append(_missing_sentence(t))
    cols = ["co_quan", "bien_che", "hien_co", "ty_le_bien_che", "dung_vtvl", "ty_le_dung_vtvl", "so_nghi"]
    return Content(text, [TableBlock(t, cols, caption=t.query.title)],
                   [("nhan_su_trinh_do", "Cơ cấu trình độ chuyên môn của đội ngũ")], v)


def _tthc_placeholders() -> dict[str, str]:
    """II.4's inline values: the counts, then one per declared rate and per 766 group."""
    from pipeline.outputs import rates

    out = {"tthc_tiep_nhan": "Hồ sơ TTHC tiếp nhận mới trong kỳ (trực tuyến + trực tiếp, bưu chính)",
           "tthc_truc_tuyen": "Hồ sơ tiếp nhận trực tuyến", "tthc_giai_quyet": "Hồ sơ đã giải quyết",
           "tthc_dang_qua_han": "Hồ sơ đang giải quyết quá hạn tại tháng cuối kỳ"}
    out |= {f"tthc_{r.key}": f"{r.label} (%)" for r in rates.RATES}
    out |= {f"tthc_diem_{g.key}": f"Điểm ước tính nhóm «{g.name}» của Bộ chỉ số 766 (tối đa {g.points:g} điểm)"
            for g in rates.GROUPS}
    return out


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]


def _why(t: Table, i: int) -> str:
    """A row's own note without its gap mark: «chưa có số liệu "…" của …»."""
    note = t.value(i, "ghi_chu") or ""
    return note.removeprefix(f"{vn.GAP}: ").rstrip(".") or "chưa có số liệu"


def _tthc_rate(t: Table, i: int, rate) -> tuple[str, str]:
    """(value as printed, phrase): a known rate with its target and verdict; an unknown one as [x]
    with the figure and unit that are missing, never compared with its target."""
    v = t.value(i, "gia_tri")
    if v is None:
        return vn.GAP, f"{_lower(rate.label)}: {vn.GAP} ({_why(t, i)})"
    text = vn.percent(v, 2)
    verdict = t.value(i, "danh_gia")
    target = f" (chỉ tiêu ≥ {vn.number(rate.target)}%: {verdict.lower()})" if verdict else ""
    return text, f"{_lower(rate.label)} đạt {text}{target}"


def _tthc(results: Results) -> Content:
    from pipeline.outputs import rates

    t = results.tables["tthc_chi_so"]
    g = results.tables["tthc_diem_766"]
    m = results.tables["tthc_theo_thang"]
    f = results.tables["tthc_theo_linh_vuc"]
    total, rows = m.row("Cộng"), {t.value(i, "chi_so"): i for i in range(len(t.frame))}
    v = {"tthc_tiep_nhan": _num(m, total, "nhan_trong_ky"), "tthc_truc_tuyen": _num(m, total, "nhan_truc_tuyen"),
         "tthc_giai_quyet": _num(m, total, "giai_quyet_tong"),
         "tthc_dang_qua_han": _num(f, f.row("Cộng"), "dang_qua_han")}
    national, own = [], []
    for rate in rates.RATES:
        i = rows.get(rate.key)
        value, phrase = (vn.GAP, f"{_lower(rate.label)}: {vn.GAP}") if i is None else _tthc_rate(t, i, rate)
        v[f"tthc_{rate.key}"] = value
        (national if rate.code else own).append(phrase)
    points, outside = [], []
    diem = next(c for c in g.columns if c.key == "diem")
    for group, i in zip(rates.GROUPS, range(len(g.frame)), strict=True):
        got = g.value(i, "diem")
        v[f"tthc_diem_{group.key}"] = g.text(i, "diem")
        if got is None and g.mark(i, diem) == NOT_APPLICABLE:
            outside.append(_lower(group.name))  # no indicator of the group in the template: not a gap
            continue
        points.append(f"{_lower(group.name)} {vn.number(got, 2)}/{vn.number(group.points)} điểm" if got is not None
                      else f"{_lower(group.name)} {vn.GAP} ({_lower(_why(g, i))})")
    if outside:
        points.append(f"nhóm {', '.join(outside)} không có chỉ số nào trong biểu số liệu của đơn vị")
    text = [
        f"Từ ngày {vn.day(results.config.start)} đến ngày {vn.day(results.config.cutoff)}, {results.config.kind} "
        f"tiếp nhận mới {v['tthc_tiep_nhan']} hồ sơ thủ tục hành chính (không kể hồ sơ kỳ trước chuyển sang), trong "
        f"đó {v['tthc_truc_tuyen']} hồ sơ trực tuyến; đã giải quyết {v['tthc_giai_quyet']} hồ sơ; số hồ sơ đang "
        f"giải quyết quá hạn tại tháng cuối kỳ là {v['tthc_dang_qua_han']}.",
        "Theo Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
        f"(Quyết định 766/QĐ-TTg): {'; '.join(national)}.",
        f"Chỉ số riêng của hệ thống (không thuộc Bộ chỉ số 766): {'; '.join(own)}.",
        f"Điểm ước tính theo các nhóm của Bộ chỉ số 766: {'; '.join(points)}.",
    ]
    text += [f"Lưu ý về chỉ số {r.code}: {_lower(r.limit)}." for r in rates.RATES if r.limit]
    text += [f"Chỉ số {code} ({_lower(name)}) chưa tính được: biểu số liệu chưa có số {lacking}."
             for code, name, lacking in rates.UNSUPPORTED]
    if t.missing:
        text.append(_missing_sentence(t))
    return Content(text, [TableBlock(t, ["ma", "ten", "gia_tri", "chi_tieu", "danh_gia", "diem", "ghi_chu"],
                                     caption=t.query.title),
                          TableBlock(g, ["nhom", "diem_toi_da", "diem", "ghi_chu"], caption=g.query.title)],
                   [("tthc_ho_so_theo_thang", "Hồ sơ thủ tục hành chính tiếp nhận theo tháng và kênh tiếp nhận"),
                    ("tthc_ty_le_theo_thang", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) và nộp trực tuyến "
                                              "(chỉ số 3.3) theo tháng")], v)


def _budget(results: Results) -> Content:
    t = results.tables["ngan_sach_thu_chi"]
    s = results.tables["ngan_sach_co_cau_chi"]
    years = sorted({t.value(i, "nam") for i in range(len(t.frame)) if t.value(i, "nam") is not None})
    last = years[-1] if years else results.config.cutoff.year

    def find(tab: Table, code: str, year) -> int | None:
        return next((i for i in range(len(tab.frame)) if tab.value(i, "ma") == code and tab.value(i, "nam") == year),
                    None)

    a, b, b2 = find(t, "A", last), find(t, "B", last), find(s, "B.2", last)
    v = {
        "ngan_sach_nam": str(last),
        "thu_du_toan": _num(t, a, "du_toan", 1),
        "thu_thuc_hien": _num(t, a, "thuc_hien", 1),
        "thu_ty_le": _pct(t, a, "ty_le_thuc_hien"),
        "chi_du_toan": _num(t, b, "du_toan", 1),
        "chi_thuc_hien": _num(t, b, "thuc_hien", 1),
        "chi_ty_le": _pct(t, b, "ty_le_thuc_hien"),
        "chi_thuong_xuyen_ty_trong": _pct(s, b2, "ty_trong_thuc_hien"),
    }
    text = []
    for year in years:
        ya, yb = find(t, "A", year), find(t, "B", year)
        text.append(
            f"Năm {year}: tổng thu ngân sách {results.config.kind} thực hiện {_num(t, ya, 'thuc_hien', 1)} triệu đồng, bằng "
            f"{_pct(t, ya, 'ty_le_thuc_hien')} dự toán giao ({_num(t, ya, 'du_toan', 1)} triệu đồng); tổng chi "
            f"thực hiện {_num(t, yb, 'thuc_hien', 1)} triệu đồng, bằng {_pct(t, yb, 'ty_le_thuc_hien')} dự toán "
            f"({_num(t, yb, 'du_toan', 1)} triệu đồng); chi thường xuyên chiếm "
            f"{_pct(s, find(s, 'B.2', year), 'ty_trong_thuc_hien')} tổng chi thực hiện.")
    if t.missing or not years:
        text.append(_missing_sentence(t))
    main = [i for i in range(len(t.frame)) if str(t.value(i, "ma") or "").count(".") == 0 or
            (str(t.value(i, "ma") or "").count(".") == 1)] or None
    cols = ["nam", "ma", "noi_dung", "du_toan", "thuc_hien", "ty_le_thuc_hien"]
    return Content(text, [TableBlock(t, cols, main, "Dự toán và thực hiện thu, chi ngân sách (các khoản chính)")],
                   [("ngan_sach_du_toan_thuc_hien", "Dự toán và thực hiện thu, chi ngân sách")], v)


def _archives(results: Results) -> Content:
    t = results.tables["so_hoa_theo_phong"]
    total = t.row("Cộng")
    v = {
        "lt_tong_met_gia": _num(t, total, "tong_met_gia", 1),
        "lt_ty_le_chinh_ly": _pct(t, total, "ty_le_chinh_ly"),
        "lt_trang_so_hoa": _num(t, total, "trang_so_hoa"),
        "lt_ty_le_so_hoa": _pct(t, total, "ty_le_so_hoa"),
    }
    text = [
        f"Tổng khối lượng tài liệu giấy của các phông lưu trữ là {v['lt_tong_met_gia']} mét giá, trong đó tỷ lệ đã "
        f"chỉnh lý hoàn chỉnh đạt {v['lt_ty_le_chinh_ly']}. Đã số hoá {v['lt_trang_so_hoa']} trang tài liệu, "
        f"bằng {v['lt_ty_le_so_hoa']} kế hoạch."
    ]
    if t.missing:
        text.append(_missing_sentence(t))
    cols = ["phong", "tong_met_gia", "ty_le_chinh_ly", "trang_so_hoa", "trang_ke_hoach", "ty_le_so_hoa"]
    return Content(text, [TableBlock(t, cols, caption=t.query.title)],
                   [("so_hoa_theo_phong", "Tiến độ số hoá tài liệu lưu trữ theo phông")], v)


def _find(t: Table, **match) -> int | None:
    """Index of the first row whose columns hold the given values."""
    return next((i for i in range(len(t.frame)) if all(t.value(i, k) == v for k, v in match.items())), None)


def _indicator(t: Table, key: str, field_: str = "gia_tri", decimals: int = 0) -> str:
    """A value of a (stt, chi_so, ten, don_vi, tu_so, mau_so, gia_tri) table, formatted by its unit."""
    i = _find(t, chi_so=key)
    if i is None:
        return vn.GAP
    if field_ == "gia_tri":
        unit = t.value(i, "don_vi") or ""
        return t.text(i, field_) + ("%" if unit == "%" and t.value(i, field_) is not None else "")
    return vn.number(t.value(i, field_), decimals)


def _leadership(results: Results) -> Content:
    from pipeline.core.model import fill
    from pipeline.topics.lanh_dao import template as ld

    t = results.tables["lanh_dao_van_ban"]
    a = results.tables["lanh_dao_hoat_dong"]
    issuers = [t.value(i, "co_quan") for i in range(len(t.frame))]

    def issuer(name: str) -> float | None:
        i = _find(t, co_quan=name, loai_van_ban="Cộng") if issuers.count(name) > 1 else _find(t, co_quan=name)
        return None if i is None else t.value(i, "tong_so")

    total = t.row("Cộng")
    ubnd = [issuer(fill(ld.UBND, results.config)), issuer(fill(ld.CT_UBND, results.config))]
    v = {
        "van_ban_tong": _num(t, total, "tong_so"),
        "van_ban_hdnd": vn.number(issuer(fill(ld.HDND, results.config))),
        "van_ban_ubnd": vn.number(None if None in ubnd else sum(ubnd)),
        "van_ban_qppl": _num(t, total, "qppl"),
        "van_ban_02_cap": _num(t, total, "chi_dao_02_cap"),
        "ty_le_ky_so": _pct(t, total, "ty_le_ky_so"),
        "giam_sat": _num(a, 0, "giam_sat_hdnd"),
        "kiem_tra": _num(a, 0, "kiem_tra_ubnd"),
        "kien_nghi": _num(a, 0, "kien_nghi"),
        "ty_le_kien_nghi_xu_ly": _pct(a, 0, "ty_le_kien_nghi_xu_ly"),
        "hoi_nghi": _num(a, 0, "hoi_nghi"),
        "luot_tham_du": _num(a, 0, "luot_tham_du"),
        "tin_bai": _num(a, 0, "tin_bai"),
    }
    cfg = results.config
    text = [
        f"Từ ngày {vn.day(cfg.start)} đến ngày {vn.day(cfg.cutoff)}, HĐND, UBND, Chủ tịch UBND {cfg.kind} và các cơ "
        f"quan, đơn vị thuộc UBND {cfg.kind} đã ban hành {v['van_ban_tong']} văn bản lãnh đạo, chỉ đạo, điều hành, trong "
        f"đó HĐND {cfg.kind} ban hành {v['van_ban_hdnd']} nghị quyết, UBND và Chủ tịch UBND {cfg.kind} ban hành "
        f"{v['van_ban_ubnd']} văn bản; "
        f"{v['van_ban_qppl']} văn bản quy phạm pháp luật; {v['van_ban_02_cap']} văn bản triển khai về tổ chức, hoạt "
        f"động của chính quyền địa phương 02 cấp. Tỷ lệ văn bản được phát hành điện tử có chữ ký số đạt "
        f"{v['ty_le_ky_so']}.",
        f"HĐND, Thường trực HĐND {cfg.kind} tổ chức {v['giam_sat']} cuộc giám sát; UBND, Chủ tịch UBND {cfg.kind} tổ chức "
        f"{v['kiem_tra']} cuộc kiểm tra, đôn đốc, qua đó đưa ra {v['kien_nghi']} kiến nghị, đã xử lý xong "
        f"{v['ty_le_kien_nghi_xu_ly']} số kiến nghị. {cfg.kind_title} tổ chức {v['hoi_nghi']} hội nghị quán triệt, triển khai mô "
        f"hình chính quyền địa phương 02 cấp với {v['luot_tham_du']} lượt người tham dự; đăng tải {v['tin_bai']} "
        f"tin, bài tuyên truyền.",
    ]
    if t.missing:
        text.append(_missing_sentence(t))
    rows = [i for i, name in enumerate(issuers) if issuers.count(name) == 1 or t.value(i, "loai_van_ban") == "Cộng"]
    cols = ["co_quan", "loai_van_ban", "tong_so", "qppl", "chi_dao_02_cap", "ky_so", "ty_le_ky_so"]
    return Content(text, [TableBlock(t, cols, rows, "Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành theo cơ "
                                                    f"quan ban hành (chi tiết theo loại văn bản: xem "
                                                    f"{annex_ref(results, 'lanh_dao_van_ban')})")],
                   [], v)


MAX_LISTED = 5  # difficulties quoted in the report; the annex lists all


def _decentralisation(results: Results) -> Content:
    t = results.tables["phan_cap_theo_hinh_thuc"]
    d = results.tables["phan_cap_kho_khan"]
    s = results.tables["phan_cap_kien_nghi"]
    total = t.row("Cộng")

    def form(name: str) -> str:
        return _num(t, t.row(name), "so_nhiem_vu")

    v = {
        "nhiem_vu_tong": _num(t, total, "so_nhiem_vu"),
        "nhiem_vu_phan_cap": form("Phân cấp"),
        "nhiem_vu_phan_quyen": form("Phân quyền"),
        "nhiem_vu_uy_quyen": form("Ủy quyền"),
        "nhiem_vu_thuan_loi": _num(t, total, "thuan_loi"),
        "ty_le_thuan_loi": _pct(t, total, "ty_le_thuan_loi"),
        "nhiem_vu_kho_khan": _num(t, total, "kho_khan"),
        "nhiem_vu_chua_trien_khai": _num(t, total, "chua_trien_khai"),
        "tthc_phan_cap": _num(t, total, "so_tthc"),
        "van_ban_kien_nghi": _num(s, 0, "van_ban_kien_nghi"),
        "van_ban_da_tra_loi": _num(s, 0, "van_ban_da_tra_loi"),
    }
    listed = [i for i in range(len(d.frame)) if d.value(i, "tinh_trang") is not None]
    items = [f"- {d.value(i, 'ten_nhiem_vu')} ({d.value(i, 'linh_vuc')}): {d.value(i, 'kho_khan') or ''}"
             + (f" Đề xuất: {d.value(i, 'de_xuat')}" if d.value(i, "de_xuat") else "") for i in listed[:MAX_LISTED]]
    if len(listed) > MAX_LISTED:
        items.append(f"- Và {len(listed) - MAX_LISTED} nhiệm vụ khác (xem {annex_ref(results, 'phan_cap_kho_khan')}).")
    v["kho_khan_list"] = "\n".join(items) if items else "Không có nhiệm vụ gặp khó khăn, vướng mắc."
    if s.value(0, "khong_phat_sinh") == "Có":
        text = [f"Trong kỳ, {results.config.kind} không nhận nhiệm vụ nào được phân cấp, phân quyền, ủy quyền."]
    else:
        text = [
            f"{results.config.kind_title} đã nhận {v['nhiem_vu_tong']} nhiệm vụ, thẩm quyền được phân cấp, phân quyền, ủy quyền (phân cấp "
            f"{v['nhiem_vu_phan_cap']}, phân quyền {v['nhiem_vu_phan_quyen']}, ủy quyền {v['nhiem_vu_uy_quyen']}), "
            f"gắn với {v['tthc_phan_cap']} thủ tục hành chính. Có {v['nhiem_vu_thuan_loi']} nhiệm vụ "
            f"({v['ty_le_thuan_loi']}) được thực hiện thuận lợi; {v['nhiem_vu_kho_khan']} nhiệm vụ còn khó khăn, "
            f"vướng mắc và {v['nhiem_vu_chua_trien_khai']} nhiệm vụ chưa triển khai."
        ]
        if items:
            text.append(f"Những khó khăn, vướng mắc chủ yếu và đề xuất của {results.config.kind}:")
            text += items
    text.append(f"{results.config.kind_title} đã gửi {v['van_ban_kien_nghi']} văn bản kiến nghị cấp trên tháo gỡ, {v['van_ban_da_tra_loi']} "
                f"văn bản đã được trả lời, hướng dẫn.")
    if t.missing:
        text.append(_missing_sentence(t))
    cols = ["hinh_thuc", "so_nhiem_vu", "thuan_loi", "kho_khan", "chua_trien_khai", "ty_le_thuan_loi", "so_tthc"]
    return Content(text, [TableBlock(t, cols, caption=t.query.title)],
                   [("phan_cap_hinh_thuc", "Nhiệm vụ được phân cấp, phân quyền, ủy quyền theo hình thức và tình "
                                           "hình thực hiện")], v)


def _check_sentence(results: Results, template_id: str) -> list[str]:
    """A sentence for each failed cross-check whose left side is the template."""
    return [f"Lưu ý: {f.check.message} ({f.value}); số liệu đang được đối chiếu lại."
            for f in results.failed_checks if f.check.left.template == template_id]


def _assets(results: Results) -> Content:
    t = results.tables["tai_san_doi_du"]
    k = results.tables["tai_san_theo_loai"]
    h = results.tables["tai_san_ho_tro"]
    total = k.row("Cộng")
    v = {
        "co_so_doi_du": _num(t, 0, "tong_doi_du"),
        "doi_du_dau_ky": _num(t, 0, "doi_du_dau_ky"),
        "doi_du_phat_sinh": _num(t, 0, "doi_du_phat_sinh"),
        "co_so_da_xu_ly": _num(t, 0, "da_xu_ly"),
        "ty_le_da_xu_ly": _pct(t, 0, "ty_le_da_xu_ly"),
        "xl_noi_bo": _num(t, 0, "xl_noi_bo"),
        "xl_dia_phuong_khac": _num(t, 0, "xl_dia_phuong_khac"),
        "xl_giao_dia_phuong": _num(t, 0, "xl_giao_dia_phuong"),
        "xl_khac": _num(t, 0, "xl_khac"),
        "co_so_con_lai": _num(t, 0, "con_phai_xu_ly"),
        "tai_san_tong": _num(k, total, "so_dong"),
        "nguyen_gia_tong": _num(k, total, "nguyen_gia", 1),
        "phong_hop_truc_tuyen": _num(h, 0, "phong_hop_truc_tuyen"),
        "ho_tro_di_lai": _num(h, 0, "ho_tro_di_lai"),
        "kinh_phi_di_lai": _num(h, 0, "kinh_phi_di_lai", 1),
        "ho_tro_nha_o": _num(h, 0, "ho_tro_nha_o"),
        "kinh_phi_nha_o": _num(h, 0, "kinh_phi_nha_o", 1),
    }
    text = [
        f"Sau sắp xếp, {results.config.kind} có {v['co_so_doi_du']} cơ sở nhà, đất dôi dư ({v['doi_du_dau_ky']} cơ sở tại thời điểm bắt "
        f"đầu hoạt động, {v['doi_du_phat_sinh']} cơ sở phát sinh trong kỳ); đã xử lý {v['co_so_da_xu_ly']} cơ sở "
        f"({v['ty_le_da_xu_ly']}), gồm điều chuyển nội bộ {v['xl_noi_bo']}, điều chuyển cho địa phương khác "
        f"{v['xl_dia_phuong_khac']}, giao cho địa phương quản lý, xử lý {v['xl_giao_dia_phuong']}, hình thức khác "
        f"{v['xl_khac']}; còn {v['co_so_con_lai']} cơ sở phải tiếp tục xử lý.",
        f"Các cơ quan, đơn vị đã kê khai {v['tai_san_tong']} tài sản (trụ sở, nhà đất, phương tiện, nhóm trang thiết "
        f"bị) với tổng nguyên giá {v['nguyen_gia_tong']} triệu đồng. {results.config.kind_title} có {v['phong_hop_truc_tuyen']} phòng họp "
        f"trực tuyến; {v['ho_tro_di_lai']} cán bộ, công chức, viên chức được hỗ trợ đi lại với kinh phí "
        f"{v['kinh_phi_di_lai']} triệu đồng; {v['ho_tro_nha_o']} người được hỗ trợ nhà ở với kinh phí "
        f"{v['kinh_phi_nha_o']} triệu đồng.",
        *_check_sentence(results, "tai_san"),
    ]
    if t.missing:
        text.append(_missing_sentence(t))
    cols = ["loai", "so_dong", "so_luong", "dien_tich_dat", "dien_tich_san", "nguyen_gia", "doi_du"]
    return Content(text, [TableBlock(k, cols, caption=k.query.title)],
                   [("tai_san_doi_du", "Cơ sở nhà, đất dôi dư: đã xử lý theo hình thức và còn phải xử lý")], v)


# The equipment placeholders, in catalog order (catalog.digital.EQUIPMENT).
EQUIPMENT_NAMES = ("may_chu", "may_tram", "may_xach_tay", "may_quet", "thiet_bi_mang", "thiet_bi_hop")


def _digital(results: Results) -> Content:
    from pipeline.topics.ha_tang_so import template as digital

    e = results.tables["ha_tang_so_thiet_bi"]
    c = results.tables["ha_tang_so_chi_so"]
    v = {name: _num(e, _find(e, loai_thiet_bi=kind), "dang_su_dung")
         for name, kind in zip(EQUIPMENT_NAMES, digital.EQUIPMENT, strict=True)}
    v |= {
        "may_tinh_binh_quan": _indicator(c, "may_tinh_binh_quan"),
        "ty_le_dap_ung": _pct(e, e.row("Cộng"), "ty_le_dap_ung"),
        "thiet_bi_can_bo_sung": _num(e, e.row("Cộng"), "can_bo_sung"),
        "bang_thong": _indicator(c, "bang_thong"),
        "can_bo_tong": _indicator(c, "ty_le_chu_ky_so", "mau_so"),
        "chu_ky_so": _indicator(c, "ty_le_chu_ky_so", "tu_so"),
        "ty_le_chu_ky_so": _indicator(c, "ty_le_chu_ky_so"),
        "ky_nang_so": _indicator(c, "ty_le_ky_nang_so", "tu_so"),
        "ty_le_ky_nang_so": _indicator(c, "ty_le_ky_nang_so"),
        "csdl_dung_chung": _indicator(c, "csdl_dung_chung"),
        "ho_so_truc_tuyen": _indicator(c, "ho_so_truc_tuyen"),
        "ho_so_toan_trinh": _indicator(c, "ty_le_toan_trinh", "tu_so"),
        "ty_le_toan_trinh": _indicator(c, "ty_le_toan_trinh"),
    }
    online = next((f for f in results.checks if f.check.left.template == "ha_tang_so"
                   and f.check.left.expr == "ho_so_truc_tuyen"), None)
    v["chenh_lech"] = vn.percent(abs(online.difference)) if online and online.difference is not None else vn.GAP
    text = [
        f"Hạ tầng công nghệ thông tin của {results.config.kind} gồm {v['may_chu']} máy chủ, {v['may_tram']} máy trạm, "
        f"{v['may_xach_tay']} máy tính xách tay, {v['may_quet']} máy quét, {v['thiet_bi_mang']} thiết bị mạng và "
        f"{v['thiet_bi_hop']} bộ thiết bị họp trực tuyến; bình quân {v['may_tinh_binh_quan']} máy tính mỗi cán bộ, "
        f"công chức, viên chức; {v['ty_le_dap_ung']} thiết bị đáp ứng yêu cầu, cần trang bị bổ sung, thay thế "
        f"{v['thiet_bi_can_bo_sung']} thiết bị. Đường truyền Internet của trụ sở đạt {v['bang_thong']} Mbps.",
        f"Có {v['chu_ky_so']}/{v['can_bo_tong']} cán bộ, công chức, viên chức ({v['ty_le_chu_ky_so']}) có chữ ký số; "
        f"{v['ky_nang_so']} người ({v['ty_le_ky_nang_so']}) được đào tạo, bồi dưỡng kỹ năng số. {results.config.kind_title} đang khai thác "
        f"{v['csdl_dung_chung']} cơ sở dữ liệu dùng chung. Trong kỳ tiếp nhận {v['ho_so_truc_tuyen']} hồ sơ thủ tục "
        f"hành chính trực tuyến, trong đó {v['ho_so_toan_trinh']} hồ sơ ({v['ty_le_toan_trinh']}) được xử lý trực "
        f"tuyến toàn trình.",
    ]
    if online and not online.ok:
        text.append(f"(Số liệu hồ sơ trực tuyến của biểu hạ tầng số chênh {v['chenh_lech']} so với biểu thủ tục hành "
                    f"chính của Trung tâm Phục vụ hành chính công {results.config.kind}, đang được đối chiếu.)")
    text += [s for s in _check_sentence(results, "ha_tang_so") if "hồ sơ" not in s]
    if e.missing:
        text.append(_missing_sentence(e))
    cols = ["loai_thiet_bi", "dang_su_dung", "dap_ung", "ty_le_dap_ung", "trang_bi_moi", "can_bo_sung"]
    return Content(text, [TableBlock(e, cols, caption=e.query.title),
                          TableBlock(c, ["ten", "don_vi", "tu_so", "mau_so", "gia_tri"], caption=c.query.title)],
                   [("ha_tang_so_thiet_bi", "Trang thiết bị công nghệ thông tin: đáp ứng yêu cầu và cần bổ sung")], v)


SECTIONS: tuple[Section, ...] = (
    Section("II.1", "1. Về công tác lãnh đạo, chỉ đạo, điều hành, tổ chức thực hiện", {
        "van_ban_tong": "Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành từ ngày bắt đầu kỳ (văn bản)",
        "van_ban_hdnd": "Nghị quyết của HĐND (văn bản)",
        "van_ban_ubnd": "Văn bản của UBND và Chủ tịch UBND (văn bản)",
        "van_ban_qppl": "Văn bản quy phạm pháp luật (văn bản)",
        "van_ban_02_cap": "Văn bản về tổ chức, hoạt động của chính quyền địa phương 02 cấp (văn bản)",
        "ty_le_ky_so": "Tỷ lệ văn bản ban hành điện tử có chữ ký số (%)",
        "giam_sat": "Cuộc giám sát của HĐND, Thường trực HĐND",
        "kiem_tra": "Cuộc kiểm tra, đôn đốc của UBND, Chủ tịch UBND",
        "kien_nghi": "Kiến nghị sau kiểm tra, giám sát",
        "ty_le_kien_nghi_xu_ly": "Tỷ lệ kiến nghị đã xử lý xong (%)",
        "hoi_nghi": "Hội nghị quán triệt, triển khai mô hình chính quyền 02 cấp",
        "luot_tham_du": "Lượt người tham dự hội nghị",
        "tin_bai": "Tin, bài tuyên truyền về chính quyền 02 cấp",
    }, _leadership),
    Section("II.2", "2. Về thực hiện chức năng, nhiệm vụ và phân cấp, phân quyền, phân định thẩm quyền", {
        "nhiem_vu_tong": "Nhiệm vụ, thẩm quyền đã nhận theo phân cấp, phân quyền, ủy quyền",
        "nhiem_vu_phan_cap": "Trong đó: phân cấp",
        "nhiem_vu_phan_quyen": "Trong đó: phân quyền",
        "nhiem_vu_uy_quyen": "Trong đó: ủy quyền",
        "nhiem_vu_thuan_loi": "Nhiệm vụ thực hiện thuận lợi",
        "ty_le_thuan_loi": "Tỷ lệ nhiệm vụ thực hiện thuận lợi (%)",
        "nhiem_vu_kho_khan": "Nhiệm vụ còn khó khăn, vướng mắc",
        "nhiem_vu_chua_trien_khai": "Nhiệm vụ chưa triển khai",
        "tthc_phan_cap": "Thủ tục hành chính gắn với các nhiệm vụ được phân cấp, phân quyền, ủy quyền",
        "kho_khan_list": "Danh sách (mỗi dòng một nhiệm vụ, tối đa 5) khó khăn, vướng mắc và đề xuất",
        "van_ban_kien_nghi": "Văn bản kiến nghị cấp trên tháo gỡ đã gửi",
        "van_ban_da_tra_loi": "Văn bản kiến nghị đã được trả lời, hướng dẫn",
    }, _decentralisation),
    Section("II.3", "3. Về tổ chức bộ máy và nhân sự", {
        "ns_bien_che": "Tổng biên chế được giao (người)",
        "ns_hien_co": "Tổng số người hiện có tại ngày chốt (người)",
        "ns_ty_le_bien_che": "Số hiện có so với biên chế (%)",
        "ns_ty_le_dai_hoc_tro_len": "Tỷ lệ có trình độ đại học trở lên (%)",
        "ns_ty_le_dung_vtvl": "Tỷ lệ bố trí đúng vị trí việc làm (%)",
        "ns_so_nghi": "Số người đã nghỉ, chuyển công tác từ 01/7/2025 (người)",
    }, _staffing),
    Section("II.4", "4. Về thủ tục hành chính", _tthc_placeholders(), _tthc),
    Section("II.5", "5. Về bảo đảm nguồn lực tài chính hoạt động của chính quyền cấp xã", {
        "ngan_sach_nam": "Năm ngân sách của các số liệu dưới đây (năm của ngày chốt)",
        "thu_du_toan": "Tổng thu ngân sách: dự toán (triệu đồng)",
        "thu_thuc_hien": "Tổng thu ngân sách: thực hiện (triệu đồng)",
        "thu_ty_le": "Tổng thu: thực hiện so với dự toán (%)",
        "chi_du_toan": "Tổng chi ngân sách: dự toán (triệu đồng)",
        "chi_thuc_hien": "Tổng chi ngân sách: thực hiện (triệu đồng)",
        "chi_ty_le": "Tổng chi: thực hiện so với dự toán (%)",
        "chi_thuong_xuyen_ty_trong": "Tỷ trọng chi thường xuyên trong tổng chi thực hiện (%)",
    }, _budget),
    Section("II.6", "6. Về cơ sở vật chất, hỗ trợ nhà ở, trang thiết bị, tài sản công", {
        "co_so_doi_du": "Tổng số cơ sở nhà, đất dôi dư (đầu kỳ + phát sinh)",
        "doi_du_dau_ky": "Cơ sở nhà, đất dôi dư tại ngày bắt đầu kỳ",
        "doi_du_phat_sinh": "Cơ sở nhà, đất dôi dư phát sinh trong kỳ",
        "co_so_da_xu_ly": "Cơ sở nhà, đất dôi dư đã xử lý",
        "ty_le_da_xu_ly": "Tỷ lệ cơ sở nhà, đất dôi dư đã xử lý (%)",
        "xl_noi_bo": "Đã xử lý: điều chuyển nội bộ (cơ sở)",
        "xl_dia_phuong_khac": "Đã xử lý: điều chuyển cho địa phương khác (cơ sở)",
        "xl_giao_dia_phuong": "Đã xử lý: giao cho địa phương quản lý, xử lý (cơ sở)",
        "xl_khac": "Đã xử lý: hình thức khác (cơ sở)",
        "co_so_con_lai": "Cơ sở nhà, đất còn phải xử lý cuối kỳ",
        "tai_san_tong": "Số tài sản đã kê khai (dòng của danh sách tài sản)",
        "nguyen_gia_tong": "Tổng nguyên giá tài sản đã kê khai (triệu đồng)",
        "phong_hop_truc_tuyen": "Phòng họp trực tuyến",
        "ho_tro_di_lai": "Người được hỗ trợ đi lại",
        "kinh_phi_di_lai": "Kinh phí hỗ trợ đi lại (triệu đồng)",
        "ho_tro_nha_o": "Người được hỗ trợ nhà ở",
        "kinh_phi_nha_o": "Kinh phí hỗ trợ nhà ở (triệu đồng)",
    }, _assets),
    Section("II.7", "7. Về hạ tầng công nghệ, chuyển đổi số", {
        "may_chu": "Máy chủ đang sử dụng",
        "may_tram": "Máy trạm (máy tính để bàn) đang sử dụng",
        "may_xach_tay": "Máy tính xách tay đang sử dụng",
        "may_quet": "Máy quét đang sử dụng",
        "thiet_bi_mang": "Thiết bị mạng đang sử dụng",
        "thiet_bi_hop": "Bộ thiết bị họp trực tuyến đang sử dụng",
        "may_tinh_binh_quan": "Máy tính (để bàn, xách tay) bình quân mỗi cán bộ, công chức, viên chức",
        "ty_le_dap_ung": "Tỷ lệ thiết bị công nghệ thông tin đáp ứng yêu cầu (%)",
        "thiet_bi_can_bo_sung": "Thiết bị cần trang bị bổ sung, thay thế",
        "bang_thong": "Băng thông Internet của trụ sở (Mbps)",
        "can_bo_tong": "Tổng số cán bộ, công chức, viên chức (biểu hạ tầng số)",
        "chu_ky_so": "Cán bộ, công chức, viên chức có chữ ký số",
        "ty_le_chu_ky_so": "Tỷ lệ cán bộ, công chức, viên chức có chữ ký số (%)",
        "ky_nang_so": "Người được đào tạo, bồi dưỡng kỹ năng số",
        "ty_le_ky_nang_so": "Tỷ lệ người được đào tạo, bồi dưỡng kỹ năng số (%)",
        "csdl_dung_chung": "Cơ sở dữ liệu dùng chung đang khai thác",
        "ho_so_truc_tuyen": "Hồ sơ TTHC tiếp nhận trực tuyến trong kỳ",
        "ho_so_toan_trinh": "Hồ sơ xử lý trực tuyến toàn trình",
        "ty_le_toan_trinh": "Tỷ lệ hồ sơ trực tuyến xử lý toàn trình (%)",
        "chenh_lech": "Chênh lệch hồ sơ trực tuyến giữa biểu hạ tầng số và biểu TTHC (%)",
    }, _digital),
    Section("II.8", "8. Số hoá, chỉnh lý tài liệu lưu trữ", {
        "lt_tong_met_gia": "Tổng tài liệu giấy của các phông (mét giá)",
        "lt_ty_le_chinh_ly": "Tỷ lệ tài liệu đã chỉnh lý hoàn chỉnh (%)",
        "lt_trang_so_hoa": "Số trang tài liệu đã số hoá",
        "lt_ty_le_so_hoa": "Số trang đã số hoá so với kế hoạch (%)",
    }, _archives),
    Section("II.9", "9. Nhiệm vụ, giải pháp trong thời gian tới"),
    Section("III", "III. ĐỀ XUẤT, KIẾN NGHỊ"),
)

GENERAL: dict[str, str] = {
    "ten_xa": "Tên đơn vị, không kèm chữ xã, phường, đặc khu (An Thành)",
    "ten_xa_hoa": "Tên đơn vị viết hoa (AN THÀNH)",
    "loai_don_vi": "Loại đơn vị theo cấu hình: xã, phường hoặc đặc khu",
    "loai_don_vi_hoa": "Loại đơn vị viết hoa (XÃ, PHƯỜNG, ĐẶC KHU)",
    "tinh": "Tỉnh, thành phố trực thuộc Trung ương",
    "dia_danh": "Địa danh ở dòng ngày tháng",
    "ngay_lap": "Ngày lập báo cáo (dd/mm/yyyy)",
    "thang_lap": "Tháng lập báo cáo",
    "nam_lap": "Năm lập báo cáo",
    "ngay_bat_dau": "Ngày bắt đầu kỳ báo cáo (dd/mm/yyyy)",
    "ngay_chot": "Ngày chốt số liệu (dd/mm/yyyy)",
    "ke_hoach": "Tên Kế hoạch sơ kết của đơn vị",
    "co_quan_thuong_truc": "Cơ quan thường trực tổng hợp báo cáo",
    "dau_minh_hoa": "Dấu «SỐ LIỆU MINH HỌA» khi dùng số liệu minh họa (để trống khi số liệu thật)",
    "tinh_hinh_so_lieu": "Câu tóm tắt: số biểu đã nhận và các đơn vị chưa gửi số liệu",
    "nguoi_ky_tm": "Dòng thẩm quyền ký; để trống trong cấu hình thì theo loại đơn vị (TM. ỦY BAN NHÂN DÂN PHƯỜNG)",
    "nguoi_ky_kt": "Dòng ký thay (KT. CHỦ TỊCH)",
    "nguoi_ky_chuc_vu": "Chức vụ người ký",
    "nguoi_ky_ten": "Họ và tên người ký",
}
ANNEX_BLOCK = "phu_luc"


def blocks() -> dict[str, str]:
    """Block placeholders (alone in their paragraph): name → what replaces the paragraph."""
    out = {s.block: f"Nội dung mục {s.key}: đoạn văn có số liệu, bảng và biểu đồ (nếu có)" for s in SECTIONS}
    out[ANNEX_BLOCK] = "Các biểu của Phụ lục số liệu (trang khổ ngang), mỗi biểu một «Phụ lục số …»"
    return out


def placeholders() -> dict[str, str]:
    """Every valid placeholder name → its meaning (the README table is generated from this)."""
    out = dict(GENERAL)
    for s in SECTIONS:
        out |= s.placeholders
    return out | blocks()


def readme_table() -> str:
    lines = ["| Trường | Ý nghĩa | Loại |", "| --- | --- | --- |"]
    block_names = blocks()
    for name, meaning in placeholders().items():
        kind = "khối (đứng riêng một đoạn)" if name in block_names else "chữ, số"
        lines.append(f"| `{{{{ {name} }}}}` | {meaning} | {kind} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Filling
def _all_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    def walk(container) -> Iterator[Paragraph]:
        yield from container.paragraphs
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def _clean(raw: str) -> str:
    return raw.replace("\u00a0", " ").strip()


def check(doc: DocxDocument, source: str) -> list[str]:
    """Vietnamese error messages for every unknown, malformed or misplaced placeholder."""
    valid, block_names, errors = placeholders(), blocks(), []
    for p in _all_paragraphs(doc):
        text = p.text
        for m in PATTERN.finditer(text):
            name = _clean(m.group(1))
            if not NAME.match(name):
                errors.append(f"Mẫu báo cáo {source}: trường «{m.group(0)}» viết sai: tên trường chỉ gồm chữ không dấu, "
                              f"chữ số và dấu gạch dưới, ví dụ {{{{ ten_xa }}}}.")
            elif name not in valid:
                close = difflib.get_close_matches(name, list(valid), n=3, cutoff=0.5)
                hint = f" Có phải là: {', '.join(close)}?" if close else ""
                errors.append(f"Mẫu báo cáo {source}: trường «{{{{ {name} }}}}» không có trong danh sách trường hợp lệ."
                              f"{hint} Danh sách đầy đủ: xem bảng trường trong README.")
            elif name in block_names and _clean(text) != m.group(0).strip():
                errors.append(f"Mẫu báo cáo {source}: trường khối «{{{{ {name} }}}}» phải đứng riêng một đoạn "
                              "(không có chữ khác cùng đoạn).")
        if "{{" in PATTERN.sub("", text) or "}}" in PATTERN.sub("", text):
            errors.append(f"Mẫu báo cáo {source}: đoạn «{text[:60]}…» có dấu {{{{ hoặc }}}} không khép kín.")
    return errors


def _replace_runs(p: Paragraph, values: dict[str, str]) -> None:
    """Replace text placeholders in a paragraph, merging the runs a placeholder spans."""
    runs = p.runs
    text = "".join(r.text for r in runs)
    for m in reversed(list(PATTERN.finditer(text))):
        name = _clean(m.group(1))
        if name not in values:
            continue
        start, end = m.span()
        bounds, pos = [], 0
        for r in runs:
            bounds.append((pos, pos + len(r.text)))
            pos += len(r.text)
        first = next(i for i, (a, b) in enumerate(bounds) if a <= start < b)
        last = next(i for i, (a, b) in enumerate(bounds) if a < end <= b)
        a0, al = bounds[first][0], bounds[last][0]
        if first == last:
            t = runs[first].text
            runs[first].text = t[: start - a0] + values[name] + t[end - a0:]
        else:
            tail = runs[last].text[end - al:]
            runs[first].text = runs[first].text[: start - a0] + values[name]
            for i in range(first + 1, last):
                runs[i].text = ""
            runs[last].text = tail


def _remove(p: Paragraph) -> None:
    p._p.getparent().remove(p._p)


def gap_text(results: Results) -> str:
    """The marked gap a section without data gets: the writer (the standing unit) fills it in."""
    return f"[Nội dung do {results.config.unit(results.config.standing_unit).name} bổ sung]"


def _neutral(section: Section, results: Results) -> Content:
    lead = results.config.leader(section.key)
    text = [f"Lãnh đạo chỉ đạo: Đ/c {lead.name} – {lead.title}."] if lead else []
    return Content(text, gaps=[gap_text(results)])


def unfinished(results: Results) -> list[str]:
    """The sections the report leaves to the writer (a marked gap each), as «II.9. Nhiệm vụ …»."""
    return [f"{s.key}. {s.heading.split('. ', 1)[-1]}" for s in SECTIONS if s.build is None]


def _landscape_from(doc: DocxDocument, anchor: Paragraph) -> None:
    """End the current (portrait) section just before anchor; what follows is landscape A4."""
    body_sect = doc.sections[-1]._sectPr
    p = anchor.insert_paragraph_before()
    p_pr = p._p.get_or_add_pPr()
    p_pr.append(copy.deepcopy(body_sect))
    last = doc.sections[-1]
    last.different_first_page_header_footer = False  # the annex's first page is numbered too
    if last.orientation != WD_ORIENT.LANDSCAPE:
        last.orientation = WD_ORIENT.LANDSCAPE
        last.page_width, last.page_height = last.page_height, last.page_width


def annex_ref(results: Results, name: str) -> str:
    """«Phụ lục số 03» of a result table, numbered as in the annex workbook."""
    from pipeline.outputs.annex import number as annex_number

    return f"Phụ lục số {annex_number(list(results.tables).index(name) + 1)}"


def attached(built: date) -> str:
    """The annex line under each annex title (Nghị định 30): number and day left for the clerk."""
    return f"(Kèm theo Báo cáo số        /BC-UBND ngày      /{built.month:02d}/{built.year})"


def _annex(writer: lay.Writer, results: Results, built: date) -> None:
    from pipeline.outputs.annex import visible_columns

    for name, t in results.tables.items():
        p = writer.paragraph(annex_ref(results, name), size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                             indent=False, style=lay.HEADINGS[1])
        if name != next(iter(results.tables)):  # tables flow on (no near-empty pages); headings keep with them
            p.paragraph_format.space_before = Pt(24)
        title = writer.paragraph(vn.upper(t.query.title), size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                                 indent=False)
        title.paragraph_format.keep_with_next = True
        line = writer.paragraph(f"{attached(built)[:-1]} của Ủy ban nhân dân {results.config.full_name})",
                                size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        line.paragraph_format.keep_with_next = True
        if results.demo:
            writer.paragraph(DEMO_MARK, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                             indent=False).paragraph_format.keep_with_next = True
        writer.table(t, [c.key for c in visible_columns(t)], None, size=10)
        if t.query.note:
            writer.paragraph(f"Ghi chú: {t.query.note}", size=11, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def general_values(results: Results, built: date) -> dict[str, str]:
    cfg = results.config
    sent = len(results.sources)
    missing = results.missing_all
    summary = (f"Số liệu trong báo cáo được tổng hợp tự động từ {sent} biểu số liệu của các cơ quan, đơn vị "
               f"(số liệu chốt đến ngày {vn.day(cfg.cutoff)}).")
    if missing:
        summary += " Chưa có số liệu của: " + "; ".join(f"{u.name} ({t.title.lower()})" for u, t in missing) + \
                   f"; các ô tương ứng được đánh dấu {vn.GAP}."
    else:
        summary += " Tất cả các cơ quan, đơn vị đã gửi đủ biểu số liệu."
    if results.demo:
        summary += f" Lưu ý: báo cáo đang dùng {DEMO_MARK}, không dùng để ban hành."
    return {
        "ten_xa": cfg.commune,
        "ten_xa_hoa": cfg.commune.upper(),
        "loai_don_vi": cfg.kind,
        "loai_don_vi_hoa": cfg.kind.upper(),
        "tinh": cfg.province,
        "dia_danh": cfg.place,
        "ngay_lap": vn.day(built),
        "thang_lap": str(built.month),
        "nam_lap": str(built.year),
        "ngay_bat_dau": vn.day(cfg.start),
        "ngay_chot": vn.day(cfg.cutoff),
        "ke_hoach": cfg.plan_ref,
        "co_quan_thuong_truc": cfg.unit(cfg.standing_unit).name,
        "dau_minh_hoa": f"{DEMO_MARK} – KHÔNG DÙNG ĐỂ BAN HÀNH" if results.demo else "",
        "tinh_hinh_so_lieu": summary,
        "nguoi_ky_tm": cfg.signatory.on_behalf,
        "nguoi_ky_kt": cfg.signatory.authority,
        "nguoi_ky_chuc_vu": cfg.signatory.title,
        "nguoi_ky_ten": cfg.signatory.name,
    }


def _heading_styles(doc: DocxDocument) -> None:
    """A commune's own template often has its headings as bold «Normal» paragraphs: give those that
    read like «I. …», «1. …», «a) …» the Heading style of their level (navigation pane, TOC)."""
    lay.styles(doc)
    for p in doc.paragraphs:
        level = lay.heading_level(p.text)
        runs = [r for r in p.runs if r.text.strip()]
        if level and p.style.name == "Normal" and runs and all(r.bold for r in runs) and len(p.text) < 200:
            p.style = doc.styles[lay.HEADINGS[level]]


def template_path(inputs_dir: Path | None) -> Path:
    """The commune's own template when inputs/ holds one, else the default."""
    own = Path(inputs_dir) / COMMUNE_TEMPLATE if inputs_dir else None
    return own if own and own.exists() else DEFAULT_TEMPLATE


def render(results: Results, charts: dict[str, Path], out_path: Path, template: Path | None = None,
           built: date | None = None) -> Path:
    """Fill the template (never modified: it is only read) and save the report to out_path."""
    template = template or DEFAULT_TEMPLATE
    built = built or date.today()
    doc = Document(str(template))
    errors = check(doc, template.name)
    if errors:
        raise TemplateError("\n".join(errors))

    contents = {s.block: (s.build(results) if s.build else _neutral(s, results)) for s in SECTIONS}
    values = general_values(results, built)
    for c in contents.values():
        values |= c.values
    values |= {name: vn.GAP for s in SECTIONS for name in s.placeholders if name not in values}

    width = (doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin) / 360000
    figure = table_no = 0
    for p in list(_all_paragraphs(doc)):
        found = [_clean(m.group(1)) for m in PATTERN.finditer(p.text)]
        if len(found) == 1 and found[0] in blocks():
            name = found[0]
            if name == ANNEX_BLOCK:
                _landscape_from(doc, p)
                land = doc.sections[-1]
                w = lay.Writer(doc, p, charts, (land.page_width - land.left_margin - land.right_margin) / 360000)
                _annex(w, results, built)
            else:
                w = lay.Writer(doc, p, charts, width)
                content = contents[name]
                for text in content.paragraphs:
                    w.paragraph(text)
                for text in content.gaps:
                    lay.gap(w.paragraph(), text)
                for block in content.tables:
                    table_no += 1
                    w.caption(f"Bảng {table_no}. {block.caption}")
                    w.table(block.table, block.columns, block.rows)
                for chart, caption in content.charts:
                    figure += 1
                    w.picture(chart)
                    w.caption(f"Biểu đồ {figure}. {caption}", before=False)
            _remove(p)
        elif found:
            _replace_runs(p, values)
            if not p.text.strip() and not p._p.xpath(".//w:drawing") and p._p.getparent().tag == qn("w:body"):
                _remove(p)
    _heading_styles(doc)
    left = [m.group(0) for p in _all_paragraphs(doc) for m in PATTERN.finditer(p.text)]
    if left:
        raise TemplateError(f"Mẫu báo cáo {template.name}: còn trường chưa điền: {', '.join(left)}.")
    doc.core_properties.title = f"Báo cáo sơ kết 01 năm – {results.config.full_name}"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path = atomic.save(doc, out_path)
    return out_path


# ---------------------------------------------------------------------------------------------
# The default template (Nghị định 30/2020/NĐ-CP layout), generated by this function
def write_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    """Generate the default report template (run again to reproduce the shipped file)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.widow_control = True
    lay.styles(doc)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2), Cm(2)
    sec.left_margin, sec.right_margin = Cm(3), Cm(1.5)
    sec.header_distance = Cm(1)
    lay.page_numbers(sec, mark="{{ dau_minh_hoa }}")

    head = doc.add_table(rows=1, cols=2)
    lay.borders(head, visible=False)
    lay.widths(head, [Cm(6.0), Cm(10.5)])
    left, right = head.rows[0].cells
    lay.cell_lines(left, [("ỦY BAN NHÂN DÂN", 13, True, False),
                          ("{{ loai_don_vi_hoa }} {{ ten_xa_hoa }}", 13, True, False),
                          ("Số:        /BC-UBND", 13, False, False)], rule_after={1: 2.0}, cell_cm=6.0)
    lay.cell_lines(right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12.5, True, False),
                           ("Độc lập - Tự do - Hạnh phúc", 14, True, False),
                           ("{{ dia_danh }}, ngày      tháng {{ thang_lap }} năm {{ nam_lap }}", 14, False, True)],
                   rule_after={1: 6.2}, cell_cm=10.5)

    def para(text: str, bold: bool = False, italic: bool = False, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
             size: float = 14, indent: bool = True, before: float = 0, style: str | None = None) -> Paragraph:
        p = doc.add_paragraph(style=style)
        p.alignment = align
        if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
            p.paragraph_format.first_line_indent = Cm(1.0)
        if before:
            p.paragraph_format.space_before = Pt(before)
        lay.run(p, text, size, bold, italic, FONT)
        return p

    def heading(text: str, indent: bool = False) -> Paragraph:
        return para(text, bold=True, indent=indent, style=lay.HEADINGS[lay.heading_level(text) or 2])

    center = WD_ALIGN_PARAGRAPH.CENTER
    para("BÁO CÁO", bold=True, align=center, before=18).paragraph_format.keep_with_next = True
    para("Sơ kết 01 năm hoạt động của chính quyền cấp xã khi thực hiện chính quyền địa phương 02 cấp "
         "trên địa bàn {{ loai_don_vi }} {{ ten_xa }}", bold=True, align=center)
    para("{{ dau_minh_hoa }}", bold=True, align=center, size=13)
    para("Thực hiện {{ ke_hoach }}; Ủy ban nhân dân {{ loai_don_vi }} {{ ten_xa }} báo cáo kết quả sơ kết 01 năm hoạt động "
         "của chính quyền cấp xã (từ ngày {{ ngay_bat_dau }} đến ngày {{ ngay_chot }}) như sau:", before=12)
    heading("I. KHÁI QUÁT CHUNG")
    para("Sau 01 năm thực hiện chính quyền địa phương 02 cấp, Ủy ban nhân dân {{ loai_don_vi }} {{ ten_xa }}, {{ tinh }} đã "
         "tổ chức sơ kết theo Kế hoạch; {{ co_quan_thuong_truc }} là cơ quan thường trực tổng hợp báo cáo. "
         "{{ tinh_hinh_so_lieu }}")
    heading("II. KẾT QUẢ THỰC HIỆN")
    for s in SECTIONS:
        heading(s.heading, indent=s.key != "III")
        para("{{ " + s.block + " }}", indent=False)
    para("Trên đây là báo cáo sơ kết 01 năm hoạt động của chính quyền cấp xã khi thực hiện chính quyền địa "
         "phương 02 cấp trên địa bàn {{ loai_don_vi }} {{ ten_xa }}./.").paragraph_format.keep_with_next = True

    sign = doc.add_table(rows=1, cols=2)
    lay.borders(sign, visible=False)
    lay.widths(sign, [Cm(7.5), Cm(9.0)])
    lay.keep_row(sign.rows[0])
    left, right = sign.rows[0].cells
    lay.cell_lines(left, [("Nơi nhận:", 12, True, True), ("- UBND thành phố;", 11, False, False),
                          ("- Sở Nội vụ;", 11, False, False), ("- TT: ĐU, HĐND {{ loai_don_vi }};", 11, False, False),
                          ("- Lãnh đạo UBND {{ loai_don_vi }};", 11, False, False),
                          ("- Các cơ quan, đơn vị thuộc UBND {{ loai_don_vi }};", 11, False, False),
                          ("- Lưu: VT, VHXH.", 11, False, False)], align=WD_ALIGN_PARAGRAPH.LEFT)
    lay.cell_lines(right, [("{{ nguoi_ky_tm }}", 13, True, False), ("{{ nguoi_ky_kt }}", 13, True, False),
                           ("{{ nguoi_ky_chuc_vu }}", 13, True, False), ("", 13, False, False), ("", 13, False, False),
                           ("", 13, False, False), ("{{ nguoi_ky_ten }}", 14, True, False)])
    para("{{ phu_luc }}", indent=False)  # starts a new landscape section
    doc.core_properties.title = "Mẫu báo cáo sơ kết 01 năm chính quyền cấp xã"
    doc.core_properties.author = "pipeline"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(write_default_template())

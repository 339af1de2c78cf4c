"""Every valid placeholder of the report's Word template: the general ones, each section's inline
values, and the blocks; the README table is generated from them."""

from __future__ import annotations

from datetime import date

from pipeline.core import vn
from pipeline.core.layout import DEMO_MARK
from pipeline.outputs.indicators import Results
from pipeline.outputs.report import city as city_text
from pipeline.outputs.report.sections import SECTIONS

GENERAL: dict[str, str] = {
    "ten_xa": "Tên đơn vị, không kèm chữ xã, phường, đặc khu (An Thành)",
    "ten_xa_hoa": "Tên đơn vị viết hoa (AN THÀNH)",
    "loai_don_vi": "Loại đơn vị theo cấu hình: xã, phường hoặc đặc khu",
    "loai_don_vi_hoa": "Loại đơn vị viết hoa (XÃ, PHƯỜNG, ĐẶC KHU)",
    "tinh": "Tỉnh, thành phố trực thuộc Trung ương",
    "thuoc_tinh": "«, thành phố Hải Phòng» sau tên xã, phường, đặc khu; để trống trong báo cáo của thành phố, tỉnh",
    "noi_nhan_cap_tren": "Nơi nhận cấp trên: UBND tỉnh, thành phố (báo cáo cấp xã) hoặc Bộ Nội vụ (báo cáo của thành phố, tỉnh)",
    "noi_nhan_noi_vu": "Nơi nhận thứ hai: Sở Nội vụ (cấp xã) hoặc UBND các xã, phường, đặc khu (thành phố, tỉnh)",
    "cap_uy": "Cấp ủy cùng cấp viết tắt ở dòng nơi nhận: ĐU (Đảng ủy), Thành ủy hoặc Tỉnh ủy",
    "co_quan_thuoc": "Các cơ quan, đơn vị (cấp xã) hoặc Các sở, ban, ngành (thành phố, tỉnh) ở dòng nơi nhận",
    "ma_thuong_truc": "Mã cơ quan thường trực ở dòng «Lưu: VT, …» (VHXH)",
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


def _party(cfg) -> str:
    """The party committee of the same level, as the «Nơi nhận» line abbreviates it."""
    if not cfg.is_city:
        return "ĐU"
    return "Tỉnh ủy" if cfg.kind == "tỉnh" else "Thành ủy"


def general_values(results: Results, built: date) -> dict[str, str]:
    cfg = results.config
    sent = len(results.sources)
    missing = results.missing_all
    summary = (f"Số liệu trong báo cáo được tổng hợp từ {sent} biểu mẫu do các cơ quan, đơn vị gửi "
               f"(số liệu chốt đến ngày {vn.day(cfg.cutoff)}).")
    if missing:
        summary += " Chưa có số liệu của: " + "; ".join(f"{u.name} ({t.title.lower()})" for u, t in missing) + \
                   f"; các ô tương ứng được đánh dấu {vn.GAP}."
    else:
        summary += " Tất cả các cơ quan, đơn vị đã gửi đủ biểu số liệu."
    if getattr(results, "city", None) is not None:
        summary = city_text.summary(results)
    if results.demo:
        summary += f" Lưu ý: báo cáo đang dùng {DEMO_MARK}, không dùng để ban hành."
    return {
        "ten_xa": cfg.commune,
        "ten_xa_hoa": cfg.commune.upper(),
        "loai_don_vi": cfg.kind,
        "loai_don_vi_hoa": cfg.kind.upper(),
        "tinh": cfg.province,
        "thuoc_tinh": "" if cfg.is_city else f", {cfg.province}",
        "noi_nhan_cap_tren": "Bộ Nội vụ" if cfg.is_city else f"UBND {cfg.province}",
        "noi_nhan_noi_vu": "UBND các xã, phường, đặc khu" if cfg.is_city else "Sở Nội vụ",
        "cap_uy": _party(cfg),
        "co_quan_thuoc": "Các sở, ban, ngành" if cfg.is_city else "Các cơ quan, đơn vị",
        "ma_thuong_truc": cfg.standing_unit,
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

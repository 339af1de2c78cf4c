"""II.8: archive documents sorted and digitised (text: section.vi.j2)."""

from pipeline.core import kit

HEADING = "8. Số hóa, chỉnh lý tài liệu lưu trữ"
PLACEHOLDERS = {
    "lt_tong_met_gia": "Tổng tài liệu giấy của các phông (mét giá)",
    "lt_ty_le_chinh_ly": "Tỷ lệ tài liệu đã chỉnh lý hoàn chỉnh (%)",
    "lt_trang_so_hoa": "Số trang tài liệu đã số hóa",
    "lt_ty_le_so_hoa": "Số trang đã số hóa so với kế hoạch (%)",
}


def values(results, env) -> kit.Figures:
    t = results.tables["so_hoa_theo_phong"]
    total = t.row("Cộng")
    v = {
        "lt_tong_met_gia": kit.num(t, total, "tong_met_gia", 1),
        "lt_ty_le_chinh_ly": kit.pct(t, total, "ty_le_chinh_ly"),
        "lt_trang_so_hoa": kit.num(t, total, "trang_so_hoa"),
        "lt_ty_le_so_hoa": kit.pct(t, total, "ty_le_so_hoa"),
        # why a figure of all fonds is unknown: the «Cộng» row's note (the figures and the unit named)
        "lt_ly_do": kit.why(t, total) if total is not None and t.value(total, "ghi_chu") else "",
        "thieu_so_lieu": kit.missing_sentence(t),
    }
    cols = ["phong", "tong_met_gia", "ty_le_chinh_ly", "trang_so_hoa", "trang_ke_hoach", "ty_le_so_hoa", "ghi_chu"]
    return kit.Figures(v, [kit.TableBlock(t, cols, caption=t.query.title)],
                       [("so_hoa_theo_phong", "Tiến độ số hóa tài liệu lưu trữ theo phông")])

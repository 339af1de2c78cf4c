"""Số hóa: archives and digitisation by fonds (plan II.8), national archive statistics.

Figures are taken as the commune holds them (issue 22): the last row, «Toàn {don_vi}», holds the
figures of all fonds together when the commune publishes only those («đã chỉnh lý 120 mét giá, số
hóa 50.000 trang»); a fonds' row holds its own where known. No figure is required: a blank is
unknown (never 0) and every indicator needing it says so; an entirely blank sheet is refused.
"""

from pipeline.core.model import Change, Field, Revision, Rule, Sheet, Template, fill

WHOLE = "Toàn {don_vi}"  # the last fixed row: every fonds together (the SQL finds it as «Toàn …»)
SORTED = ("chinh_ly_hoan_chinh", "chinh_ly_so_bo", "chua_chinh_ly")


def _f(key: str, label: str, type_: str = "int", unit: str = "", help: str = "") -> Field:
    return Field(key, label, type_, unit=unit, help=help, required=False)


fonds = Sheet(
    key="phong",
    name="Lưu trữ",
    title="Chỉnh lý, số hóa và khai thác tài liệu lưu trữ theo phông",
    keys=(Field("phong", "Phông lưu trữ", "text", help="Đã in sẵn theo cấu hình của {don_vi}; dòng cuối «Toàn "
                "{don_vi}» là số của tất cả các phông.", width=36),),
    fields=(
        _f("tong_met_gia", "Tổng tài liệu giấy", "number", "mét giá", "Tổng khối lượng tài liệu giấy của phông."),
        _f("chinh_ly_hoan_chinh", "Đã chỉnh lý hoàn chỉnh", "number", "mét giá"),
        _f("chinh_ly_so_bo", "Đã chỉnh lý sơ bộ", "number", "mét giá"),
        _f("chua_chinh_ly", "Chưa chỉnh lý", "number", "mét giá"),
        _f("ho_so_lap_muc_luc", "Hồ sơ đã lập mục lục", unit="hồ sơ"),
        _f("trang_so_hoa", "Đã số hóa", unit="trang", help="Số trang tài liệu đã số hóa đến ngày chốt."),
        _f("trang_ke_hoach", "Kế hoạch số hóa", unit="trang", help="Số trang phải số hóa theo kế hoạch."),
        _f("ho_so_tthc_so_hoa", "Hồ sơ TTHC đã số hóa", unit="hồ sơ"),
        _f("khai_thac_truc_tiep", "Lượt khai thác tại phòng đọc", unit="lượt"),
        _f("khai_thac_truc_tuyen", "Lượt khai thác trực tuyến", unit="lượt"),
    ),
    rules=(
        Rule("tong_met_gia", ">=", " + ".join(SORTED),
             "Tổng đã chỉnh lý hoàn chỉnh, chỉnh lý sơ bộ và chưa chỉnh lý vượt tổng tài liệu {gap} mét giá: kiểm "
             "tra lại.", partial=SORTED),
        Rule("tong_met_gia", "<=", " + ".join(SORTED),
             "Đã chỉnh lý hoàn chỉnh + chỉnh lý sơ bộ + chưa chỉnh lý thấp hơn tổng tài liệu {gap} mét giá: kiểm "
             "tra lại, hoặc để trống ô chưa có số liệu.", "warning"),
        Rule("trang_so_hoa", "<=", "trang_ke_hoach",
             "Số trang đã số hóa vượt kế hoạch: kiểm tra lại số liệu.", "warning"),
    ),
    rows=lambda cfg: [(name,) for name in cfg.fonds] + [(fill(WHOLE, cfg),)],
    blank_rows=True,
    blank_rows_expected=True,
    needs_figures=True,
    note=lambda cfg: (f"Có số của tất cả các phông mà chưa có số từng phông thì điền dòng cuối «{fill(WHOLE, cfg)}», "
                      "để trống các dòng khác; ô chưa có số liệu để trống (không ghi 0)"),
)

TEMPLATE = Template(
    id="so_hoa",
    file_name="Bieu_so_hoa_luu_tru",
    version=2,
    title="Biểu số liệu chỉnh lý, số hóa tài liệu lưu trữ",
    section="II.8",
    owner="VP",
    purpose="Khối lượng, tiến độ chỉnh lý, số hóa và khai thác tài liệu lưu trữ của từng phông "
            "(mỗi đơn vị hành chính cũ được sắp xếp và {don_vi} mới).",
    sheets=(fonds,),
    history=(Revision(2, (Change("row_added", "phong", key=WHOLE),)),),
)

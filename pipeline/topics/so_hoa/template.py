"""Số hóa: archives and digitisation by fonds (plan II.8), national archive statistics."""

from pipeline.core.model import Field, Rule, Sheet, Template

fonds = Sheet(
    key="phong",
    name="Lưu trữ",
    title="Chỉnh lý, số hóa và khai thác tài liệu lưu trữ theo phông",
    keys=(Field("phong", "Phông lưu trữ", "text", help="Đã in sẵn theo cấu hình của {don_vi}.", width=36),),
    fields=(
        Field("tong_met_gia", "Tổng tài liệu giấy", "number", unit="mét giá",
              help="Tổng khối lượng tài liệu giấy của phông."),
        Field("chinh_ly_hoan_chinh", "Đã chỉnh lý hoàn chỉnh", "number", unit="mét giá"),
        Field("chinh_ly_so_bo", "Đã chỉnh lý sơ bộ", "number", unit="mét giá"),
        Field("chua_chinh_ly", "Chưa chỉnh lý", "number", unit="mét giá"),
        Field("ho_so_lap_muc_luc", "Hồ sơ đã lập mục lục", unit="hồ sơ"),
        Field("trang_so_hoa", "Đã số hóa", unit="trang", help="Số trang tài liệu đã số hóa đến ngày chốt."),
        Field("trang_ke_hoach", "Kế hoạch số hóa", unit="trang", help="Số trang phải số hóa theo kế hoạch."),
        Field("ho_so_tthc_so_hoa", "Hồ sơ TTHC đã số hóa", unit="hồ sơ"),
        Field("khai_thac_truc_tiep", "Lượt khai thác tại phòng đọc", unit="lượt"),
        Field("khai_thac_truc_tuyen", "Lượt khai thác trực tuyến", unit="lượt"),
    ),
    rules=(
        Rule("tong_met_gia", "==", "chinh_ly_hoan_chinh + chinh_ly_so_bo + chua_chinh_ly",
             "Tổng tài liệu phải bằng đã chỉnh lý hoàn chỉnh + chỉnh lý sơ bộ + chưa chỉnh lý."),
        Rule("trang_so_hoa", "<=", "trang_ke_hoach",
             "Số trang đã số hóa vượt kế hoạch: kiểm tra lại số liệu.", "warning"),
    ),
    rows=lambda cfg: [(name,) for name in cfg.fonds],
)

TEMPLATE = Template(
    id="so_hoa",
    file_name="Bieu_so_hoa_luu_tru",
    version=1,
    title="Biểu số liệu chỉnh lý, số hóa tài liệu lưu trữ",
    section="II.8",
    owner="VP",
    purpose="Khối lượng, tiến độ chỉnh lý, số hóa và khai thác tài liệu lưu trữ của từng phông "
            "(mỗi đơn vị hành chính cũ được sắp xếp và {don_vi} mới).",
    sheets=(fonds,),
)

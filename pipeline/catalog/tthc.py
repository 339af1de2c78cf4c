"""TTHC: administrative procedures (plan II.4), columns of Biểu số II.06a/VPCP/KSTT."""

from pipeline.catalog import Field, Rule, Sheet, Template

FIELDS_OF_WORK = (
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Đăng ký kinh doanh, hộ kinh doanh",
    "Lao động – Người có công – Xã hội",
    "Tư pháp khác",
    "Văn hoá – Thể thao",
    "Y tế",
    "Khác",
)

HS = "hồ sơ"

dossiers = Sheet(
    key="ho_so",
    name="TTHC",
    title="Tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo tháng và lĩnh vực",
    keys=(
        Field("thang", "Tháng", "text", help="Tháng báo cáo (MM/YYYY), đã in sẵn.", width=10),
        Field("linh_vuc", "Lĩnh vực", "choice", choices=FIELDS_OF_WORK,
              help="Lĩnh vực thủ tục hành chính, đã in sẵn.", width=30),
    ),
    fields=(
        Field("nhan_tong", "Tiếp nhận – Tổng số", unit=HS,
              help="Tổng số hồ sơ: trực tuyến + trực tiếp, bưu chính + kỳ trước chuyển sang."),
        Field("nhan_truc_tuyen", "Tiếp nhận trong kỳ – Trực tuyến", unit=HS,
              help="Hồ sơ nộp trực tuyến qua Cổng Dịch vụ công trong tháng."),
        Field("nhan_truc_tiep", "Tiếp nhận trong kỳ – Trực tiếp và bưu chính công ích", unit=HS,
              help="Hồ sơ nộp tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích trong tháng."),
        Field("nhan_ky_truoc", "Tiếp nhận – Kỳ trước chuyển sang", unit=HS,
              help="Hồ sơ chưa giải quyết xong ở tháng trước chuyển sang."),
        Field("giai_quyet_tong", "Đã giải quyết – Tổng số", unit=HS,
              help="Hồ sơ đã giải quyết trong tháng (kể cả rút, trả lại)."),
        Field("giai_quyet_truoc_han", "Đã giải quyết – Trước hạn", unit=HS),
        Field("giai_quyet_dung_han", "Đã giải quyết – Đúng hạn", unit=HS,
              help="Kể cả hồ sơ rút, trả lại (như Biểu II.06a tính)."),
        Field("giai_quyet_qua_han", "Đã giải quyết – Quá hạn", unit=HS),
        Field("dang_tong", "Đang giải quyết – Tổng số", unit=HS),
        Field("dang_trong_han", "Đang giải quyết – Trong hạn", unit=HS),
        Field("dang_qua_han", "Đang giải quyết – Quá hạn", unit=HS),
        Field("rut_tra_lai", "Rút hồ sơ, trả lại", unit=HS,
              help="Hồ sơ công dân rút hoặc trả lại; đã tính vào cột Đúng hạn."),
        Field("so_hoa", "Hồ sơ được số hoá", unit=HS,
              help="Hồ sơ tiếp nhận trong tháng đã được số hoá thành phần hồ sơ, kết quả."),
        Field("co_phi", "Hồ sơ có phí, lệ phí", unit=HS),
        Field("thanh_toan_truc_tuyen", "Trong đó: thanh toán trực tuyến", unit=HS),
        Field("luot_danh_gia", "Lượt đánh giá mức độ hài lòng", unit="lượt"),
        Field("khong_hai_long", "Trong đó: không hài lòng", unit="lượt"),
    ),
    rules=(
        Rule("nhan_tong", "==", "nhan_truc_tuyen + nhan_truc_tiep + nhan_ky_truoc",
             "Tổng số tiếp nhận phải bằng trực tuyến + trực tiếp, bưu chính + kỳ trước chuyển sang."),
        Rule("giai_quyet_tong", "==", "giai_quyet_truoc_han + giai_quyet_dung_han + giai_quyet_qua_han",
             "Tổng số đã giải quyết phải bằng trước hạn + đúng hạn + quá hạn."),
        Rule("dang_tong", "==", "dang_trong_han + dang_qua_han",
             "Tổng số đang giải quyết phải bằng trong hạn + quá hạn."),
        Rule("giai_quyet_tong + dang_tong", "==", "nhan_tong",
             "Đã giải quyết + đang giải quyết phải bằng tổng số tiếp nhận."),
        Rule("rut_tra_lai", "<=", "giai_quyet_dung_han",
             "Hồ sơ rút, trả lại được tính là giải quyết đúng hạn nên không thể lớn hơn số đúng hạn."),
        Rule("so_hoa", "<=", "nhan_tong", "Số hồ sơ số hoá không thể lớn hơn tổng số tiếp nhận."),
        Rule("co_phi", "<=", "nhan_tong", "Số hồ sơ có phí, lệ phí không thể lớn hơn tổng số tiếp nhận."),
        Rule("thanh_toan_truc_tuyen", "<=", "co_phi",
             "Số hồ sơ thanh toán trực tuyến không thể lớn hơn số hồ sơ có phí, lệ phí."),
        Rule("khong_hai_long", "<=", "luot_danh_gia",
             "Số lượt không hài lòng không thể lớn hơn tổng lượt đánh giá."),
        Rule("luot_danh_gia", "<=", "giai_quyet_tong",
             "Số lượt đánh giá lớn hơn số hồ sơ đã giải quyết: kiểm tra lại.", "warning"),
    ),
    rows=lambda cfg: [(f"{m:%m/%Y}", f) for m in cfg.months for f in FIELDS_OF_WORK],
)

procedures = Sheet(
    key="danh_muc",
    name="Danh mục TTHC",
    title="Danh mục thủ tục hành chính và dịch vụ công trực tuyến (chỉ số theo Quyết định 766/QĐ-TTg)",
    keys=(),
    fields=(
        Field("tthc_tong", "Số TTHC thuộc thẩm quyền cấp xã", unit="thủ tục", width=16),
        Field("tthc_cau_hinh", "Số TTHC đã cấu hình trên Hệ thống giải quyết TTHC", unit="thủ tục", width=16),
        Field("dvc_mot_phan", "Số TTHC có dịch vụ công trực tuyến một phần", unit="thủ tục", width=16),
        Field("dvc_toan_trinh", "Số TTHC có dịch vụ công trực tuyến toàn trình", unit="thủ tục", width=16),
        Field("tthc_thanh_toan", "Số TTHC có thanh toán trực tuyến", unit="thủ tục", width=16),
    ),
    rules=(
        Rule("tthc_cau_hinh", "<=", "tthc_tong", "Số TTHC đã cấu hình không thể lớn hơn tổng số TTHC."),
        Rule("dvc_mot_phan + dvc_toan_trinh", "<=", "tthc_tong",
             "Số TTHC có dịch vụ công trực tuyến (một phần + toàn trình) không thể lớn hơn tổng số TTHC."),
        Rule("tthc_thanh_toan", "<=", "tthc_tong",
             "Số TTHC có thanh toán trực tuyến không thể lớn hơn tổng số TTHC."),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="tthc",
    version=1,
    title="Biểu số liệu thủ tục hành chính",
    section="II.4",
    owner="TTPVHCC",
    purpose="Số liệu tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo tháng, lĩnh vực và danh mục "
            "dịch vụ công trực tuyến, có thể chép từ Biểu II.06a/VPCP/KSTT của Hệ thống thông tin giải quyết TTHC.",
    sheets=(dossiers, procedures),
)

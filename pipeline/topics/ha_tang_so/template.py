"""Hạ tầng số: IT equipment, connectivity, digital signatures and skills, shared data and
online processing (plan II.7)."""

from pipeline.core.chart_model import Short
from pipeline.core.model import CrossCheck, Field, Measure, Rule, Sheet, Template

# The equipment kinds, printed in this order: (name in the report's placeholders, label in the
# template; Short(name, short): the short name the equipment chart prints).
EQUIPMENT_KINDS = (
    ("may_chu", "Máy chủ"),
    ("may_tram", Short("Máy trạm (máy tính để bàn)", "Máy trạm")),
    ("may_xach_tay", "Máy tính xách tay"),
    ("may_quet", Short("Máy quét (scan)", "Máy quét")),
    ("thiet_bi_mang", Short("Thiết bị mạng (bộ chuyển mạch, định tuyến, tường lửa, phát wifi)", "Thiết bị mạng")),
    ("thiet_bi_hop", Short("Thiết bị họp trực tuyến (bộ)", "Thiết bị họp\ntrực tuyến")),
)
EQUIPMENT = tuple(label for _, label in EQUIPMENT_KINDS)
C = "cái, bộ"

equipment = Sheet(
    key="thiet_bi",
    name="Thiết bị",
    title="Trang thiết bị công nghệ thông tin của Ủy ban nhân dân và các cơ quan, đơn vị trực thuộc",
    keys=(Field("loai_thiet_bi", "Loại thiết bị", "text", help="Đã in sẵn.", width=40),),
    fields=(
        Field("dang_su_dung", "Đang sử dụng", unit=C, width=12,
              help="Số thiết bị đang sử dụng tại ngày chốt số liệu; chưa có số của loại nào thì để trống cả dòng.",
              need="câu đầu của mục II.7 nêu số thiết bị đang sử dụng; các số «Trong đó» của dòng so với số này"),
        Field("dap_ung", "Trong đó: đáp ứng yêu cầu", unit=C, width=13, required=False,
              help="Thiết bị còn đáp ứng yêu cầu công việc (cấu hình, thời gian sử dụng, bản quyền)."),
        Field("trang_bi_moi", "Trong đó: trang bị mới trong kỳ", unit=C, width=13, required=False,
              help="Thiết bị được trang bị từ ngày bắt đầu kỳ báo cáo."),
        Field("can_bo_sung", "Cần trang bị bổ sung, thay thế", unit=C, width=13, required=False),
    ),
    rules=(
        Rule("dap_ung", "<=", "dang_su_dung",
             "Số thiết bị đáp ứng yêu cầu không thể lớn hơn số đang sử dụng."),
        Rule("trang_bi_moi", "<=", "dang_su_dung",
             "Số thiết bị trang bị mới lớn hơn số đang sử dụng: kiểm tra lại.", "warning"),
    ),
    rows=lambda cfg: [(str(kind),) for kind in EQUIPMENT],
    blank_rows=True,  # a kind the unit holds no count for: unknown (and the total with it)
)

indicators = Sheet(
    key="chi_so",
    name="Chỉ số",
    title="Kết nối, chữ ký số, kỹ năng số, dữ liệu dùng chung và xử lý hồ sơ trực tuyến",
    keys=(),
    fields=(
        Field("bang_thong", "Băng thông Internet", "number", required=False, unit="Mbps", width=11,
              help="Tổng băng thông đường truyền Internet của trụ sở UBND {don_vi}."),
        Field("mang_cpdc", "Điểm kết nối mạng truyền số liệu chuyên dùng", required=False, unit="điểm", width=14),
        Field("can_bo_tong", "Tổng số cán bộ, công chức, viên chức", required=False, unit="người", width=12),
        Field("chu_ky_so", "Trong đó: có chữ ký số", required=False, unit="người", width=12),
        Field("dao_tao_ky_nang_so", "Trong đó: được đào tạo, bồi dưỡng kỹ năng số", required=False, unit="người", width=14),
        Field("csdl_dung_chung", "Cơ sở dữ liệu dùng chung đang khai thác", required=False, unit="cơ sở dữ liệu", width=13,
              help="Cơ sở dữ liệu quốc gia, chuyên ngành, của thành phố mà {don_vi} được khai thác, cập nhật."),
        Field("ho_so_truc_tuyen", "Hồ sơ TTHC tiếp nhận trực tuyến trong kỳ", required=False, unit="hồ sơ", width=14,
              help="Theo Hệ thống thông tin giải quyết TTHC, từ ngày bắt đầu kỳ báo cáo đến ngày chốt; "
                   "phải khớp với biểu TTHC."),
        Field("ho_so_toan_trinh", "Trong đó: xử lý trực tuyến toàn trình", required=False, unit="hồ sơ", width=14),
    ),
    rules=(
        Rule("chu_ky_so", "<=", "can_bo_tong", "Số người có chữ ký số không thể lớn hơn tổng số cán bộ."),
        Rule("dao_tao_ky_nang_so", "<=", "can_bo_tong",
             "Số người được đào tạo kỹ năng số không thể lớn hơn tổng số cán bộ."),
        Rule("ho_so_toan_trinh", "<=", "ho_so_truc_tuyen",
             "Số hồ sơ xử lý toàn trình không thể lớn hơn số hồ sơ tiếp nhận trực tuyến."),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="ha_tang_so",
    file_name="Bieu_ha_tang_so",
    version=1,
    title="Biểu số liệu hạ tầng công nghệ thông tin và chuyển đổi số",
    section="II.7",
    owner="VP",
    purpose="Trang thiết bị công nghệ thông tin theo loại, băng thông, chữ ký số, kỹ năng số của cán bộ, "
            "dữ liệu dùng chung và hồ sơ thủ tục hành chính xử lý trực tuyến.",
    sheets=(equipment, indicators),
    notes=("Văn phòng HĐND và UBND {don_vi} chủ trì, Phòng Văn hóa – Xã hội {don_vi} phối hợp cung cấp số liệu.",),
)

CROSS_CHECKS = (
    CrossCheck(
        Measure("ha_tang_so", "chi_so", "ho_so_truc_tuyen"), "==",
        Measure("tthc", "ho_so", "nhan_truc_tuyen"),
        "Số hồ sơ tiếp nhận trực tuyến ở biểu hạ tầng số khác tổng cột «Tiếp nhận trong kỳ – Trực tuyến» "
        "của biểu TTHC quá 2%: hai đơn vị đối chiếu lại với Hệ thống thông tin giải quyết TTHC.",
        tolerance=0.02,
        key="ho_so_truc_tuyen",
    ),
    CrossCheck(
        Measure("ha_tang_so", "chi_so", "can_bo_tong"), "==",
        Measure("nhan_su", "can_bo", "can_bo + cong_chuc + vien_chuc"),
        "Tổng số cán bộ, công chức, viên chức ở biểu hạ tầng số khác biểu nhân sự quá 5%: "
        "đối chiếu lại với đơn vị gửi biểu nhân sự.",
        tolerance=0.05,
    ),
)

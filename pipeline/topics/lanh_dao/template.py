"""Lãnh đạo, chỉ đạo: documents issued since the start of the period, inspections and
conferences (plan II.1)."""

from pipeline.core.model import Change, Field, Revision, Rule, Sheet, Template, fill

# Issuers, with the unit's kind filled in from the configuration (catalog.fill): "UBND phường".
HDND = "HĐND {don_vi}"
TT_HDND = "Thường trực HĐND {don_vi}"
UBND = "UBND {don_vi}"
CT_UBND = "Chủ tịch UBND {don_vi}"
UNITS = "Các cơ quan, đơn vị thuộc UBND {don_vi}"

# The kinds each issuer may issue (Luật Ban hành văn bản quy phạm pháp luật 2025, Nghị định
# 30/2020/NĐ-CP on administrative documents); one fixed row per pair.
ISSUED = (
    (HDND, "Nghị quyết"),
    (TT_HDND, "Kế hoạch"),
    (TT_HDND, "Thông báo, kết luận"),
    (TT_HDND, "Báo cáo"),
    (TT_HDND, "Công văn"),
    (UBND, "Quyết định"),
    (UBND, "Kế hoạch"),
    (UBND, "Báo cáo"),
    (UBND, "Tờ trình"),
    (UBND, "Công văn"),
    (UBND, "Văn bản khác"),
    (CT_UBND, "Quyết định"),
    (CT_UBND, "Chỉ thị"),
    (CT_UBND, "Công văn, công điện"),
    (CT_UBND, "Thông báo kết luận"),
    (UNITS, "Kế hoạch"),
    (UNITS, "Báo cáo"),
    (UNITS, "Công văn"),
    (UNITS, "Văn bản khác"),
)
QPPL_ROWS = ((HDND, "Nghị quyết"), (UBND, "Quyết định"))  # kinds that can be legal normative documents

VB = "văn bản"

documents = Sheet(
    key="van_ban",
    name="Văn bản",
    title="Văn bản lãnh đạo, chỉ đạo, điều hành ban hành từ ngày bắt đầu kỳ báo cáo",
    keys=(
        Field("co_quan", "Cơ quan, người ban hành", "text", help="Đã in sẵn.", width=30),
        Field("loai_van_ban", "Loại văn bản", "text", help="Đã in sẵn.", width=24),
    ),
    fields=(
        Field("tong_so", "Tổng số đã ban hành", unit=VB, width=14,
              help="Số văn bản đã ban hành từ ngày bắt đầu kỳ báo cáo đến ngày chốt số liệu. "
                   "Không phát sinh thì gõ 0; chưa có số của loại văn bản nào thì để trống cả dòng.",
              need="mục II.1 nêu tổng số văn bản đã ban hành; các số «Trong đó» của dòng đều so với số này"),
        Field("qppl", "Trong đó: văn bản quy phạm pháp luật", unit=VB, width=16, required=False,
              help="Chỉ điền ở dòng Nghị quyết của HĐND {don_vi} và Quyết định của UBND {don_vi}; "
                   "các dòng khác để trống."),
        Field("chi_dao_02_cap", "Trong đó: về tổ chức, hoạt động của chính quyền 02 cấp", unit=VB, width=18,
              required=False,
              help="Văn bản triển khai chủ trương, quy định của Trung ương, thành phố về chính quyền "
                   "địa phương 02 cấp."),
        Field("ky_so", "Trong đó: ban hành điện tử có chữ ký số", unit=VB, width=16, required=False,
              help="Văn bản phát hành qua hệ thống quản lý văn bản và điều hành, có chữ ký số."),
    ),
    rules=(
        Rule("qppl", "<=", "tong_so", "Số văn bản quy phạm pháp luật không thể lớn hơn tổng số văn bản."),
        Rule("chi_dao_02_cap", "<=", "tong_so",
             "Số văn bản về chính quyền 02 cấp không thể lớn hơn tổng số văn bản."),
        Rule("ky_so", "<=", "tong_so", "Số văn bản có chữ ký số không thể lớn hơn tổng số văn bản."),
    ),
    rows=lambda cfg: [(fill(issuer, cfg), kind) for issuer, kind in ISSUED],
    blank_rows=True,  # a kind the unit holds no count for: unknown (its issuer's and the grand total too)
)

activities = Sheet(
    key="hoat_dong",
    name="Kiểm tra, hội nghị",
    title="Kiểm tra, giám sát và quán triệt, tuyên truyền về mô hình chính quyền địa phương 02 cấp",
    keys=(),
    fields=(
        Field("giam_sat_hdnd", "Cuộc giám sát của HĐND, Thường trực HĐND", unit="cuộc", width=15, required=False),
        Field("kiem_tra_ubnd", "Cuộc kiểm tra, đôn đốc của UBND, Chủ tịch UBND", unit="cuộc", width=15, required=False),
        Field("kien_nghi", "Kiến nghị sau kiểm tra, giám sát", required=False, unit="kiến nghị", width=15),
        Field("kien_nghi_da_xu_ly", "Trong đó: đã xử lý xong", required=False, unit="kiến nghị", width=15),
        Field("hoi_nghi", "Hội nghị quán triệt, triển khai mô hình chính quyền 02 cấp", unit="hội nghị", width=17,
              required=False,
              help="Hội nghị, lớp quán triệt, tập huấn, triển khai do {don_vi} tổ chức."),
        Field("luot_tham_du", "Lượt người tham dự hội nghị", required=False, unit="lượt người", width=15),
        Field("tin_bai", "Tin, bài tuyên truyền về chính quyền 02 cấp", required=False, unit="tin, bài", width=15,
              help="Trên Trang thông tin điện tử, hệ thống truyền thanh, mạng xã hội của {don_vi}."),
    ),
    rules=(
        Rule("kien_nghi_da_xu_ly", "<=", "kien_nghi",
             "Số kiến nghị đã xử lý xong không thể lớn hơn tổng số kiến nghị."),
        Rule("hoi_nghi", "<=", "luot_tham_du",
             "Có hội nghị thì phải có người tham dự: số lượt tham dự không thể nhỏ hơn số hội nghị."),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="lanh_dao",
    file_name="Bieu_lanh_dao_chi_dao",
    version=2,  # 2: the activity headers no longer name the kind of unit (xã / phường / đặc khu)
    title="Biểu số liệu lãnh đạo, chỉ đạo, điều hành",
    section="II.1",
    owner="VP",
    purpose="Số văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành theo loại và cơ quan ban hành; số cuộc "
            "kiểm tra, giám sát và hội nghị quán triệt về mô hình chính quyền địa phương 02 cấp.",
    sheets=(documents, activities),
    notes=("Văn phòng HĐND và UBND {don_vi} tổng hợp cả văn bản của các cơ quan, đơn vị thuộc UBND {don_vi}.",),
    history=(
        # v2: two activity headers lost «xã» (one template for communes, wards and special zones);
        # a v1 file is read by its old headers and carried over.
        Revision(2, (
            Change("relabelled", "hoat_dong", "giam_sat_hdnd", "Cuộc giám sát của HĐND, Thường trực HĐND xã"),
            Change("relabelled", "hoat_dong", "kiem_tra_ubnd", "Cuộc kiểm tra, đôn đốc của UBND, Chủ tịch UBND xã"),
        )),
    ),
)

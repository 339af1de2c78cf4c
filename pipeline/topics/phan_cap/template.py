"""Phân cấp, phân quyền, ủy quyền: one row per task the commune received (plan II.2)."""

from pipeline.core.model import Change, Field, Requirement, Revision, Rule, Sheet, Template

SOURCES = (
    "Quốc hội (luật, nghị quyết)",
    "Chính phủ, Thủ tướng Chính phủ",
    "Bộ, ngành Trung ương (qua thành phố)",
    "HĐND thành phố",
    "UBND, Chủ tịch UBND thành phố",
)
FIELDS_OF_WORK = (
    "Nội vụ",
    "Tư pháp",
    "Tài chính",
    "Nông nghiệp và môi trường",
    "Xây dựng",
    "Công Thương",
    "Văn hóa, thể thao và du lịch",
    "Giáo dục và đào tạo",
    "Y tế",
    "Khoa học, công nghệ và chuyển đổi số",
    "Dân tộc và tôn giáo",
    "Quốc phòng, an ninh",
    "Khác",
)
FORMS = ("Phân cấp", "Phân quyền", "Ủy quyền")
STATES = ("Thực hiện thuận lợi", "Có khó khăn, vướng mắc", "Chưa triển khai")
YES_NO = ("Có", "Không")
HAS_TASKS = "Có nhiệm vụ được phân cấp, phân quyền, ủy quyền trong kỳ"
OLD_NO_TASKS = "Không có nhiệm vụ nào được phân cấp, phân quyền, ủy quyền"  # version 1's label

tasks = Sheet(
    key="nhiem_vu",
    name="Nhiệm vụ",
    title="Danh sách nhiệm vụ, thẩm quyền được phân cấp, phân quyền, ủy quyền",
    keys=(
        Field("stt", "STT", "int", min=1, max=9999, width=6,
              help="Số thứ tự do đơn vị đánh (1, 2, 3 …), không trùng nhau. Mỗi dòng một nhiệm vụ."),
    ),
    fields=(
        Field("ten_nhiem_vu", "Tên nhiệm vụ, thẩm quyền", "text", max_length=300, width=40),
        Field("nguon", "Cơ quan phân cấp, phân quyền, ủy quyền", "choice", choices=SOURCES, width=22),
        Field("linh_vuc", "Lĩnh vực", "choice", choices=FIELDS_OF_WORK, width=20),
        Field("hinh_thuc", "Hình thức", "choice", choices=FORMS, width=12),
        Field("can_cu", "Căn cứ pháp lý", "text", max_length=250, width=30, required=False,
              help="Số, ký hiệu, ngày, trích yếu văn bản giao nhiệm vụ."),
        Field("so_tthc", "Số TTHC gắn với nhiệm vụ", unit="thủ tục", width=11, required=False,
              help="Số thủ tục hành chính {don_vi} giải quyết theo nhiệm vụ này; không có thì gõ 0, chưa rõ thì "
                   "để trống."),
        Field("tinh_trang", "Tình hình thực hiện", "choice", choices=STATES, width=18),
        Field("kho_khan", "Khó khăn, vướng mắc", "text", max_length=500, required=False, width=36,
              help="Bắt buộc khi nhiệm vụ có khó khăn, vướng mắc hoặc chưa triển khai (ghi rõ lý do)."),
        Field("de_xuat", "Đề xuất, kiến nghị", "text", max_length=500, required=False, width=36,
              help="Đề nghị cấp trên tháo gỡ, ban hành văn bản hướng dẫn (nếu có)."),
    ),
    rules=(
        Rule("so_tthc", "<=", "50", "Một nhiệm vụ gắn với trên 50 TTHC: kiểm tra lại số liệu.", "warning"),
    ),
    rows=None,
    max_rows=150,
    empty_flag="co_nhiem_vu",
    empty_when="Không",
    requires=(
        Requirement("tinh_trang", ("Có khó khăn, vướng mắc", "Chưa triển khai"), "kho_khan",
                    "Nhiệm vụ có khó khăn, vướng mắc hoặc chưa triển khai: hãy ghi rõ khó khăn, "
                    "vướng mắc (hoặc lý do chưa triển khai) ở cột «Khó khăn, vướng mắc»."),
    ),
)

summary = Sheet(
    key="tong_hop",
    name="Tổng hợp",
    title="Xác nhận danh sách và kiến nghị tháo gỡ",
    keys=(),
    fields=(
        Field("co_nhiem_vu", HAS_TASKS, "choice", choices=YES_NO, width=24,
              help="Chọn «Có» khi {don_vi} có nhiệm vụ được phân cấp, phân quyền, ủy quyền (kê ở trang "
                   "Nhiệm vụ); chọn «Không» chỉ khi không nhận nhiệm vụ nào (để trống trang Nhiệm vụ)."),
        Field("van_ban_kien_nghi", "Văn bản kiến nghị cấp trên tháo gỡ đã gửi", required=False, unit="văn bản", width=16),
        Field("van_ban_da_tra_loi", "Trong đó: đã được trả lời, hướng dẫn", required=False, unit="văn bản", width=16),
    ),
    rules=(
        Rule("van_ban_da_tra_loi", "<=", "van_ban_kien_nghi",
             "Số văn bản đã được trả lời không thể lớn hơn số văn bản kiến nghị đã gửi."),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="phan_cap",
    file_name="Bieu_phan_cap_phan_quyen",
    version=2,
    title="Biểu danh sách nhiệm vụ được phân cấp, phân quyền, ủy quyền",
    section="II.2",
    owner="VHXH",
    purpose="Mỗi dòng một nhiệm vụ, thẩm quyền {don_vi} nhận theo phân cấp, phân quyền, ủy quyền, phân định "
            "thẩm quyền: nguồn, lĩnh vực, hình thức, căn cứ, tình hình thực hiện, khó khăn và đề xuất.",
    sheets=(tasks, summary),
    notes=("Trang «Nhiệm vụ»: mỗi dòng một nhiệm vụ được phân cấp, phân quyền hoặc ủy quyền cho {don_vi}.",
           f"Danh sách để trống chỉ hợp lệ khi trang «Tổng hợp» chọn «Không» ở cột «{HAS_TASKS}».",),
    history=(
        # v2: the double negative «Không có nhiệm vụ nào …: Không» now reads positively; the answer
        # is inverted, so a v1 file's «Có» would mean the opposite: it is not carried over.
        Revision(2, (
            Change("redefined", "tong_hop", "co_nhiem_vu", OLD_NO_TASKS,
                   why="«Có» nghĩa là không nhận nhiệm vụ nào; nay «Có» nghĩa là có nhiệm vụ"),
            Change("renamed", "tong_hop", "co_nhiem_vu", "khong_phat_sinh"),
        )),
    ),
)

"""The units' own assessments (đánh giá, tham mưu báo cáo): each unit's results, shortcomings,
causes, lessons and tasks per plan section, and its proposals to each level (plan II.1–II.9, III).

Every unit fills this template. It holds one row per plan section II.1–II.8: a unit fills the
sections it leads (those its numeric templates feed) and may leave the others blank. No part of a
row is required (issue 22): a unit leading no section may send only its tasks ahead (in any row)
or only its proposals; a leading unit that gives no assessment part of its section is marked in
the report as still to send it (section.py).
"""

import dataclasses

from pipeline.core import vn
from pipeline.core.model import Field, Sheet, Template

MAX_TEXT = 4000  # characters of one assessment cell: about two pages of a report section

# The plan's sections a unit assesses (report order), with the wording of the report's headings.
SECTIONS = (
    ("II.1", "Công tác lãnh đạo, chỉ đạo, điều hành, tổ chức thực hiện"),
    ("II.2", "Thực hiện chức năng, nhiệm vụ và phân cấp, phân quyền, phân định thẩm quyền"),
    ("II.3", "Tổ chức bộ máy và nhân sự"),
    ("II.4", "Thủ tục hành chính"),
    ("II.5", "Bảo đảm nguồn lực tài chính hoạt động của chính quyền cấp xã"),
    ("II.6", "Cơ sở vật chất, hỗ trợ nhà ở, trang thiết bị, tài sản công"),
    ("II.7", "Hạ tầng công nghệ, chuyển đổi số"),
    ("II.8", "Số hóa, chỉnh lý tài liệu lưu trữ"),
)
LEVELS = ("Trung ương", "Tỉnh, thành phố", "Cấp xã")  # the level a proposal is addressed to, report order
OTHER_FIELD = "Khác"


def _text(key: str, label: str, help_: str, required: bool = False, width: int = 40,
          limit: int = MAX_TEXT) -> Field:
    return Field(key, label, "text", required=required, max_length=limit, width=width, multiline=True,
                 help=help_ + " Được xuống dòng (Alt+Enter); mỗi ý bắt đầu bằng dấu «- »; không dùng công thức.")


PARTS = (  # the parts of one section's assessment, in the report's order
    _text("ket_qua", "Kết quả nổi bật", "Những kết quả đạt được, nêu số liệu minh chứng."),
    _text("han_che", "Hạn chế, khó khăn", "Hạn chế, khó khăn, vướng mắc trong tổ chức thực hiện."),
    _text("nguyen_nhan_chu_quan", "Nguyên nhân chủ quan", "Nguyên nhân của hạn chế từ phía {don_vi}."),
    _text("nguyen_nhan_khach_quan", "Nguyên nhân khách quan", "Nguyên nhân của hạn chế từ bên ngoài."),
    _text("bai_hoc", "Bài học kinh nghiệm", "Bài học rút ra sau 01 năm."),
    _text("nhiem_vu", "Nhiệm vụ và giải pháp thời gian tới",
          "Nhiệm vụ, giải pháp trọng tâm thời gian tới (tổng hợp vào mục II.9 của báo cáo)."),
)

assessment = Sheet(
    key="danh_gia",
    name="Đánh giá",
    title="Đánh giá kết quả thực hiện theo từng nội dung của Kế hoạch",
    keys=(
        Field("muc", "Mục", "text", width=7),
        Field("noi_dung", "Nội dung của Kế hoạch", "text", width=28),
    ),
    fields=PARTS,
    rows=lambda cfg: list(SECTIONS),
    blank_rows=True,
    blank_rows_expected=True,
    note=lambda cfg: ("Điền các mục đơn vị chủ trì (mục của các biểu số liệu đơn vị phụ trách, ghi ở trang "
                      "Hướng dẫn của từng biểu); để trống cả dòng ở mục khác; ô để trống là chưa có nội dung"),
)

proposals = Sheet(
    key="kien_nghi",
    name="Kiến nghị",
    title="Kiến nghị, đề xuất với các cấp",
    keys=(Field("stt", "STT", "int", min=1, max=999, width=6,
                help="Số thứ tự do đơn vị đánh (1, 2, 3 …), không trùng nhau. Mỗi dòng một kiến nghị."),),
    fields=(
        Field("cap", "Cấp kiến nghị", "choice", choices=LEVELS, width=14,
              need="mục III của báo cáo xếp kiến nghị theo cấp",
              help="Cấp có thẩm quyền giải quyết kiến nghị."),
        Field("linh_vuc", "Nội dung của Kế hoạch", "choice", choices=tuple(t for _, t in SECTIONS) + (OTHER_FIELD,),
              width=28, need="phụ lục ghi kiến nghị theo nội dung của Kế hoạch; không thuộc nội dung nào thì chọn «Khác»", help="Kiến nghị thuộc nội dung nào của Kế hoạch."),
        dataclasses.replace(
            _text("kien_nghi", "Nội dung kiến nghị, đề xuất", "Ghi rõ vấn đề, văn bản cần sửa đổi và đề xuất cụ thể.",
                  required=True, width=60, limit=1500),
            need="mỗi dòng của danh sách là một kiến nghị; không có kiến nghị thì để trống cả trang"),
    ),
    rows=None,
    max_rows=50,
)

TEMPLATE = Template(
    id="danh_gia",
    file_name="Bieu_danh_gia_tham_muu",
    version=1,
    title="Biểu đánh giá, tham mưu báo cáo của đơn vị",
    section="II.1–II.9, III",
    owner="VHXH",
    purpose="Đơn vị đánh giá kết quả, hạn chế, nguyên nhân, bài học kinh nghiệm, nhiệm vụ và giải pháp ở các "
            "nội dung mình chủ trì, và nêu kiến nghị, đề xuất với từng cấp; cơ quan thường trực tổng hợp vào báo cáo.",
    sheets=(assessment, proposals),
    notes=("Trang «Đánh giá»: mỗi dòng một nội dung của Kế hoạch; điền các dòng đơn vị chủ trì, trước hết "
           "«Kết quả nổi bật», «Hạn chế, khó khăn» và «Nhiệm vụ và giải pháp thời gian tới». Đơn vị không chủ trì "
           "nội dung nào có thể chỉ điền «Nhiệm vụ và giải pháp thời gian tới» ở một dòng, hoặc chỉ điền trang "
           "«Kiến nghị».",
           f"Mỗi ô đánh giá tối đa {vn.number(MAX_TEXT)} ký tự" + "; được xuống dòng trong ô (Alt+Enter), mỗi ý "
           "một dòng bắt đầu bằng «- »; không dùng công thức.",
           f"Trang «Kiến nghị»: mỗi dòng một kiến nghị, chọn cấp kiến nghị ({', '.join(LEVELS)}); không có "
           "kiến nghị thì để trống."),
)

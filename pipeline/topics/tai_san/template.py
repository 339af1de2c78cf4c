"""Tài sản công: one row per asset (premises, land plot, vehicle, equipment group), surplus
premises after the merger in the Ministry of Finance's categories, meeting rooms and staff
support (plan II.6)."""

from pipeline.core.model import (
    Change,
    CrossCheck,
    Field,
    Measure,
    Requirement,
    Revision,
    Rule,
    Sheet,
    Template,
)

KINDS = (
    "Trụ sở làm việc (nhà và đất)",
    "Cơ sở nhà, đất khác",
    "Thửa đất chưa có công trình",
    "Xe ô tô, phương tiện",
    "Máy móc, thiết bị (theo nhóm)",
    "Tài sản khác",
)
PREMISES = KINDS[:3]  # counted as "cơ sở nhà, đất" in the summary
IN_USE, SURPLUS = "Đang sử dụng", "Dôi dư"
USES = (IN_USE, SURPLUS)
NOT_YET = "Chưa xử lý"
FORMS = (
    "Điều chuyển nội bộ",
    "Điều chuyển cho địa phương khác",
    "Giao cho địa phương quản lý, xử lý",
    "Hình thức khác",
    NOT_YET,
)
DONE, ONGOING = "Đã xử lý xong", "Đang xử lý"
STATES = (NOT_YET, ONGOING, DONE)
YES_NO = ("Có", "Không")
WITH_LIST = "Kèm danh sách từng tài sản"
HAS_ASSETS = "Có tài sản phải kê khai"  # version 2's label
OLD_NO_ASSETS = "Không có tài sản nào phải kê khai"  # version 1's label
M2, MONEY = "m²", "triệu đồng"

ASSET_KEYS = (
    Field("ma_tai_san", "Mã tài sản", "text", max_length=20, width=10,
          help="Mã do đơn vị đặt, không trùng nhau (ví dụ TS01, TS02 …). Mỗi dòng một tài sản; "
               "máy móc, thiết bị cùng loại kê một dòng theo nhóm."),
)
ASSET_FIELDS = (
    Field("ten_tai_san", "Tên, địa chỉ tài sản", "text", max_length=200, width=34),
    Field("loai", "Loại tài sản", "choice", choices=KINDS, width=20),
    Field("don_vi_cu", "Đơn vị quản lý trước sắp xếp", "text", max_length=120, width=22, required=False,
          help="Cơ quan, đơn vị (UBND cấp xã, cấp huyện cũ …) quản lý tài sản trước ngày 01/7/2025."),
    Field("so_luong", "Số lượng", unit="cái, chiếc", min=1, width=9, required=False,
          help="Nhà, đất, xe: 1; máy móc, thiết bị: số lượng của nhóm."),
    Field("dien_tich_dat", "Diện tích đất", "number", unit=M2, required=False, width=11,
          help="Chỉ điền với nhà, đất; tài sản khác để trống."),
    Field("dien_tich_san", "Diện tích sàn xây dựng", "number", unit=M2, required=False, width=11,
          help="Chỉ điền với nhà; đất trống, xe, thiết bị để trống."),
    Field("nguyen_gia", "Nguyên giá", "number", unit=MONEY, width=12, required=False,
          help="Nguyên giá theo sổ kế toán, đơn vị triệu đồng; chưa có thì để trống (chưa có số liệu)."),
    Field("hien_trang", "Hiện trạng sau sắp xếp", "choice", choices=USES, width=13),
    Field("ngay_doi_du", "Ngày xác định dôi dư", "date", required=False, width=12,
          help="Với tài sản dôi dư: ngày có văn bản xác định tài sản dôi dư (chưa rõ thì để trống)."),
    Field("hinh_thuc_xu_ly", "Hình thức xử lý", "choice", choices=FORMS, required=False, width=20,
          help="Theo phân loại của Bộ Tài chính đối với trụ sở, tài sản dôi dư sau sắp xếp. "
               "Bắt buộc với tài sản dôi dư; tài sản đang sử dụng để trống."),
    Field("trang_thai_xu_ly", "Tình trạng xử lý", "choice", choices=STATES, required=False, width=13),
    Field("ngay_quyet_dinh", "Ngày quyết định xử lý", "date", required=False, width=12),
    Field("ngay_hoan_thanh", "Ngày hoàn thành xử lý", "date", required=False, width=12,
          help="Khi tài sản đã xử lý xong: ngày hoàn thành (chưa rõ thì để trống)."),
)
DATES = tuple(f for f in ASSET_FIELDS if f.type == "date")

# Date order. Errors where the row cannot be true as written: a disposal is not completed before
# it is decided, and the template reports the state at the cut-off date ("số liệu chốt đến
# ngày …"), so an event dated after it is a typing slip (year, day/month swapped) or belongs to
# the next report; a warning would let a wrong state into the summary counts. Warnings where real
# cases exist: a merger plan may decide the disposal before the document that records the asset
# as surplus, and an asset disposed of before the period began is unusual in a post-merger list
# but not impossible. Every rule is checked only when its dates are filled (blank is not zero).
DATE_RULES = (
    Rule("ngay_hoan_thanh", ">=", "ngay_quyet_dinh",
         "Ngày hoàn thành xử lý trước ngày quyết định xử lý: tài sản không thể xử lý xong trước khi có "
         "quyết định xử lý (kiểm tra lại hai ngày, có thể gõ nhầm ngày với tháng)."),
    Rule("ngay_quyet_dinh", ">=", "ngay_doi_du",
         "Ngày quyết định xử lý trước ngày xác định dôi dư: thông thường tài sản được xác định dôi dư rồi "
         "mới có quyết định xử lý; kiểm tra lại hai ngày.", "warning"),
    *(Rule(f.key, "<=", "cutoff",
           f"{f.label} sau ngày chốt số liệu {{cutoff}}: biểu ghi tình hình đến ngày chốt, việc diễn ra sau "
           "ngày này thuộc kỳ báo cáo sau (kiểm tra lại năm, ngày và tháng; nếu đúng là sau ngày chốt thì "
           "ghi tình trạng tại ngày chốt).")
      for f in DATES),
    Rule("ngay_hoan_thanh", ">=", "period_start",
         "Ngày hoàn thành xử lý trước ngày bắt đầu kỳ báo cáo {period_start}: tài sản đã xử lý xong trước kỳ "
         "thường không còn trong danh sách sau sắp xếp; kiểm tra lại năm của ngày.", "warning"),
)

assets = Sheet(
    key="danh_sach",
    name="Tài sản",
    title="Danh sách trụ sở, nhà đất, phương tiện, trang thiết bị sau sắp xếp",
    keys=ASSET_KEYS,
    fields=ASSET_FIELDS,
    rules=(
        Rule("nguyen_gia", "<=", "200000",
             "Nguyên giá trên 200.000 triệu đồng (200 tỷ đồng): kiểm tra lại đơn vị tính là triệu đồng.",
             "warning"),
        *DATE_RULES,
    ),
    rows=None,
    max_rows=150,
    empty_flag="co_tai_san",
    empty_when="Không",
    requires=(
        Requirement("hien_trang", (SURPLUS,), "hinh_thuc_xu_ly",
                    "Tài sản dôi dư: hãy chọn hình thức xử lý (chưa có phương án thì chọn «Chưa xử lý»)."),
        Requirement("hien_trang", (SURPLUS,), "trang_thai_xu_ly",
                    "Tài sản dôi dư: hãy chọn tình trạng xử lý."),
        Requirement("hien_trang", (IN_USE,), "hinh_thuc_xu_ly",
                    "Tài sản đang sử dụng không thuộc diện xử lý: để trống cột «Hình thức xử lý».", blank=True),
        Requirement("hien_trang", (IN_USE,), "trang_thai_xu_ly",
                    "Tài sản đang sử dụng không thuộc diện xử lý: để trống cột «Tình trạng xử lý».", blank=True),
        Requirement("hinh_thuc_xu_ly", (NOT_YET,), "trang_thai_xu_ly",
                    "Chưa có hình thức xử lý thì tình trạng xử lý phải là «Chưa xử lý».", allowed=(NOT_YET,)),
        Requirement("trang_thai_xu_ly", (ONGOING, DONE), "hinh_thuc_xu_ly",
                    "Tài sản đang hoặc đã xử lý: hãy chọn hình thức xử lý đã áp dụng.", allowed=FORMS[:4]),
    ),
)

summary = Sheet(
    key="tong_hop",
    name="Tổng hợp",
    title="Xử lý cơ sở nhà, đất dôi dư; phòng họp trực tuyến; hỗ trợ đi lại, nhà ở",
    keys=(),
    fields=(
        Field("co_tai_san", WITH_LIST, "choice", choices=YES_NO, width=16,
              help="Chọn «Có» khi kê khai từng tài sản ở trang «Tài sản»; chọn «Không» khi chỉ gửi số tổng hợp "
                   "ở trang này (để trống trang «Tài sản»)."),
        Field("doi_du_tong", "Tổng số cơ sở nhà, đất dôi dư", unit="cơ sở", required=False, width=12,
              help="Tổng số cơ sở nhà, đất dôi dư sau sắp xếp (ví dụ «91 cơ sở dôi dư»). Có tổng mà chưa có số "
                   "chi tiết thì chỉ điền tổng, để trống các ô chi tiết (để trống là chưa có số liệu, không phải 0)."),
        Field("doi_du_dau_ky", "Cơ sở nhà, đất dôi dư đầu kỳ", unit="cơ sở", required=False, width=12,
              help="Số cơ sở nhà, đất xác định dôi dư tại ngày bắt đầu kỳ báo cáo."),
        Field("doi_du_phat_sinh", "Dôi dư phát sinh trong kỳ", unit="cơ sở", required=False, width=12),
        Field("da_xu_ly", "Đã xử lý xong", unit="cơ sở", required=False, width=11,
              help="Tổng số cơ sở đã xử lý xong (mọi hình thức). Có số theo hình thức thì điền thêm bốn cột sau."),
        Field("xl_noi_bo", "Đã xử lý: điều chuyển nội bộ", unit="cơ sở", required=False, width=12),
        Field("xl_dia_phuong_khac", "Đã xử lý: điều chuyển cho địa phương khác", unit="cơ sở", required=False,
              width=13),
        Field("xl_giao_dia_phuong", "Đã xử lý: giao cho địa phương quản lý, xử lý", unit="cơ sở", required=False,
              width=13),
        Field("xl_khac", "Đã xử lý: hình thức khác", unit="cơ sở", required=False, width=12),
        Field("dang_xu_ly", "Đang xử lý", unit="cơ sở", required=False, width=11,
              help="Đã có phương án, đang thực hiện (ví dụ «đang bàn giao»)."),
        Field("chua_xu_ly", "Chưa xử lý", unit="cơ sở", required=False, width=11,
              help="Chưa có phương án xử lý (ví dụ «đang rà soát»)."),
        Field("con_phai_xu_ly", "Còn phải xử lý cuối kỳ", unit="cơ sở", required=False, width=12,
              help="Đang xử lý + chưa xử lý: số cơ sở chưa xử lý xong tại ngày chốt số liệu."),
        Field("phong_hop_truc_tuyen", "Phòng họp trực tuyến", required=False, unit="phòng", width=11),
        Field("ho_tro_di_lai", "Người được hỗ trợ đi lại", required=False, unit="người", width=11),
        Field("kinh_phi_di_lai", "Kinh phí hỗ trợ đi lại", "number", required=False, unit=MONEY, width=12),
        Field("ho_tro_nha_o", "Người được hỗ trợ nhà ở", required=False, unit="người", width=11),
        Field("kinh_phi_nha_o", "Kinh phí hỗ trợ nhà ở", "number", required=False, unit=MONEY, width=12),
    ),
    rules=(
        Rule("con_phai_xu_ly + xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac", "==",
             "doi_du_dau_ky + doi_du_phat_sinh",
             "Còn phải xử lý cuối kỳ phải bằng dôi dư đầu kỳ + phát sinh trong kỳ − số đã xử lý "
             "theo các hình thức."),
        Rule("doi_du_tong", "==", "doi_du_dau_ky + doi_du_phat_sinh",
             "Tổng số cơ sở dôi dư phải bằng dôi dư đầu kỳ + phát sinh trong kỳ."),
        Rule("da_xu_ly", "==", "xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac",
             "Số đã xử lý xong phải bằng tổng số đã xử lý theo bốn hình thức."),
        Rule("xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac", "<=", "da_xu_ly",
             "Số đã xử lý theo các hình thức cộng lại lớn hơn số đã xử lý xong: kiểm tra lại các số.",
             partial=("xl_noi_bo", "xl_dia_phuong_khac", "xl_giao_dia_phuong", "xl_khac")),
        Rule("con_phai_xu_ly", "==", "dang_xu_ly + chua_xu_ly",
             "Còn phải xử lý phải bằng số đang xử lý + chưa xử lý."),
        Rule("doi_du_tong", "==", "da_xu_ly + con_phai_xu_ly",
             "Tổng số cơ sở dôi dư phải bằng số đã xử lý xong + còn phải xử lý."),
        Rule("doi_du_tong", "==", "da_xu_ly + dang_xu_ly + chua_xu_ly",
             "Tổng số cơ sở dôi dư phải bằng số đã xử lý xong + đang xử lý + chưa xử lý."),
        Rule("da_xu_ly + dang_xu_ly + chua_xu_ly", "<=", "doi_du_tong",
             "Số đã xử lý, đang xử lý, chưa xử lý cộng lại lớn hơn tổng số cơ sở dôi dư: kiểm tra lại các số.",
             partial=("da_xu_ly", "dang_xu_ly", "chua_xu_ly")),
        Rule("da_xu_ly + con_phai_xu_ly", "<=", "doi_du_tong",
             "Số đã xử lý và còn phải xử lý cộng lại lớn hơn tổng số cơ sở dôi dư: kiểm tra lại các số.",
             partial=("da_xu_ly", "con_phai_xu_ly")),
        Rule("dang_xu_ly + chua_xu_ly", "<=", "con_phai_xu_ly",
             "Số đang xử lý và chưa xử lý cộng lại lớn hơn số còn phải xử lý: kiểm tra lại các số.",
             partial=("dang_xu_ly", "chua_xu_ly")),
        Rule("kinh_phi_di_lai", "<=", "30 * ho_tro_di_lai",
             "Kinh phí hỗ trợ đi lại bình quân trên 30 triệu đồng/người: kiểm tra lại đơn vị tính "
             "(triệu đồng) hoặc số người.", "warning"),
        Rule("kinh_phi_nha_o", "<=", "60 * ho_tro_nha_o",
             "Kinh phí hỗ trợ nhà ở bình quân trên 60 triệu đồng/người: kiểm tra lại đơn vị tính "
             "(triệu đồng) hoặc số người.", "warning"),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="tai_san",
    file_name="Bieu_tai_san_cong",
    version=3,
    title="Biểu danh sách cơ sở vật chất, tài sản công sau sắp xếp",
    section="II.6",
    owner="KT",
    purpose="Số cơ sở nhà, đất dôi dư theo tình trạng xử lý (đã xử lý, đang xử lý, chưa xử lý), phòng họp trực "
            "tuyến, hỗ trợ đi lại, nhà ở; nếu có, danh sách từng tài sản (trụ sở, nhà đất, xe, nhóm thiết bị) với "
            "hiện trạng sử dụng và việc xử lý tài sản dôi dư.",
    sheets=(assets, summary),
    notes=("Trang «Tổng hợp»: điền số cơ sở nhà, đất dôi dư như {don_vi} đang theo dõi; có tổng mà chưa có số "
           "chi tiết thì chỉ điền tổng (ô để trống là chưa có số liệu, không phải 0).",
           "Trang «Tài sản» (không bắt buộc): mỗi dòng một tài sản; máy móc, thiết bị cùng loại kê một dòng theo nhóm.",
           "Có danh sách thì các cột cơ sở nhà, đất ở trang «Tổng hợp» phải khớp với các dòng nhà, đất dôi dư ở "
           "trang «Tài sản».",
           f"Danh sách để trống chỉ hợp lệ khi trang «Tổng hợp» chọn «Không» ở cột «{WITH_LIST}».",),
    history=(
        # v3: summary counts of surplus premises by state of handling (the totals a unit holds, the
        # per-asset list optional). The list flag asks whether the list is sent: in every valid v2 file
        # «Có» went with a list and «Không» with none, so each answer stays true; an empty v2 list now
        # reads as «not sent» (unknown) instead of «no assets» (0), never the other way round.
        Revision(3, (
            Change("relabelled", "tong_hop", "co_tai_san", HAS_ASSETS),
            *(Change("added", "tong_hop", key) for key in ("doi_du_tong", "da_xu_ly", "dang_xu_ly", "chua_xu_ly")),
        )),
        # v2: the double negative «Không có tài sản nào phải kê khai: Không» now reads positively; the
        # answer is inverted, so a v1 file's «Có» would mean the opposite: it is not carried over.
        Revision(2, (
            Change("redefined", "tong_hop", "co_tai_san", OLD_NO_ASSETS,
                   why="«Có» nghĩa là không có tài sản nào phải kê khai; nay «Có» nghĩa là có tài sản kê khai"),
            Change("renamed", "tong_hop", "co_tai_san", "khong_phat_sinh"),
        )),
    ),
)

_SURPLUS_PREMISES = (("loai", PREMISES), ("hien_trang", (SURPLUS,)))

CROSS_CHECKS = (
    CrossCheck(
        Measure("tai_san", "tong_hop", "doi_du_dau_ky + doi_du_phat_sinh"), "==",
        Measure("tai_san", "danh_sach", aggregate="count", where=_SURPLUS_PREMISES, optional_list=True),
        "Số cơ sở nhà, đất dôi dư (đầu kỳ + phát sinh) ở trang «Tổng hợp» khác số dòng nhà, đất "
        "dôi dư ở trang «Tài sản».",
    ),
    CrossCheck(
        Measure("tai_san", "tong_hop", "con_phai_xu_ly"), "==",
        Measure("tai_san", "danh_sach", aggregate="count",
                where=_SURPLUS_PREMISES + (("trang_thai_xu_ly", (NOT_YET, ONGOING)),), optional_list=True),
        "Số cơ sở nhà, đất còn phải xử lý ở trang «Tổng hợp» khác số dòng nhà, đất dôi dư chưa xử lý "
        "xong ở trang «Tài sản».",
    ),
)

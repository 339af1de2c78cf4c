"""TTHC: administrative procedures (plan II.4), columns of Biểu số II.06a/VPCP/KSTT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core import layout, vn
from pipeline.core.model import (
    Change,
    Field,
    Outliers,
    PeriodTotal,
    PreviousRowRule,
    Requirement,
    Revision,
    Rule,
    Sheet,
    Template,
)

if TYPE_CHECKING:
    from pipeline.core.config import Config

FIELDS_OF_WORK = (
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Đăng ký kinh doanh, hộ kinh doanh",
    "Lao động – Người có công – Xã hội",
    "Tư pháp khác",
    "Văn hóa – Thể thao",
    "Y tế",
    "Khác",
)
# Rows a unit names itself (e.g. «Văn hóa – Xã hội», as a commune groups three standard rows): the
# name goes in «Tên lĩnh vực do đơn vị đặt»; each is kept as its own field of work.
OWN_FIELDS = tuple(f"Lĩnh vực do đơn vị đặt tên {i}" for i in (1, 2, 3))
# The row of all fields of work together (most published reports give only that): a figure it gives is
# the unit's total, the rows by field of work being its detail; a figure it leaves blank is their sum.
ALL_FIELDS = "Tất cả lĩnh vực"
EXTRA_FIELDS = (ALL_FIELDS, *OWN_FIELDS)

# CONTRACT (shared with the Biểu II.06a import): the value of «Tháng» on the rows holding the whole
# configured period (start .. cutoff). Months stay optional; indicators use the months where given
# and these rows otherwise.
WHOLE_PERIOD = "Cả kỳ"

HS = "hồ sơ"

RECEIVED_KEYS = ("nhan_ky_truoc", "nhan_truc_tuyen", "nhan_truc_tiep")
RESOLVED_KEYS = ("giai_quyet_truoc_han", "giai_quyet_dung_han", "giai_quyet_qua_han")
PENDING_KEYS = ("dang_trong_han", "dang_qua_han")
OUTCOME_EXTRAS = ("rut_tra_lai", "dung_xu_ly", "cho_bo_sung")
NEW_KEYS = ("nhan_truc_tuyen", "nhan_truc_tiep")
SATISFIED_KEYS = ("rat_hai_long", "hai_long")
STOCK_KEYS = ("dang_tong", "dang_trong_han", "dang_qua_han", "cho_bo_sung")  # taken at the period's end
# Rates a unit reads off the national 766 dashboard (Hệ thống đánh giá Bộ chỉ số 766), typed as read:
# field key → (766 code, what the rate is). The report prints the computed rate beside it.
DASHBOARD = {
    "bang_2_1": ("2.1", "tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
    "bang_3_1": ("3.1", "tỷ lệ TTHC cung cấp dịch vụ công trực tuyến"),
    "bang_3_3": ("3.3", "tỷ lệ hồ sơ nộp trực tuyến"),
    "bang_3_6": ("3.6", "tỷ lệ hồ sơ thanh toán trực tuyến"),
    "bang_4_1": ("4.1", "tỷ lệ hồ sơ có kết quả giải quyết điện tử"),
    "bang_4_2": ("4.2", "tỷ lệ hồ sơ thực hiện số hóa"),
    "bang_5_4": ("5.4", "tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC"),
}
RECEIVED_PARTS, RESOLVED_PARTS, PENDING_PARTS = (" + ".join(k) for k in (RECEIVED_KEYS, RESOLVED_KEYS, PENDING_KEYS))
OUTCOMES = " + ".join(("giai_quyet_tong", "dang_tong") + OUTCOME_EXTRAS)


def month_note(cfg: Config) -> str:
    """The reporting months' boundaries, printed on the sheet and in the guide."""
    spans = "; ".join(f"{vn.month(m)}: {cfg.month_span(m)}" for m, _, _ in cfg.reporting_months)
    if cfg.month_starts_on == 1:
        head = "Tháng báo cáo là tháng dương lịch"
    else:
        head = (f"Tháng báo cáo tính từ ngày {cfg.month_starts_on} tháng trước đến ngày {cfg.month_starts_on - 1} "
                "của tháng báo cáo")
    return (f"{head}, tháng đầu và tháng cuối theo ngày bắt đầu kỳ báo cáo và ngày chốt số liệu ({spans}). "
            f"Dòng «{WHOLE_PERIOD}» (từ dòng {layout.FIRST_DATA_ROW + len(rows_v2(cfg))}, sau các tháng) là số liệu cả kỳ, từ {vn.day(cfg.start)} đến "
            f"{vn.day(cfg.cutoff)}: đơn vị chỉ có số cả kỳ thì điền các dòng này, không cần điền từng tháng; "
            f"đã điền từng tháng thì dòng cả kỳ có thể để trống. Dòng «{ALL_FIELDS}» là tổng số của mọi lĩnh vực: "
            "điền khi chỉ có số chung (ví dụ số lượt đánh giá hài lòng của cả đơn vị); các dòng lĩnh vực, nếu "
            "điền, là chi tiết của dòng này. Ô không có số liệu để trống, không ghi 0.")


def rows(cfg: Config) -> list[tuple[str, str]]:
    """Months × the standard fields of work (as version 2 printed them), then the whole period's rows
    (figures not split by field of work first), then per month the unsplit and the unit's own rows."""
    months = [vn.month(m) for m, _, _ in cfg.reporting_months]
    return ([(m, f) for m in months for f in FIELDS_OF_WORK]
            + [(WHOLE_PERIOD, f) for f in (ALL_FIELDS, *FIELDS_OF_WORK, *OWN_FIELDS)]
            + [(m, f) for m in months for f in EXTRA_FIELDS])


def rows_v2(cfg: Config) -> list[tuple[str, str]]:
    """The fixed rows up to version 2: months × the standard fields of work."""
    return [(vn.month(m), f) for m, _, _ in cfg.reporting_months for f in FIELDS_OF_WORK]


dossiers = Sheet(
    key="ho_so",
    name="TTHC",
    title="Tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo tháng (hoặc cả kỳ) và lĩnh vực",
    keys=(
        Field("thang", "Tháng", "text", help=f"Tháng báo cáo (MM/YYYY) hoặc «{WHOLE_PERIOD}», đã in sẵn.",
              width=10),
        Field("linh_vuc", "Lĩnh vực", "choice", choices=FIELDS_OF_WORK + EXTRA_FIELDS,
              help="Lĩnh vực thủ tục hành chính, đã in sẵn.", width=30),
    ),
    fields=(
        # Every figure may be left blank when the unit does not have it (three of eight published
        # reports print no resolved count): blank is unknown, never 0, and every indicator needing it
        # says which figure is missing. A row is a month or the whole period («Cả kỳ»).
        Field("nhan_tong", "Tiếp nhận – Tổng số", unit=HS, required=False,
              help="Tổng số hồ sơ phải giải quyết trong tháng (hoặc cả kỳ): tiếp nhận mới (trực tuyến, "
                   "trực tiếp, bưu chính) + kỳ trước chuyển sang."),
        Field("nhan_ky_truoc", "Tiếp nhận – Kỳ trước chuyển sang", unit=HS, required=False,
              help="Hồ sơ chưa giải quyết xong ở tháng trước chuyển sang (bằng số đang giải quyết cuối tháng trước)."),
        Field("nhan_moi", "Tiếp nhận mới – Tổng số", unit=HS, required=False,
              help="Hồ sơ tiếp nhận mới trong tháng (hoặc cả kỳ): trực tuyến + trực tiếp, bưu chính; không gồm "
                   "hồ sơ kỳ trước chuyển sang. Điền khi có số tổng mà chưa tách theo kênh tiếp nhận."),
        Field("nhan_truc_tuyen", "Tiếp nhận mới – Trực tuyến", unit=HS, required=False,
              help="Hồ sơ nộp trực tuyến qua Cổng Dịch vụ công trong tháng."),
        Field("nhan_toan_trinh", "Trong đó: dịch vụ công trực tuyến toàn trình", unit=HS, required=False,
              help="Trong số hồ sơ nộp trực tuyến: hồ sơ của dịch vụ công trực tuyến toàn trình."),
        Field("nhan_truc_tiep", "Tiếp nhận mới – Trực tiếp và bưu chính công ích", unit=HS, required=False,
              help="Hồ sơ nộp tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích trong tháng."),
        Field("giai_quyet_tong", "Đã giải quyết – Tổng số", unit=HS, required=False,
              help="Hồ sơ đã có kết quả giải quyết trong tháng (hoặc cả kỳ)."),
        Field("giai_quyet_truoc_han", "Đã giải quyết – Trước hạn", unit=HS, required=False),
        Field("giai_quyet_dung_han", "Đã giải quyết – Đúng hạn", unit=HS, required=False),
        Field("giai_quyet_qua_han", "Đã giải quyết – Quá hạn", unit=HS, required=False),
        Field("dang_tong", "Đang giải quyết – Tổng số", unit=HS, required=False,
              help="Hồ sơ chưa có kết quả tại cuối tháng (chuyển sang tháng sau)."),
        Field("dang_trong_han", "Đang giải quyết – Trong hạn", unit=HS, required=False),
        Field("dang_qua_han", "Đang giải quyết – Quá hạn", unit=HS, required=False),
        Field("rut_tra_lai", "Rút hồ sơ, trả lại", unit=HS, required=False,
              help="Hồ sơ công dân rút hoặc bị trả lại (không đủ điều kiện) trong tháng."),
        Field("dung_xu_ly", "Dừng xử lý", unit=HS, required=False,
              help="Hồ sơ dừng xử lý trong tháng."),
        Field("cho_bo_sung", "Chờ bổ sung, hoàn thiện", unit=HS, required=False,
              help="Hồ sơ đang chờ công dân bổ sung, hoàn thiện tại cuối tháng."),
        Field("yeu_cau_ket_qua", "Hồ sơ đã giải quyết của TTHC có yêu cầu trả kết quả bằng văn bản", unit=HS,
              required=False, help="Mẫu số của tỷ lệ trả kết quả điện tử (chỉ số 4.1, Quyết định 766/QĐ-TTg)."),
        Field("ket_qua_dien_tu", "Hồ sơ có kết quả giải quyết điện tử", unit=HS, required=False,
              help="Hồ sơ đã giải quyết có tệp kết quả điện tử đính kèm."),
        Field("so_hoa_tiep_nhan", "Hồ sơ số hóa khi tiếp nhận", unit=HS, required=False,
              help="Hồ sơ tiếp nhận mới trong tháng đã được số hóa thành phần hồ sơ."),
        Field("so_hoa", "Hồ sơ số hóa khi tiếp nhận và có kết quả điện tử", unit=HS, required=False,
              help="Hồ sơ tiếp nhận mới được số hóa thành phần hồ sơ và trả kết quả điện tử "
                   "(chỉ số 4.2, Quyết định 766/QĐ-TTg)."),
        Field("co_phi", "Hồ sơ có phí, lệ phí", unit=HS, required=False),
        Field("thanh_toan_truc_tuyen", "Trong đó: thanh toán trực tuyến", unit=HS, required=False),
        Field("luot_danh_gia", "Lượt đánh giá mức độ hài lòng", unit="lượt", required=False),
        Field("khong_hai_long", "Trong đó: không hài lòng", unit="lượt", required=False),
        Field("phan_anh_kien_nghi", "Hồ sơ có phản ánh, kiến nghị", unit=HS, required=False,
              help="Hồ sơ bị phản ánh, kiến nghị về việc tiếp nhận, giải quyết trong tháng."),
        Field("rat_hai_long", "Trong đó: rất hài lòng", unit="lượt", required=False,
              help="Lượt đánh giá «rất hài lòng» như Hệ thống đánh giá mức độ hài lòng công bố."),
        Field("hai_long", "Trong đó: hài lòng", unit="lượt", required=False),
        Field("luot_hai_long", "Trong đó: rất hài lòng và hài lòng", unit="lượt", required=False,
              help="Điền khi chỉ có số cộng «rất hài lòng, hài lòng» (không tách hai mức)."),
        Field("phi_dia_gioi", "Hồ sơ tiếp nhận không phụ thuộc địa giới hành chính", unit=HS, required=False,
              help="Hồ sơ tiếp nhận mới của công dân, tổ chức ngoài địa bàn (phi địa giới)."),
        Field("luot_giao_dich", "Lượt công dân, tổ chức đến giao dịch", unit="lượt", required=False,
              help="Lượt người đến Bộ phận Một cửa (Trung tâm Phục vụ hành chính công) giao dịch, hỏi thông tin."),
        Field("ten_linh_vuc", "Tên lĩnh vực do đơn vị đặt", "text", required=False, width=26, max_length=120,
              help="Chỉ điền ở dòng «Lĩnh vực do đơn vị đặt tên»: tên nhóm lĩnh vực theo cách đơn vị tổng hợp "
                   "(ví dụ «Văn hóa – Xã hội»). Báo cáo giữ nhóm này là một lĩnh vực riêng."),
    ),
    rules=(
        # Parts above their total are impossible (error, checked on whichever parts are given);
        # parts below their total are reported with the gap (warning, when every part is given).
        Rule("nhan_tong", ">=", RECEIVED_PARTS,
             "Kỳ trước chuyển sang + trực tuyến + trực tiếp, bưu chính không thể lớn hơn tổng số tiếp nhận "
             "(vượt {gap} hồ sơ).", partial=RECEIVED_KEYS),
        Rule("nhan_tong", "<=", RECEIVED_PARTS,
             "Kỳ trước chuyển sang + trực tuyến + trực tiếp, bưu chính thấp hơn tổng số tiếp nhận: chênh lệch "
             "{gap} hồ sơ chưa phân loại theo kênh tiếp nhận.", "warning"),
        Rule("giai_quyet_tong", ">=", RESOLVED_PARTS,
             "Trước hạn + đúng hạn + quá hạn không thể lớn hơn tổng số đã giải quyết (vượt {gap} hồ sơ).",
             partial=RESOLVED_KEYS),
        Rule("giai_quyet_tong", "<=", RESOLVED_PARTS,
             "Trước hạn + đúng hạn + quá hạn thấp hơn tổng số đã giải quyết: chênh lệch {gap} hồ sơ chưa phân "
             "loại theo thời hạn.", "warning"),
        Rule("dang_tong", ">=", PENDING_PARTS,
             "Trong hạn + quá hạn không thể lớn hơn tổng số đang giải quyết (vượt {gap} hồ sơ).",
             partial=PENDING_KEYS),
        Rule("dang_tong", "<=", PENDING_PARTS,
             "Trong hạn + quá hạn thấp hơn tổng số đang giải quyết: chênh lệch {gap} hồ sơ chưa phân loại "
             "theo thời hạn.", "warning"),
        # Every dossier to handle (received + carried over) ends the month resolved, pending,
        # withdrawn/returned, stopped or awaiting supplement; real reports often leave some out.
        Rule("nhan_tong", ">=", OUTCOMES,
             "Đã giải quyết + đang giải quyết + rút, trả lại + dừng xử lý + chờ bổ sung không thể lớn hơn tổng số "
             "tiếp nhận (vượt {gap} hồ sơ); tổng số tiếp nhận gồm cả hồ sơ kỳ trước chuyển sang.",
             partial=OUTCOME_EXTRAS),
        Rule("nhan_tong", "<=", OUTCOMES,
             "Đã giải quyết + đang giải quyết + rút, trả lại + dừng xử lý + chờ bổ sung thấp hơn tổng số tiếp "
             "nhận: chênh lệch {gap} hồ sơ chưa phân loại.", "warning", partial=OUTCOME_EXTRAS),
        Rule("nhan_moi", ">=", "nhan_truc_tuyen + nhan_truc_tiep",
             "Trực tuyến + trực tiếp, bưu chính không thể lớn hơn tổng số tiếp nhận mới (vượt {gap} hồ sơ).",
             partial=NEW_KEYS),
        Rule("nhan_moi", "<=", "nhan_truc_tuyen + nhan_truc_tiep",
             "Trực tuyến + trực tiếp, bưu chính thấp hơn tổng số tiếp nhận mới: chênh lệch {gap} hồ sơ chưa phân "
             "loại theo kênh tiếp nhận.", "warning"),
        Rule("nhan_tong", ">=", "nhan_ky_truoc + nhan_moi",
             "Kỳ trước chuyển sang + tiếp nhận mới không thể lớn hơn tổng số tiếp nhận (vượt {gap} hồ sơ).",
             partial=("nhan_ky_truoc",)),
        Rule("nhan_tong", "<=", "nhan_ky_truoc + nhan_moi",
             "Kỳ trước chuyển sang + tiếp nhận mới thấp hơn tổng số tiếp nhận: chênh lệch {gap} hồ sơ.", "warning"),
        Rule("so_hoa_tiep_nhan", "<=", "nhan_moi",
             "Số hồ sơ số hóa khi tiếp nhận không thể lớn hơn số hồ sơ tiếp nhận mới."),
        Rule("phi_dia_gioi", "<=", "nhan_tong",
             "Số hồ sơ tiếp nhận không phụ thuộc địa giới hành chính không thể lớn hơn tổng số tiếp nhận."),
        Rule("luot_hai_long", ">=", "rat_hai_long + hai_long",
             "Rất hài lòng + hài lòng không thể lớn hơn số lượt rất hài lòng và hài lòng (vượt {gap} lượt).",
             partial=SATISFIED_KEYS),
        Rule("luot_danh_gia", ">=", "rat_hai_long + hai_long + khong_hai_long",
             "Rất hài lòng + hài lòng + không hài lòng không thể lớn hơn tổng lượt đánh giá (vượt {gap} lượt).",
             partial=(*SATISFIED_KEYS, "khong_hai_long")),
        Rule("luot_danh_gia", ">=", "luot_hai_long + khong_hai_long",
             "Rất hài lòng và hài lòng + không hài lòng không thể lớn hơn tổng lượt đánh giá (vượt {gap} lượt).",
             partial=("khong_hai_long",)),
        Rule("nhan_toan_trinh", "<=", "nhan_truc_tuyen",
             "Số hồ sơ dịch vụ công trực tuyến toàn trình không thể lớn hơn số hồ sơ nộp trực tuyến."),
        Rule("so_hoa_tiep_nhan", "<=", "nhan_tong - nhan_ky_truoc",
             "Số hồ sơ số hóa khi tiếp nhận không thể lớn hơn số hồ sơ tiếp nhận mới trong tháng "
             "(tổng số tiếp nhận trừ kỳ trước chuyển sang).", partial=("nhan_ky_truoc",)),
        Rule("so_hoa", "<=", "so_hoa_tiep_nhan",
             "Số hồ sơ số hóa khi tiếp nhận và có kết quả điện tử không thể lớn hơn số hồ sơ số hóa khi tiếp nhận."),
        Rule("so_hoa", "<=", "nhan_tong - nhan_ky_truoc",
             "Số hồ sơ số hóa không thể lớn hơn số hồ sơ tiếp nhận mới trong tháng "
             "(tổng số tiếp nhận trừ kỳ trước chuyển sang).", partial=("nhan_ky_truoc",)),
        Rule("yeu_cau_ket_qua", "<=", "giai_quyet_tong",
             "Số hồ sơ đã giải quyết của TTHC có yêu cầu trả kết quả bằng văn bản không thể lớn hơn tổng số "
             "đã giải quyết."),
        Rule("ket_qua_dien_tu", "<=", "giai_quyet_tong",
             "Số hồ sơ có kết quả giải quyết điện tử không thể lớn hơn tổng số đã giải quyết."),
        Rule("ket_qua_dien_tu", "<=", "yeu_cau_ket_qua",
             "Số hồ sơ có kết quả điện tử lớn hơn số hồ sơ của TTHC có yêu cầu trả kết quả bằng văn bản: "
             "kiểm tra lại.", "warning"),
        Rule("co_phi", "<=", "nhan_tong", "Số hồ sơ có phí, lệ phí không thể lớn hơn tổng số tiếp nhận."),
        Rule("thanh_toan_truc_tuyen", "<=", "co_phi",
             "Số hồ sơ thanh toán trực tuyến không thể lớn hơn số hồ sơ có phí, lệ phí."),
        Rule("khong_hai_long", "<=", "luot_danh_gia",
             "Số lượt không hài lòng không thể lớn hơn tổng lượt đánh giá."),
        Rule("luot_danh_gia", "<=", "giai_quyet_tong",
             "Số lượt đánh giá lớn hơn số hồ sơ đã giải quyết: kiểm tra lại.", "warning"),
        Rule("phan_anh_kien_nghi", "<=", "nhan_tong",
             "Số hồ sơ có phản ánh, kiến nghị lớn hơn tổng số tiếp nhận: kiểm tra lại.", "warning"),
    ),
    previous=(
        PreviousRowRule("nhan_ky_truoc", "==", "dang_tong", by="thang", group=("linh_vuc",),
                        message="Số hồ sơ kỳ trước chuyển sang tháng {this} phải bằng số hồ sơ đang giải quyết "
                                "cuối tháng {previous} của cùng lĩnh vực."),
    ),
    # A month's received or resolved dossiers far from the same field's other months (e.g. ten times
    # them): a warning at the cell with the usual range, judged once 3 other months are known.
    outliers=Outliers(by="thang", fields=("nhan_tong", "nhan_truc_tuyen", "nhan_truc_tiep", "giai_quyet_tong")),
    requires=(
        Requirement("linh_vuc", (ALL_FIELDS, *FIELDS_OF_WORK), "ten_linh_vuc",
                    "Chỉ đặt tên lĩnh vực ở dòng «Lĩnh vực do đơn vị đặt tên»; dòng lĩnh vực in sẵn giữ tên in sẵn.",
                    blank=True),
    ),
    rows=rows,
    note=month_note,
    blank_rows=True,
    blank_rows_expected=True,  # months or the whole period: the rows a unit does not hold stay blank
    needs_figures=True,
    period_total=PeriodTotal("thang", WHOLE_PERIOD, stocks=STOCK_KEYS, opening=("nhan_ky_truoc",),
                             skip=("nhan_tong",)),
    total_row=("linh_vuc", ALL_FIELDS),
)

procedures = Sheet(
    key="danh_muc",
    name="Danh mục TTHC",
    title="Danh mục thủ tục hành chính và dịch vụ công trực tuyến (chỉ số theo Quyết định 766/QĐ-TTg)",
    keys=(),
    fields=(
        Field("tthc_tong", "Số TTHC thuộc thẩm quyền cấp xã", unit="thủ tục", width=16, required=False),
        Field("tthc_cau_hinh", "Số TTHC đã cấu hình trên Hệ thống giải quyết TTHC", unit="thủ tục", width=16,
              required=False),
        Field("dvc_tong", "Số TTHC có dịch vụ công trực tuyến (tổng số)", unit="thủ tục", width=16,
              required=False, help="Điền khi có số tổng mà chưa tách một phần, toàn trình."),
        Field("dvc_mot_phan", "Số TTHC có dịch vụ công trực tuyến một phần", unit="thủ tục", width=16,
              required=False),
        Field("dvc_toan_trinh", "Số TTHC có dịch vụ công trực tuyến toàn trình", unit="thủ tục", width=16,
              required=False),
        Field("tthc_du_dk_toan_trinh", "Số TTHC đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình",
              unit="thủ tục", width=16, required=False,
              help="Theo Cơ sở dữ liệu quốc gia về TTHC (mẫu số của chỉ số 3.1 toàn trình)."),
        Field("dvc_phat_sinh", "Số dịch vụ công trực tuyến có phát sinh hồ sơ trực tuyến", unit="dịch vụ",
              width=16, required=False),
        Field("tthc_co_phi", "Số TTHC có phí, lệ phí", unit="thủ tục", width=16, required=False),
        Field("tthc_thanh_toan", "Số TTHC có phí, lệ phí đã tích hợp thanh toán trực tuyến", unit="thủ tục",
              width=16, required=False),
        *(Field(key, f"Theo Hệ thống 766: {what} (chỉ số {code})", "number", unit="%", width=16, max=100,
                required=False, help="Tỷ lệ đọc trên Hệ thống đánh giá Bộ chỉ số 766 cho cả kỳ (để trống nếu không "
                                     "có); báo cáo in tỷ lệ hệ thống tính bên cạnh và cảnh báo khi hai số khác nhau.")
          for key, (code, what) in DASHBOARD.items()),
    ),
    rules=(
        Rule("tthc_cau_hinh", "<=", "tthc_tong", "Số TTHC đã cấu hình không thể lớn hơn tổng số TTHC."),
        Rule("dvc_tong", ">=", "dvc_mot_phan + dvc_toan_trinh",
             "Số TTHC có dịch vụ công trực tuyến một phần + toàn trình không thể lớn hơn tổng số TTHC có dịch vụ "
             "công trực tuyến (vượt {gap} thủ tục).", partial=("dvc_mot_phan", "dvc_toan_trinh")),
        Rule("dvc_tong", "<=", "dvc_mot_phan + dvc_toan_trinh",
             "Một phần + toàn trình thấp hơn tổng số TTHC có dịch vụ công trực tuyến: chênh lệch {gap} thủ tục.",
             "warning"),
        Rule("dvc_tong", "<=", "tthc_tong",
             "Số TTHC có dịch vụ công trực tuyến không thể lớn hơn tổng số TTHC."),
        Rule("tthc_tong", ">=", "dvc_mot_phan + dvc_toan_trinh",
             "Số TTHC có dịch vụ công trực tuyến (một phần + toàn trình) không thể lớn hơn tổng số TTHC.",
             partial=("dvc_mot_phan", "dvc_toan_trinh")),
        Rule("tthc_du_dk_toan_trinh", "<=", "tthc_tong",
             "Số TTHC đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình không thể lớn hơn tổng số TTHC."),
        Rule("dvc_toan_trinh", "<=", "tthc_du_dk_toan_trinh",
             "Số TTHC có dịch vụ công trực tuyến toàn trình lớn hơn số TTHC đủ điều kiện toàn trình: kiểm tra "
             "lại với Cơ sở dữ liệu quốc gia về TTHC.", "warning"),
        Rule("dvc_phat_sinh", "<=", "dvc_mot_phan + dvc_toan_trinh",
             "Số dịch vụ công trực tuyến có phát sinh hồ sơ lớn hơn số TTHC có dịch vụ công trực tuyến: kiểm "
             "tra lại.", "warning"),
        Rule("tthc_co_phi", "<=", "tthc_tong", "Số TTHC có phí, lệ phí không thể lớn hơn tổng số TTHC."),
        Rule("tthc_thanh_toan", "<=", "tthc_co_phi",
             "Số TTHC đã tích hợp thanh toán trực tuyến không thể lớn hơn số TTHC có phí, lệ phí."),
        Rule("tthc_thanh_toan", "<=", "tthc_tong",
             "Số TTHC có thanh toán trực tuyến không thể lớn hơn tổng số TTHC."),
    ),
    rows=lambda cfg: [()],
)

TEMPLATE = Template(
    id="tthc",
    file_name="Bieu_TTHC",
    version=3,
    title="Biểu số liệu thủ tục hành chính",
    section="II.4",
    owner="TTPVHCC",
    purpose="Số liệu tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo tháng hoặc cả kỳ, lĩnh vực và danh mục "
            "dịch vụ công trực tuyến, có thể chép từ Biểu II.06a/VPCP/KSTT của Hệ thống thông tin giải quyết TTHC.",
    sheets=(dossiers, procedures),
    history=(
        # v3 (issue 22: figures as units hold them): whole-period rows and rows named by the unit appended
        # after v2's rows (a v2 file's rows keep their places; the new rows come in blank), every figure
        # optional, and a place for what published reports print. Nothing changes meaning: carried over.
        Revision(3, (
            *(Change("added", "ho_so", key) for key in (
                "nhan_moi", "rat_hai_long", "hai_long", "luot_hai_long", "phi_dia_gioi", "luot_giao_dich",
                "ten_linh_vuc")),
            *(Change("added", "danh_muc", key) for key in ("dvc_tong", *DASHBOARD)),
        ), rows=(("ho_so", rows_v2),)),
        # v2 (optional figures, outcomes beside resolved, digitisation per Quyết định 766): v1's resolved
        # totals counted withdrawn and returned dossiers as resolved on time, and its digitised column
        # counted any digitised dossier, so a v1 file's figures mean something else and are not carried over.
        Revision(2, (
            *(Change("added", "ho_so", key) for key in (
                "nhan_toan_trinh", "dung_xu_ly", "cho_bo_sung", "yeu_cau_ket_qua", "ket_qua_dien_tu",
                "so_hoa_tiep_nhan", "phan_anh_kien_nghi")),
            Change("relabelled", "ho_so", "nhan_truc_tuyen", "Tiếp nhận trong kỳ – Trực tuyến"),
            Change("relabelled", "ho_so", "nhan_truc_tiep", "Tiếp nhận trong kỳ – Trực tiếp và bưu chính công ích"),
            Change("moved", "ho_so", "nhan_ky_truoc", after="nhan_truc_tiep"),
            Change("redefined", "ho_so", "giai_quyet_tong", why="kể cả hồ sơ rút, trả lại"),
            Change("redefined", "ho_so", "giai_quyet_dung_han", why="kể cả hồ sơ rút, trả lại"),
            Change("redefined", "ho_so", "so_hoa", "Hồ sơ được số hóa",
                   why="mọi hồ sơ tiếp nhận đã được số hóa thành phần hồ sơ hoặc kết quả"),
            *(Change("added", "danh_muc", key) for key in ("tthc_du_dk_toan_trinh", "dvc_phat_sinh", "tthc_co_phi")),
            Change("relabelled", "danh_muc", "tthc_thanh_toan", "Số TTHC có thanh toán trực tuyến"),
        )),
    ),
)

"""TTHC: administrative procedures (plan II.4), columns of Biểu số II.06a/VPCP/KSTT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core import vn
from pipeline.core.model import (
    Change,
    Field,
    Outliers,
    PreviousRowRule,
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

HS = "hồ sơ"

RECEIVED_KEYS = ("nhan_ky_truoc", "nhan_truc_tuyen", "nhan_truc_tiep")
RESOLVED_KEYS = ("giai_quyet_truoc_han", "giai_quyet_dung_han", "giai_quyet_qua_han")
PENDING_KEYS = ("dang_trong_han", "dang_qua_han")
OUTCOME_EXTRAS = ("rut_tra_lai", "dung_xu_ly", "cho_bo_sung")
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
    return f"{head}, tháng đầu và tháng cuối theo ngày bắt đầu kỳ báo cáo và ngày chốt số liệu ({spans})."


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
        # Core figures (required): received and resolved, which every published report gives. The rest,
        # pending included (several real reports print no pending figure), may be left blank when the
        # unit does not have them: blank is unknown, never 0.
        Field("nhan_tong", "Tiếp nhận – Tổng số", unit=HS,
              help="Tổng số hồ sơ phải giải quyết trong tháng: tiếp nhận mới (trực tuyến, trực tiếp, "
                   "bưu chính) + kỳ trước chuyển sang."),
        Field("nhan_ky_truoc", "Tiếp nhận – Kỳ trước chuyển sang", unit=HS, required=False,
              help="Hồ sơ chưa giải quyết xong ở tháng trước chuyển sang (bằng số đang giải quyết cuối tháng trước)."),
        Field("nhan_truc_tuyen", "Tiếp nhận mới – Trực tuyến", unit=HS, required=False,
              help="Hồ sơ nộp trực tuyến qua Cổng Dịch vụ công trong tháng."),
        Field("nhan_toan_trinh", "Trong đó: dịch vụ công trực tuyến toàn trình", unit=HS, required=False,
              help="Trong số hồ sơ nộp trực tuyến: hồ sơ của dịch vụ công trực tuyến toàn trình."),
        Field("nhan_truc_tiep", "Tiếp nhận mới – Trực tiếp và bưu chính công ích", unit=HS, required=False,
              help="Hồ sơ nộp tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công ích trong tháng."),
        Field("giai_quyet_tong", "Đã giải quyết – Tổng số", unit=HS,
              help="Hồ sơ đã có kết quả giải quyết trong tháng."),
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
    rows=lambda cfg: [(vn.month(m), f) for m, _, _ in cfg.reporting_months for f in FIELDS_OF_WORK],
    note=month_note,
    blank_rows=True,
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
    ),
    rules=(
        Rule("tthc_cau_hinh", "<=", "tthc_tong", "Số TTHC đã cấu hình không thể lớn hơn tổng số TTHC."),
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
    version=2,
    title="Biểu số liệu thủ tục hành chính",
    section="II.4",
    owner="TTPVHCC",
    purpose="Số liệu tiếp nhận, giải quyết hồ sơ thủ tục hành chính theo tháng, lĩnh vực và danh mục "
            "dịch vụ công trực tuyến, có thể chép từ Biểu II.06a/VPCP/KSTT của Hệ thống thông tin giải quyết TTHC.",
    sheets=(dossiers, procedures),
    history=(
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

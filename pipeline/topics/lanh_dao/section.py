"""II.1: documents issued, supervision and inspection, meetings (text: section.vi.j2)."""

from pipeline.core import kit, vn
from pipeline.core.model import fill

HEADING = "1. Về công tác lãnh đạo, chỉ đạo, điều hành, tổ chức thực hiện"
PLACEHOLDERS = {
    "van_ban_tong": "Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành từ ngày bắt đầu kỳ (văn bản)",
    "van_ban_hdnd": "Nghị quyết của HĐND (văn bản)",
    "van_ban_ubnd": "Văn bản của UBND và Chủ tịch UBND (văn bản)",
    "van_ban_qppl": "Văn bản quy phạm pháp luật (văn bản)",
    "van_ban_02_cap": "Văn bản về tổ chức, hoạt động của chính quyền địa phương 02 cấp (văn bản)",
    "ty_le_ky_so": "Tỷ lệ văn bản ban hành điện tử có chữ ký số (%)",
    "giam_sat": "Cuộc giám sát của HĐND, Thường trực HĐND",
    "kiem_tra": "Cuộc kiểm tra, đôn đốc của UBND, Chủ tịch UBND",
    "kien_nghi": "Kiến nghị sau kiểm tra, giám sát",
    "ty_le_kien_nghi_xu_ly": "Tỷ lệ kiến nghị đã xử lý xong (%)",
    "hoi_nghi": "Hội nghị quán triệt, triển khai mô hình chính quyền 02 cấp",
    "luot_tham_du": "Lượt người tham dự hội nghị",
    "tin_bai": "Tin, bài tuyên truyền về chính quyền 02 cấp",
}


def values(results, env) -> kit.Figures:
    t = results.tables["lanh_dao_van_ban"]
    a = results.tables["lanh_dao_hoat_dong"]
    ld, cfg = env.template, results.config
    issuers = [t.value(i, "co_quan") for i in range(len(t.frame))]

    def issuer(name: str) -> float | None:
        i = kit.find(t, co_quan=name, loai_van_ban="Cộng") if issuers.count(name) > 1 else kit.find(t, co_quan=name)
        return None if i is None else t.value(i, "tong_so")

    total = t.row("Cộng")
    ubnd = [issuer(fill(ld.UBND, cfg)), issuer(fill(ld.CT_UBND, cfg))]
    v = {
        "van_ban_tong": kit.num(t, total, "tong_so"),
        "van_ban_hdnd": vn.number(issuer(fill(ld.HDND, cfg))),
        "van_ban_ubnd": vn.number(None if None in ubnd else sum(ubnd)),
        "van_ban_qppl": kit.num(t, total, "qppl"),
        "van_ban_02_cap": kit.num(t, total, "chi_dao_02_cap"),
        "ty_le_ky_so": kit.pct(t, total, "ty_le_ky_so"),
        "giam_sat": kit.num(a, 0, "giam_sat_hdnd"),
        "kiem_tra": kit.num(a, 0, "kiem_tra_ubnd"),
        "kien_nghi": kit.num(a, 0, "kien_nghi"),
        "ty_le_kien_nghi_xu_ly": kit.pct(a, 0, "ty_le_kien_nghi_xu_ly"),
        "hoi_nghi": kit.num(a, 0, "hoi_nghi"),
        "luot_tham_du": kit.num(a, 0, "luot_tham_du"),
        "tin_bai": kit.num(a, 0, "tin_bai"),
        # why a figure is unknown: the row's note, naming the figures and the unit (blank is unknown)
        "vb_ly_do": kit.why(t, total) if total is not None and t.value(total, "ghi_chu") else "",
        "hd_ly_do": kit.why(a, 0) if len(a.frame) and a.value(0, "ghi_chu") else "",
        "thieu_so_lieu": kit.missing_sentence(t),
    }
    rows = [i for i, name in enumerate(issuers) if issuers.count(name) == 1 or t.value(i, "loai_van_ban") == "Cộng"]
    cols = ["co_quan", "loai_van_ban", "tong_so", "qppl", "chi_dao_02_cap", "ky_so", "ty_le_ky_so", "ghi_chu"]
    caption = ("Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành theo cơ quan ban hành (chi tiết theo loại văn "
               f"bản: xem {env.annex_ref('lanh_dao_van_ban')})")
    return kit.Figures(v, [kit.TableBlock(t, cols, rows, caption)])

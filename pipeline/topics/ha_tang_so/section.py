"""II.7: IT equipment, connectivity, digital signatures and skills, online processing
(text: section.vi.j2). The equipment names come from the template's EQUIPMENT_KINDS."""

from pipeline.core import kit, vn

HEADING = "7. Về hạ tầng công nghệ, chuyển đổi số"
ONLINE_CHECK = "ho_so_truc_tuyen"  # the cross-check (CrossCheck.key) this section words itself


def placeholders(env) -> dict[str, str]:
    return {key: f"{label} đang sử dụng" for key, label in env.template.EQUIPMENT_KINDS} | {
        "may_tinh_binh_quan": "Máy tính (để bàn, xách tay) bình quân mỗi cán bộ, công chức, viên chức",
        "ty_le_dap_ung": "Tỷ lệ thiết bị công nghệ thông tin đáp ứng yêu cầu (%)",
        "thiet_bi_can_bo_sung": "Thiết bị cần trang bị bổ sung, thay thế",
        "bang_thong": "Băng thông Internet của trụ sở (Mbps)",
        "can_bo_tong": "Tổng số cán bộ, công chức, viên chức (biểu hạ tầng số)",
        "chu_ky_so": "Cán bộ, công chức, viên chức có chữ ký số",
        "ty_le_chu_ky_so": "Tỷ lệ cán bộ, công chức, viên chức có chữ ký số (%)",
        "ky_nang_so": "Người được đào tạo, bồi dưỡng kỹ năng số",
        "ty_le_ky_nang_so": "Tỷ lệ người được đào tạo, bồi dưỡng kỹ năng số (%)",
        "csdl_dung_chung": "Cơ sở dữ liệu dùng chung đang khai thác",
        "ho_so_truc_tuyen": "Hồ sơ TTHC tiếp nhận trực tuyến trong kỳ",
        "ho_so_toan_trinh": "Hồ sơ xử lý trực tuyến toàn trình",
        "ty_le_toan_trinh": "Tỷ lệ hồ sơ trực tuyến xử lý toàn trình (%)",
        "chenh_lech": "Chênh lệch hồ sơ trực tuyến giữa biểu hạ tầng số và biểu TTHC (%)",
    }


def values(results, env) -> kit.Figures:
    e = results.tables["ha_tang_so_thiet_bi"]
    c = results.tables["ha_tang_so_chi_so"]
    v = {key: kit.num(e, kit.find(e, loai_thiet_bi=label), "dang_su_dung")
         for key, label in env.template.EQUIPMENT_KINDS}
    v |= {
        "may_tinh_binh_quan": kit.indicator(c, "may_tinh_binh_quan"),
        "ty_le_dap_ung": kit.pct(e, e.row("Cộng"), "ty_le_dap_ung"),
        "thiet_bi_can_bo_sung": kit.num(e, e.row("Cộng"), "can_bo_sung"),
        "bang_thong": kit.indicator(c, "bang_thong"),
        "can_bo_tong": kit.indicator(c, "ty_le_chu_ky_so", "mau_so"),
        "chu_ky_so": kit.indicator(c, "ty_le_chu_ky_so", "tu_so"),
        "ty_le_chu_ky_so": kit.indicator(c, "ty_le_chu_ky_so"),
        "ky_nang_so": kit.indicator(c, "ty_le_ky_nang_so", "tu_so"),
        "ty_le_ky_nang_so": kit.indicator(c, "ty_le_ky_nang_so"),
        "csdl_dung_chung": kit.indicator(c, "csdl_dung_chung"),
        "ho_so_truc_tuyen": kit.indicator(c, "ho_so_truc_tuyen"),
        "ho_so_toan_trinh": kit.indicator(c, "ty_le_toan_trinh", "tu_so"),
        "ty_le_toan_trinh": kit.indicator(c, "ty_le_toan_trinh"),
    }
    online = kit.finding(results, ONLINE_CHECK)
    v["chenh_lech"] = vn.percent(abs(online.difference)) if online and online.difference is not None else vn.GAP
    v["truc_tuyen_lech"] = bool(online and not online.ok)
    v["doi_chieu"] = kit.check_sentences(results, "ha_tang_so", skip=(ONLINE_CHECK,))
    v["thieu_so_lieu"] = kit.missing_sentence(e)
    cols = ["loai_thiet_bi", "dang_su_dung", "dap_ung", "ty_le_dap_ung", "trang_bi_moi", "can_bo_sung", "ghi_chu"]
    return kit.Figures(v, [kit.TableBlock(e, cols, caption=e.query.title),
                           kit.TableBlock(c, ["ten", "don_vi", "tu_so", "mau_so", "gia_tri", "ghi_chu"],
                                          caption=c.query.title)],
                       [("ha_tang_so_thiet_bi", "Trang thiết bị công nghệ thông tin: đáp ứng yêu cầu và cần bổ sung")])

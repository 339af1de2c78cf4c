"""II.2: tasks received by decentralisation, their difficulties, requests to the upper level
(text: section.vi.j2)."""

from pipeline.core import kit

HEADING = "2. Về thực hiện chức năng, nhiệm vụ và phân cấp, phân quyền, phân định thẩm quyền"
MAX_LISTED = 5  # difficulties quoted in the report; the annex lists all
PLACEHOLDERS = {
    "nhiem_vu_tong": "Nhiệm vụ, thẩm quyền đã nhận theo phân cấp, phân quyền, ủy quyền",
    "nhiem_vu_phan_cap": "Trong đó: phân cấp",
    "nhiem_vu_phan_quyen": "Trong đó: phân quyền",
    "nhiem_vu_uy_quyen": "Trong đó: ủy quyền",
    "nhiem_vu_thuan_loi": "Nhiệm vụ thực hiện thuận lợi",
    "ty_le_thuan_loi": "Tỷ lệ nhiệm vụ thực hiện thuận lợi (%)",
    "nhiem_vu_kho_khan": "Nhiệm vụ còn khó khăn, vướng mắc",
    "nhiem_vu_chua_trien_khai": "Nhiệm vụ chưa triển khai",
    "tthc_phan_cap": "Thủ tục hành chính gắn với các nhiệm vụ được phân cấp, phân quyền, ủy quyền",
    "kho_khan_list": f"Danh sách (mỗi dòng một nhiệm vụ, tối đa {MAX_LISTED}) khó khăn, vướng mắc và đề xuất",
    "van_ban_kien_nghi": "Văn bản kiến nghị cấp trên tháo gỡ đã gửi",
    "van_ban_da_tra_loi": "Văn bản kiến nghị đã được trả lời, hướng dẫn",
}


def values(results, env) -> kit.Figures:
    t = results.tables["phan_cap_theo_hinh_thuc"]
    d = results.tables["phan_cap_kho_khan"]
    s = results.tables["phan_cap_kien_nghi"]
    total = t.row("Cộng")

    def form(name: str) -> str:
        return kit.num(t, t.row(name), "so_nhiem_vu")

    v = {
        "nhiem_vu_tong": kit.num(t, total, "so_nhiem_vu"),
        "nhiem_vu_phan_cap": form("Phân cấp"),
        "nhiem_vu_phan_quyen": form("Phân quyền"),
        "nhiem_vu_uy_quyen": form("Ủy quyền"),
        "nhiem_vu_thuan_loi": kit.num(t, total, "thuan_loi"),
        "ty_le_thuan_loi": kit.pct(t, total, "ty_le_thuan_loi"),
        "nhiem_vu_kho_khan": kit.num(t, total, "kho_khan"),
        "nhiem_vu_chua_trien_khai": kit.num(t, total, "chua_trien_khai"),
        "tthc_phan_cap": kit.num(t, total, "so_tthc"),
        "van_ban_kien_nghi": kit.num(s, 0, "van_ban_kien_nghi"),
        "van_ban_da_tra_loi": kit.num(s, 0, "van_ban_da_tra_loi"),
        "khong_nhan_nhiem_vu": s.value(0, "co_nhiem_vu") == "Không",
        "thieu_so_lieu": kit.missing_sentence(t),
    }
    listed = [i for i in range(len(d.frame)) if d.value(i, "tinh_trang") is not None]
    # each difficulty: the task, its field, the difficulty and the proposal (None when not given)
    v["kho_khan"] = [{"nhiem_vu": d.value(i, "ten_nhiem_vu"), "linh_vuc": d.value(i, "linh_vuc"),
                      "kho_khan": d.value(i, "kho_khan") or "", "de_xuat": d.value(i, "de_xuat") or None}
                     for i in listed[:MAX_LISTED]]
    v["so_nhiem_vu_khac"] = max(0, len(listed) - MAX_LISTED)
    v["phu_luc_kho_khan"] = env.annex_ref("phan_cap_kho_khan")
    items = [f"- {k['nhiem_vu']} ({k['linh_vuc']}): {k['kho_khan']}" + (f" Đề xuất: {k['de_xuat']}" if k["de_xuat"]
                                                                          else "") for k in v["kho_khan"]]
    if v["so_nhiem_vu_khac"]:
        items.append(f"- Và {v['so_nhiem_vu_khac']} nhiệm vụ khác (xem {v['phu_luc_kho_khan']}).")
    v["kho_khan_list"] = "\n".join(items) if items else "Không có nhiệm vụ gặp khó khăn, vướng mắc."
    cols = ["hinh_thuc", "so_nhiem_vu", "thuan_loi", "kho_khan", "chua_trien_khai", "ty_le_thuan_loi", "so_tthc",
            "ghi_chu"]
    return kit.Figures(v, [kit.TableBlock(t, cols, caption=t.query.title)],
                       [("phan_cap_hinh_thuc", "Nhiệm vụ được phân cấp, phân quyền, ủy quyền theo hình thức và tình "
                                               "hình thực hiện")])

"""II.5: budget revenue and spending against the estimate, per year (text: section.vi.j2)."""

from pipeline.core import kit

HEADING = "5. Về bảo đảm nguồn lực tài chính hoạt động của chính quyền cấp xã"
PLACEHOLDERS = {
    "ngan_sach_nam": "Năm ngân sách của các số liệu dưới đây (năm của ngày chốt)",
    "thu_du_toan": "Tổng thu ngân sách: dự toán (triệu đồng)",
    "thu_thuc_hien": "Tổng thu ngân sách: thực hiện (triệu đồng)",
    "thu_ty_le": "Tổng thu: thực hiện so với dự toán (%)",
    "chi_du_toan": "Tổng chi ngân sách: dự toán (triệu đồng)",
    "chi_thuc_hien": "Tổng chi ngân sách: thực hiện (triệu đồng)",
    "chi_ty_le": "Tổng chi: thực hiện so với dự toán (%)",
    "chi_thuong_xuyen_ty_trong": "Tỷ trọng chi thường xuyên trong tổng chi thực hiện (%)",
}


def values(results, env) -> kit.Figures:
    t = results.tables["ngan_sach_thu_chi"]
    s = results.tables["ngan_sach_co_cau_chi"]
    years = sorted({t.value(i, "nam") for i in range(len(t.frame)) if t.value(i, "nam") is not None})
    last = years[-1] if years else results.config.cutoff.year

    def year_values(year) -> dict[str, str]:
        a, b, b2 = kit.find(t, ma="A", nam=year), kit.find(t, ma="B", nam=year), kit.find(s, ma="B.2", nam=year)
        return {"nam": str(year),
                "thu_du_toan": kit.num(t, a, "du_toan", 1), "thu_thuc_hien": kit.num(t, a, "thuc_hien", 1),
                "thu_ty_le": kit.pct(t, a, "ty_le_thuc_hien"),
                "chi_du_toan": kit.num(t, b, "du_toan", 1), "chi_thuc_hien": kit.num(t, b, "thuc_hien", 1),
                "chi_ty_le": kit.pct(t, b, "ty_le_thuc_hien"),
                "chi_thuong_xuyen_ty_trong": kit.pct(s, b2, "ty_trong_thuc_hien")}

    v = {("ngan_sach_nam" if k == "nam" else k): x for k, x in year_values(last).items()}
    v["cac_nam"] = [year_values(y) for y in years]  # one entry per budget year, oldest first
    v["thieu_so_lieu"] = kit.missing_sentence(t, always=not years)
    main = [i for i in range(len(t.frame)) if str(t.value(i, "ma") or "").count(".") <= 1] or None
    cols = ["nam", "ma", "noi_dung", "du_toan", "thuc_hien", "ty_le_thuc_hien"]
    return kit.Figures(v, [kit.TableBlock(t, cols, main, "Dự toán và thực hiện thu, chi ngân sách (các khoản chính)")],
                       [("ngan_sach_du_toan_thuc_hien", "Dự toán và thực hiện thu, chi ngân sách")])

"""II.3: staff against the quota, qualifications, departures, surplus and shortfall (text: section.vi.j2).

The «Cộng» row is the whole commune: its «Toàn …» row, or the bodies' sum when every body gave
the figure; a figure the commune did not give is [x] with the reason (the row's note)."""

from pipeline.core import kit, vn

HEADING = "3. Về tổ chức bộ máy và nhân sự"
PLACEHOLDERS = {
    "ns_bien_che": "Tổng biên chế được giao (người)",
    "ns_hien_co": "Tổng số người hiện có tại ngày chốt (người)",
    "ns_ty_le_bien_che": "Số hiện có so với biên chế (%)",
    "ns_ty_le_dai_hoc_tro_len": "Tỷ lệ có trình độ đại học trở lên (%)",
    "ns_ty_le_dung_vtvl": "Tỷ lệ bố trí đúng vị trí việc làm (%)",
    "ns_so_nghi": "Số người đã nghỉ, chuyển công tác từ 01/7/2025 (người)",
    "ns_doi_du": "Số người dôi dư (người)",
    "ns_thieu_nguoi": "Số người còn thiếu so với định mức tối thiểu (người)",
    "ns_thieu_vi_tri": "Số vị trí việc làm còn thiếu người (vị trí)",
}
HIGHER = ("đại học", "thạc sĩ", "tiến sĩ")  # the qualification rows counted as «đại học trở lên»


def values(results, env) -> kit.Figures:
    t = results.tables["nhan_su_theo_co_quan"]
    q = results.tables["nhan_su_trinh_do"]
    total = t.row("Cộng")
    uni = [i for i in range(len(q.frame)) if str(q.value(i, "truong")).endswith(HIGHER)]
    shares = [q.value(i, "ty_le") for i in uni]
    higher = None if q.missing or any(s is None for s in shares) else sum(shares)
    v = {
        "ns_bien_che": kit.num(t, total, "bien_che"),
        "ns_hien_co": kit.num(t, total, "hien_co"),
        "ns_ty_le_bien_che": kit.pct(t, total, "ty_le_bien_che"),
        "ns_ty_le_dai_hoc_tro_len": vn.percent(higher),
        "ns_ty_le_dung_vtvl": kit.pct(t, total, "ty_le_dung_vtvl"),
        "ns_so_nghi": kit.num(t, total, "so_nghi"),
        "ns_doi_du": kit.num(t, total, "doi_du"),
        "ns_thieu_nguoi": kit.num(t, total, "thieu_nguoi"),
        "ns_thieu_vi_tri": kit.num(t, total, "thieu_vi_tri"),
        # why a figure of the whole is unknown: the «Cộng» row's note (the figures and the unit named)
        "ns_ly_do": kit.why(t, total) if total is not None and t.value(total, "ghi_chu") else "",
        "thieu_so_lieu": kit.missing_sentence(t),
    }
    cols = ["co_quan", "bien_che", "hien_co", "ty_le_bien_che", "dung_vtvl", "ty_le_dung_vtvl", "so_nghi",
            "doi_du", "thieu_nguoi", "ghi_chu"]
    return kit.Figures(v, [kit.TableBlock(t, cols, caption=t.query.title)],
                       [("nhan_su_trinh_do", "Cơ cấu trình độ chuyên môn của đội ngũ")])

"""II.5: per budget year (a calendar year, figures cumulated to a stated date), state budget revenue
in the area against the province's estimate, targets met, the commune budget's revenue and
spending against the estimate, the closing balance (text: section.vi.j2). A figure the unit did not
give is named, never judged; every rate is printed with the date its figures run to."""

from pipeline.core import kit, vn
from pipeline.topics.ngan_sach.template import years as year_sheet

HEADING = "5. Về bảo đảm nguồn lực tài chính hoạt động của chính quyền cấp xã"
PLACEHOLDERS = {
    "ngan_sach_nam": "Năm ngân sách của các số liệu dưới đây (năm mới nhất có số liệu)",
    "tinh_den": "Ngày mà số thực hiện của năm được cộng dồn đến («tính đến …»)",
    "thu_dia_ban_du_toan": "Thu ngân sách nhà nước trên địa bàn: dự toán tỉnh giao (triệu đồng)",
    "thu_dia_ban_thuc_hien": "Thu ngân sách nhà nước trên địa bàn: thực hiện (triệu đồng)",
    "thu_dia_ban_ty_le": "Thu NSNN trên địa bàn: thực hiện so với dự toán (%)",
    "chi_tieu_thu": "Chỉ tiêu thu đạt, vượt dự toán / chỉ tiêu được giao (ví dụ 7/7)",
    "ket_du": "Kết dư ngân sách (triệu đồng)",
    "thu_du_toan": "Tổng thu ngân sách: dự toán (triệu đồng)",
    "thu_thuc_hien": "Tổng thu ngân sách: thực hiện (triệu đồng)",
    "thu_ty_le": "Tổng thu: thực hiện so với dự toán (%)",
    "chi_du_toan": "Tổng chi ngân sách: dự toán (triệu đồng)",
    "chi_thuc_hien": "Tổng chi ngân sách: thực hiện (triệu đồng)",
    "chi_ty_le": "Tổng chi: thực hiện so với dự toán (%)",
    "chi_thuong_xuyen_ty_trong": "Tỷ trọng chi thường xuyên trong tổng chi thực hiện (%)",
}
LABEL = {f.key: f.label for f in year_sheet.fields}


def values(results, env) -> kit.Figures:
    y = results.tables["ngan_sach_nam"]
    t = results.tables["ngan_sach_thu_chi"]
    s = results.tables["ngan_sach_co_cau_chi"]
    owners = "; ".join(u.name for u in results.config.owners("ngan_sach")) or "đơn vị được giao"
    rows = [i for i in range(len(y.frame)) if y.value(i, "nam") is not None]
    per_year = [_year(y, i, t, s, owners) for i in rows]
    given = [n for n in per_year if n["co_so_lieu"]]
    latest = given[-1] if given else (per_year[-1] if per_year else _blank(results.config.cutoff.year))
    # every named value is given, unknown ([x]) when no budget year has it (e.g. no year sent at all)
    v = dict.fromkeys(PLACEHOLDERS, vn.GAP) | {("ngan_sach_nam" if k == "nam" else k): x
                                               for k, x in latest.items() if isinstance(x, str)}
    v["tinh_den"] = latest["tinh_den"] or vn.GAP
    v["cac_nam"] = given  # one entry per budget year with any figure, oldest first
    v["nam_chua_co"] = [n["nam"] for n in per_year if not n["co_so_lieu"]]
    v["thieu_so_lieu"] = kit.missing_sentence(t, always=not rows)
    main = [i for i in range(len(t.frame)) if str(t.value(i, "ma") or "").count(".") <= 1] or None
    cols = ["nam", "ma", "noi_dung", "tinh_den", "du_toan", "thuc_hien", "ty_le_thuc_hien"]
    year_cols = ["nam", "tinh_den", "thu_dia_ban_du_toan", "thu_dia_ban_thuc_hien", "ty_le_thu_dia_ban",
                 "thu_dia_ban_ty_le", "chi_tieu_thu_dat", "chi_tieu_thu", "ket_du"]
    dated = "; ".join(f"năm {n['nam']} tính đến {n['tinh_den'] or vn.GAP}" for n in given)
    chart = "Dự toán và thực hiện thu, chi ngân sách" + (f" ({dated})" if dated else "")
    return kit.Figures(v, [kit.TableBlock(y, year_cols, rows or None, y.query.title),
                           kit.TableBlock(t, cols, main, "Dự toán và thực hiện thu, chi ngân sách (các khoản chính)")],
                       [("ngan_sach_du_toan_thuc_hien", chart)])


def _blank(year: int) -> dict:
    return {"nam": str(year), "tinh_den": None, "co_so_lieu": False}


def _year(y, i: int, t, s, owners: str) -> dict:
    """The named values of one budget year: figures as printed ([x] when unknown) and the names of
    the figures the sentences need but the unit did not give."""
    year = y.value(i, "nam")
    a, b, b2 = kit.find(t, ma="A", nam=year), kit.find(t, ma="B", nam=year), kit.find(s, ma="B.2", nam=year)
    known = lambda tab, row, key: row is not None and tab.value(row, key) is not None  # noqa: E731
    n = {"nam": str(year), "tinh_den": y.value(i, "tinh_den"),
         "thu_dia_ban_du_toan": kit.num(y, i, "thu_dia_ban_du_toan", 1),
         "thu_dia_ban_thuc_hien": kit.num(y, i, "thu_dia_ban_thuc_hien", 1),
         "thu_dia_ban_ty_le": kit.pct(y, i, "ty_le_thu_dia_ban"),
         "ket_du": kit.num(y, i, "ket_du", 1),
         "thu_du_toan": kit.num(t, a, "du_toan", 1), "thu_thuc_hien": kit.num(t, a, "thuc_hien", 1),
         "thu_ty_le": kit.pct(t, a, "ty_le_thuc_hien"),
         "chi_du_toan": kit.num(t, b, "du_toan", 1), "chi_thuc_hien": kit.num(t, b, "thuc_hien", 1),
         "chi_ty_le": kit.pct(t, b, "ty_le_thuc_hien"),
         "chi_thuong_xuyen_ty_trong": kit.pct(s, b2, "ty_trong_thuc_hien")}
    n["chi_tieu_thu"] = (f"{vn.number(y.value(i, 'chi_tieu_thu_dat'))}/{vn.number(y.value(i, 'chi_tieu_thu'))}"
                         if known(y, i, "chi_tieu_thu_dat") and known(y, i, "chi_tieu_thu") else vn.GAP)
    printed = y.value(i, "thu_dia_ban_ty_le")
    n["ty_le_cong_bo"] = _printed(printed) if printed is not None else ""
    computed = y.value(i, "ty_le_thu_dia_ban")
    n["ty_le_lech"] = (printed is not None and computed is not None
                       and abs(computed - printed) > 0.5 * 10 ** -_decimals(printed) + 1e-9)
    n["co"] = {k: known(y, i, k) for k in ("thu_dia_ban_du_toan", "thu_dia_ban_thuc_hien", "ty_le_thu_dia_ban",
                                          "chi_tieu_thu", "ket_du")}
    n["co"] |= {"thu_du_toan": known(t, a, "du_toan"), "thu_thuc_hien": known(t, a, "thuc_hien"),
                "thu_ty_le": known(t, a, "ty_le_thuc_hien"), "chi_du_toan": known(t, b, "du_toan"),
                "chi_thuc_hien": known(t, b, "thuc_hien"), "chi_ty_le": known(t, b, "ty_le_thuc_hien"),
                "chi_thuong_xuyen": known(s, b2, "ty_trong_thuc_hien")}
    n["co_so_lieu"] = any(n["co"].values()) or printed is not None
    lacking = [LABEL[k] for k in ("thu_dia_ban_du_toan", "thu_dia_ban_thuc_hien", "ket_du") if not n["co"][k]]
    if not n["co"]["chi_tieu_thu"]:
        lacking.append("số chỉ tiêu thu được giao và đạt")
    lacking += [what for what, ok in (("tổng thu ngân sách: dự toán", n["co"]["thu_du_toan"]),
                                      ("tổng thu ngân sách: thực hiện", n["co"]["thu_thuc_hien"]),
                                      ("tổng chi ngân sách: dự toán", n["co"]["chi_du_toan"]),
                                      ("tổng chi ngân sách: thực hiện", n["co"]["chi_thuc_hien"])) if not ok]
    n["thieu"] = (f"Năm {year} chưa có số liệu {', '.join(f'«{w}»' for w in lacking)} của {owners}; các số liệu "
                  f"và tỷ lệ cần chúng được đánh dấu {vn.GAP}." if lacking else "")
    return n


def _decimals(value: float) -> int:
    """The decimals a typed rate was printed with (31,9 → 1; 100 → 0), at most 2."""
    return next(d for d in range(3) if abs(round(value, d) - value) < 1e-9 or d == 2)


def _printed(value: float) -> str:
    return vn.percent(value, _decimals(value))

"""II.6: surplus premises and their handling, declared assets, support to staff
(text: section.vi.j2)."""

from pipeline.core import kit, vn
from pipeline.topics.tai_san.template import KINDS, PREMISES, summary

HEADING = "6. Về cơ sở vật chất, hỗ trợ nhà ở, trang thiết bị, tài sản công"
PLACEHOLDERS = {
    "co_so_doi_du": "Tổng số cơ sở nhà, đất dôi dư (đầu kỳ + phát sinh)",
    "doi_du_dau_ky": "Cơ sở nhà, đất dôi dư tại ngày bắt đầu kỳ",
    "doi_du_phat_sinh": "Cơ sở nhà, đất dôi dư phát sinh trong kỳ",
    "co_so_da_xu_ly": "Cơ sở nhà, đất dôi dư đã xử lý",
    "co_so_dang_xu_ly": "Cơ sở nhà, đất dôi dư đang xử lý (đã có phương án, đang thực hiện)",
    "co_so_chua_xu_ly": "Cơ sở nhà, đất dôi dư chưa xử lý (đang rà soát, chưa có phương án)",
    "ty_le_da_xu_ly": "Tỷ lệ cơ sở nhà, đất dôi dư đã xử lý (%)",
    "xl_noi_bo": "Đã xử lý: điều chuyển nội bộ (cơ sở)",
    "xl_dia_phuong_khac": "Đã xử lý: điều chuyển cho địa phương khác (cơ sở)",
    "xl_giao_dia_phuong": "Đã xử lý: giao cho địa phương quản lý, xử lý (cơ sở)",
    "xl_khac": "Đã xử lý: hình thức khác (cơ sở)",
    "co_so_con_lai": "Cơ sở nhà, đất còn phải xử lý cuối kỳ",
    "tai_san_tong": "Số tài sản đã kê khai (dòng của danh sách tài sản)",
    "doi_du_gom": "Tài sản dôi dư trong danh sách theo loại (câu: số tài sản dôi dư, gồm … cơ sở nhà, đất …)",
    "nguyen_gia_tong": "Tổng nguyên giá tài sản đã kê khai (triệu đồng)",
    "phong_hop_truc_tuyen": "Phòng họp trực tuyến",
    "ho_tro_di_lai": "Người được hỗ trợ đi lại",
    "kinh_phi_di_lai": "Kinh phí hỗ trợ đi lại (triệu đồng)",
    "ho_tro_nha_o": "Người được hỗ trợ nhà ở",
    "kinh_phi_nha_o": "Kinh phí hỗ trợ nhà ở (triệu đồng)",
}


def values(results, env) -> kit.Figures:
    t = results.tables["tai_san_doi_du"]
    k = results.tables["tai_san_theo_loai"]
    h = results.tables["tai_san_ho_tro"]
    total = k.row("Cộng")
    v = {
        "doi_du_gom": _surplus_kinds(k),
        "co_so_doi_du": kit.num(t, 0, "tong_doi_du"),
        "doi_du_dau_ky": kit.num(t, 0, "doi_du_dau_ky"),
        "doi_du_phat_sinh": kit.num(t, 0, "doi_du_phat_sinh"),
        "co_so_da_xu_ly": kit.num(t, 0, "da_xu_ly"),
        "co_so_dang_xu_ly": kit.num(t, 0, "dang_xu_ly"),
        "co_so_chua_xu_ly": kit.num(t, 0, "chua_xu_ly"),
        "ty_le_da_xu_ly": kit.pct(t, 0, "ty_le_da_xu_ly"),
        "xl_noi_bo": kit.num(t, 0, "xl_noi_bo"),
        "xl_dia_phuong_khac": kit.num(t, 0, "xl_dia_phuong_khac"),
        "xl_giao_dia_phuong": kit.num(t, 0, "xl_giao_dia_phuong"),
        "xl_khac": kit.num(t, 0, "xl_khac"),
        "co_so_con_lai": kit.num(t, 0, "con_phai_xu_ly"),
        "tai_san_tong": kit.num(k, total, "so_dong"),
        "nguyen_gia_tong": kit.num(k, total, "nguyen_gia", 1),
        "phong_hop_truc_tuyen": kit.num(h, 0, "phong_hop_truc_tuyen"),
        "ho_tro_di_lai": kit.num(h, 0, "ho_tro_di_lai"),
        "kinh_phi_di_lai": kit.num(h, 0, "kinh_phi_di_lai", 1),
        "ho_tro_nha_o": kit.num(h, 0, "ho_tro_nha_o"),
        "kinh_phi_nha_o": kit.num(h, 0, "kinh_phi_nha_o", 1),
        "doi_chieu": kit.check_sentences(results, "tai_san"),  # a sentence per failed cross-check
        "thieu_so_lieu": kit.missing_sentence(t),
    }
    known = {key: bool(len(t.frame)) and t.value(0, key) is not None for key in _SUMMARY}
    known |= {key: bool(len(h.frame)) and h.value(0, key) is not None for key in _SUPPORT}
    known["danh_sach"] = total is not None and k.value(total, "so_dong") is not None
    known["nguyen_gia"] = known["danh_sach"] and k.value(total, "nguyen_gia") is not None
    v["co"] = known
    v["cac_hinh_thuc"] = all(known[f] for f in _FORMS)
    v["thieu"] = _gaps(results, known) if not t.missing else ""
    return _figures(v, k)


_FORMS = ("xl_noi_bo", "xl_dia_phuong_khac", "xl_giao_dia_phuong", "xl_khac")
_SUMMARY = ("tong_doi_du", "doi_du_dau_ky", "doi_du_phat_sinh", "da_xu_ly", *_FORMS, "dang_xu_ly", "chua_xu_ly",
            "con_phai_xu_ly", "ty_le_da_xu_ly")
_SUPPORT = ("phong_hop_truc_tuyen", "ho_tro_di_lai", "kinh_phi_di_lai", "ho_tro_nha_o", "kinh_phi_nha_o")
_LABEL = {f.key: f.label for f in summary.fields} | {"tong_doi_du": summary.column("doi_du_tong").label}


def _gaps(results, known: dict[str, bool]) -> str:
    """«Chưa có số liệu «…», «…» của …»: the figures of the section's sentences the unit did not give."""
    lacking = [_LABEL[key] for key in ("tong_doi_du", "da_xu_ly", "dang_xu_ly", "chua_xu_ly", "con_phai_xu_ly",
                                       *_SUPPORT) if not known[key]]
    if known["da_xu_ly"] and not all(known[f] for f in _FORMS):
        lacking.append("số đã xử lý theo từng hình thức")
    if not known["danh_sach"]:
        lacking.append("danh sách từng tài sản")
    if not lacking:
        return ""
    owners = "; ".join(u.name for u in results.config.owners("tai_san")) or "đơn vị được giao"
    return (f"Chưa có số liệu {', '.join(f'«{w}»' for w in lacking)} của {owners}; các số liệu và tỷ lệ cần "
            f"chúng được đánh dấu {vn.GAP} trong các bảng.")


def _surplus_kinds(k) -> str:
    """«, trong đó 7 tài sản dôi dư: 6 cơ sở nhà, đất và 1 xe ô tô, phương tiện»: what the
    table's surplus total counts, so prose about premises never leaves a vehicle unsaid; "" unknown."""
    counts = {kind: k.value(i, "doi_du") for kind in KINDS if (i := k.row(kind)) is not None}
    if not counts or any(n is None for n in counts.values()) or not sum(counts.values()):
        return ""
    named = {kind: int(n) for kind, n in counts.items() if n}
    premises = sum(n for kind, n in named.items() if kind in PREMISES)
    parts = [f"{vn.number(premises)} cơ sở nhà, đất"] if premises else []
    parts += [f"{vn.number(n)} {kit.lower(kind)}" for kind, n in named.items() if kind not in PREMISES]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]
    return f", trong đó {vn.number(sum(named.values()))} tài sản dôi dư: {listed}"


def _figures(v, k) -> kit.Figures:
    cols = ["loai", "so_dong", "so_luong", "dien_tich_dat", "dien_tich_san", "nguyen_gia", "doi_du"]
    return kit.Figures(v, [kit.TableBlock(k, cols, caption=k.query.title)],
                       [("tai_san_doi_du", "Cơ sở nhà, đất dôi dư: đã xử lý theo hình thức và còn phải xử lý")])

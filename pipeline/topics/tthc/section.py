"""II.4: administrative procedures, the 766 indicators and their estimated points
(text: section.vi.j2). The rates and groups are those declared in rates_766.toml, handed in
by the engine as env.rates."""

from pipeline.core import kit, vn

HEADING = "4. Về thủ tục hành chính"


def placeholders(env) -> dict[str, str]:
    """The counts, then one per declared rate and per 766 group."""
    out = {"tthc_tiep_nhan": "Hồ sơ TTHC tiếp nhận mới trong kỳ (trực tuyến + trực tiếp, bưu chính)",
           "tthc_truc_tuyen": "Hồ sơ tiếp nhận trực tuyến", "tthc_giai_quyet": "Hồ sơ đã giải quyết",
           "tthc_dang_qua_han": "Hồ sơ đang giải quyết quá hạn tại tháng cuối kỳ"}
    out |= {"tthc_phi_dia_gioi": "Hồ sơ tiếp nhận không phụ thuộc địa giới hành chính",
            "tthc_luot_giao_dich": "Lượt công dân, tổ chức đến giao dịch"}
    out |= {f"tthc_{r.key}": f"{r.label} (%)" for r in env.rates.RATES}
    out |= {f"tthc_diem_{g.key}": f"Điểm ước tính nhóm «{g.name}» của Bộ chỉ số 766 (tối đa {g.points:g} điểm)"
            for g in env.rates.GROUPS}
    return out


def _rate(t, i: int | None, rate, differs: str) -> dict:
    """A rate for the text: its name, value as printed (or [x]) with why it is unknown, and, when known
    and judged, its target and verdict (an unknown rate is never compared with its target); the rate
    read on the 766 dashboard beside it, and whether the two differ beyond rounding."""
    out = {"ten": kit.lower(rate.label), "gia_tri": vn.GAP, "co_so_lieu": False, "ly_do": None, "danh_gia": None,
           "chi_tieu": vn.number(rate.target), "bang": None, "lech": False}
    if i is None:
        return out
    read = t.value(i, "bang")
    if read is not None:
        out |= {"bang": vn.percent(read, kit_decimals(read)), "lech": t.value(i, "ghi_chu") == differs}
    v = t.value(i, "gia_tri")
    if v is None:
        return out | {"ly_do": kit.why(t, i)}
    verdict = t.value(i, "danh_gia")
    return out | {"gia_tri": vn.percent(v, 2), "co_so_lieu": True, "danh_gia": verdict.lower() if verdict else None}


def kit_decimals(value: float) -> int:
    """The decimals a rate was typed with (at most 2)."""
    return next(d for d in (0, 1, 2) if round(value, d) == value or d == 2)


def _source(f, whole: str) -> str:
    """Which figures the section rests on: «» (months), or a sentence naming the whole-period ones."""
    total = f.row("Cộng")
    if total is not None and f.value(total, "nguon") == whole:
        return "Số liệu cả kỳ, không chia theo tháng."
    period = [f.value(i, "linh_vuc") for i in range(len(f.frame)) if i != total and f.value(i, "nguon") == whole]
    if not period:
        return ""
    return (f"Lĩnh vực {', '.join(kit.lower(n) for n in period)} chỉ có số liệu cả kỳ, không chia theo tháng: "
            "các tháng của bảng theo tháng chưa gồm các lĩnh vực này.")


def values(results, env) -> kit.Figures:
    rates = env.rates
    t = results.tables["tthc_chi_so"]
    g = results.tables["tthc_diem_766"]
    m = results.tables["tthc_theo_thang"]
    f = results.tables["tthc_theo_linh_vuc"]
    total, rows = m.row("Cộng"), {t.value(i, "chi_so"): i for i in range(len(t.frame))}
    v = {"tthc_tiep_nhan": kit.num(m, total, "nhan_trong_ky"), "tthc_truc_tuyen": kit.num(m, total, "nhan_truc_tuyen"),
         "tthc_giai_quyet": kit.num(m, total, "giai_quyet_tong"),
         "tthc_dang_qua_han": kit.num(f, f.row("Cộng"), "dang_qua_han"),
         "tthc_phi_dia_gioi": kit.num(f, f.row("Cộng"), "phi_dia_gioi"),
         "tthc_luot_giao_dich": kit.num(f, f.row("Cộng"), "luot_giao_dich"),
         "nguon_so_lieu": _source(f, env.rates.FROM_WHOLE),
         "chi_so_766": [], "chi_so_rieng": [], "nhom_766": [], "nhom_ngoai_bieu": []}
    v["co_giao_dich"] = any(f.value(i, k) is not None for i in range(len(f.frame))
                            for k in ("phi_dia_gioi", "luot_giao_dich"))
    for rate in rates.RATES:
        r = _rate(t, rows.get(rate.key), rate, env.rates.DIFFERS)
        v[f"tthc_{rate.key}"] = r["gia_tri"]
        v["chi_so_766" if rate.code else "chi_so_rieng"].append(r)
    diem = next(c for c in g.columns if c.key == "diem")
    by_name = {g.value(i, "nhom"): i for i in range(len(g.frame))}
    for group in rates.GROUPS:
        i = by_name[group.name]  # the points table names each declared group once
        got = g.value(i, "diem")
        v[f"tthc_diem_{group.key}"] = g.text(i, "diem")
        if got is None and g.mark(i, diem) == env.not_applicable:
            v["nhom_ngoai_bieu"].append(kit.lower(group.name))  # no indicator of the group in the template
            continue
        v["nhom_766"].append({"ten": kit.lower(group.name), "toi_da": vn.number(group.points),
                              "diem": None if got is None else vn.number(got, 2),
                              "ly_do": None if got is not None else kit.lower(kit.why(g, i))})
    v["gioi_han"] = [{"ma": r.code, "luu_y": kit.lower(r.limit)} for r in rates.RATES if r.limit]
    v["chua_tinh"] = [{"ma": code, "ten": kit.lower(name), "thieu": lacking} for code, name, lacking in rates.UNSUPPORTED]
    v["thieu_so_lieu"] = kit.missing_sentence(t)
    return kit.Figures(v, [kit.TableBlock(t, ["ma", "ten", "gia_tri", "chi_tieu", "danh_gia", "diem", "ghi_chu"],
                                          caption=t.query.title),
                           kit.TableBlock(g, ["nhom", "diem_toi_da", "diem", "ghi_chu"], caption=g.query.title)],
                       [("tthc_ho_so_theo_thang", "Hồ sơ thủ tục hành chính tiếp nhận theo tháng và kênh tiếp nhận"),
                        ("tthc_ty_le_theo_thang", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) và nộp trực "
                                                  "tuyến (chỉ số 3.3) theo tháng")])

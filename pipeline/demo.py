"""Illustrative data ("SỐ LIỆU MINH HỌA"): the templates filled as a unit would, deterministically.

Every figure is internally consistent, so the demo set passes every rule of the catalog.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.model import fill
from pipeline.outputs import templates
from pipeline.topics import CATALOG, topic
from pipeline.topics.ha_tang_so import template as digital
from pipeline.topics.lanh_dao import template as leadership
from pipeline.topics.ngan_sach import template as budget
from pipeline.topics.phan_cap import template as dc
from pipeline.topics.tai_san import template as assets
from pipeline.topics.tthc import template as tthc

SEED = 20260506


def split(total: int, weights: list[float]) -> list[int]:
    """Split a whole number into parts proportional to weights, summing exactly to total."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


# Monthly dossiers received per field of work, and the share of those with fees.
_VOLUME = dict(zip(tthc.FIELDS_OF_WORK, (140, 310, 45, 9, 18, 36, 12, 3, 6, 8), strict=True))
_FEE_SHARE = dict(zip(tthc.FIELDS_OF_WORK, (0.25, 1.0, 0.9, 0.8, 0.6, 0.0, 0.3, 0.2, 0.1, 0.2), strict=True))


def _tthc(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    """Every column filled and consistent: the carry-over into a month is the pending of the month
    before; resolved + pending + withdrawn + stopped + awaiting = received; digitised ≤ new."""
    rows, pending = [], dict.fromkeys(tthc.FIELDS_OF_WORK, 0)
    months = config.reporting_months
    for m_index, _month in enumerate(months):
        online_share = 0.35 + 0.35 * m_index / max(1, len(months) - 1)
        for field in tthc.FIELDS_OF_WORK:
            new = max(1, round(_VOLUME[field] * rng.uniform(0.8, 1.2)))
            online = min(new, round(new * online_share * rng.uniform(0.9, 1.1)))
            carried = pending[field]
            total = new + carried
            withdrawn, stopped, waiting = (round(total * rng.uniform(0.0, share)) for share in (0.02, 0.005, 0.01))
            pend = round(total * rng.uniform(0.02, 0.08))
            pend_late = split(pend, [0.93, 0.07])[1] if pend else 0
            resolved = total - pend - withdrawn - stopped - waiting
            late = round(resolved * rng.uniform(0.0, 0.015))
            early = round((resolved - late) * rng.uniform(0.45, 0.7))
            written = round(resolved * rng.uniform(0.6, 0.8))
            digitised_in = round(new * rng.uniform(0.85, 1.0))
            fees = round(new * _FEE_SHARE[field])
            rated = round(resolved * rng.uniform(0.5, 0.8))
            rows.append({
                "nhan_tong": total, "nhan_ky_truoc": carried, "nhan_truc_tuyen": online,
                "nhan_toan_trinh": round(online * rng.uniform(0.4, 0.7)), "nhan_truc_tiep": new - online,
                "giai_quyet_tong": resolved, "giai_quyet_truoc_han": early,
                "giai_quyet_dung_han": resolved - late - early, "giai_quyet_qua_han": late,
                "dang_tong": pend, "dang_trong_han": pend - pend_late, "dang_qua_han": pend_late,
                "rut_tra_lai": withdrawn, "dung_xu_ly": stopped, "cho_bo_sung": waiting,
                "yeu_cau_ket_qua": written, "ket_qua_dien_tu": round(written * rng.uniform(0.7, 0.95)),
                "so_hoa_tiep_nhan": digitised_in, "so_hoa": round(digitised_in * rng.uniform(0.75, 0.95)),
                "co_phi": fees, "thanh_toan_truc_tuyen": round(fees * rng.uniform(0.3, 0.6)),
                "luot_danh_gia": rated, "khong_hai_long": round(rated * rng.uniform(0.0, 0.01)),
                "phan_anh_kien_nghi": round(resolved * rng.uniform(0.0, 0.003)),
            })
            pending[field] = pend
    catalogue = {"tthc_tong": 312, "tthc_cau_hinh": 309, "dvc_mot_phan": 121, "dvc_toan_trinh": 156,
                 "tthc_du_dk_toan_trinh": 171, "dvc_phat_sinh": 203, "tthc_co_phi": 204, "tthc_thanh_toan": 187}
    return {"ho_so": rows, "danh_muc": [catalogue]}


def _budget(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    codes = [code for code, _ in budget.LINES]
    leaves = [c for c in codes if not any(o.startswith(c + ".") for o in codes)]
    rows = []
    for year in config.years:
        months_in_year = [m for m in config.months if m.year == year]
        full_year = 12 if year != config.start.year else 13 - config.start.month
        done = len(months_in_year) / full_year
        values: dict[str, dict[str, float]] = {}
        for code in leaves:
            scale = {"A.3": 9000, "A.1": 600, "A.2": 450, "B.1": 7500, "B.2": 650, "B.3": 300}[code[:3]]
            estimate = round(scale * rng.uniform(0.3, 1.0) * full_year / 12, 1)
            actual = 0.0 if code == "B.3" else round(estimate * done * rng.uniform(0.75, 1.25), 1)
            values[code] = {"du_toan": estimate, "thuc_hien": min(actual, round(1.45 * estimate, 1))}
        for code in sorted(codes, key=lambda c: -c.count(".")):
            if code not in values:
                children = [c for c in codes if c.startswith(code + ".") and c.count(".") == code.count(".") + 1]
                values[code] = {k: round(sum(values[c][k] for c in children), 1) for k in ("du_toan", "thuc_hien")}
        rows += [values[code] for code in codes]
    return {"thu_chi": rows}


def _staffing(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    rows = []
    for body in config.staffing_bodies:
        present = rng.randint(8, 30) if "không chuyên trách" not in body else rng.randint(40, 70)
        if "không chuyên trách" in body:
            category = [0, 0, 0, 0, present]
        elif "Lãnh đạo" in body:
            category = [present, 0, 0, 0, 0]
        elif "sự nghiệp" in body:
            category = [0, 0, *split(present, [0.85, 0.15]), 0]
        else:
            category = [0, *split(present, [0.8, 0.1, 0.1]), 0]
        ages = split(present, [rng.uniform(0.5, 2) for _ in range(5)][:4] + [0.05])
        quals = split(present, [0.1, 0.08, 0.72, 0.1, 0.0])
        theory = split(round(present * 0.8), [0.2, 0.65, 0.15])
        row = dict(zip(("can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach"), category, strict=True))
        row |= dict(zip(("tuoi_duoi_30", "tuoi_30_40", "tuoi_41_50", "tuoi_51_60", "tuoi_tren_60"), ages, strict=True))
        row |= dict(zip(("td_duoi_cao_dang", "td_cao_dang", "td_dai_hoc", "td_thac_si", "td_tien_si"), quals, strict=True))
        row |= dict(zip(("llct_so_cap", "llct_trung_cap", "llct_cao_cap"), theory, strict=True))
        row |= {"bien_che": present + rng.randint(0, 4), "hien_co": present, "nu": round(present * rng.uniform(0.35, 0.6)),
                "dan_toc": rng.randint(0, 1), "dung_vtvl": present - rng.randint(0, 2),
                "nghi_huu_truoc_tuoi": rng.randint(0, 3), "thoi_viec": rng.randint(0, 1),
                "chuyen_cong_tac": rng.randint(0, 2)}
        rows.append(row)
    return {"can_bo": rows}


def _archives(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    rows = []
    for _name in config.fonds:
        total = round(rng.uniform(40, 160), 1)
        full = round(total * rng.uniform(0.4, 0.8), 1)
        prelim = round((total - full) * rng.uniform(0.2, 0.6), 1)
        plan = rng.randint(40, 120) * 1000
        rows.append({
            "tong_met_gia": total, "chinh_ly_hoan_chinh": full, "chinh_ly_so_bo": prelim,
            "chua_chinh_ly": round(total - full - prelim, 1), "ho_so_lap_muc_luc": round(total * rng.uniform(80, 120)),
            "trang_so_hoa": round(plan * rng.uniform(0.3, 0.95)), "trang_ke_hoach": plan,
            "ho_so_tthc_so_hoa": rng.randint(800, 4000), "khai_thac_truc_tiep": rng.randint(30, 200),
            "khai_thac_truc_tuyen": rng.randint(0, 150),
        })
    return {"phong": rows}


# Documents issued over ten months per (issuer, kind) row of the leadership template.
_DOCUMENTS = (45, 8, 22, 16, 60, 880, 120, 340, 85, 1450, 190, 620, 3, 150, 95, 65, 260, 540, 110)


def _leadership(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    scale = len(config.months) / 10
    rows = []
    for (issuer, kind), typical in zip(leadership.ISSUED, _DOCUMENTS, strict=True):
        total = round(typical * scale * rng.uniform(0.85, 1.15))
        rows.append({
            "tong_so": total,
            "qppl": rng.randint(2, 8) if (issuer, kind) in leadership.QPPL_ROWS else None,
            "chi_dao_02_cap": round(total * rng.uniform(0.08, 0.3)),
            "ky_so": round(total * rng.uniform(0.88, 0.99)),
        })
    findings = rng.randint(25, 45)
    conferences = rng.randint(8, 14)
    activities = {
        "giam_sat_hdnd": rng.randint(3, 6), "kiem_tra_ubnd": rng.randint(8, 15), "kien_nghi": findings,
        "kien_nghi_da_xu_ly": findings - rng.randint(2, 8), "hoi_nghi": conferences,
        "luot_tham_du": conferences * rng.randint(60, 140), "tin_bai": rng.randint(90, 180),
    }
    return {"van_ban": rows, "hoat_dong": [activities]}


# (task, source, field of work, form, legal basis, procedures, state, difficulty, proposal)
_TASKS = (
    ("Đăng ký khai sinh, khai tử, kết hôn có yếu tố nước ngoài", 1, "Tư pháp", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tư pháp (2025)", 6, 1,
     "Công chức tư pháp – hộ tịch chưa quen nghiệp vụ có yếu tố nước ngoài; thiếu người dịch.",
     "Đề nghị Sở Tư pháp tổ chức tập huấn chuyên sâu và ban hành quy trình mẫu."),
    ("Chứng thực hợp đồng, giao dịch liên quan đến bất động sản", 1, "Tư pháp", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tư pháp (2025)", 4, 0, "", ""),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân", 1, "Nông nghiệp và môi trường",
     "Phân quyền", "Nghị định số 151/2025/NĐ-CP của Chính phủ", 5, 1,
     "Hồ sơ địa chính của các đơn vị hành chính cũ chưa đồng bộ, nhiều thửa chưa được số hoá.",
     "Đề nghị thành phố hỗ trợ kinh phí chỉnh lý, số hoá hồ sơ địa chính."),
    ("Giao đất, cho thuê đất đối với hộ gia đình, cá nhân", 1, "Nông nghiệp và môi trường", "Phân quyền",
     "Nghị định số 151/2025/NĐ-CP của Chính phủ", 3, 0, "", ""),
    ("Thu hồi đất, bồi thường, hỗ trợ tái định cư trên địa bàn {don_vi}", 0, "Nông nghiệp và môi trường",
     "Phân quyền", "Luật Tổ chức chính quyền địa phương số 72/2025/QH15; Luật Đất đai", 2, 1,
     "Thiếu cán bộ có chuyên môn định giá đất, bồi thường; khối lượng công việc lớn.",
     "Đề nghị bổ sung biên chế công chức địa chính và hướng dẫn trình tự thu hồi đất cấp xã."),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 1, "Xây dựng", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực xây dựng (2025)", 3, 0, "", ""),
    ("Quản lý, bảo trì đường giao thông và cầu trên địa bàn {don_vi}", 4, "Xây dựng", "Phân cấp",
     "Quyết định của UBND thành phố về phân cấp quản lý đường bộ (2025)", 0, 0, "", ""),
    ("Thẩm định, phê duyệt quy hoạch trên địa bàn {don_vi}", 3, "Xây dựng", "Phân cấp",
     "Nghị quyết của HĐND thành phố về phân cấp quy hoạch (2025)", 1, 2,
     "Chưa có hướng dẫn về hồ sơ, định mức chi phí lập quy hoạch sau sắp xếp.",
     "Đề nghị Sở Xây dựng sớm ban hành hướng dẫn."),
    ("Cấp giấy chứng nhận đăng ký hộ kinh doanh", 1, "Tài chính", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tài chính (2025)", 4, 0, "", ""),
    ("Quyết định đầu tư dự án nhóm C sử dụng vốn ngân sách {don_vi}", 3, "Tài chính", "Phân cấp",
     "Nghị quyết của HĐND thành phố về phân cấp quản lý đầu tư công (2025)", 0, 0, "", ""),
    ("Giải quyết chế độ trợ cấp xã hội hằng tháng cho đối tượng bảo trợ xã hội", 1, "Nội vụ", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực nội vụ (2025)", 5, 0, "", ""),
    ("Xác nhận, giải quyết chế độ đối với người có công với cách mạng", 2, "Nội vụ", "Phân cấp",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực nội vụ (2025)", 7, 1,
     "Hồ sơ người có công lưu tại huyện cũ bàn giao chưa đầy đủ.",
     "Đề nghị Sở Nội vụ hoàn thiện bàn giao hồ sơ gốc cho {don_vi}."),
    ("Tuyển dụng, quản lý viên chức đơn vị sự nghiệp công lập thuộc {don_vi}", 4, "Nội vụ", "Ủy quyền",
     "Quyết định của Chủ tịch UBND thành phố về ủy quyền quản lý viên chức (2025)", 2, 2,
     "Chưa có hướng dẫn về vị trí việc làm của đơn vị sự nghiệp cấp xã.",
     "Đề nghị thành phố ban hành khung vị trí việc làm."),
    ("Cấp giấy phép kinh doanh karaoke, vũ trường", 1, "Văn hoá, thể thao và du lịch", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực văn hoá (2025)", 2, 0, "", ""),
    ("Công nhận danh hiệu gia đình văn hoá, thôn, tổ dân phố văn hoá", 4, "Văn hoá, thể thao và du lịch",
     "Phân cấp", "Quyết định của UBND thành phố về phân cấp (2025)", 1, 0, "", ""),
    ("Cho phép thành lập, sáp nhập, giải thể trường mầm non, tiểu học, trung học cơ sở tư thục", 1,
     "Giáo dục và đào tạo", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực giáo dục (2025)", 3, 1,
     "Thiếu công chức chuyên trách giáo dục để thẩm định điều kiện.",
     "Đề nghị Sở Giáo dục và Đào tạo hỗ trợ thẩm định trong năm đầu."),
    ("Quản lý trạm y tế {don_vi} và công tác y tế dự phòng", 4, "Y tế", "Phân cấp",
     "Quyết định của UBND thành phố về phân cấp quản lý y tế cơ sở (2025)", 0, 0, "", ""),
    ("Cấp giấy phép bán lẻ rượu, thuốc lá", 2, "Công Thương", "Ủy quyền",
     "Quyết định của UBND thành phố về ủy quyền lĩnh vực công thương (2025)", 2, 0, "", ""),
    ("Quản lý nhà nước về tín ngưỡng, tôn giáo trên địa bàn {don_vi}", 1, "Dân tộc và tôn giáo", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực dân tộc, tôn giáo (2025)", 2, 0, "", ""),
    ("Vận hành Trung tâm Phục vụ hành chính công {don_vi} và chuyển đổi số cấp xã", 4,
     "Khoa học, công nghệ và chuyển đổi số", "Phân cấp",
     "Quyết định của UBND thành phố về Trung tâm Phục vụ hành chính công (2025)", 0, 1,
     "Đường truyền và thiết bị tại điểm tiếp nhận của đơn vị hành chính cũ chưa bảo đảm.",
     "Đề nghị thành phố đầu tư đồng bộ thiết bị cho điểm tiếp nhận."),
)


def _decentralisation(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    rows = []
    for number, (name, source, field, form, basis, procedures, state, difficulty, proposal) in enumerate(_TASKS, 1):
        rows.append({"stt": number, "ten_nhiem_vu": fill(name, config), "nguon": dc.SOURCES[source],
                     "linh_vuc": field, "hinh_thuc": form, "can_cu": basis, "so_tthc": procedures,
                     "tinh_trang": dc.STATES[state], "kho_khan": difficulty or None,
                     "de_xuat": fill(proposal, config) or None})
    sent = sum(1 for r in rows if r["de_xuat"]) + rng.randint(0, 2)
    return {"nhiem_vu": rows, "tong_hop": [{"khong_phat_sinh": "Không", "van_ban_kien_nghi": sent,
                                           "van_ban_da_tra_loi": sent - rng.randint(1, 3)}]}


def _former_bodies(config: Config) -> list[str]:
    """The pre-merger communes, named after the archival fonds marked "(cũ)"."""
    names = [f.removeprefix("Phông ").strip() for f in config.fonds if "(cũ)" in f]
    return names or [f"UBND {config.full_name} (cũ)"]


def _assets(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    start = config.start
    kinds = assets.KINDS
    old = _former_bodies(config)
    rows: list[dict] = []

    def add(name, kind, body, count, land, floor, value, surplus=False, form=None, state=None, days=0):
        row = {"ten_tai_san": name, "loai": kind, "don_vi_cu": body, "so_luong": count,
               "dien_tich_dat": land, "dien_tich_san": floor, "nguyen_gia": value,
               "hien_trang": assets.SURPLUS if surplus else assets.IN_USE}
        if surplus:
            found = start + timedelta(days=days)
            decided = found + timedelta(days=rng.randint(40, 90)) if state != assets.NOT_YET else None
            done = decided + timedelta(days=rng.randint(20, 60)) if state == assets.DONE else None
            row |= {"ngay_doi_du": found, "hinh_thuc_xu_ly": form, "trang_thai_xu_ly": state,
                    "ngay_quyet_dinh": decided, "ngay_hoan_thanh": done}
        rows.append(row)

    forms = assets.FORMS
    for i, body in enumerate(old):
        commune = body.removeprefix("UBND ").removesuffix(" (cũ)")
        land = round(rng.uniform(1800, 4200), 1)
        floor = round(land * rng.uniform(0.3, 0.6), 1)
        value = round(rng.uniform(4500, 12000), 1)
        if i == 0:
            add(f"Trụ sở HĐND và UBND {commune} (trụ sở chính của {config.kind})", kinds[0], body, 1, land, floor, value)
        elif i == 1:
            add(f"Trụ sở UBND {commune} (cũ) – điểm tiếp nhận hồ sơ TTHC", kinds[0], body, 1, land, floor, value)
        else:
            plan = [(forms[2], assets.DONE), (forms[0], assets.ONGOING), (forms[4], assets.NOT_YET)][i % 3]
            add(f"Trụ sở UBND {commune} (cũ)", kinds[0], body, 1, land, floor, value, True, *plan, days=-2)
        add(f"Nhà văn hoá trung tâm {commune}", kinds[1], body, 1, round(rng.uniform(600, 1500), 1),
            round(rng.uniform(250, 600), 1), round(rng.uniform(1200, 3500), 1))
        add(f"Khu đất công an {commune} (cũ) bàn giao", kinds[2], body, 1, round(rng.uniform(300, 900), 1),
            None, round(rng.uniform(300, 900), 1), True, forms[0] if i % 2 else forms[1],
            assets.DONE if i % 2 else assets.ONGOING, days=-2)
        add(f"Máy tính để bàn và máy in – {commune}", kinds[4], body, rng.randint(18, 35), None, None,
            round(rng.uniform(250, 520), 1))
        add(f"Bàn ghế, tủ tài liệu – {commune}", kinds[5], body, rng.randint(60, 140), None, None,
            round(rng.uniform(120, 380), 1))
    district = "UBND huyện (cũ) bàn giao"
    add("Trụ sở Phòng Tài nguyên và Môi trường huyện (cũ)", kinds[0], district, 1, 1250.0, 980.0, 8650.0, True,
        forms[3], assets.ONGOING, days=45)
    add("Nhà khách huyện (cũ)", kinds[1], district, 1, 2100.0, 1450.0, 15400.0, True, forms[2], assets.DONE, days=30)
    add("Kho lưu trữ huyện (cũ)", kinds[1], district, 1, 480.0, 420.0, 2300.0)
    add("Xe ô tô 7 chỗ phục vụ công tác chung", kinds[3], district, 1, None, None, 980.0)
    add("Xe ô tô bán tải chuyên dùng phòng chống thiên tai", kinds[3], district, 1, None, None, 760.0, True,
        forms[0], assets.DONE, days=10)
    add("Thiết bị hội nghị trực tuyến", kinds[4], f"UBND {config.full_name}", 3, None, None, 620.0)
    add("Máy chủ, thiết bị mạng trụ sở chính", kinds[4], f"UBND {config.full_name}", 6, None, None, 540.0)
    for number, row in enumerate(rows, start=1):
        row["ma_tai_san"] = f"TS{number:02d}"

    premises = [r for r in rows if r["hien_trang"] == assets.SURPLUS and r["loai"] in assets.PREMISES]
    done = [r for r in premises if r["trang_thai_xu_ly"] == assets.DONE]
    by_form = {form: sum(r["hinh_thuc_xu_ly"] == form for r in done) for form in forms[:4]}
    at_start = sum(r["ngay_doi_du"] <= start for r in premises)
    staff_travel = rng.randint(25, 45)
    staff_housing = rng.randint(4, 10)
    summary = {
        "khong_phat_sinh": "Không", "doi_du_dau_ky": at_start, "doi_du_phat_sinh": len(premises) - at_start,
        "xl_noi_bo": by_form[forms[0]], "xl_dia_phuong_khac": by_form[forms[1]],
        "xl_giao_dia_phuong": by_form[forms[2]], "xl_khac": by_form[forms[3]],
        "con_phai_xu_ly": len(premises) - len(done), "phong_hop_truc_tuyen": rng.randint(2, 4),
        "ho_tro_di_lai": staff_travel, "kinh_phi_di_lai": round(staff_travel * rng.uniform(4, 9), 1),
        "ho_tro_nha_o": staff_housing, "kinh_phi_nha_o": round(staff_housing * rng.uniform(12, 30), 1),
    }
    return {"danh_sach": rows, "tong_hop": [summary]}


# Equipment in service (typical commune after the merger) and the share meeting requirements.
_EQUIPMENT = dict(zip(digital.EQUIPMENT, ((2, 0.5), (120, 0.7), (25, 0.85), (14, 0.8), (30, 0.75), (4, 1.0)),
                      strict=True))


def _owner_data(template_id: str, config: Config) -> dict[str, list[dict]] | None:
    owners = config.owners(template_id)
    return data_for(template_id, config, owners[0].code) if owners else None


def _digital(config: Config, rng: random.Random) -> dict[str, list[dict]]:
    rows = []
    for kind in digital.EQUIPMENT:
        count, good = _EQUIPMENT[kind]
        used = max(1, round(count * rng.uniform(0.85, 1.15)))
        fine = round(used * good * rng.uniform(0.9, 1.0))
        rows.append({"dang_su_dung": used, "dap_ung": fine, "trang_bi_moi": round(used * rng.uniform(0.05, 0.3)),
                     "can_bo_sung": used - fine + rng.randint(0, 3)})
    staffing_data, tthc_data = _owner_data("nhan_su", config), _owner_data("tthc", config)
    staff = (sum(r["can_bo"] + r["cong_chuc"] + r["vien_chuc"] for r in staffing_data["can_bo"])
             if staffing_data else rng.randint(80, 120))
    online = (sum(r["nhan_truc_tuyen"] for r in tthc_data["ho_so"]) if tthc_data
              else rng.randint(8000, 15000))
    indicators = {
        "bang_thong": float(rng.choice((300, 500, 1000))), "mang_cpdc": rng.randint(2, 5),
        "can_bo_tong": staff, "chu_ky_so": round(staff * rng.uniform(0.8, 0.95)),
        "dao_tao_ky_nang_so": round(staff * rng.uniform(0.6, 0.9)), "csdl_dung_chung": rng.randint(6, 11),
        "ho_so_truc_tuyen": online, "ho_so_toan_trinh": round(online * rng.uniform(0.45, 0.65)),
    }
    return {"thiet_bi": rows, "chi_so": [indicators]}


GENERATORS = {"tthc": _tthc, "ngan_sach": _budget, "nhan_su": _staffing, "so_hoa": _archives,
              "lanh_dao": _leadership, "phan_cap": _decentralisation, "tai_san": _assets, "ha_tang_so": _digital}


def data_for(template_id: str, config: Config, unit_code: str) -> dict[str, list[dict]]:
    """The demo figures of one template for one unit (same inputs, same figures)."""
    rng = random.Random(f"{SEED}:{template_id}:{unit_code}")
    if template_id not in GENERATORS:  # a topic's own demo.py (the interface every topic moves to)
        other = lambda tid: _owner_data(tid, config)  # noqa: E731
        return topic(template_id).module("demo").figures(config, rng, unit_code, other)
    return GENERATORS[template_id](config, rng)


def write_all(out_dir: Path, config: Config, marked: bool = True) -> list[Path]:
    """Fill every owning unit's templates with demo data in out_dir, marked «SỐ LIỆU MINH HỌA»
    (marked=False: as a unit would send them, for tests of files received in inputs/)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in config.units:
        for template_id in unit.templates:
            template = CATALOG[template_id]
            wb = templates.workbook(template, unit, config, data_for(template_id, config, unit.code), demo=marked)
            path = out_dir / templates.filename(template, unit)
            wb.save(path)
            written.append(path)
    return written

"""Demo figures («SỐ LIỆU MINH HỌA») of public assets: the former communes' premises and equipment,
the surplus and its handling.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pipeline.topics.tai_san import template as assets

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


def _former_bodies(config: Config) -> list[str]:
    """The pre-merger communes, named after the archival fonds marked "(cũ)"."""
    names = [f.removeprefix("Phông ").strip() for f in config.fonds if "(cũ)" in f]
    return names or [f"UBND {config.full_name} (cũ)"]


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
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
        add(f"Nhà văn hóa trung tâm {commune}", kinds[1], body, 1, round(rng.uniform(600, 1500), 1),
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
        "co_tai_san": "Có", "doi_du_dau_ky": at_start, "doi_du_phat_sinh": len(premises) - at_start,
        "xl_noi_bo": by_form[forms[0]], "xl_dia_phuong_khac": by_form[forms[1]],
        "xl_giao_dia_phuong": by_form[forms[2]], "xl_khac": by_form[forms[3]],
        "doi_du_tong": len(premises), "da_xu_ly": len(done),
        "dang_xu_ly": sum(r["trang_thai_xu_ly"] == assets.ONGOING for r in premises),
        "chua_xu_ly": sum(r["trang_thai_xu_ly"] == assets.NOT_YET for r in premises),
        "con_phai_xu_ly": len(premises) - len(done), "phong_hop_truc_tuyen": rng.randint(2, 4),
        "ho_tro_di_lai": staff_travel, "kinh_phi_di_lai": round(staff_travel * rng.uniform(4, 9), 1),
        "ho_tro_nha_o": staff_housing, "kinh_phi_nha_o": round(staff_housing * rng.uniform(12, 30), 1),
    }
    return {"danh_sach": rows, "tong_hop": [summary]}

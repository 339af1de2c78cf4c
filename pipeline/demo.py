"""Illustrative data ("SỐ LIỆU MINH HỌA"): the templates filled as a unit would, deterministically.

Every figure is internally consistent, so the demo set passes every rule of the catalog.
"""

from __future__ import annotations

import random
from pathlib import Path

from pipeline import templates
from pipeline.catalog import CATALOG, budget, tthc
from pipeline.config import Config

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
    rows, pending = [], dict.fromkeys(tthc.FIELDS_OF_WORK, 0)
    months = config.months
    for m_index, month in enumerate(months):
        online_share = 0.35 + 0.35 * m_index / max(1, len(months) - 1)
        for field in tthc.FIELDS_OF_WORK:
            new = max(1, round(_VOLUME[field] * rng.uniform(0.8, 1.2)))
            online = round(new * online_share * rng.uniform(0.9, 1.1))
            online = min(online, new)
            carried = pending[field]
            total = new + carried
            pend = round(total * rng.uniform(0.02, 0.08))
            pend_late = split(pend, [0.93, 0.07])[1] if pend else 0
            resolved = total - pend
            late = round(resolved * rng.uniform(0.0, 0.015))
            early = round((resolved - late) * rng.uniform(0.45, 0.7))
            on_time = resolved - late - early
            withdrawn = min(on_time, round(resolved * rng.uniform(0.0, 0.02)))
            fees = round(total * _FEE_SHARE[field])
            rated = round(resolved * rng.uniform(0.5, 0.8))
            rows.append({
                "nhan_tong": total, "nhan_truc_tuyen": online, "nhan_truc_tiep": new - online,
                "nhan_ky_truoc": carried, "giai_quyet_tong": resolved, "giai_quyet_truoc_han": early,
                "giai_quyet_dung_han": on_time, "giai_quyet_qua_han": late, "dang_tong": pend,
                "dang_trong_han": pend - pend_late, "dang_qua_han": pend_late, "rut_tra_lai": withdrawn,
                "so_hoa": round(total * rng.uniform(0.75, 0.95)), "co_phi": fees,
                "thanh_toan_truc_tuyen": round(fees * rng.uniform(0.3, 0.6)),
                "luot_danh_gia": rated, "khong_hai_long": round(rated * rng.uniform(0.0, 0.01)),
            })
            pending[field] = pend
    catalogue = {"tthc_tong": 312, "tthc_cau_hinh": 309, "dvc_mot_phan": 121, "dvc_toan_trinh": 156,
                 "tthc_thanh_toan": 187}
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
    for name in config.fonds:
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


GENERATORS = {"tthc": _tthc, "ngan_sach": _budget, "nhan_su": _staffing, "so_hoa": _archives}


def data_for(template_id: str, config: Config, unit_code: str) -> dict[str, list[dict]]:
    """The demo figures of one template for one unit (same inputs, same figures)."""
    rng = random.Random(f"{SEED}:{template_id}:{unit_code}")
    return GENERATORS[template_id](config, rng)


def write_all(out_dir: Path, config: Config) -> list[Path]:
    """Fill every owning unit's templates with demo data in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in config.units:
        for template_id in unit.templates:
            template = CATALOG[template_id]
            wb = templates.workbook(template, unit, config, data_for(template_id, config, unit.code), demo=True)
            path = out_dir / templates.filename(template, unit)
            wb.save(path)
            written.append(path)
    return written

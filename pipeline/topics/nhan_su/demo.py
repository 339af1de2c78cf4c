"""Demo figures («SỐ LIỆU MINH HỌA») of staffing: the staff of every body, split by category, age,
qualification and theory.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.demo_kit import split

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
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
                "chuyen_cong_tac": rng.randint(0, 2), "doi_du": rng.randint(0, 1),
                "thieu_nguoi": rng.randint(0, 2), "thieu_vi_tri": rng.randint(0, 1)}
        rows.append(row)
    return {"can_bo": rows}  # the whole commune's row («Toàn …») stays blank: the bodies' sums are the whole

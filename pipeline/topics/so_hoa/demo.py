"""Demo figures («SỐ LIỆU MINH HỌA») of archives: the shelf metres of every fonds, how far sorted
and digitised.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
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

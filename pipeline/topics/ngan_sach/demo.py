"""Demo figures («SỐ LIỆU MINH HỌA») of the budget: per year, the date the figures run to (31/12 of a
past year, the cut-off for the last), revenue in the area, targets met, balance; estimate and outturn of
every line, parents summing their children.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pipeline.topics.ngan_sach import template as budget

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
    codes = [code for code, _ in budget.LINES]
    leaves = [c for c in codes if not any(o.startswith(c + ".") for o in codes)]
    rows, year_rows = [], []
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
        area = round(values["A.1"]["du_toan"] + values["A.2"]["du_toan"] * rng.uniform(1.5, 3.0), 1)
        targets = rng.randint(5, 9)
        year_rows.append({
            "tinh_den": date(year, 12, 31) if year < config.cutoff.year else config.cutoff,
            "thu_dia_ban_du_toan": area,
            "thu_dia_ban_thuc_hien": round(area * done * rng.uniform(0.8, 1.2), 1),
            "chi_tieu_thu": targets,
            "chi_tieu_thu_dat": targets - rng.randint(0, 2),
            "ket_du": round(abs(values["A"]["thuc_hien"] - values["B"]["thuc_hien"]), 1) if done == 1 else None,
        })
    return {"nam": year_rows, "thu_chi": rows}

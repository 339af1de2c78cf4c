"""Demo figures («SỐ LIỆU MINH HỌA») of leadership: documents issued per issuer and kind, and the
year's activities.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.topics.lanh_dao import template as leadership

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


# Documents issued over ten months per (issuer, kind) row of the leadership template.
_DOCUMENTS = (45, 8, 22, 16, 60, 880, 120, 340, 85, 1450, 190, 620, 3, 150, 95, 65, 260, 540, 110)


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
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

"""Demo figures («SỐ LIỆU MINH HỌA») of digital infrastructure: equipment in service and the
indicators, consistent with the staffing and procedure figures of their owning units.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.topics.ha_tang_so import template as digital

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


# Equipment in service (typical commune after the merger) and the share meeting requirements.
_EQUIPMENT = dict(zip(digital.EQUIPMENT, ((2, 0.5), (120, 0.7), (25, 0.85), (14, 0.8), (30, 0.75), (4, 1.0)),
                      strict=True))


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
    rows = []
    for kind in digital.EQUIPMENT:
        count, good = _EQUIPMENT[kind]
        used = max(1, round(count * rng.uniform(0.85, 1.15)))
        fine = round(used * good * rng.uniform(0.9, 1.0))
        rows.append({"dang_su_dung": used, "dap_ung": fine, "trang_bi_moi": round(used * rng.uniform(0.05, 0.3)),
                     "can_bo_sung": used - fine + rng.randint(0, 3)})
    staffing_data, tthc_data = other("nhan_su"), other("tthc")
    staff = (sum(r.get("can_bo", 0) + r.get("cong_chuc", 0) + r.get("vien_chuc", 0) for r in staffing_data["can_bo"])
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

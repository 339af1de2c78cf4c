"""Demo figures («SỐ LIỆU MINH HỌA») of administrative procedures: a year of dossiers per month and
field of work, and the catalogue.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.demo_kit import split
from pipeline.topics.tthc import template as tthc

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


# Monthly dossiers received per field of work, and the share of those with fees.
_VOLUME = dict(zip(tthc.FIELDS_OF_WORK, (140, 310, 45, 9, 18, 36, 12, 3, 6, 8), strict=True))
_FEE_SHARE = dict(zip(tthc.FIELDS_OF_WORK, (0.25, 1.0, 0.9, 0.8, 0.6, 0.0, 0.3, 0.2, 0.1, 0.2), strict=True))


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
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
                "luot_danh_gia": rated, "khong_hai_long": (unhappy := round(rated * rng.uniform(0.0, 0.01))),
                # v3 figures derived without drawing (the seeded stream, hence every other figure, unchanged)
                "rat_hai_long": (very := round((rated - unhappy) * 0.7)), "hai_long": rated - unhappy - very,
                "phi_dia_gioi": round(new * 0.05),  # (no «tiếp nhận mới» total: the channels are given)
                "luot_giao_dich": round(new * 1.4 * (1 - online_share)),
                "phan_anh_kien_nghi": round(resolved * rng.uniform(0.0, 0.003)),
            })
            pending[field] = pend
    catalogue = {"tthc_tong": 312, "tthc_cau_hinh": 309, "dvc_mot_phan": 121, "dvc_toan_trinh": 156,
                 "tthc_du_dk_toan_trinh": 171, "dvc_phat_sinh": 203, "tthc_co_phi": 204, "tthc_thanh_toan": 187}
    return {"ho_so": rows, "danh_muc": [catalogue]}

"""The 766 rates of each commune at city level (outputs/city.py): the TTHC template's period figures
summed per commune with the same NULL-propagating aggregates as the city's 766 table (rates_sql), then
`rates.value` on each commune's sums — and on the city's sums for the city's row, never an average of
the communes' rates (reference/chi_so_766.md)."""

from __future__ import annotations

import bisect

import duckdb
import pandas as pd

from pipeline.outputs import rates
from pipeline.outputs.rates_periods import _figure, _groups_cte, _rows_cte

RATED = tuple(r for r in rates.RATES if r.code)


def figures_sql() -> str:
    """Each commune's period figures of the TTHC template (and the city's: unit_code '*'), the
    same NULL-propagating aggregates as the 766 table (rates_sql), grouped by commune."""
    used = rates.keys(*(e for r in RATED for e in (r.numerator, r.denominator)))
    ho_so = ",\n        ".join(_figure(k, "cuoi_ky") for k in used if rates.SHEET_OF[k].key == "ho_so")
    danh_muc = ",\n        ".join(_figure(k, "") for k in used if rates.SHEET_OF[k].key != "ho_so")
    tid = rates.TEMPLATE.id
    return f"""with

{_rows_cte()},

{_groups_cte([k for k in used if rates.SHEET_OF[k].key == "ho_so"])},

so_lieu_ho_so as (
    select coalesce(unit_code, '*') as unit_code,
        {ho_so}
    from don_vi
    group by rollup (unit_code)
),

so_lieu_danh_muc as (
    select coalesce(unit_code, '*') as unit_code,
        {danh_muc}
    from cur_{tid}_danh_muc
    group by rollup (unit_code)
)

select * from so_lieu_ho_so full join so_lieu_danh_muc using (unit_code)"""


def rate_values(con: duckdb.DuckDBPyConnection) -> dict[str | None, dict]:
    """unit code (None: the city) → {rate key: value or None, "diem": points or None, "thieu": reasons}."""
    out = {}
    for row in con.execute(figures_sql()).df().astype(object).to_dict("records"):
        figures = {k: (None if pd.isna(v) else float(v)) for k, v in row.items() if k != "unit_code"}
        values = {r.key: rates.value(r, figures) for r in RATED}
        scores = [rates.score(r, values[r.key]) for r in RATED if r.points is not None]
        unknown = [r for r in RATED if values[r.key] is None]
        gaps = sorted({f for r in unknown for f in rates.unknown(r, figures)})
        out[None if row["unit_code"] == "*" else row["unit_code"]] = values | {
            "diem": None if any(s is None for s in scores) else round(sum(scores), 2),
            "thieu": gaps, "khong_tinh": [r.code for r in unknown]}
    return out


def rank(values: dict) -> dict:
    """Competition ranking (1, 2, 2, 4), highest first; unknown values get no rank."""
    known = sorted(v for v in values.values() if v is not None)
    return {k: 1 + len(known) - bisect.bisect_right(known, v) for k, v in values.items() if v is not None}

"""How a TTHC figure is taken over the period (the SQL CTEs every TTHC table and the city's per-commune
rates share): per unit and field of work, its months where every active month gives it, else its
whole-period row («Cả kỳ»); per unit, the all-fields row («Tất cả lĩnh vực») where it gives the figure,
else the fields of work added up; every aggregate NULL-propagating (a blank part of an active row is
unknown, so the total is unknown, never smaller)."""

from __future__ import annotations

from pipeline.outputs.rates import (
    ACTIVITY,
    ALL_FIELDS,
    FOLLOWS,
    FROM_MONTHS,
    FROM_WHOLE,
    SHEET_OF,
    STOCKS,
    TEMPLATE,
    WHOLE_PERIOD,
)


def _figure(key: str, last: str) -> str:
    """The aggregate of one field over a group's rows (NULL without rows), as the column `key`.
    ho_so: over the figures per field of work (`nhom`), NULL when one of them is unknown; danh_muc:
    NULL when any row left it blank."""
    if SHEET_OF[key].key != "ho_so":
        return f"case when count({key}) < count(*) then null else sum({key}) end::double as {key}"
    return f"case when count(*) filter (where {key} is null) > 0 then null else sum({key}) end::double as {key}"


def _month_figure(key: str, last: str, where: str = "true") -> str:
    """A field over month rows (`where`): NULL when an active row left it blank; a stock at `last`."""
    at = f" and thang_ngay = {last}" if key in STOCKS else ""
    return (f"case when count(*) filter (where {where} and {key} is null and hoat_dong{at}) > 0 then null "
            f"else sum(coalesce({key}, 0)) filter (where {where}{at}) end")


def _group_figure(key: str) -> str:
    """A field of work's figure for the whole period: its months where they give it (every active
    month), else its whole-period row; 0 when the field of work holds nothing; else NULL (unknown).
    A field whose figure only makes sense with another's (FOLLOWS) takes the same source."""
    months, whole = _month_figure(key, "cuoi_ky", "not ca_ky"), f"max({key}) filter (where ca_ky)"
    lead = FOLLOWS.get(key, key)
    from_months = (f"count({lead}) filter (where not ca_ky) > 0 and "
                   f"{_month_figure(lead, 'cuoi_ky', 'not ca_ky')} is not null")
    fallback = (f"case when {whole} is not null then {whole} "
                f"when count(*) filter (where hoat_dong) > 0 then null else 0 end")
    return f"case when {from_months} then {months} else {fallback} end::double as {key}"


def _rows_cte() -> str:
    """ho_so: the sheet's rows, the whole period's marked (ca_ky), a month's date, whether a row holds
    something (co_so_lieu) and dossiers (hoat_dong: received not 0; an inactive row's blanks are 0),
    the period's last month (cuoi_ky), whether it is the all-fields row (tat_ca)."""
    figures = " ".join(f"{f.key}," for f in TEMPLATE.sheet("ho_so").fields if f.numeric)[:-1]
    return f"""ho_so as (
    select
        *,
        thang = '{WHOLE_PERIOD}' as ca_ky,
        linh_vuc = '{ALL_FIELDS}' as tat_ca,
        case when thang <> '{WHOLE_PERIOD}' then strptime(thang, '%m/%Y') end as thang_ngay,
        max(case when thang <> '{WHOLE_PERIOD}' then strptime(thang, '%m/%Y') end) over () as cuoi_ky,
        coalesce({figures}) is not null as co_so_lieu,
        coalesce({figures}) is not null and coalesce({ACTIVITY}, -1) <> 0 as hoat_dong
    from cur_{TEMPLATE.id}_ho_so
)"""


def _groups_cte(figures: list[str]) -> str:
    """nhom: one row per unit and field of work (the all-fields row included) with each field's period
    figure, whether the row gives it at all (co_<k>), whether only its whole-period row does
    (chi_ca_ky_<k>), and where its figures come from (nguon: the months, or the whole-period row);
    don_vi: per unit, each field's period figure: the all-fields row's where it gives it, else the
    fields of work added up (NULL when one of them is unknown)."""
    sep = ",\n        "
    return f"""nhom as (
    select
        unit_code,
        linh_vuc,
        bool_or(tat_ca) as tat_ca,
        coalesce(max(ten_linh_vuc), linh_vuc) as ten,
        min(row_number) as thu_tu,
        count(*) filter (where co_so_lieu) > 0 as co_so_lieu,
        case
            when count(*) filter (where co_so_lieu and not ca_ky) > 0 then '{FROM_MONTHS}'
            when count(*) filter (where co_so_lieu and ca_ky) > 0 then '{FROM_WHOLE}'
        end as nguon,
        {sep.join(f"count({k}) > 0 as co_{k}" for k in figures)},
        {sep.join(f"count({k}) filter (where not ca_ky) > 0 as thang_{k}" for k in figures)},
        {sep.join(f"count({k}) filter (where not ca_ky) = 0 and count(*) filter (where ca_ky and hoat_dong) > 0 "
                  f"as chi_ca_ky_{k}" for k in figures)},
        {sep.join(_group_figure(k) for k in figures)}
    from ho_so
    group by unit_code, linh_vuc
),

don_vi as (
    select
        unit_code,
        {sep.join(_unit_total(k) for k in figures)},
        {sep.join(_months_unknown(k) for k in figures)}
    from nhom
    group by unit_code
)"""


def _unit_total(key: str) -> str:
    """The all-fields row's figure where it gives it; else the fields of work added up (unknown when
    one is, or when the all-fields row holds dossiers that no row by field of work details)."""
    return (f"case when bool_or(tat_ca and co_{key}) then max({key}) filter (where tat_ca) "
            f"when count(*) filter (where not tat_ca and {key} is null) > 0 then null "
            f"when bool_or(tat_ca and {key} is null) and not bool_or(not tat_ca and co_so_lieu) then null "
            f"else coalesce(sum({key}) filter (where not tat_ca), 0) end::double as {key}")


def _months_unknown(key: str) -> str:
    """True when the unit's months cannot give the field: its total comes from a whole-period row."""
    return (f"bool_or(tat_ca and chi_ca_ky_{key}) or (not bool_or(tat_ca and thang_{key}) "
            f"and bool_or(not tat_ca and chi_ca_ky_{key})) as chua_chia_{key}")


def _month_rows(figures: list[str]) -> str:
    """theo_thang_don_vi: per unit and month, each field: the all-fields row's where it gives it, else
    the month's active rows added up; NULL where the unit's figure exists only for the whole period."""
    sep = ",\n        "
    cols = sep.join(
        f"case when bool_or(d.chua_chia_{k}) then null "
        f"when count(h.{k}) filter (where h.tat_ca) > 0 then max(h.{k}) filter (where h.tat_ca) "
        f"when count(*) filter (where not h.tat_ca and h.{k} is null and h.hoat_dong) > 0 then null "
        f"else sum(coalesce(h.{k}, 0)) filter (where not h.tat_ca) end::double as {k}" for k in figures)
    return f"""theo_thang_don_vi as (
    select
        h.unit_code,
        h.thang,
        h.thang_ngay,
        count(*) filter (where h.co_so_lieu) > 0 as co_so_lieu,
        {cols}
    from ho_so as h
    join don_vi as d using (unit_code)
    where not h.ca_ky
    group by h.unit_code, h.thang, h.thang_ngay
)"""


def period_figures() -> tuple[str, list[str]]:
    """(SQL, figure keys): per field of work (`linh_vuc`, with `ten_linh_vuc` the name a unit gave), each
    figure of the whole period as the tables take it (per unit: its months where given, else its
    whole-period row, stocks at the last month), added up over the units (unknown when one unit's is).
    A commune's package sends these as its «Cả kỳ» rows when its reporting months cannot be re-cut to
    its city's (outputs.package_months)."""
    figures = [f.key for f in TEMPLATE.sheet("ho_so").fields if f.numeric]
    sums = ", ".join(f"case when count(*) filter (where {k} is null) > 0 then null else sum({k}) end as {k}"
                     for k in figures)
    sql = (f"with {_rows_cte()},\n{_groups_cte(figures)},\nnames as (select linh_vuc, max(ten_linh_vuc) as "
           f"ten_linh_vuc from ho_so group by linh_vuc)\nselect linh_vuc, any_value(ten_linh_vuc), {sums} "
           "from nhom join names using (linh_vuc) group by linh_vuc")
    return sql, figures

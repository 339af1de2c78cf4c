"""The SQL of the TTHC tables, written from the declarations of pipeline/rates.py (one query per
table, dbt style: import CTEs first, `select * from final` last; header comments as in
pipeline/sql/*.sql). Every figure is a NULL-propagating aggregate: NULL when a row with something
to handle left it blank, so a period total with an unknown part is unknown, not smaller. An
equivalent figure is computed on those aggregates as the coalesce of its ways (rates.figure)."""

from __future__ import annotations

from functools import cache

from pipeline.outputs.rates import (
    DASHBOARD,
    DIFFERS,
    EQUIVALENTS,
    GROUPS,
    LABEL,
    RATES,
    SHEET_OF,
    SOURCES,
    TABLES,
    TEMPLATE,
    UNSUPPORTED,
    WHOLE_PERIOD,
    Rate,
    TableSpec,
    gap_terms,
    keys,
    names,
    terms,
)
from pipeline.outputs.rates_periods import _figure, _groups_cte, _month_rows, _rows_cte


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]


def _q(text: str | None) -> str:
    return "null" if text is None else "'" + text.replace("'", "''") + "'"


def _num(x: float | None) -> str:
    return "null::double" if x is None else f"{float(x)!r}::double"


def _expr(expr: str) -> str:
    return " ".join(("- " if s < 0 else ("+ " if i else "")) + k for i, (s, k) in enumerate(terms(expr)))


def _equivalents(used: list[str]) -> str:
    """The columns of the equivalent figures among used: the first way with every part known."""
    return "".join(f",\n        coalesce({', '.join(f'({_expr(w)})' for w in EQUIVALENTS[k].ways)}) as {k}"
                   for k in used if k in EQUIVALENTS)


def _unknown(used: list[str]) -> str:
    """A comma-separated list of the unknown fields that leave one of the used names unknown
    (empty when all known), as rates.unknown."""
    def when(f: str, by: list[str]) -> str:
        return f"{f} is null" + ("" if by == [f] else " and (" + " or ".join(f"{k} is null" for k in by) + ")")
    return "concat_ws(',', " + ", ".join(f"case when {when(f, by)} then '{f}' end"
                                         for f, by in gap_terms(" + ".join(used)).items()) + ")"


def _header(spec: TableSpec, note: str, columns: dict[str, str], not_applicable: str = "", depends: str = "") -> str:
    lines = [f"-- title: {spec.title}", f"-- section: {TEMPLATE.section}",
             f"-- order: {spec.order}", f"-- note: {note}", "-- decimals: 2"]
    if not_applicable:
        lines.append(f"-- not_applicable: {not_applicable}")
    if depends:
        lines.append(f"-- depends: {depends}")
    lines += [f"-- column {k}: {v}" for k, v in columns.items()]
    return "\n".join(lines) + "\n"


def _read(key: str) -> str:
    """A rate read on the dashboard: the one unit's figure (NULL unless exactly one row gives it)."""
    return f"case when count({key}) = 1 then max({key}) end::double as {key}"


def _period_figures() -> str:
    exprs = [e for r in RATES for e in (r.numerator, r.denominator)]
    used = keys(*exprs)
    ho_so = [k for k in used if SHEET_OF[k].key == "ho_so"]
    danh_muc = [_figure(k, '') for k in used if SHEET_OF[k].key != "ho_so"] + [_read(k) for k in DASHBOARD]
    sep = ",\n        "
    return f"""{_rows_cte()},

{_groups_cte(ho_so)},

danh_muc as (
    select * from cur_{TEMPLATE.id}_danh_muc
),

so_lieu_ho_so as (
    select
        {sep.join(_figure(k, 'cuoi_ky') for k in ho_so)}
    from don_vi
),

so_lieu_danh_muc as (
    select
        {sep.join(danh_muc)}
    from danh_muc
),

so_lieu as (
    select *{_equivalents(names(*exprs))}
    from so_lieu_ho_so, so_lieu_danh_muc
),

measures as (
    {(chr(10) + '    union all' + chr(10) + '    ').join(_measure(i, r) for i, r in enumerate(RATES, 1))}
),

rates as (
    select
        *,
        round(100.0 * tu_so / nullif(mau_so, 0), 2) as gia_tri
    from measures
),

scored as (
    select
        *,
        case
            when diem_toi_da is null or gia_tri is null then null
            when gia_tri >= nguong_diem then diem_toi_da
            else round(gia_tri * diem_toi_da / nguong_diem, 2)
        end as diem
    from rates
)"""


def _measure(i: int, r: Rate) -> str:
    return (f"select {i} as stt, {_q(r.code)} as ma, {_q(r.key)} as chi_so, {_q(r.name)} as ten, "
            f"{_q(r.unit)} as don_vi,\n        {_expr(r.numerator)} as tu_so, {_expr(r.denominator)} as mau_so, "
            f"{_num(r.target)} as chi_tieu, {_num(r.threshold)} as nguong_diem, {_num(r.points)} as diem_toi_da, "
            f"{_q(r.group)} as nhom, {r.dashboard or 'null::double'} as bang,\n        {_unknown(names(r.numerator, r.denominator))} as thieu\n"
            f"    from so_lieu")


RATE_COLUMNS = {"stt": "STT", "ma": "Mã chỉ số (766)", "chi_so": "Khóa", "ten": "Chỉ số", "don_vi": "Đơn vị tính",
                "tu_so": "Tử số", "mau_so": "Mẫu số", "gia_tri": "Kết quả | %", "bang": "Theo Hệ thống 766 | % | 2",
                "so_sanh": "So sánh",
                "chi_tieu": "Chỉ tiêu | %", "danh_gia": "Đánh giá", "diem_toi_da": "Điểm tối đa | điểm | 2",
                "diem": "Điểm ước tính | điểm | 2", "ghi_chu": "Ghi chú"}


def _rates_sql(spec: TableSpec) -> str:
    note = ("Tỷ lệ (%) = tử số / mẫu số × 100, làm tròn 2 chữ số thập phân. Số liệu cộng qua các tháng của kỳ; "
            "số hồ sơ đang giải quyết lấy tại tháng cuối kỳ. Điểm: đạt ngưỡng được đủ điểm, dưới ngưỡng "
            "được tỷ lệ × điểm ÷ ngưỡng. Ô để trống là chưa có số liệu, không phải 0. "
            + " ".join(f"Chỉ số {r.code}: {r.limit}." for r in RATES if r.limit)
            + " ".join(f" Chỉ số {c} ({_lower(n)}) chưa tính được: biểu chưa có số liệu {x}." for c, n, x in UNSUPPORTED))
    note += (" Cột «Theo Hệ thống 766»: tỷ lệ đơn vị đọc trên Hệ thống đánh giá Bộ chỉ số 766 (để trống: đơn vị "
             "không ghi); khác tỷ lệ tính từ biểu quá mức làm tròn thì ghi chú nêu để kiểm tra lại.")
    return _header(spec, note, RATE_COLUMNS, "ma, bang, so_sanh, chi_tieu, diem_toi_da, ghi_chu",
                   "danh_gia=chi_tieu, diem=diem_toi_da") + f"""with

{_period_figures()},

final as (
    select
        stt, ma, chi_so, ten, don_vi, tu_so, mau_so, gia_tri, bang,
        case when chi_tieu is not null then '≥' end as so_sanh,
        chi_tieu,
        case
            when chi_tieu is null or gia_tri is null then null
            when gia_tri >= chi_tieu then 'Đạt'
            else 'Chưa đạt'
        end as danh_gia,
        diem_toi_da,
        diem,
        case
            when thieu = '' and mau_so = 0 then 'Không tính được vì mẫu số bằng 0 (không phát sinh).'
            when gia_tri is not null and bang is not null and abs(gia_tri - bang) > 0.5 * pow(10, -(case
                when round(bang, 0) = bang then 0 when round(bang, 1) = bang then 1
                when round(bang, 2) = bang then 2 else 3 end)) + 1e-9
                then '{DIFFERS}'
        end as ghi_chu,
        thieu
    from scored
)

select * from final order by stt"""


def _points_sql(spec: TableSpec) -> str:
    groups = ",\n        ".join(f"({i}, {_q(g.key)}, {_q(g.name)}, {_num(g.points)}, {_q(SOURCES[g.source])})"
                               for i, g in enumerate(GROUPS, 1))
    note = ("Điểm ước tính của đơn vị theo từng nhóm của Bộ chỉ số 766 = tổng điểm ước tính các chỉ số của nhóm "
            "mà biểu số liệu tính được; chưa tính được khi một chỉ số của nhóm chưa có số liệu. Trọng số nhóm: "
            f"{SOURCES['diem_2025']}; điểm từng chỉ số: {SOURCES['chia_deu'].lower()}.")
    columns = {"nhom": "Nhóm chỉ số", "diem_toi_da": "Điểm tối đa của nhóm | điểm | 2",
               "diem": "Điểm ước tính | điểm | 2", "chi_so": "Chỉ số tính điểm", "ghi_chu": "Ghi chú",
               "nguon": "Nguồn trọng số"}
    return _header(spec, note, columns, "chi_so, ghi_chu", "diem=chi_so") + f"""with

{_period_figures()},

groups as (
    select * from (values
        {groups}
    ) as g (stt, khoa, ten, diem_toi_da, nguon)
),

final as (
    select
        g.stt,
        g.ten as nhom,
        g.diem_toi_da,
        case when count(s.stt) = 0 or count(s.diem) < count(s.stt) then null else sum(s.diem) end as diem,
        string_agg(s.ma, ', ' order by s.stt) as chi_so,
        case
            when count(s.stt) = 0 then 'Biểu số liệu của đơn vị không có chỉ số nào của nhóm này.'
            when count(s.diem) < count(s.stt) then 'Chưa tính được: chỉ số '
                || string_agg(case when s.diem is null then s.ma end, ', ' order by s.stt)
                || ' chưa có số liệu, xem bảng các chỉ số.'
        end as ghi_chu,
        g.nguon
    from groups as g
    left join scored as s on s.nhom = g.khoa and s.diem_toi_da is not null
    group by g.stt, g.ten, g.diem_toi_da, g.nguon
)

select * from final order by stt"""


def _column(key: str) -> tuple[str, list[str], str | None]:
    """(SQL expression, names it reads, header) of a wide table's column."""
    rate = next((r for r in RATES if r.key == key), None)
    if rate:
        return (f"round(100.0 * ({_expr(rate.numerator)}) / nullif({_expr(rate.denominator)}, 0), 2)",
                names(rate.numerator, rate.denominator), f"{rate.label} | %")
    if key in EQUIVALENTS:
        return key, [key], f"{EQUIVALENTS[key].name} | {EQUIVALENTS[key].unit}"
    return key, [key], None  # a field: the catalog's label and unit


# The total row's source: one for all fields of work that hold figures, else none.
NGUON_TOTAL = (",\n        (select case when count(distinct nguon) = 1 then min(nguon) end from nhom "
               "where co_so_lieu) as nguon")


def _grouped_sql(spec: TableSpec) -> str:
    cols = {k: _column(k) for k in spec.columns}
    used = names(*(" + ".join(f) for _, f, _ in cols.values()))
    figures = keys(*used)
    sep = ",\n        "
    by = spec.by
    note = (f"Tỷ lệ theo từng {LABEL.get(by, by).lower()} tính như bảng các chỉ số (Bộ chỉ số 766), làm tròn 2 chữ số "
            "thập phân; hồ sơ đang giải quyết lấy tại tháng cuối của từng dòng (dòng «Cộng»: tháng cuối kỳ "
            f"hoặc dòng «{WHOLE_PERIOD}»). Tiếp nhận mới không gồm hồ sơ kỳ trước chuyển sang. Lĩnh vực không có "
            f"số liệu theo tháng lấy số liệu cả kỳ (dòng «{WHOLE_PERIOD}» của biểu)"
            + (", nên không có trong các tháng: tháng có lĩnh vực như vậy để trống (chưa chia được theo tháng)"
               if by == "thang" else "") + ". Ô để trống là chưa có số liệu, không phải 0.")
    headers = {k: h for k, (_, _, h) in cols.items() if h}
    if by == "thang":
        # a month: the units' months added up; unknown where a unit's figure exists only for the whole period
        rows = f"""{_month_rows(figures)},

by_group as (
    select
        0 as sort_group,
        thang_ngay as sort_key,
        thang,
        {sep.join(_figure(k, '') for k in figures)}
    from theo_thang_don_vi
    group by thang, thang_ngay
    having bool_or(co_so_lieu)
)"""
        extra, extra_header = "", {}
    else:
        rows = f"""by_group as (
    select
        0 as sort_group,
        min(thu_tu) as sort_key,
        ten as {by},
        {sep.join(_figure(k, '') for k in figures)},
        string_agg(distinct nguon, '; ') as nguon
    from nhom
    where co_so_lieu and not tat_ca
    group by ten
)"""
        extra, extra_header = ",\n        nguon", {"nguon": "Số liệu"}
    return _header(spec, note, headers | extra_header) + f"""with

{_rows_cte()},

{_groups_cte(figures)},

{rows},

total as (
    select
        1 as sort_group,
        null as sort_key,
        'Cộng' as {by},
        {sep.join(_figure(k, 'cuoi_ky') for k in figures)}{NGUON_TOTAL if extra else ""}
    from don_vi
    having (select bool_or(co_so_lieu) from nhom)
),

final as (
    select
        sort_group,
        sort_key,
        {by},
        {sep.join(f'{expr} as {k}' for k, (expr, _, _) in cols.items())},
        {_unknown(used)} as thieu{extra}
    from (
        select *{_equivalents(used)}
        from (select * from by_group union all select * from total)
    )
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key"""


@cache
def sql(name: str) -> str:
    """The SQL text (with its header) of one generated table."""
    spec = next(t for t in TABLES if t.key == name)
    if spec.by:
        return _grouped_sql(spec)
    return _points_sql(spec) if spec.key.endswith("_766") else _rates_sql(spec)

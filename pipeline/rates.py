"""The TTHC indicators, declared once in rates_766.toml (DHIS2 style: numerator, denominator,
factor, target, threshold, points, source, and what a blank means), evaluated two ways that agree:

- ``sql(name)`` writes the indicator tables' SQL (read by pipeline.indicators like a .sql file);
- ``value(rate, figures)`` evaluates a rate on a plain dict of the period's figures (field key →
  number or None), e.g. a published figure set.

Blank is not zero. A figure of the period is unknown (NULL) as soon as one row it adds up has the
cell blank, except rows with nothing to handle (``hoat_dong`` = 0), whose blanks are 0; a rate
with an unknown term, or a zero denominator, is unknown: no verdict, no points. Percentages are
rounded to 2 decimals; scoring: rate ≥ threshold earns the full points, below it
rate × points ÷ threshold; a group's estimate is unknown while one of its rates is.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache

from pipeline import paths
from pipeline.catalog import CATALOG

DECLARATIONS = paths.PACKAGE / "rates_766.toml"
_DATA = tomllib.loads(DECLARATIONS.read_text(encoding="utf-8"))
_TERM = re.compile(r"\s*([+-]?)\s*([a-z_][a-z0-9_]*)\s*")

SETTINGS = _DATA["so_lieu"]
TEMPLATE = CATALOG[SETTINGS["mau"]]
STOCKS: tuple[str, ...] = tuple(SETTINGS["ton_cuoi_ky"])  # taken at the period's (group's) last month
ACTIVITY: str = SETTINGS["hoat_dong"]  # a row where this is 0 holds nothing: its blanks are 0
SOURCES: dict[str, str] = _DATA["nguon"]
SHEET_OF = {f.key: s for s in TEMPLATE.sheets for f in s.fields}
LABEL = {f.key: f.label for s in TEMPLATE.sheets for f in s.columns}


def terms(expr: str) -> list[tuple[int, str]]:
    """"a + b - c" → [(1, "a"), (1, "b"), (-1, "c")]; every name a field of the template."""
    out, pos = [], 0
    while pos < len(expr):
        m = _TERM.match(expr, pos)
        if not m or m.end() == pos or (out and not m.group(1)):
            raise ValueError(f"{DECLARATIONS.name}: biểu thức không hợp lệ: {expr!r}")
        if m.group(2) not in SHEET_OF:
            raise ValueError(f"{DECLARATIONS.name}: {m.group(2)!r} không phải trường của biểu {TEMPLATE.id}")
        out.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    return out


def keys(*exprs: str) -> list[str]:
    return list(dict.fromkeys(k for e in exprs for _, k in terms(e)))


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    points: float
    source: str


@dataclass(frozen=True)
class Rate:
    key: str  # column / placeholder name
    code: str | None  # 766 code ("2.1"); None for the system's own rates
    name: str
    numerator: str
    denominator: str
    words: str  # the formula in words
    source: str
    group: str | None = None
    points: float | None = None
    target: float | None = None  # ≥ target: «Đạt»; no target: no verdict
    threshold: float | None = None  # full points at or above
    points_source: str | None = None
    limit: str = ""  # what the template cannot hold that the formula needs
    unit: str = "%"

    @property
    def fields(self) -> list[str]:
        return keys(self.numerator, self.denominator)

    @property
    def label(self) -> str:
        return f"{self.name} (chỉ số {self.code})" if self.code else self.name


@dataclass(frozen=True)
class Count:
    key: str
    name: str
    expr: str
    unit: str

    @property
    def fields(self) -> list[str]:
        return keys(self.expr)


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    order: int
    by: str | None = None
    columns: tuple[str, ...] = ()


GROUPS = tuple(Group(g["khoa"], g["ten"], float(g["diem"]), g["nguon"]) for g in _DATA["nhom"])
RATES = tuple(Rate(r["khoa"], r.get("ma"), r["ten"], r["tu_so"], r["mau_so"], r["loi"], r["nguon"], r.get("nhom"),
                   r.get("diem"), r.get("chi_tieu"), r.get("nguong_diem"), r.get("nguon_diem"), r.get("gioi_han", ""))
              for r in _DATA["chi_so"])
# 766 indicators the template cannot compute: (code, name, the figure the template lacks).
UNSUPPORTED = tuple((u["ma"], u["ten"], u["thieu"]) for u in _DATA.get("chua_tinh", ()))
COUNTS = tuple(Count(c["khoa"], c["ten"], c["bieu_thuc"], c["don_vi"]) for c in _DATA["so_luong"])
TABLES = tuple(TableSpec(b["khoa"], b["tieu_de"], b["thu_tu"], b.get("theo"), tuple(b.get("cot", ())))
               for b in _DATA["bang"])
for _r in RATES:  # every rate reads one sheet: its figures add up over the same rows
    assert len({SHEET_OF[k].key for k in _r.fields}) == 1, _r.key


def get(key: str) -> Rate:
    return next(r for r in RATES if r.key == key)


# ---------------------------------------------------------------------------------------------
# Python evaluation (a plain dict of the period's figures)
def _round(x: float, decimals: int = 2) -> float:
    """Half away from zero, as DuckDB's round()."""
    f = 10 ** decimals
    return math.copysign(math.floor(abs(x) * f + 0.5) / f, x)


def _sum(expr: str, figures: dict) -> float | None:
    values = [(s, figures.get(k)) for s, k in terms(expr)]
    return None if any(v is None for _, v in values) else float(sum(s * v for s, v in values))


def unknown(rate: Rate, figures: dict) -> list[str]:
    """The figures the rate needs that are unknown (None or absent)."""
    return [k for k in rate.fields if figures.get(k) is None]


def value(rate: Rate, figures: dict) -> float | None:
    """The rate in % rounded to 2 decimals; None when a figure is unknown or the denominator is 0."""
    num, den = _sum(rate.numerator, figures), _sum(rate.denominator, figures)
    if num is None or not den:
        return None
    return _round(100.0 * num / den)


def evaluate(figures: dict) -> dict[str, float | None]:
    """Every declared rate on one dict of the period's figures (e.g. a published figure set)."""
    return {r.key: value(r, figures) for r in RATES}


def score(rate: Rate, rate_value: float | None) -> float | None:
    """The estimated points of a rate: full at or above the threshold, else pro rata; None if unknown."""
    if rate.points is None or rate_value is None:
        return None
    if rate_value >= rate.threshold:
        return float(rate.points)
    return _round(rate_value * rate.points / rate.threshold)


# ---------------------------------------------------------------------------------------------
# SQL
def _lower(text: str) -> str:
    return text[0].lower() + text[1:]


def _q(text: str | None) -> str:
    return "null" if text is None else "'" + text.replace("'", "''") + "'"


def _num(x: float | None) -> str:
    return "null::double" if x is None else f"{float(x)!r}::double"


def _figure(key: str, last: str) -> str:
    """The aggregate of one field over a group's rows (NULL without rows): NULL when a row with
    something to handle left it blank (ho_so), or when any row left it blank (danh_muc)."""
    if SHEET_OF[key].key != "ho_so":
        return f"case when count({key}) < count(*) then null else sum({key}) end::double as {key}"
    at = f" and thang_ngay = {last}" if key in STOCKS else ""
    kept = f" filter (where thang_ngay = {last})" if key in STOCKS else ""
    return (f"case when count(*) filter (where {key} is null and {ACTIVITY} <> 0{at}) > 0 then null "
            f"else sum(coalesce({key}, 0)){kept} end::double as {key}")


def _expr(expr: str) -> str:
    return " ".join(("- " if s < 0 else ("+ " if i else "")) + k for i, (s, k) in enumerate(terms(expr)))


def _unknown(fields: list[str]) -> str:
    """A comma-separated list of the unknown figures among fields (empty when all known)."""
    return "concat_ws(',', " + ", ".join(f"case when {k} is null then '{k}' end" for k in fields) + ")"


def _header(spec: TableSpec, note: str, columns: dict[str, str], not_applicable: str = "", depends: str = "") -> str:
    lines = [f"-- title: {spec.title}", f"-- source: {TEMPLATE.id}", f"-- section: {TEMPLATE.section}",
             f"-- order: {spec.order}", f"-- note: {note}", "-- decimals: 2"]
    if not_applicable:
        lines.append(f"-- not_applicable: {not_applicable}")
    if depends:
        lines.append(f"-- depends: {depends}")
    lines += [f"-- column {k}: {v}" for k, v in columns.items()]
    return "\n".join(lines) + "\n"


def _period_figures() -> str:
    used = keys(*(e for r in RATES for e in (r.numerator, r.denominator)))
    ho_so = [k for k in used if SHEET_OF[k].key == "ho_so"]
    danh_muc = [k for k in used if SHEET_OF[k].key != "ho_so"]
    sep = ",\n        "
    return f"""ho_so as (
    select *, strptime(thang, '%m/%Y') as thang_ngay, max(strptime(thang, '%m/%Y')) over () as cuoi_ky
    from cur_{TEMPLATE.id}_ho_so
),

danh_muc as (
    select * from cur_{TEMPLATE.id}_danh_muc
),

so_lieu_ho_so as (
    select
        {sep.join(_figure(k, 'cuoi_ky') for k in ho_so)}
    from ho_so
),

so_lieu_danh_muc as (
    select
        {sep.join(_figure(k, '') for k in danh_muc)}
    from danh_muc
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
            f"{_q(r.group)} as nhom,\n        {_unknown(r.fields)} as thieu\n"
            f"    from so_lieu_ho_so, so_lieu_danh_muc")


RATE_COLUMNS = {"stt": "STT", "ma": "Mã chỉ số (766)", "chi_so": "Khóa", "ten": "Chỉ số", "don_vi": "Đơn vị tính",
                "tu_so": "Tử số", "mau_so": "Mẫu số", "gia_tri": "Kết quả | %", "so_sanh": "So sánh",
                "chi_tieu": "Chỉ tiêu | %", "danh_gia": "Đánh giá", "diem_toi_da": "Điểm tối đa | điểm | 2",
                "diem": "Điểm ước tính | điểm | 2", "ghi_chu": "Ghi chú"}


def _rates_sql(spec: TableSpec) -> str:
    note = ("Tỷ lệ (%) = tử số / mẫu số × 100, làm tròn 2 chữ số thập phân. Số liệu cộng qua các tháng của kỳ; "
            "số hồ sơ đang giải quyết lấy tại tháng cuối kỳ. Điểm: đạt ngưỡng được đủ điểm, dưới ngưỡng "
            "được tỷ lệ × điểm ÷ ngưỡng. Ô để trống là chưa có số liệu, không phải 0. "
            + " ".join(f"Chỉ số {r.code}: {r.limit}." for r in RATES if r.limit)
            + " ".join(f" Chỉ số {c} ({_lower(n)}) chưa tính được: biểu chưa có số liệu {x}." for c, n, x in UNSUPPORTED))
    return _header(spec, note, RATE_COLUMNS, "ma, so_sanh, chi_tieu, diem_toi_da, ghi_chu",
                   "danh_gia=chi_tieu, diem=diem_toi_da") + f"""with

{_period_figures()},

final as (
    select
        stt, ma, chi_so, ten, don_vi, tu_so, mau_so, gia_tri,
        case when chi_tieu is not null then '≥' end as so_sanh,
        chi_tieu,
        case
            when chi_tieu is null or gia_tri is null then null
            when gia_tri >= chi_tieu then 'Đạt'
            else 'Chưa đạt'
        end as danh_gia,
        diem_toi_da,
        diem,
        case when thieu = '' and mau_so = 0 then 'Không tính được vì mẫu số bằng 0 (không phát sinh).' end
            as ghi_chu,
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
    return _header(spec, note, columns, "chi_so, ghi_chu") + f"""with

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
    """(SQL expression, figures it reads, header) of a wide table's column."""
    rate = next((r for r in RATES if r.key == key), None)
    if rate:
        return (f"round(100.0 * ({_expr(rate.numerator)}) / nullif({_expr(rate.denominator)}, 0), 2)", rate.fields,
                f"{rate.label} | %")
    count = next((c for c in COUNTS if c.key == key), None)
    if count:
        return _expr(count.expr), count.fields, f"{count.name} | {count.unit}"
    return key, [key], None  # a field: the catalog's label and unit


def _grouped_sql(spec: TableSpec) -> str:
    cols = {k: _column(k) for k in spec.columns}
    figures = keys(*(" + ".join(f) for _, f, _ in cols.values()))
    sep = ",\n        "
    by = spec.by
    sort = "min(thang_ngay)" if by == "thang" else "min(row_number)"
    note = (f"Tỷ lệ theo từng {LABEL.get(by, by).lower()} tính như bảng các chỉ số (Bộ chỉ số 766), làm tròn 2 chữ số "
            "thập phân; hồ sơ đang giải quyết lấy tại tháng cuối của từng dòng (dòng «Cộng»: tháng cuối kỳ). "
            "Tiếp nhận mới không gồm hồ sơ kỳ trước chuyển sang. Ô để trống là chưa có số liệu, không phải 0.")
    headers = {k: h for k, (_, _, h) in cols.items() if h}
    return _header(spec, note, headers) + f"""with

ho_so as (
    select
        *,
        strptime(thang, '%m/%Y') as thang_ngay,
        max(strptime(thang, '%m/%Y')) over (partition by {by}) as cuoi_nhom,
        max(strptime(thang, '%m/%Y')) over () as cuoi_ky
    from cur_{TEMPLATE.id}_ho_so
),

by_group as (
    select
        0 as sort_group,
        {sort} as sort_key,
        {by},
        {sep.join(_figure(k, 'cuoi_nhom') for k in figures)}
    from ho_so
    group by {by}
),

total as (
    select
        1 as sort_group,
        null as sort_key,
        'Cộng' as {by},
        {sep.join(_figure(k, 'cuoi_ky') for k in figures)}
    from ho_so
    having count(*) > 0
),

final as (
    select
        sort_group,
        sort_key,
        {by},
        {sep.join(f'{expr} as {k}' for k, (expr, _, _) in cols.items())},
        {_unknown(figures)} as thieu
    from (select * from by_group union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key"""


@cache
def sql(name: str) -> str:
    """The SQL text (with its header) of one generated table."""
    spec = next(t for t in TABLES if t.key == name)
    if spec.by:
        return _grouped_sql(spec)
    return _points_sql(spec) if spec.key.endswith("_766") else _rates_sql(spec)


def gap_note(key_list: str, units: list[str]) -> str:
    """«chưa có số liệu "Hồ sơ có phí, lệ phí" của Trung tâm …» for a list of unknown field keys."""
    figures = ", ".join(f'"{LABEL[k]}"' for k in key_list.split(",") if k)
    return f"chưa có số liệu {figures} của {'; '.join(units) or 'đơn vị được giao'}"


def readme() -> str:
    """The README block: each indicator with its formula in words, target, points and source."""
    lines = ["| Mã | Chỉ số | Cách tính | Chỉ tiêu | Điểm (ngưỡng đủ điểm) | Nguồn |", "| --- | --- | --- | --- | --- | --- |"]
    pct = lambda x: "—" if x is None else f"≥ {x:g}%"  # noqa: E731
    for r in RATES:
        points = "—" if r.points is None else f"{r.points:g} ({pct(r.threshold)}; {SOURCES[r.points_source]})"
        words = r.words[0].upper() + r.words[1:] + (f". Lưu ý: {r.limit}" if r.limit else "")
        lines.append(f"| {r.code or 'riêng'} | {r.name} | {words} | {pct(r.target)} | {points} | {SOURCES[r.source]} |")
    for code, name, lacking in UNSUPPORTED:
        lines.append(f"| {code} | {name} | Chưa tính được: biểu chưa có số liệu {lacking} | — | — | "
                     f"{SOURCES['qd766']} |")
    lines += ["", "| Nhóm | Điểm | Nguồn |", "| --- | --- | --- |"]
    lines += [f"| {g.name} | {g.points:g} | {SOURCES[g.source]} |" for g in GROUPS]
    return "\n".join(lines) + "\n"

"""The TTHC indicators, declared once in rates_766.toml (DHIS2 style: numerator, denominator,
factor, target, threshold, points, source, and what a blank means), evaluated two ways that agree:

- ``rates_sql.sql(name)`` writes the indicator tables' SQL (read by pipeline.outputs.indicators
  like a .sql file);
- ``value(rate, figures)`` evaluates a rate on a plain dict of the period's figures (field key →
  number or None), e.g. a published figure set.

Equivalent figures ([[tuong_duong]]): a figure a report prints in one of two ways equal by the
template's definitions (early + on time = resolved − late). A numerator or denominator may name
one like a field; its value is the first of its ways whose every part is known (the unit's own
split wins over an identity), in Python (``figure``) and in SQL (``coalesce`` of the ways, each NULL
when a part is). A gap names the unknown figures of the first (primary) way.

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

from pipeline.core import paths
from pipeline.topics import CATALOG

DECLARATIONS = paths.TOPICS / "tthc" / "rates_766.toml"
_DATA = tomllib.loads(DECLARATIONS.read_text(encoding="utf-8"))
_TERM = re.compile(r"\s*([+-]?)\s*([a-z_][a-z0-9_]*)\s*")

SETTINGS = _DATA["so_lieu"]
TEMPLATE = CATALOG[SETTINGS["mau"]]
# Stocks (pending…), taken at the period's (a month row: its own) last month or the whole-period row.
STOCKS: tuple[str, ...] = TEMPLATE.sheet("ho_so").period_total.stocks
ACTIVITY: str = SETTINGS["hoat_dong"]  # a row where this is 0 holds nothing: its blanks are 0
# A field whose period figure takes its source (the months or the whole-period row) from another's.
FOLLOWS: dict[str, str] = dict(SETTINGS.get("cung_nguon", {}))
WHOLE_PERIOD: str = TEMPLATE.sheet("ho_so").period_total.whole  # the whole period's rows («Cả kỳ»)
ALL_FIELDS: str = SETTINGS["tat_ca_linh_vuc"]  # the row of all fields of work together (their total)
assert ALL_FIELDS in TEMPLATE.sheet("ho_so").keys[1].choices
# Where a field of work's figures come from (the annex's «Số liệu» column, the report's note).
FROM_MONTHS = "Theo tháng"
FROM_WHOLE = "Cả kỳ, không chia theo tháng"
DIFFERS = ("Tỷ lệ tính từ biểu khác tỷ lệ đọc trên Hệ thống 766 quá mức làm tròn: kiểm tra lại số liệu của biểu "
           "và số đọc trên Hệ thống.")
SOURCES: dict[str, str] = _DATA["nguon"]
SHEET_OF = {f.key: s for s in TEMPLATE.sheets for f in s.fields}
LABEL = {f.key: f.label for s in TEMPLATE.sheets for f in s.columns}
UNIT = {f.key: f.unit for s in TEMPLATE.sheets for f in s.columns}


def _terms(expr: str, known) -> list[tuple[int, str]]:
    out, pos = [], 0
    while pos < len(expr):
        m = _TERM.match(expr, pos)
        if not m or m.end() == pos or (out and not m.group(1)):
            raise ValueError(f"{DECLARATIONS.name}: biểu thức không hợp lệ: {expr!r}")
        if m.group(2) not in known:
            raise ValueError(f"{DECLARATIONS.name}: {m.group(2)!r} không phải trường của biểu {TEMPLATE.id} "
                             "hay số liệu tương đương")
        out.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Equivalent:
    """A figure with equal ways of writing it (fields only), the unit's own way first."""

    key: str
    name: str
    ways: tuple[str, ...]

    @property
    def primary(self) -> list[str]:
        return list(dict.fromkeys(k for _, k in _terms(self.ways[0], SHEET_OF)))

    @property
    def fields(self) -> list[str]:
        return list(dict.fromkeys(k for w in self.ways for _, k in _terms(w, SHEET_OF)))

    @property
    def unit(self) -> str:
        return UNIT[self.primary[0]]


EQUIVALENTS = {e["khoa"]: Equivalent(e["khoa"], e["ten"], tuple(e["cach"])) for e in _DATA.get("tuong_duong", ())}
for _e in EQUIVALENTS.values():  # its own key, ways over one sheet's fields
    assert _e.key not in SHEET_OF and len({SHEET_OF[k].key for k in _e.fields}) == 1, _e.key


def terms(expr: str) -> list[tuple[int, str]]:
    """"a + b - c" → [(1, "a"), (1, "b"), (-1, "c")]; every name a field or an equivalent figure."""
    return _terms(expr, SHEET_OF.keys() | EQUIVALENTS.keys())


def names(*exprs: str) -> list[str]:
    """The fields and equivalent figures the expressions name, in order."""
    return list(dict.fromkeys(k for e in exprs for _, k in terms(e)))


def keys(*exprs: str) -> list[str]:
    """The template fields the expressions read (an equivalent figure: the fields of all its ways)."""
    return list(dict.fromkeys(f for k in names(*exprs) for f in (EQUIVALENTS[k].fields if k in EQUIVALENTS else [k])))


def gap_terms(*exprs: str) -> dict[str, list[str]]:
    """Each field a gap note may name → the names whose primary way reads it: the field is named
    when it is unknown and one of those names is unknown (an equivalent known another way is not)."""
    out: dict[str, list[str]] = {}
    for k in names(*exprs):
        for f in EQUIVALENTS[k].primary if k in EQUIVALENTS else [k]:
            out.setdefault(f, []).append(k)
    return out


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
    dashboard: str | None = None  # the field holding the rate as read on the national 766 dashboard
    unit: str = "%"

    @property
    def fields(self) -> list[str]:
        return keys(self.numerator, self.denominator)

    @property
    def label(self) -> str:
        return f"{self.name} (chỉ số {self.code})" if self.code else self.name


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    order: int
    by: str | None = None
    columns: tuple[str, ...] = ()


GROUPS = tuple(Group(g["khoa"], g["ten"], float(g["diem"]), g["nguon"]) for g in _DATA["nhom"])
RATES = tuple(Rate(r["khoa"], r.get("ma"), r["ten"], r["tu_so"], r["mau_so"], r["loi"], r["nguon"], r.get("nhom"),
                   r.get("diem"), r.get("chi_tieu"), r.get("nguong_diem"), r.get("nguon_diem"), r.get("gioi_han", ""), r.get("bang"))
              for r in _DATA["chi_so"])
# 766 indicators the template cannot compute: (code, name, the figure the template lacks).
UNSUPPORTED = tuple((u["ma"], u["ten"], u["thieu"]) for u in _DATA.get("chua_tinh", ()))
TABLES = tuple(TableSpec(b["khoa"], b["tieu_de"], b["thu_tu"], b.get("theo"), tuple(b.get("cot", ())))
               for b in _DATA["bang"])
for _r in RATES:  # every rate reads one sheet: its figures add up over the same rows
    assert len({SHEET_OF[k].key for k in _r.fields}) == 1, _r.key
    assert _r.dashboard is None or SHEET_OF[_r.dashboard].key != "ho_so", _r.key  # one figure for the period
DASHBOARD = tuple(r.dashboard for r in RATES if r.dashboard)


def get(key: str) -> Rate:
    return next(r for r in RATES if r.key == key)


# ---------------------------------------------------------------------------------------------
# Python evaluation (a plain dict of the period's figures)
def _round(x: float, decimals: int = 2) -> float:
    """Half away from zero, as DuckDB's round()."""
    f = 10 ** decimals
    return math.copysign(math.floor(abs(x) * f + 0.5) / f, x)


def _sum(expr: str, figures: dict) -> float | None:
    values = [(s, figure(k, figures)) for s, k in terms(expr)]
    return None if any(v is None for _, v in values) else float(sum(s * v for s, v in values))


def figure(key: str, figures: dict) -> float | None:
    """A field's figure, or an equivalent figure's first way with every part known; None if unknown."""
    if key not in EQUIVALENTS:
        return figures.get(key)
    return next((v for way in EQUIVALENTS[key].ways if (v := _sum(way, figures)) is not None), None)


def unknown(rate: Rate, figures: dict) -> list[str]:
    """The unknown (None or absent) fields that leave the rate unknown (see gap_terms)."""
    return [f for f, used_by in gap_terms(rate.numerator, rate.denominator).items()
            if figures.get(f) is None and any(figure(k, figures) is None for k in used_by)]


def value(rate: Rate, figures: dict) -> float | None:
    """The rate in % rounded to 2 decimals; None when a figure is unknown or the denominator is 0."""
    num, den = _sum(rate.numerator, figures), _sum(rate.denominator, figures)
    if num is None or not den:
        return None
    return _round(100.0 * num / den)


def evaluate(figures: dict) -> dict[str, float | None]:
    """Every declared rate on one dict of the period's figures (e.g. a published figure set)."""
    return {r.key: value(r, figures) for r in RATES}


def differs(computed: float | None, read: float | None) -> bool:
    """True when a rate read on the dashboard and the computed one differ beyond the read one's rounding."""
    if computed is None or read is None:
        return False
    decimals = next(d for d in (0, 1, 2, 3) if round(read, d) == read or d == 3)
    return abs(computed - read) > 0.5 * 10 ** -decimals + 1e-9


def score(rate: Rate, rate_value: float | None) -> float | None:
    """The estimated points of a rate: full at or above the threshold, else pro rata; None if unknown."""
    if rate.points is None or rate_value is None:
        return None
    if rate_value >= rate.threshold:
        return float(rate.points)
    return _round(rate_value * rate.points / rate.threshold)


# ---------------------------------------------------------------------------------------------
def gap_note(key_list: str, units: list[str], labels: dict[str, str] | None = None) -> str:
    """«chưa có số liệu "Hồ sơ có phí, lệ phí" của Trung tâm …» for a list of unknown field keys
    (labels: another template's key → label; the TTHC template's by default)."""
    labels = LABEL if labels is None else labels
    figures = ", ".join(f'"{labels.get(k, k)}"' for k in key_list.split(",") if k)
    return f"chưa có số liệu {figures} của {'; '.join(units) or 'đơn vị được giao'}"


def in_words(expr: str) -> str:
    """An expression over fields in the template's labels: «Đã giải quyết – Tổng số − Đã giải quyết – Quá hạn»."""
    return " ".join(("− " if s < 0 else ("+ " if i else "")) + f"«{LABEL[k]}»" for i, (s, k) in enumerate(terms(expr)))


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
    lines += ["", "| Số liệu | Cách ghi (dùng cách đầu tiên có đủ số liệu) |", "| --- | --- |"]
    lines += [f"| {e.name} | {'; hoặc '.join(in_words(w) for w in e.ways)} |" for e in EQUIVALENTS.values()]
    lines += ["", "| Nhóm | Điểm | Nguồn |", "| --- | --- | --- |"]
    lines += [f"| {g.name} | {g.points:g} | {SOURCES[g.source]} |" for g in GROUPS]
    return "\n".join(lines) + "\n"

"""A commune's reporting months against its city's (issue 27, item 1).

The package is written in the city's shape, so with the city's reporting months (`[period]
month_starts_on` of inputs/cap_tren.toml). A sheet with rows per period and whole-period rows
(`Sheet.period_total`: TTHC's months and «Cả kỳ») keeps its months when every month of the city has
the same first and last day as the commune's (the rows are then the same). Otherwise (a ward counting
months from the 15th, a city counting calendar months) no month of the city is made of whole months
of the commune: the package sends the whole period instead, on the «Cả kỳ» rows, each figure exactly
as the commune's own tables compute it (`rates_periods.period_figures`: its months where given, else its
whole-period row, stocks at the last month), with the month cells it adds up as its sources (the
origin sheet), and the month rows left blank; both builds say so.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from pipeline.core.config import Config
from pipeline.core.model import Sheet
from pipeline.outputs import rates_periods
from pipeline.outputs.rates import STOCKS
from pipeline.store import warehouse
from pipeline.topics import CATALOG


def same_months(commune: Config, city: Config) -> bool:
    """The city's reporting months have the commune's first and last days (the same rows)."""
    return list(commune.reporting_months) == list(city.reporting_months)


def months_text(config: Config) -> str:
    return ("tháng dương lịch" if config.month_starts_on == 1
            else f"tháng tính từ ngày {config.month_starts_on} tháng trước")


def note(commune: Config, city: Config, sheet: Sheet) -> str:
    whole = sheet.period_total.whole if sheet.period_total else ""
    return (f"tháng báo cáo của {commune.full_name} ({months_text(commune)}) khác tháng báo cáo của {city.full_name} "
            f"({months_text(city)}): ranh giới ngày của các tháng không trùng nên không chia lại được theo tháng của "
            f"{city.full_name}. Gói gửi số liệu cả kỳ ({commune.period_text}) ở các dòng «{whole}» của trang "
            f"«{sheet.name}», các dòng tháng để trống; {city.full_name} nhận đủ số cả kỳ.")


def _month(text: object) -> datetime | None:
    try:
        return datetime.strptime(str(text), "%m/%Y")
    except ValueError:
        return None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def whole_period(con: duckdb.DuckDBPyConnection, sheet: Sheet, facts: list[dict], city: Config
                 ) -> tuple[list[dict], dict[tuple[int, str], list[dict]]]:
    """(rows of the city's sheet: the «Cả kỳ» rows filled, the months blank; (row, field) → the commune
    records whose cells the figure adds up)."""
    spec = sheet.period_total
    assert spec is not None
    group = next(k.key for k in sheet.keys if k.key != spec.by)
    keys = [k.key for k in sheet.keys]
    index = {tuple(str(v) for v in row): i for i, row in enumerate(sheet.rows(city))}
    sql, figures = rates_periods.period_figures()
    found = {r[0]: dict(zip(["ten_linh_vuc", *figures], r[1:], strict=True)) for r in con.execute(sql).fetchall()}
    months = [r for r in facts if r.get(spec.by) != spec.whole]
    wholes = [r for r in facts if r.get(spec.by) == spec.whole]
    last = max((d for r in months if (d := _month(r.get(spec.by)))), default=None)
    rows = [{c.key: None for c in sheet.fields} for _ in index]
    sources: dict[tuple[int, str], list[dict]] = {}
    for name, values in found.items():
        at = index.get(tuple(spec.whole if k == spec.by else str(name) for k in keys))
        if at is None:
            continue
        mine = [r for r in months if r.get(group) == name]
        for key, value in values.items():
            if value is None:
                continue
            col = sheet.column(key)
            if not col.numeric:
                rows[at][key] = value
                sources[(at, key)] = [next(r for r in facts if r.get(group) == name and r.get(key) == value)]
                continue
            given = [r for r in mine if r.get(key) is not None and (key not in STOCKS or _month(r.get(spec.by)) == last)]
            whole = [r for r in wholes if r.get(group) == name and r.get(key) is not None]
            if given and _close(sum(r[key] for r in given), value):
                used = given
            elif whole and _close(max(r[key] for r in whole), value):
                used = [max(whole, key=lambda r: r[key])]
            else:
                continue  # 0 for a field of work holding nothing: the city counts it so from a blank row
            rows[at][key] = int(round(value)) if col.type == "int" else value
            sources[(at, key)] = used
    return rows, sources


def city_lines(con: duckdb.DuckDBPyConnection, config: Config) -> list[str]:
    """At the city: the communes whose current figures of a sheet with whole-period rows hold the whole
    period only (a package whose months could not be re-cut, or a commune holding only its totals)."""
    names = {u.code: u.name for u in config.units}
    lines = []
    for template in CATALOG.values():
        for sheet in template.sheets:
            spec = sheet.period_total
            if spec is None:
                continue
            given = " or ".join(f"{f.key} is not null" for f in sheet.fields if f.numeric)
            found = con.execute(
                f"select unit_code from cur_{warehouse.table_name(template.id, sheet.key)} group by unit_code "
                f"having count(*) filter (where {spec.by} = ? and ({given})) > 0 "
                f"and count(*) filter (where {spec.by} <> ? and ({given})) = 0 order by unit_code",
                [spec.whole, spec.whole]).fetchall()
            if found:
                who = ", ".join(names.get(code, code) for (code,) in found)
                lines.append(f"- {template.title}: {who} gửi số liệu cả kỳ (dòng «{spec.whole}»), không chia theo "
                             f"tháng của {config.full_name} ({months_text(config)}); các bảng theo tháng không gồm "
                             "số liệu của các đơn vị này, các bảng cả kỳ có đủ.")
    return lines

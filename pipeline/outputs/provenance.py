"""Provenance: every printed figure traced to the submissions, sheets and cells it comes from.

`explain(con, config, name)` answers for an indicator table (`nhan_su_theo_co_quan`), one of its
cells (`nhan_su_theo_co_quan:hien_co:Cộng`, `tthc_theo_thang:nhan_truc_tuyen:03/2026`), a TTHC rate
key (`ty_le_truc_tuyen`) or a report placeholder (`tthc_ty_le_truc_tuyen`, `ns_hien_co`).

Which cells contribute is derived, never restated: a table's lineage is the `cur_*` views its SQL
reads (`Query.sources`); its fields are the sheet fields the SQL names (for a computed column, the
fields named in the expression that defines it); a rate's, and those of a rate table's cell (a
rate's row or column, an equivalent figure's column, on a row of the table's grouping), are the
terms as `rates` evaluates them (an equivalent figure by its first way with every part known, a
stock field at the last month). A table row is the rows of the current submissions whose first
column (a sheet field) has the row's label; the total row («Cộng») is all of them. The cells are
the warehouse's: the facts of the current submissions with their column letters (`sheet_columns`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd

from pipeline.core import vn
from pipeline.core.config import Config
from pipeline.intake import export_06a
from pipeline.outputs import indicators, rates
from pipeline.store import warehouse
from pipeline.topics import CATALOG

TOTAL_ROW = "Cộng"
SEP = ":"  # table:column:row
RATE_TABLE = "tthc_chi_so"  # the table printing each rate on the row of its key (column chi_so)
RATE_KEY_COLUMN, RATE_VALUE_COLUMN = "chi_so", "gia_tri"


def shown(value: object) -> str:
    """A cell's value as the unit typed it: 1.234,5 with every decimal it has, dates dd/mm/yyyy."""
    if value is None:
        return "trống (chưa biết)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        decimals = 0 if float(value).is_integer() else min(6, len(f"{value:.6f}".rstrip("0").split(".")[1]))
        return vn.number(value, decimals)
    if isinstance(value, date):
        return vn.day(value)
    return str(value)


@dataclass(frozen=True)
class Cell:
    """One contributing cell: «tệp › trang!ô = giá trị», the unit that sent it and when."""

    file_name: str
    sheet: str
    a1: str
    field: str
    value: object
    unit: str
    received_at: datetime | None
    # At a city, a cell of a commune's package: where the commune got it (Origin.text, one per source cell)
    origins: tuple[str, ...] = ()
    part: str | None = None  # the period of an export of the TTHC system (intake.export_06a)

    def text(self) -> str:
        when = f", gửi lúc {self.received_at:%d/%m/%Y %H:%M}" if self.received_at else ""
        source = export_06a.source_text(self.file_name, self.part) if self.part else self.file_name
        head = f"{source} › {self.sheet}!{self.a1} = {shown(self.value)} ({self.unit}{when})"
        return "\n".join([head] + [f"      ← {origin}" for origin in self.origins])


def origin_text(commune: str, unit: str, file_name: str, source: str, value: str, received: str | None) -> str:
    """One commune cell behind a package cell: «xã An Thành › đơn vị › tệp › trang!ô = giá trị (nhận lúc …)»."""
    when = f" (xã nhận lúc {received})" if received else ""
    return f"{commune} › {unit} › {file_name} › {source} = {value}{when}"


def _origins(con: duckdb.DuckDBPyConnection, config: Config, ids: list[int]) -> dict[tuple, tuple[str, ...]]:
    """(submission, sheet, cell) → the commune cells behind that cell of a package (city level only)."""
    if not config.is_city or not ids:
        return {}
    names = {u.code: u.name for u in config.units}
    out: dict[tuple, list[str]] = {}
    for sid, sheet, cell, value, unit, file_name, source, received, commune in con.execute(
            "SELECT o.submission_id, o.sheet_name, o.cell, o.value, o.unit_name, o.file_name, o.source_cell, "
            "o.received, s.unit_code FROM origins o JOIN submissions s USING (submission_id) "
            "WHERE o.submission_id IN (SELECT unnest(?)) ORDER BY o.submission_id, o.cell", [ids]).fetchall():
        out.setdefault((sid, sheet, cell), []).append(
            origin_text(names.get(commune, commune), unit, file_name, source, value, received))
    return {key: tuple(texts) for key, texts in out.items()}


@dataclass
class Explanation:
    name: str
    title: str
    formula: str
    value: str | None  # as printed; None for a whole table
    cells: list[Cell] = field(default_factory=list)
    sources: tuple[str, ...] = ()  # template ids

    def text(self) -> str:
        lines = [f"{self.title}", f"Cách tính: {self.formula}"]
        if self.value is not None:
            lines.append(f"Giá trị in trong báo cáo, phụ lục: {self.value}")
        lines.append("Biểu nguồn: " + "; ".join(CATALOG[t].title for t in self.sources))
        lines.append(f"Các ô số liệu đã dùng ({len(self.cells)} ô):")
        lines += [f"  - {c.text()}" for c in self.cells] or ["  (chưa có ô nào: chưa đơn vị nào gửi số liệu)"]
        return "\n".join(lines)


class Unknown(LookupError):
    """The name is neither a table, a cell, a rate nor a placeholder; the message is Vietnamese."""


# ---------------------------------------------------------------------------------------------
# Cells of the warehouse


def _view_fields(view: str) -> tuple[str, str, list[str]]:
    table = view.removeprefix("cur_")
    template_id, sheet_key = warehouse.fact_tables()[table]
    sheet = next(s for s in CATALOG[template_id].sheets if s.key == sheet_key)
    return table, template_id, [c.key for c in sheet.columns]


def views(q: indicators.Query) -> list[str]:
    """The `cur_<table>` views the query's SQL reads, in order (its lineage)."""
    known = {f"cur_{t}" for t in warehouse.fact_tables()}
    return list(dict.fromkeys(v for v in re.findall(r"\bcur_[a-z0-9_]+", q.sql) if v in known))


def rows(con: duckdb.DuckDBPyConnection, view: str) -> pd.DataFrame:
    """The view's facts with the file, sheet, unit and received time of each row."""
    return con.execute(f"SELECT f.*, s.file_name AS _file, s.received_at AS _received, s.part AS _part FROM {view} f "
                       "JOIN submissions s USING (submission_id) ORDER BY s.unit_code, f.row_number").df()


def cells(con: duckdb.DuckDBPyConnection, config: Config, view: str, fields: list[str],
          frame: pd.DataFrame | None = None) -> list[Cell]:
    """The cells of the given fields in the given rows (default: every current row) of a view."""
    table = view.removeprefix("cur_")
    frame = rows(con, view) if frame is None else frame
    letters = {(s, f): (name, col) for s, name, f, col in con.execute(
        "SELECT submission_id, sheet_name, field, col FROM sheet_columns WHERE sheet_table = ?", [table]).fetchall()}
    names = {u.code: u.name for u in config.units}
    origins = _origins(con, config, sorted({int(i) for i in frame["submission_id"]}) if len(frame) else [])
    out = []
    for record in frame.to_dict("records"):
        for f in fields:
            sheet, col = letters.get((record["submission_id"], f), ("?", "?"))
            value = record[f]
            value = None if value is None or (isinstance(value, float) and value != value) or value is pd.NaT else value
            value = value.item() if hasattr(value, "item") else value
            received = record["_received"]
            a1 = f"{col}{record['row_number']}"
            out.append(Cell(record["_file"], sheet, a1, f, value, names.get(record["unit_code"], record["unit_code"]),
                            None if pd.isna(received) else pd.Timestamp(received).to_pydatetime(),
                            origins.get((record["submission_id"], sheet, a1), ()),
                            record.get("_part") if isinstance(record.get("_part"), str) else None))
    return out


# ---------------------------------------------------------------------------------------------
# What a table, a column, a rate reads


def _named(text: str, fields: list[str]) -> list[str]:
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text))
    return [f for f in fields if f in words]


def _expression(q: indicators.Query, column: str) -> str | None:
    """The SQL expression defining a computed column (`… as column`), when the SQL writes one."""
    found = re.findall(rf"^\s*(.+?)\s+as\s+{re.escape(column)}\s*,?\s*$", q.sql, re.M | re.I)
    return found[-1] if found else None


def _row_filter(frame: pd.DataFrame, q: indicators.Query, first: str, label: str | None) -> pd.DataFrame:
    if label is None or label == TOTAL_ROW or first not in frame.columns:
        return frame
    return frame[frame[first].astype(str) == label]


def _rate_fields(keys: list[str], frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(field, rows) the figures `keys` (fields or equivalents) add up over frame, as rates.figure
    chooses them: an equivalent by its first way whose every part is known; a stock field at the
    last month only."""
    if "thang" in frame.columns and len(frame):
        months = pd.to_datetime(frame["thang"], format="%m/%Y", errors="coerce")
        last = frame[months == months.max()]
    else:
        last = frame
    active = frame[rates.ACTIVITY] != 0 if rates.ACTIVITY in frame.columns else pd.Series(True, index=frame.index)

    def rows_of(key: str) -> pd.DataFrame:
        return last if key in rates.STOCKS else frame

    def known(key: str) -> bool:
        part = rows_of(key)
        return key in part.columns and not part[key][active.reindex(part.index, fill_value=True)].isna().any()

    out = []
    for key in keys:
        way = [key]
        if key in rates.EQUIVALENTS:
            ways = [[k for _, k in rates.terms(w)] for w in rates.EQUIVALENTS[key].ways]
            way = next((w for w in ways if all(known(k) for k in w)), ways[0])
        out += [(k, rows_of(k)) for k in way if k not in [f for f, _ in out]]
    return out


def _rate(con, config: Config, results: dict, rate: rates.Rate, name: str) -> Explanation:
    """A TTHC rate over the period, as printed in the rate table."""
    view = _rate_view(rate)
    frame = rows(con, view)
    used = _rate_fields(rates.names(rate.numerator, rate.denominator), frame)
    found = [c for f, part in used for c in cells(con, config, view, [f], part) if c.value is not None]
    t = _table(con, config, results, RATE_TABLE)
    i = t.row_index(rate.key)
    how = ("mỗi số liệu cộng qua các tháng và các đơn vị, số đang giải quyết lấy tại tháng cuối kỳ"
           if "thang" in frame.columns else "mỗi số liệu cộng qua các đơn vị")
    formula = f"{rate.words} (× 100); {how}; các số liệu đã dùng: " + ", ".join(f"«{rates.LABEL[f]}»" for f, _ in used)
    return Explanation(name, rate.label, formula, None if i is None else t.table.text(i, RATE_VALUE_COLUMN),
                       found, (rates.TEMPLATE.id,))


def _rate_view(rate: rates.Rate) -> str:
    return f"cur_{warehouse.table_name(rates.TEMPLATE.id, rates.SHEET_OF[rate.fields[0]].key)}"


def _rates_cell(con, config: Config, q: indicators.Query, column: str, label: str | None) -> list[Cell] | None:
    """The cells of a cell of a rate table (rates_sql): a rate's row or column, or a figure's
    column (a field or an equivalent) on a row of the table's grouping (month, …); None otherwise."""
    if q.name not in {spec.key for spec in rates.TABLES}:
        return None
    keyed = {r.key: r for r in rates.RATES}
    rate = keyed.get(label or "") or keyed.get(column)
    if rate is not None:
        keys, view = rates.names(rate.numerator, rate.denominator), _rate_view(rate)
    elif column in rates.EQUIVALENTS or column in rates.SHEET_OF:
        keys = [column]
        key = rates.EQUIVALENTS[column].fields[0] if column in rates.EQUIVALENTS else column
        view = f"cur_{warehouse.table_name(rates.TEMPLATE.id, rates.SHEET_OF[key].key)}"
    else:
        return None
    frame = rows(con, view)
    spec = next(spec for spec in rates.TABLES if spec.key == q.name)
    if spec.by and label not in (None, TOTAL_ROW) and spec.by in frame.columns:
        frame = frame[frame[spec.by].astype(str) == label]
    return [c for f, part in _rate_fields(keys, frame) for c in cells(con, config, view, [f], part)
            if c.value is not None]


@dataclass
class _Printed:
    table: indicators.Table

    @property
    def key(self) -> str:
        """The column naming a row: a rate's key, else the first column."""
        return RATE_KEY_COLUMN if RATE_KEY_COLUMN in self.table.frame.columns else self.table.columns[0].key

    def label(self, i: int) -> str:
        return str(self.table.value(i, self.key))

    def row_index(self, label: str) -> int | None:
        return next((i for i in range(len(self.table.frame)) if self.label(i) == label), None)


def _table(con, config: Config, results: dict, name: str) -> _Printed:
    if name not in results:
        results[name] = indicators.table(con, name, config)
    return _Printed(results[name])


def _cell(con, config: Config, results: dict, name: str, column: str | None, label: str | None) -> Explanation:
    q = indicators.query(name)
    t = _table(con, config, results, name).table
    keys = [c.key for c in t.columns]
    if column is not None and column not in keys:
        raise Unknown(f"Bảng «{q.title}» không có cột «{column}». Các cột: {', '.join(keys)}.")
    first = keys[0]
    i = None
    if label is not None:
        i = _Printed(t).row_index(label)
        if i is None:
            raise Unknown(f"Bảng «{q.title}» không có dòng «{label}».")
    found: list[Cell] | None = _rates_cell(con, config, q, column, label) if column is not None else None
    for view in views(q) if found is None else ():
        _, _, fields = _view_fields(view)
        if column is None:
            wanted = _named(q.sql, fields)
        elif column in fields:
            wanted = [column]
        else:
            wanted = _named(_expression(q, column) or q.sql, fields)
        frame = _row_filter(rows(con, view), q, first, label)
        found = (found or []) + [c for c in cells(con, config, view, wanted, frame)
                                 if c.value is not None or column is not None]
    label_col = next((c for c in t.columns if c.key == column), None)
    title = q.title if label_col is None else f"{q.title} — {label_col.header}" + (f", dòng «{label}»" if label else "")
    value = t.text(i, column) if column is not None and i is not None else None
    return Explanation(SEP.join(p for p in (name, column, label) if p), title, q.note or q.title, value, found,
                       q.sources)


# ---------------------------------------------------------------------------------------------
# Placeholders


def _placeholder(con, config: Config, results: dict, name: str, printed: str, topic: str) -> Explanation | None:
    """A report placeholder printing `printed` in the section of topic (a template id): a rate's
    (tthc_<rate key>), else the cell of the topic's tables printing the same text, the total row
    first (the sections print totals)."""
    if name.startswith("tthc_") and any(r.key == name.removeprefix("tthc_") for r in rates.RATES):
        return _rate(con, config, results, rates.get(name.removeprefix("tthc_")), name)
    tables = [_table(con, config, results, q.name) for q in indicators.queries() if q.source == topic and views(q)]
    for total in (True, False):  # the total rows of every table first: the sections print totals
        for printed_table in tables:
            t = printed_table.table
            for i in range(len(t.frame)):
                if (printed_table.label(i) == TOTAL_ROW) != total:
                    continue
                for c in t.columns[1:]:
                    if c.kind != "text" and t.text(i, c.key) in (printed, printed.removesuffix("%")):
                        out = _cell(con, config, results, t.query.name, c.key, printed_table.label(i))
                        out.name, out.value = name, printed
                        return out
    return None


def explain(con: duckdb.DuckDBPyConnection, config: Config, name: str,
            placeholders: dict[str, tuple[str, str]] | None = None) -> Explanation:
    """What a printed figure is computed from (see the module doc); Unknown for any other name.
    placeholders: report placeholder → (its text as printed, the template id of its section), from
    the report engine (which sits above this module), for the placeholder names to answer for."""
    results: dict = {}
    table, _, rest = name.partition(SEP)
    column, _, label = rest.partition(SEP)
    if table in indicators.names():
        return _cell(con, config, results, table, column or None, label or None)
    if any(r.key == name for r in rates.RATES):
        return _rate(con, config, results, rates.get(name), name)
    if placeholders and name in placeholders:
        found = _placeholder(con, config, results, name, *placeholders[name])
        if found is not None:
            return found
        raise Unknown(f"Chưa lần được trường báo cáo «{name}» (đang in «{placeholders[name][0]}») về một ô của bảng "
                      "số liệu nào; hãy hỏi theo tên bảng và cột, ví dụ nhan_su_theo_co_quan:hien_co:Cộng.")
    raise Unknown(f"Không có bảng, chỉ số hay trường báo cáo tên «{name}». Các bảng: {', '.join(indicators.names())}; "
                  f"các chỉ số: {', '.join(r.key for r in rates.RATES)}.")

"""Indicators: the SQL files of pipeline/sql/ run over the warehouse's current data.

Each .sql file is one output table. Its header comments say what the table is:

    -- title: <Vietnamese title>          (the table's template is the topic folder the file is in; the
                                            other templates it reads are found in its SQL: Query.sources)
    -- section: <plan section, e.g. II.4> -- order: <position within the section>
    -- note: <how it is computed>         -- not_applicable: <columns where blank means "[z]">
    -- column <name>: <label> | <unit> [| <decimals>]   (only for computed columns: a column named
                                            like a catalog field takes the catalog's label and unit)
    -- decimals: <decimals of the percent columns, 1 unless given>
    -- depends: <column>=<column>, …   (a blank cell is "[z]" when the other column is blank too, else "[x]")
    -- word: no                        (the table stays out of the report's Word annex, e.g. long texts
                                        kept for the record: the annex workbook still holds it)

The TTHC tables are not files: pipeline/rates.py writes their SQL from the declarations
(rates_766.toml), with the same header. The templates a table reads (its lineage) are the
`cur_<template>_<sheet>` views its SQL names, so a unit missing for any of them is named.
A column `thieu` (comma-separated keys of unknown figures) is turned into words naming the
figures and the unit: into the row's `ghi_chu` when the table has one, else into the notes.

A blank result is never shown as 0 or NaN: it is the gap mark "[x]" (vn.GAP) with a note
saying why — a zero denominator, or whose data is missing (owners in the configuration
without a current submission).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.core import vn
from pipeline.core.config import Config, Unit
from pipeline.core.model import Template
from pipeline.outputs import rates, rates_sql
from pipeline.topics import CATALOG, TOPICS

NOT_APPLICABLE = "[z]"  # ONS shorthand: the cell has no meaning here (e.g. no target set)
LABEL_COLUMN = "truong"  # a column whose values are catalog field keys, shown as their labels
UNKNOWN_COLUMN = "thieu"  # keys of the unknown figures of a row (see rates.py), turned into words
VALUE_COLUMN, UNIT_COLUMN = "gia_tri", "don_vi"  # an indicator table: each row's value printed by its unit
NOTE_COLUMN = "ghi_chu"  # a row's own note: its blank cells are gaps it explains
MONTH_COLUMN = "thang"  # a reporting month «MM/YYYY»: printed as Config.month_labels says (a cut month by its dates)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = ""
    kind: str = "number"  # number | percent | text
    decimals: int = 0
    digits: int | None = None  # decimals fixed by the query header

    @property
    def header(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    source: str
    section: str
    order: int
    note: str
    labels: dict[str, tuple[str, str, int | None]]
    not_applicable: tuple[str, ...]
    sql: str
    percent_decimals: int = 1
    depends: dict[str, str] = field(default_factory=dict)  # column → the column whose blank makes it "[z]"
    in_word: bool = True  # printed in the report's Word annex ("-- word: no" keeps it to the workbook)

    @property
    def template(self) -> Template:
        return CATALOG[self.source]

    @property
    def sources(self) -> tuple[str, ...]:
        """The templates the SQL reads (its `cur_<template>_<sheet>` views), the header's first."""
        views = {f"cur_{t.id}_{s.key}": t.id for t in CATALOG.values() for s in t.sheets}
        found = [views[v] for v in re.findall(r"\bcur_[a-z0-9_]+", self.sql) if v in views]
        return tuple(dict.fromkeys([self.source, *found]))


@dataclass
class Table:
    """One output table: the query, its rows, column descriptions and notes (gaps)."""

    query: Query
    frame: pd.DataFrame
    columns: list[Column]
    missing: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # outcomes of cross-checks (annex notes)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # column → value → as printed (text only)
    _records: list[dict] | None = field(default=None, repr=False)

    @property
    def has_gap(self) -> bool:
        return any(self.mark(i, c) == vn.GAP for i in range(len(self.frame)) for c in self.columns)

    def value(self, i: int, key: str):
        """The raw value (None when blank)."""
        if self._records is None:
            self._records = self.frame.to_dict("records")
        v = self._records[i][key]
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        return v.item() if hasattr(v, "item") else v

    def mark(self, i: int, column: Column) -> str | None:
        """"[x]" or "[z]" for a blank cell, None for a filled one."""
        if self.value(i, column.key) is not None:
            return None
        if column.key in self.query.depends:  # not applicable only where what it depends on is blank too
            applies = self.value(i, self.query.depends[column.key]) is None
        else:
            applies = column.key in self.query.not_applicable
        return NOT_APPLICABLE if applies and not self.missing else vn.GAP

    def text(self, i: int, key: str) -> str:
        """A cell as printed: 1.234,5 / 98,7% / [x]."""
        column = next(c for c in self.columns if c.key == key)
        mark = self.mark(i, column)
        if mark:
            return mark
        v = self.value(i, key)
        if key == VALUE_COLUMN and column.kind == "number" and UNIT_COLUMN in self.frame.columns:
            return vn.by_unit(v, str(self.value(i, UNIT_COLUMN) or ""), self.query.percent_decimals)
        if column.kind == "percent":
            return vn.number(v, column.decimals)
        if column.kind == "number":
            return vn.number(v, column.decimals)
        return self.labels.get(key, {}).get(str(v), str(v))

    def row(self, first_col_value: str) -> int | None:
        """Index of the row whose first column equals the given text."""
        first = self.columns[0].key
        for i in range(len(self.frame)):
            if str(self.value(i, first)) == first_col_value:
                return i
        return None


_HEADER = re.compile(r"^--\s*(\w+)(?:\s+(\w+))?\s*:\s*(.*)$")


def _parse(path: Path) -> Query:
    """A topic's SQL file (pipeline/topics/<template id>/[city/]<name>.sql): its template is its folder's."""
    source = next(parent.name for parent in path.parents if parent.name in CATALOG)
    return _parse_text(path.stem, path.read_text(encoding="utf-8"), source)


def _parse_text(name: str, text: str, source: str) -> Query:
    meta: dict[str, str] = {}
    labels: dict[str, tuple[str, str, int | None]] = {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, column, value = m.groups()
        if key == "column" and column:
            label, _, rest = value.partition("|")
            unit, _, digits = rest.partition("|")
            labels[column] = (label.strip(), unit.strip(), int(digits) if digits.strip() else None)
        else:
            meta[key] = value.strip()
    missing = [k for k in ("title", "section", "order") if k not in meta]
    if missing or "source" in meta:
        raise ValueError(f"{name}: header must give title, section, order (and no source: it is the topic's)")
    return Query(
        name=name, title=meta["title"], source=source, section=meta["section"],
        order=int(meta["order"]), note=meta.get("note", ""), labels=labels,
        not_applicable=tuple(c.strip() for c in meta.get("not_applicable", "").split(",") if c.strip()),
        sql=text, percent_decimals=int(meta.get("decimals", 1)),
        depends=dict(tuple(p.strip() for p in pair.split("=")) for pair in meta.get("depends", "").split(",")
                     if pair.strip()),
        in_word=meta.get("word", "yes").strip().lower() != "no",
    )


def _section_key(section: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.]", section))


@cache
def queries() -> tuple[Query, ...]:
    """Every output table, in report order (plan section, then order within it)."""
    found = [_parse(p) for topic in TOPICS for p in topic.sql_files]
    found += [_parse_text(t.key, rates_sql.sql(t.key), rates_sql.TEMPLATE.id) for t in rates.TABLES]
    return tuple(sorted(found, key=lambda q: (_section_key(q.section), q.order)))


def names() -> list[str]:
    return [q.name for q in queries()]


def query(name: str) -> Query:
    for q in queries():
        if q.name == name:
            return q
    raise KeyError(f"No indicator query named {name!r}; known: {', '.join(names())}")


def run(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Run one indicator query by name and return its rows."""
    return con.execute(query(name).sql).df()


def missing_units(con: duckdb.DuckDBPyConnection, config: Config) -> dict[str, list[Unit]]:
    """For each template: the owning units (from the configuration) with no current submission."""
    sent = set(con.execute("select distinct template_id, unit_code from current_submissions").fetchall())
    return {tid: [u for u in config.owners(tid) if (tid, u.code) not in sent] for tid in CATALOG}


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when any current submission is a demo file (SỐ LIỆU MINH HỌA)."""
    row = con.execute("select coalesce(bool_or(demo), false) from current_submissions").fetchall()[0]
    return bool(row[0])


def missing_note(template: Template, units: list[Unit]) -> str:
    names_ = "; ".join(f"{u.name} ({u.code})" for u in units)
    return (f"{vn.GAP}: chưa có số liệu của {names_} — đơn vị chưa gửi hoặc chưa gửi được "
            f"{template.title[0].lower() + template.title[1:]}.")


def _columns(q: Query, frame: pd.DataFrame) -> list[Column]:
    fields = {c.key: c for s in q.template.sheets for c in s.columns}
    keys = {c.key for s in q.template.sheets for c in s.keys}
    out = []
    for key in frame.columns:
        digits = None
        if key in q.labels:
            label, unit, digits = q.labels[key]
            kind = "percent" if unit == "%" else ("number" if pd.api.types.is_numeric_dtype(frame[key]) else "text")
            decimals = q.percent_decimals if kind == "percent" else 0
        elif key in fields:
            f = fields[key]
            label, unit = f.label, f.unit
            kind = "number" if f.numeric and key not in keys else "text"  # a year key is not a quantity
            decimals = 1 if f.type == "number" else 0
        else:
            label, unit = key, ""
            kind = "number" if pd.api.types.is_numeric_dtype(frame[key]) else "text"
            decimals = 0
        if kind == "number" and key not in fields and pd.api.types.is_float_dtype(frame[key]):
            values = frame[key].dropna()
            if len(values) and not (values == values.round()).all():
                decimals = 1
        out.append(Column(key, label, unit, kind, digits if digits is not None else decimals, digits))
    return out


def gap_labels(*templates: Template) -> dict[str, str]:
    """What a `thieu` key names: a field's label, or a free list's sheet («danh sách ở trang "Tài sản"»),
    in the templates given (the first one's wins where two share a key)."""
    labels: dict[str, str] = {}
    for template in reversed(templates):
        labels |= {s.key: f"danh sách ở trang «{s.name}»" for s in template.sheets if s.rows is None}
        labels |= {c.key: c.label for s in template.sheets for c in s.columns}
    return labels


def _explain(frame: pd.DataFrame, config: Config, q: Query, units: list[Unit]) -> list[str]:
    """Turn the `thieu` column (keys of unknown figures) into words naming them and the unit:
    into each row's `ghi_chu` when the table has one, else into notes; drops the column."""
    if UNKNOWN_COLUMN not in frame.columns:
        return []
    owners = [u.name for u in config.owners(q.source)]
    labels = gap_labels(*(CATALOG[tid] for tid in q.sources))
    notes, lines = [], frame.pop(UNKNOWN_COLUMN).tolist()
    if NOTE_COLUMN in frame.columns:
        texts = frame[NOTE_COLUMN].astype(object).where(frame[NOTE_COLUMN].notna(), None).tolist()
        for i, keys in enumerate(lines):
            if keys:
                why = (f"chưa có số liệu của {'; '.join(u.name for u in units)}: đơn vị chưa gửi biểu" if units
                       else rates.gap_note(keys, owners, labels))
                texts[i] = f"{vn.GAP}: {why}."
        frame[NOTE_COLUMN] = pd.Series(texts, index=frame.index, dtype=object)
        return []
    if units:
        return []
    first = frame.columns[0]
    by_gap: dict[str, list[str]] = {}
    for row, keys in zip(frame[first].tolist(), lines, strict=True):
        if keys:
            by_gap.setdefault(keys, []).append(str(row))
    for keys, rows in by_gap.items():
        notes.append(f"{vn.GAP}: {rates.gap_note(keys, owners, labels)} (dòng {', '.join(rows)}); các tỷ lệ cần số liệu "
                     "này không tính được.")
    return notes


def table(con: duckdb.DuckDBPyConnection, name: str, config: Config,
          missing: dict[str, list[Unit]] | None = None) -> Table:
    """One output table with its column descriptions and gap notes."""
    q = query(name)
    frame = run(con, name)
    if LABEL_COLUMN in frame.columns:
        fields = {c.key: c.label for s in q.template.sheets for c in s.columns}
        frame[LABEL_COLUMN] = [fields.get(k, k) for k in frame[LABEL_COLUMN]]
    missing = missing if missing is not None else missing_units(con, config)
    units = list(dict.fromkeys(u for tid in q.sources for u in missing.get(tid, [])))
    if frame.empty:  # nothing received at all: one row of gaps, never an empty table
        frame = pd.DataFrame([dict.fromkeys(frame.columns)]).astype(object)
    gaps = _explain(frame, config, q, units)
    t = Table(q, frame, _columns(q, frame), units)
    t.notes += [missing_note(CATALOG[tid], missing[tid]) for tid in q.sources if missing.get(tid)]
    t.notes += gaps
    if not units and not gaps and NOTE_COLUMN not in frame.columns and t.has_gap:
        t.notes.append(f"{vn.GAP}: không tính được vì mẫu số bằng 0 (không phát sinh).")
    if any(t.mark(i, c) == NOT_APPLICABLE for i in range(len(frame)) for c in t.columns):
        t.notes.append(f"{NOT_APPLICABLE}: không áp dụng (chỉ số không có chỉ tiêu hoặc không có mẫu số).")
    if MONTH_COLUMN in frame.columns:
        t.labels[MONTH_COLUMN] = config.month_labels
        if config.month_starts_on != 1 or any(k != v for k, v in config.month_labels.items()):
            t.notes.append(config.months_note)
    return t


@dataclass
class Results:
    """Everything the charts, annex and report need, computed once."""

    config: Config
    tables: dict[str, Table]
    missing: dict[str, list[Unit]]
    demo: bool
    sources: list[dict]  # current submissions: unit, template, file, received_at, signed_by, signed_at, part
    # (part: an export's period, intake.export_06a)
    checks: list = field(default_factory=list)  # crosscheck.Finding of every evaluated cross-check
    city: object | None = None  # at city level: outputs.city.City (reporting, flagged figures)

    @property
    def failed_checks(self) -> list:
        return [f for f in self.checks if not f.ok]

    @property
    def missing_all(self) -> list[tuple[Unit, Template]]:
        return [(u, CATALOG[tid]) for tid, units in self.missing.items() for u in units]

    @property
    def unconfirmed(self) -> list[tuple[Unit, Template]]:
        """The unit × template figures in use whose current file no unit head has signed off."""
        units = {u.code: u for u in self.config.units}
        return [(units[s["unit_code"]], CATALOG[s["template_id"]]) for s in self.sources
                if s["signed_at"] is None and s["unit_code"] in units and s["template_id"] in CATALOG]


def compute(con: duckdb.DuckDBPyConnection, config: Config) -> Results:
    missing = missing_units(con, config)
    tables = {name: table(con, name, config, missing) for name in names()}
    rows = con.execute("select unit_code, template_id, file_name, received_at, signed_name, signed_at, part "
                       "from current_signoffs order by template_id, unit_code, part").fetchall()
    sources = [{"unit_code": u, "template_id": t, "file_name": f, "received_at": r, "signed_by": n, "signed_at": a,
                "part": p} for u, t, f, r, n, a, p in rows]
    from pipeline.checks import crosscheck

    checks = crosscheck.evaluate(con)
    for finding in checks:  # the outcome is noted under the first table of the left side's template
        first = next((t for t in tables.values() if t.query.source == finding.check.left.template), None)
        if first is not None:
            first.checks.append(finding.text())
    return Results(config, tables, missing, is_demo(con), sources, checks)

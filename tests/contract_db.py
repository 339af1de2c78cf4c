"""Test-only: a DuckDB file with the warehouse contract's tables and views, loaded directly.

Golden tests use it to put a small hand-made dataset into tables of the contract's shape
(submissions, <template_id>_<sheet_key>, current_submissions, cur_<template_id>_<sheet_key>)
without going through Excel files; end-to-end tests use the real warehouse.ingest.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from pipeline.core.config import Config
from pipeline.topics import CATALOG

SQL_TYPES = {"int": "BIGINT", "number": "DOUBLE", "text": "VARCHAR", "choice": "VARCHAR", "date": "DATE"}


def create(path: Path, config: Config, data: dict[str, dict[str, dict[str, list[dict]]]],
           demo: bool = False) -> Path:
    """data: template_id → unit_code → sheet key → rows (field values, fixed-row order).

    Key columns of fixed-row sheets are filled from the catalog when a row does not give them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("""create table submissions (submission_id BIGINT, sha256 VARCHAR, path VARCHAR,
        file_name VARCHAR, received_at TIMESTAMP, sender VARCHAR, unit_code VARCHAR,
        template_id VARCHAR, version INTEGER, status VARCHAR, n_errors INTEGER, n_warnings INTEGER,
        recognised_by VARCHAR, demo BOOLEAN)""")
    con.execute("create table problems (submission_id BIGINT, severity VARCHAR, sheet VARCHAR, "
                "cell VARCHAR, field VARCHAR, value VARCHAR, rule VARCHAR, fix VARCHAR)")
    for template in CATALOG.values():
        for sheet in template.sheets:
            cols = ", ".join(f"{c.key} {SQL_TYPES[c.type]}" for c in sheet.columns)
            con.execute(f"create table {template.id}_{sheet.key} (submission_id BIGINT, "
                        f"unit_code VARCHAR, row_number BIGINT, {cols})")
    sid = 0
    for template_id, by_unit in data.items():
        template = CATALOG[template_id]
        for unit_code, sheets in by_unit.items():
            sid += 1
            con.execute("insert into submissions values (?, ?, ?, ?, ?, 'test', ?, ?, ?, 'accepted', 0, 0, "
                        "'fingerprint', ?)",
                        [sid, f"{sid:064d}", f"{template_id}_{unit_code}.xlsx", f"{template_id}_{unit_code}.xlsx",
                         datetime(2026, 5, 1, 8, 0, sid), unit_code, template_id, template.version, demo])
            for sheet in template.sheets:
                fixed = sheet.rows(config) if sheet.rows else None
                for i, row in enumerate(sheets.get(sheet.key, [])):
                    keys = dict(zip([k.key for k in sheet.keys], fixed[i], strict=True)) if fixed else {}
                    full = keys | row
                    values = [full.get(c.key) for c in sheet.columns]
                    marks = ", ".join("?" for _ in range(3 + len(values)))
                    con.execute(f"insert into {template_id}_{sheet.key} values ({marks})",
                                [sid, unit_code, 6 + i, *values])
    con.execute("""create view current_submissions as
        select * from submissions where status in ('accepted', 'warnings')
        qualify row_number() over (partition by unit_code, template_id order by received_at desc) = 1""")
    for template in CATALOG.values():
        for sheet in template.sheets:
            name = f"{template.id}_{sheet.key}"
            con.execute(f"create view cur_{name} as select f.* from {name} f "
                        "join current_submissions s using (submission_id)")
    con.close()
    return path


def demo_data(config: Config, skip: tuple[str, ...] = ()) -> dict:
    """The demo figures of every owning unit, in create()'s shape; skip: template ids left out."""
    from pipeline import demo

    return {tid: {u.code: demo.data_for(tid, config, u.code) for u in config.owners(tid)}
            for tid in CATALOG if tid not in skip and demo.module(tid) is not None}

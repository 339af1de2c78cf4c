"""Test-only: a DuckDB file with the warehouse's own tables and views, loaded directly.

Golden tests use it to put a small hand-made dataset into tables of the contract's shape
(submissions, <template_id>_<sheet_key>, current_submissions, cur_<template_id>_<sheet_key>)
without going through Excel files; end-to-end tests use the real ingest.run. The schema is the
warehouse's (warehouse.prepare), never restated here.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.core.config import Config
from pipeline.store import warehouse
from pipeline.topics import CATALOG


def create(path: Path, config: Config, data: dict[str, dict[str, dict[str, list[dict]]]],
           demo: bool = False) -> Path:
    """data: template_id → unit_code → sheet key → rows (field values, fixed-row order).

    Key columns of fixed-row sheets are filled from the catalog when a row does not give them.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con, _ = warehouse.prepare(path, None)  # the warehouse's own tables and views (warehouse.ddl)
    sid = 0
    for template_id, by_unit in data.items():
        template = CATALOG[template_id]
        for unit_code, sheets in by_unit.items():
            sid += 1
            con.execute("insert into submissions (submission_id, sha256, path, file_name, received_at, sender, "
                        "unit_code, template_id, version, status, n_errors, n_warnings, recognised_by, demo) "
                        "values (?, ?, ?, ?, ?, 'test', ?, ?, ?, 'accepted', 0, 0, 'fingerprint', ?)",
                        [sid, f"{sid:064d}", f"{template_id}_{unit_code}.xlsx", f"{template_id}_{unit_code}.xlsx",
                         datetime(2026, 5, 1, 8, 0, sid), unit_code, template_id, template.version, demo])
            for sheet in template.sheets:
                fixed = sheet.rows(config) if sheet.rows else None
                for i, row in enumerate(sheets.get(sheet.key, [])):
                    keys = dict(zip([k.key for k in sheet.keys], fixed[i], strict=True)) if fixed else {}
                    full = keys | row
                    values = [full.get(c.key) for c in sheet.columns]
                    marks = ", ".join("?" for _ in range(3 + len(values)))
                    columns = ", ".join(["submission_id", "unit_code", "row_number"] + [c.key for c in sheet.columns])
                    con.execute(f"insert into {warehouse.table_name(template_id, sheet.key)} ({columns}) "
                                f"values ({marks})",
                                [sid, unit_code, 6 + i, *values])
    con.close()
    return path


def demo_data(config: Config, skip: tuple[str, ...] = ()) -> dict:
    """The demo figures of every owning unit, in create()'s shape; skip: template ids left out."""
    from pipeline import demo

    return {tid: {u.code: demo.data_for(tid, config, u.code) for u in config.owners(tid)}
            for tid in CATALOG if tid not in skip and demo.module(tid) is not None}

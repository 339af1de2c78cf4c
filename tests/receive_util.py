"""Helpers for the receive tests: real filled workbooks, edited with openpyxl, and tree hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import openpyxl

from pipeline import demo
from pipeline.core.config import Config
from pipeline.outputs import templates
from pipeline.topics import CATALOG


def filled(config: Config, template_id: str, folder: Path, name: str | None = None,
           unit_code: str | None = None, edit: Callable[[openpyxl.Workbook], None] | None = None) -> Path:
    """A template filled with demo figures (every rule satisfied), optionally edited, saved in folder."""
    template = CATALOG[template_id]
    unit = config.unit(unit_code) if unit_code else config.owners(template_id)[0]
    wb = templates.workbook(template, unit, config, demo.data_for(template_id, config, unit.code))
    if edit:
        edit(wb)
    path = folder / (name or templates.filename(template, unit))
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def where(report, severity: str | None = None) -> list[str]:
    """"Sheet!A1" of every problem (of one severity)."""
    return [f"{p.sheet}!{p.cell}" for p in report.problems if severity in (None, p.severity)]

"""Communes of the example city (examples/city.toml) as the package tests and the city test build
them: a commune's folder with its configuration (its code, kind and name from the city's list), a
copy of the city's configuration (inputs/cap_tren.toml) and its units' files, filled like the demo
set but with figures of its own (a seed per commune), as its units would send them."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pipeline import demo
from pipeline.core import paths
from pipeline.core.config import Config, load
from pipeline.store import inbox
from pipeline.topics import CATALOG

UNIT_XA = re.compile(r"(?<!cấp )\bxã\b(?! hội)", re.I)  # «xã» naming the unit (as in tests/test_kind.py)
UNITS_DIR = "don_vi"  # the units' files inside a commune's inputs/


def city() -> Config:
    return load(paths.CITY_EXAMPLE)


def commune_text(code: str, period: tuple[str, str] | None = None, month_starts_on: int = 1) -> str:
    """The shipped commune configuration rewritten for the city's commune `code` (kind, name, code)."""
    unit = city().unit(code)
    kind, name = unit.kind, unit.name[len(unit.kind) + 1:]
    text = re.sub(r"(?m)#.*$", "", (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8"))
    text = UNIT_XA.sub(lambda m: kind.upper() if m.group(0).isupper() else kind, text)
    text = text.replace("AN THÀNH", name.upper()).replace("An Thành", name)
    text = text.replace("[commune]\n", f'[commune]\ncode = "{code}"\n', 1)
    if period:
        text = text.replace("start = 2025-07-01", f"start = {period[0]}").replace("cutoff = 2026-04-30", f"cutoff = {period[1]}")
    return re.sub(r"(?m)^month_starts_on = \d+", f"month_starts_on = {month_starts_on}", text)


@contextmanager
def seeded(seed: str):
    """demo figures of their own: the demo set's seed changed while the block runs."""
    saved = demo.SEED
    demo.SEED = seed
    try:
        yield
    finally:
        demo.SEED = saved


def commune(root: Path, code: str, seed: str | None = None, city_copy: bool = True,
            period: tuple[str, str] | None = None, month_starts_on: int = 1) -> tuple[Path, Config]:
    """A commune's inputs/ under root/<code>/: configuration, the city's configuration, units' files
    (month_starts_on: the day its reporting months start on; the city's are calendar months)."""
    inputs = root / code / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    (inputs / paths.CONFIG_NAME).write_text(commune_text(code, period, month_starts_on), encoding="utf-8")
    if city_copy:
        (inputs / paths.CITY_CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    config = load(inputs / paths.CONFIG_NAME)
    with seeded(seed or f"commune-{code}"):
        demo.write_all(inputs / UNITS_DIR, config, marked=False)
    return inputs, config


def resend(inputs: Path, config: Config, template_id: str, seed: str) -> list[Path]:
    """The units owning template_id send it again with other figures (a later file, same unit)."""
    out = []
    with seeded(seed):
        for path in demo.write_all(inputs / f"{UNITS_DIR}_lan_2", config, marked=False):
            if _template_of(path) == template_id:
                out.append(path)
            else:
                path.unlink()
    return out


def _template_of(path: Path) -> str | None:
    for template in CATALOG.values():
        if path.name.startswith((template.file_name or template.id) + "_"):
            return template.id
    return None


def receive(package: Path, inputs: Path, folder: str, when: datetime) -> list[Path]:
    """A commune's package copied into the city's inputs/<folder>/, received at `when`."""
    target = inputs / folder
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for path in sorted(package.glob("*.xlsx")):
        copy = target / path.name
        copy.write_bytes(path.read_bytes())
        inbox.remember(copy, when)
        out.append(copy)
    return out

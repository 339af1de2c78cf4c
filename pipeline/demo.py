"""Illustrative data («SỐ LIỆU MINH HỌA»): the templates filled as a unit would, deterministically.

The engine knows no topic: each topic's figures live in `pipeline/topics/<id>/demo.py` (its
`figures` function, interface in pipeline/core/demo_kit.py), found through the registry. Every
figure is internally consistent, so the demo set passes every rule of the catalog. A topic without
demo figures is left out of the demo set, with the reason in the log (`missing` tells it).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

from pipeline import topics
from pipeline.core.config import Config
from pipeline.core.logs import LOGGER
from pipeline.outputs import templates
from pipeline.store import inbox
from pipeline.topics import CATALOG

SEED = 20260506
MODULE = "demo"  # pipeline/topics/<id>/demo.py


class NoDemoFigures(LookupError):
    """A template whose topic has no demo figures (no demo.py in its folder)."""


def module(template_id: str) -> ModuleType | None:
    """The topic's demo module, or None when the topic has none (or is not in the registry)."""
    if template_id not in topics.ORDER:
        return None
    return topics.topic(template_id).module(MODULE)


def reason(template_id: str) -> str:
    """Why a template has no demo figures, in plain Vietnamese."""
    template = CATALOG.get(template_id)
    name = f"«{template.title}»" if template else "Một biểu không có trong danh mục"
    return (f"{name} chưa có số liệu minh họa (thư mục của chủ đề chưa có tệp {MODULE}.py), "
            "nên không có trong bộ biểu mẫu minh họa.")


def data_for(template_id: str, config: Config, unit_code: str) -> dict[str, list[dict]]:
    """The demo figures of one template for one unit (same inputs, same figures).
    Raises NoDemoFigures (with the reason) when the topic has no demo figures."""
    demo = module(template_id)
    if demo is None:
        raise NoDemoFigures(reason(template_id))
    rng = random.Random(f"{SEED}:{template_id}:{unit_code}")
    return demo.figures(config, rng, unit_code, lambda other: _owner_data(other, config, unit_code))


def _owner_data(template_id: str, config: Config, asking: str) -> dict[str, list[dict]] | None:
    """Another template's demo figures for its first owning unit (at city level the asking commune's
    own, so each commune's templates agree), or None (no owner, no figures)."""
    owners = config.owners(template_id)
    if not owners or module(template_id) is None:
        return None
    own = config.is_city and any(u.code == asking for u in owners)
    return data_for(template_id, config, asking if own else owners[0].code)


def missing(config: Config) -> list[str]:
    """The reasons, one per template some unit fills, for templates left out of the demo set."""
    ids = dict.fromkeys(t for unit in config.units for t in unit.templates)
    return [reason(t) for t in ids if module(t) is None]


def write_all(out_dir: Path, config: Config, marked: bool = True) -> list[Path]:
    """Fill every owning unit's templates with demo data in out_dir, marked «SỐ LIỆU MINH HỌA»
    (marked=False: as a unit would send them, for tests of files received in inputs/).
    A template without demo figures is skipped; the reason goes to the log."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for text in missing(config):
        LOGGER.warning(text)
    written = []
    for unit in config.units:
        received = _received(config, unit)
        for template_id in unit.templates:
            if module(template_id) is None:
                continue
            template = CATALOG[template_id]
            wb = templates.workbook(template, unit, config, data_for(template_id, config, unit.code), demo=marked)
            path = out_dir / templates.filename(template, unit)
            wb.save(path)
            if received:
                inbox.remember(path, received)
            written.append(path)
    return written


def _received(config: Config, unit) -> datetime | None:
    """At city level, when the demo's files of a commune were received: a day apart before the
    deadline, the last commune a day after it (late), so the demo shows the board's states."""
    if not config.is_city or not unit.templates:
        return None
    sending = [u for u in config.units if u.templates]
    k = sending.index(unit)
    return config.deadline + timedelta(days=1 if k == len(sending) - 1 else k - len(sending))

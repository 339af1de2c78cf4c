"""The topics of the plan, one folder each, in the report's order: the one registry.

A topic folder (`pipeline/topics/<template id>/`) holds everything that varies with the topic:
`template.py` (the template's declaration, TEMPLATE, and its CROSS_CHECKS if any), its indicator
SQL (`*.sql`), and whatever else the stages look for there by name. Adding a topic is one new
folder and one line below (and its owner in the configuration). Only this module imports the
topics; a topic imports only `pipeline.core`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.core.model import CrossCheck, Template

ORDER = (  # the plan's sections II.1 … II.8, then the units' own assessments (II.1–II.9, III)
    "lanh_dao",
    "phan_cap",
    "nhan_su",
    "tthc",
    "ngan_sach",
    "tai_san",
    "ha_tang_so",
    "so_hoa",
    "danh_gia",
)

FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Topic:
    id: str

    @property
    def folder(self) -> Path:
        return FOLDER / self.id

    def module(self, name: str):
        """The topic's module `name` (e.g. "template"), or None when the folder has none."""
        if not (self.folder / f"{name}.py").exists():
            return None
        return importlib.import_module(f"{__name__}.{self.id}.{name}")

    @cached_property
    def template(self) -> Template:
        return self.module("template").TEMPLATE

    @property
    def cross_checks(self) -> tuple[CrossCheck, ...]:
        return getattr(self.module("template"), "CROSS_CHECKS", ())

    @property
    def sql_files(self) -> list[Path]:
        return sorted(self.folder.glob("*.sql"))


TOPICS: tuple[Topic, ...] = tuple(Topic(t) for t in ORDER)
CATALOG: dict[str, Template] = {t.id: t.template for t in TOPICS}
CROSS_CHECKS: tuple[CrossCheck, ...] = tuple(c for t in TOPICS for c in t.cross_checks)


def topic(template_id: str) -> Topic:
    return next(t for t in TOPICS if t.id == template_id)

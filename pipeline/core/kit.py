"""What a topic's report section (`pipeline/topics/<id>/section.py`) needs to compute its figures.

A section works on the result tables handed to it (duck typing: an object with `frame`,
`value(i, key)`, `text(i, key)`, `row(first_col_value)`, `missing`, `query`), so this module needs
no stage. Its `values(results, env)` returns a `Figures`: the named values its text template
(`section.vi.j2`) and the commune's Word template use, and the tables and charts it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.core import vn


@dataclass
class TableBlock:
    """A result table shown in the section: the columns (keys), the rows (None: all), a caption."""

    table: Any
    columns: list[str]
    rows: list[int] | None = None
    caption: str = ""


@dataclass
class Figures:
    """A section's named values (texts, numbers as printed, lists for the template's loops), then
    the tables and charts (chart name, caption) printed after its paragraphs."""

    values: dict[str, Any] = field(default_factory=dict)
    tables: list[TableBlock] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)


def num(t, row: int | None, key: str, decimals: int = 0) -> str:
    return vn.GAP if row is None else vn.number(t.value(row, key), decimals)


def pct(t, row: int | None, key: str) -> str:
    return vn.GAP if row is None else vn.percent(t.value(row, key))


def find(t, **match) -> int | None:
    """Index of the first row whose columns hold the given values."""
    return next((i for i in range(len(t.frame)) if all(t.value(i, k) == v for k, v in match.items())), None)


def indicator(t, key: str, field_: str = "gia_tri", decimals: int = 0) -> str:
    """A value of a (stt, chi_so, ten, don_vi, tu_so, mau_so, gia_tri) table, formatted by its unit."""
    i = find(t, chi_so=key)
    if i is None:
        return vn.GAP
    if field_ == "gia_tri":
        unit = t.value(i, "don_vi") or ""
        return t.text(i, field_) + ("%" if unit == "%" and t.value(i, field_) is not None else "")
    return vn.number(t.value(i, field_), decimals)


def lower(text: str) -> str:
    return text[0].lower() + text[1:]


def why(t, i: int) -> str:
    """A row's own note without its gap mark: «chưa có số liệu "…" của …»."""
    note = t.value(i, "ghi_chu") or ""
    return note.removeprefix(f"{vn.GAP}: ").rstrip(".") or "chưa có số liệu"


def missing_sentence(t, always: bool = False) -> str:
    """«Chưa có số liệu của …» naming the units missing for table t; "" when none is (unless always)."""
    if not t.missing and not always:
        return ""
    who = "; ".join(u.name for u in t.missing)
    return (f"Chưa có số liệu của {who} ({t.query.template.title.lower()}); các số liệu liên quan "
            f"được đánh dấu {vn.GAP}.")


def check_sentences(results, template_id: str, skip: tuple[str, ...] = ()) -> list[str]:
    """A sentence for each failed cross-check whose left side is the template, except the checks
    whose key is in skip (those the section words itself)."""
    return [f"Lưu ý: {f.check.message} ({f.value}); số liệu đang được đối chiếu lại."
            for f in results.failed_checks if f.check.left.template == template_id and f.check.key not in skip]


def finding(results, key: str):
    """The evaluated cross-check with this key (CrossCheck.key), or None when it was not evaluated."""
    return next((f for f in results.checks if f.check.key == key), None)

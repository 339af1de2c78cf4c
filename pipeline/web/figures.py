"""What a unit head confirms: the key figures of the unit's current file and its open warnings,
shown on the sign-off page before the confirm button and written into the sign-off record.

Key figures, per sheet: the top rows of a sheet with a tree of totals (the budget's «A», «B» per
year), otherwise the sum of each number field over the sheet's rows (a month-end stock of the TTHC
template, which does not add up over months, is left out), or the number of rows of a list without
numbers. A blank figure is unknown: «[x]», and a sum with blank cells says how many.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from pipeline.core import vn
from pipeline.core.model import Sheet, Template
from pipeline.intake.book import OUTLIER
from pipeline.outputs import rates
from pipeline.store import warehouse
from pipeline.topics import CATALOG

SHOWN_WARNINGS = 20  # warnings listed on the page (and in the record); the rest are counted


@dataclass(frozen=True)
class Block:
    """One sheet's key figures: a small table (row label, one value per field)."""

    sheet: str
    fields: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


def _shown(value, filled: int, rows: int) -> str:
    if value is None:
        return vn.GAP
    text = vn.number(value, 0 if float(value).is_integer() else 1)
    return text if filled == rows else f"{text} (còn {vn.number(rows - filled)} ô trống)"


def _numbers(template: Template, sheet: Sheet) -> list:
    stocks = set(rates.STOCKS) if template.id == rates.TEMPLATE.id else set()
    return [f for f in sheet.fields if f.numeric and f.type != "date" and f.key not in stocks]


def _sheet(con, template: Template, sheet: Sheet, submission_id: int) -> Block:
    table = warehouse.table_name(template.id, sheet.key)
    numbers = _numbers(template, sheet)
    labels = tuple(f.header for f in numbers)
    if sheet.tree and numbers:
        others = [k.key for k in sheet.keys if k.key != sheet.tree]
        cols = ", ".join([*others, sheet.tree, *(f.key for f in numbers)])
        found = con.execute(f"SELECT {cols} FROM {table} WHERE submission_id = ? AND NOT contains("
                            f"CAST({sheet.tree} AS VARCHAR), '.') ORDER BY row_number", [submission_id]).fetchall()
        keys = len(others) + 1
        rows = tuple((" · ".join(str(v) for v in r[:keys] if v is not None),
                      tuple(_shown(v, 1, 1) for v in r[keys:])) for r in found)
        return Block(sheet.name, labels, rows)
    sums = ", ".join(f"sum({f.key}), count({f.key})" for f in numbers)
    # rows with any figure: a fixed row left wholly blank is unknown as a row (Sheet.blank_rows, e.g.
    # TTHC's whole-period rows beside months), not a row of blank cells to count
    given = f"coalesce({', '.join(f.key for f in numbers)}) IS NOT NULL" if numbers else "true"
    found = con.execute(f"SELECT count(*){', ' + sums if sums else ''} FROM {table} WHERE submission_id = ?"
                        f"{' AND ' + given if sheet.blank_rows else ''}", [submission_id]).fetchone()
    n = found[0]
    if not numbers:
        return Block(sheet.name, ("Số dòng",), ((f"{vn.number(n)} dòng", (vn.number(n),)),))
    values = tuple(_shown(found[1 + 2 * i], found[2 + 2 * i], n) for i in range(len(numbers)))
    return Block(sheet.name, labels, ((f"Tổng {vn.number(n)} dòng", values),))


def key_figures(con, template_id: str, submission_id: int) -> list[Block]:
    template = CATALOG[template_id]
    return [_sheet(con, template, sheet, submission_id) for sheet in template.sheets]


def open_warnings(con, submission_id: int) -> tuple[list[str], int]:
    """The file's open warnings (all but the figures warned about that the unit confirmed) as «Trang!Ô
    (cột): quy tắc», the first SHOWN_WARNINGS, and how many in all."""
    found = con.execute("""
        SELECT p.sheet, p.cell, p.field, p.rule, count(*) OVER () FROM problems p JOIN submissions s USING (submission_id)
        WHERE p.submission_id = ? AND p.severity = 'warning' AND NOT (p.kind IS NOT DISTINCT FROM ? AND EXISTS (
            SELECT 1 FROM confirmations c WHERE c.unit_code = s.unit_code AND c.template_id = s.template_id
               AND c.sha256 = s.sha256 AND c.sheet = p.sheet AND c.cell = p.cell))
        ORDER BY p.rowid LIMIT ?""", [submission_id, OUTLIER, SHOWN_WARNINGS]).fetchall()
    texts = [f"{s}!{c}{f' ({f})' if f else ''}: {r}" if s and c else r for s, c, f, r, _ in found]
    return texts, found[0][4] if found else 0


def confirmed(con, template_id: str, submission_id: int) -> dict:
    """What the head sees and confirms, as a sign-off record holds it (store.records.sign_off)."""
    warnings, count = open_warnings(con, submission_id)
    return {"figures": [asdict(b) for b in key_figures(con, template_id, submission_id)],
            "warnings": warnings, "warning_count": count}

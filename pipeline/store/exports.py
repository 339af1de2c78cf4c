"""The TTHC system's exports (intake.export_06a) checked against the unit's other current exports,
when a batch is stored (checks never read the warehouse; this does, as the one writer):

- an export that cannot be current beside another (their periods overlap, or one of them is not a
  reporting month) is refused naming both files;
- a month's «kỳ trước chuyển qua» is compared, per field of work, with the previous month's
  «đang giải quyết – tổng số» of the unit's current export for that month (stored, or earlier in
  the batch): a warning at the export's cell names the other file's cell and the gap.

A report changed here gets its feedback written again (`rewrite`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import duckdb
import numpy as np

from pipeline.checks.validate import FileReport, Problem
from pipeline.core import vn
from pipeline.core.config import Config
from pipeline.intake import export_06a
from pipeline.store.summary import Received
from pipeline.store.warehouse import table_name
from pipeline.topics import CATALOG

CARRIED, PENDING = "nhan_ky_truoc", "dang_tong"


def check(con: duckdb.DuckDBPyConnection, items: list[Received], tables: dict, config: Config,
          rewrite: Callable[..., tuple[FileReport, list]]) -> None:
    """Refuse the exports of a batch that cannot combine; warn where a carry-over chain breaks."""
    if not any(item.report.part and item.report.status != "rejected" for item in items):
        return
    held = con.execute("SELECT unit_code, template_id, part, file_name, submission_id FROM current_submissions "
                       "WHERE part IS NOT NULL").fetchall()
    held = [(*row[:4], ("stored", row[4])) for row in held]
    for n, item in enumerate(items):
        r = item.report
        if not r.part or r.status == "rejected":
            continue
        clash = next((found for row in held if row[:2] == (r.unit_code, r.template_id)
                      and (found := export_06a.conflict(row[3], row[2], r.part, config))), None)
        if clash is not None:
            problem = Problem("error", r.path.name, None, None, None, export_06a.span_text(r.part), *clash)
            item.report = rewrite(replace(r, status="rejected", problems=[problem, *r.problems]), rel=item.path)[0]
            continue
        held = [row for row in held if not (row[:2] == (r.unit_code, r.template_id) and row[2] == r.part)]
        held.append((r.unit_code, r.template_id, r.part, r.path.name, ("batch", n)))
        warnings = _chain(con, items, n, held, tables, config)
        if warnings:
            status = "warnings" if r.status == "accepted" else r.status
            item.report = rewrite(replace(r, status=status, problems=[*r.problems, *warnings]), rel=item.path)[0]


def _month(part: str, config: Config) -> int | None:
    """The position of a stored period among the reporting months, or None."""
    spans = [(a, b) for _, a, b in config.reporting_months]
    found = export_06a.span(part)
    return spans.index(found) if found in spans else None


def _where(con: duckdb.DuckDBPyConnection, where: tuple, items: list[Received], template_id: str) -> tuple[str, str]:
    """(sheet name, column letter) of the pending total in an export, stored or in the batch."""
    kind, key = where
    if kind == "batch":
        sheet, letters = items[key].report.columns.get("ho_so", ("", {}))
        return sheet, letters.get(PENDING, "")
    found = con.execute("SELECT sheet_name, col FROM sheet_columns WHERE submission_id = ? AND sheet_table = ? "
                        "AND field = ?", [key, table_name(template_id, "ho_so"), PENDING]).fetchall()
    return found[0] if found else ("", "")


def _rows(con: duckdb.DuckDBPyConnection, where: tuple, tables: dict, template_id: str) -> dict[str, tuple]:
    """Field of work → (carried over, pending, Excel row) of an export's stored or batch rows."""
    kind, key = where
    if kind == "stored":
        found = con.execute(f"SELECT linh_vuc, {CARRIED}, {PENDING}, row_number FROM "
                            f"{table_name(template_id, 'ho_so')} WHERE submission_id = ? AND row_number > 0",
                            [key]).fetchall()
    else:
        frame, files = tables.get((template_id, "ho_so"), (None, np.array([], dtype=int)))
        if frame is None:
            return {}
        mine = frame[(files == key) & (frame["row"].to_numpy() > 0)]
        found = mine[["linh_vuc", CARRIED, PENDING, "row"]].itertuples(index=False, name=None)
    return {f: (None if c is None or c != c else c, None if p is None or p != p else p, int(row))
            for f, c, p, row in found}


def _chain(con: duckdb.DuckDBPyConnection, items: list[Received], n: int, held: list, tables: dict,
           config: Config) -> list[Problem]:
    r = items[n].report
    month = _month(r.part, config)
    if not month:
        return []
    _, first, last = config.reporting_months[month - 1]
    before = export_06a.part(first, last)
    other = next((row for row in held if row[:3] == (r.unit_code, r.template_id, before)), None)
    if other is None:
        return []
    sheet, letters = r.columns.get("ho_so", ("", {}))
    other_sheet, other_letter = _where(con, other[4], items, r.template_id)
    label = CATALOG[r.template_id].sheet("ho_so").column(CARRIED).label
    earlier = _rows(con, other[4], tables, r.template_id)
    out = []
    for field, (carried, _, row) in _rows(con, ("batch", n), tables, r.template_id).items():
        pending = earlier.get(field, (None, None, 0))
        if carried is None or pending[1] is None or carried == pending[1]:
            continue
        rule = (f"Số hồ sơ kỳ trước chuyển qua của lĩnh vực «{field}» là {vn.number(carried)}, khác số hồ sơ đang "
                f"giải quyết cuối kỳ {export_06a.span_text(before)} là {vn.number(pending[1])} (tệp «{other[3]}», "
                f"ô {other_sheet}!{other_letter}{pending[2]}): chênh lệch {vn.number(abs(carried - pending[1]))} hồ sơ.")
        out.append(Problem("warning", r.path.name, sheet, f"{letters.get(CARRIED, '')}{row}", label,
                           vn.number(carried), rule, "Hãy kiểm tra lại hai kỳ trên Hệ thống thông tin giải quyết "
                           "TTHC; nếu số đúng thì không cần sửa.",
                           group=f"{export_06a.NAME}: kỳ trước chuyển qua khác số đang giải quyết của kỳ trước."))
    return out

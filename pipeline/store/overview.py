"""The overview workbook of every received file (outputs/validation/tong_hop_kiem_tra.xlsx),
written from the warehouse after each ingest."""

from __future__ import annotations

from pathlib import Path

import duckdb
from openpyxl.styles import Alignment

from pipeline.core import atomic, printing, words
from pipeline.core.config import Config
from pipeline.topics import CATALOG

ROWS_AT_ONCE = 5000  # rows fetched from the warehouse at a time
WIDTHS = (26, 28, 17, 14, 9, 30, 20, 7, 9, 10)  # A4 landscape, fitted at about 9 pt
WRAP = Alignment(wrap_text=True, vertical="top")


def write_overview(con: duckdb.DuckDBPyConnection, path: Path, config: Config | None = None) -> Path:
    """outputs/validation/tong_hop_kiem_tra.xlsx: every received file (as its unit named it; where
    it is kept in inputs/ beside it), its unit (by name, with the configuration), status and counts.
    Written streaming (a write-only workbook fed ROWS_AT_ONCE rows at a time), so its memory does
    not grow with the number of files."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    result = con.execute("""
        SELECT coalesce(s.original_name, s.file_name), s.path, s.received_at, s.sender, s.unit_code, s.template_id, s.status,
               s.n_errors, s.n_warnings, c.submission_id IS NOT NULL AS current
        FROM submissions s LEFT JOIN current_submissions c USING (submission_id)
        ORDER BY s.received_at, s.submission_id""")
    names = {u.code: u.name for u in config.units} if config else {}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tổng hợp kiểm tra")
    for letter, width in zip("ABCDEFGHIJ", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    printing.setup(ws, sum(WIDTHS), (1, 1), header="Tổng hợp kiểm tra các tệp đã nhận")
    heads = ("Tệp", "Đường dẫn trong inputs/", "Thời điểm nhận", "Người gửi", "Đơn vị", "Biểu", "Kết quả",
             "Số lỗi", "Số cảnh báo", "Đang dùng cho báo cáo")
    cells = [WriteOnlyCell(ws, head) for head in heads]
    for cell in cells:
        cell.font, cell.border, cell.alignment = Font(bold=True), printing.BORDER, WRAP
    ws.row_dimensions[1].height = 3 * printing.LINE_HEIGHT  # «Đang dùng cho báo cáo» takes three lines
    ws.append(cells)
    row = 1
    while rows := result.fetchmany(ROWS_AT_ONCE):
        for name, rel, when, sender, unit, template, status, n_err, n_warn, current in rows:
            row += 1
            _append(ws, row, [name, rel, when.strftime("%d/%m/%Y %H:%M:%S") if when else None, sender,
                              names.get(unit, unit), CATALOG[template].title if template in CATALOG else None,
                              words.STATUS[status], n_err, n_warn, "Có" if current else "Không"])
    return atomic.save(wb, path)


def _append(ws, row: int, values: list) -> None:
    """A row of the table, bordered and wrapped (a write-only sheet takes its cells styled), as tall as
    its longest text's lines (neither Excel nor LibreOffice re-fits a row written so)."""
    from openpyxl.cell import WriteOnlyCell

    lines = max(-(-len(str(v or "")) // max(1, int(w * 1.1 - 1))) for v, w in zip(values, WIDTHS, strict=True))
    if lines > 1:
        ws.row_dimensions[row].height = printing.LINE_HEIGHT * lines
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value)
        cell.border, cell.alignment = printing.BORDER, WRAP
        cells.append(cell)
    ws.append(cells)

"""A worksheet written streamed (openpyxl's write-only mode, issue 26): each row goes to disk as it
is made, so a sheet of thousands of rows takes constant memory; each cell's style (font, alignment,
border, number format) is one of a few built once per workbook and copied. What write-only mode
writes before the rows (column widths, freeze panes, fit to page) is declared before the first row."""

from __future__ import annotations

import warnings
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

from pipeline.core.printing import BORDER


class Sheet:
    """One streamed sheet of a write-only workbook; styles: the workbook's styles built so far (one
    dict shared by its sheets)."""

    def __init__(self, wb: Workbook, title: str, styles: dict):
        self.ws = wb.create_sheet(title)
        self.styles, self.row, self.width = styles, 0, 9

    def columns(self, widths: list[int]) -> None:
        for c, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(c)].width = width
        self.width = sum(widths) or 9

    def cell(self, value, font: Font, align: Alignment | None = None, border: bool = False,
             fmt: str | None = None) -> WriteOnlyCell:
        """A cell with one of the workbook's styles (each combination built once, then copied)."""
        cell = WriteOnlyCell(self.ws, value)
        key = (id(font), id(align), border, fmt)
        style = self.styles.get(key)
        if style is None:
            cell.font = font
            if align is not None:
                cell.alignment = align
            if border:
                cell.border = BORDER
            if fmt is not None:
                cell.number_format = fmt
            self.styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def append(self, cells: list, height: float | None = None) -> int:
        self.row += 1
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        return self.row

    def table(self, name: str, first_row: int, last_row: int, labels: list[str]) -> None:
        ref = f"A{first_row}:{get_column_letter(len(labels))}{max(last_row, first_row + 1)}"
        table = ExcelTable(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        table._initialise_columns()  # named from the header row here: a streamed sheet cannot be read back
        for column, label in zip(table.tableColumns, labels, strict=False):
            column.name = str(label)
        with warnings.catch_warnings():  # «add table columns manually»: done above
            warnings.simplefilter("ignore")
            self.ws.add_table(table)

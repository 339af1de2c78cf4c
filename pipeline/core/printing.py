"""How every workbook the system writes prints (issue 24): A4; portrait when its columns fit a portrait
page legibly, else landscape; fitted to the page's width when that keeps the text legible, else printed
over pages with its key columns repeated; header rows repeated on every page; thin borders on its
tables; page numbers in the footer. The widths are openpyxl's column width units (about one
character of the 10–11 pt body font each)."""

from __future__ import annotations

from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core import fonts

PORTRAIT_WIDTH = 100  # column width units printed legibly across A4 portrait (fitted: ≥ 9 pt)
LANDSCAPE_WIDTH = 150  # the same across A4 landscape; a wider sheet prints over several pages
SLACK = 1.15  # fitted down to this much over the width (about 9 pt for 10–11 pt text)
LINE_HEIGHT = 15  # points per line of 11 pt text
A4 = Worksheet.PAPERSIZE_A4
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def width_cm(width: float) -> float:
    """The printed width of columns of `width` units (about 7 pixels of 96 per inch each, and 5 of
    padding), less the cell's own margins."""
    return (7 * width + 5) / 96 * 2.54 - 0.2


def landscape(width: float) -> bool:
    return width > PORTRAIT_WIDTH * SLACK


def setup(ws, width: float, header_rows: tuple[int, int] | None = None, key_columns: int = 1,
          header: str | None = None) -> bool:
    """A4, orientation and fit-to-width from width (the printed columns' widths summed), header_rows
    (first, last) repeated on every page, page numbers in the footer, header (a title) in the page
    header. Returns whether the sheet fits one page across; when it does not, its first key_columns
    repeat on every page."""
    ws.page_setup.paperSize = A4
    wide = landscape(width)
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    fits = width <= (LANDSCAPE_WIDTH if wide else PORTRAIT_WIDTH) * SLACK
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = fits
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    if not fits and key_columns:
        ws.print_title_cols = f"A:{get_column_letter(key_columns)}"
    if header:
        ws.oddHeader.center.text = header
        ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.size = 9
    return fits


def borders(ws, first_row: int, last_row: int, columns: int) -> None:
    """Thin borders round every cell of the table A{first_row}:{columns}{last_row}."""
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=columns):
        for cell in row:
            cell.border = BORDER


def fit_rows(ws, first_row: int, last_row: int, widths: list[float]) -> None:
    """Each row as tall as its longest wrapped text (measured with its font): neither Excel nor
    LibreOffice grows a row written by openpyxl, so wrapped lines would overlap the next row."""
    for r in range(first_row, last_row + 1):
        lines, size = 1, 11.0
        for c, width in enumerate(widths, start=1):
            cell = ws.cell(r, c)
            if isinstance(cell.value, str) and cell.value:
                sz = cell.font.sz or 11
                found = fonts.lines(cell.value, width_cm(width), sz, bool(cell.font.b), fonts.family(cell.font.name))
                lines, size = max(lines, found), max(size, sz)
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * size / 11 * lines + 2

"""The annex workbook "Phụ lục số liệu" (openpyxl), after ONS gptables and the UK Government
spreadsheet accessibility guidance: a cover sheet, a contents sheet linking every table, a
notes sheet, then one table per sheet with its title in A1, units in the column headers, no
merged cells, no blank cells inside a table ("[x]" marks a gap), A4 print setup.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.core import atomic, paths, printing, vn, words
from pipeline.core.layout import DEMO_MARK, LISTED, MAX_ROW_HEIGHT
from pipeline.intake import export_06a
from pipeline.outputs import city
from pipeline.outputs.indicators import NOT_APPLICABLE, UNIT_COLUMN, VALUE_COLUMN, Results, Table
from pipeline.topics import CATALOG

FILE_NAME = paths.ANNEX
TITLE = "PHỤ LỤC SỐ LIỆU"
FONT = "Arial"
TITLE_FONT = Font(name=FONT, size=14, bold=True)
BOLD = Font(name=FONT, size=10, bold=True)
NORMAL = Font(name=FONT, size=10)
LINK = Font(name=FONT, size=10, color="0563C1", underline="single")
DEMO_FONT = Font(name=FONT, size=12, bold=True, color="C00000")
FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00"}
COVER, CONTENTS, NOTES = "Bìa", "Mục lục", "Ghi chú"
SOURCES = "Nguồn số liệu"


def number(index: int) -> str:
    return f"{index:02d}"


HIDDEN_COLUMNS = ("chi_so",)  # internal keys of a row (rate codes): never printed
LANDSCAPE_WIDTH = 150  # column width units that fit A4 landscape at 10 pt; wider sheets print over pages
DATE_TEXT = re.compile(r"(?:(\d{2})/)?(\d{2})/(\d{4})")  # dd/mm/yyyy or mm/yyyy as the queries print them
LINE_HEIGHT = 13  # points per wrapped line at 10 pt
# The cover's one column: narrower than the landscape page, so a centred page never crops its
# wrapped lines at both edges (LibreOffice crops a column wider than the page, fit or not).
COVER_WIDTH = 110


def sheet_name(index: int) -> str:
    return f"Phụ lục {number(index)}"


def table_title(index: int, t: Table) -> str:
    """Numbered as in the report («Phụ lục số 03»)."""
    return f"Phụ lục số {number(index)}. {t.query.title}"


def visible_columns(t: Table) -> list:
    """The columns printed: no internal key, and none that is «[z]» on every row (the note under
    the table explains the mark once)."""
    rows = range(len(t.frame))
    return [c for c in t.columns if c.key not in HIDDEN_COLUMNS
            and (not len(t.frame) or any(t.mark(i, c) != NOT_APPLICABLE for i in rows))]


def _height(texts: list[tuple[str, int]]) -> float | None:
    """Row height for wrapped texts given (text, column width); None when one line is enough."""
    lines = max((sum(max(1, math.ceil(len(part) / max(1, width - 2))) for part in text.split("\n"))
                 for text, width in texts), default=1)
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 2) if lines > 1 else None


def source_text(t: Table, results: Results) -> str:
    owners = results.config.owners(t.query.source)
    if results.city is not None:  # a city: its communes, counted rather than listed
        if t.query.section == "I":
            return f"Nguồn: các biểu số liệu {city.kinds(results.config)} gửi; phần I của báo cáo."
        sent = {s["unit_code"] for s in results.sources if s["template_id"] == t.query.source}
        return (f"Nguồn: {t.query.template.title} do {len(sent & {u.code for u in owners})}/{len(owners)} "
                f"{city.kinds(results.config, '')} gửi; mục {t.query.section} của báo cáo.")
    who = ", ".join(u.name for u in owners) or "(chưa phân công đơn vị)"
    return f"Nguồn: {t.query.template.title} do {who} gửi; mục {t.query.section} của báo cáo."


def _city_sources(results: Results) -> list[tuple[str, Font]]:
    """The cover's sources at city level: per template, how many communes sent it and who is missing."""
    lines = []
    for tid, template in CATALOG.items():
        mine = [s for s in results.city.sent if s.template_id == tid]
        if mine:
            absent = [s.unit.name for s in mine if s.state in ("missing", "rejected")]
            lines.append((f"- {template.title}: {len(mine) - len(absent)}/{len(mine)} đơn vị đã gửi"
                          + (f"; chưa có số liệu của {'; '.join(absent)}" if absent else ""), NORMAL))
    return lines


def _print_setup(ws: Worksheet, title: str, commune: str, header_row: int | None = None) -> None:
    """A4 landscape; a sheet that fits the width is fitted, a wider one prints over several pages with
    its first column and header row repeated (never shrunk to 4 pt); page header with the commune and
    title, footer with page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, ws.max_column + 1))
    fits = width <= LANDSCAPE_WIDTH * 1.15
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = fits
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
        if not fits:
            ws.print_title_cols = "A:A"
    ws.oddHeader.center.text = f"{commune} – {title}"
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.size = 9


def _lines(ws: Worksheet, lines: list[tuple[str, Font]], start: int = 1) -> int:
    row = start
    for text, font in lines:
        ws.cell(row, 1, text).font = font
        row += 1
    return row


def _header(ws: Worksheet, row: int, labels: list[str], widths: list[int]) -> None:
    for c, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = ws.cell(row, c, label)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(c)].width = width


def _as_table(ws: Worksheet, name: str, first_row: int, last_row: int, columns: int) -> None:
    ref = f"A{first_row}:{get_column_letter(columns)}{max(last_row, first_row + 1)}"
    table = ExcelTable(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    ws.add_table(table)


def _cover(ws: Worksheet, results: Results, built: date) -> None:
    cfg = results.config
    lines = [(TITLE, TITLE_FONT)]
    if results.demo:
        lines.append((f"{DEMO_MARK}: các số liệu trong tệp này là số liệu minh họa, không dùng cho báo cáo thật.",
                      DEMO_FONT))
    lines += [
        (f"Kèm theo Báo cáo sơ kết 01 năm hoạt động của chính quyền cấp xã khi thực hiện chính quyền "
         f"địa phương 02 cấp trên địa bàn {cfg.full_name}", NORMAL),
        (f"{cfg.kind_title}: {cfg.commune}, {cfg.province}", NORMAL),
        (f"Kỳ báo cáo: từ {vn.day(cfg.start)} đến {vn.day(cfg.cutoff)} (số liệu chốt đến ngày {vn.day(cfg.cutoff)})",
         NORMAL),
        (f"Ngày lập: {vn.day(built)}", NORMAL),
        (f"Đơn vị tổng hợp: {cfg.unit(cfg.standing_unit).name}", NORMAL),
        ("Nguồn số liệu", BOLD),
    ]
    if results.city is not None:
        lines += _city_sources(results)
        lines.append((f"Chi tiết: {sheet_name(1)} (tình hình gửi biểu của từng đơn vị).", NORMAL))
    elif results.sources:
        for s in results.sources:
            unit = cfg.unit(s["unit_code"]).name if s["unit_code"] in {u.code for u in cfg.units} else s["unit_code"]
            received = vn.day(s["received_at"]) if s["received_at"] else ""
            lines.append((f"- {CATALOG[s['template_id']].title}: {unit}, tệp {_file(s)}, nhận ngày {received}",
                          NORMAL))
    else:
        lines.append(("- Chưa nhận được biểu số liệu nào.", NORMAL))
    missing = results.missing_all
    if results.city is None:  # a city names its missing communes per template, above
        lines.append(("Đơn vị chưa gửi số liệu", BOLD))
        lines += [(f"- {u.name} ({u.code}): {t.title}", NORMAL) for u, t in missing] or [
            ("- Không có: tất cả các đơn vị đã gửi đủ biểu số liệu.", NORMAL)]
    lines.append((f"Số liệu {words.SIGNOFF['unsigned']} của thủ trưởng đơn vị", BOLD))
    if results.unconfirmed:
        lines += [(f"- {u.name} ({u.code}): {t.title}", NORMAL) for u, t in results.unconfirmed[:LISTED]]
        if len(results.unconfirmed) > LISTED:
            lines.append((f"- … và {vn.number(len(results.unconfirmed) - LISTED)} biểu khác (xem bảng tình hình "
                          "nộp biểu mẫu).", NORMAL))
    else:
        lines.append((f"- Không có: số liệu đang dùng đều {words.SIGNOFF['signed']}.", NORMAL))
    lines += [
        ("Ký hiệu", BOLD),
        (f"{vn.GAP}: không có số liệu (đơn vị chưa gửi) hoặc không tính được (mẫu số bằng 0).", NORMAL),
        (f"{NOT_APPLICABLE}: không áp dụng.", NORMAL),
        ("Số viết theo quy ước Việt Nam khi máy tính đặt vùng Việt Nam (1.234,5); tỷ lệ tính theo %.", NORMAL),
        (f"Danh sách các biểu: xem trang tính «{CONTENTS}»; cách tính và ghi chú: trang tính «{NOTES}».", NORMAL),
    ]
    _lines(ws, lines)
    ws.column_dimensions["A"].width = COVER_WIDTH
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
        height = _height([(str(row[0].value or ""), COVER_WIDTH)])
        if height:
            ws.row_dimensions[row[0].row].height = height
    _print_setup(ws, TITLE, cfg.full_name)


def _contents(ws: Worksheet, results: Results) -> None:
    ws.cell(1, 1, "Mục lục").font = TITLE_FONT
    ws.cell(2, 1, "Bấm vào số biểu để mở trang tính của biểu.").font = NORMAL
    _header(ws, 3, ["Phụ lục số", "Tên phụ lục", "Mục báo cáo", "Tình trạng số liệu"], [12, 85, 10, 40])
    for r, (index, t) in enumerate(enumerate(results.tables.values(), start=1), start=4):
        link = ws.cell(r, 1, sheet_name(index))
        link.hyperlink = f"#'{sheet_name(index)}'!A1"
        link.font = LINK
        ws.cell(r, 2, t.query.title).font = NORMAL
        ws.cell(r, 3, t.query.section).font = NORMAL
        state = ("Thiếu số liệu: " + ", ".join(u.name for u in t.missing)) if t.missing else "Đủ số liệu"
        ws.cell(r, 4, state).font = NORMAL
        for c in (2, 4):
            ws.cell(r, c).alignment = Alignment(wrap_text=True, vertical="top")
        height = _height([(t.query.title, 85), (state, 40)])
        if height:
            ws.row_dimensions[r].height = height
    _as_table(ws, "Muc_luc", 3, 3 + len(results.tables), 4)
    _print_setup(ws, CONTENTS, results.config.full_name, 3)


def _file(source: dict) -> str:
    """A current file as the annex names it; an export of the TTHC system with its period."""
    return export_06a.source_text(source["file_name"], source["part"]) if source.get("part") else source["file_name"]


def _sources(ws: Worksheet, results: Results) -> None:
    """«Nguồn số liệu»: each table's source templates (the views its SQL reads), and the units and
    files (received when) of their current submissions it was computed from."""
    names = {u.code: u.name for u in results.config.units}
    ws.cell(1, 1, SOURCES).font = TITLE_FONT
    widths = [10, 40, 34, 30, 50]  # fitted across A4 landscape
    lead = ws.cell(2, 1, "Biểu, đơn vị và tệp đang dùng của từng phụ lục. Mỗi số liệu lấy từ ô nào trong tệp của "
                         "đơn vị nào: xem mục «Nguồn gốc số liệu» trên trang nhận biểu mẫu.")
    lead.font = NORMAL  # one line, shown across the empty cells beside it (no merged cells)
    _header(ws, 3, ["Phụ lục số", "Tên phụ lục", "Biểu nguồn", "Đơn vị gửi", "Tệp (thời điểm nhận)"], widths)
    for r, (index, t) in enumerate(enumerate(results.tables.values(), start=1), start=4):
        read = t.query.sources  # parsed from the SQL: once per table, not once per file
        used = [s for s in results.sources if s["template_id"] in read]
        texts = [number(index), t.query.title, "\n".join(CATALOG[k].title for k in read),
                 "\n".join(dict.fromkeys(names.get(s["unit_code"], s["unit_code"]) for s in used)) or "Chưa có",
                 "\n".join(f"{_file(s)} ({s['received_at']:%d/%m/%Y %H:%M})" for s in used) or "Chưa có"]
        if results.city is not None and used:  # a city's thousands of files: counted (a cell holds 32.767 characters)
            got = {s["unit_code"] for s in used}
            texts[3] = f"{vn.number(len(got))} {city.kinds(results.config, '')} (danh sách: {sheet_name(1)})"
            texts[4] = (f"{vn.number(len(used))} tệp, nhận từ {min(s['received_at'] for s in used):%d/%m/%Y} đến "
                        f"{max(s['received_at'] for s in used):%d/%m/%Y}")
        for c, text in enumerate(texts, start=1):
            cell = ws.cell(r, c, text)
            cell.font, cell.alignment = NORMAL, Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = max(15, 13 * max(text.count("\n") + 1 for text in texts))
    _as_table(ws, "Nguon_so_lieu", 3, 3 + len(results.tables), 5)
    printing.borders(ws, 3, 3 + len(results.tables), 5)
    _print_setup(ws, SOURCES, results.config.full_name, 3)


def _notes(ws: Worksheet, results: Results) -> list[list[str]]:
    """Notes sheet; returns, for each table, the note numbers that concern it."""
    ws.cell(1, 1, "Ghi chú").font = TITLE_FONT
    ws.cell(2, 1, "Cách tính từng biểu và các ô đánh dấu [x] (thiếu số liệu).").font = NORMAL
    _header(ws, 3, ["Ghi chú số", "Phụ lục", "Nội dung"], [11, 12, 110])
    row, refs = 4, []
    for index, t in enumerate(results.tables.values(), start=1):
        mine = []
        for text in [t.query.note, *t.notes, *t.checks]:
            if not text:
                continue
            label = f"[ghi chú {row - 3}]"
            ws.cell(row, 1, label).font = NORMAL
            ws.cell(row, 2, sheet_name(index)).font = NORMAL
            cell = ws.cell(row, 3, text)
            cell.font, cell.alignment = NORMAL, Alignment(wrap_text=True, vertical="top")
            height = _height([(text, 110)])
            if height:
                ws.row_dimensions[row].height = height
            mine.append(label)
            row += 1
        refs.append(mine)
    _as_table(ws, "Ghi_chu", 3, row - 1, 3)
    printing.borders(ws, 3, row - 1, 3)
    _print_setup(ws, NOTES, results.config.full_name, 3)
    return refs


def _table_sheet(ws: Worksheet, index: int, t: Table, results: Results, notes: list[str]) -> None:
    lines = [(table_title(index, t), TITLE_FONT)]
    if results.demo:
        lines.append((DEMO_MARK, DEMO_FONT))
    lines.append((source_text(t, results), NORMAL))
    lines.append((f"Kỳ báo cáo: {results.config.period_text}. Đơn vị tính ghi trong tiêu đề từng cột.", NORMAL))
    for text in t.notes:
        lines.append((text, BOLD if t.missing else NORMAL))
    for text in t.checks:
        lines.append((text, NORMAL if text.startswith("Đối chiếu khớp") else BOLD))
    if notes:
        lines.append((f"Xem ghi chú: {', '.join(notes)} (trang tính «{NOTES}»).", NORMAL))
    header_row = _lines(ws, lines)
    for r in range(1, header_row):  # long title and note lines run over the sheet's width (no merged cells)
        ws.cell(r, 1).alignment = Alignment(wrap_text=False, vertical="top")
    columns = visible_columns(t)
    widths = [_width(t, c) for c in columns]
    _header(ws, header_row, [c.header for c in columns], widths)
    ws.row_dimensions[header_row].height = _height([(c.header, w) for c, w in zip(columns, widths, strict=True)]) \
        or 2 * LINE_HEIGHT + 2
    keys = {k.key for s in t.query.template.sheets for k in s.keys}
    for i in range(len(t.frame)):
        r = header_row + 1 + i
        total = str(t.value(i, columns[0].key)) == "Cộng"
        for c, column in enumerate(columns, start=1):
            mark = t.mark(i, column)
            value = mark if mark else t.text(i, column.key) if column.key in t.labels else t.value(i, column.key)
            cell = ws.cell(r, c, vn.printable(value) if isinstance(value, str) else value)  # never a control char
            cell.font = BOLD if total else NORMAL
            if mark:
                cell.alignment = Alignment(horizontal="right", vertical="top")
            elif isinstance(value, str) and (day := _as_date(value)):  # a real date, shown dd/mm/yyyy
                cell.value, cell.number_format = day
                cell.alignment = Alignment(horizontal="left", vertical="top")
            elif column.key in keys:
                cell.number_format = "0"  # a year or code, not a quantity
                cell.alignment = Alignment(vertical="top")
            elif column.key == VALUE_COLUMN and UNIT_COLUMN in t.frame.columns:  # by each row's unit
                unit = str(t.value(i, UNIT_COLUMN) or "")
                cell.number_format = FORMATS[vn.unit_decimals(value, unit, t.query.percent_decimals)]
            elif column.kind in ("number", "percent"):
                cell.number_format = FORMATS[column.decimals]
                cell.alignment = Alignment(vertical="top")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        # wrapped text (long list entries): a row tall enough for its lines, as Excel does not re-fit
        height = _height([(t.text(i, c.key), w) for c, w in zip(columns, widths, strict=True) if c.kind == "text"])
        if height:
            ws.row_dimensions[r].height = height
    last = header_row + len(t.frame)
    _as_table(ws, f"Phu_luc_{number(index)}", header_row, last, len(columns))
    printing.borders(ws, header_row, last, len(columns))
    ws.freeze_panes = ws.cell(header_row + 1, 2)
    _print_setup(ws, table_title(index, t), results.config.full_name, header_row)


def _as_date(text: str) -> tuple[date, str] | None:
    """«29/06/2025» or «07/2025» as a date and its display format; None for other text."""
    m = DATE_TEXT.fullmatch(text.strip())
    if not m:
        return None
    day, month, year = int(m.group(1) or 1), int(m.group(2)), int(m.group(3))
    try:
        return date(year, month, day), ("dd/mm/yyyy" if m.group(1) else "mm/yyyy")
    except ValueError:
        return None


def _width(t: Table, c) -> int:
    """A column's width from its content: the longest value (text up to 48), and the header's
    longest word so that no word of the header is broken («Nguyên giá», never «Nguy ên giá»)."""
    longest = max((len(t.text(i, c.key)) for i in range(len(t.frame))), default=4)
    word = max((len(w) for w in c.header.split()), default=4)
    if c.kind == "text":
        return max(10, word + 2, min(48, max(len(c.header) // 2 + 2, longest + 2)))
    return max(9, word + 2, longest + 3, min(16, len(c.header) // 3 + 4))


def write(results: Results, path: Path, built: date | None = None) -> Path:
    """Write the annex workbook; returns its path."""
    built = built or date.today()
    wb = Workbook()
    cover = wb.active
    cover.title = COVER
    _cover(cover, results, built)
    _contents(wb.create_sheet(CONTENTS), results)
    refs = _notes(wb.create_sheet(NOTES), results)
    for index, t in enumerate(results.tables.values(), start=1):
        _table_sheet(wb.create_sheet(sheet_name(index)), index, t, results, refs[index - 1])
    _sources(wb.create_sheet(SOURCES), results)
    wb.properties.title = f"{TITLE} — {results.config.full_name}"
    wb.properties.creator = results.config.unit(results.config.standing_unit).name
    wb.properties.language = "vi-VN"
    path.parent.mkdir(parents=True, exist_ok=True)
    path = atomic.save(wb, path)
    return path

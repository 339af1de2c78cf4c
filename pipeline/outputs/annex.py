"""The annex workbook "Phụ lục số liệu" (openpyxl), after ONS gptables and the UK Government
spreadsheet accessibility guidance: a cover sheet, a contents sheet linking every table, a
notes sheet, then one table per sheet with its title in A1, units in the column headers, no
merged cells, no blank cells inside a table ("[x]" marks a gap), A4 print setup.

Written streamed (openpyxl's write-only mode, issue 26): each row goes to disk as it is made, so a
city's annex of thousands of rows takes constant memory; each cell's style (font, alignment, border,
number format) is one of a few declared once per workbook (`streamed.Sheet`).
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pipeline.core import atomic, paths, printing, vn, words
from pipeline.core.layout import DEMO_MARK, LISTED, MAX_ROW_HEIGHT
from pipeline.intake import export_06a
from pipeline.outputs import city
from pipeline.outputs.indicators import NOT_APPLICABLE, UNIT_COLUMN, VALUE_COLUMN, Results, Table
from pipeline.outputs.streamed import Sheet
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
TOP = Alignment(vertical="top")
WRAP = Alignment(wrap_text=True, vertical="top")
NO_WRAP = Alignment(wrap_text=False, vertical="top")
RIGHT = Alignment(horizontal="right", vertical="top")
LEFT = Alignment(horizontal="left", vertical="top")
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


def _lines(sheet: Sheet, lines: list[tuple[str, Font]], align: Alignment | None = None,
           width: int | None = None) -> int:
    """One text per row in column A; returns the next row."""
    for text, font in lines:
        sheet.append([sheet.cell(text, font, align)], _height([(text, width)]) if width else None)
    return sheet.row + 1


def _header(sheet: Sheet, labels: list[str], border: bool = False, height: float | None = None) -> int:
    return sheet.append([sheet.cell(label, BOLD, WRAP, border) for label in labels], height)


def _print_setup(sheet: Sheet, title: str, commune: str, header_row: int | None = None) -> None:
    """A4 landscape; a sheet that fits the width is fitted, a wider one prints over several pages
    with its first column and header row repeated (never shrunk to 4 pt); page header with the
    commune and title, footer with page numbers."""
    ws = sheet.ws
    ws.page_setup.paperSize = printing.A4
    ws.page_setup.orientation = "landscape"
    fits = sheet.width <= LANDSCAPE_WIDTH * 1.15
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


def _cover(sheet: Sheet, results: Results, built: date) -> None:
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
    sheet.columns([COVER_WIDTH])
    _print_setup(sheet, TITLE, cfg.full_name)
    _lines(sheet, lines, WRAP, COVER_WIDTH)


def _contents(sheet: Sheet, results: Results) -> None:
    labels = ["Phụ lục số", "Tên phụ lục", "Mục báo cáo", "Tình trạng số liệu"]
    sheet.columns([12, 85, 10, 40])
    _print_setup(sheet, CONTENTS, results.config.full_name, 3)
    _lines(sheet, [("Mục lục", TITLE_FONT), ("Bấm vào số biểu để mở trang tính của biểu.", NORMAL)])
    _header(sheet, labels)
    for index, t in enumerate(results.tables.values(), start=1):
        link = sheet.cell(sheet_name(index), LINK)
        link.hyperlink = f"#'{sheet_name(index)}'!A1"
        state = ("Thiếu số liệu: " + ", ".join(u.name for u in t.missing)) if t.missing else "Đủ số liệu"
        sheet.append([link, sheet.cell(t.query.title, NORMAL, WRAP), sheet.cell(t.query.section, NORMAL),
                      sheet.cell(state, NORMAL, WRAP)], _height([(t.query.title, 85), (state, 40)]))
    sheet.table("Muc_luc", 3, 3 + len(results.tables), labels)


def _file(source: dict) -> str:
    """A current file as the annex names it; an export of the TTHC system with its period."""
    return export_06a.source_text(source["file_name"], source["part"]) if source.get("part") else source["file_name"]


def _sources(sheet: Sheet, results: Results) -> None:
    """«Nguồn số liệu»: each table's source templates (the views its SQL reads), and the units and
    files (received when) of their current submissions it was computed from."""
    names = {u.code: u.name for u in results.config.units}
    labels = ["Phụ lục số", "Tên phụ lục", "Biểu nguồn", "Đơn vị gửi", "Tệp (thời điểm nhận)"]
    sheet.columns([10, 40, 34, 30, 50])  # fitted across A4 landscape
    _print_setup(sheet, SOURCES, results.config.full_name, 3)
    _lines(sheet, [(SOURCES, TITLE_FONT),  # the lead: one line, shown across the empty cells beside it (no merged cells)
                 ("Biểu, đơn vị và tệp đang dùng của từng phụ lục. Mỗi số liệu lấy từ ô nào trong tệp của "
                  "đơn vị nào: xem mục «Nguồn gốc số liệu» trên trang nhận biểu mẫu.", NORMAL)])
    _header(sheet, labels, border=True)
    for index, t in enumerate(results.tables.values(), start=1):
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
        sheet.append([sheet.cell(text, NORMAL, WRAP, True) for text in texts],
                     max(15, 13 * max(text.count("\n") + 1 for text in texts)))
    sheet.table("Nguon_so_lieu", 3, 3 + len(results.tables), labels)


def _note_rows(results: Results) -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    """The notes sheet's rows (label, sheet, text) and, for each table, the labels that concern it."""
    rows, refs = [], []
    for index, t in enumerate(results.tables.values(), start=1):
        mine = []
        for text in [t.query.note, *t.notes, *t.checks]:
            if text:
                mine.append(f"[ghi chú {len(rows) + 1}]")
                rows.append((mine[-1], sheet_name(index), text))
        refs.append(mine)
    return rows, refs


def _notes(sheet: Sheet, results: Results, rows: list[tuple[str, str, str]]) -> None:
    labels = ["Ghi chú số", "Phụ lục", "Nội dung"]
    sheet.columns([11, 12, 110])
    _print_setup(sheet, NOTES, results.config.full_name, 3)
    _lines(sheet, [("Ghi chú", TITLE_FONT), ("Cách tính từng biểu và các ô đánh dấu [x] (thiếu số liệu).", NORMAL)])
    _header(sheet, labels, border=True)
    for label, name, text in rows:
        sheet.append([sheet.cell(label, NORMAL, border=True), sheet.cell(name, NORMAL, border=True),
                      sheet.cell(text, NORMAL, WRAP, True)], _height([(text, 110)]))
    sheet.table("Ghi_chu", 3, 3 + len(rows), labels)


def _table_sheet(sheet: Sheet, index: int, t: Table, results: Results, notes: list[str]) -> None:
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
    header_row = len(lines) + 1
    columns = visible_columns(t)
    rows = range(len(t.frame))
    texts = [[t.text(i, c.key) for i in rows] for c in columns]  # each cell as printed, once
    widths = [_width(c, mine) for c, mine in zip(columns, texts, strict=True)]
    wrapped = [(n, w) for n, (c, w) in enumerate(zip(columns, widths, strict=True)) if c.kind == "text"]
    sheet.columns(widths)
    sheet.ws.freeze_panes = f"B{header_row + 1}"
    _print_setup(sheet, table_title(index, t), results.config.full_name, header_row)
    # long title and note lines run over the sheet's width (no merged cells)
    _lines(sheet, lines, NO_WRAP)
    labels = [c.header for c in columns]
    _header(sheet, labels, border=True, height=_height([(c.header, w) for c, w in zip(columns, widths, strict=True)])
                 or 2 * LINE_HEIGHT + 2)
    keys = {k.key for s in t.query.template.sheets for k in s.keys}
    for i in rows:
        total = str(t.value(i, columns[0].key)) == "Cộng"
        font = BOLD if total else NORMAL
        cells = []
        for n, column in enumerate(columns):
            value = t.value(i, column.key)
            mark = None if value is not None else t.mark(i, column)
            value = mark or (texts[n][i] if column.key in t.labels else value)
            if isinstance(value, str):
                value = vn.printable(value)  # never a control char
            if mark:
                cells.append(sheet.cell(value, font, RIGHT, True))
            elif isinstance(value, str) and (day := _as_date(value)):  # a real date, shown dd/mm/yyyy
                cells.append(sheet.cell(day[0], font, LEFT, True, day[1]))
            elif column.key in keys:
                cells.append(sheet.cell(value, font, TOP, True, "0"))  # a year or code, not a quantity
            elif column.key == VALUE_COLUMN and UNIT_COLUMN in t.frame.columns:  # by each row's unit
                unit = str(t.value(i, UNIT_COLUMN) or "")
                cells.append(sheet.cell(value, font, None, True,
                                        FORMATS[vn.unit_decimals(value, unit, t.query.percent_decimals)]))
            elif column.kind in ("number", "percent"):
                cells.append(sheet.cell(value, font, TOP, True, FORMATS[column.decimals]))
            else:
                cells.append(sheet.cell(value, font, WRAP, True))
        # wrapped text (long list entries): a row tall enough for its lines, as Excel does not re-fit
        sheet.append(cells, _height([(texts[n][i], w) for n, w in wrapped]))
    sheet.table(f"Phu_luc_{number(index)}", header_row, header_row + len(t.frame), labels)


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


def _width(c, texts: list[str]) -> int:
    """A column's width from its content (texts: its cells as printed): the longest value (text up
    to 48), and the header's longest word so that no word of the header is broken («Nguyên giá»,
    never «Nguy ên giá»)."""
    longest = max(map(len, texts), default=4)
    word = max((len(w) for w in c.header.split()), default=4)
    if c.kind == "text":
        return max(10, word + 2, min(48, max(len(c.header) // 2 + 2, longest + 2)))
    return max(9, word + 2, longest + 3, min(16, len(c.header) // 3 + 4))


def write(results: Results, path: Path, built: date | None = None) -> Path:
    """Write the annex workbook, streamed; returns its path."""
    built = built or date.today()
    wb = Workbook(write_only=True)
    styles: dict = {}
    _cover(Sheet(wb, COVER, styles), results, built)
    _contents(Sheet(wb, CONTENTS, styles), results)
    rows, refs = _note_rows(results)
    _notes(Sheet(wb, NOTES, styles), results, rows)
    for index, t in enumerate(results.tables.values(), start=1):
        _table_sheet(Sheet(wb, sheet_name(index), styles), index, t, results, refs[index - 1])
    _sources(Sheet(wb, SOURCES, styles), results)
    wb.properties.title = f"{TITLE} — {results.config.full_name}"
    wb.properties.creator = results.config.unit(results.config.standing_unit).name
    wb.properties.language = "vi-VN"
    path.parent.mkdir(parents=True, exist_ok=True)
    path = atomic.save(wb, path)
    return path


def write_apart(results: Results, path: Path) -> list[atomic.Held]:
    """write() in a child process of the build (a city's annex, beside the report): the outputs it
    found held open, for the parent's summary."""
    atomic.HELD.clear()
    write(results, path)
    return list(atomic.HELD)

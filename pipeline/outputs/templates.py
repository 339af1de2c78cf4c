"""Catalog → blank .xlsx templates (openpyxl), one per template per owning unit.

The same writer fills the demo workbooks, so a demo file is exactly what a unit returns.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.checks.sheet_rules import FLAG_TEXT, flag_rules, rule_formula
from pipeline.core import atomic, fonts, printing, vn
from pipeline.core.config import KINDS, Config, Unit
from pipeline.core.layout import (
    DEMO_MARK,
    FIRST_DATA_ROW,
    GUIDE_SHEET,
    HEADER_ROW,
    INFO_ROW,
    LIST_COLUMN,
    MARK_ROW,
    MAX_ROW_HEIGHT,
    META_KEYS,
    META_SHEET,
    NUMBER_ROW,
    TITLE_ROW,
    UNIT_PREFIX,
    blank_text,
    field_rule_text,
    type_hint,
)
from pipeline.core.model import Field, Sheet, Template, fill
from pipeline.topics import CATALOG

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")
INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
BOLD = Font(name="Times New Roman", bold=True, size=12)
NORMAL = Font(name="Times New Roman", size=11)
NUMBER_FORMATS = {"int": "#,##0", "number": "#,##0.0"}
CHARS_PER_WIDTH = 1.25 # characters of 11 pt Times New Roman per unit of column width (with wrap slack)
LINE_HEIGHT = 15  # points per wrapped line of 11 pt text
GUIDE_WIDTHS = (8, 44, 14, 30, 18, 70)  # columns of the guide's field tables
# Sum of column widths one page across holds at a legible scale (A4 landscape, 0.4" margins: about
# 140 units at 100 %; 190 keeps 11 pt text at 8 pt or more). Wider sheets print over several pages
# across, their key columns repeated, rather than shrunk to 3–4 pt.
LEGIBLE_WIDTH = 190
KEY_SPAN = 30  # key columns at least this wide hold the wrapped title and identity lines
EXCEL_TITLE, EXCEL_MESSAGE = 32, 255  # Excel's limits of a data validation's title and message

def filename(template: Template, unit: Unit) -> str:
    """The one name of a blank template (and its demo copy): the template's declared file_name and
    the unit's name in plain ASCII words, the commune's kind word at its end dropped, e.g.
    «Bieu_TTHC_Trung_tam_Phuc_vu_hanh_chinh_cong.xlsx». ASCII with «_» so it survives every
    e-mail client, zip tool, shell and Windows code page unchanged; names never identify a file
    (the fingerprint in its «_meta» sheet does)."""
    name = unit.name
    for kind in KINDS:
        if name.lower().endswith(" " + kind):
            name = name[:-len(kind) - 1]
    return f"{template.file_name or template.id}_{vn.ascii_words(name)}.xlsx"


def _shorten(text: str, limit: int) -> str:
    """text within limit characters, cut at a word with «…» when longer."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _prompt(col: Field, config: Config) -> tuple[str, str]:
    """(title, message) of a cell's input message within Excel's limits: a label longer than the
    title allows is shortened there and given whole at the head of the message."""
    title = _shorten(col.label, EXCEL_TITLE)
    text = fill(col.help or "", config)
    if title != col.label:
        text = f"{col.label}: {text}"
    return title, _shorten(text, EXCEL_MESSAGE)


def _validation(col: Field, list_range: str | None, config: Config) -> DataValidation:
    title, prompt = _prompt(col, config)
    common = dict(allow_blank=True, showErrorMessage=True, showInputMessage=bool(col.help),
                  errorTitle="Giá trị không hợp lệ", promptTitle=title, prompt=prompt)
    if col.type == "choice":
        return DataValidation(type="list", formula1=list_range,
                              error="Hãy chọn một giá trị trong danh sách thả xuống.", **common)
    if col.type == "text":
        return DataValidation(type="textLength", operator="lessThanOrEqual",
                              formula1=str(col.max_length or 2000),
                              error=f"Nội dung tối đa {col.max_length or 2000} ký tự.", **common)
    if col.type == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1",
                              error="Hãy nhập ngày dạng dd/mm/yyyy.", **common)
    kind = "whole" if col.type == "int" else "decimal"
    low = col.min if col.min is not None else -1e15
    high = col.max if col.max is not None else 1e15
    return DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high),
                          error=_shorten(f"Ô này chỉ nhận {field_rule_text(col).lower()} ({type_hint(col)}). "
                                         "Không gõ chữ, đơn vị tính hay dấu cách vào ô số.", EXCEL_MESSAGE),
                          **common)


def _write_meta(wb: Workbook, template: Template, unit: Unit, config: Config, demo: bool) -> dict:
    ws = wb.create_sheet(META_SHEET)
    values = {
        "template_id": template.id, "version": template.version, "fingerprint": template.fingerprint,
        "unit_code": unit.code, "unit_name": unit.name, "commune": config.commune,
        "period_start": config.start.isoformat(), "period_cutoff": config.cutoff.isoformat(),
        "generated_at": datetime.now().replace(microsecond=0).isoformat(), "demo": int(demo),
    }
    for row, key in enumerate(META_KEYS, start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, values[key])
    ranges, col = {}, LIST_COLUMN
    for sheet in template.sheets:
        for field in sheet.columns:
            if field.type == "choice" and field.key not in ranges:
                ws.cell(1, col, field.key)
                for i, choice in enumerate(field.choices, start=2):
                    ws.cell(i, col, choice)
                letter = get_column_letter(col)
                ranges[field.key] = f"{META_SHEET}!${letter}$2:${letter}${len(field.choices) + 1}"
                col += 1
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return ranges


def contact(config: Config) -> str:
    """Whom a unit asks: the standing unit, with its contact person and phone when configured."""
    who = [config.contact_person, f"điện thoại {config.contact_phone}" if config.contact_phone else None]
    who = ", ".join(w for w in who if w)
    return config.unit(config.standing_unit).name + (f" ({who})" if who else "")


def _write_guide(ws: Worksheet, template: Template, unit: Unit, config: Config, demo: bool) -> None:
    deadline = f"{config.deadline:%H} giờ {config.deadline:%M}, ngày {vn.day(config.deadline)}"
    standing = config.unit(config.standing_unit).name
    lines = [
        (template.title.upper(), BOLD),
        (f"Phiên bản biểu mẫu: {template.version}", NORMAL),
        (f"Phục vụ mục {template.section} của {config.plan_ref}.", NORMAL),
        (fill(template.purpose, config), NORMAL),
        (f"Đơn vị điền biểu: {unit.name}", BOLD),
        (f"Kỳ báo cáo: từ {vn.day(config.start)} đến {vn.day(config.cutoff)} (số liệu chốt đến ngày {vn.day(config.cutoff)}).", NORMAL),
        (f"Hạn gửi: chậm nhất {deadline}, gửi {standing} (tải lên trang nộp biểu mẫu hoặc gửi tệp trực tiếp).", BOLD),
        ("", NORMAL),
        ("CÁCH ĐIỀN", BOLD),
        ("- Chỉ điền vào các ô nền trắng; các ô nền xám đã in sẵn và được khóa.", NORMAL),
        ("- Ô số chỉ gõ số, không gõ đơn vị tính hay chữ: ô số nguyên gõ số nguyên (ví dụ 1234); ô số có "
         "phần thập phân gõ dấu phẩy trước phần thập phân (ví dụ 12,5).", NORMAL),
        ("- Ô để trống nghĩa là chưa có số liệu, không phải bằng 0. Cột ghi «Có thể để trống nếu chưa có số "
         "liệu» thì để trống khi đơn vị chưa có số liệu đó; cột ghi «Bắt buộc điền» thì phải có số.", NORMAL),
        ("- Số 0 chỉ ghi khi thật sự không phát sinh (ví dụ tháng không có hồ sơ nào), không ghi 0 thay cho "
         "số liệu chưa có.", NORMAL),
        ("- Không đổi tên trang tính, không thêm, xóa hay đổi thứ tự cột; không gộp ô.", NORMAL),
        ("- Có thể đổi tên tệp; hệ thống nhận biết biểu qua dấu nhận dạng trong tệp.", NORMAL),
        (f"- Thắc mắc xin liên hệ {contact(config)}.", NORMAL),
    ]
    if any(rule_formula(r, s, FIRST_DATA_ROW) for s in template.sheets for r in s.rules):
        lines.insert(-4, (FLAG_TEXT, NORMAL))
    if demo:
        lines.insert(0, (f"{DEMO_MARK} — không dùng cho báo cáo thật", Font(name="Times New Roman", bold=True, size=14, color="C00000")))
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row, 1, text)
        cell.font = font
    row = len(lines) + 2
    for sheet in template.sheets:
        ws.cell(row, 1, f"TRANG TÍNH «{sheet.name}»: {sheet.title}").font = BOLD
        row += 1
        if sheet.note:
            ws.cell(row, 1, f"Ghi chú: {sheet.note(config)}").font = NORMAL
            row += 1
        for c, head in enumerate(("Cột", "Tên cột", "Đơn vị tính", "Kiểu dữ liệu", "Để trống", "Giải thích"), start=1):
            cell = ws.cell(row, c, head)
            cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BORDER
        for i, col in enumerate(sheet.columns, start=1):
            row += 1
            values = (get_column_letter(i), col.label, col.unit, field_rule_text(col), blank_text(col, sheet, template.section),
                      fill(col.help, config))
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row, c, value)
                cell.font, cell.border = NORMAL, BORDER
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = max(math.ceil(len(str(v or "")) / (w * CHARS_PER_WIDTH))
                        for v, w in zip(values, GUIDE_WIDTHS, strict=True))
            if lines > 1:
                ws.row_dimensions[row].height = LINE_HEIGHT * lines
        row += 2
        if sheet.rows is None:
            ws.cell(row, 1, f"Trang «{sheet.name}» là danh sách: mỗi dòng một mục, điền từ dòng {FIRST_DATA_ROW}, "
                            f"tối đa {sheet.max_rows} dòng. Dòng để trống xen giữa được bỏ qua, không cần xóa; "
                            "mọi dòng có số liệu đều được đọc và kiểm tra, kể cả dòng bên dưới vùng kẻ sẵn.").font = NORMAL
            row += 2
        checks = [f"{'Lỗi' if r.severity == 'error' else 'Cảnh báo'}: {r.wording(config)}" for r in sheet.rules]
        if sheet.tree:
            checks.append("Lỗi: mỗi dòng tổng phải bằng tổng các dòng con ngay dưới nó.")
        if sheet.needs_figures:
            checks.append("Lỗi: không được để trống toàn bộ trang (mỗi ô có thể để trống, nhưng phải có ít nhất một số).")
        checks += [f"{'Lỗi' if q.severity == 'error' else 'Cảnh báo'}: {fill(q.message, config)}" for q in sheet.requires]
        checks += [f"{'Lỗi' if q.severity == 'error' else 'Cảnh báo'}: "
                   + q.message.replace("{this}", "này").replace("{previous}", "trước") for q in sheet.previous]
        if sheet.rows is None and sheet.keys:
            names = ", ".join(f"«{k.label}»" for k in sheet.keys)
            checks.append(f"Lỗi: {names} không được trùng nhau giữa các dòng.")
        if sheet.empty_flag:
            where = next(s for s in template.sheets if any(c.key == sheet.empty_flag for c in s.columns))
            some = "Không" if sheet.empty_when == "Có" else "Có"
            checks.append(f"Lỗi: để trống danh sách chỉ hợp lệ khi trang «{where.name}» chọn «{sheet.empty_when}» ở "
                          f"cột «{where.column(sheet.empty_flag).label}»; có dòng thì phải chọn «{some}».")
        if checks:
            ws.cell(row, 1, "Kiểm tra tự động (Lỗi: biểu bị trả lại; Cảnh báo: biểu vẫn được nhận):").font = BOLD
            for text in checks:
                row += 1
                ws.cell(row, 1, f"- {text}").font = NORMAL
            row += 2
    for note in template.notes:
        ws.cell(row, 1, f"Ghi chú: {fill(note, config)}").font = NORMAL
        row += 1
    for letter, width in zip("ABCDEF", GUIDE_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    for r in range(1, ws.max_row + 1):  # a line of text wraps within the printed width
        if ws.cell(r, 1).value and all(ws.cell(r, c).value is None for c in range(2, len(GUIDE_WIDTHS) + 1)):
            _wrap_across(ws, r, len(GUIDE_WIDTHS), sum(GUIDE_WIDTHS))
    ws.protection.sheet = True
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{get_column_letter(len(GUIDE_WIDTHS))}{ws.max_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "Trang &P/&N"


def _wrap_across(ws: Worksheet, row: int, columns: int, width: float) -> None:
    """Merge the row's first `columns` cells and wrap its text there, with the height of its lines
    (text left to overflow runs off the printed page or under repeated columns)."""
    cell = ws.cell(row, 1)
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    size = cell.font.sz or 11
    lines = fonts.lines(str(cell.value or ""), printing.width_cm(width), size, bool(cell.font.b),
                        fonts.family(cell.font.name))
    if lines > 1 or size > 11:
        ws.row_dimensions[row].height = LINE_HEIGHT * size / 11 * max(1, lines)


def _write_sheet(ws: Worksheet, sheet: Sheet, template: Template, unit: Unit, config: Config,
                 ranges: dict, rows: list[dict] | None, demo: bool) -> None:
    columns = sheet.columns
    last = get_column_letter(len(columns))
    ws.cell(TITLE_ROW, 1, sheet.title.upper()).font = BOLD
    ws.cell(INFO_ROW, 1, f"{UNIT_PREFIX}{unit.name} | Kỳ báo cáo: {config.period_text} | "
                         f"Hạn gửi: {vn.moment(config.deadline)}"
                         + (f" | {sheet.note(config)}" if sheet.note else "")).font = NORMAL
    if demo:
        ws.cell(MARK_ROW, 1, DEMO_MARK).font = Font(name="Times New Roman", bold=True, size=12, color="C00000")
    for i, col in enumerate(columns, start=1):
        head = ws.cell(HEADER_ROW, i, col.header)
        head.font, head.fill, head.border = BOLD, HEADER_FILL, BORDER
        head.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        if col.help:
            head.comment = Comment(fill(col.help, config), "Hướng dẫn")
        number = ws.cell(NUMBER_ROW, i, f"({i})")
        number.font, number.border = NORMAL, BORDER
        number.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.row_dimensions[HEADER_ROW].height = 78

    fixed = sheet.rows(config) if sheet.rows else None
    count = len(fixed) if fixed is not None else sheet.max_rows
    last_row = FIRST_DATA_ROW + count - 1
    for i, col in enumerate(columns, start=1):
        is_key_fixed = fixed is not None and i <= len(sheet.keys)
        letter = get_column_letter(i)
        if not is_key_fixed:
            dv = _validation(col, ranges.get(col.key), config)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
            ws.add_data_validation(dv)
        for r in range(count):
            cell = ws.cell(FIRST_DATA_ROW + r, i)
            cell.border, cell.font = BORDER, NORMAL
            if is_key_fixed:
                cell.value = fixed[r][i - 1]
                cell.fill = FIXED_FILL
                if sheet.tree and col.key == sheet.tree and fixed[r][i - 1].count(".") < 2:
                    cell.font = BOLD
            else:
                cell.fill = INPUT_FILL
                cell.protection = Protection(locked=False)
                if col.numeric:
                    cell.number_format = NUMBER_FORMATS[col.type]
                elif col.type == "date":
                    cell.number_format = "DD/MM/YYYY"
            if rows is not None and r < len(rows) and not is_key_fixed:
                cell.value = rows[r].get(col.key)
            cell.alignment = Alignment(wrap_text=col.type in ("text", "choice"), vertical="top")
    _fit_heights(ws, columns, count)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, len(sheet.keys) + 1)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    flag_rules(ws, sheet, FIRST_DATA_ROW, last_row)
    pages = _print_setup(ws, sheet, template, unit)
    # Title and identity wrap within the key columns when those repeat on every page and are wide
    # enough for a line of text, else within the first page (later pages repeat their start clipped).
    keys = sum(c.width for c in sheet.keys)
    span = (len(sheet.keys), keys) if pages > 1 and keys >= KEY_SPAN else _first_page(columns, pages)
    for row in (TITLE_ROW, INFO_ROW):
        _wrap_across(ws, row, *span)
    ws.print_area = f"A1:{last}{last_row}"  # every offered row: a unit may print the blank list to fill


def _first_page(columns: tuple[Field, ...], pages: int) -> tuple[int, float]:
    """(count, width) of the columns printed on the first page across (about 1/pages of the width)."""
    share, count, width = sum(c.width for c in columns) / pages, 0, 0.0
    for col in columns:
        if count and width + col.width > share:
            break
        count, width = count + 1, width + col.width
    return count, width


def _print_setup(ws: Worksheet, sheet: Sheet, template: Template, unit: Unit) -> int:
    """A4, landscape when wide, fitted to as many pages across as keep the print legible (key
    columns and header rows repeated on every page), page numbers in the footer; the pages across."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if len(sheet.columns) > 6 else "portrait"
    width = sum(c.width for c in sheet.columns)
    keys = sum(c.width for c in sheet.keys)
    pages = 1 if width <= LEGIBLE_WIDTH else math.ceil((width - keys) / (LEGIBLE_WIDTH - keys))
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = pages, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{NUMBER_ROW}"
    if pages > 1 and sheet.keys:
        ws.print_title_cols = f"A:{get_column_letter(len(sheet.keys))}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = _shorten(f"{template.title} – {unit.name}", 200)
    ws.oddFooter.center.text = "Trang &P/&N"
    return pages


def _fit_heights(ws: Worksheet, columns: tuple[Field, ...], count: int) -> None:
    """Give rows holding long wrapped text the height of their lines: neither Excel nor
    LibreOffice grows rows written by openpyxl when the file opens, so text would overlap."""
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + count):
        lines = 1
        for i, col in enumerate(columns, start=1):
            value = ws.cell(r, i).value
            if isinstance(value, str) and value:  # each line break starts a line
                lines = max(lines, sum(max(1, math.ceil(len(part) / max(1.0, col.width * CHARS_PER_WIDTH)))
                                       for part in value.split("\n")))
        if lines > 1:
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines)


def workbook(template: Template, unit: Unit, config: Config,
             data: dict[str, list[dict]] | None = None, demo: bool = False) -> Workbook:
    """The template as a workbook; data (sheet key → rows of field values) fills it."""
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    _write_guide(guide, template, unit, config, demo)
    ranges = _write_meta(wb, template, unit, config, demo)
    for index, sheet in enumerate(template.sheets, start=1):
        ws = wb.create_sheet(sheet.name, index)
        _write_sheet(ws, sheet, template, unit, config, ranges, (data or {}).get(sheet.key), demo)
    wb.active = 0  # opens on the guide
    return wb


def write_all(out_dir: Path, config: Config, unit_code: str | None = None) -> list[Path]:
    """Write every blank template for every owning unit (or one unit) into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in config.units:
        if unit_code and unit.code != unit_code:
            continue
        for template_id in unit.templates:
            template = CATALOG[template_id]
            path = out_dir / filename(template, unit)
            path = atomic.save(workbook(template, unit, config), path)
            written.append(path)
    return written

"""The TTHC information system's own statistics export, Biểu số II.06a/VPCP/KSTT, taken as the
centre's TTHC submission: recognised by what its header says, read into the TTHC template's
«ho_so» frame, then validated, stored and traced like a typed template.

Recognition (by meaning, never by cell positions): the header band is found below the title
rows (the row naming «STT» or the field-of-work / unit column, with every row its merged cells
span); merged cells give their text to every column they cover; each column's words (lowercase,
no diacritics, spaces collapsed: `words`) say its group (received / resolved / pending, pending
tested first) and its part (carried over, online, direct and postal, early, on time, late, within
deadline, total). A sheet naming at least `ENOUGH` of the 11 figures is an export; a missing one
is then an error at the header. The numbered row «(1) (2) … (13)» is skipped when present; the
data rows end at the signature block; a «Tổng cộng» row is checked against its parts (a warning
stating the gap at the total's cell) and not stored; «-» is none (0); «1.234» is 1234.

Rows: a field of work is matched to the catalog's by its words (`ALIASES` for the system's
usual names); an unknown name, or a unit when the export lists units instead, goes to «Khác»
with a warning naming the cell. Several rows landing on one row are summed (a warning names
their cells; the fact keeps the first row's cell).

Periods (the minimal representation; words and spans in intake.export_period): the period
named in the title is the file's `part` (submissions.part). Equal to a reporting month → that
month's rows; covering the whole configured period, or another span inside it (a quarter) → the
whole-period rows (WHOLE_PERIOD), a span other than the whole period said in a warning and named
by the report; outside the period or unreadable → rejected. The latest valid export of each period
is current beside the unit's other exports (months combine); a typed template and the exports
replace each other by which came later (store.warehouse's current_submissions); an export that
cannot combine with another current one (overlapping, or either not a month) is refused naming
both files (store.ingest). Only the export's rows become facts: the template's other rows get
row numbers ≤ 0 (SheetData.rows) and stay out of the warehouse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import python_calamine as pc
from openpyxl.utils import get_column_letter

from pipeline.core import vn
from pipeline.core.config import Config
from pipeline.intake.book import SheetData, Workbook
from pipeline.intake.cells import _CLEAN
from pipeline.intake.export_period import (
    NAME,
    RECOGNISED_BY,
    RECOGNISED_WORDS,
    SYSTEM,
    TITLE,
    _period,
    conflict,
    part,
    portal_text,
    report_sentence,
    source_text,
    span,
    span_text,
    words,
)
from pipeline.topics import CATALOG, topic

__all__ = ["NAME", "RECOGNISED_BY", "RECOGNISED_WORDS", "SYSTEM", "TITLE", "conflict", "part", "portal_text",
           "read", "report_sentence", "source_text", "span", "span_text", "words"]
TEMPLATE_ID, SHEET_KEY = "tthc", "ho_so"
SEARCH_ROWS = 40  # rows searched for the title and the header
MAX_ROWS = 600  # rows of an export read at most (the gate bounds the sheet first)
ENOUGH = 7  # figures of the 11 a header must name to be an export
OTHER = "Khác"

# (field key, group, words that name the part): tested in this order within a group.
COLUMNS = (
    ("nhan_ky_truoc", "nhan", ("ky truoc",)),
    ("nhan_truc_tuyen", "nhan", ("truc tuyen",)),
    ("nhan_truc_tiep", "nhan", ("truc tiep", "buu chinh")),
    ("nhan_tong", "nhan", ("tong",)),
    ("giai_quyet_truoc_han", "da", ("truoc han",)),
    ("giai_quyet_dung_han", "da", ("dung han",)),
    ("giai_quyet_qua_han", "da", ("qua han",)),
    ("giai_quyet_tong", "da", ("tong",)),
    ("dang_trong_han", "dang", ("trong han",)),
    ("dang_qua_han", "dang", ("qua han",)),
    ("dang_tong", "dang", ("tong",)),
)
GROUPS = (("dang", re.compile(r"\b(dang (giai quyet|xu ly)|chua giai quyet)\b")),
          ("da", re.compile(r"\bda (giai quyet|xu ly)\b")),
          ("nhan", re.compile(r"\bnhan\b")))
GROUP_WORDS = {"nhan": "Tiếp nhận", "da": "Đã giải quyết", "dang": "Đang giải quyết"}
PART_WORDS = {"nhan_ky_truoc": "kỳ trước chuyển qua", "nhan_truc_tuyen": "trực tuyến",
              "nhan_truc_tiep": "trực tiếp, dịch vụ bưu chính", "nhan_tong": "tổng số",
              "giai_quyet_truoc_han": "trước hạn", "giai_quyet_dung_han": "đúng hạn",
              "giai_quyet_qua_han": "quá hạn", "giai_quyet_tong": "tổng số", "dang_trong_han": "trong hạn",
              "dang_qua_han": "quá hạn", "dang_tong": "tổng số"}
NAME_COLUMN = re.compile(r"^(ten )?(linh vuc|don vi|co quan)\b(?! (tinh|bao cao|nhan))")
TOTAL_ROW = re.compile(r"^(tong cong|tong so|tong|cong)\b")
SIGNATURE = re.compile(r"\b(nguoi lap|thu truong|ky ten|ky ghi ro|ghi ro ho ten|dong dau|noi nhan|lanh dao"
                       r"|ngay \d{1,2} thang \d{1,2} nam)\b")
# The system's usual names of the catalog's fields of work (as words), beside the catalog's own.
ALIASES = {
    "lao dong thuong binh va xa hoi": "Lao động – Người có công – Xã hội",
    "nguoi co cong": "Lao động – Người có công – Xã hội",
    "bao tro xa hoi": "Lao động – Người có công – Xã hội",
    "lao dong": "Lao động – Người có công – Xã hội",
    "dang ky kinh doanh": "Đăng ký kinh doanh, hộ kinh doanh",
    "thanh lap va hoat dong cua ho kinh doanh": "Đăng ký kinh doanh, hộ kinh doanh",
    "ho kinh doanh": "Đăng ký kinh doanh, hộ kinh doanh",
    "van hoa": "Văn hóa – Thể thao", "the duc the thao": "Văn hóa – Thể thao",
    "van hoa the thao va du lich": "Văn hóa – Thể thao",
    "dat dai": "Đất đai", "dat dai moi truong": "Đất đai",
    "tu phap": "Tư pháp khác", "y te": "Y tế", "xay dung": "Xây dựng", "ho tich": "Hộ tịch",
    "chung thuc": "Chứng thực",
}
_NUMBERED = re.compile(r"^\(?(\d{1,2})\)?$")


@dataclass
class Found:
    """Where an export's parts are on one sheet."""

    sheet: str
    top: int  # 0-based first header row
    bottom: int  # 0-based last header row
    name_col: int
    by_units: bool  # the name column lists units, not fields of work
    columns: dict[str, int] = field(default_factory=dict)  # field key → 0-based column
    groups: dict[str, tuple[int, int]] = field(default_factory=dict)  # group → (row, column) of its header


def _filled(rows: list[list], merged: list, top: int, bottom: int) -> list[list]:
    """The header band's cells with each merged range's text in every cell it covers."""
    band = [list(r) for r in rows[top:bottom + 1]]
    for (r1, c1), (r2, c2) in merged:
        if r2 < top or r1 > bottom or r1 >= len(rows) or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(max(r1, top), min(r2, bottom) + 1):
            for c in range(c1, c2 + 1):
                if c < len(band[r - top]):
                    band[r - top][c] = value
    return band


def _header_top(rows: list[list]) -> tuple[int, int] | None:
    """(row, name column) of the header's first row: the row naming STT or the name column."""
    for i, row in enumerate(rows[:SEARCH_ROWS]):
        texts = [words(v) if isinstance(v, str) else "" for v in row[:4]]
        if any(t in ("stt", "so thu tu", "tt") for t in texts) or any(NAME_COLUMN.match(t) for t in texts):
            name = next((j for j, t in enumerate(texts) if NAME_COLUMN.match(t)), None)
            if name is None:
                name = next((j + 1 for j, t in enumerate(texts) if t in ("stt", "so thu tu", "tt")), 1)
            return i, name
    return None


def _bottom(rows: list[list], merged: list, top: int) -> int:
    """The last header row: as far as the merged cells that start in the band reach, then on
    while a row holds only texts (no figure, no numbered cell) below a blank STT cell."""
    bottom, changed = top, True
    while changed:
        changed = False
        for (r1, _), (r2, _) in merged:
            if top <= r1 <= bottom < r2:
                bottom, changed = r2, True
    while bottom + 1 < min(len(rows), top + 5):
        row = rows[bottom + 1]
        texts = [v for v in row if isinstance(v, str) and v.strip()]
        if row and row[0] in (None, "") and texts and not any(isinstance(v, (int, float)) for v in row) \
                and not any(_NUMBERED.match(v.strip()) for v in texts):
            bottom += 1
        else:
            break
    return min(bottom, top + 4)


def find(rows: list[list], merged: list, sheet: str) -> Found | None:
    """The export's header on a sheet, or None when the sheet is not an export."""
    start = _header_top(rows)
    if start is None:
        return None
    top, name_col = start
    bottom = _bottom(rows, merged, top)
    band = _filled(rows, merged, top, bottom)
    width = max(len(r) for r in band)
    heads = [words(" ".join(str(r[j]) for r in band if j < len(r) and r[j] not in (None, "")))
             for j in range(width)]
    found = Found(sheet, top, bottom, name_col, by_units=bool(re.match(r"^(ten )?(don vi|co quan)", heads[name_col]
                                                                         if name_col < width else "")))
    for j, head in enumerate(heads):
        if j <= name_col:
            continue
        group = next((g for g, pattern in GROUPS if pattern.search(head)), None)
        if group is None:
            continue
        pattern = dict(GROUPS)[group]  # the group's own header cell: where a missing column is named
        found.groups.setdefault(group, (top + next((r for r, cells in enumerate(band) if j < len(cells)
                                                    and pattern.search(words(cells[j]))), 0), j))
        key = next((k for k, g, parts in COLUMNS if g == group and any(p in head for p in parts)), None)
        if key is not None and key not in found.columns:
            found.columns[key] = j
    return found if len(found.columns) >= ENOUGH else None


def whole_period() -> str | None:
    """The key value of the template's whole-period rows (topics.tthc.template.WHOLE_PERIOD), if any."""
    return getattr(topic(TEMPLATE_ID).module("template"), "WHOLE_PERIOD", None)


def _figure(value: object) -> object:
    """A cell of the export as a figure: «-» is none (0), «1.234» stays text for the typed reader."""
    if isinstance(value, str) and value.strip() in ("-", "–", "—"):
        return 0
    return value


def _field_of_work(name: str, choices: tuple[str, ...]) -> str | None:
    text = re.sub(r"^(\d+|[ivx]+|[a-z])\s+", "", words(name))
    text = re.sub(r"^linh vuc\s+", "", text)
    for choice in choices:
        if words(choice) == text:
            return choice
    return ALIASES.get(text) if ALIASES.get(text) in choices else None


def load(rows: list[list], found: Found, wb: Workbook, config: Config, sender: str | None) -> None:
    """Read an export found on a sheet into wb: the TTHC template, its unit and its ho_so rows."""
    template = CATALOG[TEMPLATE_ID]
    sheet = template.sheet(SHEET_KEY)
    wb.template, wb.version, wb.recognised_by = template, template.version, RECOGNISED_BY
    _unit(wb, config, sender, found.sheet)
    letter = get_column_letter
    missing = [k for k, _, _ in COLUMNS if k not in found.columns]
    for key in missing:
        group = next(g for k, g, _ in COLUMNS if k == key)
        row, col = found.groups.get(group, (found.top, found.name_col))
        wb.error(f"{NAME} thiếu cột «{GROUP_WORDS[group]} – {PART_WORDS[key]}» (không tìm thấy cột này trong "
                 f"tiêu đề, dòng {found.top + 1}–{found.bottom + 1}).",
                 f"Hãy xuất lại {TITLE} từ {SYSTEM} với đủ 13 cột và gửi lại tệp "
                 "xuất nguyên vẹn (không xóa cột).", found.sheet, f"{letter(col + 1)}{row + 1}",
                 sheet.column(key).label)
    period = _period(rows, found.top)
    if period is None:
        wb.error(f"Không đọc được kỳ báo cáo của {NAME} (dòng tiêu đề không ghi «Từ ngày … đến ngày …» hay "
                 "tháng, quý, năm của kỳ báo cáo).",
                 "Hãy xuất lại biểu từ hệ thống, giữ nguyên các dòng tiêu đề ghi kỳ báo cáo, rồi gửi lại.",
                 found.sheet, f"A{max(found.top, 1)}")
    if missing or period is None:
        return
    first, last, where = period
    thang = _rows_key(first, last, wb, config, found.sheet, where)
    if thang is None:
        return
    wb.part = part(first, last)
    _read_rows(rows, found, wb, config, sheet, thang)


def _rows_key(first: date, last: date, wb: Workbook, config: Config, name: str, cell: str) -> str | None:
    """The key (thang) of the template rows the export's period fills, or None (rejected)."""
    text = f"{vn.day(first)} – {vn.day(last)}"
    if last < first or last < config.start or first > config.cutoff:
        wb.error(f"{NAME} là số liệu kỳ {text}, ngoài kỳ báo cáo {config.period_text}.",
                 "Hãy xuất biểu từ hệ thống cho kỳ nằm trong kỳ báo cáo rồi gửi lại.", name, cell, value=text)
        return None
    for named, a, b in config.reporting_months:
        if (a, b) == (first, last):
            return vn.month(named)
    whole = whole_period()
    if whole is None:
        wb.error(f"{NAME} là số liệu kỳ {text}, không trùng một tháng báo cáo; biểu số liệu TTHC chưa có dòng "
                 "cả kỳ để ghi số liệu này.",
                 "Hãy xuất biểu từ hệ thống theo từng tháng báo cáo rồi gửi từng tệp.", name, cell, value=text)
        return None
    if first > config.start or last < config.cutoff:
        wb.warning(f"{NAME} là số liệu tổng của kỳ {text}, không trùng một tháng báo cáo: được ghi nhận là số "
                   f"liệu của riêng kỳ này (không chia theo tháng), không phải của cả kỳ {config.period_text}.",
                   "Không cần sửa. Nếu có thể, hãy xuất biểu theo từng tháng báo cáo.", name, cell, value=text)
    return whole


def _unit(wb: Workbook, config: Config, sender: str | None, name: str) -> None:
    owners = config.owners(TEMPLATE_ID)
    codes = {u.code: u for u in config.units}
    if sender:
        wb.unit_code = sender
        if sender not in {u.code for u in owners}:
            who = codes[sender].name if sender in codes else sender
            wb.error(f"Đơn vị «{who}» không được giao biểu số liệu thủ tục hành chính ({NAME}).",
                     "Biểu này do đơn vị được giao biểu số liệu TTHC gửi.", value=sender)
    elif len(owners) == 1:
        wb.unit_code = owners[0].code
    else:
        wb.error(f"Không xác định được đơn vị gửi {NAME}.", "Hãy nộp tệp qua trang nộp biểu mẫu bằng tài khoản "
                 "của đơn vị.", name)


def _read_rows(rows: list[list], found: Found, wb: Workbook, config: Config, sheet, thang: str) -> None:
    """The export's rows onto the template's rows of `thang`; the total row checked against them."""
    keys = [k for k, _, _ in COLUMNS]
    start = found.bottom + 1
    if start < len(rows):
        numbered = [v for v in rows[start] if v not in (None, "")]
        values = [_NUMBERED.match(str(int(v) if isinstance(v, float) and v.is_integer() else v).strip())
                  for v in numbered]
        if len(values) >= 5 and all(values) and [int(m.group(1)) for m in values] == list(
                range(int(values[0].group(1)), int(values[0].group(1)) + len(values))):
            start += 1
    choices = sheet.column("linh_vuc").choices
    declared = topic(TEMPLATE_ID).module("template")
    own = [f for f in getattr(declared, "OWN_FIELDS", ()) if f in choices]
    whole_unit = getattr(declared, "ALL_FIELDS", OTHER)  # the row of the unit's total (every field of work)
    named: dict[str, str] = {}  # a row the unit names (OWN_FIELDS) → the export's name of the field of work
    landed: dict[str, list[tuple[int, list]]] = {}
    total = None
    for i in range(start, min(len(rows), start + MAX_ROWS)):
        row = list(rows[i]) + [None] * (max(found.columns.values()) + 1)
        texts = " ".join(words(v) for v in row if isinstance(v, str))
        if SIGNATURE.search(texts):
            break
        label = row[found.name_col] if found.name_col < len(row) else None
        figures = [_figure(row[found.columns[k]]) for k in keys]
        if all(v in (None, "") for v in figures):
            continue
        if label in (None, "") and any(isinstance(v, str) and _number(v) is None for v in figures):
            break  # text under the table without a row name: the place and date, the signatures
        label_words = words(label) if label not in (None, "") else ""
        if TOTAL_ROW.match(label_words) or (not label_words and isinstance(row[0], str) and TOTAL_ROW.match(words(row[0]))):
            total = (i, figures)
            continue
        target = None if found.by_units else _field_of_work(str(label or ""), choices)
        cell = f"{get_column_letter(found.name_col + 1)}{i + 1}"
        if target is None and label_words and not found.by_units:  # kept as its own field of work
            target = next((f for f, name in named.items() if words(name) == label_words), None)
            if target is None and len(named) < len(own):
                target = own[len(named)]
                named[target] = str(label).strip()
                wb.warning(f"{NAME} ghi lĩnh vực «{label}», không có trong danh sách lĩnh vực in sẵn của biểu số "
                           "liệu TTHC: được giữ là một lĩnh vực riêng mang đúng tên này.",
                           "Không cần sửa.", found.sheet, cell, "Lĩnh vực", label)
        if target is None and found.by_units:
            target = whole_unit
            wb.warning(f"{NAME} chia theo đơn vị («{label}»), không theo lĩnh vực: số liệu của dòng {i + 1} được "
                       f"ghi vào dòng «{target}» (tổng số của mọi lĩnh vực).", "Không cần sửa.",
                       found.sheet, cell, "Lĩnh vực", label)
        elif target is None:
            target = OTHER
            wb.warning(f"{NAME} ghi lĩnh vực «{label}», không có trong danh sách lĩnh vực của biểu số liệu TTHC: "
                       f"số liệu của dòng {i + 1} được ghi vào lĩnh vực «{OTHER}».",
                       "Không cần sửa; nếu đây là một lĩnh vực trong danh sách, hãy báo cơ quan thường trực.",
                       found.sheet, cell, "Lĩnh vực", label)
        landed.setdefault(target, []).append((i, figures))
    if not landed and total is not None:
        i, figures = total
        wb.warning(f"{NAME} chỉ có dòng tổng, không chia theo lĩnh vực: số liệu được ghi vào dòng «{whole_unit}».",
                   "Không cần sửa.", found.sheet, f"{get_column_letter(found.name_col + 1)}{i + 1}")
        landed[whole_unit], total = [(i, figures)], None
    if not landed:
        wb.error(f"{NAME} không có dòng số liệu nào dưới tiêu đề.", "Hãy xuất lại biểu từ hệ thống và gửi lại.",
                 found.sheet, f"A{start + 1}")
        return
    if total is not None:
        _check_total(total, landed, found, wb, sheet)
    _frame(landed, named, found, wb, config, sheet, thang)


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return vn.parse_number(value) if isinstance(value, str) else None


def _sum(values: list) -> object:
    """Several rows' cells as one: their sum when every one is a number, blank (unknown) when one is
    blank, else the first cell that is not a number (the checks then name it)."""
    numbers = [_number(v) for v in values]
    if all(n is not None for n in numbers):
        return sum(numbers)
    wrong = [v for v, n in zip(values, numbers, strict=True) if n is None and v not in (None, "")]
    return wrong[0] if wrong else None


def _check_total(total: tuple[int, list], landed: dict, found: Found, wb: Workbook, sheet) -> None:
    """A warning at each total cell that differs from the sum of the rows above it, stating the gap."""
    row, figures = total
    parts = [figs for rows in landed.values() for _, figs in rows]
    for n, (key, _, _) in enumerate(COLUMNS):
        given = _number(figures[n])
        values = [_number(p[n]) for p in parts]
        if given is None or any(v is None for v in values) or abs(given - sum(values)) < 1e-9:
            continue
        gap = given - sum(values)
        cell = f"{get_column_letter(found.columns[key] + 1)}{row + 1}"
        wb.warning(f"Dòng tổng của {NAME} ghi {vn.number(given)} hồ sơ, tổng các dòng lĩnh vực là "
                   f"{vn.number(sum(values))}: chênh lệch {vn.number(abs(gap))} hồ sơ "
                   f"({'dòng tổng lớn hơn' if gap > 0 else 'dòng tổng nhỏ hơn'}).",
                   "Hệ thống dùng số của từng dòng lĩnh vực; hãy kiểm tra lại trên Hệ thống thông tin giải "
                   "quyết TTHC.", found.sheet, cell, sheet.column(key).label, figures[n],
                   group=f"Dòng tổng của {NAME} khác tổng các dòng.")


def _frame(landed: dict, named: dict[str, str], found: Found, wb: Workbook, config: Config, sheet,
           thang: str) -> None:
    """The template's ho_so frame: every printed row; the export's rows at their Excel rows."""
    printed = sheet.rows(config)
    columns = [c.key for c in sheet.columns]
    cells = np.full((len(printed), len(columns)), None, dtype=object)
    numbers = -np.arange(1, len(printed) + 1, dtype="int64")  # rows the export does not cover: not facts
    index = {tuple(keys): n for n, keys in enumerate(printed)}
    keys = [k for k, _, _ in COLUMNS]
    for n, keys_printed in enumerate(printed):
        cells[n, :len(keys_printed)] = keys_printed
    for target, found_rows in landed.items():
        n = index.get((thang, target))
        if n is None:
            continue
        first, figures = found_rows[0]
        if len(found_rows) > 1:
            summed = [_sum([f[j] for _, f in found_rows]) for j in range(len(keys))]
            where = ", ".join(str(i + 1) for i, _ in found_rows)
            wb.warning(f"Các dòng {where} của {NAME} cùng thuộc lĩnh vực «{target}»: hệ thống cộng số liệu "
                       f"các dòng này (ô của số liệu là ô ở dòng {first + 1}).", "Không cần sửa.", found.sheet,
                       f"{get_column_letter(found.name_col + 1)}{first + 1}", "Lĩnh vực", target)
            figures = summed
        numbers[n] = first + 1
        for j, key in enumerate(keys):
            cells[n, columns.index(key)] = figures[j]
        if target in named and "ten_linh_vuc" in columns:
            cells[n, columns.index("ten_linh_vuc")] = named[target]
    letters = {key: get_column_letter(found.columns[key] + 1) for key in keys}
    name_letter = get_column_letter(found.name_col + 1)
    for c in sheet.columns:
        letters.setdefault(c.key, name_letter)  # fields the export has no column for: never filled
    data = SheetData(sheet, found.sheet, _CLEAN(cells), 1, letters, found.bottom + 1, rows=numbers)
    wb.sheets[SHEET_KEY] = data


def read(book: pc.CalamineWorkbook, wb: Workbook, config: Config, sender: str | None, names: list[str]) -> bool:
    """Recognise and read an export among the workbook's sheets; False when none is an export."""
    for name in names:
        handle = book.get_sheet_by_name(name)
        rows = handle.to_python(skip_empty_area=False, nrows=SEARCH_ROWS + MAX_ROWS)
        merged = handle.merged_cell_ranges or []
        found = find(rows, merged, name)
        if found is not None:
            load(rows, found, wb, config, sender)
            return True
    return False

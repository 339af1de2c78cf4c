"""Read a returned workbook: safety checks, template recognition, cells with their Excel address.

Nothing here trusts the file: the bytes are checked (size, zip signature, entry count and
uncompressed size, OLE/PDF/ODS look-alikes) before python-calamine opens it, and every problem
becomes a Vietnamese Problem naming file, sheet and cell instead of an exception.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import python_calamine as pc
from defusedxml import ElementTree
from openpyxl.utils import column_index_from_string, get_column_letter

from pipeline.core import layout, vn
from pipeline.core.config import Config
from pipeline.core.model import Sheet, Template
from pipeline.intake.cells import (
    _CLEAN,
    norm,
)
from pipeline.topics import CATALOG

# The one set of safety limits of every way in (files dropped in inputs/ and portal uploads; the
# portal declares its own smaller upload size and calls check_zip for the rest).
MAX_FILE_BYTES = 20 * 1024 * 1024  # a filled template is ~20-200 KB
MAX_ENTRIES = 400  # zip members (a workbook made from a template has about 15)
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes once unzipped, all members together
MAX_RATIO = 200  # uncompressed / compressed, per entry (an XML sheet compresses ~10-30×)
ROW_MARGIN = 1000  # rows tolerated below a sheet's last possible row before the sheet is not read
MAX_ROWS = 2000  # rows of any sheet (above every template's row limit: see row_limit)
MAX_COLUMNS = 702  # columns of any sheet (A … ZZ)
MAX_CELLS = 500_000  # rows × columns of one sheet's used area
FILE_SECONDS = 60.0  # time budget of one file, for reading and again for its checks
HEADER_SEARCH_ROWS = 10

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"

SEND_AGAIN = "Hãy mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) kiểu «Excel Workbook (.xlsx)» rồi gửi lại."
NEW_TEMPLATE = "Hãy tải biểu mẫu mới, chép số liệu sang và gửi lại."
ORIGINAL = "Hãy dùng biểu mẫu gốc do cơ quan thường trực phát hành, điền số liệu và gửi lại."


class Refused(Exception):
    """A file the safety gate will not open: rule and fix are Vietnamese."""

    def __init__(self, rule: str, fix: str):
        super().__init__(rule)
        self.rule, self.fix = rule, fix


def megabytes(size: float) -> str:
    """A size in MB as people read it: 5 MB, 5,3 MB, 50 MB."""
    mb = size / 1024 / 1024
    return vn.number(mb, 1 if mb < 10 and not mb.is_integer() else 0) + " MB"


def too_large(size: int | None, limit: int) -> Refused:
    """The refusal of a file over limit bytes; size = its real size when known (else "hơn …")."""
    found = megabytes(size) if size is not None and size > limit else f"hơn {megabytes(limit)}"
    return Refused(f"Tệp quá lớn ({found}; tối đa {megabytes(limit)}). Biểu mẫu đã điền thường chỉ vài trăm KB.",
                   "Hãy xoá hình ảnh, trang tính thừa hoặc dùng biểu mẫu gốc, rồi gửi lại.")


def check_zip(zf: zipfile.ZipFile) -> None:
    """The safety gate shared by every way in: member count, declared and real uncompressed size
    (read in 1 MB chunks, so a lying header costs at most MAX_UNCOMPRESSED), compression ratio,
    encryption. Raises Refused."""
    members = zf.infolist()
    if len(members) > MAX_ENTRIES:
        raise Refused(f"Tệp chứa quá nhiều thành phần ({vn.number(len(members))}; tối đa {MAX_ENTRIES}), "
                      "không giống một biểu mẫu.", ORIGINAL)
    bomb = Refused("Tệp khi giải nén quá lớn so với một biểu mẫu (nghi tệp nén độc hại); hệ thống từ chối "
                   "mở để bảo đảm an toàn.", ORIGINAL)
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED or any(
            m.file_size > MAX_RATIO * max(m.compress_size, 1) and m.file_size > 1_000_000 for m in members):
        raise bomb
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise Refused("Tệp được đặt mật khẩu nên hệ thống không đọc được.",
                          "Hãy gỡ mật khẩu của tệp, lưu lại rồi gửi lại.")
        with zf.open(member) as stream:  # stops at the declared size and checks the CRC
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNCOMPRESSED:
                    raise bomb


@dataclass
class Problem:
    """One thing wrong with a file, located as precisely as the file allows."""

    severity: str  # "error" | "warning"
    file: str
    sheet: str | None
    cell: str | None
    field: str | None
    value: str | None
    rule: str
    fix: str
    group: str | None = None  # the rule without this cell's figures: problems omitted past the cap are counted by it

    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def text(self) -> str:
        kind = "LỖI" if self.severity == "error" else "CẢNH BÁO"
        parts = [f"[{kind}] {self.file}"]
        if self.where():
            parts.append(f" › {self.where()}")
        if self.field:
            parts.append(f" ({self.field})")
        if self.value not in (None, ""):
            parts.append(f": giá trị «{self.value}»")
        parts.append(f" — {self.rule}")
        if self.fix:
            parts.append(f" Cách sửa: {self.fix}")
        return "".join(parts)


@dataclass
class SheetData:
    """One catalog sheet as found in the file: the cells of its data area, row by row."""

    sheet: Sheet
    name: str  # the sheet name in the file
    cells: np.ndarray  # rows × sheet.columns, values as calamine gave them, None for a blank cell
    first_row: int  # Excel row of cells[0]
    letters: dict[str, str]  # field key → column letter in this file
    header_row: int
    formulas_without_value: set[str] = field(default_factory=set)  # A1 cells
    formula_errors: dict[str, str] = field(default_factory=dict)  # A1 → the error shown ("#DIV/0!")
    formulas: set[str] = field(default_factory=set)  # A1 cells holding any formula (with a result or not)


@dataclass
class Workbook:
    path: Path
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    template: Template | None = None
    version: int | None = None
    meta: dict = field(default_factory=dict)
    recognised_by: str | None = None
    unit_code: str | None = None
    demo: bool = False
    sheets: dict[str, SheetData] = field(default_factory=dict)
    deadline: float | None = None  # time.monotonic() beyond which the file is rejected (FILE_SECONDS)
    timed_out: bool = False

    def _add(self, severity: str, rule: str, fix: str, sheet: str | None, cell: str | None,
             field: str | None, value: object, group: str | None) -> None:
        # every text is made printable here: a problem is written into workbooks and the warehouse
        self.problems.append(Problem(
            severity, vn.printable(self.path.name, SHOWN), sheet and vn.printable(sheet, SHOWN), cell,
            field and vn.printable(field, SHOWN), shown(value), vn.printable(rule), vn.printable(fix),
            group and vn.printable(group)))

    def error(self, rule: str, fix: str, sheet: str | None = None, cell: str | None = None,
              field: str | None = None, value: object = None, group: str | None = None) -> None:
        self._add("error", rule, fix, sheet, cell, field, value, group)

    def warning(self, rule: str, fix: str, sheet: str | None = None, cell: str | None = None,
                field: str | None = None, value: object = None, group: str | None = None) -> None:
        self._add("warning", rule, fix, sheet, cell, field, value, group)

    def late(self) -> bool:
        """True once the file's time budget is spent (the first time, its rejection is recorded)."""
        if self.timed_out:
            return True
        if self.deadline is None or time.monotonic() <= self.deadline:
            return False
        self.timed_out = True
        self.error(f"Hệ thống dừng xử lý tệp vì đã quá thời gian cho phép ({vn.number(FILE_SECONDS)} giây cho "
                   "một tệp); tệp chưa được nhận.",
                   "Tệp có quá nhiều dòng hoặc quá nhiều lỗi: hãy dùng biểu mẫu gốc, chỉ điền trong phạm vi "
                   "của biểu rồi gửi lại; nếu vẫn bị báo như vậy, hãy liên hệ cơ quan thường trực.")
        return True


SHOWN = vn.SHOWN_CHARS


def shown(value: object) -> str | None:
    """A cell value as the unit would see it (Vietnamese number format)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating)):
        if isinstance(value, float) and np.isnan(value):
            return None
        if float(value).is_integer():
            return vn.number(float(value))
        decimals = min(6, len(repr(float(value)).split(".")[-1]))
        return vn.number(float(value), decimals)
    if isinstance(value, datetime):
        return vn.day(value) if value.time() == datetime.min.time() else vn.moment(value)
    if isinstance(value, date):
        return vn.day(value)
    return vn.printable(value, SHOWN)


# ---------------------------------------------------------------------------------------------
# Bytes: what is this file?


def sniff(data: bytes, wb: Workbook) -> zipfile.ZipFile | None:
    """Return the opened zip of a plausible .xlsx, or record why the file cannot be read."""
    if not data:
        wb.error("Tệp rỗng (0 byte), không có nội dung.",
                 "Hãy kiểm tra lại tệp trên máy (có thể tệp chưa lưu xong) rồi gửi lại.")
        return None
    if len(data) > MAX_FILE_BYTES:
        refused = too_large(len(data), MAX_FILE_BYTES)
        wb.error(refused.rule, refused.fix)
        return None
    head = data[:8]
    if head == OLE_SIGNATURE:
        if "EncryptedPackage".encode("utf-16-le") in data:
            wb.error("Tệp được đặt mật khẩu nên hệ thống không đọc được.",
                     "Hãy mở tệp, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hoá bằng mật khẩu: "
                     "xoá trống), lưu lại rồi gửi lại.")
        elif "WordDocument".encode("utf-16-le") in data:
            wb.error("Tệp là văn bản Word (.doc) bị đổi đuôi thành .xlsx, không phải biểu mẫu Excel.",
                     "Hãy gửi đúng tệp biểu mẫu Excel đã điền.")
        else:
            wb.error("Tệp là bảng tính Excel đời cũ (.xls), hệ thống chỉ nhận tệp .xlsx.", SEND_AGAIN)
        return None
    if data[:5] == b"%PDF-":
        wb.error("Tệp là tài liệu PDF, không phải biểu mẫu Excel.",
                 "Hãy gửi tệp biểu mẫu Excel (.xlsx) đã điền, không gửi bản in hay bản scan.")
        return None
    if head[:4] == EMPTY_ZIP_SIGNATURE:
        wb.error("Tệp nén rỗng, không có nội dung bảng tính.", SEND_AGAIN)
        return None
    if head[:4] != ZIP_SIGNATURE:
        wb.error("Tệp không phải bảng tính Excel (.xlsx) (nội dung không đúng định dạng).",
                 "Hãy gửi đúng tệp biểu mẫu Excel đã điền (đuôi .xlsx).")
        return None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        check_zip(zf)
    except Refused as refused:
        wb.error(refused.rule, refused.fix)
        return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError):
        wb.error("Tệp bị hỏng hoặc chưa tải về đầy đủ (cấu trúc nén .xlsx không đọc được).",
                 "Hãy mở thử tệp trên máy; nếu mở được thì lưu lại và gửi lại, nếu không thì lấy lại bản gốc.")
        return None
    names = {i.filename for i in infos}
    if "mimetype" in names:
        try:
            kind = zf.read("mimetype")[:100].decode("ascii", "replace")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            kind = ""
        if "spreadsheet" in kind:
            wb.error("Tệp là bảng tính OpenDocument (.ods) bị đổi đuôi, hệ thống chỉ nhận tệp .xlsx.",
                     "Trong LibreOffice chọn Tệp › Lưu thành, kiểu «Excel 2007-365 (.xlsx)», rồi gửi lại.")
        else:
            wb.error("Tệp là tài liệu OpenDocument, không phải biểu mẫu Excel.",
                     "Hãy gửi đúng tệp biểu mẫu Excel (.xlsx) đã điền.")
        return None
    if "word/document.xml" in names:
        wb.error("Tệp là văn bản Word (.docx) bị đổi đuôi thành .xlsx, không phải biểu mẫu Excel.",
                 "Hãy gửi đúng tệp biểu mẫu Excel đã điền.")
        return None
    if "xl/workbook.bin" in names:
        wb.error("Tệp là sổ làm việc nhị phân Excel (.xlsb), hệ thống chỉ nhận tệp .xlsx.", SEND_AGAIN)
        return None
    if "xl/workbook.xml" not in names:
        wb.error("Tệp nén không phải bảng tính Excel (.xlsx).",
                 "Hãy gửi đúng tệp biểu mẫu Excel đã điền (đuôi .xlsx).")
        return None
    return zf


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the zip."""
    return dict(_sheet_parts(zf.read("xl/workbook.xml"), zf.read("xl/_rels/workbook.xml.rels")))


@functools.lru_cache(maxsize=256)  # files made from one template share these two parts byte for byte
def _sheet_parts(workbook: bytes, relations: bytes) -> tuple[tuple[str, str], ...]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    book = ElementTree.fromstring(workbook)
    rels = ElementTree.fromstring(relations)
    targets = {}
    for rel in rels.findall("p:Relationship", ns):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    return tuple((s.get("name"), targets.get(s.get(f"{{{ns['r']}}}id"), ""))
                 for s in book.iterfind("m:sheets/m:sheet", ns))


_FORMULA_HINT = re.compile(rb"f[\s>/]")  # cheap necessary condition of _FORMULA (a literal-led search)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b[^>]*>\s*[^<\s]")
_ERROR_TYPE = re.compile(rb'\bt="e"')
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>\s*([^<]{1,40})<")


def formula_cells(zf: zipfile.ZipFile, part: str) -> tuple[set[str], dict[str, str], set[str]]:
    """(A1 addresses of formula cells that carry no saved result, A1 → error value of cells whose
    formula evaluates to an error such as #DIV/0!, A1 of every formula cell): calamine reads the
    first two as blank, the others as their saved result."""
    try:
        with zf.open(part) as handle:
            xml = handle.read(MAX_UNCOMPRESSED + 1)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return set(), {}, set()
    formulas = bool(_FORMULA_HINT.search(xml)) and bool(_FORMULA.search(xml))
    errors = bool(_ERROR_TYPE.search(xml))
    if not formulas and not errors:
        return set(), {}, set()
    found, failed, every = set(), {}, set()
    for attrs, body in _CELL.findall(xml):
        if not body or not (ref := _REF.search(attrs)):
            continue
        if formulas and _FORMULA.search(body):
            every.add(ref.group(1).decode())
        if errors and _ERROR_TYPE.search(attrs):
            value = _ERROR_VALUE.search(body)
            failed[ref.group(1).decode()] = value.group(1).decode("utf-8", "replace").strip() if value else "#?"
        elif formulas and _FORMULA.search(body) and not _VALUE.search(body):
            found.add(ref.group(1).decode())
    return found, failed, every


# ---------------------------------------------------------------------------------------------
# Recognition


@functools.cache
def fingerprints() -> dict[str, Template]:
    return {t.fingerprint: t for t in CATALOG.values()}


def _rows(book: pc.CalamineWorkbook, name: str, nrows: int = HEADER_SEARCH_ROWS) -> list[list]:
    """The first nrows rows of a sheet (never the whole sheet: it may be huge)."""
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)


def _meta(book: pc.CalamineWorkbook) -> dict[str, object]:
    if layout.META_SHEET not in book.sheet_names:
        return {}
    out = {}
    for row in _rows(book, layout.META_SHEET, 100):
        if len(row) >= 2 and isinstance(row[0], str) and row[0] in layout.META_KEYS:
            value = row[1]
            out[row[0]] = int(value) if isinstance(value, float) and value.is_integer() else value
    return out


def _header_match(rows: list[list], sheet: Sheet) -> tuple[int, int]:
    """(Excel row, number of matching labels) of the best header row among the first rows."""
    wanted = {norm(c.header) for c in sheet.columns} | {norm(c.label) for c in sheet.columns}
    best = (layout.HEADER_ROW, 0)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for v in row if isinstance(v, str) and norm(v) in wanted)
        if score > best[1]:
            best = (index + 1, score)
    return best


def _by_headers(book: pc.CalamineWorkbook, names: list[str]) -> tuple[Template | None, dict[str, str]]:
    """The template whose header labels best match the workbook's sheets, and sheet key → name."""
    cache = {name: _rows(book, name) for name in names}
    best: tuple[float, Template | None, dict[str, str]] = (0.0, None, {})
    for template in CATALOG.values():
        chosen, matched, total = {}, 0, 0
        for sheet in template.sheets:
            total += len(sheet.columns)
            scores = [(_header_match(cache[n], sheet)[1] + (0.5 if n == sheet.name else 0), n)
                      for n in names if n not in chosen.values()]
            if scores:
                score, name = max(scores)
                if score >= 1:
                    chosen[sheet.key] = name
                    matched += int(score)
        share = matched / total
        if share > best[0]:
            best = (share, template, chosen)
    if best[0] >= 0.5:
        return best[1], best[2]
    return None, {}


def _unit_from_text(rows: list[list], config: Config) -> str | None:
    for row in rows[:HEADER_SEARCH_ROWS]:
        for value in row[:3]:
            if isinstance(value, str) and norm(value).startswith(norm(layout.UNIT_PREFIX)):
                name = norm(value[len(layout.UNIT_PREFIX):].split("|")[0])
                for unit in config.units:
                    if norm(unit.name) == name:
                        return unit.code
    return None


def recognise(book: pc.CalamineWorkbook, wb: Workbook, config: Config,
              sender: str | None) -> dict[str, str]:
    """Find the template (fingerprint first, header labels second) and the unit; sheet key → name."""
    names = [m.name for m in book.sheets_metadata
             if m.typ == pc.SheetTypeEnum.WorkSheet and m.name not in (layout.META_SHEET, layout.GUIDE_SHEET)]
    meta = _meta(book)
    wb.meta = meta
    template = fingerprints().get(str(meta.get("fingerprint", "")))
    sheet_names: dict[str, str] = {}
    if template is not None:
        wb.recognised_by = "fingerprint"
        wb.version = template.version
        sheet_names = {s.key: s.name for s in template.sheets if s.name in names}
    elif meta.get("template_id") in CATALOG:
        current = CATALOG[str(meta["template_id"])]
        version = meta.get("version")
        if isinstance(version, int) and version < current.version:
            wb.error(f"Mẫu cũ: tệp dùng biểu «{current.title}» phiên bản {version}, phiên bản hiện hành là "
                     f"{current.version}.", "Mẫu cũ: hãy tải mẫu mới, chép số liệu sang và gửi lại.",
                     layout.META_SHEET)
        else:
            wb.error(f"Cấu trúc biểu «{current.title}» trong tệp không khớp với biểu mẫu đã phát hành "
                     "(dấu nhận dạng không đúng).", NEW_TEMPLATE, layout.META_SHEET)
        wb.template, wb.version = current, version if isinstance(version, int) else None
        return {}
    else:
        template, sheet_names = _by_headers(book, names)
        if template is None:
            wb.error("Không nhận ra biểu mẫu: tệp không có dấu nhận dạng của hệ thống và tiêu đề các cột "
                     "không khớp với biểu mẫu nào.",
                     "Hãy dùng biểu mẫu do cơ quan thường trực phát hành (không tự tạo bảng mới), điền số "
                     "liệu vào đó và gửi lại.")
            return {}
        wb.recognised_by = "headers"
        wb.version = template.version
    wb.template = template
    wb.demo = bool(meta.get("demo")) if meta else any(
        layout.DEMO_MARK in str(v) for n in sheet_names.values() for r in _rows(book, n, 4) for v in r[:1])
    for sheet in template.sheets:
        if sheet.key not in sheet_names:
            wb.error(f"Thiếu trang tính «{sheet.name}» ({sheet.title}).",
                     "Không xoá hay đổi tên trang tính của biểu mẫu; hãy dùng lại biểu mẫu gốc.", sheet.name)
    used = set(sheet_names.values())
    for name in names:
        if name not in used:
            wb.warning(f"Trang tính «{name}» không thuộc biểu mẫu; hệ thống bỏ qua trang này.",
                       "Không cần sửa nếu đây là trang ghi chú; số liệu phải nằm trong các trang tính của biểu.",
                       name)
    _check_unit(book, wb, config, sender, meta, sheet_names)
    return sheet_names


def _check_unit(book: pc.CalamineWorkbook, wb: Workbook, config: Config, sender: str | None,
                meta: dict, sheet_names: dict[str, str]) -> None:
    template = wb.template
    assert template is not None
    codes = {u.code: u for u in config.units}
    if meta:
        code = str(meta.get("unit_code") or "")
        if code not in codes:
            wb.error(f"Mã đơn vị «{code}» ghi trong tệp không có trong danh sách đơn vị của {config.full_name}.",
                     "Hãy tải biểu mẫu của đúng đơn vị mình và gửi lại.", layout.META_SHEET, "B4",
                     value=code)
            code = None
        start, cutoff = str(meta.get("period_start", "")), str(meta.get("period_cutoff", ""))
        if (start, cutoff) != (config.start.isoformat(), config.cutoff.isoformat()):
            wb.error(f"Biểu mẫu thuộc kỳ báo cáo khác ({start} – {cutoff}); kỳ hiện hành: {config.period_text}.",
                     NEW_TEMPLATE, layout.META_SHEET, "B7", value=f"{start} – {cutoff}")
        if str(meta.get("commune", config.commune)) != config.commune:
            wb.error(f"Biểu mẫu của đơn vị «{meta.get('commune')}», không phải của {config.full_name}.",
                     NEW_TEMPLATE, layout.META_SHEET, "B6", value=meta.get("commune"))
    else:
        first = next(iter(sheet_names.values()), None)
        code = _unit_from_text(_rows(book, first), config) if first else None
        code = code or sender
        if code is None:
            owners = config.owners(template.id)
            if len(owners) == 1:
                code = owners[0].code
                wb.warning(f"Không tìm thấy tên đơn vị trong tệp (ô A2 «{layout.UNIT_PREFIX}…»); hệ thống "
                           f"coi là biểu của {owners[0].name}, đơn vị được giao biểu này.",
                           f"Nếu đúng thì không cần sửa; nên ghi «{layout.UNIT_PREFIX}<tên đơn vị>» vào ô A2.",
                           first, "A2")
            else:
                wb.error("Không xác định được đơn vị gửi biểu (tệp không có dấu nhận dạng và ô A2 không ghi "
                         f"«{layout.UNIT_PREFIX}<tên đơn vị>»).",
                         "Hãy dùng biểu mẫu gốc của đơn vị mình hoặc nộp qua trang nộp biểu mẫu.", first, "A2")
    if code and sender and code != sender:
        wb.error(f"Tệp là biểu của đơn vị «{codes[code].name}» nhưng được gửi bởi đơn vị "
                 f"«{codes[sender].name if sender in codes else sender}».",
                 "Mỗi đơn vị chỉ gửi biểu mẫu của chính mình; hãy tải biểu mẫu của đơn vị mình, điền và gửi lại.",
                 value=code)
    if code and template.id not in codes[code].templates:
        owners = ", ".join(u.name for u in config.owners(template.id)) or "không đơn vị nào"
        wb.error(f"Đơn vị «{codes[code].name}» không được giao biểu «{template.title}» (đơn vị được giao: "
                 f"{owners}).", "Hãy gửi đúng biểu mẫu được giao cho đơn vị mình.", value=code)
    wb.unit_code = code or sender


# ---------------------------------------------------------------------------------------------
# Sheets


def _columns(header: list, sheet: Sheet, wb: Workbook, name: str, row: int) -> dict[str, int]:
    """Field key → 0-based column position, matched by header label; problems for changes."""
    found: dict[str, int] = {}
    labels = [norm(v) if isinstance(v, str) else "" for v in header]
    for i, col in enumerate(sheet.columns):
        wanted = (norm(col.header), norm(col.label))
        where = [j for j, text in enumerate(labels) if text in wanted]
        if i < len(labels) and labels[i] in wanted:
            found[col.key] = i
        elif where:
            found[col.key] = where[0]
            wb.warning(f"Cột «{col.header}» bị chuyển chỗ: phải ở cột {get_column_letter(i + 1)}, đang ở cột "
                       f"{get_column_letter(where[0] + 1)}. Hệ thống vẫn đọc theo tiêu đề cột.",
                       "Lần sau hãy giữ nguyên thứ tự cột của biểu mẫu.", name,
                       f"{get_column_letter(where[0] + 1)}{row}", col.label)
    claimed = set(found.values())
    for i, col in enumerate(sheet.columns):
        if col.key in found:
            continue
        cell = f"{get_column_letter(i + 1)}{row}"
        value = header[i] if i < len(header) else None
        if value not in (None, "") and i not in claimed:
            rule = f"Tiêu đề cột bị đổi: phải là «{col.header}»."
        else:
            rule = f"Không tìm thấy cột «{col.header}» (cột bị xoá hoặc đổi tên)."
        wb.error(rule, "Không đổi tên, xoá hay chèn cột; hãy dùng lại biểu mẫu gốc và chép số liệu sang.",
                 name, cell, col.label, value)
        if i not in claimed and i < len(header):
            found[col.key] = i
    return found


def read_sheet(book: pc.CalamineWorkbook, zf: zipfile.ZipFile, parts: dict[str, str], wb: Workbook,
               sheet: Sheet, name: str, config: Config) -> SheetData | None:
    handle = book.get_sheet_by_name(name)
    if _too_big(handle, wb, sheet, name, config):
        return None
    rows = handle.to_python(skip_empty_area=False)
    expected = [c.header for c in sheet.columns]
    if len(rows) >= layout.HEADER_ROW and rows[layout.HEADER_ROW - 1][:len(expected)] == expected:
        header_row, positions = layout.HEADER_ROW, {c.key: i for i, c in enumerate(sheet.columns)}
    else:
        header_row, score = _header_match(rows, sheet)
        if score == 0:
            header_row = layout.HEADER_ROW
        header = rows[header_row - 1] if len(rows) >= header_row else []
        positions = _columns(list(header), sheet, wb, name, header_row)
    first = header_row + 1
    if len(rows) >= first and any(isinstance(v, str) and re.fullmatch(r"\(\d+\)", v.strip()) for v in rows[first - 1][:3]):
        first += 1
    body = rows[first - 1:]
    width = max((len(r) for r in body), default=0)
    grid = np.empty((len(body), width + 1), dtype=object)  # last column stays None: missing fields
    for i, row in enumerate(body):
        grid[i, :len(row)] = row
    take = [positions[c.key] if c.key in positions and positions[c.key] < width else width for c in sheet.columns]
    cells = _CLEAN(grid[:, take]) if grid.size else grid[:, take]
    letters = {key: get_column_letter(pos + 1) for key, pos in positions.items()}
    for i, col in enumerate(sheet.columns):
        letters.setdefault(col.key, get_column_letter(i + 1))
    data = SheetData(sheet, name, cells, first, letters, header_row)
    last_row = first + len(body) - 1
    for (r1, c1), (r2, c2) in handle.merged_cell_ranges or []:
        if r2 + 1 >= first and r1 + 1 <= max(last_row, first):
            ref = f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2 + 1)}{r2 + 1}"
            wb.error(f"Vùng số liệu có ô bị gộp ({ref}).",
                     f"Hãy bỏ gộp ô vùng {ref} (Trang đầu › Gộp và căn giữa › Bỏ gộp ô) và điền mỗi số vào một ô.",
                     name, f"{get_column_letter(c1 + 1)}{r1 + 1}", value=ref)
    data.formulas_without_value, data.formula_errors, data.formulas = formula_cells(zf, parts.get(name, ""))
    return data


def row_limit(sheet: Sheet, config: Config) -> int:
    """The last Excel row a sheet may use before it is refused unread (ROW_MARGIN past the template)."""
    rows = len(sheet.rows(config)) if sheet.rows is not None else sheet.max_rows
    return layout.FIRST_DATA_ROW + rows + ROW_MARGIN


# literal-led patterns (5× faster than with a leading \b); no other sheet attribute ends in r="
_FAR_ROW = re.compile(rb'r="[A-Z]{0,3}([0-9]{4,8})"')  # a row or cell from row 1,000 on
_FAR_COLUMN = re.compile(rb'r="([A-Z]{3,})[0-9]')  # a cell from column AAA (703) on
_ROW_TAG = re.compile(rb'<(?:\w+:)?row [^>]*?r="([0-9]{1,8})"')


def sheet_extent(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) named in a sheet's XML, found by streaming it, never parsing it;
    0 for rows below 1,000 / columns below 703 (only far references are looked at, which are rare,
    so this costs a few milliseconds). Needed before calamine opens a sheet: it allocates the
    whole used area at once (one value at XFD1048576 makes it abort the process)."""
    rows = cols = 0
    tail = b""
    try:
        with zf.open(part) as stream:
            while chunk := stream.read(1 << 20):
                block = tail + chunk
                if rows <= MAX_ROWS:
                    for found in _FAR_ROW.finditer(block):
                        rows = max(rows, int(found.group(1)))
                        if rows > MAX_ROWS:
                            break
                if rows > MAX_ROWS:  # refused anyway: the block's last row tag, for the row count
                    last = _ROW_TAG.search(block, max(0, block.rfind(b"row ") - 4))
                    rows = max(rows, int(last.group(1))) if last else rows
                for found in _FAR_COLUMN.finditer(block):
                    letters = found.group(1).decode()
                    cols = max(cols, column_index_from_string(letters) if len(letters) <= 3 else 1 << 20)
                tail = block[-64:]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0, 0
    return rows, cols


def check_extents(zf: zipfile.ZipFile, wb: Workbook, config: Config) -> bool:
    """Refuse (True) a file with a sheet used far beyond any template, before calamine sees it."""
    by_name = {s.name: s for t in CATALOG.values() for s in t.sheets}
    refused = False
    for name, part in sheet_parts(zf).items():
        rows, cols = sheet_extent(zf, part)
        if rows > MAX_ROWS:
            sheet = by_name.get(name)
            if sheet is not None:
                _too_long(rows, wb, sheet, name, config)
            else:
                wb.error(f"Trang tính «{name}» có {vn.number(rows)} dòng, quá lớn so với mọi biểu mẫu (tối đa "
                         f"{vn.number(MAX_ROWS)} dòng); hệ thống không đọc tệp này.",
                         "Hãy xoá trang tính này hoặc các dòng thừa, rồi gửi lại.", name, f"A{MAX_ROWS + 1}",
                         value=rows)
            refused = True
        if cols > MAX_COLUMNS:
            wb.error(f"Trang tính «{name}» có dữ liệu ở cột thứ {vn.number(cols)}, quá xa phạm vi của biểu mẫu "
                     f"(tối đa {vn.number(MAX_COLUMNS)} cột); hệ thống không đọc tệp này.",
                     f"Hãy xoá nội dung ở các cột từ cột {get_column_letter(MAX_COLUMNS + 1)} trở đi của trang "
                     "tính này, rồi gửi lại.", name)
            refused = True
    return refused


def _too_long(height: int, wb: Workbook, sheet: Sheet, name: str, config: Config) -> bool:
    limit = row_limit(sheet, config)
    if height <= limit:
        return False
    allowed = (f"biểu có {len(sheet.rows(config))} dòng in sẵn" if sheet.rows is not None
               else f"danh sách tối đa {sheet.max_rows} dòng")
    wb.error(f"Trang tính «{name}» có {vn.number(height)} dòng, vượt xa giới hạn của biểu ({allowed}; hệ "
             f"thống chỉ đọc trang tính đến dòng {vn.number(limit)}); hệ thống không đọc trang tính này.",
             f"Hãy xoá các dòng thừa từ dòng {vn.number(limit + 1)} trở xuống (chọn các dòng › chuột phải › "
             "Xoá) hoặc chép số liệu sang biểu mẫu gốc, rồi gửi lại; nếu số dòng thật sự nhiều hơn giới hạn, "
             "hãy liên hệ cơ quan thường trực.", name, f"A{limit + 1}", value=height)
    return True


def _too_big(handle: pc.CalamineSheet, wb: Workbook, sheet: Sheet, name: str, config: Config) -> bool:
    """Refuse, before typing a single row, a sheet far larger than its template allows (rows
    without a row number in the XML, or a used area too wide)."""
    if handle.end is None:
        return False
    height, width = handle.end[0] + 1, handle.end[1] + 1
    if _too_long(height, wb, sheet, name, config):
        return True
    if height * width > MAX_CELLS:
        last = f"{get_column_letter(min(width, 16384))}{height}"
        wb.error(f"Trang tính «{name}» có vùng dữ liệu quá rộng ({vn.number(height)} dòng × {vn.number(width)} cột, "
                 f"đến ô {last}; tối đa {vn.number(MAX_CELLS)} ô); hệ thống không đọc trang tính này.",
                 f"Hãy xoá nội dung ở các cột và dòng ngoài phạm vi của biểu (đến ô {last}), rồi gửi lại.",
                 name, last)
        return True
    return False


def load(path: Path, config: Config, sender: str | None = None, data: bytes | None = None) -> Workbook:
    """Read and recognise one file. Never raises on bad input: problems are recorded."""
    path = Path(path)
    deadline = time.monotonic() + FILE_SECONDS
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:  # checked before a byte is read
                wb = Workbook(path, "")
                refused = too_large(size, MAX_FILE_BYTES)
                wb.error(refused.rule, refused.fix)
                return wb
            data = path.read_bytes()
        except OSError as exc:
            wb = Workbook(path, "")
            wb.error(f"Không đọc được tệp ({exc.strerror}).", "Hãy kiểm tra tệp còn trên máy và có quyền đọc.")
            return wb
    wb = Workbook(path, hashlib.sha256(data).hexdigest(), deadline=deadline)
    zf = sniff(data, wb)
    if zf is None or wb.late():
        return wb
    try:
        if check_extents(zf, wb, config) or wb.late():
            return wb
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        parts = sheet_parts(zf)
        names = recognise(book, wb, config, sender)
        if wb.template is None or wb.recognised_by is None:
            return wb
        for sheet in wb.template.sheets:
            if wb.late():
                return wb
            if sheet.key in names:
                found = read_sheet(book, zf, parts, wb, sheet, names[sheet.key], config)
                if found is not None:
                    wb.sheets[sheet.key] = found
        wb.late()
    except pc.PasswordError:
        wb.error("Tệp được đặt mật khẩu nên hệ thống không đọc được.",
                 "Hãy gỡ mật khẩu của tệp, lưu lại rồi gửi lại.")
    except (pc.CalamineError, zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError,
            ElementTree.ParseError) as exc:
        wb.error(f"Tệp bị hỏng, không đọc được nội dung bảng tính ({type(exc).__name__}).",
                 "Hãy mở thử tệp trên máy; nếu mở được thì lưu lại và gửi lại, nếu không thì lấy lại bản gốc.")
    return wb

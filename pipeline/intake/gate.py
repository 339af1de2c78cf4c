"""The one safety gate of every way into the system (files dropped in inputs/, portal uploads).

Nothing here trusts the file: the bytes are checked (size, zip signature, entry count and
uncompressed size, compression ratio, encryption, OLE/PDF/ODS/Word look-alikes) before
python-calamine opens it, and each sheet's XML is pre-scanned for references far beyond any
template (calamine allocates the whole used area at once). A refusal is a Vietnamese rule and fix.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from typing import TYPE_CHECKING

import python_calamine as pc
from defusedxml import ElementTree
from openpyxl.utils import column_index_from_string, get_column_letter

from pipeline.core import layout, vn
from pipeline.core.config import Config
from pipeline.core.model import Sheet
from pipeline.intake import extent
from pipeline.intake.messages import BROKEN_FIX, ORIGINAL, PASSWORD, PASSWORD_FIX, SEND_AGAIN
from pipeline.topics import CATALOG

if TYPE_CHECKING:
    from pipeline.intake.book import Workbook

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

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
SHEET_FOLDER = "xl/worksheets/"  # the parts kept by check_zip for the pre-scans


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
                   "Hãy xóa hình ảnh, trang tính thừa hoặc dùng biểu mẫu gốc, rồi gửi lại.")


def check_zip(zf: zipfile.ZipFile, keep: dict[str, bytes] | None = None) -> None:
    """The safety gate shared by every way in: member count, declared and real uncompressed size
    (read in 1 MB chunks, so a lying header costs at most MAX_UNCOMPRESSED), compression ratio,
    encryption. Raises Refused. keep: filled with the worksheets' XML as it was read (within the
    same MAX_UNCOMPRESSED), so the pre-scans below need not decompress it again."""
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
            raise Refused(PASSWORD, PASSWORD_FIX)
        sheet = keep is not None and member.filename.startswith(SHEET_FOLDER)
        chunks = []
        with zf.open(member) as stream:  # stops at the declared size and checks the CRC
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > MAX_UNCOMPRESSED:
                    raise bomb
                if sheet:
                    chunks.append(chunk)
        if sheet:
            keep[member.filename] = b"".join(chunks)



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
            wb.error(PASSWORD,
                     "Hãy mở tệp, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu: "
                     "xóa trống), lưu lại rồi gửi lại.")
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
        check_zip(zf, wb.xml)
    except Refused as refused:
        wb.error(refused.rule, refused.fix)
        return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError):
        wb.error("Tệp bị hỏng hoặc chưa tải về đầy đủ (cấu trúc nén .xlsx không đọc được).",
                 BROKEN_FIX)
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


def row_limit(sheet: Sheet, config: Config) -> int:
    """The last Excel row a sheet may use before it is refused unread (ROW_MARGIN past the template)."""
    rows = len(sheet.rows(config)) if sheet.rows is not None else sheet.max_rows
    return layout.FIRST_DATA_ROW + rows + ROW_MARGIN


# literal-led patterns (5× faster than with a leading \b); no other sheet attribute ends in r="
_FAR_ROW = re.compile(rb'r="[A-Z]{0,3}([0-9]{4,8})"')  # a row or cell from row 1,000 on
_FAR_COLUMN = re.compile(rb'r="([A-Z]{3,})[0-9]')  # a cell from column AAA (703) on
_ROW_TAG = re.compile(rb'<(?:\w+:)?row [^>]*?r="([0-9]{1,8})"')


def sheet_extent(zf: zipfile.ZipFile, part: str, xml: bytes | None = None) -> tuple[int, int]:
    """(last row, last column) named in a sheet's XML, found by streaming it, never parsing it;
    0 for rows below 1,000 / columns below 703 (only far references are looked at, which are rare,
    so this costs a few milliseconds). Needed before calamine opens a sheet: it allocates the
    whole used area at once (one value at XFD1048576 makes it abort the process). xml: the
    part's bytes when check_zip kept them."""
    rows = cols = 0
    tail = b""
    try:
        with io.BytesIO(xml) if xml is not None else zf.open(part) as stream:
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
    """Refuse (True) a file with a sheet used far beyond any template, before calamine sees it.
    Rows past a sheet's read limit that hold no value (formatting, spaces) are cut from the
    sheet's XML (wb.xml, wb.trimmed: the reader gives calamine the cut workbook)."""
    by_name = {s.name: s for t in CATALOG.values() for s in t.sheets}
    refused = False
    shared: list[bytes] | None = None
    for name, part in sheet_parts(zf).items():
        rows, cols = sheet_extent(zf, part, wb.xml.get(part))
        sheet = by_name.get(name)
        limit = (layout.MAX_ORIGIN_ROWS + 1 if name == layout.ORIGIN_SHEET
                 else row_limit(sheet, config) if sheet is not None else MAX_ROWS)
        if rows > limit:
            xml = wb.xml[part] if part in wb.xml else _part(zf, part)
            shared = extent.strings(zf) if shared is None else shared
            far = extent.first_beyond(xml, shared, limit)
            if far is None:  # only formatting or spaces past the limit: not rows
                wb.xml[part] = extent.cut(xml, limit)
                wb.trimmed.add(part)
            else:
                _overflow(wb, sheet, name, config, xml, shared, far)
                refused = True
        if cols > MAX_COLUMNS:
            wb.error(f"Trang tính «{name}» có dữ liệu ở cột thứ {vn.number(cols)}, quá xa phạm vi của biểu mẫu "
                     f"(tối đa {vn.number(MAX_COLUMNS)} cột); hệ thống không đọc tệp này.",
                     f"Hãy xóa nội dung ở các cột từ cột {get_column_letter(MAX_COLUMNS + 1)} trở đi của trang "
                     "tính này, rồi gửi lại.", name)
            refused = True
    return refused


def _part(zf: zipfile.ZipFile, part: str) -> bytes:
    try:
        with zf.open(part) as handle:
            return handle.read(MAX_UNCOMPRESSED + 1)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return b""


def _overflow(wb: Workbook, sheet: Sheet | None, name: str, config: Config, xml: bytes, shared: list[bytes],
              far: extent.Value) -> None:
    """The refusal of a sheet with values past its read limit, at the first offending cell."""
    first = layout.FIRST_DATA_ROW
    unread = "; hệ thống không đọc trang tính này."
    if sheet is not None and sheet.rows is not None:
        n = len(sheet.rows(config))
        found = extent.first_beyond(xml, shared, first + n - 1) or far
        wb.error(f"Trang tính «{name}» có số liệu ở ô {found.cell}, ngoài các dòng của biểu (biểu có {n} dòng in "
                 f"sẵn, từ dòng {first} đến dòng {vn.number(first + n - 1)}){unread}",
                 f"Hãy xóa số liệu thừa ở ô {found.cell} và ở mọi ô dưới dòng {vn.number(first + n - 1)} (hoặc chuyển "
                 "vào đúng dòng của biểu), rồi gửi lại.", name, found.cell, value=found.value)
    elif sheet is not None:
        found = extent.nth(xml, shared, first, sheet.max_rows + 1) or far
        wb.error(f"Danh sách ở trang tính «{name}» vượt số dòng tối đa {sheet.max_rows} của biểu từ dòng "
                 f"{vn.number(found.row)} (ô {found.cell}){unread}",
                 f"Hãy xóa các dòng thừa từ dòng {vn.number(found.row)} trở xuống (chọn các dòng › chuột phải › "
                 "Xóa) rồi gửi lại; nếu số dòng thật sự nhiều hơn giới hạn, hãy liên hệ cơ quan thường trực.",
                 name, found.cell, value=found.value)
    else:
        limit = layout.MAX_ORIGIN_ROWS + 1 if name == layout.ORIGIN_SHEET else MAX_ROWS
        wb.error(f"Trang tính «{name}» có nội dung ở ô {far.cell}, quá xa phạm vi của mọi biểu mẫu (tối đa "
                 f"{vn.number(limit)} dòng); hệ thống không đọc tệp này.",
                 f"Hãy xóa nội dung từ dòng {vn.number(far.row)} trở xuống của trang tính này (hoặc xóa trang "
                 "tính), rồi gửi lại.", name, far.cell, value=far.value)


def _too_long(height: int, wb: Workbook, sheet: Sheet, name: str, config: Config) -> bool:
    limit = row_limit(sheet, config)
    if height <= limit:
        return False
    allowed = (f"biểu có {len(sheet.rows(config))} dòng in sẵn" if sheet.rows is not None
               else f"danh sách tối đa {sheet.max_rows} dòng")
    wb.error(f"Trang tính «{name}» có {vn.number(height)} dòng, vượt xa giới hạn của biểu ({allowed}; hệ "
             f"thống chỉ đọc trang tính đến dòng {vn.number(limit)}); hệ thống không đọc trang tính này.",
             f"Hãy xóa các dòng thừa từ dòng {vn.number(limit + 1)} trở xuống (chọn các dòng › chuột phải › "
             "Xóa) hoặc chép số liệu sang biểu mẫu gốc, rồi gửi lại; nếu số dòng thật sự nhiều hơn giới hạn, "
             "hãy liên hệ cơ quan thường trực.", name, f"A{limit + 1}", value=height)
    return True


def too_big(handle: pc.CalamineSheet, wb: Workbook, sheet: Sheet, name: str, config: Config) -> bool:
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
                 f"Hãy xóa nội dung ở các cột và dòng ngoài phạm vi của biểu (đến ô {last}), rồi gửi lại.",
                 name, last)
        return True
    return False

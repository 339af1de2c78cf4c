"""Read a returned workbook: through the safety gate, recognised, then each sheet's cells with
their Excel address. Never raises on bad input: every problem becomes a Vietnamese Problem naming
file, sheet and cell. The names of gate, book and recognise are re-exported here for callers.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
import zipfile
from pathlib import Path

import numpy as np
import python_calamine as pc
from defusedxml import DefusedXmlException, ElementTree
from openpyxl.utils import get_column_letter

from pipeline.core import layout
from pipeline.core.config import Config
from pipeline.core.model import Sheet
from pipeline.intake import extent, proof, versions
from pipeline.intake.book import SHOWN, Problem, SheetData, Workbook, shown
from pipeline.intake.cells import _CLEAN, norm
from pipeline.intake.gate import (
    EMPTY_ZIP_SIGNATURE,
    FILE_SECONDS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNCOMPRESSED,
    OLE_SIGNATURE,
    ROW_MARGIN,
    ZIP_SIGNATURE,
    Refused,
    check_extents,
    check_zip,
    megabytes,
    row_limit,
    sheet_extent,
    sheet_parts,
    sniff,
    too_big,
    too_large,
)
from pipeline.intake.messages import (
    BROKEN_FIX,
    ENTITIES,
    NEW_TEMPLATE,
    ORIGINAL,
    PASSWORD,
    PASSWORD_FIX,
    SEND_AGAIN,
)
from pipeline.intake.recognise import (
    HEADER_SEARCH_ROWS,
    _meta,
    fingerprints,
    header_match,
    recognise,
)
from pipeline.topics import CATALOG

__all__ = ["EMPTY_ZIP_SIGNATURE", "FILE_SECONDS", "HEADER_SEARCH_ROWS", "MAX_CELLS", "MAX_COLUMNS",
           "MAX_ENTRIES", "MAX_FILE_BYTES", "MAX_RATIO", "MAX_ROWS", "MAX_UNCOMPRESSED", "NEW_TEMPLATE",
           "OLE_SIGNATURE", "ORIGINAL", "ROW_MARGIN", "SEND_AGAIN", "SHOWN", "ZIP_SIGNATURE", "Problem",
           "Refused", "SheetData", "Workbook", "_meta", "check_extents", "check_zip", "fingerprints", "load",
           "megabytes", "read_sheet", "recognise", "row_limit", "sheet_extent", "sheet_parts", "shown", "sniff",
           "too_large", "formula_cells"]

LOG = logging.getLogger("pipeline.intake.read")
_FORMULA_HINT = re.compile(rb"f[\s>/]")  # cheap necessary condition of _FORMULA (a literal-led search)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b[^>]*>\s*[^<\s]")
_ERROR_TYPE = re.compile(rb'\bt="e"')
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*>\s*([^<]{1,40})<")


def formula_cells(zf: zipfile.ZipFile, part: str, xml: bytes | None = None) -> tuple[set[str], dict[str, str], set[str]]:
    """(A1 addresses of formula cells that carry no saved result, A1 → error value of cells whose
    formula evaluates to an error such as #DIV/0!, A1 of every formula cell): calamine reads the
    first two as blank, the others as their saved result. xml: the part's bytes when the gate kept them."""
    if xml is None:
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
            rule = f"Không tìm thấy cột «{col.header}» (cột bị xóa hoặc đổi tên)."
        wb.error(rule, "Không đổi tên, xóa hay chèn cột; hãy dùng lại biểu mẫu gốc và chép số liệu sang.",
                 name, cell, col.label, value)
        if i not in claimed and i < len(header):
            found[col.key] = i
    return found


def read_sheet(book: pc.CalamineWorkbook, zf: zipfile.ZipFile, parts: dict[str, str], wb: Workbook,
               sheet: Sheet, name: str, config: Config) -> SheetData | None:
    handle = book.get_sheet_by_name(name)
    if too_big(handle, wb, sheet, name, config):
        return None
    rows = handle.to_python(skip_empty_area=False)
    expected = [c.header for c in sheet.columns]
    if len(rows) >= layout.HEADER_ROW and rows[layout.HEADER_ROW - 1][:len(expected)] == expected:
        header_row, positions = layout.HEADER_ROW, {c.key: i for i, c in enumerate(sheet.columns)}
    else:
        header_row, score = header_match(rows, sheet)
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
    data.formulas_without_value, data.formula_errors, data.formulas = formula_cells(zf, parts.get(name, ""), wb.xml.get(parts.get(name, "")))
    return data



def origins(book: pc.CalamineWorkbook) -> list[tuple]:
    """The rows of a package's origin sheet (below its header), each as many values as
    ORIGIN_COLUMNS (as text, blank as None); at most MAX_ORIGIN_ROWS."""
    width = len(layout.ORIGIN_COLUMNS)
    sheet = book.get_sheet_by_name(layout.ORIGIN_SHEET)
    rows = sheet.to_python(skip_empty_area=False, nrows=layout.MAX_ORIGIN_ROWS + 1)[1:]
    return [tuple(None if v in ("", None) else str(v) for v in (list(row[:width]) + [None] * width)[:width])
            for row in rows if any(v not in ("", None) for v in row[:width])]


def load(path: Path, config: Config, sender: str | None = None, data: bytes | None = None) -> Workbook:
    """Read and recognise one file. Never raises on bad input: problems are recorded."""
    wb = _load(path, config, sender, data)
    wb.xml.clear()  # the gate's copy of the sheets' XML is needed only while reading
    return wb


def _load(path: Path, config: Config, sender: str | None, data: bytes | None) -> Workbook:
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
            _identify(zf, data, wb, sender)  # the refusal names its template
            return wb
        if wb.trimmed:  # rows past the limit holding no value: calamine reads the sheets without them
            data = extent.rezip(zf, {part: wb.xml[part] for part in wb.trimmed})
            zf = zipfile.ZipFile(io.BytesIO(data))
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        parts = sheet_parts(zf)
        names = recognise(book, wb, config, sender)
        if wb.template is None or wb.recognised_by is None:
            return wb
        for found in wb.sheets.values():  # an export (intake.export_06a): its formulas, as for any sheet
            found.formulas_without_value, found.formula_errors, found.formulas = formula_cells(
                zf, parts.get(found.name, ""), wb.xml.get(parts.get(found.name, "")))
        for sheet in wb.template.sheets:
            if wb.late():
                return wb
            if sheet.key in names:
                found = read_sheet(book, zf, parts, wb, sheet, names[sheet.key], config)
                if found is not None:
                    wb.sheets[sheet.key] = found
        versions.carry_over(wb, config)  # an earlier version's file: mapped into the current shape, or «Mẫu cũ»
        if wb.meta.get("package_of") and layout.ORIGIN_SHEET in book.sheet_names:
            wb.origins = origins(book)
        if wb.meta.get("package_of") and not wb.errors_found():
            proof.check(book, wb, config)  # a package matches its digest, its sources and its identity
        wb.late()
    except pc.PasswordError:
        wb.error(PASSWORD, PASSWORD_FIX)
    except DefusedXmlException:
        wb.error(ENTITIES, ORIGINAL)
    except (pc.CalamineError, zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError,
            ElementTree.ParseError):
        LOG.info("Tệp %s không đọc được", path.name, exc_info=True)
        wb.error("Tệp bị hỏng, không đọc được nội dung bảng tính.", BROKEN_FIX)
    return wb


def _identify(zf: zipfile.ZipFile, data: bytes, wb: Workbook, sender: str | None) -> None:
    """A file refused unread: its template (and version) from its identity sheet when that sheet
    is small, so the refusal names the template; the unit is the sender's when known."""
    part = sheet_parts(zf).get(layout.META_SHEET)
    if part is None or sheet_extent(zf, part, wb.xml.get(part)) != (0, 0):
        return
    try:
        meta = _meta(pc.CalamineWorkbook.from_filelike(io.BytesIO(data)))
    except (pc.CalamineError, zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError):
        return
    template = fingerprints().get(str(meta.get("fingerprint", ""))) or CATALOG.get(str(meta.get("template_id", "")))
    if template is not None:
        wb.template, wb.meta = template, meta
        wb.version = template.version if meta.get("fingerprint") == template.fingerprint else meta.get("version")
    wb.unit_code = sender

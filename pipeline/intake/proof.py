"""A commune's package proves itself at the city (issue 27, item 5).

The commune's build writes in «_meta» a digest of each sheet's figures (`FIGURES_KEY`: «key=hex;…»,
over the identity line, the data rows and the commune's code and name, as calamine reads them), and,
per figure cell, its sources in «Nguồn số liệu». The city refuses, naming the first mismatch:
- a package whose data sheets name another unit than its «_meta» (a package relabelled), or whose
  «_meta» code and name disagree with each other or with the city's list;
- a number cell whose value is not the sum of its sources in «Nguồn số liệu» (edited after writing),
  or a sheet whose figures no longer match its digest;
- without the head's sign-off (`SIGNED_KEYS`) when the city's configuration requires it
  ([packages] require_signoff).
The digest is a consistency check, not a signature: the sign-off is the commune's word.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime

import python_calamine as pc
from openpyxl.utils import get_column_letter

from pipeline.core import layout, vn
from pipeline.core.config import Config
from pipeline.core.model import Template
from pipeline.intake import versions
from pipeline.intake.book import Workbook, shown

FIGURES_KEY, SIGNED_BY, SIGNED_AT = layout.PACKAGE_KEYS[-3:]


def _canon(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def digests(book: pc.CalamineWorkbook, template: Template, code: str, name: str) -> str:
    """«key=hex;…»: each sheet's identity line and data rows, with the commune's code and name."""
    out = []
    for sheet in template.sheets:
        h = hashlib.sha256(f"{code}\x1e{name}\x1e".encode())
        if sheet.name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
            width = len(sheet.columns)
            info = rows[layout.INFO_ROW - 1][:1] if len(rows) >= layout.INFO_ROW else []
            h.update(("\x1f".join(_canon(v) for v in info) + "\n").encode())
            for i, row in enumerate(rows[layout.FIRST_DATA_ROW - 1:]):
                values = [_canon(v) for v in list(row[:width])]
                if any(values):
                    h.update(f"{i}\x1d{chr(31).join(values)}\n".encode())
        out.append(f"{sheet.key}={h.hexdigest()[:32]}")
    return ";".join(out)


def combined(parts: list[str]) -> str:
    """One digest of a whole package (its workbooks' figure digests): what the head signs off."""
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def _fix(package: str) -> str:
    return (f"{package} chạy lại chương trình để lập gói mới từ số liệu của các đơn vị rồi gửi lại; không sửa tay "
            "tệp gói số liệu (muốn đổi số liệu, đơn vị gửi lại biểu của mình cho xã).")


def _identity(book: pc.CalamineWorkbook, wb: Workbook, config: Config, shape: Template, package: str) -> bool:
    meta = wb.meta
    code, unit_code = str(meta.get("package_commune_code") or ""), str(meta.get("unit_code") or "")
    named = {u.code: u.name for u in config.units}
    if code != unit_code or (code in named and named[code] != package) or meta.get("unit_name") not in (None, package):
        wb.error(f"Trang «{layout.META_SHEET}» của gói số liệu tự mâu thuẫn: mã gói «{code}», mã đơn vị «{unit_code}», "
                 f"tên «{package}» (theo danh sách của {config.full_name}, mã «{code}» là "
                 f"«{named.get(code, 'không có')}»).", _fix(package), layout.META_SHEET, "B4", value=unit_code)
        return False
    for sheet in shape.sheets:
        if sheet.name not in book.sheet_names:
            continue
        rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False, nrows=layout.INFO_ROW)
        line = str(rows[layout.INFO_ROW - 1][0]) if len(rows) >= layout.INFO_ROW and rows[layout.INFO_ROW - 1] else ""
        if line.startswith(layout.UNIT_PREFIX) and line[len(layout.UNIT_PREFIX):].split(" | ")[0] != package:
            wb.error(f"Gói số liệu ghi là của {package} (trang «{layout.META_SHEET}») nhưng trang «{sheet.name}» ghi "
                     f"«{line.split(' | ')[0]}»: tệp là gói của đơn vị khác được đổi nhãn.",
                     f"Mỗi xã chỉ gửi gói do chương trình của mình lập; {_fix(package)}",
                     sheet.name, f"A{layout.INFO_ROW}", value=line.split(" | ")[0])
            return False
    return True


def _sources(wb: Workbook) -> dict[tuple[str, str], list[float | None]]:
    found: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for row in wb.origins:
        if row[0] and row[1]:
            found[(row[0], row[1])].append(vn.parse_number(row[2]) if row[2] else None)
    return found


def _against_sources(book: pc.CalamineWorkbook, wb: Workbook, shape: Template, package: str) -> bool:
    """Every number cell of the package is the sum of its sources (the first that is not: an error)."""
    sources = _sources(wb)
    for sheet in shape.sheets:
        if sheet.name not in book.sheet_names:
            continue
        rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
        numeric = {i: c for i, c in enumerate(sheet.columns) if c in sheet.fields and c.numeric}
        for r, row in enumerate(rows[layout.FIRST_DATA_ROW - 1:], start=layout.FIRST_DATA_ROW):
            for i, col in numeric.items():
                value = row[i] if i < len(row) else None
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                cell = f"{get_column_letter(i + 1)}{r}"
                parts = sources.get((sheet.name, cell), [])
                total = sum(p for p in parts if p is not None) if parts and None not in parts else None
                if total is None or abs(total - value) > 1e-6 * max(1.0, abs(value)):
                    said = (f"trang «{layout.ORIGIN_SHEET}» ghi {' + '.join(shown(p) or '?' for p in parts)}"
                            if parts else f"trang «{layout.ORIGIN_SHEET}» không ghi nguồn nào cho ô này")
                    wb.error(f"Số liệu của gói đã bị sửa sau khi lập: ô {sheet.name}!{cell} ({col.label}) ghi "
                             f"{shown(value)} nhưng {said}.", _fix(package), sheet.name, cell, col.label, value)
                    return False
    return True


def check(book: pc.CalamineWorkbook, wb: Workbook, config: Config) -> None:
    """The city's checks of a commune's package (see the module's doc); no-op for any other file."""
    package = wb.meta.get("package_of")
    if not package or wb.template is None or not config.is_city:
        return
    package = str(package)
    shape = versions.fingerprints().get(str(wb.meta.get("fingerprint", "")), wb.template)  # as written (an older version)
    if not _identity(book, wb, config, shape, package) or not _against_sources(book, wb, shape, package):
        return
    stored = str(wb.meta.get(FIGURES_KEY) or "")
    if not stored:
        wb.error("Gói số liệu không có dấu kiểm số liệu (lập bằng phiên bản cũ của chương trình).",
                 f"{package} cập nhật chương trình, chạy lại để lập gói mới rồi gửi lại.", layout.META_SHEET)
        return
    now = dict(p.split("=", 1) for p in digests(book, shape, str(wb.meta.get("package_commune_code")),
                                                package).split(";"))
    given = dict(p.split("=", 1) for p in stored.split(";") if "=" in p)
    for sheet in shape.sheets:
        if now.get(sheet.key) != given.get(sheet.key):
            wb.error(f"Số liệu trang «{sheet.name}» của gói không khớp dấu kiểm ghi trong gói: tệp đã bị sửa sau khi "
                     "lập.", _fix(package), sheet.name)
            return
    if config.require_signoff and not wb.meta.get(SIGNED_BY):
        wb.error(f"{config.full_name} chỉ nhận gói số liệu đã được thủ trưởng của {package} xác nhận; gói này chưa "
                 "được xác nhận.",
                 f"Thủ trưởng {package} xác nhận gói số liệu (lệnh «soket xac-nhan-goi»), chạy lại để lập gói rồi "
                 "gửi lại.", layout.META_SHEET)

"""Recognise a workbook: its template (by the meta sheet's fingerprint, else by header labels,
else as the TTHC system's export Biểu II.06a by its header's meaning: intake.export_06a)
and its unit (meta sheet, the «Đơn vị: …» line, or the sender), with a problem for each mismatch."""

from __future__ import annotations

import python_calamine as pc

from pipeline.core import layout
from pipeline.core.config import Config
from pipeline.core.model import Sheet, Template
from pipeline.intake import export_06a, versions
from pipeline.intake.book import Workbook
from pipeline.intake.cells import norm
from pipeline.intake.messages import NEW_TEMPLATE
from pipeline.topics import CATALOG

HEADER_SEARCH_ROWS = 10


def fingerprints() -> dict[str, Template]:
    return versions.fingerprints()  # every version of every template (declared histories included)


def _rows(book: pc.CalamineWorkbook, name: str, nrows: int = HEADER_SEARCH_ROWS) -> list[list]:
    """The first nrows rows of a sheet (never the whole sheet: it may be huge)."""
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)


def _meta(book: pc.CalamineWorkbook) -> dict[str, object]:
    if layout.META_SHEET not in book.sheet_names:
        return {}
    out = {}
    for row in _rows(book, layout.META_SHEET, 100):
        if len(row) >= 2 and isinstance(row[0], str) and row[0] in layout.META_KEYS + layout.PACKAGE_KEYS:
            value = row[1]
            out[row[0]] = int(value) if isinstance(value, float) and value.is_integer() else value
    return out


def header_match(rows: list[list], sheet: Sheet) -> tuple[int, int]:
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
            scores = [(header_match(cache[n], sheet)[1] + (0.5 if n == sheet.name else 0), n)
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


def _day(iso: str) -> str:
    """An ISO date of the meta sheet as dd/mm/yyyy (as written when it is not a date)."""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def recognise(book: pc.CalamineWorkbook, wb: Workbook, config: Config,
              sender: str | None) -> dict[str, str]:
    """Find the template (fingerprint first, header labels second) and the unit; sheet key → name."""
    names = [m.name for m in book.sheets_metadata
             if m.typ == pc.SheetTypeEnum.WorkSheet
             and m.name not in (layout.META_SHEET, layout.GUIDE_SHEET, layout.ORIGIN_SHEET)]
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
        if template is None and export_06a.read(book, wb, config, sender, names):
            return {}  # the TTHC system's export, read into the TTHC template's frame
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
                     "Không xóa hay đổi tên trang tính của biểu mẫu; hãy dùng lại biểu mẫu gốc.", sheet.name)
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
        package = meta.get("package_of")  # a commune's package (outputs/package.py): its own wording
        if code not in codes and package:
            wb.error(f"Gói số liệu của {package} (mã «{code}») không thuộc danh sách các xã, phường, đặc khu "
                     f"của {config.full_name}.",
                     f"Nếu mã sai: {package} sửa khóa code trong mục [commune] của tệp cấu hình cho đúng mã "
                     f"{config.full_name} giao, chạy lại để lập gói mới và gửi lại; nếu thiếu xã: "
                     "cơ quan thường trực bổ sung xã vào các mục [[units]] của cấu hình.",
                     layout.META_SHEET, "B4", value=code)
            code = None
        elif code not in codes:
            wb.error(f"Mã đơn vị «{code}» ghi trong tệp không có trong danh sách đơn vị của {config.full_name}.",
                     "Hãy tải biểu mẫu của đúng đơn vị mình và gửi lại.", layout.META_SHEET, "B4",
                     value=code)
            code = None
        start, cutoff = str(meta.get("period_start", "")), str(meta.get("period_cutoff", ""))
        if (start, cutoff) != (config.start.isoformat(), config.cutoff.isoformat()) and package:
            wb.error(f"Gói số liệu của {package} thuộc kỳ báo cáo khác ({_day(start)} – {_day(cutoff)}); kỳ báo "
                     f"cáo của {config.full_name}: {config.period_text}.",
                     f"{package} sửa mục [period] trong tệp cấu hình cho trùng kỳ của {config.full_name} "
                     "(start, cutoff), chạy lại để lập gói mới và gửi lại.",
                     layout.META_SHEET, "B7", value=f"{start} – {cutoff}")
        elif (start, cutoff) != (config.start.isoformat(), config.cutoff.isoformat()):
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
    wb.unit_code = sender or code  # a file refused as another unit's is the sender's, never the unit it names

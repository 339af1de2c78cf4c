"""The feedback a unit receives for one file: a readable report workbook and an annotated copy.

Both are written in time linear in the number of problems (the list is already capped per file
by validate), every text goes through vn.printable (a control character in a cell never makes
openpyxl raise), and each output replaces the old one atomically. The unit's original file is
only read, never modified. `validate.write_outputs` is this module's write_outputs.
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pipeline.core import atomic, paths, printing, vn, words
from pipeline.intake import export_06a
from pipeline.topics import CATALOG

if TYPE_CHECKING:
    from pipeline.checks.validate import FileReport

REPORT_NAME = paths.FEEDBACK_REPORT
ANNOTATED_SUFFIX = paths.ANNOTATED_SUFFIX
ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"
ANNOTATE_MAX_UNCOMPRESSED = 10 * 1024 * 1024  # a bigger workbook gets no annotated copy (openpyxl holds it all)
COMMENT_CHARS = 30_000  # Excel's limit of a comment is 32,767 characters
LOG = logging.getLogger("pipeline")
WIDTHS = (5, 9, 14, 7, 24, 16, 45, 45)  # the problems' columns: A4 landscape, fitted at about 10 pt


def output_dir(report: FileReport, out_dir: Path, rel: str | None = None) -> Path:
    """The folder of one file's feedback. rel = the file's path relative to inputs/ (as the
    warehouse records it): the folder then mirrors it, validation/<folders>/<file stem>/, so two
    files of the same name in different folders never share a folder. Without rel: <file stem>/."""
    if rel is None:
        return Path(out_dir) / Path(report.path).stem
    parts = [p for p in PurePosixPath(str(rel).replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    if not parts:
        return Path(out_dir) / Path(report.path).stem
    return Path(out_dir).joinpath(*parts[:-1], PurePosixPath(parts[-1]).stem)


def _safe(value: object) -> object:
    return vn.printable(value) if isinstance(value, str) else value


def write_outputs(report: FileReport, out_dir: Path, rel: str | None = None, file_name: str | None = None,
                  unit_name: str | None = None) -> list[Path]:
    """Write the report workbook and (when a cell is at fault) an annotated copy into
    output_dir(report, out_dir, rel). The ingest passes outputs/validation. The workbook names the
    file as the unit named it (file_name, e.g. an upload's own name, not the name it is stored
    under) and the unit by its name (unit_name), never by a storage name or a code."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill


    target = output_dir(report, out_dir, rel)
    target.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả kiểm tra"
    template = CATALOG[report.template_id].title if report.template_id in CATALOG else "Không nhận ra biểu mẫu"
    bold = Font(name="Times New Roman", bold=True, size=12)
    info = [("KẾT QUẢ KIỂM TRA BIỂU MẪU", ""), ("Tệp", file_name or report.path.name), ("Biểu mẫu", template),
            ("Đơn vị", unit_name or "Không xác định"), ("Kết quả", words.STATUS[report.status]),
            ("Số lỗi", report.error_count), ("Số cảnh báo", report.warning_count),
            ("Nhận biết biểu qua", {"fingerprint": "dấu nhận dạng trong tệp", "headers": "tiêu đề các cột",
                                    export_06a.RECOGNISED_BY: export_06a.RECOGNISED_WORDS,
                                    None: "không nhận ra"}[report.recognised_by]),
            *([("Kỳ số liệu", export_06a.span_text(report.part))] if report.part else []),
            ("Mã kiểm tra (SHA-256)", report.sha256)]
    for row, (label, value) in enumerate(info, start=1):  # label over A:C, value over D:H (printed whole)
        ws.append([label, None, None, _safe(value)])
        ws.cell(row, 1).font = bold
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=len(WIDTHS))
    ws.append([])
    heads = ["STT", "Mức độ", "Trang tính", "Ô", "Cột", "Giá trị trong tệp", "Lỗi / quy tắc", "Cách sửa"]
    ws.append(heads)
    head_row = len(info) + 2
    grey = PatternFill("solid", fgColor="D9D9D9")
    for c in range(1, len(heads) + 1):
        ws.cell(head_row, c).font = bold
        ws.cell(head_row, c).fill = grey
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = [[i, "Lỗi" if p.severity == "error" else "Cảnh báo", p.sheet, p.cell, p.field, p.value, p.rule, p.fix]
             for i, p in enumerate(report.problems, start=1)]
    lines += [["", "Lỗi" if o.severity == "error" else "Cảnh báo", o.sheet, "", o.field, "", o.text(), o.fix]
              for o in report.omitted]
    if not lines:
        lines.append(["", "", "", "", "", "", "Không phát hiện lỗi nào. Biểu mẫu được chấp nhận.", ""])
    for row, line in enumerate(lines, start=head_row + 1):  # the row is counted, never asked (ws.max_row is O(n))
        ws.append([_safe(v) for v in line])
        for c in range(1, len(heads) + 1):
            ws.cell(row, c).alignment = wrap
            ws.cell(row, c).border = printing.BORDER
    for c in range(1, len(heads) + 1):
        ws.cell(head_row, c).border = printing.BORDER
        ws.cell(head_row, c).alignment = wrap
    for letter, width in zip("ABCDEFGH", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    printing.setup(ws, sum(WIDTHS), (head_row, head_row), header="Kết quả kiểm tra biểu mẫu")
    printing.fit_rows(ws, head_row, head_row + len(lines), WIDTHS)
    written = [atomic.save(wb, target / REPORT_NAME)]
    copy = _annotated(report, target / (Path(report.path).stem + ANNOTATED_SUFFIX))
    return written + ([copy] if copy else [])


def _annotated(report: FileReport, path: Path) -> Path | None:
    """The unit's workbook with each faulty cell coloured and commented, or None (no located
    problem, a workbook openpyxl cannot open, or one too big to hold in memory)."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    located = [p for p in report.problems if p.sheet and p.cell]
    if not located:
        return None
    try:
        data = Path(report.path).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > ANNOTATE_MAX_UNCOMPRESSED:
                return None
        copy = load_workbook(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a file openpyxl cannot open gets no annotated copy
        return None
    notes: dict[tuple[str, str], list] = {}
    for p in located:
        notes.setdefault((p.sheet, p.cell), []).append(p)
    fills = {True: PatternFill("solid", fgColor=ERROR_FILL), False: PatternFill("solid", fgColor=WARNING_FILL)}
    try:
        for (sheet, cell), found in notes.items():
            if sheet not in copy.sheetnames:
                continue
            target_cell = copy[sheet][cell]
            if isinstance(target_cell, MergedCell):
                continue
            target_cell.fill = fills[any(p.severity == "error" for p in found)]
            text = "\n".join(f"{'LỖI' if p.severity == 'error' else 'CẢNH BÁO'}: {p.rule} Cách sửa: {p.fix}"
                             for p in found)
            comment = Comment(vn.printable(text)[:COMMENT_CHARS], "Hệ thống kiểm tra")
            comment.width, comment.height = 420, 160
            target_cell.comment = comment
        return atomic.save(copy, path)
    except Exception:  # noqa: BLE001 - the report workbook is written; a copy that cannot be saved is skipped
        LOG.exception("Không ghi được bản đánh dấu của tệp %s", report.path)
        return None

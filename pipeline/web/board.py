"""The standing unit's board: every unit × template against the deadline, and its workbook.

A unit is late ("nộp muộn") when its first valid file for a template was received (by the
portal's clock, or the file's arrival in inputs/) after config.deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.checks.crosscheck import Outcome, describe
from pipeline.core import atomic, paths, printing, vn, words
from pipeline.core.config import Config
from pipeline.core.model import OPERATOR_TEXT
from pipeline.outputs import city
from pipeline.outputs.templates import BOLD, NORMAL
from pipeline.topics import CATALOG

WORKBOOK_NAME = paths.BOARD_WORKBOOK
STATES = words.STATES
STATE_FILL = {"missing": "EEEEEE", "rejected": "F8D7DA", "accepted": "D4EDDA", "warnings": "FFF3CD",
              "late": "FFE0B2", "checking": "DDEBF7"}
CHECK_FILL = {"ok": "D4EDDA", "failed": "FFF3CD", "missing": "EEEEEE"}
CHECKS_SHEET = "Đối chiếu số liệu"
COMPLETENESS_SHEET = "Theo biểu"  # at city level: per template, the communes on time, late, missing
CHECK_HEADERS = ["STT", "Nội dung đối chiếu", "Số liệu thứ nhất", "Giá trị", "Số liệu thứ hai", "Giá trị",
                 "Chênh lệch", "Sai số cho phép", "Kết quả", "Ghi chú"]


@dataclass
class Row:
    unit_code: str
    unit_name: str
    template_id: str
    template_title: str
    state: str  # key of STATES
    received_at: datetime | None  # of the submission the state is about
    submission_id: object | None
    file_name: str | None
    n_errors: int
    n_warnings: int
    n_files: int
    demo: bool
    time_left: str
    signoff: dict | None = None  # the current file's row of current_signoffs (web.review); None: no current file

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def signed(self) -> bool:
        return bool(self.signoff and self.signoff.get("signed_at"))

    @property
    def signoff_text(self) -> str:
        """«đã xác nhận — <họ tên>, dd/mm/yyyy hh:mm», «chưa xác nhận», or "" without a current file."""
        if self.signoff is None:
            return ""
        if not self.signed:
            return words.SIGNOFF["unsigned"]
        who = self.signoff.get("signed_name") or self.signoff.get("signed_by")
        return f"{words.SIGNOFF['signed']} — {who}, {when(self.signoff['signed_at'])}"


@dataclass
class CheckRow:
    """One cross-check as the board shows it (texts in Vietnamese number format)."""

    message: str
    left: str
    left_value: str
    right: str
    right_value: str
    difference: str
    tolerance: str
    state: str  # key of crosscheck.STATES
    label: str
    note: str
    figures: tuple[float | None, float | None]  # the two figures as numbers (None: no data)
    missing: str = ""  # whose data is missing (state "missing")


def check_rows(outcomes: list[Outcome], config: Config) -> list[CheckRow]:
    """The board's rows for crosscheck.outcomes(): both figures, how far apart, the tolerance, the state."""
    out = []
    for o in outcomes:
        c, f = o.check, o.finding
        if f is None:
            values, difference, figures = (vn.GAP, vn.GAP), "", (None, None)
            missing = o.missing_text(config)
            note = f"Chưa đủ số liệu: {missing}."
        else:
            values, figures = (vn.number(f.left), vn.number(f.right)), (f.left, f.right)
            gap = f.left - f.right
            difference = ("+" if gap > 0 else "") + vn.number(gap)
            if f.difference is not None:
                difference += f" ({'+' if f.difference > 0 else ''}{vn.percent(f.difference)})"
            note, missing = "" if f.ok else f.fix, ""
        tolerance = ("phải bằng nhau" if c.op == "==" and not c.tolerance else
                     f"±{vn.percent(100 * c.tolerance)}" if c.op == "==" else
                     f"số liệu thứ nhất {OPERATOR_TEXT.get(c.op, c.op)} số liệu thứ hai")
        out.append(CheckRow(c.message, describe(c.left), values[0], describe(c.right), values[1],
                            difference, tolerance, o.state, o.label, note, figures, missing))
    return out


@dataclass
class Checks:
    """The board's cross-check section: its rows, and whether the data compared is a demo set."""

    rows: list[CheckRow]
    demo: bool = False

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.rows)


def when(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} ngày {hours} giờ"
    return f"{hours} giờ {mins} phút" if hours else f"{mins} phút"


def time_left(deadline: datetime, now: datetime) -> str:
    return f"còn {span(deadline - now)}" if now < deadline else f"quá hạn {span(now - deadline)}"


def rows(config: Config, submissions: list[dict], now: datetime, waiting: list = ()) -> list[Row]:
    """One row per unit × assigned template; submissions are dicts of the warehouse's columns;
    waiting: uploads stored and not yet checked (snapshot.Upload): a unit × template with nothing
    valid yet and one of them is «đang kiểm tra», never «chưa nộp»."""
    out, files, checking = [], {}, {}
    for s in submissions:  # grouped once: a city's thousands of communes × files stay linear
        files.setdefault((s.get("unit_code"), s.get("template_id")), []).append(s)
    for w in waiting:
        checking.setdefault((w.unit_code, w.template_id), []).append(w)
    for unit in config.units:
        for template_id in unit.templates:
            mine = sorted(files.get((unit.code, template_id), []), key=lambda s: s["received_at"])
            state, current = city.state_of(mine, config.deadline)  # the one rule, also the city report's
            left = "" if state not in ("rejected", "missing") else time_left(config.deadline, now)
            sent = checking.get((unit.code, template_id), [])
            if sent and state in ("rejected", "missing"):
                last = max(w.received_at for w in sent)
                out.append(Row(unit.code, unit.name, template_id, CATALOG[template_id].title, "checking",
                               last, None, None, 0, 0, len(mine) + len(sent), False, ""))
                continue
            out.append(Row(
                unit.code, unit.name, template_id, CATALOG[template_id].title, state,
                current["received_at"] if current else None,
                current.get("submission_id") if current else None,
                current.get("file_name") if current else None,
                int(current.get("n_errors") or 0) if current else 0,
                int(current.get("n_warnings") or 0) if current else 0,
                len(mine) + len(sent), bool(current.get("demo")) if current else False, left))
    return out


@dataclass
class Completeness:
    """At city level, one template: how many communes sent it on time, late, or not yet, named."""

    template_title: str
    total: int
    on_time: list[str]
    late: list[str]
    missing: list[str]  # no valid file yet (none sent, or every file sent rejected)


def completeness(config: Config, board: list[Row]) -> list[Completeness]:
    """The board's rows summed per template (at city level; empty for a commune)."""
    if not config.is_city:
        return []
    out = []
    for template_id, template in CATALOG.items():
        mine = [r for r in board if r.template_id == template_id]
        if mine:
            out.append(Completeness(template.title, len(mine), [r.unit_name for r in mine if r.state in ("accepted", "warnings")],
                                    [r.unit_name for r in mine if r.state == "late"],
                                    [r.unit_name for r in mine if r.state in ("missing", "rejected")]))
    return out


def write_workbook(path: Path, config: Config, board: list[Row], now: datetime,
                   checks: list[CheckRow] = ()) -> Path:
    """outputs/tinh_hinh_nop_bieu_mau.xlsx: the board, then the cross-checks on a second sheet;
    Vietnamese headers, no merged cells, written atomically."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tình hình nộp"
    bold, normal = BOLD, NORMAL
    ws["A1"] = f"TÌNH HÌNH NỘP BIỂU MẪU SỐ LIỆU SƠ KẾT 01 NĂM — {config.full_name.upper()}"
    ws["A1"].font = bold
    ws["A2"] = (f"Hạn gửi: {when(config.deadline)}. Số liệu lập lúc {when(now)}. "
                "Thời điểm nhận là giờ hệ thống ghi nhận khi nhận tệp.")
    ws["A2"].font = normal
    headers = ["STT", "Mã đơn vị", "Đơn vị", "Tên biểu", "Tình trạng",
               "Thời điểm nhận (dd/mm/yyyy hh:mm)", "Số lỗi", "Số cảnh báo", "Số lần gửi",
               "Thời gian còn lại / quá hạn", "Xác nhận số liệu", "Ghi chú"]
    widths = [5, 9, 26, 30, 13, 16, 7, 9, 7, 16, 20, 14]  # A4 landscape, fitted at about 9 pt
    for col, (head, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(4, col, head)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, row in enumerate(board, start=1):
        values = [i, row.unit_code, row.unit_name, row.template_title, row.label,
                  row.received_at.replace(microsecond=0) if row.received_at else None,
                  row.n_errors if row.received_at else None,
                  row.n_warnings if row.received_at else None, row.n_files,
                  row.time_left or None, row.signoff_text or None, "Số liệu minh họa" if row.demo else None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(4 + i, col, value)
            cell.font = normal
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(4 + i, 5).fill = PatternFill("solid", fgColor=STATE_FILL[row.state])
        ws.cell(4 + i, 6).number_format = "DD/MM/YYYY HH:MM"
    ws.freeze_panes = "A5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{4 + len(board)}"
    _print(ws, widths, 4 + len(board), config.full_name)
    _write_checks(wb.create_sheet(CHECKS_SHEET), config, checks, now)
    if config.is_city:
        _write_completeness(wb.create_sheet(COMPLETENESS_SHEET), config, completeness(config, board))
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic.save(wb, path)


def _write_checks(ws, config: Config, checks: list[CheckRow], now: datetime) -> None:
    bold, normal = BOLD, NORMAL
    ws["A1"] = f"ĐỐI CHIẾU SỐ LIỆU GIỮA CÁC BIỂU — {config.full_name.upper()}"
    ws["A1"].font = bold
    ws["A2"] = (f"Số liệu lập lúc {when(now)}, theo các tệp đang dùng cho báo cáo. "
                "Kết quả «lệch — cảnh báo» không chặn việc tổng hợp: các đơn vị liên quan đối chiếu lại.")
    ws["A2"].font = normal
    widths = [5, 36, 26, 11, 26, 11, 11, 10, 13, 22]  # A4 landscape, fitted at about 9 pt
    for col, (head, width) in enumerate(zip(CHECK_HEADERS, widths, strict=True), start=1):
        cell = ws.cell(4, col, head)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, row in enumerate(checks, start=1):
        left, right = (vn.GAP if v is None else v for v in row.figures)
        values = [i, row.message, row.left, left, row.right, right, row.difference or None,
                  row.tolerance, row.label, row.note or None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(4 + i, col, value)
            cell.font = normal
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="right" if col in (4, 6, 7) else None)
        ws.cell(4 + i, 4).number_format = ws.cell(4 + i, 6).number_format = "#,##0"
        ws.cell(4 + i, 9).fill = PatternFill("solid", fgColor=CHECK_FILL[row.state])
    if not checks:
        ws.cell(5, 1, "Chưa có phép đối chiếu nào.").font = normal
    ws.freeze_panes = "A5"
    _print(ws, widths, 4 + len(checks), config.full_name)


def _print(ws, widths: list[int], last_row: int, unit: str, header_row: int = 4) -> None:
    """A4, fitted across; the header row repeated on every page, borders on the table."""
    printing.setup(ws, sum(widths), (header_row, header_row), header=f"{unit} – {ws.title}")
    printing.borders(ws, header_row, max(last_row, header_row + 1), len(widths))  # an empty table: its one line
    printing.fit_rows(ws, header_row, last_row, widths)


def _write_completeness(ws, config: Config, blocks: list[Completeness]) -> None:
    ws["A1"] = f"SỐ XÃ, PHƯỜNG, ĐẶC KHU ĐÃ GỬI TỪNG BIỂU — {config.full_name.upper()}"
    ws["A1"].font = BOLD
    headers = ["Biểu", "Số đơn vị phải gửi", "Đúng hạn", "Gửi muộn", "Chưa gửi", "Đơn vị gửi muộn", "Đơn vị chưa gửi"]
    widths = [40, 11, 9, 9, 9, 34, 34]
    for col, (head, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(3, col, head)
        cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    for i, b in enumerate(blocks, start=4):
        values = [b.template_title, b.total, len(b.on_time), len(b.late), len(b.missing), "; ".join(b.late) or None,
                  "; ".join(b.missing) or None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(i, col, value)
            cell.font, cell.alignment = NORMAL, Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A4"
    _print(ws, widths, 3 + len(blocks), config.full_name, header_row=3)

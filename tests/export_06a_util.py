"""Biểu số II.06a/VPCP/KSTT as the TTHC information system prints and exports it, built with openpyxl
from the published form (Thông tư 01/2020/TT-VPCP, as the provincial systems export it), in the
variants real systems produce: the header merged over two or three rows, the numbered row
«(1) … (13)» or not, title rows and a signature block, a unit column instead of a field-of-work
column, notes in the headers, a total row, numbers as text with thousands dots, «-» for none.

`EXPECTED` is the hand-made table of the figures each fixture holds (field of work → the 11
figures in the form's order, columns 3 … 13); the fixtures write exactly these.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

# 06a columns 3 … 13 as the template's keys
KEYS = ("nhan_tong", "nhan_truc_tuyen", "nhan_truc_tiep", "nhan_ky_truoc", "giai_quyet_tong",
        "giai_quyet_truoc_han", "giai_quyet_dung_han", "giai_quyet_qua_han", "dang_tong", "dang_trong_han",
        "dang_qua_han")

# The hand-made expected table: each row adds up (3 = 4 + 5 + 6, 7 = 8 + 9 + 10, 11 = 12 + 13, 3 = 7 + 11).
EXPECTED = {
    "Hộ tịch": (1234, 800, 420, 14, 1220, 1000, 215, 5, 14, 14, 0),
    "Chứng thực": (2105, 105, 2000, 0, 2105, 2105, 0, 0, 0, 0, 0),
    "Đất đai": (96, 40, 50, 6, 80, 30, 45, 5, 16, 12, 4),
    "Xây dựng": (12, 0, 12, 0, 12, 2, 10, 0, 0, 0, 0),
}
# how the system names them (its own words, mapped by meaning)
SYSTEM_NAMES = {"Hộ tịch": "Lĩnh vực Hộ tịch", "Chứng thực": "Chứng thực", "Đất đai": "Đất đai",
                "Xây dựng": "Lĩnh vực Xây dựng"}


@dataclass(frozen=True)
class Variant:
    name: str
    header_rows: int = 3  # 2 or 3
    numbered: bool = True
    units: bool = False  # a unit column instead of a field-of-work column
    total: bool = True
    signature: bool = True
    text_numbers: bool = False  # «1.234» as text
    dash: bool = False  # «-» for none
    notes: bool = False  # notes in the headers
    period: str = "span"  # "span": «Từ ngày … đến ngày …»; "month": «Tháng 8 năm 2025»


VARIANTS = (
    Variant("ba_dong_tieu_de"),
    Variant("hai_dong_khong_so_cot", header_rows=2, numbered=False, signature=False, period="month"),
    Variant("so_dang_chu", text_numbers=True, dash=True, notes=True),
    Variant("cot_don_vi", units=True, header_rows=2),
)


def _header(ws, top: int, v: Variant, drop: int | None = None) -> int:
    """The 13 columns' header from row `top` (without column `drop`); returns the first row below it."""
    name = "Tên đơn vị" if v.units else "Lĩnh vực, công việc giải quyết theo cấp"
    on_time = "Đúng hạn (bao gồm cả hồ sơ chờ bổ sung và trả lại/xin rút)" if v.notes else "Đúng hạn"
    late = "Quá hạn" + (" (tính theo ngày làm việc)" if v.notes else "")
    if v.header_rows == 3:
        cells = {(0, 1): "STT", (0, 2): name, (0, 3): "Số hồ sơ nhận giải quyết", (0, 7): "Kết quả giải quyết",
                 (1, 3): "Tổng số", (1, 4): "Trong đó", (1, 6): "Số kỳ trước chuyển qua",
                 (1, 7): "Số hồ sơ đã giải quyết", (1, 11): "Số hồ sơ đang giải quyết",
                 (2, 4): "Trực tuyến", (2, 5): "Trực tiếp, dịch vụ bưu chính",
                 (2, 7): "Tổng số", (2, 8): "Trước hạn", (2, 9): on_time, (2, 10): late,
                 (2, 11): "Tổng số", (2, 12): "Trong hạn", (2, 13): "Quá hạn"}
        merges = [(0, 1, 2, 1), (0, 2, 2, 2), (0, 3, 0, 6), (0, 7, 0, 13), (1, 3, 2, 3), (1, 4, 1, 5),
                  (1, 6, 2, 6), (1, 7, 1, 10), (1, 11, 1, 13)]
    else:
        cells = {(0, 1): "STT", (0, 2): name, (0, 3): "Tiếp nhận", (0, 7): "Đã giải quyết",
                 (0, 11): "Đang giải quyết",
                 (1, 3): "Tổng số", (1, 4): "Trực tuyến", (1, 5): "Trực tiếp, dịch vụ bưu chính",
                 (1, 6): "Từ kỳ trước chuyển sang", (1, 7): "Tổng số", (1, 8): "Trước hạn", (1, 9): on_time,
                 (1, 10): late, (1, 11): "Tổng số", (1, 12): "Trong hạn", (1, 13): "Quá hạn"}
        merges = [(0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 6), (0, 7, 0, 10), (0, 11, 0, 13)]
    def at(c: int) -> int:
        return c - 1 if drop is not None and c > drop else c
    for (r, c), text in cells.items():
        if c != drop:
            ws.cell(top + r, at(c), text)
    for r1, c1, r2, c2 in merges:
        c1, c2 = at(c1), (c2 - 1 if drop is not None and c2 >= drop else c2)
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=top + r1, start_column=c1, end_row=top + r2, end_column=c2)
    row = top + v.header_rows
    if v.numbered:
        for c in range(1, 14):
            if c != drop:
                ws.cell(row, at(c), f"({c})")
        row += 1
    return row


def _value(n: int, v: Variant) -> object:
    if n == 0 and v.dash:
        return "-"
    if v.text_numbers and n >= 1000:
        return f"{n:,}".replace(",", ".")
    return n


def workbook(v: Variant, first: date = date(2025, 8, 1), last: date = date(2025, 8, 31),
             figures: dict | None = None, drop: str | None = None, total_shift: int = 0,
             period_line: str | None = None) -> bytes:
    """One export as bytes. drop: a template key whose column is left out (a broken export);
    total_shift: added to the total row's «received» cell (a total that does not match its parts);
    period_line: the «Kỳ báo cáo» line as written (default: from first and last as the variant says)."""
    figures = EXPECTED if figures is None else figures
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "UBND XÃ AN THÀNH"
    ws["J1"] = "Biểu số II.06a/VPCP/KSTT"
    ws["A2"] = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    ws["A4"] = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI UBND XÃ AN THÀNH"
    ws.merge_cells("A4:M4")
    if period_line is not None:
        ws["A5"] = period_line
    elif v.period == "month":
        ws["A5"] = f"Kỳ báo cáo: Tháng {first.month} năm {first.year}"
    else:
        ws["A5"] = f"Kỳ báo cáo: (Từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y})"
    ws.merge_cells("A5:M5")
    ws["A6"] = "Đơn vị báo cáo: Trung tâm Phục vụ hành chính công xã An Thành"
    ws["H6"] = "Đơn vị nhận báo cáo: Văn phòng UBND tỉnh"
    ws["K7"] = "Đơn vị tính: Số hồ sơ TTHC"
    dropped = None if drop is None else 3 + KEYS.index(drop)
    row = _header(ws, 8, v, dropped)
    if v.units:
        rows = [("UBND xã An Thành", [sum(f[k] for f in figures.values()) for k in range(len(KEYS))])]
    else:
        rows = [(SYSTEM_NAMES.get(name, name), list(values)) for name, values in figures.items()]
    for n, (label, values) in enumerate(rows, start=1):
        ws.cell(row, 1, n)
        ws.cell(row, 2, label)
        for k, value in enumerate(values):
            if 3 + k != dropped:
                ws.cell(row, 3 + k - (dropped is not None and 3 + k > dropped), _value(value, v))
        row += 1
    if v.total:
        ws.cell(row, 2, "Tổng cộng")
        for k in range(len(KEYS)):
            value = sum(f[k] for f in figures.values()) + (total_shift if k == 0 else 0)
            if 3 + k != dropped:
                ws.cell(row, 3 + k - (dropped is not None and 3 + k > dropped), _value(value, v))
        row += 1
    if v.signature:
        row += 1
        ws.cell(row, 9, f"An Thành, ngày 05 tháng {last.month:02d} năm {last.year}")
        ws.cell(row + 1, 2, "NGƯỜI LẬP BIỂU")
        ws.cell(row + 1, 9, "THỦ TRƯỞNG ĐƠN VỊ")
        ws.cell(row + 2, 2, "(Ký, ghi rõ họ tên)")
        ws.cell(row + 2, 9, "(Ký tên, đóng dấu)")
        ws.cell(row + 5, 2, "Nguyễn Thị Lan")
        ws.cell(row + 5, 9, "Trần Văn Minh")
    for c in range(1, 14):
        ws.column_dimensions[get_column_letter(c)].width = 26 if c == 2 else 11
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cell_of(v: Variant, field_of_work: str, key: str) -> str:
    """The A1 cell of a figure in a fixture (as the export's own cell)."""
    top = 8 + v.header_rows + (1 if v.numbered else 0)
    row = top + (0 if v.units else list(EXPECTED).index(field_of_work))
    return f"{get_column_letter(3 + KEYS.index(key))}{row}"

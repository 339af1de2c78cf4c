"""The Vietnamese texts of the checks: the problems a cell or a row can have, each worded once."""

from __future__ import annotations

import numpy as np

from pipeline.core import layout, vn
from pipeline.core.model import Field
from pipeline.intake.cells import MAX_WHOLE, NonFinite

FILL_BLANK = ("Đây là số liệu bắt buộc: hãy điền số liệu vào ô này (số 0 chỉ khi thật sự không phát sinh). "
              "Các ô không bắt buộc thì để trống là chưa có số liệu.")

KEEP_IF_RIGHT = "Nếu số liệu đúng thì không cần sửa (biểu vẫn được nhận); nếu sai hãy sửa"  # + the cells
NO_RESULT = ("Ô có công thức nhưng tệp chưa lưu kết quả tính của công thức, hệ thống không đọc được giá trị.",
             "Hãy mở tệp bằng Excel hoặc LibreOffice Calc, đợi bảng tính tự tính xong rồi bấm Lưu (Save) và gửi "
             "lại; hoặc gõ thẳng con số vào ô.")


FORMULA_ERROR_FIX = ("Hãy sửa công thức (thường do chia cho ô bằng 0 hoặc trống, hay tham chiếu đến ô đã xóa) "
                     "hoặc gõ thẳng con số vào ô, lưu lại rồi gửi lại.")
ORIGINAL_FIX = "Hãy dùng lại biểu mẫu gốc."


def formula_error(error: str) -> tuple[str, str]:
    """(rule, fix) of a formula cell whose result is an error such as #DIV/0!."""
    return f"Ô có công thức bị lỗi ({error}), hệ thống không đọc được giá trị.", FORMULA_ERROR_FIX


def column_problem(check: str, col: Field) -> tuple[str, str]:
    rule_text = layout.field_rule_text(col)
    if check == "not_nullable":
        if col.numeric:
            return "Ô bắt buộc nhưng đang để trống (ô trống không được hiểu là 0).", FILL_BLANK
        if col.type == "choice":
            return "Ô bắt buộc nhưng đang để trống.", "Hãy chọn một giá trị trong danh sách thả xuống."
        return "Ô bắt buộc nhưng đang để trống.", "Hãy điền nội dung vào ô này."
    if check == "min":
        if col.min == 0:
            return "Số âm không hợp lệ: ô này chỉ nhận số không âm.", "Hãy nhập số từ 0 trở lên (số lượng không thể âm)."
        return f"Giá trị nhỏ hơn mức tối thiểu {vn.number(col.min)}.", f"Hãy nhập {rule_text.lower()}."
    if check == "max":
        return f"Giá trị lớn hơn mức tối đa {vn.number(col.max)}.", f"Hãy nhập {rule_text.lower()}."
    if check == "choices":
        return ("Giá trị không có trong danh sách cho phép.",
                "Hãy chọn một trong các giá trị: " + "; ".join(f"«{c}»" for c in col.choices) + ".")
    if check == "max_length":
        limit = vn.number(col.max_length)
        return f"Nội dung dài quá {limit} ký tự.", f"Hãy rút gọn còn tối đa {limit} ký tự."
    return f"Giá trị không hợp lệ ({check}).", f"Hãy nhập {rule_text.lower()}."



def type_problem(col: Field, value: object) -> tuple[str, str]:
    """(rule, fix) of a cell whose content cannot be read as its field's type."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else (
        vn.parse_number(value) if isinstance(value, str) and not isinstance(value, NonFinite) else None)
    if isinstance(value, NonFinite) or (number is not None and not np.isfinite(number)):
        return ("Ô số liệu chứa số không hợp lệ (vô cực hoặc không xác định, thường do công thức hay dữ liệu "
                "dán từ phần mềm khác).", f"Hãy gõ lại con số đúng vào ô ({layout.type_hint(col)}).")
    if col.type == "int" and number is not None and abs(number) > MAX_WHOLE:
        return (f"Số quá lớn: ô này chỉ nhận số nguyên đến {vn.number(MAX_WHOLE)}.",
                "Hãy kiểm tra lại con số (có thể gõ thừa chữ số hoặc dán nhầm mã số) và gõ lại.")
    what = "số nguyên" if col.type == "int" else "số" if col.numeric else "ngày" if col.type == "date" else "giá trị"
    return (f"Ô số liệu chứa giá trị không phải {what}.",
            f"Ô này chỉ nhận {layout.field_rule_text(col).lower()}; hãy gõ "
            f"{'số, ' + layout.type_hint(col) if col.numeric else 'ngày dạng dd/mm/yyyy'}, không gõ "
            "chữ, đơn vị tính hay ghi chú vào ô.")



FORMULA_IN_TEXT = ("Ô nội dung chứa công thức; phần đánh giá, kiến nghị phải là chữ gõ trực tiếp.",
                   "Hãy xóa công thức và gõ (hoặc dán dạng chữ: Dán đặc biệt › Chỉ giá trị) nội dung vào ô, "
                   "lưu lại rồi gửi lại.")


def outlier(col: Field, period_word: str, period: object, value: float, low: float, high: float,
            where: str, cell: str) -> tuple[str, str, str]:
    """(rule, fix, group) of a figure far from the same row's figures in the unit's other periods
    (checks/outliers.py): «Số liệu tháng 03/2026 (1.250 hồ sơ) khác xa các tháng khác …»."""
    unit = f" {col.unit}" if col.unit else ""
    usual = (f"thường là {vn.number(low)}" if low == high
             else f"thường từ {vn.number(low)} đến {vn.number(high)}")
    of = f" ({where})" if where else ""
    rule = (f"Số liệu «{col.label}»{of} {period_word} {period} ({vn.number(value)}{unit}) khác xa các "
            f"{period_word} khác của đơn vị ({usual}{unit}): kiểm tra lại; nếu đúng, ghi rõ lý do.")
    fix = (f"Kiểm tra lại ô {cell} (có thể gõ thừa hoặc thiếu chữ số, nhầm đơn vị tính hay nhầm dòng): nếu sai "
           "hãy sửa rồi gửi lại; nếu đúng thì không cần sửa (biểu vẫn được nhận): ghi lý do và bấm «Xác nhận số "
           "liệu đúng» ở trang kết quả trên trang nộp biểu mẫu, hoặc ghi rõ lý do trong báo cáo của đơn vị.")
    return rule, fix, f"Số liệu «{col.label}» khác xa các {period_word} khác của đơn vị: kiểm tra lại."

"""How a template is laid out and how a field is described in words: shared by the template
writer (outputs.templates), the reader (intake) and the messages (checks)."""

from __future__ import annotations

from pipeline.core import vn
from pipeline.core.model import Field, Sheet

# Layout shared with the reader: title, identity line, demo mark, header labels, column numbers.
TITLE_ROW, INFO_ROW, MARK_ROW, HEADER_ROW, NUMBER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5, 6
META_SHEET = "_meta"
GUIDE_SHEET = "Hướng dẫn"
DEMO_MARK = "SỐ LIỆU MINH HỌA"
UNIT_PREFIX = "Đơn vị báo cáo: "
META_KEYS = ("template_id", "version", "fingerprint", "unit_code", "unit_name", "commune",
             "period_start", "period_cutoff", "generated_at", "demo")
# A commune's package for its city (outputs/package.py) adds these to «_meta» after META_KEYS: the
# commune's code, its full name, the catalog version and the sha256 digest of the submissions the
# figures come from, and when it was written, the digest of each sheet's figures and the head's
# sign-off (intake.proof); and a sheet listing, per figure cell, its origin.
PACKAGE_KEYS = ("package_commune_code", "package_of", "catalog_version", "submissions_sha256", "package_built_at",
                "figures_sha256", "package_signed_by", "package_signed_at")
ORIGIN_SHEET = "Nguồn số liệu"
ORIGIN_COLUMNS = ("Trang", "Ô", "Giá trị", "Mã đơn vị của xã", "Đơn vị của xã", "Tệp", "Ô trong tệp", "Thời điểm nhận")
MAX_ORIGIN_ROWS = 100_000  # rows of the origin sheet a city reads (bounded like any sheet)
LISTED = 20  # files, or unit × template lines, a cover or summary names before «… và N … khác»
MAX_ROW_HEIGHT = 409  # points: the tallest row Excel keeps (long texts scroll within it)
LIST_COLUMN = 4  # first column of the drop-down lists in the meta sheet

TYPE_TEXT = {"int": "Số nguyên", "number": "Số (có thể có phần thập phân)", "text": "Chữ",
             "choice": "Chọn trong danh sách", "date": "Ngày (dd/mm/yyyy)"}


BLANK_OK = "Có thể để trống nếu chưa có số liệu"
BLANK_NO = "Bắt buộc điền"
PRINTED = "In sẵn, không sửa"


def blank_text(col: Field, sheet: Sheet, section: str = "") -> str:
    """Whether a cell may stay blank, in plain words, and why a required one may not (the guide,
    the README's reference); section: the plan section its template feeds."""
    if sheet.rows is not None and col in sheet.keys:
        return PRINTED
    if not col.required:
        return BLANK_OK
    where = (" ở mỗi dòng có số liệu" if sheet.rows is not None and sheet.blank_rows
             else " ở mỗi dòng kê khai" if sheet.rows is None else "")
    what = "số này" if col.numeric else "nội dung này"
    why = col.need or ("để nhận biết từng dòng của danh sách" if col in sheet.keys else
                       f"mục {section} của báo cáo không viết được nếu thiếu {what}" if section else "")
    return f"{BLANK_NO}{where}" + (f": {why}" if why else "")


def field_rule_text(col: Field) -> str:
    """What a cell accepts, in Vietnamese (used in the guide, the prompts and the messages)."""
    parts = [TYPE_TEXT[col.type]]
    if col.numeric:
        if col.min is not None and col.max is not None:
            parts.append(f"từ {vn.number(col.min)} đến {vn.number(col.max)}")
        elif col.min is not None:
            parts.append("không âm" if col.min == 0 else f"không nhỏ hơn {vn.number(col.min)}")
    if col.max_length:
        parts.append(f"tối đa {col.max_length} ký tự")
    return ", ".join(parts)


def type_hint(col: Field) -> str:
    """How to type a number into the cell: a whole-number cell gets a whole-number example."""
    return "ví dụ 1234" if col.type == "int" else "ví dụ 1234 hoặc 12,5"

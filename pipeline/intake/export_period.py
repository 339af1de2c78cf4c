"""The TTHC system's export (intake.export_06a) in words and periods: how it is named, the words of
a header compared by meaning (`words`), the period its title names, and which exports combine.

A period is stored as «YYYY-MM-DD/YYYY-MM-DD» (`part`, submissions.part). Exports of distinct
reporting months combine; an export of any other span (a quarter, the whole period) fills the
whole-period rows, of which a unit has one set, so it must be the unit's only current export;
overlapping periods never combine (`conflict`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from openpyxl.utils import get_column_letter

from pipeline.core import vn
from pipeline.core.config import Config

RECOGNISED_BY = "export_06a"  # submissions.recognised_by of an export
NAME = "Biểu 06a"  # how messages and explain name the export
TITLE = "Biểu số II.06a/VPCP/KSTT"
SYSTEM = "Hệ thống thông tin giải quyết TTHC"
RECOGNISED_WORDS = f"tiêu đề cột của {TITLE} xuất từ {SYSTEM}"
_DATE = r"(\d{1,2})\s*(?:[/.-]|thang)\s*(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})"
_SPAN = re.compile(rf"tu ngay\s*{_DATE}\s*,?\s*den ngay\s*{_DATE}")
_MONTH = re.compile(r"\bthang\s*(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})")
_QUARTER = re.compile(r"\bquy\s*(iv|iii|ii|i|[1-4])\s*(?:[/.-]|nam)\s*(\d{4})")
_HALF = re.compile(r"\b6 thang (dau|cuoi) nam\s*(\d{4})")
_YEAR = re.compile(r"\bnam\s*(\d{4})")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

def portal_text() -> str:
    """What the upload page tells the unit that owns the TTHC template."""
    return (f"Biểu số liệu thủ tục hành chính: có thể gửi nguyên tệp {TITLE} xuất từ {SYSTEM}, không cần chép "
            "sang biểu mẫu. Hệ thống đọc kỳ báo cáo ghi trong tệp: gửi mỗi tháng báo cáo một tệp (các tháng ghép "
            "lại với nhau), hoặc một tệp cho cả kỳ báo cáo.")


def words(text: object) -> str:
    """A header's words compared by meaning: lowercase, no diacritics (đ → d), punctuation as
    spaces (but «/», «,» and «.» between digits kept), spaces collapsed."""
    value = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "D")).casefold()
    value = "".join(c for c in value if unicodedata.category(c) != "Mn")
    value = re.sub(r"[–—\-:;()\[\]«»\"'*]+", " ", value)
    value = re.sub(r"(?<!\d)[,.]|[,.](?!\d)", " ", value)
    return " ".join(value.split())


def _period(rows: list[list], top: int) -> tuple[date, date, str] | None:
    """(first day, last day, the cell) of the period named in the title rows."""
    cells = [(words(v), f"{get_column_letter(j + 1)}{i + 1}") for i, row in enumerate(rows[:top])
             for j, v in enumerate(row) if isinstance(v, str) and v.strip()]
    try:
        for text, cell in cells:
            if m := _SPAN.search(text):
                d = [int(x) for x in m.groups()]
                return date(d[2], d[1], d[0]), date(d[5], d[4], d[3]), cell
        for text, cell in cells:
            if m := _MONTH.search(text):
                first = date(int(m.group(2)), int(m.group(1)), 1)
                return first, _month_end(first), cell
            if m := _QUARTER.search(text):
                q = _ROMAN.get(m.group(1)) or int(m.group(1))
                first = date(int(m.group(2)), 3 * q - 2, 1)
                return first, _month_end(date(first.year, 3 * q, 1)), cell
            if m := _HALF.search(text):
                year, late = int(m.group(2)), m.group(1) == "cuoi"
                return date(year, 7 if late else 1, 1), date(year, 12 if late else 6, 31 if late else 30), cell
        for text, cell in cells:
            if "ky bao cao" in text and (m := _YEAR.search(text)):
                return date(int(m.group(1)), 1, 1), date(int(m.group(1)), 12, 31), cell
    except ValueError:  # a date that does not exist (31/02): unreadable
        return None
    return None


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def part(first: date, last: date) -> str:
    """The period as stored in submissions.part."""
    return f"{first.isoformat()}/{last.isoformat()}"


def span(value: str) -> tuple[date, date]:
    a, b = value.split("/")
    return date.fromisoformat(a), date.fromisoformat(b)


def span_text(value: str) -> str:
    """A stored part in words: «01/08/2025 – 31/08/2025»."""
    first, last = span(value)
    return f"{vn.day(first)} – {vn.day(last)}"


def overlaps(a: str, b: str) -> bool:
    """Two stored periods that share a day without being the same period."""
    (a1, a2), (b1, b2) = span(a), span(b)
    return a != b and a1 <= b2 and b1 <= a2


def is_month(value: str, config: Config) -> bool:
    """A stored period that is one reporting month (its rows are that month's)."""
    return span(value) in {(a, b) for _, a, b in config.reporting_months}


def conflict(other_file: str, other: str, this: str, config: Config) -> tuple[str, str] | None:
    """(rule, fix) when an export of period `this` cannot be current beside the current export
    `other_file` of period `other`: the periods overlap, or one of them is not a reporting month
    (its figures are the whole-period rows, of which a unit has one set); None when they combine."""
    if this == other or (not overlaps(this, other) and is_month(this, config) and is_month(other, config)):
        return None
    here, there = span_text(this), span_text(other)
    fix = (f"Hãy xuất biểu từ hệ thống theo từng tháng báo cáo (các tháng ghép lại được), hoặc một tệp cho cả kỳ "
           f"{config.period_text}; gửi lại đúng kỳ {there} thì tệp mới thay tệp «{other_file}».")
    if overlaps(this, other):
        return (f"{NAME} này là số liệu kỳ {here}, chồng lên kỳ {there} của tệp «{other_file}» đã nhận: một hồ sơ "
                "không được tính hai lần, nên tệp này không được nhận.", fix)
    return (f"{NAME} này là số liệu kỳ {here}; tệp «{other_file}» đã nhận là số liệu kỳ {there}. Chỉ các tệp của "
            "từng tháng báo cáo mới ghép được với nhau; số liệu gộp nhiều tháng (quý, cả kỳ) phải là tệp duy nhất, "
            "nên tệp này không được nhận.", fix)


def source_text(file_name: str, value: str) -> str:
    """How the annex and explain name an export: «tệp › Biểu 06a kỳ 01/08/2025 – 31/08/2025»."""
    return f"{file_name} › {NAME} kỳ {span_text(value)}"


def report_sentence(parts: list[str]) -> str:
    """The report's sentence saying the TTHC figures come from the system's export, for which periods."""
    spans = "; ".join(span_text(p) for p in sorted(set(parts)))
    return f"Số liệu thủ tục hành chính lấy từ {TITLE} xuất từ {SYSTEM} (kỳ {spans})."



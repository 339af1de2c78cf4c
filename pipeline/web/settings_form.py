"""The configuration as a web form: inputs/commune.toml ↔ the fields of the «Cài đặt» page.

A form's values (name → text, or a list for the templates a unit sends) become the TOML tables
(`data_of`), are written as TOML (`to_toml`, tomlkit: the comments of the file being edited are
kept) and checked by the configuration's own reader (`config.parse`), which lists every mistake
at once; each mistake is then put beside its field (`field_of`), worded with the field's label
instead of the file's key. Nothing here restates a rule of the configuration.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import tomlkit

from pipeline.core import vn
from pipeline.core.config import CHART_STYLES, KINDS, LEADER_SECTIONS, Config, parse
from pipeline.core.config_check import ConfigError
from pipeline.core.words import SECTIONS_WITHOUT_FIGURES

# (form name = the TOML key, label, input kind) of the tables' single values, in page order.
FIELDS = (
    ("commune.kind", "Loại đơn vị hành chính", "kind"),
    ("commune.name", "Tên (không kèm chữ xã, phường, đặc khu)", "text"),
    ("commune.province", "Tỉnh, thành phố trực thuộc Trung ương", "text"),
    ("commune.place", "Địa danh ghi ở dòng «…, ngày … tháng … năm …»", "text"),
    ("commune.plan_ref", "Tên kế hoạch tổ chức sơ kết", "text"),
    ("commune.code", "Mã của đơn vị trong danh sách của thành phố, tỉnh (không bắt buộc)", "text"),
    ("period.start", "Ngày bắt đầu kỳ báo cáo (ngày/tháng/năm)", "date"),
    ("period.cutoff", "Ngày chốt số liệu (ngày/tháng/năm)", "date"),
    ("period.deadline", "Hạn các đơn vị gửi biểu mẫu (giờ:phút ngày/tháng/năm)", "datetime"),
    ("period.month_starts_on", "Ngày bắt đầu của tháng báo cáo", "number"),
    ("standing_unit.contact_person", "Người các đơn vị liên hệ khi điền biểu mẫu (không bắt buộc)", "text"),
    ("standing_unit.contact_phone", "Số điện thoại liên hệ (không bắt buộc)", "text"),
    ("signatory.on_behalf", "Dòng thẩm quyền (để trống: «TM. ỦY BAN NHÂN DÂN …» theo loại đơn vị)", "text"),
    ("signatory.authority", "Dòng ký thay (ví dụ: KT. CHỦ TỊCH)", "text"),
    ("signatory.title", "Chức vụ người ký (ví dụ: PHÓ CHỦ TỊCH)", "text"),
    ("signatory.name", "Họ tên người ký", "text"),
    ("archives.fonds", "Các phông lưu trữ (mỗi dòng một phông)", "lines"),
    ("staffing.bodies", "Các cơ quan, đơn vị thống kê trong biểu nhân sự (mỗi dòng một đơn vị)", "lines"),
    ("report.charts", "Biểu đồ trong báo cáo", "charts"),
)
KIND_OF = {name: kind for name, _, kind in FIELDS}
LABEL = {name: label for name, label, _ in FIELDS}
# A line under a field's box
HINTS = {"period.month_starts_on": "1 = tháng dương lịch; 15 = tháng báo cáo tính từ ngày 15 tháng trước đến "
                                   "ngày 14 tháng báo cáo (Nghị định 09/2019/NĐ-CP). Số từ 1 đến 28."}
OPTIONAL = {"commune.code", "standing_unit.contact_person", "standing_unit.contact_phone", "signatory.on_behalf"}
CHARTS = {"native": "Biểu đồ Word (sửa được số liệu và kiểu dáng)", "picture": "Ảnh"}
assert set(CHARTS) == set(CHART_STYLES)
UNIT_KEYS = {"code": "Mã đơn vị", "name": "Tên đơn vị", "templates": "Biểu mẫu đơn vị gửi"}
LEADER_KEYS = {"name": "Họ tên lãnh đạo chỉ đạo", "title": "Chức vụ"}
# The first account, on the first-run page (form names account.<key>)
ACCOUNT = {"username": "Tên đăng nhập (chữ thường không dấu, ví dụ: vhxh)", "full_name": "Họ và tên",
           "password": "Mật khẩu (ít nhất 8 ký tự)", "password2": "Nhập lại mật khẩu"}
TABLES = ("commune", "period", "standing_unit", "units", "leaders", "signatory", "archives", "staffing", "report")
UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
NEW_ROWS = 3  # empty unit rows under the units (a unit is added by filling one)
MAX_ROWS = 300  # unit rows read from a form at most (a city has a few hundred communes)
_QUOTED = re.compile(r"(?:khóa )?'((?:units|leaders|staffing|archives|commune|period|standing_unit|signatory|report)"
                     r"(?:\[\d+\])?(?:\.[a-z_]+)?(?:\[\d+\])?)'")
_EXAMPLE = re.compile(r",? ví dụ: [a-z_]+ = .*$")  # a TOML line as the example (the form shows its own)
_UNITS_LIST = re.compile(r" trong các mục \[\[units\]\] \([^)]*\)")
_MISSING = re.compile(r"^thiếu khóa '[^']+'\..*$")


@dataclass
class Form:
    """What the page shows: the values typed (or read from the file), the unit rows, and the
    mistakes by field name ("" : those of no field)."""

    values: dict
    rows: int
    errors: dict[str, list[str]]

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def chosen(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return value if isinstance(value, list) else [value]


def values_of(data: dict) -> dict:
    """The form's values from the configuration's tables (tomllib's dict)."""
    out: dict = {}
    for name, _, kind in FIELDS:
        table, key = name.split(".")
        value = data.get(table, {}).get(key) if isinstance(data.get(table), dict) else None
        if value is None:
            continue
        if kind == "lines":
            out[name] = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
        elif kind == "datetime" and isinstance(value, datetime):
            out[name] = moment_text(value)
        elif kind == "date" and isinstance(value, date):
            out[name] = day_text(value)
        else:
            out[name] = str(value)
    standing = data.get("standing_unit", {}).get("code")
    for i, unit in enumerate(data.get("units", []), start=1):
        out[f"units[{i}].code"], out[f"units[{i}].name"] = unit.get("code", ""), unit.get("name", "")
        out[f"units[{i}].templates"] = list(unit.get("templates", []))
        if unit.get("code") == standing:
            out["standing_unit.code"] = str(i)
    for leader in data.get("leaders", []):
        for key in LEADER_KEYS:
            out[f"leader.{leader.get('section')}.{key}"] = leader.get(key, "")
    return out


def read_form(form) -> dict:
    """The values of a posted form (a Starlette FormData): text trimmed, the templates as lists."""
    out: dict = {}
    for name in set(form.keys()):
        if name.endswith(".templates"):
            out[name] = [str(v) for v in form.getlist(name)]
        elif name != "csrf":
            out[name] = str(form.get(name, "")).replace("\r\n", "\n").strip()
    return out


def rows_of(values: dict) -> int:
    """How many unit rows the values hold (the highest row number)."""
    found = [int(m[1]) for name in values if (m := re.match(r"units\[(\d{1,4})\]\.", name))]
    return min(max(found, default=0), MAX_ROWS)


def data_of(values: dict, catalog: list[str]) -> tuple[dict, dict[str, list[str]], list[int], list[str]]:
    """The TOML tables of the values, the mistakes found in the form itself (a date that is not
    one, a unit code with spaces), the form row of each unit written and the section of each leader."""
    errors: dict[str, list[str]] = {}
    data: dict = {t: {} for t in ("commune", "period", "standing_unit", "signatory", "archives", "staffing", "report")}
    for name, _, kind in FIELDS:
        table, key = name.split(".")
        text = values.get(name, "")
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            data[table][key] = _typed(text.strip(), kind)
        except ValueError as exc:
            errors.setdefault(name, []).append(str(exc))
    if data["report"].get("charts") == CHART_STYLES[0]:
        del data["report"]["charts"]  # the default: no [report] table needed
    rows, units = [], []
    for row in range(1, rows_of(values) + 1):
        code = values.get(f"units[{row}].code", "").strip()
        name = values.get(f"units[{row}].name", "").strip()
        templates = [t for t in values.get(f"units[{row}].templates", []) if t in catalog]
        if not (code or name):
            continue  # an empty row (or a unit removed by clearing it)
        if code and not UNIT_CODE.match(code):
            errors.setdefault(f"units[{row}].code", []).append(
                f"Mã đơn vị «{code}» chỉ gồm chữ in hoa không dấu, chữ số, gạch ngang hoặc gạch dưới, "
                "không có dấu cách (ví dụ: VHXH).")
        unit = {"code": code, "name": name, "templates": templates}
        units.append({k: v for k, v in unit.items() if v or k == "templates"})
        rows.append(row)
    data["units"] = units
    standing = values.get("standing_unit.code", "")
    if standing.isdigit() and int(standing) in rows:
        data["standing_unit"]["code"] = values.get(f"units[{standing}].code", "").strip()
    leaders, sections = [], []
    for section in LEADER_SECTIONS:
        entry = {k: values.get(f"leader.{section}.{k}", "").strip() for k in LEADER_KEYS}
        if any(entry.values()):
            leaders.append({"section": section, **{k: v for k, v in entry.items() if v}})
            sections.append(section)
    if leaders:
        data["leaders"] = leaders
    return {k: v for k, v in data.items() if v or k in ("units", "commune", "period", "standing_unit",
                                                         "signatory", "archives", "staffing")}, errors, rows, sections


_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def day_text(value: date) -> str:
    return vn.day(value)


def moment_text(value: datetime) -> str:
    """«15:00 06/05/2026» (vn.moment), with the seconds when there are any."""
    return vn.moment(value) if value.second == 0 else f"{value:%H:%M:%S} {vn.day(value)}"


def _day(text: str) -> date:
    if m := _DAY.match(text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    return date.fromisoformat(text)


def _moment(text: str) -> datetime:
    parts = text.split()
    if len(parts) == 2:  # «15:00 06/05/2026» or «06/05/2026 15:00»
        clock, day = parts if _TIME.match(parts[0]) else parts[::-1]
        if m := _TIME.match(clock):
            return datetime.combine(_day(day), datetime.min.time()).replace(
                hour=int(m[1]), minute=int(m[2]), second=int(m[3] or 0))
    return datetime.fromisoformat(text).replace(microsecond=0)


def _typed(text: str, kind: str):
    if kind == "date":
        try:
            return _day(text)
        except ValueError:
            raise ValueError(f"«{text}» không phải một ngày: hãy ghi ngày/tháng/năm, ví dụ 01/07/2025.") from None
    if kind == "datetime":
        try:
            return _moment(text)
        except ValueError:
            raise ValueError(f"«{text}» không phải giờ và ngày: hãy ghi giờ:phút ngày/tháng/năm, "
                             "ví dụ 15:00 06/05/2026.") from None
    if kind == "number":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"«{text}» không phải một số nguyên.") from None
    if kind == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def to_toml(data: dict, base: str | None = None) -> str:
    """The tables written as TOML: into the file being edited (base: its text, comments and layout
    kept; a key emptied on the form is removed) or into a new file."""
    doc = tomlkit.parse(base) if base else _new_document()
    for table in TABLES:
        value = data.get(table)
        if table in ("units", "leaders"):
            _array(doc, table, value or [])
            continue
        if not value and table == "report":  # optional: absent means the default
            if table in doc:
                del doc[table]
            continue
        value = value or {}
        target = doc.get(table)
        if target is None:
            target = doc[table] = tomlkit.table()
        for key in [k for k in target if k not in value]:
            del target[key]
        for key, item in value.items():
            target[key] = _item(item)
    return tomlkit.dumps(doc)


def _item(value):
    if isinstance(value, list) and len(value) > 1:
        array = tomlkit.array()
        array.extend(value)
        return array.multiline(True)
    return value


def _array(doc, name: str, entries: list[dict]) -> None:
    """[[name]] entries, edited in place (the comments inside them kept), added or removed."""
    if not entries:
        if name in doc:
            del doc[name]
        return
    old = doc.get(name)
    aot = old if isinstance(old, tomlkit.items.AoT) else tomlkit.aot()
    while len(aot) > len(entries):
        aot.body.pop()  # tomlkit's AoT has no remove: its body is the list of tables
    for i, entry in enumerate(entries):
        if i < len(aot):
            table = aot[i]
            for key in [k for k in table if k not in entry]:
                del table[key]
        else:
            table = tomlkit.table()
            aot.append(table)
        for key, value in entry.items():
            table[key] = value
    if old is not aot:
        doc[name] = aot


def _new_document():
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Cấu hình của đơn vị cho báo cáo sơ kết 01 năm hoạt động của chính quyền cấp xã."))
    doc.add(tomlkit.comment("Tạo trên trang «Cài đặt» của cổng nộp biểu mẫu; sửa được trên trang đó hoặc trong tệp này."))
    doc.add(tomlkit.nl())
    return doc


def check(text: str, path: Path) -> Config | list[tuple[str | None, str]]:
    """The configuration the text holds, or every mistake as (key, message)."""
    try:
        return parse(text, path)
    except ConfigError as exc:
        return [(key, message) for key, _, message in exc.items]


def field_of(key: str | None, rows: list[int], sections: list[str]) -> str:
    """The form field of a configuration key ('units[2].code' → the form row of the 2nd unit written)."""
    if not key:
        return ""
    if m := re.match(r"units\[(\d+)\](?:\.(\w+))?", key):
        index = int(m[1]) - 1
        if index < len(rows):
            return f"units[{rows[index]}].{m[2] or 'code'}"
        return "units"
    if m := re.match(r"leaders\[(\d+)\](?:\.(\w+))?", key):
        index = int(m[1]) - 1
        if index < len(sections):
            return f"leader.{sections[index]}.{'title' if m[2] == 'title' else 'name'}"
        return "leaders"
    if m := re.match(r"(staffing\.bodies|archives\.fonds)\[\d+\]", key):
        return m[1]
    return key if key in LABEL or key in ("standing_unit.code", "units") else ""


def label_of(field: str) -> str:
    if m := re.match(r"units\[(\d+)\]\.(\w+)", field):
        return f"{UNIT_KEYS.get(m[2], m[2])} (dòng {m[1]})"
    if m := re.match(r"leader\.(.+)\.(\w+)$", field):
        return f"{LEADER_KEYS.get(m[2], m[2])} mục {m[1]}"
    if field.startswith("account."):
        return ACCOUNT.get(field[8:], field)
    return {"standing_unit.code": "Đơn vị thường trực", "units": "Các đơn vị"}.get(field) or LABEL.get(field, field)


def plain(message: str, field: str, rows: list[int], sections: list[str]) -> str:
    """A configuration message worded for the form: the file's keys become the fields' labels."""
    if _MISSING.match(message) and field:
        return {"units": "Cần ít nhất một đơn vị.",
                "standing_unit.code": "Hãy chọn đơn vị thường trực trong bảng các đơn vị."}.get(field, "Chưa điền mục này.")
    message = _EXAMPLE.sub(".", _UNITS_LIST.sub(" với một đơn vị khác", message))
    return _QUOTED.sub(lambda m: f"«{label_of(field_of(m[1], rows, sections) or m[1])}»", message)


def errors_of(problems: list[tuple[str | None, str]], rows: list[int], sections: list[str],
              errors: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every mistake beside its field ("" for those of no field)."""
    out = dict(errors or {})
    for key, message in problems:
        field = field_of(key, rows, sections)
        text = plain(message, field, rows, sections)
        if text not in out.get(field, []):
            out.setdefault(field, []).append(text)
    return out


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


SECTION_TITLES = SECTIONS_WITHOUT_FIGURES
KIND_CHOICES = KINDS

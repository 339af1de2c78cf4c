"""How the configuration's mistakes are told: every one at once, each at its line, and the keys
nothing reads refused (a clerk should not edit a line for nothing). The readers of one typed value
(`_get`, `_table`, `_array`, `_strings`, `_kind`) collect their mistakes here instead of raising."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from pathlib import Path

# Every key the program reads, per table (None: the top level). A key not listed is refused.
KEYS: dict[str | None, tuple[str, ...]] = {
    None: ("level", "commune", "period", "standing_unit", "units", "leaders", "signatory", "archives",
           "staffing", "report", "packages"),
    "commune": ("kind", "name", "province", "place", "plan_ref", "code"),
    "period": ("start", "cutoff", "deadline", "month_starts_on"),
    "standing_unit": ("code", "contact_person", "contact_phone"),
    "units": ("code", "name", "templates", "kind"),
    "leaders": ("section", "name", "title"),
    "signatory": ("on_behalf", "authority", "title", "name"),
    "archives": ("fonds",),
    "staffing": ("bodies",),
    "report": ("charts",),
    "packages": ("require_signoff",),
}
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
_WHERE = re.compile(r"^(?:(?P<table>[a-z_]+)(?:\[(?P<index>\d+)\])?\.)?(?P<key>[a-z_]+)")


class ConfigError(Exception):
    """A missing or malformed setting; the message is Vietnamese and names the key. `items`: every
    mistake as (key such as 'units[3].code' or None, line or None, message), for a form that shows
    each beside its field (the portal's settings page)."""

    def __init__(self, message: str, items: list[tuple[str | None, int | None, str]] | None = None):
        super().__init__(message)
        self.items = items if items is not None else [(None, None, message)]


def key_lines(text: str) -> dict[str, int]:
    """'units[3].code' (also 'commune.name', 'level', and a table alone: 'units[3]', 'period') →
    its line number (1-based), read from the file's lines: tomllib gives no positions."""
    out: dict[str, int] = {}
    table, counts = None, {}
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            name = header[2]
            if header[1] == "[[":
                counts[name] = counts.get(name, 0) + 1
                table = f"{name}[{counts[name]}]"
            else:
                table = name
            out.setdefault(table, number)
        elif key := _KEY.match(line):
            out.setdefault(f"{table}.{key[1]}" if table else key[1], number)
    return out


class Problems:
    """The mistakes of one configuration file, collected; `check()` raises them all in one error."""

    def __init__(self, path: Path, text: str = ""):
        self.path, self.items = path, []
        self.lines = key_lines(text)

    def add(self, key: str | None, message: str) -> None:
        """One mistake at key ('units[3].code'; its table's line when the key is absent)."""
        line = None
        if key:
            match = _WHERE.match(key)
            table = match and match["table"] and (f"{match['table']}[{match['index']}]" if match["index"]
                                                  else match["table"])
            line = self.lines.get(key) or (self.lines.get(table) if table else None)
        self.items.append((line, message, key))

    def __bool__(self) -> bool:
        return bool(self.items)

    def check(self) -> None:
        if not self.items:
            return
        items = sorted(self.items, key=lambda item: item[0] or 0)
        keyed = [(key, line, message) for line, message, key in items]
        texts = [f"dòng {line}: {message}" if line else message for line, message, _ in items]
        if len(texts) == 1:
            raise ConfigError(f"Tệp cấu hình {self.path}, {texts[0]}", keyed)
        raise ConfigError(f"Tệp cấu hình {self.path} có {len(texts)} lỗi, hãy sửa tất cả rồi chạy lại:\n"
                          + "\n".join(f"  {i}. {t}" for i, t in enumerate(texts, start=1)), keyed)


def unknown_keys(data: dict, problems: Problems, city: bool) -> None:
    """Refuse each key nothing reads, naming the keys its table allows (and the closest one)."""
    def refuse(where: str, key: str, allowed: tuple[str, ...], table: str | None) -> None:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" Có phải ý bạn là '{close[0]}'?" if close else ""
        place = f"mục [{table}]" if table else "đầu tệp"
        problems.add(where, f"khóa '{where}' không được chương trình đọc, sửa dòng này không có tác dụng.{hint} "
                            f"Hãy xóa dòng này (các khóa dùng được ở {place}: {', '.join(allowed)}).")

    for key, value in data.items():
        if key not in KEYS[None]:
            refuse(key, key, tuple(k for k in KEYS[None] if k not in data), None)
            continue
        entries = value if isinstance(value, list) else [value]
        for i, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                continue
            allowed = KEYS[key]
            if key == "units" and not city:
                allowed = tuple(k for k in allowed if k != "kind")
            for inner in entry:
                if inner not in allowed:
                    where = f"{key}[{i}].{inner}" if isinstance(value, list) else f"{key}.{inner}"
                    refuse(where, inner, allowed, f"[{key}]" if isinstance(value, list) else key)


_TYPE_NAMES = {str: "một chuỗi chữ trong dấu ngoặc kép", date: "một ngày dạng YYYY-MM-DD",
               datetime: "ngày giờ dạng YYYY-MM-DDTHH:MM:SS", list: "một danh sách [ … ]"}


def _get(table: dict, key: str, kind: type, where: str, errs: Problems, example: str):
    """table[key] when it has the kind; else the mistake is noted and None returned."""
    full = f"{where}.{key}" if where else key
    if key not in table:
        errs.add(full, f"thiếu khóa '{full}'. Cần {_TYPE_NAMES[kind]}, ví dụ: {key} = {example}.")
        return None
    value = table[key]
    ok = isinstance(value, kind) and not (kind is date and isinstance(value, datetime))
    if kind is str and ok and not value.strip():
        ok = False
    if not ok:
        errs.add(full, f"khóa '{full}' có giá trị {value!r} không hợp lệ. "
                       f"Cần {_TYPE_NAMES[kind]}, ví dụ: {key} = {example}.")
        return None
    return value


def _table(data: dict, key: str, errs: Problems) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        errs.add(key, f"thiếu mục [{key}] hoặc mục này không đúng dạng bảng.")
        return {}
    return value


def _array(data: dict, key: str, errs: Problems, required: bool = True) -> list[dict]:
    value = data.get(key, None if required else [])
    if not isinstance(value, list) or (required and not value) or not all(isinstance(v, dict) for v in value):
        errs.add(key, f"thiếu các mục [[{key}]] (cần ít nhất một mục)." if required
                 else f"các mục [[{key}]] không đúng dạng: mỗi mục bắt đầu bằng dòng [[{key}]].")
        return []
    return value


def _strings(table: dict, key: str, where: str, errs: Problems, example: str) -> tuple[str, ...]:
    values = _get(table, key, list, where, errs, example)
    if values is None:
        return ()
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        errs.add(f"{where}.{key}", f"khóa '{where}.{key}' cần một danh sách chuỗi chữ không rỗng, "
                                   f"ví dụ: {key} = {example}.")
        return ()
    return tuple(values)


def _kind(table: dict, where: str, kinds: tuple[str, ...], errs: Problems, default: str | None) -> str | None:
    """table's kind, one of kinds (default when absent; required when default is None)."""
    example = f'kind = "{kinds[1]}"'
    if "kind" not in table and default is None:
        errs.add(f"{where}.kind", f"thiếu khóa '{where}.kind'. Cần một trong: "
                                  f"{', '.join(repr(k) for k in kinds)}, ví dụ: {example}.")
        return None
    kind = table.get("kind", default)
    if kind not in kinds:
        errs.add(f"{where}.kind", f"khóa '{where}.kind' có giá trị {kind!r} không hợp lệ. "
                                  f"Cần một trong: {', '.join(repr(k) for k in kinds)}, ví dụ: {example}.")
        return None
    return kind

"""The README's generated blocks: template reference, report placeholders, TTHC rates, warehouse tables.

Each block sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md and is
derived from the catalog, the configuration and the report, never written by hand.
`python -m pipeline.docs` (or `make docs`) refreshes them; a test fails while one is stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.core import paths
from pipeline.core.config import load
from pipeline.core.layout import blank_text
from pipeline.topics import CATALOG

README = paths.ROOT / "README.md"


def template_reference() -> str:
    """One row per template: plan section, the units that fill it, its sheets and checks."""
    config = load()
    lines = ["| Biểu (mã) | Mục | Đơn vị điền | Trang số liệu | Kiểm tra |", "| --- | --- | --- | --- | --- |"]
    for template in sorted(CATALOG.values(), key=lambda t: t.section):
        owners = ", ".join(u.name for u in config.owners(template.id)) or "chưa giao đơn vị nào"
        sheets, checks = [], 0
        for sheet in template.sheets:
            shape = (f"{len(sheet.rows(config))} dòng in sẵn" if sheet.rows
                     else f"danh sách tự do, tối đa {sheet.max_rows} dòng")
            sheets.append(f"«{sheet.name}» ({len(sheet.columns)} cột, {shape})")
            checks += (len(sheet.rules) + len(sheet.requires) + len(sheet.previous) + bool(sheet.tree)
                       + bool(sheet.empty_flag))
        lines.append(f"| {template.title} (`{template.id}`, phiên bản {template.version}) | {template.section} "
                     f"| {owners} | {'; '.join(sheets)} | {checks} quy tắc |")
    return "\n".join(lines) + "\n\n" + blank_reference()


def blank_reference() -> str:
    """Per template and sheet, per field: whether it may stay blank («Có thể để trống»), or must be
    filled («Bắt buộc») and why — the words of the guide sheet (layout.blank_text)."""
    lines = ["Ô để trống là **chưa có số liệu** (không phải 0): chỉ số cần số đó ghi [x] và nêu đơn vị, số liệu "
             "còn thiếu. Chỉ bắt buộc điền số mà mục của báo cáo không viết được nếu thiếu (ghi 0 khi thật sự "
             "không phát sinh); có tổng số mà chưa có số chi tiết thì điền tổng số và để trống các ô chi tiết:", ""]
    for template in sorted(CATALOG.values(), key=lambda t: t.section):
        for sheet in template.sheets:
            fields = [c for c in sheet.columns if not (sheet.rows and c in sheet.keys)]
            required = [f"«{c.label}» ({lower(blank_text(c, sheet, template.section))})" for c in fields if c.required]
            optional = [f"«{c.label}»" for c in fields if not c.required]
            none = "không có cột nào" + (" (nhưng không được để trống cả trang)" if sheet.needs_figures else "")
            lines.append(f"- {template.title}, trang «{sheet.name}»: **Bắt buộc**: {'; '.join(required) or none}. "
                         f"**Có thể để trống** nếu chưa có số liệu: {', '.join(optional) or 'không có cột nào'}.")
    return "\n".join(lines) + "\n"


def lower(text: str) -> str:
    return text[0].lower() + text[1:]


def _placeholders() -> str:
    from pipeline.outputs import report

    return report.readme_table() + "\n"


def _rates() -> str:
    from pipeline.outputs import rates

    return rates.readme()


def _schema() -> str:
    from pipeline import analysis

    return analysis.schema_markdown()


BLOCKS: dict[str, Callable[[], str]] = {
    "templates": template_reference,
    "placeholders": _placeholders,
    "rates": _rates,
    "schema": _schema,
}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)


def render(text: str) -> str:
    """The README text with every generated block replaced by its current content."""
    for name, make in BLOCKS.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise ValueError(f"README.md: thiếu khối <!-- {name}:start --> … <!-- {name}:end -->")
        content = make()
        text = pattern.sub(lambda m, c=content: m.group(1) + c + m.group(2), text)
    return text


def main(path: Path = README) -> int:
    text = path.read_text(encoding="utf-8")
    new = render(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    print("README.md đã được cập nhật." if new != text else "README.md đã đúng, không cần sửa.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The user guide's generated blocks: template reference, accepted values, report placeholders,
TTHC rates, warehouse tables.

Each block sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in one page of docs/ (PAGES)
and is derived from the catalog, the configuration and the report, never written by hand.
`python -m pipeline.docs` (run by `make docs`) refreshes them; a test fails while one is stale.
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

DOCS = paths.ROOT / "docs"
# Which page of docs/ holds each generated block.
PAGES: dict[str, tuple[str, ...]] = {
    "bieu-mau.md": ("templates", "choices"),
    "bao-cao.md": ("rates", "placeholders"),
    "phan-tich.md": ("schema",),
}


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


def choice_reference() -> str:
    """Per template, sheet and list field: the values its cell accepts, as the catalog declares them
    (the guide never names an accepted value by hand, so it cannot contradict the template)."""
    lines = ["Các ô có danh sách chọn chỉ nhận đúng một trong các giá trị dưới đây (chọn trong danh sách "
             "của ô; gõ tay thì phải đúng từng chữ):", ""]
    for template in sorted(CATALOG.values(), key=lambda t: t.section):
        for sheet in template.sheets:
            for field in sheet.fields:
                if field.choices:
                    values = "; ".join(f"«{c}»" for c in field.choices)
                    lines.append(f"- {template.title}, trang «{sheet.name}», cột «{field.label}»: {values}.")
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
    "choices": choice_reference,
    "placeholders": _placeholders,
    "rates": _rates,
    "schema": _schema,
}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)


def render(text: str, names: tuple[str, ...] | None = None, page: str = "README.md") -> str:
    """The text with each named generated block (default: every block) replaced by its current content."""
    for name in names or tuple(BLOCKS):
        pattern = _pattern(name)
        if not pattern.search(text):
            raise ValueError(f"{page}: thiếu khối <!-- {name}:start --> … <!-- {name}:end -->")
        content = BLOCKS[name]()
        text = pattern.sub(lambda m, c=content: m.group(1) + c + m.group(2), text)
    return text


def block(name: str, folder: Path = DOCS) -> str:
    """The current text of one generated block in its page of docs/."""
    page = next(p for p, names in PAGES.items() if name in names)
    text = (folder / page).read_text(encoding="utf-8")
    return _pattern(name).search(text).group(0).split("-->\n", 1)[1].rsplit("<!--", 1)[0]


def main(folder: Path = DOCS) -> int:
    """Refresh every generated block of the guide's pages; say which pages changed."""
    changed = []
    for page, names in PAGES.items():
        path = folder / page
        text = path.read_text(encoding="utf-8")
        new = render(text, names, page)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(page)
    print(f"Đã cập nhật docs/: {', '.join(changed)}." if changed else "Các trang trong docs/ đã đúng, không cần sửa.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

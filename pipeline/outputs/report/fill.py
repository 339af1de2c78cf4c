"""The placeholder engine: find, check and replace ``{{ name }}`` in a Word document.

Two kinds: text placeholders are replaced inside the paragraph, keeping the formatting of the run
where the placeholder starts, even when Word has split it across several runs; block placeholders
must stand alone in their paragraph, which the writer replaces by paragraphs, tables and charts.
Placeholders hold no quotes, so Word's smart quotes cannot break them; values are inserted as text,
so "&" or "<" need no escaping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from docx.document import Document as DocxDocument
from docx.text.paragraph import Paragraph

PATTERN = re.compile(r"\{\{(.*?)\}\}", re.S)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TemplateError(Exception):
    """A problem in the report template or a section's text; the message is Vietnamese and names
    the file and the name."""


def all_paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    def walk(container) -> Iterator[Paragraph]:
        yield from container.paragraphs
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                yield from walk(part)


def clean(raw: str) -> str:
    return raw.replace("\u00a0", " ").strip()


def found(p: Paragraph) -> list[str]:
    """The placeholder names in a paragraph, in order."""
    return [clean(m.group(1)) for m in PATTERN.finditer(p.text)]


def check(doc: DocxDocument, source: str, valid: dict[str, str], block_names: dict[str, str]) -> list[str]:
    """Vietnamese error messages for every unknown, malformed or misplaced placeholder."""
    errors = []
    for p in all_paragraphs(doc):
        text = p.text
        for m in PATTERN.finditer(text):
            name = clean(m.group(1))
            if not NAME.match(name):
                errors.append(f"Mẫu báo cáo {source}: trường «{m.group(0)}» viết sai: tên trường chỉ gồm chữ không dấu, "
                              f"chữ số và dấu gạch dưới, ví dụ {{{{ ten_xa }}}}.")
            elif name not in valid:
                close = difflib.get_close_matches(name, list(valid), n=3, cutoff=0.5)
                hint = f" Có phải là: {', '.join(close)}?" if close else ""
                errors.append(f"Mẫu báo cáo {source}: trường «{{{{ {name} }}}}» không có trong danh sách trường hợp lệ."
                              f"{hint} Danh sách đầy đủ: bảng «Trường trong mẫu báo cáo» của hướng dẫn sử dụng (docs/bao-cao.md).")
            elif name in block_names and clean(text) != m.group(0).strip():
                errors.append(f"Mẫu báo cáo {source}: trường khối «{{{{ {name} }}}}» phải đứng riêng một đoạn "
                              "(không có chữ khác cùng đoạn).")
        if "{{" in PATTERN.sub("", text) or "}}" in PATTERN.sub("", text):
            errors.append(f"Mẫu báo cáo {source}: đoạn «{text[:60]}…» có dấu {{{{ hoặc }}}} không khép kín.")
    return errors


def replace_runs(p: Paragraph, values: dict[str, str]) -> None:
    """Replace text placeholders in a paragraph, merging the runs a placeholder spans."""
    runs = p.runs
    text = "".join(r.text for r in runs)
    for m in reversed(list(PATTERN.finditer(text))):
        name = clean(m.group(1))
        if name not in values:
            continue
        start, end = m.span()
        bounds, pos = [], 0
        for r in runs:
            bounds.append((pos, pos + len(r.text)))
            pos += len(r.text)
        first = next(i for i, (a, b) in enumerate(bounds) if a <= start < b)
        last = next(i for i, (a, b) in enumerate(bounds) if a < end <= b)
        a0, al = bounds[first][0], bounds[last][0]
        if first == last:
            t = runs[first].text
            runs[first].text = t[: start - a0] + values[name] + t[end - a0:]
        else:
            tail = runs[last].text[end - al:]
            runs[first].text = runs[first].text[: start - a0] + values[name]
            for i in range(first + 1, last):
                runs[i].text = ""
            runs[last].text = tail


def remove(p: Paragraph) -> None:
    p._p.getparent().remove(p._p)


def leftover(doc: DocxDocument) -> list[str]:
    """Placeholders still in the document (none may survive into the output)."""
    return [m.group(0) for p in all_paragraphs(doc) for m in PATTERN.finditer(p.text)]

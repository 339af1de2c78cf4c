"""Template versions: recognise a file made from an earlier version and carry its figures over.

Each template declares how its earlier versions differed (Template.history, a Revision per
version with its Changes). From that history the earlier shapes are rebuilt (their sheets,
columns and so their fingerprints), so a file is recognised as "version N of template X" and
read as it was made. When every change since then carries figures over (an optional column
added: blank, i.e. unknown, never 0; a key or label renamed; a column moved; a sheet renamed),
its sheets are mapped into the current shape and the file is accepted with a note; otherwise it
is rejected as «Mẫu cũ», naming the change that prevents it.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

import numpy as np
from openpyxl.utils import get_column_letter

from pipeline.core.model import (
    BLOCKING_CHANGES,
    CARRIED_CHANGES,
    Change,
    Revision,
    Sheet,
    Template,
    fill,
)
from pipeline.topics import CATALOG

if TYPE_CHECKING:
    from pipeline.core.config import Config
    from pipeline.intake.book import SheetData, Workbook

NEXT_TIME = ("Lần sau hãy dùng biểu mẫu mới tải về từ trang nộp biểu mẫu (hoặc do cơ quan thường trực gửi); "
             "không cần gửi lại tệp này.")
OLD_FIX = "Mẫu cũ: hãy tải mẫu mới, chép số liệu sang và gửi lại."


def _older(template: Template, revision: Revision) -> Template:
    """The template as it was just before `revision`."""
    sheets = []
    added = {c.sheet for c in revision.changes if c.kind == "sheet_added"}
    for sheet in (s for s in template.sheets if s.key not in added):
        changes = [c for c in revision.changes if c.sheet == sheet.key]
        name, fields = sheet.name, list(sheet.fields)
        for c in changes:
            if c.kind == "sheet_renamed":
                name = c.old
            elif c.kind == "added":
                fields = [f for f in fields if f.key != c.key]
            elif c.kind == "renamed":
                fields = [dataclasses.replace(f, key=c.old) if f.key == c.key else f for f in fields]
            elif c.kind in ("relabelled", "redefined"):
                fields = [dataclasses.replace(f, label=c.old or f.label, unit=f.unit if c.unit is None else c.unit)
                          if f.key == c.key else f for f in fields]
            elif c.kind == "retyped":
                fields = [dataclasses.replace(f, type=c.old) if f.key == c.key else f for f in fields]
        for c in changes:  # positions last: `after` names an older field
            if c.kind not in ("moved", "removed"):
                continue
            if c.kind == "moved":
                key = old_key(revision, sheet.key, c.key)
                placed = next(f for f in fields if f.key == key)
                fields.remove(placed)
            else:
                assert c.removed is not None
                placed = c.removed
            at = 0 if not c.after else next(i for i, f in enumerate(fields) if f.key == c.after) + 1
            fields.insert(at, placed)
        rows = dict(revision.rows).get(sheet.key, sheet.rows)
        added_rows = sum(c.kind == "row_added" for c in changes)
        if added_rows and rows is not None:  # rows are added after the older fixed rows
            rows = functools.partial(_fewer_rows, rows, added_rows)
        sheets.append(dataclasses.replace(sheet, name=name, fields=tuple(fields), rows=rows))
    renamed = {c.key: c.old for c in revision.changes if c.kind == "renamed"}  # a free list's empty_flag too
    sheets = [dataclasses.replace(s, empty_flag=renamed.get(s.empty_flag, s.empty_flag)) if s.empty_flag else s
              for s in sheets]
    return dataclasses.replace(template, version=revision.version - 1, sheets=tuple(sheets),
                               history=tuple(r for r in template.history if r.version < revision.version))


def _fewer_rows(rows, dropped: int, config: Config) -> list[tuple]:
    """The fixed rows of an older version: the newer ones without the rows added at their end."""
    return rows(config)[:-dropped]


def old_key(revision: Revision, sheet: str, key: str) -> str | None:
    """The key before `revision` of a field that has `key` after it (None: the field was added)."""
    for c in revision.changes:
        if c.sheet == sheet and c.key == key:
            if c.kind == "added":
                return None
            if c.kind == "renamed":
                return c.old
    return key


def shape(template: Template, version: int) -> Template:
    """The template as its `version` looked, rebuilt from its history (KeyError if undeclared)."""
    current = template
    for revision in sorted(template.history, key=lambda r: -r.version):
        if current.version == version:
            break
        if revision.version != current.version:
            raise KeyError(f"{template.id}: no revision {current.version} in the history")
        current = _older(current, revision)
    if current.version != version:
        raise KeyError(f"{template.id}: version {version} is not in the history")
    return current


def shapes(template: Template) -> list[Template]:
    """Every declared earlier version of a template, newest first."""
    return [shape(template, r.version - 1) for r in sorted(template.history, key=lambda r: -r.version)]


@functools.cache
def fingerprints() -> dict[str, Template]:
    """Fingerprint → template as of that version, for every current and declared earlier version."""
    found = {}
    for template in CATALOG.values():
        for version in [template, *shapes(template)]:
            found[version.fingerprint] = version
    return found


def _label(template: Template, version: int, sheet: str, key: str) -> str:
    """A column's header as the given version printed it."""
    return shape(template, version).sheet(sheet).column(key).header


def wording(template: Template, revision: Revision, change: Change, config: Config | None = None) -> str:
    """One change in plain Vietnamese (column headers, never keys; the unit's kind filled in)."""
    before, after = revision.version - 1, revision.version
    if change.kind == "row_added":
        row = fill(change.key, config) if config is not None else change.key
        return f"thêm dòng «{row}» ở trang «{template.sheet(change.sheet).name}» (để trống là chưa có số liệu)"
    if change.kind == "sheet_renamed":
        return f"trang tính «{change.old}» nay là «{template.sheet(change.sheet).name}»"
    if change.kind == "sheet_added":
        kind = "có cột bắt buộc" if blocks(template, change, after) else "để trống là chưa có số liệu"
        return f"thêm trang tính «{template.sheet(change.sheet).name}» ({kind})"
    if change.kind == "removed":
        assert change.removed is not None
        return f"cột «{change.removed.header}» đã bỏ"
    new = shape(template, after).sheet(change.sheet).column(change.key)
    if change.kind == "added":
        kind = "bắt buộc" if blocks(template, change, after) else "không bắt buộc, để trống là chưa có số liệu"
        return f"thêm cột «{new.header}» ({kind})"
    old = _label(template, before, change.sheet, old_key(revision, change.sheet, change.key) or change.key)
    if change.kind in ("renamed", "relabelled"):
        return f"cột «{old}» nay là «{new.header}»"
    if change.kind == "moved":
        return f"cột «{new.header}» đổi vị trí"
    if change.kind == "retyped":
        return f"cột «{old}» đổi kiểu số liệu"
    was = f" (trước đây: {change.why})" if change.why else ""
    named = f" (nay là «{new.header}»)" if new.header != old else ""
    return f"cột «{old}»{named} đã đổi cách tính{was}"


def blocks(template: Template, change: Change, version: int) -> bool:
    """True when the change cannot carry a file's figures over."""
    if change.kind in BLOCKING_CHANGES:
        return True
    if change.kind == "added":  # blank must be a valid answer: optional, and no condition requires it
        sheet = shape(template, version).sheet(change.sheet)
        return sheet.column(change.key).required or any(r.then == change.key and not r.blank for r in sheet.requires)
    if change.kind == "row_added":  # a blank row must be a valid answer
        sheet = shape(template, version).sheet(change.sheet)
        return not sheet.blank_rows and any(f.required for f in sheet.fields)
    if change.kind == "sheet_added":  # a file without the sheet: blank, valid only when nothing there is required
        return any(f.required for f in shape(template, version).sheet(change.sheet).fields)
    assert change.kind in CARRIED_CHANGES, change.kind
    return False


def _revisions(template: Template, version: int) -> list[Revision]:
    return [r for r in sorted(template.history, key=lambda r: r.version) if r.version > version]


def _appended(data: SheetData, sheet: Sheet, config: Config) -> list[tuple]:
    """The fixed rows the current sheet appends to the older one's (a revision's `rows`), when the
    file holds exactly the older rows: they are carried over blank (unknown)."""
    if sheet.rows is None or data.sheet.rows is None or data.sheet.rows is sheet.rows:
        return []
    older, current = data.sheet.rows(config), sheet.rows(config)
    if len(data.cells) != len(older) or current[:len(older)] != older:
        return []
    return current[len(older):]


def _carry_sheet(data: SheetData, sheet: Sheet, revisions: list[Revision], config: Config) -> SheetData:
    """A sheet read in its older shape, as the current sheet: columns by key, added ones blank,
    appended fixed rows blank."""
    older = {c.key: i for i, c in enumerate(data.sheet.columns)}
    extra = _appended(data, sheet, config)
    cells = np.empty((data.cells.shape[0] + len(extra), len(sheet.columns)), dtype=object)
    for i, row in enumerate(extra, data.cells.shape[0]):
        cells[i, :len(row)] = row
    letters, spare = {}, len(data.sheet.columns)
    for j, col in enumerate(sheet.columns):
        key: str | None = col.key
        for revision in reversed(revisions):
            key = old_key(revision, sheet.key, key) if key is not None else None
        if key is not None and key in older:
            cells[:data.cells.shape[0], j] = data.cells[:, older[key]]
            letters[col.key] = data.letters.get(key, get_column_letter(older[key] + 1))
        else:  # not in the file: blank, i.e. unknown
            spare += 1
            letters[col.key] = get_column_letter(spare)
    return dataclasses.replace(data, sheet=sheet, cells=cells, letters=letters)


def carry_over(wb: Workbook, config: Config) -> None:
    """Hook after reading: a file read in an earlier version's shape is mapped into the current
    one with a note, or rejected as «Mẫu cũ» naming the change that prevents it. The configuration
    gives the fixed rows added since (and the unit's kind in the note)."""
    old = wb.template
    if old is None or old.id not in CATALOG or old.version >= CATALOG[old.id].version or wb.recognised_by != "fingerprint":
        return
    current = CATALOG[old.id]
    revisions = _revisions(current, old.version)
    stopping = [wording(current, r, c) for r in revisions for c in r.changes if blocks(current, c, r.version)]
    head = f"tệp dùng biểu «{current.title}» phiên bản {old.version}, phiên bản hiện hành là {current.version}"
    wb.template = current
    if stopping:
        wb.sheets, wb.recognised_by = {}, None
        wb.error(f"Mẫu cũ: {head}; số liệu không chuyển sang mẫu mới được vì: {'; '.join(stopping)}.",
                 OLD_FIX)
        return
    for key, data in list(wb.sheets.items()):
        wb.sheets[key] = _carry_sheet(data, current.sheet(key), revisions, config)
    done = "; ".join(wording(current, r, c, config) for r in revisions for c in r.changes)
    wb.warning(f"Tệp dùng mẫu phiên bản {old.version}; đã chuyển sang phiên bản {current.version}: {done}.",
               NEXT_TIME)


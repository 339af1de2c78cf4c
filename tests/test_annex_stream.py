"""The streamed annex (issue 26: openpyxl write-only, styles declared once) is the annex the
cell-by-cell writer made: every sheet, cell value, number format, font, alignment, border, row
height, column width, table, freeze pane and print setting, on the demo set and on a small city.
The writer as it was is kept as tests/annex_reference.py. The report, whose paragraphs are now
inserted in place, is the same document, part by part, as with the former add-then-move."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from pipeline import build
from pipeline.core import paths
from pipeline.core.config import load
from pipeline.outputs import annex, city, indicators, report
from pipeline.outputs.report import docx_layout
from pipeline.store import warehouse
from tests import annex_reference
from tests.test_city import city_inputs

BUILT = date(2026, 5, 15)


def _cell(c) -> tuple:
    return (c.value, c.number_format, c.font.name, c.font.sz, c.font.b, c.font.color and c.font.color.rgb,
            c.font.u, c.alignment.horizontal, c.alignment.vertical, c.alignment.wrap_text,
            c.border.left.style, c.border.right.style, c.border.top.style, c.border.bottom.style,
            c.hyperlink and (c.hyperlink.target, c.hyperlink.location))


def _sheet(ws) -> dict:
    return {
        "cells": {(c.row, c.column): _cell(c) for row in ws.iter_rows() for c in row
                  if c.value is not None or c.has_style},
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
        "tables": {t.displayName: (t.ref, t.tableStyleInfo.name, [c.name for c in t.tableColumns])
                   for t in ws.tables.values()},
        "freeze": ws.freeze_panes,
        "print": (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth,
                  ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage,
                  ws.page_margins.left, ws.page_margins.top, ws.print_options.horizontalCentered,
                  ws.print_title_rows, ws.print_title_cols, ws.oddHeader.center.text, ws.oddFooter.center.text),
    }


def _same(results, tmp_path) -> int:
    new = annex.write(results, tmp_path / "new.xlsx", BUILT)
    old = annex_reference.write(results, tmp_path / "old.xlsx", BUILT)
    a, b = load_workbook(new), load_workbook(old)
    assert a.sheetnames == b.sheetnames
    cells = 0
    for name in b.sheetnames:
        mine, theirs = _sheet(a[name]), _sheet(b[name])
        for key in theirs:
            assert mine[key] == theirs[key], f"{name}: {key} differs"
        cells += len(theirs["cells"])
    assert (a.properties.title, a.properties.creator, a.properties.language) == \
        (b.properties.title, b.properties.creator, b.properties.language)
    return cells


def _results(outputs, config):
    con = warehouse.connect(outputs, read_only=True)
    try:
        return city.extend(con, indicators.compute(con, config))
    finally:
        con.close()


def test_the_streamed_annex_is_the_annex_on_the_demo_set(demo_build, tmp_path):
    inputs, outputs = demo_build
    results = _results(outputs, load(inputs / paths.CONFIG_NAME))
    assert _same(results, tmp_path) > 1000


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir()
    shutil.copy(paths.CITY_EXAMPLE, inputs / paths.CONFIG_NAME)
    config = load(inputs / paths.CONFIG_NAME)
    city_inputs(inputs, config)
    assert build.run(inputs, outputs) == 0
    return _results(outputs, config)


def test_the_streamed_annex_is_the_annex_on_a_city(small_city, tmp_path):
    assert small_city.city is not None
    assert _same(small_city, tmp_path) > 1000


def _former_paragraph(self, text="", size=None, bold=False, italic=False, align=docx_layout.WD_ALIGN_PARAGRAPH.JUSTIFY,
                      indent=True, style=None):
    """Writer.paragraph as it was: added at the body's end, then moved before the anchor."""
    p = self.doc.add_paragraph(style=style)
    p.alignment = align
    p.paragraph_format.space_after = docx_layout.Pt(6)
    if indent and align == docx_layout.WD_ALIGN_PARAGRAPH.JUSTIFY:
        p.paragraph_format.first_line_indent = docx_layout.Cm(1.0)
    if text:
        docx_layout.run(p, text, size, bold, italic)
    self._place(p._p)
    return p


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name.startswith("word/") and name.endswith(".xml")}


def test_the_report_is_the_same_document(small_city, tmp_path, monkeypatch):
    new = report.render(small_city, {}, tmp_path / "new.docx", built=BUILT)
    monkeypatch.setattr(docx_layout.Writer, "paragraph", _former_paragraph)
    old = report.render(small_city, {}, tmp_path / "old.docx", built=BUILT)
    a, b = _parts(new), _parts(old)
    assert a.keys() == b.keys()
    for name in b:
        assert a[name] == b[name], name

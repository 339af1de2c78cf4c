"""What a clerk prints (issue 24, items 1 and 2): the report's and the annex's tables never break a
word or a number across lines (each cell's words compared with the words LibreOffice prints), each
Phụ lục starts a page, a chart with nothing to draw is one line; every workbook prints on A4 with its
header rows repeated, borders round its tables, titles wrapped whole, and no internal id or command."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline import build, demo
from pipeline.core import paths
from pipeline.core.config import load
from pipeline.outputs import report, templates
from pipeline.outputs.charts import CHARTS
from pipeline.outputs.report.word import NO_FIGURE
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.web import board

NUMBER = re.compile(r"[\d.,%/:+\-−±()\[\]x]+")  # numbers, dates and marks as printed
needs_office = pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                                  reason="LibreOffice or poppler not installed")


@pytest.fixture(scope="module")
def built(demo_build):
    return demo_build[1]


def _pdf(src: Path, out: Path) -> Path:
    profile = f"-env:UserInstallation=file://{out / 'lo_profile'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=300)
    return out / (src.stem + ".pdf")


def _pdf_words(pdf: Path) -> Counter:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    return Counter(html.unescape(w) for w in re.findall(r"<word [^>]*>([^<]*)</word>", out))


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    return [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in text.split("\f")]


def _broken(cells: Counter, body: Counter, everything: Counter, printed: Counter) -> list:
    """Words of table cells the PDF does not print whole: a piece of a cell's word printed as a word
    of its own (the rest on the next line), or a body cell's word printed fewer times than written."""
    pieces = [w for w in printed if w not in everything and not NUMBER.fullmatch(w)
              and any(c != w and (c.startswith(w) or c.endswith(w)) for c in cells)]
    fewer = [(w, everything[w], printed[w]) for w in body if everything[w] > printed[w]]
    return pieces + fewer


def _docx_words(doc) -> tuple[Counter, Counter, Counter]:
    """(words of table cells, of body rows, of the whole document)."""
    def texts(el):
        return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in el.iter(qn("w:p"))]

    everything = Counter(w for t in texts(doc.element.body) for w in t.split())
    for section in doc.sections:
        for part in (section.header, section.first_page_header):
            everything.update(w for t in texts(part._element) for w in t.split())
    cells, body = Counter(), Counter()
    for tr in doc.element.body.iter(qn("w:tr")):
        words = [w for t in texts(tr) for w in t.split()]
        cells.update(words)
        if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None:
            body.update(words)
    return cells, body, everything


@pytest.mark.slow
@needs_office
def test_report_tables_break_no_word_and_each_annex_starts_a_page(built, tmp_path):
    doc = Document(str(built / report.FILE_NAME))
    pdf = _pdf(built / report.FILE_NAME, tmp_path)
    cells, body, everything = _docx_words(doc)
    assert len(cells) > 500
    broken = _broken(cells, body, everything, _pdf_words(pdf))
    assert not broken, broken[:20]
    pages = _pages(pdf)
    annexes = [p.text for p in doc.paragraphs if re.fullmatch(r"Phụ lục số \d{2}", p.text)]
    assert len(annexes) >= 10
    for name in annexes:
        page = next(lines for lines in pages if name in lines)
        assert name in page[:4], (name, page[:6])  # below the page's mark and number only
    headers = [t.rows[0] for t in doc.tables if t.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
    assert len(headers) >= 20
    for row in headers:  # a header row never stands alone at the foot of a page
        assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)


def _cleared(path: Path, out: Path) -> tuple[Path, Counter, Counter, Counter]:
    """A copy of the annex without the lines above each table (their wrapped start repeats clipped
    beside a sheet's repeated first column, which is not a table cell), and its cells' words."""
    wb = load_workbook(path)
    cells, body, everything = Counter(), Counter(), Counter()
    for ws in wb.worksheets:
        header = int(ws.print_title_rows.split(":")[0].lstrip("$")) if ws.print_title_rows else 1
        for merged in [m for m in ws.merged_cells.ranges if m.min_row < header]:
            ws.unmerge_cells(str(merged))
        for row in ws.iter_rows():
            for c in row:
                if c.row < header:
                    c.value = None
                elif isinstance(c.value, str):
                    words = c.value.split()
                    cells.update(words)
                    everything.update(words)
                    if c.row > header:
                        body.update(words)
        for part in (ws.oddHeader.center.text or "", ws.oddFooter.center.text or ""):
            everything.update(part.split())
    copy = out / "phu_luc_in.xlsx"
    wb.save(copy)
    return copy, cells, body, everything


@pytest.mark.slow
@needs_office
def test_annex_tables_break_no_word(built, tmp_path):
    copy, cells, body, everything = _cleared(built / build.ANNEX_NAME, tmp_path)
    pdf = _pdf(copy, tmp_path)
    printed = _pdf_words(pdf)
    broken = _broken(cells, body, everything, printed)
    assert not broken, broken[:20]
    assert not [w for w in printed if "###" in w]  # a number too wide for its column


def test_a_topic_without_figures_gets_one_line_instead_of_a_chart(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs)
    config = load(inputs / paths.CONFIG_NAME)
    for path in demo.write_all(inputs / "don_vi", config, marked=False):
        if path.name.startswith(CATALOG["so_hoa"].file_name):
            path.unlink()  # the archive digitisation figures are not sent
    assert build.run(inputs, outputs) == 0
    doc = Document(str(outputs / report.FILE_NAME))
    lines = [p.text for p in doc.paragraphs if f": {NO_FIGURE} (chưa nhận số liệu của: " in p.text]
    assert len(lines) == 1 and config.unit("VP").name in lines[0], lines
    charts = [p for p in doc.part.package.parts if p.partname.startswith("/word/charts/chart")]
    drawn = [c for c in CHARTS if c.table != "so_hoa_theo_phong"]
    assert len(charts) == len(drawn)
    for part in charts:  # every chart drawn holds figures
        assert re.search(rb"<c:val>.*?<c:v>-?\d", part.blob, re.S), part.partname


def _readable_cells(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


INTERNAL = re.compile(r"\bsoket\b|\b(" + "|".join(map(re.escape, CATALOG)) + r")\b")


def _prints(ws, header_row: int, columns: int, portrait_ok: bool = True) -> None:
    assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
    assert ws.page_setup.orientation in (("portrait", "landscape") if portrait_ok else ("landscape",)), ws.title
    assert ws.print_title_rows == f"${header_row}:${header_row}" or ws.print_title_rows.startswith(f"${header_row}:"), \
        (ws.title, ws.print_title_rows)
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
    else:
        assert ws.print_title_cols, ws.title  # printed over pages: its first column repeats
    for c in range(1, columns + 1):
        for r in (header_row, header_row + 1):
            cell = ws.cell(r, c)
            assert cell.border.left.style and cell.border.bottom.style, (ws.title, cell.coordinate)
    bad = [t for t in _readable_cells(ws) if INTERNAL.search(t)]
    assert not bad, (ws.title, bad[:3])


def test_annex_prints_with_borders_and_no_command(built):
    wb = load_workbook(built / build.ANNEX_NAME)
    for ws in wb.worksheets[2:]:  # the notes, each table and the sources
        header = int(ws.print_title_rows.split(":")[0].lstrip("$"))
        _prints(ws, header, ws.max_column, portrait_ok=False)
    sources = wb.worksheets[-1]
    assert "Nguồn gốc số liệu" in sources["A2"].value


def test_board_feedback_and_summary_workbooks_print(tmp_path):
    from tests.test_kind import kind_config
    from tests.web_util import broken_bytes

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = load(kind_config(inputs, "phường", "Thành Sen"))
    bad, _ = broken_bytes(config, "VP", config.unit("VP").templates[0])
    (inputs / "don_vi").mkdir()
    (inputs / "don_vi" / "sai.xlsx").write_bytes(bad)
    assert build.run(inputs, outputs) == 0
    con = warehouse.connect(outputs, read_only=True)
    try:
        found = con.execute("select * from submissions").df().to_dict("records")
    finally:
        con.close()
    path = board.write_workbook(outputs / board.WORKBOOK_NAME, config, board.rows(config, found, datetime.now()),
                                datetime.now())
    wb = load_workbook(path)
    for ws in wb.worksheets:
        _prints(ws, 4, 4)
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert "Mã biểu" not in [c.value for c in wb.worksheets[0][4]]
    feedback = next((outputs / "validation").rglob(paths.FEEDBACK_REPORT))
    ws = load_workbook(feedback).active
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "STT")
    _prints(ws, header, 8)
    labels = {str(m) for m in ws.merged_cells.ranges}
    assert "A1:C1" in labels  # the file's details are not cut by a narrow first column
    summary = load_workbook(outputs / "validation" / "tong_hop_kiem_tra.xlsx").active
    _prints(summary, 1, 10)


def test_blank_templates_print_their_whole_title(tmp_path, config):
    """The title row is as tall as its wrapped lines, measured with the font (the TTHC title took
    three lines where two were given, and its end was cut off when printed)."""
    from pipeline.core import fonts, printing

    for template in CATALOG.values():
        unit = config.owners(template.id)[0]
        wb = templates.workbook(template, unit, config)
        for sheet in template.sheets:
            ws = wb[sheet.name]
            cell = ws.cell(1, 1)
            merged = next((m for m in ws.merged_cells.ranges if m.min_row == 1 and m.min_col == 1), None)
            span = merged.max_col if merged else 1
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, span + 1))
            lines = fonts.lines(cell.value, printing.width_cm(width), cell.font.sz, True)
            assert (ws.row_dimensions[1].height or 15) >= lines * cell.font.sz * 1.15, (template.id, sheet.name)
            assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows


def test_a_table_too_wide_for_portrait_gets_landscape_pages_of_its_own(built, config, tmp_path):
    """All of the staffing table's columns do not fit the portrait text width unbroken: the table and
    its caption go to a landscape section, the text after it returns to portrait."""
    from pipeline.core.kit import TableBlock
    from pipeline.outputs import indicators
    from pipeline.outputs.annex import visible_columns
    from pipeline.outputs.report import docx_layout as lay
    from pipeline.outputs.report import word

    con = warehouse.connect(built, read_only=True)
    try:
        results = indicators.compute(con, config)
    finally:
        con.close()
    t = results.tables["nhan_su_theo_co_quan"]
    doc = Document(str(report.DEFAULT_TEMPLATE))
    anchor = next(p for p in doc.paragraphs if "muc_II_3" in p.text)
    body = doc.sections[-1]
    w = lay.Writer(doc, anchor, {}, (body.page_width - body.left_margin - body.right_margin) / 360000)
    keys = [c.key for c in visible_columns(t)]
    narrow = [keys[0], keys[1]]
    assert w.fits(t, narrow, None) and not w.fits(t, keys, None)
    assert word._tables(doc, w, [TableBlock(t, narrow, None, "hẹp"), TableBlock(t, keys, None, "rộng")], 0) == 2
    path = tmp_path / "rong.docx"
    doc.save(str(path))
    doc = Document(str(path))
    orientation = [s.orientation for s in doc.sections]
    assert [o.name for o in orientation] == ["PORTRAIT", "LANDSCAPE", "PORTRAIT"]
    body = doc.element.body
    order = list(body.iterchildren())
    breaks = [p for p in order if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    wide_table = next(t._tbl for t in doc.tables if len(t.columns) == len(keys))
    assert order.index(breaks[0]) < order.index(wide_table) < order.index(breaks[1])  # inside the landscape section

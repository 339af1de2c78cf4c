"""Word layout helpers for the report (Nghị định 30/2020/NĐ-CP): runs, borders, short rules under
the header block, page numbers centred in the top margin from page 2, heading and caption styles
with keep-with-next, table rows that never split, and the writer that inserts generated content.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from pipeline.outputs.report import fit

FONT = "Times New Roman"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}  # I, II, III / 1., 2. … / sub-items
CAPTION = "Caption"
MIN_TABLE_SIZE = 8  # a wide annex table is set smaller rather than break its words, down to this
TABLE_SIZE = 11  # body tables: legible beside a 14 pt body (Nghị định 30 allows 12–14 pt; tables smaller)


def run(p: Paragraph, text: str, size: float | None = None, bold: bool = False, italic: bool = False,
        font: str | None = None):
    """A run; only what differs from the paragraph style is written (keeps big tables fast)."""
    r = p.add_run(text)
    if font:
        r.font.name = font
    if bold:
        r.bold = True
    if italic:
        r.italic = True
    if size:
        r.font.size = Pt(size)
    return r


def borders(table: DocxTable, visible: bool = True) -> None:
    """Thin black borders on every edge, or none (header and signature blocks)."""
    tbl_pr = table._tbl.tblPr
    el_borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        el_borders.append(el)
    tbl_pr.insert_element_before(el_borders, *TBL_PR_AFTER_BORDERS)  # schema order: before tblLook


TBL_PR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                        "w:tblPrChange")


def repeat_header(row) -> None:
    """The row repeats at the top of each page the table runs on (written as Word writes it)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def keep_row(row) -> None:
    """The row is never split across pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def widths(table: DocxTable, values: list) -> None:
    table.autofit = False
    for column, width in zip(table.columns, values, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


WORD_MODE = "15"  # Word 2013 and later: the document does not open in Compatibility Mode
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def current_format(doc: DocxDocument) -> None:
    """Saved as a current Word document: compatibility mode 15 (python-docx's blank document says
    14, Word 2010), without Word 2010's stylesWithEffects copy of the styles, which no longer
    matches them (later Word versions neither need nor write it), and every table's properties in
    the schema's order (a commune's own template may have been written by an older version)."""
    for tbl_pr in doc.element.body.iter(qn("w:tblPr")):
        found = tbl_pr.find(qn("w:tblBorders"))
        if found is not None:
            tbl_pr.remove(found)
            tbl_pr.insert_element_before(found, *TBL_PR_AFTER_BORDERS)
    for header in doc.element.body.iter(qn("w:tblHeader")):
        if header.get(qn("w:val")) in ("true", "1", "on"):
            header.attrib.pop(qn("w:val"))
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.insert_element_before(compat, *SETTINGS_AFTER_COMPAT)
    mode = next((c for c in compat.findall(qn("w:compatSetting"))
                 if c.get(qn("w:name")) == "compatibilityMode"), None)
    if mode is None:
        mode = OxmlElement("w:compatSetting")
        for k, v in (("w:name", "compatibilityMode"), ("w:uri", "http://schemas.microsoft.com/office/word")):
            mode.set(qn(k), v)
        compat.append(mode)
    mode.set(qn("w:val"), WORD_MODE)
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            doc.part.drop_rel(r_id)


SETTINGS_AFTER_COMPAT = ("w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
                         "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
                         "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
                         "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                         "w:listSeparator")


def rule(cell, length_cm: float, cell_cm: float) -> Paragraph:
    """A short centred line (Nghị định 30: under the issuing body and under the motto): an empty
    paragraph with a top border, indented so that the line is length_cm long."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = Cm(max(0.0, (cell_cm - length_cm) / 2))
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(4)
    p_pr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(k), v)
    bdr.append(top)
    # schema order: pBdr comes before spacing/ind/jc
    anchor = next((c for c in p_pr if c.tag in (qn("w:spacing"), qn("w:ind"), qn("w:jc"))), None)
    if anchor is not None:
        anchor.addprevious(bdr)
    else:
        p_pr.append(bdr)
    return p


def cell_lines(cell, lines: list[tuple[str, float, bool, bool]], align=WD_ALIGN_PARAGRAPH.CENTER,
               rule_after: dict[int, float] | None = None, cell_cm: float = 0) -> None:
    """Lines of (text, size, bold, italic); rule_after: line index → length of a short rule under it."""
    first = True
    for index, (text, size, bold, italic) in enumerate(lines):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        if text:
            run(p, text, size, bold, italic, FONT)
        if rule_after and index in rule_after:
            rule(cell, rule_after[index], cell_cm)


def _field(p: Paragraph, code: str, size: float) -> None:
    """A Word field (PAGE) in its own runs: begin, instruction, separator, shown value, end."""
    def add(kind: str | None = None, instr: str | None = None, text: str | None = None) -> None:
        r = run(p, "", size, font=FONT)
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        if text:
            r.text = text

    add("begin"), add(instr=f" {code} "), add("separate"), add(text="2"), add("end")


def page_numbers(section, mark: str = "", size: float = 13) -> None:
    """Page number centred in the top margin from page 2 (the first page has none); mark (the demo
    stamp placeholder) is printed on every page above the number."""
    section.different_first_page_header_footer = True
    for part in (section.first_page_header, section.header):
        part.is_linked_to_previous = False
        p = part.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if mark:
            r = run(p, mark, 11, bold=True, font=FONT)
            r.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    p = section.header.add_paragraph() if mark else section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(p, "PAGE", size)


def styles(doc: DocxDocument) -> None:
    """Heading 1–3 and Caption in the body font, black, keep-with-next (navigation pane and TOC)."""
    for level, name in HEADINGS.items():
        s = doc.styles[name]
        s.font.name, s.font.size, s.font.bold, s.font.italic = FONT, Pt(14), True, level == 3
        s.font.color.rgb = RGBColor(0, 0, 0)
        s.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            s.element.rPr.rFonts.attrib.pop(qn(attr), None)
        f = s.paragraph_format
        f.space_before, f.space_after, f.keep_with_next = Pt(6), Pt(6), True
        f.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    c = doc.styles[CAPTION]
    c.font.name, c.font.size, c.font.bold, c.font.italic = FONT, Pt(12), True, False
    c.font.color.rgb = RGBColor(0, 0, 0)
    c.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    c.paragraph_format.keep_with_next = True
    c.paragraph_format.space_before, c.paragraph_format.space_after = Pt(6), Pt(6)


def heading_level(text: str) -> int | None:
    """The heading level of a template line: «I. …»/«II. …» → 1, «1. …» → 2, «a) …» → 3."""
    head = text.strip().split(" ", 1)[0]
    if head.rstrip(".") and set(head.rstrip(".")) <= set("IVX") and head.endswith("."):
        return 1
    if head.endswith(".") and head[:-1].isdigit():
        return 2
    if len(head) == 2 and head[1] == ")" and head[0].isalpha():
        return 3
    return None


def gap(p: Paragraph, text: str, size: float = 14) -> None:
    """A visibly marked gap for the writer: bold, highlighted in yellow."""
    r = run(p, text, size, bold=True, font=FONT)
    r.font.highlight_color = WD_COLOR_INDEX.YELLOW


class Writer:
    """Inserts generated content before an anchor paragraph."""

    def __init__(self, doc: DocxDocument, anchor: Paragraph, charts: dict[str, Path], width_cm: float):
        self.doc, self.anchor, self.charts, self.width = doc, anchor, charts, width_cm

    def _place(self, element) -> None:
        self.anchor._p.addprevious(element)

    def paragraph(self, text: str = "", size: float | None = None, bold: bool = False, italic: bool = False,
                  align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, style: str | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=style)
        p.alignment = align
        fmt = p.paragraph_format
        fmt.space_after = Pt(6)
        if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
            fmt.first_line_indent = Cm(1.0)
        if text:
            run(p, text, size, bold, italic)
        self._place(p._p)
        return p

    def _plan(self, t, keys: list[str], rows: list[int] | None, size: float):
        """(columns, rows, total rows, the columns' (narrowest, widest) widths in cm); columns whose
        every printed cell is «[z]» are left out (the note under the table explains the mark once)."""
        rows = rows if rows is not None else list(range(len(t.frame)))
        cols = [next(c for c in t.columns if c.key == k) for k in keys]
        cols = [c for c in cols if not rows or any(t.text(i, c.key) != "[z]" for i in rows)]
        totals = {n for n, i in enumerate(rows) if str(t.value(i, cols[0].key)) == "Cộng" or (
            cols[0].key == "nam" and "ma" in t.frame.columns and str(t.value(i, "ma") or "").count(".") == 0)}
        needs = [fit.needs(c.header, [t.text(i, c.key) for i in rows], c.kind != "text", size, totals)
                 for c in cols]
        return cols, rows, totals, needs

    def fits(self, t, keys: list[str], rows: list[int] | None, size: float = TABLE_SIZE) -> bool:
        """Whether the table fits the text width without breaking a word or a number."""
        return fit.fits(self._plan(t, keys, rows, size)[3], self.width)

    def table(self, t, keys: list[str], rows: list[int] | None, size: float = TABLE_SIZE) -> None:
        """t: an indicators.Table. Column widths from the cells' printed lengths (`fit`): a header
        wraps only at spaces, a number or a mark never; rows never split; the header row repeats on
        every page and keeps with the first row. A table too wide even so (landscape) is set smaller,
        down to MIN_TABLE_SIZE."""
        cols, rows, totals, needs = self._plan(t, keys, rows, size)
        while not fit.fits(needs, self.width) and size > MIN_TABLE_SIZE:
            size -= 0.5
            cols, rows, totals, needs = self._plan(t, keys, rows, size)
        table = self.doc.add_table(rows=1 + len(rows), cols=len(cols))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        borders(table)
        sizes = [Cm(w) for w in fit.widths(needs, self.width)]
        for column, width in zip(table.columns, sizes, strict=True):
            column.width = width
        all_rows = table.rows
        for j, cell in enumerate(all_rows[0].cells):
            cell.width = sizes[j]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.keep_with_next = True  # never alone at the foot of a page
            run(p, cols[j].header, size, bold=True)
        repeat_header(all_rows[0])
        for n, (i, row) in enumerate(zip(rows, all_rows[1:], strict=True)):
            keep_row(row)
            for j, cell in enumerate(row.cells):
                c = cols[j]
                cell.width = sizes[j]
                p = cell.paragraphs[0]
                p.alignment = (WD_ALIGN_PARAGRAPH.LEFT if c.kind == "text" and not t.mark(i, c)
                               else WD_ALIGN_PARAGRAPH.RIGHT)
                run(p, t.text(i, c.key), size, bold=n in totals)
        keep_row(all_rows[0])
        self._place(table._tbl)
        source = f"Nguồn: {t.query.template.title}."
        self.paragraph(" ".join([source, *t.notes]), size=11, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)

    def picture(self, name: str) -> None:
        p = self.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        p.paragraph_format.keep_with_next = True  # the caption below stays with its chart
        p.add_run().add_picture(str(self.charts[name]), width=Cm(min(self.width, 16)))

    def caption(self, text: str, before: bool = True) -> Paragraph:
        """A caption; one above a table keeps with it (one below a chart does not need to)."""
        p = self.paragraph(text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, style=CAPTION)
        p.paragraph_format.keep_with_next = before
        return p


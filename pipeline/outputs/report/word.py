"""Writing the report: fill the Word template (only read, never modified) with the general values,
each section's content and the annex, and save it atomically."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from pipeline.core import atomic, paths, vn
from pipeline.core.layout import DEMO_MARK
from pipeline.outputs import city
from pipeline.outputs.annex import visible_columns
from pipeline.outputs.charts import CHARTS, SIZE
from pipeline.outputs.indicators import Results
from pipeline.outputs.report import chart_xml, fill
from pipeline.outputs.report import docx_layout as lay
from pipeline.outputs.report.default import DEFAULT_TEMPLATE
from pipeline.outputs.report.fill import TemplateError
from pipeline.outputs.report.names import ANNEX_BLOCK, blocks, general_values, placeholders
from pipeline.outputs.report.sections import SECTIONS, annex_ref, content, contributed

COMMUNE_TEMPLATE = paths.COMMUNE_TEMPLATE
NO_FIGURE = "chưa có số liệu"  # a chart with nothing to draw is this one line


def check(doc: DocxDocument, source: str) -> list[str]:
    """Vietnamese error messages for every unknown, malformed or misplaced placeholder."""
    return fill.check(doc, source, placeholders(), blocks())


def _landscape_from(doc: DocxDocument, anchor: Paragraph) -> None:
    """End the current (portrait) section just before anchor; what follows is landscape A4."""
    body_sect = doc.sections[-1]._sectPr
    p = anchor.insert_paragraph_before()
    p_pr = p._p.get_or_add_pPr()
    p_pr.append(copy.deepcopy(body_sect))
    last = doc.sections[-1]
    last.different_first_page_header_footer = False  # the annex's first page is numbered too
    if last.orientation != WD_ORIENT.LANDSCAPE:
        last.orientation = WD_ORIENT.LANDSCAPE
        last.page_width, last.page_height = last.page_height, last.page_width


def _break(doc: DocxDocument, anchor: Paragraph, landscape: bool) -> None:
    """End a section just before anchor: what comes before it back to the previous break is printed
    in that orientation (A4), what follows takes the document's last section's (portrait in the body)."""
    body_sect = doc.sections[-1]._sectPr
    sect = copy.deepcopy(body_sect)
    anchor.insert_paragraph_before()._p.get_or_add_pPr().append(sect)
    section = next(s for s in doc.sections if s._sectPr is sect)
    if (section.orientation == WD_ORIENT.LANDSCAPE) != landscape:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = section.page_height, section.page_width


def _tables(doc: DocxDocument, w: lay.Writer, tables, number: int) -> int:
    """A section's tables, each under its caption; a table too wide for the portrait text width
    (its words and numbers unbroken) is printed on landscape pages of its own section."""
    portrait = w.width
    for block in tables:
        wide = not w.fits(block.table, block.columns, block.rows)
        if wide:
            _break(doc, w.anchor, landscape=False)
            body = doc.sections[-1]  # portrait: its height is the landscape page's width
            w.width = (body.page_height - body.left_margin - body.right_margin) / 360000
        number += 1
        w.caption(f"Bảng {number}. {block.caption}")
        w.table(block.table, block.columns, block.rows)
        if wide:
            _break(doc, w.anchor, landscape=True)
            w.width = portrait
    return number


def attached(built: date) -> str:
    """The annex line under each annex title (Nghị định 30): number and day left for the clerk."""
    return f"(Kèm theo Báo cáo số        /BC-UBND ngày      /{built.month:02d}/{built.year})"


def _block(w: lay.Writer, kind: str, text: str) -> None:
    """A contributed block: a sub-heading (bold italic, kept with what follows), a paragraph, a list
    item («- »), or a marked gap for the writer."""
    if kind == "heading":
        w.paragraph(text, bold=True, italic=True).paragraph_format.keep_with_next = True
    elif kind == "bullet":
        w.paragraph(f"- {text}")
    elif kind == "gap":
        lay.gap(w.paragraph(), text)
    else:
        w.paragraph(text)


def _annex(writer: lay.Writer, results: Results, built: date) -> None:
    shown = {name: t for name, t in results.tables.items() if t.query.in_word}  # the rest: workbook only
    for name, t in shown.items():
        p = writer.paragraph(annex_ref(results, name), size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                             indent=False, style=lay.HEADINGS[1])
        p.paragraph_format.page_break_before = name != next(iter(shown))  # the first follows a section break
        title = writer.paragraph(vn.upper(t.query.title), size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                                 indent=False)
        title.paragraph_format.keep_with_next = True
        line = writer.paragraph(f"{attached(built)[:-1]} của Ủy ban nhân dân {results.config.full_name})",
                                size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        line.paragraph_format.keep_with_next = True
        if results.demo:
            writer.paragraph(DEMO_MARK, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
                             indent=False).paragraph_format.keep_with_next = True
        writer.table(t, [c.key for c in visible_columns(t)], None, size=10)
        if t.query.note:
            writer.paragraph(f"Ghi chú: {t.query.note}", size=11, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def _heading_styles(doc: DocxDocument) -> None:
    """A commune's own template often has its headings as bold «Normal» paragraphs: give those that
    read like «I. …», «1. …», «a) …» the Heading style of their level (navigation pane, TOC)."""
    lay.styles(doc)
    for p in doc.paragraphs:
        level = lay.heading_level(p.text)
        runs = [r for r in p.runs if r.text.strip()]
        if level and p.style.name == "Normal" and runs and all(r.bold for r in runs) and len(p.text) < 200:
            p.style = doc.styles[lay.HEADINGS[level]]


def _no_figure(w: lay.Writer, chart, caption: str, results: Results) -> None:
    """The one line printed instead of a chart with nothing to draw, naming who has still to send."""
    t = results.tables.get(chart.table)
    who = f" (chưa nhận số liệu của: {'; '.join(u.name for u in t.missing)})" if t is not None and t.missing else ""
    w.paragraph(f"{caption}: {NO_FIGURE}{who}.", italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)


def _declared() -> dict:
    return {c.name: c for c in (*CHARTS, city.CHART)}  # the topics' charts and the city's distribution


def _chart(w: lay.Writer, name: str, results: Results) -> None:
    """A chart as the configuration says ([report] charts): a native Word chart (default), or its PNG."""
    if results.config.charts == "picture":
        w.picture(name)
        return
    p = w.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    p.paragraph_format.keep_with_next = True  # the caption below stays with its chart
    width = Cm(min(w.width, 16))
    chart_xml.insert(p.add_run(), _declared()[name], results, width,
                     int(width * SIZE[1] / SIZE[0]))


def template_path(inputs_dir: Path | None) -> Path:
    """The commune's own template when inputs/ holds one, else the default."""
    own = Path(inputs_dir) / COMMUNE_TEMPLATE if inputs_dir else None
    return own if own and own.exists() else DEFAULT_TEMPLATE


def render(results: Results, charts: dict[str, Path], out_path: Path, template: Path | None = None,
           built: date | None = None, texts_dir: Path | None = None) -> Path:
    """Fill the template (never modified: it is only read) and save the report to out_path.
    texts_dir: a folder of edited section texts (<topic id>/section.vi.j2) used instead of the topics'."""
    template = template or DEFAULT_TEMPLATE
    built = built or date.today()
    doc = Document(str(template))
    errors = check(doc, template.name)
    if errors:
        raise TemplateError("\n".join(errors))

    values = general_values(results, built)
    extra = contributed(results)
    contents = {s.block: content(s, results, values, texts_dir, extra) for s in SECTIONS}
    for c in contents.values():
        values |= c.values
    values |= {name: vn.GAP for s in SECTIONS for name in s.placeholders if name not in values}

    width = (doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin) / 360000
    figure = table_no = 0
    for p in list(fill.all_paragraphs(doc)):
        found = fill.found(p)
        if len(found) == 1 and found[0] in blocks():
            name = found[0]
            if name == ANNEX_BLOCK:
                _landscape_from(doc, p)
                land = doc.sections[-1]
                w = lay.Writer(doc, p, charts, (land.page_width - land.left_margin - land.right_margin) / 360000)
                _annex(w, results, built)
            else:
                w = lay.Writer(doc, p, charts, width)
                c = contents[name]
                for text in c.paragraphs:
                    w.paragraph(text)
                for text in c.gaps:
                    lay.gap(w.paragraph(), text)
                table_no = _tables(doc, w, c.tables, table_no)
                for chart, caption in c.charts:
                    if not chart_xml.drawable(_declared()[chart], results):
                        _no_figure(w, _declared()[chart], caption, results)
                        continue
                    figure += 1
                    _chart(w, chart, results)
                    w.caption(f"Biểu đồ {figure}. {caption}", before=False)
                for kind, text in c.after:
                    _block(w, kind, text)
            fill.remove(p)
        elif found:
            fill.replace_runs(p, values)
            if not p.text.strip() and not p._p.xpath(".//w:drawing") and p._p.getparent().tag == qn("w:body"):
                fill.remove(p)
    for section in doc.sections[1:]:  # only the first page of the report goes without its number
        section.different_first_page_header_footer = False
    _heading_styles(doc)
    left = fill.leftover(doc)
    if left:
        raise TemplateError(f"Mẫu báo cáo {template.name}: còn trường chưa điền: {', '.join(left)}.")
    doc.core_properties.title = f"Báo cáo sơ kết 01 năm – {results.config.full_name}"
    lay.current_format(doc)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    return atomic.save(doc, out_path)

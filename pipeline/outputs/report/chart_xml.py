"""Native Word charts: any declared chart (`pipeline.core.chart_model`) as a DrawingML chart part
(word/charts/chartN.xml) with its embedded workbook (word/embeddings/*.xlsx), referenced from an
inline drawing, as Word's Insert › Chart makes: the officer restyles it and edits its data in Word.

python-pptx writes both parts (its chart XML writer and workbook writer); python-docx adds them to
the package. The categories, legends, palette and notes are those of the PNG engine
(`pipeline.outputs.charts`), so a chart reads the same either way: black and white (grey fills,
hatch patterns, dashes and markers), Times New Roman, value axis and labels in thousands-grouped
format codes («#,##0», which Word prints with the reader's separators: 1.234,5 on a Vietnamese
system). An unknown value is an empty cell and no point (a gap), never 0.

Kinds: BARS → columns (stacked when every series shares one stack); HBARS → horizontal bars
(stacked likewise, drawn over one another when `overlay`, panels as a two-level category axis:
«Năm 2025» › its lines); LINES → lines with markers; PARTS → one stacked horizontal bar.
A chart whose stacks differ (a stack beside a single bar) is drawn as grouped bars. A note is
written beside a bar standing alone (not yet at the end of a stack).
"""

from __future__ import annotations

from docx.opc.part import Part, XmlPart
from docx.oxml import parse_xml as docx_xml
from docx.oxml.ns import nsdecls
from lxml import etree
from pptx.chart.chart import Chart as Drawing
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE as XL
from pptx.enum.chart import XL_LABEL_POSITION as AT
from pptx.enum.chart import XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE as DASH
from pptx.enum.dml import MSO_PATTERN
from pptx.oxml import parse_xml
from pptx.util import Pt

from pipeline.core import vn
from pipeline.core.chart_model import BARS, HBARS, LINES, PARTS, Chart
from pipeline.core.layout import DEMO_MARK
from pipeline.outputs import charts
from pipeline.outputs.indicators import Results, Table

FONT = "Times New Roman"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_REL, PACKAGE_REL = f"{R}/chart", f"{R}/package"
CHART_NAME, BOOK_NAME = "/word/charts/chart%d.xml", "/word/embeddings/Microsoft_Excel_Sheet%d.xlsx"
# The PNG engine's hatches as DrawingML patterns (black lines on the series' grey).
PATTERNS = {"////": MSO_PATTERN.WIDE_UPWARD_DIAGONAL, "//": MSO_PATTERN.LIGHT_UPWARD_DIAGONAL,
            "\\\\": MSO_PATTERN.WIDE_DOWNWARD_DIAGONAL, "....": MSO_PATTERN.PERCENT_20,
            "xx": MSO_PATTERN.DIAGONAL_CROSS}
DASHES = {"-": DASH.SOLID, "--": DASH.DASH, ":": DASH.ROUND_DOT, "-.": DASH.DASH_DOT}
MARKERS = {"o": XL_MARKER_STYLE.CIRCLE, "s": XL_MARKER_STYLE.SQUARE, "^": XL_MARKER_STYLE.TRIANGLE,
           "D": XL_MARKER_STYLE.DIAMOND}
BLACK, GRID = RGBColor(0, 0, 0), RGBColor(0xD9, 0xD9, 0xD9)


def grey(level: str) -> RGBColor:
    """A matplotlib grey ("0.25", "white", "black") as its RGB colour."""
    value = {"white": 1.0, "black": 0.0}.get(level)
    v = round(255 * (float(level) if value is None else value))
    return RGBColor(v, v, v)


def number_format(decimals: int, percent: bool = False) -> str:
    """An Excel format code: thousands grouped, `decimals` decimals; percentages (0–100) with «%»."""
    digits = "0." + "0" * decimals if decimals else "0"
    return f'{digits}"%"' if percent else "#,##" + digits


def _value(t: Table, i: int, key: str) -> float | None:
    v = t.value(i, key)
    return None if v is None else float(v)


def drawable(chart: Chart, results: Results) -> bool:
    """Whether the chart has a figure to draw: a table with a unit still to send, or no figure of
    its series at all, would be an empty chart (the report prints one line instead)."""
    t = results.tables.get(chart.table)
    if t is None or t.missing or not len(t.frame):
        return False
    rows = [0] if chart.kind == PARTS else charts.data_rows(t)
    return any(_value(t, i, s.key) is not None for s in chart.series for i in rows)


def _stacked(chart: Chart) -> bool:
    """Every series in one stack: the bars are stacked (else grouped side by side)."""
    return chart.kind == PARTS or (len(chart.series) > 1 and len({s.stack for s in chart.series}) == 1
                                   and bool(chart.series[0].stack))


def _kind(chart: Chart):
    if chart.kind == LINES:
        return XL.LINE_MARKERS
    if chart.kind == BARS:
        return XL.COLUMN_STACKED if _stacked(chart) else XL.COLUMN_CLUSTERED
    return XL.BAR_STACKED if _stacked(chart) else XL.BAR_CLUSTERED


def _rows(chart: Chart, t: Table, labels: dict[str, str], data: CategoryChartData) -> list[int]:
    """The table rows drawn, in order; their categories written into data (panels: two levels)."""
    if chart.kind == PARTS:
        data.categories = [""]
        return [0] if len(t.frame) else []
    rows = charts.data_rows(t)
    if not chart.panels:
        rows, names = charts.categories(t, chart, rows, labels)
        data.categories = names
        return rows
    out = []
    for panel in sorted({t.value(i, chart.panels) for i in rows} - {None}):
        mine, names = charts.categories(t, chart, [i for i in rows if t.value(i, chart.panels) == panel], labels)
        outer = data.add_category(chart.panel_title.format(panel))
        for name in names:
            outer.add_sub_category(name)
        out += mine
    return out


def _fill(fill, level: str, hatch: str) -> None:
    if hatch:
        fill.patterned()
        fill.pattern = PATTERNS.get(hatch, MSO_PATTERN.WIDE_UPWARD_DIAGONAL)
        fill.fore_color.rgb, fill.back_color.rgb = BLACK, grey(level)
    else:
        fill.solid()
        fill.fore_color.rgb = grey(level)


def _font(font, size: float, bold: bool = False) -> None:
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = BLACK


def _labels(ser, text: dict[int, str], position) -> None:
    """Data labels: each point's value, or the given texts (a series' notes) at those points."""
    labels = ser.data_labels
    _font(labels.font, charts.NOTE_SIZE)
    labels.position = position
    for k, note in text.items():
        label = ser.points[k].data_label
        label.position = position
        label.text_frame.text = note
        _font(label.text_frame.paragraphs[0].runs[0].font, charts.NOTE_SIZE)


def _series(drawing: Drawing, chart: Chart, t: Table, rows: list[int]) -> None:
    plot = drawing.plots[0]
    plot.vary_by_categories = False
    stacked = _stacked(chart)
    if chart.kind in (BARS, HBARS, PARTS):
        plot.gap_width = 40 if chart.kind == PARTS else 60
        plot.overlap = 100 if stacked or chart.overlay else 0
    for k, (s, ser) in enumerate(zip(chart.series, plot.series, strict=True)):
        if chart.kind == LINES:
            colour, marker, style = charts.STROKES[k % len(charts.STROKES)]
            ser.smooth = False
            line = ser.format.line
            line.color.rgb, line.width, line.dash_style = grey(colour), Pt(1.75 if k == 0 else 1.5), DASHES[style]
            ser.marker.style, ser.marker.size = MARKERS[marker], 6
            ser.marker.format.fill.solid()
            ser.marker.format.fill.fore_color.rgb = grey(colour)
            ser.marker.format.line.color.rgb = grey(colour)
        else:
            ser.invert_if_negative = False
            _fill(ser.format.fill, *charts.look(chart, s))
            ser.format.line.color.rgb, ser.format.line.width = BLACK, Pt(0.5)
            if chart.vary:
                for j in range(len(rows)):
                    point = ser.points[j].format
                    _fill(point.fill, *charts.VARIED[j % len(charts.VARIED)])
                    point.line.color.rgb, point.line.width = BLACK, Pt(0.5)
        alone = _alone(chart, s)
        notes = {j: charts.note_text(s.note, t, i, _value(t, i, s.key) or 0) for j, i in enumerate(rows)
                 if s.note and alone and not t.missing and _value(t, i, s.key) is not None}
        if s.values is not None or notes:
            where = AT.ABOVE if chart.kind == LINES else AT.CENTER if stacked else AT.OUTSIDE_END
            _labels(ser, notes, AT.OUTSIDE_END if notes else where)
            labels = ser.data_labels
            labels.show_value = s.values is not None
            labels.number_format = number_format(s.values or 0, chart.percent and chart.kind == LINES)
            labels.number_format_is_linked = False
            for label in [labels._element, *labels._element.findall(f"{{{C}}}dLbl")]:
                _on_white(label)
            for j, i in enumerate(rows):  # no «0» printed on a bar of nothing (as the PNG)
                if s.values is not None and j not in notes and _value(t, i, s.key) == 0:
                    _no_label(ser, j)


def _on_white(label) -> None:
    """A label (c:dLbls or c:dLbl) on white: read on any grey or hatch it crosses (as the PNG's)."""
    anchor = next(c for c in label if c.tag in (f"{{{C}}}txPr", f"{{{C}}}dLblPos", f"{{{C}}}showLegendKey"))
    anchor.addprevious(etree.fromstring(f'<c:spPr xmlns:c="{C}" xmlns:a="{A}"><a:solidFill><a:srgbClr '
                                        'val="FFFFFF"/></a:solidFill></c:spPr>'))


def _alone(chart: Chart, s) -> bool:
    """The series is a bar standing alone (no other series in its stack): its note is written."""
    return chart.kind != PARTS and sum((x.stack or x.key) == (s.stack or s.key) for x in chart.series) == 1


def _no_label(ser, k: int) -> None:
    dlbl = ser.data_labels._element.get_or_add_dLbl_for_point(k)
    for child in list(dlbl)[1:]:  # keep c:idx
        dlbl.remove(child)
    etree.SubElement(dlbl, f"{{{C}}}delete").set("val", "1")


def _axes(drawing: Drawing, chart: Chart, t: Table, rows: list[int]) -> None:
    value, category = drawing.value_axis, drawing.category_axis
    value.has_major_gridlines = True
    value.major_gridlines.format.line.color.rgb, value.major_gridlines.format.line.width = GRID, Pt(0.5)
    value.format.line.color.rgb = category.format.line.color.rgb = BLACK
    value.tick_labels.number_format = number_format(chart.decimals, chart.percent)
    value.tick_labels.number_format_is_linked = False
    _font(value.tick_labels.font, charts.TICK_SIZE)
    _font(category.tick_labels.font, charts.TICK_SIZE + (chart.kind == HBARS))
    value.minimum_scale = 0
    top = max([1.0, *(_value(t, i, s.key) or 0 for i in rows for s in chart.series)])
    if _stacked(chart):
        top = max([1.0, *(sum(_value(t, i, s.key) or 0 for s in chart.series) for i in rows)])
    room = chart.room if any(s.note and _alone(chart, s) for s in chart.series) else 1.0  # room for the notes
    if chart.percent:
        value.maximum_scale, value.major_unit = round(100 * max(room, 1.09), 6), 20  # labels over 100% fit
    elif room > 1:
        value.maximum_scale = top * room
    for axis, text in ((value, chart.axis), (category, chart.category_axis)):
        if text:
            axis.has_title = True
            axis.axis_title.text_frame.text = text
            _font(axis.axis_title.text_frame.paragraphs[0].runs[0].font, 9)
    if chart.kind in (HBARS, PARTS):  # the first category on top, the values below the bars
        category.reverse_order = True
        crosses = drawing._chartSpace.find(f".//{{{C}}}valAx/{{{C}}}crosses")
        crosses.set("val", "max")
    if chart.kind == PARTS:
        category.visible = False


def _title(drawing: Drawing, lines: list[str]) -> None:
    """A title inside the chart only for what it must say (the caption below is the report's)."""
    if not lines:
        drawing.has_title = False  # else Word titles a one-series chart with the series' name
        return
    drawing.has_title = True
    frame = drawing.chart_title.text_frame
    frame.text = "\n".join(lines)
    for p in frame.paragraphs:
        for r in p.runs:
            _font(r.font, 9)
    for r in frame.paragraphs[0].runs if lines[0] == DEMO_MARK else ():
        r.font.color.rgb, r.font.bold = grey("0.5"), True


def _axis_ids(space):
    """python-pptx's chart XML names its axes with negative ids (-2068027336); the schema's axis id
    is an unsigned int: each id becomes its positive rank, references (c:crossAx) follow."""
    found = list(space.iter(f"{{{C}}}axId", f"{{{C}}}crossAx"))
    ids = {old: str(n) for n, old in enumerate(dict.fromkeys(el.get("val") for el in found), start=1)}
    for el in found:
        el.set("val", ids[el.get("val")])
    return space


def parts(chart: Chart, results: Results, template=None) -> tuple[bytes, bytes]:
    """(chart XML, embedded workbook) of one chart; the XML's externalData is added by `insert`.
    template: what holds the chart's `labels` declaration (default: its topic's template module)."""
    t = results.tables[chart.table]
    labels = charts.labels_of(chart, template if template is not None else charts.topic_template(chart))
    data = CategoryChartData(number_format=number_format(chart.decimals))
    rows = _rows(chart, t, labels, data)
    if not data.categories.depth:  # nothing to draw (its unit sent nothing): one empty category
        data.categories = [""]
    for s in chart.series:
        values = [None if t.missing else _value(t, i, s.key) for i in rows] or [None]
        data.add_series(charts.legend(t, s), values, number_format(max(s.values or 0, chart.decimals)))
    space = _axis_ids(parse_xml(data.xml_bytes(_kind(chart))))
    drawing = Drawing(space, None)
    _font(drawing.font, 9)
    _series(drawing, chart, t, rows)
    _axes(drawing, chart, t, rows)
    drawing.has_legend = len(chart.series) > 1
    if drawing.has_legend:
        drawing.legend.position, drawing.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        _font(drawing.legend.font, 9)
    lines = [DEMO_MARK] if results.demo else []
    if t.missing:
        lines.append(f"{vn.GAP} Chưa có số liệu của: " + "; ".join(u.name for u in t.missing))
    elif chart.header:
        lines.append(charts.note_text(chart.header, t, 0))
    _title(drawing, lines)
    if space.find(f"{{{C}}}roundedCorners") is None:  # absent, Word rounds the chart's corners
        space.insert(1, etree.fromstring(f'<c:roundedCorners xmlns:c="{C}" val="0"/>'))
    return etree.tostring(space, xml_declaration=True, encoding="UTF-8", standalone=True), data.xlsx_blob


INLINE = """<w:drawing {ns}><wp:inline distT="0" distB="0" distL="0" distR="0">
<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
<wp:docPr id="{id}" name="Biểu đồ {id}"/><wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="{C}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>
</wp:inline></w:drawing>"""


def insert(run, chart: Chart, results: Results, width_emu: int, height_emu: int) -> None:
    """The chart as a native Word chart in `run` (a python-docx Run): its two parts added to the
    document's package and related, the inline drawing pointing at the chart part. The alt text
    is the chart's title."""
    xml, book = parts(chart, results)
    doc_part = run.part
    package = doc_part.package
    book_part = Part(package.next_partname(BOOK_NAME), XLSX_TYPE, book, package)
    chart_part = XmlPart(package.next_partname(CHART_NAME), CHART_TYPE, docx_xml(xml), package)
    external = etree.SubElement(chart_part.element, f"{{{C}}}externalData")  # after c:txPr, the schema's order
    external.set(f"{{{R}}}id", chart_part.relate_to(book_part, PACKAGE_REL))
    etree.SubElement(external, f"{{{C}}}autoUpdate").set("val", "0")
    drawing = docx_xml(INLINE.format(ns=nsdecls("w", "wp", "a", "r") + f' xmlns:c="{C}"', cx=width_emu,
                                     cy=height_emu, id=doc_part.next_id, C=C,
                                     rid=doc_part.relate_to(chart_part, CHART_REL)))
    drawing.find(f".//{{{WP}}}docPr").set("descr", chart.title)
    run._r.append(drawing)

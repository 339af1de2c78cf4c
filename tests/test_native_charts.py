"""The report's charts are native Word charts (issue 16, item 2): each is a DrawingML chart part with
its embedded workbook, as Word's Insert › Chart makes, so the officer can restyle it and edit its
data. The built report is reopened (python-docx, openpyxl): every declared chart is there, its
workbook holds the numbers of the indicator table it draws, an unknown value is an empty cell
(never 0), it prints in black and white; `[report] charts = "picture"` keeps the PNG pictures;
LibreOffice renders the charts (their captions, axis titles and categories are in the PDF)."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from pipeline.core import vn
from pipeline.core.chart_model import LINES, PARTS, short_labels
from pipeline.core.config import ConfigError, load
from pipeline.outputs import charts, indicators, report
from pipeline.store import warehouse
from tests.conftest import needs

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"c": C, "a": A, "wp": WP, "r": R}
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def results(demo_build, config):
    con = warehouse.connect(demo_build[1], read_only=True)
    try:
        return indicators.compute(con, config)
    finally:
        con.close()


def chart_parts(path: Path) -> dict[str, tuple[etree._Element, bytes]]:
    """Alt text (the chart's title) → (chart XML, embedded workbook) of every chart in the document,
    found as Word finds them: the inline drawing's <c:chart r:id> and the chart part's relationship."""
    doc = Document(str(path))
    out = {}
    for inline in doc.element.body.iter(f"{{{WP}}}inline"):
        ref = inline.find(f".//{{{C}}}chart")
        if ref is None:
            continue
        part = doc.part.related_parts[ref.get(f"{{{R}}}id")]
        assert part.content_type == CHART_TYPE and part.partname.startswith("/word/charts/chart")
        root = etree.fromstring(part.blob)
        rid = root.find(f"{{{C}}}externalData").get(f"{{{R}}}id")
        book = part.related_parts[rid]
        assert book.content_type == XLSX_TYPE and book.partname.startswith("/word/embeddings/")
        out[inline.find(f"{{{WP}}}docPr").get("descr")] = (root, book.blob)
    return out


def expected(chart, t) -> tuple[int, dict[str, list]]:
    """(number of categories, {series legend: the table's values in the chart's order}), read from
    the indicator table: its rows without the total, or the labelled lines in the catalog's order."""
    rows = [i for i in range(len(t.frame)) if t.value(i, t.columns[0].key) not in (None, "Cộng")]
    if chart.kind == PARTS:
        rows = [0]
    if chart.only_labelled:
        order = list(short_labels(getattr(charts.topic_template(chart), chart.labels)))
        rows = sorted((i for i in rows if str(t.value(i, chart.category)) in order),
                      key=lambda i: (t.value(i, chart.panels) if chart.panels else 0,
                                     order.index(str(t.value(i, chart.category)))))
    legend = {s.key: s.label or next(c.label for c in t.columns if c.key == s.key) for s in chart.series}
    return len(rows), {legend[s.key]: [t.value(i, s.key) for i in rows] for s in chart.series}


def columns(book: bytes) -> dict[str, list]:
    """Header → values below it, of the embedded workbook's first sheet."""
    ws = load_workbook(io.BytesIO(book)).worksheets[0]
    out = {}
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        if col[0].value is not None:
            out[str(col[0].value)] = [c.value for c in col[1:]]
    return out


def same(got: list, want: list) -> bool:
    return len(got) == len(want) and all(
        (g is None and w is None) or (g is not None and w is not None and abs(float(g) - float(w)) < 1e-9)
        for g, w in zip(got, want, strict=True))


def test_every_chart_is_a_chart_part_whose_workbook_holds_the_indicator_table(demo_build, results):
    found = chart_parts(demo_build[1] / "bao_cao_so_ket.docx")
    assert set(found) == {c.title for c in charts.CHARTS}
    for chart in charts.CHARTS:
        root, book = found[chart.title]
        count, want = expected(chart, results.tables[chart.table])
        got = columns(book)
        for legend, values in want.items():
            assert legend in got, (chart.name, legend, list(got))
            assert same(got[legend][:count], values), (chart.name, legend, got[legend], values)
            assert all(v is None for v in got[legend][count:])
        # the chart's cached points are the workbook's: what Word and LibreOffice draw without Excel
        for ser in root.iter(f"{{{C}}}ser"):
            legend = ser.find("c:tx//c:v", NS).text
            points = {int(p.get("idx")): float(p.find("c:v", NS).text) for p in ser.findall("c:val//c:pt", NS)}
            assert same([points.get(k) for k in range(count)], want[legend]), (chart.name, legend)
    months = found[charts.CHARTS[[c.name for c in charts.CHARTS].index("tthc_ho_so_theo_thang")].title]
    t = results.tables["tthc_theo_thang"]
    cats = [p.find("c:v", NS).text for p in months[0].find(".//c:ser/c:cat", NS).iter(f"{{{C}}}pt")]
    assert cats == [t.value(i, "thang") for i in range(len(t.frame)) if t.value(i, "thang") != "Cộng"]
    budget = next(c for c in charts.CHARTS if c.panels)  # panels: a two-level axis, «Năm 2025» › its lines
    levels = found[budget.title][0].find(".//c:ser/c:cat/c:multiLvlStrRef//c:multiLvlStrCache", NS).findall("c:lvl", NS)
    t = results.tables[budget.table]
    years = sorted({t.value(i, budget.panels) for i in range(len(t.frame))} - {None})
    assert [p.find("c:v", NS).text for p in levels[-1].findall("c:pt", NS)] == [budget.panel_title.format(y)
                                                                              for y in years]


def test_charts_print_in_black_and_white_with_patterns_and_dashes(demo_build):
    found = chart_parts(demo_build[1] / "bao_cao_so_ket.docx")
    for chart in charts.CHARTS:
        root = found[chart.title][0]
        colours = [c.get("val") for c in root.iter(f"{{{A}}}srgbClr")]
        assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours), (chart.name, colours)  # greys only
        if chart.kind == LINES:
            dashes = [d.get("val") for d in root.findall(".//c:ser/c:spPr/a:ln/a:prstDash", NS)]
            marks = [m.get("val") for m in root.findall(".//c:ser/c:marker/c:symbol", NS)]
            assert len(set(dashes)) == len(dashes) == len(chart.series) == len(set(marks)), chart.name
        else:
            looks = ([etree.tostring(p.find("c:spPr", NS)) for p in root.iter(f"{{{C}}}dPt")] if chart.vary else
                     [etree.tostring(s.find("c:spPr", NS)) for s in root.iter(f"{{{C}}}ser")])  # bar by bar
            assert len(set(looks)) == len(looks) >= max(2, len(chart.series)), chart.name
        hatched = chart.kind != LINES and (any(charts.look(chart, s)[1] for s in chart.series) or chart.vary)
        assert bool(root.findall(".//a:pattFill", NS)) == hatched, chart.name  # a hatch is a pattern
        value_format = root.find(".//c:valAx/c:numFmt", NS).get("formatCode")
        assert "#,##0" in value_format or "%" in value_format, (chart.name, value_format)
        assert root.find(".//c:txPr//a:latin", NS).get("typeface") == "Times New Roman"


def _parts_for(chart, results, template=None):
    from pipeline.outputs.report import chart_xml

    xml, book = chart_xml.parts(chart, results, template)
    return etree.fromstring(xml), book


def test_an_unknown_value_is_an_empty_cell_and_a_gap_never_zero(results):
    chart = next(c for c in charts.CHARTS if c.name == "tthc_ty_le_theo_thang")
    t = results.tables[chart.table]
    key = chart.series[0].key
    frame = t.frame.copy()
    frame[key] = frame[key].astype(object)
    frame.loc[frame.index[1], key] = None  # the second month's rate is unknown
    unknown = dataclasses.replace(results, tables={**results.tables, chart.table: dataclasses.replace(
        t, frame=frame, _records=None)})
    assert unknown.tables[chart.table].value(1, key) is None and t.value(1, key) is not None
    root, book = _parts_for(chart, unknown)
    legend = next(c.label for c in t.columns if c.key == key)
    values = columns(book)[legend]
    assert values[1] is None and values[0] is not None and values[0] == pytest.approx(float(t.value(0, key)))
    first = root.find(".//c:ser/c:val", NS)
    assert [int(p.get("idx")) for p in first.iter(f"{{{C}}}pt")][:2] == [0, 2]  # no point 1: not 0
    assert root.find(".//c:dispBlanksAs", NS).get("val") == "gap"


def test_a_table_whose_unit_sent_nothing_says_so_in_the_chart(results):
    from pipeline.core.config import Unit

    chart = next(c for c in charts.CHARTS if c.name == "so_hoa_theo_phong")
    unit = Unit("VP", "Văn phòng HĐND và UBND", ())
    gap = dataclasses.replace(results, tables={**results.tables, chart.table: dataclasses.replace(
        results.tables[chart.table], missing=[unit])})
    root, book = _parts_for(chart, gap)
    title = "".join(x.text for x in root.find("c:chart/c:title", NS).iter(f"{{{A}}}t"))
    assert "[x] Chưa có số liệu của" in title and unit.name in title
    assert not root.findall(".//c:val//c:pt", NS)  # nothing drawn, nothing invented
    assert all(v is None for col in columns(book).values() for v in col)


def test_the_picture_setting_keeps_the_png_pictures(demo_build, results, tmp_path):
    files = charts.draw_all(results, tmp_path / "charts")
    pictures = dataclasses.replace(results, config=dataclasses.replace(results.config, charts="picture"))
    out = report.render(pictures, files, tmp_path / "pictures.docx")
    assert chart_parts(out) == {}
    doc = Document(str(out))
    images = [p for p in doc.part.related_parts.values() if p.content_type == "image/png"]
    assert len(images) == len(charts.CHARTS)
    assert len(chart_parts(demo_build[1] / "bao_cao_so_ket.docx")) == len(charts.CHARTS)  # the default: native
    assert len(list((demo_build[1] / "charts").glob("*.png"))) == len(charts.CHARTS)  # the PNGs are still drawn


def test_a_bad_chart_setting_is_a_vietnamese_error_naming_the_key(tmp_path, config):
    path = tmp_path / "commune.toml"
    path.write_text(config.path.read_text(encoding="utf-8") + '\n[report]\ncharts = "hinh"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'report\.charts'.*'hinh'.*\"native\".*\"picture\""):
        load(path)
    path.write_text(config.path.read_text(encoding="utf-8") + '\n[report]\ncharts = "picture"\n', encoding="utf-8")
    assert load(path).charts == "picture" and config.charts == "native"


@pytest.mark.slow
@needs("soffice", "pdftotext")
def test_libreoffice_draws_each_chart_with_its_caption_axis_and_categories(demo_build, results, tmp_path):
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo_profile'}"
    vietnamese = {**os.environ, "LC_ALL": "vi_VN.UTF-8", "LANG": "vi_VN.UTF-8"}  # a Vietnamese system's separators
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(demo_build[1] / "bao_cao_so_ket.docx")], check=True, capture_output=True, timeout=240,
                   env=vietnamese)
    text = subprocess.run(["pdftotext", str(tmp_path / "bao_cao_so_ket.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    path = demo_build[1] / "bao_cao_so_ket.docx"
    titles = list(chart_parts(path))  # in the document's order
    captions = [p.text for p in Document(str(path)).paragraphs if re.match(r"Biểu đồ \d+\. ", p.text)]
    assert len(captions) == len(titles) == len(charts.CHARTS)
    by_title = {c.title: c for c in charts.CHARTS}
    start = 0
    for title, caption in zip(titles, captions, strict=True):
        chart = by_title[title]
        end = flat.index(caption, start)  # the caption under the chart, as printed
        drawn = flat[start:end]  # what LibreOffice drew between the previous caption and this one
        assert chart.axis in drawn, (chart.name, chart.axis)
        t = results.tables[chart.table]
        for name in _categories(chart, t):
            assert re.sub(r"\s+", " ", name) in drawn, (chart.name, name)
        for s in (s for s in chart.series if s.values is not None and chart.kind == LINES):
            first = vn.number(t.value(0, s.key), s.values) + "%"  # a printed value, decimal comma
            assert "," in first and first in drawn, (chart.name, first)
        start = end + len(caption)


def _categories(chart, t) -> list[str]:
    if chart.kind == PARTS:
        return []
    template = charts.topic_template(chart)
    labels = short_labels(getattr(template, chart.labels)) if chart.labels else {}
    rows = [i for i in range(len(t.frame)) if t.value(i, t.columns[0].key) not in (None, "Cộng")]
    names = {str(t.value(i, chart.category)) for i in rows}
    if chart.only_labelled:
        names &= set(labels)
    out = []
    for name in sorted(names):
        text = labels.get(name) or name.removeprefix(chart.drop_prefix)
        out.append(text[:1].upper() + text[1:])
    return out


def test_label_positions_are_those_word_allows_for_the_chart(demo_build):
    """Word refuses a file whose stacked bars carry labels «outside end»: every position is one the
    chart's kind allows (ECMA-376 §21.2.2.48), and a chart with notes has them as custom texts."""
    allowed = {"stacked": {"ctr", "inEnd", "inBase"}, "clustered": {"ctr", "inEnd", "inBase", "outEnd"},
               "line": {"ctr", "l", "r", "t", "b"}}
    for chart in charts.CHARTS:
        root = chart_parts(demo_build[1] / "bao_cao_so_ket.docx")[chart.title][0]
        grouping = root.find(".//c:grouping", NS).get("val")
        kind = "line" if chart.kind == LINES else "stacked" if grouping == "stacked" else "clustered"
        positions = {p.get("val") for p in root.iter(f"{{{C}}}dLblPos")}
        assert positions <= allowed[kind], (chart.name, positions)
        notes = [s for s in chart.series if s.note and kind == "clustered"]
        texts = ["".join(t.text for t in dlbl.iter(f"{{{A}}}t")) for dlbl in root.iter(f"{{{C}}}dLbl")]
        assert bool(notes) == any(texts), chart.name

"""What a clerk reads in the demo report and annex says what its figures count, in one spelling."""

from __future__ import annotations

import re
import subprocess

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline.core import paths
from pipeline.topics.tai_san.template import KINDS, PREMISES
from tests.conftest import needs


def _report(outputs) -> str:
    doc = Document(outputs / paths.REPORT)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _table(outputs, first_header: str, last_header: str) -> list[list[str]]:
    doc = Document(outputs / paths.REPORT)
    for t in doc.tables:
        rows = [[c.text for c in r.cells] for r in t.rows]
        if rows[0][0] == first_header and rows[0][-1] == last_header:
            return rows
    raise AssertionError(f"no table headed {first_header} … {last_header}")


def test_surplus_prose_says_what_the_surplus_total_counts(demo_build):
    """II.6: the asset table's surplus total (premises and a vehicle) is said in words, kind by kind,
    and the premises among them agree with the surplus premises of the summary."""
    outputs = demo_build[1]
    rows = _table(outputs, "Loại tài sản", "Dôi dư (dòng)")
    surplus = {r[0]: int(r[-1]) for r in rows[1:] if r[0] in KINDS}
    total = int(next(r[-1] for r in rows if r[0] == "Cộng"))
    assert sum(surplus.values()) == total and any(surplus[k] for k in KINDS if k not in PREMISES)
    text = _report(outputs)
    section = text[text.index("6. Về cơ sở vật chất"):text.index("7. Về hạ tầng")]
    sentence = next(s for s in section.split("\n") if f"{total} tài sản dôi dư" in s)
    for kind, n in surplus.items():
        if n and kind not in PREMISES:
            assert f"{n} {kind[0].lower() + kind[1:]}" in sentence, (kind, sentence)
    premises = sum(surplus[k] for k in PREMISES)
    assert f"{premises} cơ sở nhà, đất" in sentence


# an open «oa», «oe», «uy» marked on its second vowel («hoá», «tuỳ»): the style Nghị định 30 does not use
NEW_STYLE = re.compile(r"(?<![qQ])(?:[oO][áàảãạéèẻẽẹÁÀẢÃẠÉÈẺẼẸ]|[uU][ýỳỷỹỵÝỲỶỸỴ])(?!\w)")


def test_one_tone_style_in_the_report_and_the_annex(demo_build):
    """«CỘNG HÒA» is fixed by Nghị định 30, whose text marks an open «oa», «uy» on the first vowel
    («văn hóa», «ủy quyền»): every word of the demo report and annex is written the same way."""
    outputs = demo_build[1]
    report = _report(outputs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in report and "hóa" in report
    assert not NEW_STYLE.findall(report), sorted(set(NEW_STYLE.findall(report)))
    book = load_workbook(outputs / paths.ANNEX, read_only=True)
    annex = "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert not NEW_STYLE.findall(annex), sorted(set(NEW_STYLE.findall(annex)))


def test_a_cell_typed_in_the_other_tone_style_is_read_in_the_one_style():
    from pipeline.core import vn
    from pipeline.intake import cells

    assert vn.tones("Văn hoá, thể thao; tuỳ; thuỷ lợi; hoàn thành; quý") == "Văn hóa, thể thao; tùy; thủy lợi; hoàn thành; quý"
    assert cells.norm("Văn hoá – Thể thao") == cells.norm("Văn hóa - Thể thao")
    assert vn.as_fingerprinted("Hồ sơ số hóa; ủy quyền") == "Hồ sơ số hoá; ủy quyền"


def _words(text: str) -> str:
    return " ".join(str(text).split())


@pytest.mark.slow
@needs("soffice", "pdftotext")
def test_every_cover_and_title_line_of_the_annex_prints_in_full(demo_build, tmp_path):
    """LibreOffice → PDF → text: each cover line and each line above a table (title, source, notes)
    appears whole, never cut at the page edge."""
    src = demo_build[1] / paths.ANNEX
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo_profile'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    printed = _words(subprocess.run(["pdftotext", str(tmp_path / (src.stem + ".pdf")), "-"],
                                    capture_output=True, text=True, check=True).stdout)
    book = load_workbook(src)
    cut = []
    for ws in book.worksheets:
        last = int(ws.print_title_rows.split(":")[0].lstrip("$")) - 1 if ws.print_title_rows else ws.max_row
        for r in range(1, last + 1):
            line = ws.cell(r, 1).value
            if isinstance(line, str) and _words(line) not in printed:
                cut.append((ws.title, r, line[:60]))
    assert not cut, (len(cut), sorted({c[0] for c in cut}), cut[:6])


def test_the_official_text_never_says_it_was_compiled_automatically(demo_build):
    """A report signed by the chairman says where its figures come from, not how a program added them up."""
    report = _report(demo_build[1])
    assert "Số liệu trong báo cáo được tổng hợp từ" in report
    assert "tự động" not in report.lower()

"""What a clerk reads in the demo report and annex says what its figures count, in one spelling."""

from __future__ import annotations

import re

from docx import Document
from openpyxl import load_workbook

from pipeline.core import paths
from pipeline.topics.tai_san.template import KINDS, PREMISES


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

"""Reporting months from the 15th (period.month_starts_on): a month cut by the period's start or the
cut-off is printed by its dates («15/04–30/04/2026»), never by a month's name past the cut-off
(«05/2026» in a report closed 30/04/2026), and the table says where its months come from."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from datetime import date

from docx import Document
from openpyxl import load_workbook

from pipeline import build
from pipeline.core import paths

PAST_CUTOFF = re.compile(r"(?<![\d/])05/2026")


def test_month_labels(config):
    fifteenth = dataclasses.replace(config, month_starts_on=15)
    labels = fifteenth.month_labels
    assert labels["05/2026"] == "15/04–30/04/2026"  # cut by the cut-off, 30/04/2026
    assert labels["07/2025"] == "01/07–14/07/2025"  # cut by the period's start, 01/07/2025
    assert labels["08/2025"] == "08/2025"  # a whole month keeps its name
    assert "Nghị định 09/2019/NĐ-CP" in fifteenth.months_note and "15/04–30/04/2026" in fifteenth.months_note
    calendar = dataclasses.replace(config, cutoff=date(2026, 4, 15))
    assert calendar.month_labels["04/2026"] == "01/04–15/04/2026" and calendar.month_labels["03/2026"] == "03/2026"
    assert set(config.month_labels.values()) == set(config.month_labels)  # calendar months, whole: names


def test_a_report_closed_30_04_never_shows_may(workdir):
    inputs, outputs = workdir
    config_file = inputs / paths.CONFIG_NAME
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(re.sub(r"(?m)^month_starts_on = 1\b", "month_starts_on = 15", text), encoding="utf-8")
    assert build.run(inputs, outputs) == 0  # the demo set, typed by months from the 15th

    doc = Document(outputs / build.REPORT_NAME)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text.strip() == "Tháng")
    months = [r.cells[0].text for r in table.rows[1:]]
    assert months[0] == "01/07–14/07/2025" and months[-2:] == ["15/04–30/04/2026", "Cộng"], months
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Tháng báo cáo tính từ ngày 15 tháng trước" in body
    with zipfile.ZipFile(outputs / build.REPORT_NAME) as z:  # the text, the tables and the native charts
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert not PAST_CUTOFF.findall(xml)

    book = load_workbook(outputs / build.ANNEX_NAME)
    shown = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "15/04–30/04/2026" in shown
    assert not [v for v in shown if (isinstance(v, str) and PAST_CUTOFF.search(v))
                or (hasattr(v, "year") and (v.year, v.month) == (2026, 5) and getattr(v, "day", 1) == 1)]

"""Every .docx and .xlsx the project writes is valid to the Office schemas (issue 24, item 5): the demo
build, a ward's build, a city's build from its communes' packages, a feedback run on a unit's file
with mistakes, and the board workbook. The check is tests/office_schema.py (the Open XML SDK's
validation, in Python); the findings known to be the validator's own are listed there."""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta

from docx import Document
from docx.oxml.ns import qn

from pipeline import build
from pipeline.core import paths
from pipeline.core.config import load
from pipeline.outputs import report
from pipeline.store import warehouse
from pipeline.web import board
from tests import city_util, office_schema
from tests.test_kind import kind_config
from tests.web_util import broken_bytes


def test_demo_build_and_the_shipped_template_are_schema_clean(demo_build):
    _, outputs = demo_build
    assert office_schema.check_all(outputs, report.DEFAULT_TEMPLATE.parent) == {}


def test_report_tables_write_properties_in_schema_order_and_a_current_word_mode(demo_build):
    path = demo_build[1] / report.FILE_NAME
    doc = Document(str(path))
    for tbl_pr in doc.element.body.iter(qn("w:tblPr")):
        tags = [c.tag for c in tbl_pr]
        if qn("w:tblBorders") in tags and qn("w:tblLook") in tags:
            assert tags.index(qn("w:tblBorders")) < tags.index(qn("w:tblLook"))
    headers = list(doc.element.body.iter(qn("w:tblHeader")))
    assert headers and all(h.get(qn("w:val")) is None for h in headers)  # <w:tblHeader/>, as Word writes it
    settings = zipfile.ZipFile(path).read("word/settings.xml").decode()
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
    assert "stylesWithEffects" not in " ".join(zipfile.ZipFile(path).namelist())


def test_a_ward_with_a_faulty_file_and_its_board_are_schema_clean(tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = load(kind_config(inputs, "phường", "Thành Sen"))
    bad, _ = broken_bytes(config, "VP", config.unit("VP").templates[0])
    (inputs / "don_vi").mkdir()
    (inputs / "don_vi" / "sai.xlsx").write_bytes(bad)
    assert build.run(inputs, outputs) == 0
    feedback = [p for p in (outputs / "validation").rglob("*.xlsx") if p.parent != outputs / "validation"]
    assert len(feedback) >= 2  # the feedback workbook and the annotated copy
    con = warehouse.connect(outputs, read_only=True)
    try:
        found = con.execute("select * from submissions").df().to_dict("records")
    finally:
        con.close()
    board.write_workbook(outputs / board.WORKBOOK_NAME, config, board.rows(config, found, datetime.now()), datetime.now())
    assert office_schema.check_all(outputs) == {}


def test_a_city_build_from_its_communes_packages_is_schema_clean(tmp_path):
    city = city_util.city()
    inputs = tmp_path / "city" / "inputs"
    inputs.mkdir(parents=True)
    (inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    for code in ("10501", "10504"):
        commune_inputs, _ = city_util.commune(tmp_path, code)
        commune_outputs = tmp_path / code / "outputs"
        assert build.run(commune_inputs, commune_outputs) == 0
        city_util.receive(commune_outputs / paths.PACKAGE_DIR, inputs, code, city.deadline - timedelta(days=1))
    outputs = tmp_path / "city" / "outputs"
    assert build.run(inputs, outputs) == 0
    assert office_schema.check_all(tmp_path) == {}

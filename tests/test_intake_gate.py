"""The safety gate reads every member once: the worksheets' XML it keeps for the pre-scans is the
very bytes of the zip, and a scan of the kept bytes finds what a scan of the zip finds."""

from __future__ import annotations

import zipfile

from pipeline.intake import gate, read
from tests.receive_util import filled


def test_the_gate_keeps_each_sheet_exactly_as_zipped(config, tmp_path):
    path = filled(config, "phan_cap", tmp_path, edit=lambda wb: wb["Nhiệm vụ"].cell(1500, 800, "x"))
    with zipfile.ZipFile(path) as zf:
        kept: dict[str, bytes] = {}
        gate.check_zip(zf, kept)
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and kept == {n: zf.read(n) for n in sheets}
        for part in gate.sheet_parts(zf).values():
            assert gate.sheet_extent(zf, part, kept[part]) == gate.sheet_extent(zf, part)
            assert read.formula_cells(zf, part, kept[part]) == read.formula_cells(zf, part)
        assert max(gate.sheet_extent(zf, p, kept[p]) for p in gate.sheet_parts(zf).values()) == (1500, 800)


def test_a_read_file_holds_no_copy_of_its_xml(config, tmp_path):
    book = read.load(filled(config, "tthc", tmp_path), config)
    assert book.template is not None and book.sheets and book.xml == {}

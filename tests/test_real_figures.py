"""Real published figure sets (tests/real_figures.py) typed into the blank template as printed:
each is accepted, the source's own gaps are stated, and every printed figure is held exactly."""

from __future__ import annotations

import pytest

from pipeline import paths, validate, warehouse
from pipeline.catalog import tthc
from tests.real_figures import SETS, config_for, row_of, workbook_for

BLANK_ROWS = "để trống toàn bộ"


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_published_set_is_accepted_as_printed(figures, tmp_path):
    config = config_for(figures, tmp_path / "inputs")
    report = validate.check_file(workbook_for(figures, config, tmp_path / "inputs"), config)
    assert not report.errors, report.text()
    rules = [p.rule for p in report.warnings if BLANK_ROWS not in p.rule]
    assert len(rules) == len(figures.warnings), report.text()
    for words in figures.warnings:
        assert any(words in rule for rule in rules), report.text()
    assert sum(BLANK_ROWS in p.rule for p in report.warnings) == (len(tthc.dossiers.rows(config)) > 1)


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_every_printed_figure_is_held_exactly(figures, tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = config_for(figures, inputs)
    workbook_for(figures, config, inputs)
    summary = warehouse.ingest(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    keys = [f.key for f in tthc.dossiers.fields]
    thang, linh_vuc = row_of(config)
    with warehouse.connect(outputs) as con:
        rows = con.execute(f"SELECT thang, linh_vuc, {', '.join(keys)} FROM cur_tthc_ho_so").fetchall()
        totals = con.execute(f"SELECT {', '.join(f'sum({k})' for k in keys)} FROM cur_tthc_ho_so").fetchall()[0]
    assert len(rows) == len(tthc.dossiers.rows(config))
    [typed] = [r for r in rows if r[:2] == (thang, linh_vuc)]
    assert dict(zip(keys, typed[2:], strict=True)) == {k: figures.figures.get(k) for k in keys}
    assert all(v is None for r in rows if r[:2] != (thang, linh_vuc) for v in r[2:])
    assert dict(zip(keys, totals, strict=True)) == {k: figures.figures.get(k) for k in keys}
    assert (inputs / paths.CONFIG_NAME).exists()


def test_sets_cite_their_sources():
    for figures in SETS:
        assert figures.url.startswith("http") and figures.title and figures.published_on
        assert set(figures.figures) <= {f.key for f in tthc.dossiers.fields}
        assert all(f.required is False or f.key in figures.figures for f in tthc.dossiers.fields)

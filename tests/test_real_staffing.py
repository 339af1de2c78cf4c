"""Real published staffing figures (tests/real_staffing.py) typed into the blank staffing template
as printed: each set is accepted, every printed figure is held exactly in the warehouse and the
indicator table, and every figure the source does not print is [x] with the figure and the unit
named, never judged (no rate is computed from a missing figure)."""

from __future__ import annotations

import pytest

from pipeline.checks import validate
from pipeline.core import paths
from pipeline.core.config import load
from pipeline.core.model import fill
from pipeline.outputs import indicators, templates
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.nhan_su import template as nhan_su
from tests.real_staffing import SETS, WHOLE


def _config(figures, folder):
    text = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")
    text = text.replace('name = "An Thành"', f'name = "{figures.name}"', 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / paths.CONFIG_NAME).write_text(text, encoding="utf-8")
    config = load(folder / paths.CONFIG_NAME)
    assert config.kind == figures.kind
    return config


def _row(config, name: str) -> str:
    return fill(nhan_su.WHOLE, config) if name == WHOLE else name


def _workbook(figures, config, folder):
    template = CATALOG["nhan_su"]
    unit = config.owners("nhan_su")[0]
    typed = {_row(config, k): v for k, v in figures.rows.items()}
    rows = template.sheet("can_bo").rows(config)
    assert set(typed) <= {r[0] for r in rows}, typed
    path = folder / templates.filename(template, unit)
    templates.workbook(template, unit, config, {"can_bo": [typed.get(r[0], {}) for r in rows]}).save(path)
    return path


def test_sets_cite_their_sources():
    for figures in SETS:
        assert figures.url.startswith("http") and figures.title and figures.published_on and figures.notes
        keys = {f.key for f in nhan_su.staff.fields}
        assert all(set(r) <= keys for r in figures.rows.values())


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_a_published_staffing_set_is_accepted_held_exactly_and_never_judged(figures, tmp_path):
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    config = _config(figures, inputs)
    path = _workbook(figures, config, inputs)
    assert validate.check_file(path, config).status == "accepted"
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    keys = [f.key for f in nhan_su.staff.fields]
    with warehouse.connect(outputs) as con:
        stored = {r[0]: dict(zip(keys, r[1:], strict=True))
                  for r in con.execute(f"select co_quan, {', '.join(keys)} from cur_nhan_su_can_bo").fetchall()}
        t = indicators.compute(con, config).tables["nhan_su_theo_co_quan"]
    unit = config.owners("nhan_su")[0].name
    for name, printed in figures.rows.items():
        row = _row(config, name)
        assert stored[row] == {k: printed.get(k) for k in keys}  # every printed figure exactly, nothing else
    assert all(v is None for row, held in stored.items() if row not in {_row(config, n) for n in figures.rows}
               for v in held.values())
    total = t.row("Cộng")
    for key in ("ty_le_bien_che", "ty_le_dung_vtvl"):  # no rate from a figure the source does not print
        assert t.text(total, key) == "[x]"
    assert '"Biên chế được giao"' in t.value(total, "ghi_chu") and unit in t.value(total, "ghi_chu")
    for name, printed in figures.rows.items():
        i = t.row("Cộng") if name == WHOLE else t.row(name)
        for key, value in printed.items():
            assert t.value(i, key) == value, (name, key)

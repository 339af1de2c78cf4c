"""A city compiled from its communes' packages (issue 17, «Done when» 1).

Three communes of examples/city.toml are built from the demo set, each with figures of its own, by
the commune build itself, which writes its package; the city receives two of them: phường Hồng Bàng
on time and again later with other TTHC figures (resubmitted: the later package is current, both
stay in the history), đặc khu Cát Hải after the deadline (late); xã An Thành sends nothing (missing).
The city's ingest validates them like any unit's files; its current figures are then each
commune's current figures, and its totals their sum. (The city's report, annex and board are
checked by the city outputs' tests, on this same set.)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline import build
from pipeline.core import paths
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from tests import city_util

ON_TIME, LATE, MISSING = "10501", "10504", "10507"


def _sums(outputs: Path, by_unit: bool = False) -> dict:
    """(table, field[, unit]) → the sum of a numeric field over the current submissions (fields
    with an unknown figure left out: a package keeps them unknown)."""
    con = warehouse.connect(outputs, read_only=True)
    out = {}
    try:
        for template in CATALOG.values():
            for sheet in template.sheets:
                table = warehouse.table_name(template.id, sheet.key)
                for col in (c for c in sheet.fields if c.numeric):
                    group = "unit_code" if by_unit else "'*'"
                    for unit, total, blanks in con.execute(
                            f"SELECT {group}, sum({col.key}), count(*) - count({col.key}) FROM cur_{table} GROUP BY 1"
                    ).fetchall():
                        if not blanks:
                            out[(table, col.key, unit) if by_unit else (table, col.key)] = total
    finally:
        con.close()
    return out


@pytest.fixture(scope="module")
def city_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    city = city_util.city()
    communes = {}
    for code in (ON_TIME, LATE, MISSING):
        inputs, config = city_util.commune(root, code)
        outputs = root / code / "outputs"
        assert build.run(inputs, outputs) == 0
        communes[code] = SimpleNamespace(inputs=inputs, outputs=outputs, config=config,
                                         package=outputs / paths.PACKAGE_DIR)
    inputs, outputs = root / "city" / "inputs", root / "city" / "outputs"
    inputs.mkdir(parents=True)
    (inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")

    first = _sums(communes[ON_TIME].outputs)
    city_util.receive(communes[ON_TIME].package, inputs, f"{ON_TIME}/lan_1", city.deadline - timedelta(days=4))
    resent = city_util.resend(communes[ON_TIME].inputs, communes[ON_TIME].config, "tthc", "lan-2")
    assert len(resent) == 1
    assert build.run(communes[ON_TIME].inputs, communes[ON_TIME].outputs) == 0  # the commune's build: a new package
    city_util.receive(communes[ON_TIME].package, inputs, f"{ON_TIME}/lan_2", city.deadline - timedelta(days=1))
    city_util.receive(communes[LATE].package, inputs, LATE, city.deadline + timedelta(days=2))
    summary = ingest.run(inputs, outputs, city)
    return SimpleNamespace(city=city, communes=communes, inputs=inputs, outputs=outputs, summary=summary,
                           first=first)


def test_every_package_is_accepted_and_the_resubmission_supersedes_the_first(city_site):
    s = city_site.summary
    assert s.new == 3 * len(CATALOG) and not s.rejected, s.text()
    assert len(s.superseded) == len(CATALOG)  # phường Hồng Bàng's second package replaces each of its first
    con = warehouse.connect(city_site.outputs, read_only=True)
    try:
        history = dict(con.execute("SELECT unit_code, count(*) FROM submissions GROUP BY 1").fetchall())
        current = dict(con.execute("SELECT unit_code, count(*) FROM current_submissions GROUP BY 1").fetchall())
        late = con.execute("SELECT min(received_at) FROM submissions WHERE unit_code = ?", [LATE]).fetchone()[0]
        on_time = con.execute("SELECT max(received_at) FROM current_submissions WHERE unit_code = ?", [ON_TIME]).fetchone()[0]
    finally:
        con.close()
    assert history == {ON_TIME: 2 * len(CATALOG), LATE: len(CATALOG)}  # both packages kept in the history
    assert current == {ON_TIME: len(CATALOG), LATE: len(CATALOG)}  # xã An Thành: nothing
    assert late > city_site.city.deadline >= on_time


def test_the_citys_figures_are_each_communes_current_figures_and_its_totals_their_sum(city_site):
    by_commune = _sums(city_site.outputs, by_unit=True)
    totals = _sums(city_site.outputs)
    received = {code: _sums(city_site.communes[code].outputs) for code in (ON_TIME, LATE)}
    checked = 0
    for (table, key), total in totals.items():
        parts = [received[code].get((table, key)) for code in received]
        if any(p is None for p in parts):
            continue
        for code in received:
            assert by_commune[(table, key, code)] == pytest.approx(received[code][(table, key)]), (table, key, code)
        assert total == pytest.approx(sum(parts)), (table, key)
        checked += 1
    assert checked > 100
    tthc = [k for k in totals if k[0].startswith("tthc_")]
    assert any(city_site.first[k] != received[ON_TIME][k] for k in tthc)  # the resubmission changed TTHC figures …
    assert all(by_commune[(*k, ON_TIME)] == pytest.approx(received[ON_TIME][k]) for k in tthc if k in received[ON_TIME])

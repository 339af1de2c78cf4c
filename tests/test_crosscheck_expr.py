"""Cross-checks read their measures with the one expression language (pipeline.core.expr):
a measure with "-" or a constant factor is summed as written, over a real DuckDB file."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.checks import crosscheck
from pipeline.core import expr
from pipeline.core.model import CrossCheck, Measure


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "kho.duckdb"))
    con.execute("create table current_submissions (template_id varchar)")
    con.execute("insert into current_submissions values ('ha_tang_so'), ('nhan_su')")
    con.execute("create table cur_ha_tang_so_chi_so (can_bo_tong integer)")
    con.execute("insert into cur_ha_tang_so_chi_so values (30)")
    con.execute("create table cur_nhan_su_can_bo (can_bo integer, cong_chuc integer, vien_chuc integer)")
    con.execute("insert into cur_nhan_su_can_bo values (10, 20, 5), (4, 6, 5)")  # 14, 26, 10
    yield con
    con.close()


def _check(right: str) -> CrossCheck:
    return CrossCheck(Measure("ha_tang_so", "chi_so", "can_bo_tong"), "==", Measure("nhan_su", "can_bo", right),
                      "Số cán bộ phải khớp.")


@pytest.mark.parametrize(("right", "value"), [
    ("can_bo + cong_chuc - vien_chuc", 30.0),  # 14 + 26 - 10
    ("2 * can_bo + vien_chuc - 4", 30.0),  # a constant counts once per row: (20 + 5 - 4) + (8 + 5 - 4)
    ("cong_chuc - 0.5 * can_bo + vien_chuc", 29.0),
])
def test_measure_with_minus_and_factor(con, right, value):
    [outcome] = crosscheck.outcomes(con, (_check(right),))
    assert outcome.finding is not None and outcome.finding.right == pytest.approx(value)
    assert outcome.finding.ok == (value == 30.0)


def test_measure_in_words_keeps_signs_and_factors(con):
    [outcome] = crosscheck.outcomes(con, (_check("2 * can_bo - vien_chuc"),))
    text = crosscheck.describe(outcome.check.right)
    assert "tổng 2 × «" in text and " − «" in text and "+" not in text


def test_a_measure_naming_no_field_of_its_sheet_is_refused():
    with pytest.raises((KeyError, StopIteration, ValueError)):
        crosscheck._sql(Measure("nhan_su", "can_bo", "can_bo; drop table x"))
    with pytest.raises(ValueError):
        expr.terms("a / b")

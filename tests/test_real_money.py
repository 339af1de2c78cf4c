"""Published budget and surplus-premises sets (tests/real_money.py) typed into the blank templates as
printed: each is accepted, every printed figure is held exactly, every printed rate the system computes
under the same definition matches to the printed decimals, and every figure the source does not give is
[x] with no verdict printed on it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest

from pipeline.checks import validate
from pipeline.core import paths, vn
from pipeline.outputs import indicators, report, templates
from pipeline.store import ingest
from pipeline.topics import CATALOG
from tests.real_figures import config_for
from tests.real_money import SETS


def _file(figures, config, folder):
    template = CATALOG[figures.template]
    unit = config.owners(template.id)[0]
    data = {}
    for sheet in template.sheets:
        given = figures.figures.get(sheet.key)
        if sheet.rows is None:
            data[sheet.key] = []
        elif sheet.keys:  # a sheet of years: the printed year's row, the others blank
            data[sheet.key] = [dict((given or {}).get(keys[0], {})) for keys in sheet.rows(config)]
        else:
            data[sheet.key] = [dict(given or {})]
    path = folder / templates.filename(template, unit)
    templates.workbook(template, unit, config, data).save(path)
    return path


@pytest.fixture(scope="module", params=SETS, ids=[s.key for s in SETS])
def loaded(request, tmp_path_factory):
    figures = request.param
    root = tmp_path_factory.mktemp(figures.key)
    inputs, outputs = root / "inputs", root / "outputs"
    config = config_for(figures, inputs)
    checked = validate.check_file(_file(figures, config, inputs), config)
    summary = ingest.run(inputs, outputs, config)
    con = duckdb.connect(str(outputs / paths.WAREHOUSE), read_only=True)
    stored = {s.key: con.execute(f"select * from cur_{figures.template}_{s.key} order by row_number").df()
              for s in CATALOG[figures.template].sheets}
    results = indicators.compute(con, config)
    con.close()
    return figures, config, checked, summary, stored, results


def test_published_set_is_accepted_as_printed(loaded):
    figures, _, checked, summary, _, _ = loaded
    assert not checked.errors, checked.text()
    assert not summary.rejected, summary.text()


def test_every_printed_figure_is_held_exactly(loaded):
    figures, _, _, _, stored, _ = loaded
    for sheet_key, given in figures.figures.items():
        frame = stored[sheet_key]
        if sheet_key == "nam":
            for year, values in given.items():
                row = frame[frame["nam"] == year].iloc[0]
                assert {k: _plain(row[k]) for k in values} == {k: _plain(v) for k, v in values.items()}
                others = [c.key for c in CATALOG[figures.template].sheet(sheet_key).fields if c.key not in values]
                assert row[others].isna().all()
            assert frame[~frame["nam"].isin(list(given))].drop(columns=["nam"]).filter(
                items=[c.key for c in CATALOG[figures.template].sheet(sheet_key).fields]).isna().all().all()
        else:
            row = frame.iloc[0]
            assert {k: _plain(row[k]) for k in given} == given
            others = [c.key for c in CATALOG[figures.template].sheet(sheet_key).fields if c.key not in given]
            assert row[others].isna().all()  # blank, never 0
    for sheet in CATALOG[figures.template].sheets:
        if sheet.key not in figures.figures and sheet.rows is not None:
            assert stored[sheet.key][[f.key for f in sheet.fields]].isna().all().all()


def _plain(v):
    if hasattr(v, "date") and callable(v.date):
        return v.date()
    return v.item() if hasattr(v, "item") else v


def _first(t, **match):
    return next(i for i in range(len(t.frame)) if all(t.value(i, k) == v for k, v in match.items()))


def _row(figures, t):
    if "nam" in figures.figures and "nam" in t.frame.columns:
        return _first(t, nam=next(iter(figures.figures["nam"])))
    return 0


def test_every_printed_rate_is_computed_to_its_printed_decimals(loaded):
    figures, _, _, _, _, results = loaded
    for printed in figures.rates:
        t = results.tables[printed.table]
        value = t.value(_row(figures, t), printed.column)
        assert value is not None, printed.words
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-printed.decimals), rounding=ROUND_HALF_UP)
        assert float(rounded) == printed.value, (printed.words, value)


def test_no_verdict_on_a_figure_not_given(loaded):
    figures, _, _, _, _, results = loaded
    for table, column in figures.unknown:
        t = results.tables[table]
        rows = [_row(figures, t)] if table != "ngan_sach_thu_chi" else range(len(t.frame))
        for i in rows:
            assert t.text(i, column) == vn.GAP, (table, column, i)
    text = " ".join(report.section_content(figures.template, results).paragraphs)
    assert "[x]" in text or "Chưa có số liệu" in text or "chưa có số liệu" in text
    if figures.template == "ngan_sach":
        (year,) = figures.figures["nam"].values()
        assert "(tỷ lệ theo báo cáo của đơn vị)" in text and f"số liệu tính đến {vn.day(year['tinh_den'])}" in text
        assert "«Thu NSNN trên địa bàn: dự toán tỉnh giao»" in text
        printed = figures.rates[0]
        assert f"bằng {vn.percent(printed.value, printed.decimals)} dự toán tỉnh giao (tỷ lệ" in text
        if "thu_dia_ban_thuc_hien" not in year:  # a rate printed without its amount: the amount is named as missing
            assert "«Thu NSNN trên địa bàn: thực hiện»" in text and "thực hiện [x]" not in text
    elif "da_xu_ly" not in figures.figures["tong_hop"]:
        assert "đã xử lý" not in text and f"số cơ sở nhà, đất dôi dư của xã: {vn.GAP}" in text
        assert f"còn {vn.number(figures.figures['tong_hop']['con_phai_xu_ly'])} cơ sở phải tiếp tục xử lý" in text
    else:
        assert "đã xử lý 19.658 cơ sở (78,2%)" in text and "«Đang xử lý»" in text


def test_sets_cite_their_sources():
    assert len({s.template for s in SETS}) == 2 and len(SETS) >= 4
    for s in SETS:
        assert s.url.startswith("https://") and s.title and s.published_on and s.notes
        assert s.cutoff >= s.start.replace(month=7, day=1) and s.start.year == 2025
        fields = {f.key for sheet in CATALOG[s.template].sheets for f in sheet.fields}
        typed = {k for v in s.figures.values() for k in (v if s.template == "tai_san" else
                                                          {k for y in v.values() for k in y})}
        assert typed <= fields

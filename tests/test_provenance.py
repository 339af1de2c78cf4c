"""Provenance: a printed figure traced to the cells it is computed from (issue 16, item 1).

On the demo build (real .xlsx through the ingest into a real DuckDB): for an inline rate of the
report, an annex cell and a chart point, `explain` lists exactly the cells a hand computation
reads from the workbooks themselves (openpyxl), and their values reproduce the printed figure.
"""

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.__main__ import main
from pipeline.core import paths, vn
from pipeline.core.config import load
from pipeline.outputs import annex, indicators, provenance, rates, templates
from pipeline.outputs.report import section_content
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.topics.tthc.charts import CHARTS
from pipeline.topics.tthc.template import EXTRA_FIELDS


@pytest.fixture(scope="module")
def built(demo_build):
    inputs, outputs = demo_build
    config = load(inputs / paths.CONFIG_NAME)
    con = warehouse.connect(outputs, read_only=True)
    yield con, config, outputs
    con.close()


def _column_cells(outputs: Path, file_name: str, sheet: str, label: str, rows: set[int] | None = None) -> dict:
    """A1 → value of the filled cells under the header «label» of a received workbook (by hand)."""
    path = next((outputs / "demo_inputs").rglob(file_name))
    ws = load_workbook(path, data_only=True)[sheet]
    header = next(r for r in ws.iter_rows() if any(c.value == label for c in r))
    col = next(c for c in header if c.value == label)
    out = {}
    for row in ws.iter_rows(min_row=col.row + 1, min_col=col.column, max_col=col.column):
        cell = row[0]
        if isinstance(cell.value, int | float) and (rows is None or cell.row in rows):
            out[cell.coordinate] = cell.value
    return out


def _by_field(found: provenance.Explanation, known: bool = False) -> dict[str, dict[str, float]]:
    """Field → cell → value; known: only the cells holding a value (a blank cell adds nothing, e.g.
    the staffing sheet's «Toàn …» row left blank when the bodies' rows make the whole)."""
    out: dict[str, dict[str, float]] = {}
    for c in found.cells:
        if known and c.value is None:
            continue
        out.setdefault(c.field, {})[f"{c.file_name}›{c.sheet}!{c.a1}"] = c.value
    return out


def _hand(outputs: Path, found: provenance.Explanation, field: str, template_id: str, sheet_key: str,
          rows: set[int] | None = None) -> dict[str, float]:
    sheet = next(s for s in indicators.CATALOG[template_id].sheets if s.key == sheet_key)
    label = next(c.header for c in sheet.columns if c.key == field)
    files = {c.file_name for c in found.cells}
    return {f"{f}›{sheet.name}!{a1}": v for f in files for a1, v in _column_cells(outputs, f, sheet.name, label, rows).items()}


def test_inline_rate_lists_the_cells_that_reproduce_it(built):
    con, config, outputs = built
    rate = rates.get("ty_le_truc_tuyen")
    results = indicators.compute(con, config)
    printed = section_content("tthc", results).values["tthc_ty_le_truc_tuyen"]
    found = provenance.explain(con, config, "tthc_ty_le_truc_tuyen", {"tthc_ty_le_truc_tuyen": (printed, "tthc")})
    cells = _by_field(found)
    assert set(cells) == {"nhan_truc_tuyen", "nhan_truc_tiep"}  # the equivalents' first ways, both known
    for field, listed in cells.items():
        assert listed == _hand(outputs, found, field, "tthc", "ho_so"), field
    online, direct = sum(cells["nhan_truc_tuyen"].values()), sum(cells["nhan_truc_tiep"].values())
    assert printed == vn.percent(rates._round(100 * online / (online + direct)), 2)
    assert found.value == vn.number(rates._round(100 * online / (online + direct)), 2)
    assert rate.label in found.text() and f"{templates.filename(CATALOG['tthc'], config.unit('TTPVHCC'))} › TTHC!F" in found.text()  # «Tiếp nhận mới – Trực tuyến»


def test_annex_cell_staff_total(built):
    con, config, outputs = built
    found = provenance.explain(con, config, "nhan_su_theo_co_quan:hien_co:Cộng")
    listed = _by_field(found, known=True)
    assert set(listed) == {"hien_co"}
    assert listed["hien_co"] == _hand(outputs, found, "hien_co", "nhan_su", "can_bo")
    wb = load_workbook(outputs / paths.ANNEX, data_only=True)
    t = indicators.table(con, "nhan_su_theo_co_quan", config)
    ws = wb[annex.sheet_name(list(indicators.names()).index("nhan_su_theo_co_quan") + 1)]
    column = [c.header for c in t.columns].index(next(c.header for c in t.columns if c.key == "hien_co")) + 1
    total_row = next(r for r in ws.iter_rows() if r[0].value == "Cộng")
    assert total_row[column - 1].value == sum(listed["hien_co"].values())
    assert found.value == vn.number(sum(listed["hien_co"].values()))


def test_chart_point_one_month_online(built):
    con, config, outputs = built
    chart = next(c for c in CHARTS if c.name == "tthc_ho_so_theo_thang")
    t = indicators.table(con, chart.table, config)
    month = str(t.value(2, chart.category))
    point = t.value(2, chart.series[0].key)  # the bar the chart draws for that month
    found = provenance.explain(con, config, f"{chart.table}:{chart.series[0].key}:{month}")
    listed = _by_field(found)[chart.series[0].key]
    month_rows = {int(c.a1.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for c in
                  provenance.explain(con, config, f"{chart.table}:thang:{month}").cells}
    assert listed == _hand(outputs, found, chart.series[0].key, "tthc", "ho_so", month_rows)
    blank = len(EXTRA_FIELDS)  # the month's «Tất cả lĩnh vực» and own rows, left blank by the demo
    assert len(listed) == len(month_rows) - blank and sum(listed.values()) == point


def test_unknown_name_and_cli(built, capsys):
    con, config, outputs = built
    with pytest.raises(provenance.Unknown, match="Không có bảng"):
        provenance.explain(con, config, "khong_co")
    config_file = str(outputs.parent / "inputs" / paths.CONFIG_NAME)
    assert main(["--config", config_file, "explain", "ns_hien_co", "--outputs", str(outputs)]) == 0
    text = capsys.readouterr().out
    assert "Số hiện có" in text and "Nhân sự!C" in text and "gửi lúc" in text
    assert main(["--config", config_file, "explain", "khong_co", "--outputs", str(outputs)]) == 2
    assert "Không có bảng, chỉ số hay trường báo cáo tên «khong_co»" in capsys.readouterr().err


def test_annex_sources_sheet(built):
    con, config, outputs = built
    ws = load_workbook(outputs / paths.ANNEX)[annex.SOURCES]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=4)}
    staff = rows[indicators.query("nhan_su_theo_co_quan").title]
    files = con.execute("SELECT file_name FROM current_submissions WHERE template_id = 'nhan_su'").fetchall()
    assert staff[2].value == indicators.CATALOG["nhan_su"].title
    assert {line.split(" (")[0] for line in staff[4].value.split("\n")} == {f for (f,) in files}
    assert len(rows) == len(indicators.names())


def test_sheet_columns_are_stored_with_the_facts(built):
    con, _, _ = built
    # every loaded sheet of every accepted file has one column letter per field
    missing = con.execute("""SELECT count(*) FROM current_submissions s WHERE NOT EXISTS
                             (SELECT 1 FROM sheet_columns c WHERE c.submission_id = s.submission_id)""").fetchall()
    assert missing == [(0,)]


def test_a_moved_column_is_traced_to_where_it_was_read(built, workdir, tmp_path):
    """A unit swapped two columns: the reader reads by header, and the cells named are the ones
    the figures were read from (column B), not the template's (column C)."""
    from pipeline.store import ingest

    _, config, outputs = built
    inputs, fresh = workdir
    source = next((outputs / "demo_inputs").rglob(templates.filename(CATALOG["nhan_su"], config.unit("VHXH"))))
    wb = load_workbook(source)
    ws = wb["Nhân sự"]
    for row in ws.iter_rows(min_col=2, max_col=3):
        row[0].value, row[1].value = row[1].value, row[0].value
    wb.save(inputs / source.name)
    summary = ingest.run(inputs, fresh, config, demo_set=True)
    assert [r.status for r in summary.received[0:1] for r in [r.report]] == ["warnings"]
    con = warehouse.connect(fresh, read_only=True)
    try:
        found = provenance.explain(con, config, "nhan_su_theo_co_quan:hien_co:Cộng")
    finally:
        con.close()
    assert found.cells and {c.a1[0] for c in found.cells} == {"B"}
    back = load_workbook(inputs / source.name, data_only=True)["Nhân sự"]
    assert all(back[c.a1].value == c.value for c in found.cells)
    assert found.value == vn.number(sum(c.value for c in found.cells if c.value is not None))


def test_a_rate_with_stocks_takes_them_at_the_last_month(built):
    """ty_le_dung_han: flows add up over the months, the dossiers still open only at the last one."""
    con, config, _ = built
    found = provenance.explain(con, config, "ty_le_dung_han")
    cells = {f: sum(v.values()) for f, v in _by_field(found).items()}
    t = indicators.table(con, "tthc_theo_thang", config)
    months = [str(t.value(i, "thang")) for i in range(len(t.frame)) if t.value(i, "thang") != "Cộng"]
    last_rows = {c.a1 for c in provenance.explain(con, config, f"tthc_theo_thang:thang:{months[-1]}").cells}
    stock_cells = {c.a1.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for c in found.cells if c.field in rates.STOCKS}
    assert stock_cells and stock_cells <= {a1.lstrip("A") for a1 in last_rows}
    done = cells["giai_quyet_truoc_han"] + cells["giai_quyet_dung_han"]
    expected = rates._round(100 * (done + cells["dang_trong_han"]) / (cells["giai_quyet_tong"] + cells["dang_tong"]))
    assert found.value == vn.number(expected, 2)


def test_explain_on_a_warehouse_without_cell_positions(workdir, capsys):
    """A warehouse of schema 1 (no sheet_columns) read before its rebuild: a Vietnamese message."""
    import duckdb

    inputs, outputs = workdir
    con = duckdb.connect(str(outputs / paths.WAREHOUSE))
    for statement in warehouse.ddl():
        if "sheet_columns" not in statement:
            con.execute(statement)
    con.close()
    assert main(["--config", str(inputs / paths.CONFIG_NAME), "explain", "ty_le_truc_tuyen",
                 "--outputs", str(outputs)]) == 1
    assert "chưa có vị trí ô của số liệu" in capsys.readouterr().err


def test_a_monthly_rate_point_and_a_count_placeholder(built):
    """The line chart's online rate for one month, and «tthc_tiep_nhan» (an equivalent figure's
    total): their cells reproduce them."""
    con, config, _ = built
    t = indicators.table(con, "tthc_theo_thang", config)
    month = str(t.value(1, "thang"))
    found = provenance.explain(con, config, f"tthc_theo_thang:ty_le_truc_tuyen:{month}")
    sums = {f: sum(v.values()) for f, v in _by_field(found).items()}
    assert set(sums) == {"nhan_truc_tuyen", "nhan_truc_tiep"}
    rate = rates._round(100 * sums["nhan_truc_tuyen"] / (sums["nhan_truc_tuyen"] + sums["nhan_truc_tiep"]))
    assert rate == t.value(1, "ty_le_truc_tuyen") and found.value == vn.number(rate, 2)
    results = indicators.compute(con, config)
    printed = section_content("tthc", results).values["tthc_tiep_nhan"]
    found = provenance.explain(con, config, "tthc_tiep_nhan", {"tthc_tiep_nhan": (printed, "tthc")})
    assert {c.field for c in found.cells} == {"nhan_truc_tuyen", "nhan_truc_tiep"}
    assert printed == vn.number(sum(c.value for c in found.cells))


def test_a_cell_is_shown_as_the_unit_typed_it():
    from datetime import date

    assert provenance.shown(1234.5) == "1.234,5" and provenance.shown(0.125) == "0,125"
    assert provenance.shown(12) == "12" and provenance.shown(3.0) == "3"
    assert provenance.shown(date(2025, 7, 1)) == "01/07/2025" and provenance.shown(None) == "trống (chưa biết)"

"""pipeline.analysis: read-only access, catalog labels, indicators by name, problems, outliers,
and the guide's schema reference (docs/phan-tich.md) generated from the catalog."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from pipeline import analysis
from pipeline.core import paths, words
from pipeline.outputs import indicators, templates
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from tests import notebook_data


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> notebook_data.DemoWarehouse:
    return notebook_data.build(tmp_path_factory.mktemp("analysis"))


def _files(config) -> int:
    """The demo set's files: one per unit and template it fills."""
    return sum(len(u.templates) for u in config.units)


@pytest.fixture
def wh(demo):
    with analysis.open(demo.outputs, config=demo.config) as handle:
        yield handle


def test_missing_warehouse_says_to_run_make_all_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(analysis.OUTPUTS_ENV, raising=False)
    with pytest.raises(analysis.WarehouseMissing) as caught:
        analysis.open(tmp_path)
    assert "make all" in str(caught.value) and "Chưa có kho dữ liệu" in str(caught.value)
    assert not (tmp_path / warehouse.DB_NAME).exists()


def test_the_warehouse_is_found_from_the_argument_the_environment_or_outputs(demo, monkeypatch):
    monkeypatch.delenv(analysis.OUTPUTS_ENV, raising=False)
    assert analysis.db_path() == paths.OUTPUTS / warehouse.DB_NAME
    assert analysis.db_path(demo.outputs) == demo.db
    assert analysis.db_path(demo.db) == demo.db
    monkeypatch.setenv(analysis.OUTPUTS_ENV, str(demo.outputs))
    monkeypatch.setenv(analysis.CONFIG_ENV, str(demo.config.path))
    with analysis.open() as wh:
        assert wh.path == demo.db
        assert wh.config.commune == demo.config.commune
        assert len(wh.submissions()) == _files(demo.config)


def test_read_only(wh):
    with pytest.raises(duckdb.Error):
        wh.sql("create table scratch (a int)")
    with pytest.raises(duckdb.Error):
        wh.sql("delete from submissions")


def test_no_connection_is_held_between_calls(wh, demo):
    assert len(wh.submissions()) == _files(demo.config)
    writer = duckdb.connect(str(demo.db))  # would fail while a read-only instance holds the file
    writer.close()
    with wh.connect() as con:
        assert con.execute("select count(*) from problems").fetchall() == [(4,)]  # see the test below


def test_a_cleaned_outputs_dir_is_reported_not_recreated(demo, tmp_path):
    db = tmp_path / warehouse.DB_NAME
    db.write_bytes(demo.db.read_bytes())
    wh = analysis.open(tmp_path, config=demo.config)
    db.unlink()
    with pytest.raises(analysis.WarehouseMissing, match="make all"):
        wh.submissions()
    assert not db.exists()


def test_submissions_carry_unit_names_titles_and_vietnamese_states(wh, demo):
    frame = wh.submissions()
    assert set(frame["status"]) == {"accepted", "warnings", "rejected"}
    assert set(frame["status_text"]) == {words.STATUS[s] for s in ("accepted", "warnings", "rejected")}
    tthc = frame[frame["template_id"] == "tthc"].iloc[0]
    assert tthc["unit_name"] == demo.config.owners("tthc")[0].name
    assert tthc["template_title"] == CATALOG["tthc"].title
    labelled = wh.submissions(labels=True)
    assert {"Tên tệp", "Đơn vị", "Biểu mẫu", "Kết quả", "Số cảnh báo"} <= set(labelled.columns)
    assert "status" not in labelled.columns
    current = wh.submissions(current=True)
    assert len(current) == _files(demo.config) - 1 and "rejected" not in set(current["status"])


def test_problems_filtered_by_severity_and_state(wh, demo):
    rejected = wh.problems(status="rejected")
    assert len(rejected) == 1
    row = rejected.iloc[0]
    assert row["severity"] == "Lỗi" and row["value"] == notebook_data.REJECTED[3]
    assert row["field"] == CATALOG["ngan_sach"].sheet("thu_chi").column("du_toan").label
    warnings = wh.problems(severity="warning", status=analysis.ACCEPTED)
    assert set(warnings["file_name"]) == {templates.filename(CATALOG["tthc"], demo.config.unit("TTPVHCC"))}
    # the planted warning, and the planted outlier (OUTLIER) flagged at intake in the total and its part
    assert len(warnings) == 3 and sum("khác xa các tháng khác" in r for r in warnings["rule"]) == 2
    assert len(wh.problems()) == 4
    assert len(wh.problems(current=True)) == 3
    assert "Cách sửa" in wh.problems(labels=True).columns


def test_data_headers_come_from_the_catalog(wh):
    sheet = CATALOG["tthc"].sheet("ho_so")
    raw = wh.data("tthc", "ho_so")
    assert list(raw.columns) == ["submission_id", "unit_code", "row_number", *[c.key for c in sheet.columns]]
    assert len(raw) == len(sheet.rows(wh.config))
    labelled = wh.data("tthc", "ho_so", labels=True)
    assert list(labelled.columns)[3:] == [c.header for c in sheet.columns]
    assert analysis.labels("tthc", "ho_so")["nhan_truc_tuyen"] == sheet.column("nhan_truc_tuyen").header
    assert list(wh.data("nhan_su").columns) == list(wh.data("nhan_su", "can_bo").columns)  # first sheet
    month, field_of_work, column, extra = notebook_data.OUTLIER
    row = raw[(raw["thang"] == month) & (raw["linh_vuc"] == field_of_work)]
    assert int(row[column].iloc[0]) > extra


def test_data_of_an_unsent_template_is_empty_and_history_keeps_every_accepted_file(wh):
    assert wh.data(*notebook_data.UNSENT[:1]).empty
    assert len(wh.data("ngan_sach", history=True)) == len(wh.data("ngan_sach"))  # the rejected one is not loaded


def test_unknown_names_get_a_vietnamese_message(wh):
    with pytest.raises(KeyError, match="Không có biểu"):
        wh.data("khong_co")
    with pytest.raises(KeyError, match="không có trang"):
        wh.data("tthc", "khong_co")


def test_indicators_are_the_pipelines_own(wh, demo):
    assert list(wh.indicators()["name"]) == indicators.names()
    con = duckdb.connect(str(demo.db), read_only=True)
    try:
        expected = indicators.run(con, "tthc_theo_thang")
    finally:
        con.close()
    pd.testing.assert_frame_equal(wh.indicator("tthc_theo_thang"), expected)
    labelled = wh.indicator("tthc_theo_thang", labels=True)
    table = wh.indicator_table("tthc_theo_thang")
    assert list(labelled.columns) == [c.header for c in table.columns]
    assert labelled.attrs["title"] == table.query.title
    printed = wh.indicator("tthc_theo_thang", formatted=True)
    total = printed.iloc[-1]
    assert total.iloc[0] == "Cộng"
    header = {c.key: c.header for c in table.columns}
    assert total[header["nhan_trong_ky"]] == table.text(len(table.frame) - 1, "nhan_trong_ky")
    assert "," in total[header["ty_le_truc_tuyen"]]  # decimal comma


def test_is_demo_then_indicator_on_the_same_handle(wh):
    assert wh.is_demo()
    assert not wh.indicator("ngan_sach_thu_chi").empty


def test_missing_units_from_the_configuration(wh):
    missing = wh.missing_units()
    assert list(zip(missing["template_id"], missing["unit_code"], strict=True)) == [notebook_data.UNSENT]
    assert missing["unit_name"].iloc[0] == wh.config.unit(notebook_data.UNSENT[1]).name


def test_tables_lists_every_catalog_table_and_view(wh):
    tables = wh.tables()
    names = set(tables["table"])
    for template in CATALOG.values():
        for sheet in template.sheets:
            assert {f"{template.id}_{sheet.key}", f"cur_{template.id}_{sheet.key}"} <= names
    assert int(tables.loc[tables["table"] == "submissions", "rows"].iloc[0]) == _files(wh.config)


def test_outliers_find_the_injected_month(wh):
    found = analysis.outliers(wh.data("tthc", "ho_so"), ["nhan_truc_tiep"], by=["linh_vuc"])
    month, field_of_work, column, _ = notebook_data.OUTLIER
    first = found.iloc[0]
    assert (first["thang"], first["linh_vuc"], first["field"]) == (month, field_of_work, column)
    assert first["robust_z"] > 3.5


def test_robust_z():
    assert list(analysis.robust_z(pd.Series([5, 5, 5, 5]))) == [0, 0, 0, 0]
    z = analysis.robust_z(pd.Series([10, 11, 9, 10, 12, 10, 50]))
    assert z.iloc[-1] > 3.5 and abs(z.iloc[0]) < 1
    z = analysis.robust_z(pd.Series([3, 3, 3, 3, 3, 30]))  # MAD is 0: mean deviation stands in
    assert z.iloc[-1] > 3.5 and z.iloc[0] == 0
    flat = pd.DataFrame({"g": ["a"] * 3, "v": [1, 1, 1]})
    assert analysis.outliers(flat, ["v"], by=["g"]).empty  # too few values


def test_show_prints_numbers_the_vietnamese_way():
    frame = pd.DataFrame({"Tên": ["a", "b"], "Số": [1234, 5], "Tỷ lệ": [97.84, None]})
    html = analysis.show(frame).to_html()
    assert ">1.234<" in html and ">97,8<" in html and ">[x]<" in html


def test_schema_markdown_is_derived_from_the_warehouse_and_catalog():
    text = analysis.schema_markdown()
    for template in CATALOG.values():
        for sheet in template.sheets:
            table = warehouse.table_name(template.id, sheet.key)
            assert f"`{table}`" in text and f"`cur_{table}`" in text
            for column in sheet.columns:
                assert f"| `{column.key}` | {warehouse.SQL_TYPES[column.type]} | {column.header}" in text
    for column in warehouse.SUBMISSION_COLUMNS:
        assert f"| `{column}` |" in text and column in analysis.COLUMN_TEXT
    for column in warehouse.PROBLEM_COLUMNS:
        assert column in analysis.COLUMN_TEXT


def test_schema_command_prints_the_reference(capsys):
    assert analysis.main(["schema"]) == 0
    assert capsys.readouterr().out == analysis.schema_markdown()
    assert analysis.main(["nonsense"]) == 2

"""Archives as communes hold them (issue 22): the figures of all fonds together («đã chỉnh lý
120 mét giá, số hóa 50.000 trang»), a total without its parts, an entirely blank sheet refused,
and a version-1 file carried over. Real .xlsx written and read back, a real DuckDB warehouse."""

from __future__ import annotations

from pipeline import demo
from pipeline.checks import validate
from pipeline.core.model import fill
from pipeline.intake import versions
from pipeline.outputs import indicators, templates
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from pipeline.topics.so_hoa import template as so_hoa

SO_HOA_V1 = "3d09b7f5176d56dc"  # the fingerprint version-1 files carry (code before this revision)


def _write(config, folder, by_row: dict[str, dict]):
    template = CATALOG["so_hoa"]
    unit = config.owners("so_hoa")[0]
    rows = template.sheet("phong").rows(config)
    assert set(by_row) <= {r[0] for r in rows}, by_row
    path = folder / templates.filename(template, unit)
    templates.workbook(template, unit, config, {"phong": [by_row.get(r[0], {}) for r in rows]}).save(path)
    return path


def _table(inputs, outputs, config):
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    with warehouse.connect(outputs) as con:
        return indicators.compute(con, config).tables["so_hoa_theo_phong"]


def test_the_figures_of_all_fonds_together_are_an_archive_file(config, workdir):
    inputs, outputs = workdir
    whole = fill(so_hoa.WHOLE, config)
    path = _write(config, inputs, {whole: {"chinh_ly_hoan_chinh": 120, "trang_so_hoa": 50000}})
    assert validate.check_file(path, config).status == "accepted"
    t = _table(inputs, outputs, config)
    total = t.row("Cộng")
    assert (t.value(total, "chinh_ly_hoan_chinh"), t.value(total, "trang_so_hoa")) == (120, 50000)
    assert t.text(total, "ty_le_chinh_ly") == "[x]" and t.text(total, "ty_le_so_hoa") == "[x]"
    note = t.value(total, "ghi_chu")
    assert '"Tổng tài liệu giấy"' in note and '"Kế hoạch số hóa"' in note and '"Đã số hóa"' not in note
    assert config.owners("so_hoa")[0].name in note


def test_a_total_without_its_parts_and_parts_checked_on_what_is_filled(config, tmp_path):
    fonds = config.fonds[0]
    for given, status, words in (
        ({"tong_met_gia": 80.5}, "accepted", None),
        ({"tong_met_gia": 80.5, "chinh_ly_hoan_chinh": 50}, "accepted", None),
        ({"tong_met_gia": 80.5, "chinh_ly_hoan_chinh": 50, "chinh_ly_so_bo": 10, "chua_chinh_ly": 20},
         "warnings", "thấp hơn tổng tài liệu 0,5 mét giá"),
        ({"tong_met_gia": 80.5, "chinh_ly_hoan_chinh": 70, "chua_chinh_ly": 20}, "rejected",
         "vượt tổng tài liệu 9,5 mét giá"),
    ):
        report = validate.check_file(_write(config, tmp_path, {fonds: given}), config)
        assert report.status == status, report.text()
        if words:
            assert words in report.problems[0].rule, report.text()


def test_an_entirely_blank_archive_sheet_is_refused(config, tmp_path):
    report = validate.check_file(_write(config, tmp_path, {}), config)
    assert report.status == "rejected" and "chưa có số liệu" in report.errors[0].rule, report.text()


def test_a_version_1_archive_file_is_carried_over(config, workdir):
    inputs, outputs = workdir
    old = versions.shape(CATALOG["so_hoa"], 1)
    assert old.fingerprint == SO_HOA_V1
    unit = config.owners("so_hoa")[0]
    data = demo.data_for("so_hoa", config, unit.code)["phong"]
    assert len(data) == len(config.fonds)
    path = inputs / templates.filename(old, unit)
    templates.workbook(old, unit, config, {"phong": data}).save(path)
    report = validate.check_file(path, config)
    assert report.status == "warnings" and len(report.problems) == 1, report.text()
    assert f"thêm dòng «{fill(so_hoa.WHOLE, config)}»" in report.problems[0].rule
    t = _table(inputs, outputs, config)
    assert t.value(t.row("Cộng"), "trang_so_hoa") == sum(r["trang_so_hoa"] for r in data)

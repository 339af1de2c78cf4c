"""Outlier warnings at intake (DHIS2 min–max style): a figure far from the unit's other periods is
warned about at its cell with the usual range, the file accepted; blanks never count; too few known
periods, small figures, the demo set and the real published sets raise none. Real .xlsx files."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import numpy as np
import pytest
from openpyxl.utils import get_column_letter

from pipeline import demo
from pipeline.checks import outliers, validate
from pipeline.core import layout, vn
from pipeline.core.model import Outliers
from pipeline.topics import CATALOG
from pipeline.topics.ngan_sach import demo as ngan_sach_demo
from pipeline.topics.ngan_sach import template as ngan_sach
from pipeline.topics.tthc import demo as tthc_demo
from pipeline.topics.tthc import template as tthc
from tests.real_figures import SETS, config_for, workbook_for
from tests.receive_util import filled

DOSSIERS = tthc.dossiers
FIRST = layout.FIRST_DATA_ROW
PER_MONTH = len(tthc.FIELDS_OF_WORK)
MARK = "khác xa"


def col(key: str, sheet=DOSSIERS) -> str:
    return get_column_letter([c.key for c in sheet.columns].index(key) + 1)


def row(month: int, field: int = 0) -> int:
    """Excel row of a month (0 = the first reporting month) and a field of work (0 = Hộ tịch)."""
    return FIRST + month * PER_MONTH + field


def found(report) -> list:
    return [p for p in report.warnings if MARK in p.rule]


def check(config, folder, edit, template="tthc"):
    return validate.check_file(filled(config, template, folder, name=f"{template}_x.xlsx", edit=edit), config)


def months(config) -> int:
    return len(config.reporting_months)


def test_a_month_ten_times_the_others_is_warned_at_its_cell_with_the_range(config, tmp_path):
    key, month = "nhan_tong", 3
    seen = {}

    def edit(wb):
        ws = wb[DOSSIERS.name]
        others = [ws[f"{col(key)}{row(m)}"].value for m in range(months(config)) if m != month]
        seen.update(low=min(others), high=max(others), value=ws[f"{col(key)}{row(month)}"].value * 10)
        ws[f"{col(key)}{row(month)}"] = seen["value"]
    report = check(config, tmp_path, edit)
    assert report.status == "warnings", report.text()  # accepted: a warning, never an error
    (warning,) = found(report)
    assert (warning.sheet, warning.cell, warning.field) == (DOSSIERS.name, f"{col(key)}{row(month)}",
                                                            DOSSIERS.column(key).label)
    period = vn.month(config.reporting_months[month][0])
    assert (f"tháng {period} ({vn.number(seen['value'])} hồ sơ) khác xa các tháng khác của đơn vị "
            f"(thường từ {vn.number(seen['low'])} đến {vn.number(seen['high'])} hồ sơ)") in warning.rule
    assert "lĩnh vực Hộ tịch" in warning.rule and "ghi rõ lý do" in warning.rule
    assert warning.group and vn.number(seen["value"]) not in warning.group  # counted by rule, not figure


def test_a_middle_month_far_below_is_warned_but_not_a_partial_first_or_last_month(config, tmp_path):
    key = "nhan_truc_tiep"
    last = months(config) - 1

    def edit(wb):
        ws = wb[DOSSIERS.name]
        for m in (0, 4, last):
            ws[f"{col(key)}{row(m)}"] = 2
    report = check(config, tmp_path, edit)
    assert not report.errors, report.text()
    assert [p.cell for p in found(report)] == [f"{col(key)}{row(4)}"]


def test_blanks_never_count_as_zero(config, tmp_path):
    # Three months known, the rest blank: counted as 0 the median would be 0 and the known months alarm.
    key = "nhan_truc_tiep"

    def edit(wb):
        ws = wb[DOSSIERS.name]
        for m in range(4, months(config)):
            ws[f"{col(key)}{row(m)}"] = None
    report = check(config, tmp_path, edit)
    assert not report.errors, report.text()
    assert found(report) == []


def test_too_few_known_months_give_no_warning_and_enough_do(config, tmp_path):
    key = "nhan_truc_tiep"

    def keep(known: int):
        def edit(wb):
            ws = wb[DOSSIERS.name]
            for m in range(known + 1, months(config)):
                ws[f"{col(key)}{row(m)}"] = None
            ws[f"{col(key)}{row(0)}"] = ws[f"{col(key)}{row(0)}"].value * 10
        return edit
    assert found(check(config, tmp_path, keep(2))) == []  # 2 other known months: not enough
    assert [p.cell for p in found(check(config, tmp_path, keep(3)))] == [f"{col(key)}{row(0)}"]


def test_small_figures_never_alarm(config, tmp_path):
    # «Văn hóa – Thể thao»: a few dossiers a month; 9 in one month is not an outlier.
    field = tthc.FIELDS_OF_WORK.index("Văn hóa – Thể thao")

    def edit(wb):
        ws = wb[DOSSIERS.name]
        for m in range(months(config)):
            ws[f"{col('nhan_truc_tuyen')}{row(m, field)}"] = 0 if m else 9
    assert found(check(config, tmp_path, edit)) == []


def test_the_rule_itself():
    rule = Outliers(by="thang", fields=("x",))
    nan = np.nan

    def judged(*values):
        return [hit[1:] for hit in outliers.judge(np.array([values], dtype=float), rule)]
    assert judged(100, 120, 1200, 110, 90) == [(2, 105.0, 90.0, 120.0)]
    assert judged(100, nan, 1200, nan, 90) == []  # 2 others known
    assert judged(nan, 0, 0, 40, 0, nan) == []  # floor: 40 ≤ 5 × 10
    assert judged(nan, 0, 0, 60, 0, nan) == [(3, 0.0, 0.0, 0.0)]
    # two high months: each sees the other, yet the median of the others keeps both found
    assert [i for i, *_ in judged(100, 1000, 1000, 110, 90, 95)] == [1, 2]
    # rows are judged apart: a row's figures never count for another row
    assert [hit[:2] for hit in outliers.judge(np.array([[100, 100, 100, 900], [900, 900, 900, 900.0]]), rule)] \
        == [(0, 3)]


def test_a_budget_estimate_typed_in_thousands_is_warned(config, tmp_path):
    sheet = ngan_sach.lines
    letter = col("du_toan", sheet)
    per_year = len(ngan_sach.LINES)
    line = [code for code, _ in ngan_sach.LINES].index("A.1.1")
    target = f"{letter}{FIRST + per_year + line}"  # the second year's «Phí, lệ phí»

    def edit(wb):
        ws = wb[sheet.name]
        ws[target] = ws[target].value * 1000
    report = check(config, tmp_path, edit, "ngan_sach")
    assert [p.cell for p in found(report)] == [target], report.text()
    assert f"năm {config.years[1]}" in found(report)[0].rule and "triệu đồng" in found(report)[0].rule


@pytest.mark.parametrize("template_id", list(CATALOG))
def test_the_demo_set_raises_no_outlier_warning(config, tmp_path, template_id):
    for unit in config.owners(template_id):
        path = filled(config, template_id, tmp_path, unit_code=unit.code)
        report = validate.check_file(path, config)
        assert found(report) == [], report.text()


@pytest.mark.parametrize("figures", SETS, ids=[s.key for s in SETS])
def test_real_published_sets_raise_no_outlier_warning(figures, tmp_path):
    config = config_for(figures, tmp_path / "inputs")
    report = validate.check_file(workbook_for(figures, config, tmp_path / "inputs"), config)
    assert found(report) == [], report.text()


def test_a_portal_upload_shows_the_outlier_warning_at_once(site):
    from tests.web_util import demo_bytes, sign_in, text_of, upload

    config, key, month = site.config, "nhan_tong", 2
    data = demo.data_for("tthc", config, "TTPVHCC")
    rows = data["ho_so"]
    others = [rows[m * PER_MONTH][key] for m in range(months(config)) if m != month]
    rows[month * PER_MONTH][key] *= 10
    client, token = sign_in(site, "TTPVHCC")
    response = upload(client, token, ("tthc.xlsx", demo_bytes(config, "TTPVHCC", "tthc", data)))
    page = text_of(response.text)
    assert "Đã nhận, có cảnh báo" in page
    assert f">{col(key)}{row(month)}<" in response.text
    assert (f"khác xa các tháng khác của đơn vị (thường từ {vn.number(min(others))} đến "
            f"{vn.number(max(others))} hồ sơ)") in page


@pytest.mark.parametrize("start", [date(2025, 7, 1), date(2025, 11, 1), date(2025, 12, 1)])
def test_demo_figures_of_many_units_and_periods_raise_none(config, start):
    # The demo's random spread between months and years (and a first budget year of one month)
    # stays inside the rule: 100 seeded units per period, every declared figure.
    cfg = dataclasses.replace(config, start=start, cutoff=date(start.year + 1, start.month, 1) - timedelta(days=1))
    for seed in range(100):
        for template, demo_figures, key in ((tthc, tthc_demo, "ho_so"), (ngan_sach, ngan_sach_demo, "thu_chi")):
            sheet = template.TEMPLATE.sheet(key)
            rows = demo_figures.figures(cfg, random.Random(seed), "X", lambda _: None)[key]
            per_period = len(rows) // len(sheet.periods(sheet.outliers.by, cfg))  # TTHC's demo: months only
            for field in sheet.outliers.fields:
                matrix = np.array([r[field] for r in rows], dtype=float).reshape(-1, per_period).T
                assert outliers.judge(matrix, sheet.outliers) == [], (start, seed, field)


def test_every_declaration_names_a_key_and_figures_of_its_sheet():
    declared = [(t.id, s) for t in CATALOG.values() for s in t.sheets if s.outliers]
    assert {(t, s.key) for t, s in declared} >= {("tthc", "ho_so"), ("ngan_sach", "thu_chi")}
    for _, sheet in declared:
        assert sheet.outliers.by in [k.key for k in sheet.keys] and sheet.rows is not None
        assert sheet.outliers.fields and all(sheet.column(k) in sheet.fields and sheet.column(k).numeric
                                             for k in sheet.outliers.fields)
        assert sheet.outliers.others >= 1 and sheet.outliers.factor > 1

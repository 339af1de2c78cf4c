"""The II.1, II.2, II.6 and II.7 templates: fields with validations in the workbook, and demo
data that satisfies every declared rule, condition, empty-list flag and cross-check.

The rules are evaluated here by a small evaluator on the workbooks read back from disk
(blank is not zero); pipeline/validate.py is the production checker.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import demo
from pipeline.core.layout import FIRST_DATA_ROW, HEADER_ROW
from pipeline.core.model import PERIOD_DATES, Rule, Sheet, Template, period_dates
from pipeline.outputs import templates
from pipeline.topics import CATALOG, CROSS_CHECKS

TOPICS = ("lanh_dao", "phan_cap", "tai_san", "ha_tang_so")
OPS = {"==": lambda a, b: math.isclose(a, b, abs_tol=0.01), "<=": lambda a, b: a <= b + 1e-9,
       ">=": lambda a, b: a >= b - 1e-9, "<": lambda a, b: a < b, ">": lambda a, b: a > b}


def read_rows(ws, sheet: Sheet, config) -> list[dict]:
    """Rows of a sheet as {field key: value}; a free list ends at its last non-blank row."""
    fixed = sheet.rows(config) if sheet.rows else None
    count = len(fixed) if fixed is not None else sheet.max_rows
    rows = []
    for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + count):
        values = {}
        for i, col in enumerate(sheet.columns, start=1):
            value = ws.cell(r, i).value
            values[col.key] = None if value is None or (isinstance(value, str) and not value.strip()) else value
        rows.append(values)
    if fixed is None:
        while rows and all(v is None for v in rows[-1].values()):
            rows.pop()
    return rows


def evaluate(expr: str, row: dict, period: dict[str, date] | None = None) -> float:
    """expr over a row; dates (and the period's named dates) count as day numbers."""
    names = {k: v.toordinal() if isinstance(v, date) else v for k, v in (row | (period or {})).items()}
    return float(eval(expr, {"__builtins__": {}}, names))  # noqa: S307 - catalog expressions only


def rule_holds(rule: Rule, row: dict, period: dict[str, date]) -> bool:
    if any(row.get(k) is None for k in rule.keys):
        return True  # blank is not zero: a rule is checked only when all its fields are filled
    return OPS[rule.op](evaluate(rule.left, row, period), evaluate(rule.right, row, period))


def problems(template: Template, data: dict[str, list[dict]], config) -> list[str]:
    """Every breach of the template's declarations in data (sheet key → rows)."""
    period = period_dates(config)
    found = []
    flags = {c.key: rows[0].get(c.key) for s in template.sheets for c in s.fields
             for rows in [data[s.key]] if rows}
    for sheet in template.sheets:
        rows = data[sheet.key]
        if sheet.rows is None:
            keys = [tuple(r[k.key] for k in sheet.keys) for r in rows]
            if len(set(keys)) != len(keys):
                found.append(f"{sheet.key}: duplicate keys")
            if sheet.empty_flag and (not rows) != (flags.get(sheet.empty_flag) == sheet.empty_when):
                found.append(f"{sheet.key}: empty list vs flag {flags.get(sheet.empty_flag)!r}")
        for n, row in enumerate(rows, start=1):
            where = f"{sheet.key} row {n}"
            if sheet.rows and sheet.blank_rows and all(row.get(c.key) is None for c in sheet.fields):
                continue  # a fixed row left blank on purpose is accepted (Sheet.blank_rows)
            for col in sheet.columns:
                value = row.get(col.key)
                if value is None:
                    if col.required:
                        found.append(f"{where}: {col.key} blank")
                    continue
                if col.numeric:
                    ok = isinstance(value, int | float) and (col.type == "number" or float(value).is_integer())
                    ok = ok and (col.min is None or value >= col.min) and (col.max is None or value <= col.max)
                elif col.type == "choice":
                    ok = value in col.choices
                elif col.type == "date":
                    ok = isinstance(value, date | datetime)
                else:
                    ok = isinstance(value, str) and len(value) <= (col.max_length or 2000)
                if not ok:
                    found.append(f"{where}: {col.key}={value!r} invalid")
            for rule in sheet.rules:
                if not rule_holds(rule, row, period):
                    found.append(f"{where}: {rule.severity} {rule.text}")
            for req in sheet.requires:
                if row.get(req.when) not in req.values:
                    continue
                then = row.get(req.then)
                if (then is not None) if req.blank else (then is None or (req.allowed and then not in req.allowed)):
                    found.append(f"{where}: {req.when}={row.get(req.when)!r} but {req.then}={then!r}")
    return found


def measure(m, datasets) -> float:
    rows = datasets[m.template][m.sheet]
    rows = [r for r in rows if all(r.get(k) in values for k, values in m.where)]
    # as the cross-check's SQL sum: a row whose expression is blank (e.g. a «Toàn …» row left blank) adds nothing
    if m.aggregate == "count":
        return len(rows)
    names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.expr)
    return sum(evaluate(m.expr, r) for r in rows if all(r.get(k) is not None for k in names))


@pytest.fixture(scope="module")
def demo_set(tmp_path_factory, config) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("demo")
    return {p.name: p for p in demo.write_all(out, config)}


@pytest.fixture(scope="module")
def demo_data(demo_set, config) -> dict[str, dict[str, list[dict]]]:
    """Every template's demo rows, read back from the written workbooks."""
    out = {}
    for unit in config.units:
        for template_id in unit.templates:
            template = CATALOG[template_id]
            wb = load_workbook(demo_set[templates.filename(template, unit)])
            out[template_id] = {s.key: read_rows(wb[s.name], s, config) for s in template.sheets}
    return out


def test_topics_are_registered_owned_and_versioned(config):
    owners = {"lanh_dao": "VP", "ha_tang_so": "VP", "phan_cap": "VHXH", "tai_san": "KT"}
    for template_id, unit in owners.items():
        template = CATALOG[template_id]
        assert template.version == {"lanh_dao": 2, "phan_cap": 2, "tai_san": 3}.get(template_id, 1)
        assert template.owner == unit
        assert [u.code for u in config.owners(template_id)] == [unit]
        assert demo.module(template_id) is not None  # the topic has its demo figures
        for sheet in template.sheets:
            assert len(sheet.name) <= 31
            keys = [c.key for c in sheet.columns]
            assert len(set(keys)) == len(keys)
            for rule in sheet.rules:
                assert set(rule.keys) <= set(keys) and rule.op in OPS
            for req in sheet.requires:
                assert {req.when, req.then} <= set(keys)
                assert set(req.values) <= set(sheet.column(req.when).choices)
            if sheet.empty_flag:
                flag = next(c for s in template.sheets for c in s.columns if c.key == sheet.empty_flag)
                assert flag.type == "choice" and flag.choices == ("Có", "Không")
            if sheet.rows is None:
                assert sheet.keys, "a free list needs a row key the unit enters"


def test_cross_checks_name_real_fields():
    for check in CROSS_CHECKS:
        for m in (check.left, check.right):
            sheet = CATALOG[m.template].sheet(m.sheet)
            keys = {c.key for c in sheet.columns}
            assert set(Rule(m.expr or "0", "==", "0", "").keys) <= keys
            assert {k for k, _ in m.where} <= keys and m.aggregate in ("sum", "count")


def test_fields_appear_in_the_workbook_with_validations(demo_set, config):
    for template_id in TOPICS:
        template = CATALOG[template_id]
        unit = config.owners(template_id)[0]
        wb = load_workbook(demo_set[templates.filename(template, unit)])
        assert wb["_meta"]["B1"].value == template_id
        for sheet in template.sheets:
            ws = wb[sheet.name]
            covered = {}
            for dv in ws.data_validations.dataValidation:
                for rng in dv.sqref.ranges:
                    covered[rng.min_col] = (dv.type, rng.max_row)
            fixed = sheet.rows(config) if sheet.rows else None
            last = FIRST_DATA_ROW + (len(fixed) if fixed is not None else sheet.max_rows) - 1
            for i, col in enumerate(sheet.columns, start=1):
                assert ws.cell(HEADER_ROW, i).value == col.header
                if fixed is not None and i <= len(sheet.keys):
                    assert ws.cell(FIRST_DATA_ROW, i).protection.locked
                    continue
                kind = {"int": "whole", "number": "decimal", "choice": "list", "text": "textLength",
                        "date": "date"}[col.type]
                assert covered[i] == (kind, last), (sheet.key, col.key)
                assert not ws.cell(last, i).protection.locked


def test_lists_have_a_realistic_length(demo_data):
    assert 12 <= len(demo_data["phan_cap"]["nhiem_vu"]) <= 25
    assert 15 <= len(demo_data["tai_san"]["danh_sach"]) <= 30
    states = {r["tinh_trang"] for r in demo_data["phan_cap"]["nhiem_vu"]}
    assert len(states) == 3, "the demo shows every state of a task"
    forms = {r["hinh_thuc_xu_ly"] for r in demo_data["tai_san"]["danh_sach"]}
    assert {"Điều chuyển nội bộ", "Chưa xử lý"} <= forms


def test_demo_rows_satisfy_every_rule(demo_data, config):
    for template_id, data in demo_data.items():
        assert problems(CATALOG[template_id], data, config) == [], template_id


def test_demo_agrees_with_every_cross_check(demo_data):
    for check in CROSS_CHECKS:
        left, right = measure(check.left, demo_data), measure(check.right, demo_data)
        if check.op == "==":
            assert abs(left - right) <= check.tolerance * abs(right) + 1e-9, check.message
        else:
            assert OPS[check.op](left, right), check.message


def test_the_declarations_catch_bad_lists(demo_data, config):
    """The evaluator (and so the declarations) notice the list cases phase 2 must report."""
    template = CATALOG["tai_san"]
    data = {k: [dict(r) for r in v] for k, v in demo_data["tai_san"].items()}
    assert problems(template, data, config) == []
    empty = dict(data, danh_sach=[])
    assert any("empty list" in p for p in problems(template, empty, config))
    flagged = dict(empty, tong_hop=[dict(data["tong_hop"][0], co_tai_san="Không")])
    assert not any("empty list" in p for p in problems(template, flagged, config))
    data["danh_sach"][1]["ma_tai_san"] = data["danh_sach"][0]["ma_tai_san"]
    data["danh_sach"][2]["ten_tai_san"] = "x" * 201
    surplus = next(r for r in data["danh_sach"] if r["trang_thai_xu_ly"] == "Đã xử lý xong")
    surplus["hinh_thuc_xu_ly"] = None
    data["tong_hop"][0]["con_phai_xu_ly"] += 1
    found = "\n".join(problems(template, data, config))
    assert "duplicate keys" in found and "ten_tai_san" in found and "hinh_thuc_xu_ly" in found
    assert "con_phai_xu_ly" in found


def test_demo_workbooks_are_accepted_by_the_validator(demo_set, config):
    validate = pytest.importorskip("pipeline.checks.validate")
    if not hasattr(validate, "check_file"):
        pytest.skip("pipeline.checks.validate.check_file not available yet")
    for template_id in TOPICS:
        template = CATALOG[template_id]
        unit = config.owners(template_id)[0]
        report = validate.check_file(demo_set[templates.filename(template, unit)], config)
        assert report.status == "accepted", [p.text() for p in report.problems]


def test_rules_compare_like_with_like(config):
    """Every rule names fields of its sheet and compares numbers with numbers, a date (a date field
    or a period date) with a date, or a number of days (a difference of dates) with a number."""
    from pipeline.core.expr import terms as _terms

    for template in CATALOG.values():
        for sheet in template.sheets:
            types = {c.key: c.type for c in sheet.columns}
            for rule in sheet.rules:
                assert rule.keys and set(rule.keys) <= set(types), rule.text
                assert all(types[k] in ("int", "number", "date") for k in rule.keys), rule.text
                dates = [sum(f for f, k in _terms(side) if k in PERIOD_DATES or types.get(k) == "date")
                         for side in (rule.left, rule.right)]
                assert dates[0] == dates[1] and dates[0] in (0, 1), rule.text
                assert "{" not in rule.wording(config), rule.message

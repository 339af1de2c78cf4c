"""Templates as a unit's clerk uses them: prompt titles Excel accepts, pages that print every
offered row legibly, a guide in plain words, and totals that turn red in the sheet itself."""

import dataclasses
import re
import subprocess

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline.core import layout
from pipeline.core.layout import FIRST_DATA_ROW, GUIDE_SHEET, HEADER_ROW, NUMBER_ROW
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from tests.conftest import needs

EXCEL_TITLE, EXCEL_MESSAGE = 32, 255


@pytest.fixture(scope="module")
def written(tmp_path_factory, config):
    out = tmp_path_factory.mktemp("templates")
    return {p.name: load_workbook(p) for p in templates.write_all(out, config)}


def owned(config):
    return [(CATALOG[t], u) for u in config.units for t in u.templates]


def test_every_validation_title_and_message_fits_excel(written, config):
    for template, unit in owned(config):
        wb = written[templates.filename(template, unit)]
        for sheet in template.sheets:
            ws = wb[sheet.name]
            by_column = {rng.min_col: dv for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges}
            for i, col in enumerate(sheet.columns, start=1):
                dv = by_column.get(i)
                if dv is None:
                    continue
                where = f"{template.id}/{sheet.name}/{col.key}"
                assert len(dv.errorTitle or "") <= EXCEL_TITLE and len(dv.error or "") <= EXCEL_MESSAGE, where
                assert len(dv.promptTitle or "") <= EXCEL_TITLE and len(dv.prompt or "") <= EXCEL_MESSAGE, where
                if col.help:
                    # nothing of the label is lost: the title holds it whole, or the message does
                    assert dv.promptTitle == col.label or dv.prompt.startswith(col.label), where
                    assert not dv.promptTitle.endswith(" "), where


def test_whole_number_cells_give_whole_number_examples(written, config):
    for template, unit in owned(config):
        wb = written[templates.filename(template, unit)]
        for sheet in template.sheets:
            for dv in wb[sheet.name].data_validations.dataValidation:
                if dv.type == "whole":
                    assert "12,5" not in (dv.error or "") and "12,5" not in (dv.prompt or "")
    assert "12,5" not in layout.type_hint(CATALOG["tthc"].sheets[0].fields[0])
    decimal = next(f for t in CATALOG.values() for s in t.sheets for f in s.fields if f.type == "number")
    assert "12,5" in layout.type_hint(decimal)


def test_print_area_covers_every_offered_row_and_wide_sheets_stay_legible(written, config):
    for template, unit in owned(config):
        wb = written[templates.filename(template, unit)]
        assert wb.active.title == GUIDE_SHEET, f"{template.id} must open on the guide"
        for sheet in template.sheets:
            ws = wb[sheet.name]
            count = len(sheet.rows(config)) if sheet.rows else sheet.max_rows
            area = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
            last = re.search(r"\$?([A-Z]+)\$?(\d+)$", area)
            assert int(last[2]) == FIRST_DATA_ROW + count - 1, f"{template.id}/{sheet.name}: {area}"
            assert last[1] == get_column_letter(len(sheet.columns))
            assert ws.print_title_rows == f"${HEADER_ROW}:${NUMBER_ROW}"
            width = sum(c.width for c in sheet.columns)
            if len(sheet.columns) > 6:
                assert ws.page_setup.orientation == "landscape"
            # fitted to as many pages across as keep the print at a legible scale
            pages = int(ws.page_setup.fitToWidth)
            assert pages >= 1 and width / pages <= templates.LEGIBLE_WIDTH, f"{template.id}/{sheet.name}"
            if pages > 1 and sheet.keys:  # the key columns repeat on every page across (a keyless sheet has none)
                assert ws.print_title_cols == f"$A:${get_column_letter(len(sheet.keys))}"
            assert ws.page_margins.left <= 0.5 and ws.page_margins.top <= 0.8
            assert "&P" in ws.oddFooter.center.text


def test_guide_speaks_to_the_unit_with_a_contact(tmp_path, config):
    configured = dataclasses.replace(config, contact_person="Trần Thị Lan", contact_phone="0225 3 123 456")
    for template_id in ("tthc", "phan_cap"):
        template = CATALOG[template_id]
        unit = config.owners(template_id)[0]
        for cfg in (config, configured):
            ws = templates.workbook(template, unit, cfg)[GUIDE_SHEET]
            text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
            assert "inputs" not in text and "outputs" not in text
            assert not re.search(rf"\b{template.id}\b", text)
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "no snake_case key"
        assert "Trần Thị Lan" in text and "0225 3 123 456" in text


def total_rules(sheet):
    return [r for r in sheet.rules if templates.rule_formula(r, sheet, FIRST_DATA_ROW)]


def test_every_sum_rule_of_the_catalog_is_a_conditional_format_on_its_total(written, config):
    seen = 0
    for template, unit in owned(config):
        wb = written[templates.filename(template, unit)]
        for sheet in template.sheets:
            ws = wb[sheet.name]
            formats = {}
            for cf in ws.conditional_formatting:
                for rule in cf.rules:
                    formats.setdefault(str(cf.sqref), []).extend(rule.formula)
            for rule in sheet.rules:
                if "+" not in f"{rule.left} {rule.right}" or any(
                        sheet.column(k).type == "date" for k in rule.keys):
                    continue
                seen += 1
                letter = get_column_letter([c.key for c in sheet.columns].index(rule.target) + 1)
                count = len(sheet.rows(config)) if sheet.rows else sheet.max_rows
                rng = f"{letter}{FIRST_DATA_ROW}" + (f":{letter}{FIRST_DATA_ROW + count - 1}" if count > 1 else "")
                assert templates.rule_formula(rule, sheet, FIRST_DATA_ROW) in formats.get(rng, []), \
                    f"{template.id}/{sheet.name}: {rule.text}"
    assert seen >= 12  # tthc (8), staffing (3), archives, assets


@pytest.mark.slow
@needs("soffice", "pdftotext")
def test_libreoffice_computes_the_red_total_formula(tmp_path, config):
    """A filled TTHC sheet opened in LibreOffice: the conditional formats survive and each rule's
    formula, put in a cell beside its row, computes true exactly where the validator fails it."""
    template = CATALOG["tthc"]
    sheet = template.sheets[0]
    unit = config.owners("tthc")[0]
    rows = [
        # adds up: 10 = 2 + 5 + 3, 8 = 3 + 4 + 1, outcomes 10 = 8 + 2
        dict(nhan_tong=10, nhan_ky_truoc=2, nhan_truc_tuyen=5, nhan_truc_tiep=3, giai_quyet_tong=8,
             giai_quyet_truoc_han=3, giai_quyet_dung_han=4, giai_quyet_qua_han=1, dang_tong=2),
        # parts exceed the total (error), with one part blank
        dict(nhan_tong=10, nhan_truc_tuyen=7, nhan_truc_tiep=5, giai_quyet_tong=8),
        # parts all given, below the total (warning)
        dict(nhan_tong=10, nhan_ky_truoc=1, nhan_truc_tuyen=2, nhan_truc_tiep=3, giai_quyet_tong=8),
        # total blank: nothing to flag
        dict(nhan_ky_truoc=1, nhan_truc_tuyen=2, nhan_truc_tiep=3, giai_quyet_tong=8),
    ]
    wb = templates.workbook(template, unit, config, {sheet.key: rows})
    rules = [r for r in sheet.rules if r.target == "nhan_tong" and r.right.count("+") == 2][:2]
    assert [r.op for r in rules] == [">=", "<="]
    ws = wb[sheet.name]
    spare = len(sheet.columns) + 2
    for r in range(len(rows)):
        for j, rule in enumerate(rules):
            ws.cell(FIRST_DATA_ROW + r, spare + j, "=" + templates.rule_formula(rule, sheet, FIRST_DATA_ROW + r))
    source = tmp_path / "tthc.xlsx"
    wb.save(source)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    for target in ("xlsx", "pdf"):
        subprocess.run(["soffice", profile, "--headless", "--convert-to", target, "--outdir",
                        str(tmp_path / target), str(source)], check=True, capture_output=True, timeout=180)
    back = load_workbook(tmp_path / "xlsx" / source.name, data_only=True)[sheet.name]
    computed = [[back.cell(FIRST_DATA_ROW + r, spare + j).value for j in range(2)] for r in range(len(rows))]
    assert computed == [[False, False], [True, False], [False, True], [False, False]]
    kept = load_workbook(tmp_path / "xlsx" / source.name)[sheet.name]
    assert sum(len(cf.rules) for cf in kept.conditional_formatting) >= len(total_rules(sheet))
    text = subprocess.run(["pdftotext", str(tmp_path / "pdf" / "tthc.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Tiếp nhận" in text


def test_contact_keys_are_optional_and_checked(tmp_path):
    from pipeline.core import paths
    from pipeline.core.config import ConfigError, load

    text = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")
    assert load(paths.INPUTS / paths.CONFIG_NAME).contact_phone is None
    path = tmp_path / "commune.toml"
    path.write_text(text.replace('# contact_person = "Trần Thị Lan"', 'contact_person = "Trần Thị Lan"')
                    .replace('# contact_phone = "0225 3 123 456"', 'contact_phone = "0225 3 123 456"'), encoding="utf-8")
    loaded = load(path)
    assert (loaded.contact_person, loaded.contact_phone) == ("Trần Thị Lan", "0225 3 123 456")
    assert templates.contact(loaded) == "Phòng Văn hóa – Xã hội xã (Trần Thị Lan, điện thoại 0225 3 123 456)"
    path.write_text(text.replace('# contact_phone = "0225 3 123 456"', "contact_phone = 2253123456"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'standing_unit.contact_phone'.*chuỗi chữ"):
        load(path)


@pytest.mark.slow
@needs("soffice", "pdftotext")
def test_libreoffice_prints_wide_templates_legibly(tmp_path, config):
    """The widest templates rendered to PDF: every page numbered «Trang n/N», text on every page
    at least 8 pt tall (a word box of 11 pt Times at 100 % is about 12 pt; fitted to one page the
    27-column sheet printed at about 4), every offered row of a free list printed."""
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    for template_id in ("tthc", "phan_cap"):
        template = CATALOG[template_id]
        unit = config.owners(template_id)[0]
        source = tmp_path / f"{template_id}.xlsx"
        templates.workbook(template, unit, config).save(source)
        subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(source)], check=True, capture_output=True, timeout=180)
        pdf = str(source.with_suffix(".pdf"))
        boxes = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True).stdout
        pages = boxes.split("<page ")[1:]
        for n, page in enumerate(pages, start=1):
            heights = sorted(float(b) - float(a) for a, b in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page))
            assert heights and heights[len(heights) // 2] >= 8.0, f"{template_id} page {n} prints too small"
            text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), pdf, "-"], capture_output=True,
                                  text=True).stdout
            assert f"Trang {n}/{len(pages)}" in text
        free = next((s for s in template.sheets if s.rows is None), None)
        if free is not None:  # the free list's last offered row is on paper: its border lines are drawn
            wb = load_workbook(source)
            area = wb[free.name].print_area
            assert str(FIRST_DATA_ROW + free.max_rows - 1) in str(area)


@pytest.mark.slow
@needs("soffice")
def test_libreoffice_flags_exactly_the_rows_the_validator_fails(tmp_path, config):
    """Every number rule of the catalog shown in the sheet, on random rows with blanks: the formula
    LibreOffice computes is true exactly where the validator's check fails (blank is not zero,
    partial parts, tolerance)."""
    import random

    import numpy as np
    import pandas as pd

    from pipeline.checks import validate

    rng = random.Random(13)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    outcomes = set()
    for template in CATALOG.values():
        cases = [(s, [r for r in s.rules if templates.rule_formula(r, s, FIRST_DATA_ROW)]) for s in template.sheets]
        cases = [(s, rules) for s, rules in cases if rules]
        if not cases:
            continue
        data, frames = {}, {}
        for sheet, rules in cases:
            count = min(len(sheet.rows(config)) if sheet.rows else sheet.max_rows, 40)
            named = {k for r in rules for k in r.keys}
            rows = [{k: (None if rng.random() < 0.3 else rng.choice((0, 1, 2, 3, 2.5 if sheet.column(k).type
                     == "number" else 4))) for k in named} for _ in range(count)]
            data[sheet.key] = rows
            frames[sheet.key] = pd.DataFrame([{k: np.nan if v is None else float(v) for k, v in row.items()}
                                              for row in rows])
        wb = templates.workbook(template, config.owners(template.id)[0], config, data)
        for sheet, rules in cases:
            ws = wb[sheet.name]
            for r in range(len(data[sheet.key])):
                for j, rule in enumerate(rules):
                    ws.cell(FIRST_DATA_ROW + r, len(sheet.columns) + 2 + j,
                            "=" + templates.rule_formula(rule, sheet, FIRST_DATA_ROW + r))
        source = tmp_path / f"{template.id}.xlsx"
        wb.save(source)
        subprocess.run(["soffice", profile, "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo_out"),
                        str(source)], check=True, capture_output=True, timeout=180)
        back = load_workbook(tmp_path / "lo_out" / source.name, data_only=True)
        period = dict(validate.period_days(config))
        for sheet, rules in cases:
            ws = back[sheet.name]
            for j, rule in enumerate(rules):
                expected = list(~validate._rule_check(rule, period)(frames[sheet.key]))
                computed = [ws.cell(FIRST_DATA_ROW + r, len(sheet.columns) + 2 + j).value
                            for r in range(len(expected))]
                assert computed == expected, f"{template.id}/{sheet.name}: {rule.text}"
                outcomes.update(computed)
    assert outcomes == {True, False}


def test_guide_explains_the_coloured_cells_only_where_there_are_some(config):
    for template_id, coloured in (("tthc", True), ("phan_cap", None)):
        template = CATALOG[template_id]
        ws = templates.workbook(template, config.owners(template_id)[0], config)[GUIDE_SHEET]
        text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        has = any(templates.rule_formula(r, s, FIRST_DATA_ROW) for s in template.sheets for r in s.rules)
        assert (templates.FLAG_TEXT in text) == has
        if coloured:
            assert has

"""Blank templates: every catalog field with its validation, protection, print setup, identity."""

import re

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from pipeline.__main__ import main
from pipeline.core.layout import FIRST_DATA_ROW, HEADER_ROW, META_KEYS, META_SHEET
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from tests.conftest import needs


@pytest.fixture(scope="module")
def written(tmp_path_factory, config):
    out = tmp_path_factory.mktemp("templates")
    return {p.name: p for p in templates.write_all(out, config)}


def owned(config):
    return [(CATALOG[t], u) for u in config.units for t in u.templates]


def test_one_workbook_per_template_per_owning_unit(written, config):
    expected = {templates.filename(t, u) for t, u in owned(config)}
    assert set(written) == expected
    assert {t.id for t, _ in owned(config)} == set(CATALOG), "every catalog template has an owner"


def test_file_names_are_plain_words_without_codes_and_fit_windows_paths(written, config):
    """A clerk sees «Bieu_TTHC_Trung_tam_Phuc_vu_hanh_chinh_cong.xlsx», never «tthc_TTPVHCC.xlsx»;
    the stem appears twice in outputs/validation/<stem>/<stem>_danh_dau.xlsx, which must stay
    under Windows' 260 characters below a 100-character root folder."""
    stems = [name.removesuffix(".xlsx") for name in written]
    assert len(set(n.lower() for n in written)) == len(written), "names differ even on Windows"
    for template, unit in owned(config):
        name = templates.filename(template, unit)
        assert name.isascii() and " " not in name, name
        assert re.fullmatch(r"[A-Za-z0-9_]+\.xlsx", name), name
        assert not name.startswith(template.id + "_") and f"_{unit.code}." not in name, name
        assert name.startswith(template.file_name + "_"), name
    longest = max(len(s) for s in stems)
    assert 100 + len("/outputs/validation/received/") + 2 * longest + len("_danh_dau.xlsx") < 260
    assert templates.filename(CATALOG["tthc"], config.unit("TTPVHCC")) == "Bieu_TTHC_Trung_tam_Phuc_vu_hanh_chinh_cong.xlsx"


def test_file_name_is_not_part_of_the_fingerprint():
    import dataclasses

    tthc = CATALOG["tthc"]
    assert dataclasses.replace(tthc, file_name="Khac").fingerprint == tthc.fingerprint


def validations_by_column(ws):
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            found[rng.min_col] = (dv, rng)
    return found


def test_every_field_appears_with_its_validation(written, config):
    for template, unit in owned(config):
        wb = load_workbook(written[templates.filename(template, unit)])
        for sheet in template.sheets:
            ws = wb[sheet.name]
            dvs = validations_by_column(ws)
            fixed = sheet.rows(config) if sheet.rows else None
            count = len(fixed) if fixed is not None else sheet.max_rows
            for i, col in enumerate(sheet.columns, start=1):
                assert ws.cell(HEADER_ROW, i).value == col.header
                cell = ws.cell(FIRST_DATA_ROW, i)
                if fixed is not None and i <= len(sheet.keys):
                    assert cell.value == fixed[0][i - 1] and cell.protection.locked
                    continue
                assert not cell.protection.locked, f"{sheet.name}!{cell.coordinate} must be an input cell"
                dv, rng = dvs[i]
                assert (rng.min_row, rng.max_row) == (FIRST_DATA_ROW, FIRST_DATA_ROW + count - 1)
                kind = {"int": "whole", "number": "decimal", "choice": "list", "text": "textLength",
                        "date": "date"}[col.type]
                assert dv.type == kind and dv.showErrorMessage and dv.error
                if col.numeric and col.min is not None:
                    assert float(dv.formula1) == col.min
                if col.type == "choice":
                    meta = wb[META_SHEET]
                    ref = dv.formula1.split("!")[1].replace("$", "")
                    values = [c.value for row in meta[ref] for c in row]
                    assert tuple(values) == col.choices
            assert ws.protection.sheet
            assert int(ws.page_setup.paperSize) == 9 and int(ws.page_setup.fitToWidth) >= 1
            assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"


def test_hidden_identity_sheet_is_read_back_by_calamine(written, config):
    for template, unit in owned(config):
        path = written[templates.filename(template, unit)]
        book = CalamineWorkbook.from_path(str(path))
        assert META_SHEET in book.sheet_names
        meta = {row[0]: row[1] for row in book.get_sheet_by_name(META_SHEET).to_python() if row[0] in META_KEYS}
        assert meta["template_id"] == template.id
        assert meta["fingerprint"] == template.fingerprint
        assert meta["unit_code"] == unit.code
        assert int(meta["version"]) == template.version and int(meta["demo"]) == 0
        assert meta["period_start"] == config.start.isoformat()
        assert load_workbook(path)[META_SHEET].sheet_state == "hidden"


def test_fingerprint_changes_with_structure():
    import dataclasses

    tthc = CATALOG["tthc"]
    assert dataclasses.replace(tthc, version=tthc.version + 1).fingerprint != tthc.fingerprint
    sheet = dataclasses.replace(tthc.sheets[1], fields=tthc.sheets[1].fields[:-1])
    assert dataclasses.replace(tthc, sheets=(tthc.sheets[0], sheet)).fingerprint != tthc.fingerprint
    assert len({t.fingerprint for t in CATALOG.values()}) == len(CATALOG)


def test_guide_sheet_tells_who_when_and_what(written, config):
    template, unit = CATALOG["tthc"], config.unit("TTPVHCC")
    ws = load_workbook(written[templates.filename(template, unit)])["Hướng dẫn"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert unit.name in text and "06/05/2026" in text and "15 giờ 00" in text
    assert "30/04/2026" in text and "Phòng Văn hóa – Xã hội xã" in text
    for col in template.sheets[0].fields:
        assert col.label in text
    for rule in template.sheets[0].rules:
        assert rule.wording(config) in text


def test_cli_writes_one_units_templates(tmp_path, config):
    assert main(["templates", "--out", str(tmp_path), "--unit", "KT"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        templates.filename(CATALOG[t], config.unit("KT")) for t in config.unit("KT").templates)
    assert main(["templates", "--out", str(tmp_path), "--unit", "ZZ"]) == 2


@pytest.mark.slow
@needs("soffice", "pdfinfo")
def test_libreoffice_keeps_validations_and_prints_on_a4(written, config, tmp_path):
    """Opened by LibreOffice Calc: drop-downs and number checks survive, pages are A4."""
    import subprocess

    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    for template_id, unit_code, kind in (("tthc", "TTPVHCC", "whole"), ("phan_cap", "VHXH", "list")):
        template = CATALOG[template_id]
        source = written[templates.filename(template, config.unit(unit_code))]
        for target in ("xlsx", "pdf"):
            subprocess.run(["soffice", profile, "--headless", "--convert-to", target, "--outdir",
                            str(tmp_path / target), str(source)], check=True, capture_output=True, timeout=180)
        ws = load_workbook(tmp_path / "xlsx" / source.name)[template.sheets[0].name]
        assert kind in {dv.type for dv in ws.data_validations.dataValidation}
        first_input = len(template.sheets[0].keys) + 1 if template.sheets[0].rows else 1
        assert ws.protection.sheet and not ws.cell(FIRST_DATA_ROW, first_input).protection.locked
        assert ws.cell(HEADER_ROW, 1).value == template.sheets[0].columns[0].header
        info = subprocess.run(["pdfinfo", str(tmp_path / "pdf" / source.with_suffix(".pdf").name)],
                              capture_output=True, text=True).stdout
        assert "(A4)" in info


def test_every_guide_says_per_field_whether_it_may_stay_blank_and_why_not(config):
    """Issue 22: the Vietnamese guide of every blank template says, for each field, «Có thể để
    trống …» or «Bắt buộc điền …: <why>»; the guide's generated reference says the same."""
    from pipeline import docs
    from pipeline.core import layout as layout_

    readme = docs.blank_reference()
    for template in CATALOG.values():
        unit = config.owners(template.id)[0]
        rows = [[c.value for c in row] for row in templates.workbook(template, unit, config)[layout_.GUIDE_SHEET].iter_rows()]
        for sheet in template.sheets:
            said = {r[1]: r[4] for r in rows if r[1] and r[4]}
            for col in sheet.fields:
                text = said[col.label]
                if col.required:
                    assert text.startswith(layout_.BLANK_NO) and ": " in text, (template.id, col.key, text)
                    assert f"«{col.label}» (bắt buộc điền" in readme, (template.id, col.key)
                else:
                    assert text == layout_.BLANK_OK, (template.id, col.key, text)
    assert readme.count("**Có thể để trống**") == sum(len(t.sheets) for t in CATALOG.values())

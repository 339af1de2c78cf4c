"""The commune's package for its city (issue 17, item 2): its current figures in the city's
templates, one workbook per template, recognised and validated by the city like any unit's file,
with the commune's code, the period, the catalog version, a digest of the submissions and, per
figure cell, where the commune got it (and `explain` at the city shows commune › unit › file › cell).

Real parts throughout: the units' .xlsx (demo figures as units send them), the commune's ingest into
a real DuckDB, the package written with openpyxl, read back by the city's own validation and ingest.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import python_calamine as pc
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline import build
from pipeline.checks import validate
from pipeline.core import layout, paths
from pipeline.core.model import Field
from pipeline.outputs import package, provenance, templates
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from tests import city_util

CODE = "10507"  # xã An Thành in examples/city.toml


def _package(con, config, inputs, outputs) -> package.Package:
    return package.write(con, config, inputs, outputs)


@pytest.fixture(scope="module")
def an_thanh(tmp_path_factory):
    """xã An Thành: its units' files ingested, its package written (as the build does)."""
    root = tmp_path_factory.mktemp("package")
    inputs, config = city_util.commune(root, CODE)
    outputs = root / CODE / "outputs"
    ingest.run(inputs, outputs, config)
    con = warehouse.connect(outputs, read_only=True)
    try:
        pkg = _package(con, config, inputs, outputs)
    finally:
        con.close()
    return SimpleNamespace(root=root, inputs=inputs, outputs=outputs, config=config, pkg=pkg,
                           city=city_util.city(), folder=outputs / paths.PACKAGE_DIR)


def _file(an_thanh, template_id: str) -> Path:
    return an_thanh.folder / templates.filename(CATALOG[template_id], package.unit_of(an_thanh.config))


def _meta(path: Path) -> dict:
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.META_SHEET).to_python()
    return {r[0]: r[1] for r in rows if r and isinstance(r[0], str) and r[0]}


def _commune_facts(an_thanh, template_id: str, sheet_key: str):
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        return con.execute(f"SELECT * FROM cur_{warehouse.table_name(template_id, sheet_key)} ORDER BY row_number").df()
    finally:
        con.close()


def test_one_workbook_per_template_the_city_recognises_as_the_communes(an_thanh):
    files = sorted(an_thanh.folder.glob("*.xlsx"))
    assert [p.name for p in files] == sorted(_file(an_thanh, t).name for t in CATALOG)
    assert an_thanh.pkg.notes == [] and an_thanh.pkg.city == "thành phố Hải Phòng"
    reports = validate.check_files([(p, None) for p in files], an_thanh.city)
    for report in reports:
        assert (report.status, report.unit_code, report.recognised_by) == ("accepted", CODE, "fingerprint"), report.text()
    assert {r.template_id for r in reports} == set(CATALOG)


def test_meta_carries_code_period_catalog_version_and_digest_of_the_submissions(an_thanh):
    meta = _meta(_file(an_thanh, "tthc"))
    assert (meta["package_commune_code"], meta["package_of"], meta["unit_code"]) == (CODE, "xã An Thành", CODE)
    assert (meta["period_start"], meta["period_cutoff"]) == ("2025-07-01", "2026-04-30")
    assert meta["commune"] == "Hải Phòng" and meta["catalog_version"] == package.catalog_version()
    sent = next((an_thanh.inputs / city_util.UNITS_DIR).glob("Bieu_TTHC_*.xlsx"))  # the one TTHC file of the commune
    assert meta["submissions_sha256"] == hashlib.sha256(hashlib.sha256(sent.read_bytes()).hexdigest().encode()).hexdigest()
    every = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (an_thanh.inputs / city_util.UNITS_DIR).glob("Bieu_danh_gia_*.xlsx"))
    assert len(every) == 4  # every unit fills the assessments: one package workbook from four files
    assert _meta(_file(an_thanh, "danh_gia"))["submissions_sha256"] == hashlib.sha256("\n".join(every).encode()).hexdigest()


def test_every_figure_of_the_commune_reaches_the_package(an_thanh):
    """Column totals of every numeric field of every sheet: the package as the city reads it (its own
    validation) holds the commune's current figures, row by row, summed into the city's row, or listed."""
    for template in CATALOG.values():
        report = validate.check_file(_file(an_thanh, template.id), an_thanh.city)
        for sheet in template.sheets:
            mine = _commune_facts(an_thanh, template.id, sheet.key)
            theirs = report.data[sheet.key]
            for col in sheet.fields:
                if col.numeric and mine[col.key].notna().all():
                    assert theirs[col.key].sum() == pytest.approx(mine[col.key].sum()), (template.id, col.key)


def test_city_rows_from_the_citys_lists_sum_the_communes_rows(an_thanh):
    """nhan_su: the commune's seven bodies into the city's one row «Các cơ quan, đơn vị …»."""
    from pipeline.core.model import fill
    from pipeline.topics.nhan_su.template import WHOLE

    facts = _commune_facts(an_thanh, "nhan_su", "can_bo")
    mine = facts[facts["co_quan"] != fill(WHOLE, an_thanh.config)]  # the bodies; «Toàn xã» goes to «Toàn …»
    assert len(mine) == len(an_thanh.config.staffing_bodies) == 7 and len(facts) == 8
    ws = load_workbook(_file(an_thanh, "nhan_su"), data_only=True)["Nhân sự"]
    sheet = CATALOG["nhan_su"].sheets[0]
    first = layout.FIRST_DATA_ROW
    assert ws.cell(first, 1).value == an_thanh.city.staffing_bodies[0]
    assert ws.cell(first + 1, 1).value == fill(WHOLE, an_thanh.city)  # the whole's row, row by row
    assert ws.cell(first + 2, 1).value is None  # one body row only
    for i, col in enumerate(sheet.columns, start=1):
        if col.numeric and mine[col.key].notna().all():
            assert ws.cell(first, i).value == mine[col.key].sum(), col.key


def test_assessments_of_every_unit_become_one_workbook(an_thanh):
    """danh_gia: each section's texts as the units wrote them (several: each after its unit's name);
    the proposals of every unit listed one after another, numbered again 1, 2, 3 …"""
    report = validate.check_file(_file(an_thanh, "danh_gia"), an_thanh.city)
    assert report.status == "accepted", report.text()
    mine = _commune_facts(an_thanh, "danh_gia", "danh_gia")
    names = {u.code: u.name for u in an_thanh.config.units}
    rows = report.data["danh_gia"].set_index("muc")
    for muc, group in mine.dropna(subset=["ket_qua"]).groupby("muc"):
        text = rows.loc[muc, "ket_qua"]
        for unit, written in zip(group["unit_code"], group["ket_qua"], strict=True):
            assert (f"{names[unit]}: {written}" if len(group) > 1 else written) in text
    proposals = _commune_facts(an_thanh, "danh_gia", "kien_nghi")
    listed = report.data["kien_nghi"]
    assert len(proposals["unit_code"].unique()) > 1
    assert list(listed["stt"]) == list(range(1, len(proposals) + 1))
    assert sorted(listed["kien_nghi"]) == sorted(proposals["kien_nghi"])


def test_combine_never_makes_an_unknown_figure_zero():
    count, text = Field("n", "Số", "int"), Field("t", "Ghi chú", "text", max_length=30)

    def part(unit, value, label="Dòng"):
        return package.Part(unit, f"Đơn vị {unit}", label, value, "tep.xlsx", "A!C6", None)

    assert package.combine(count, [part("A", 5), part("B", 7)]) == 12
    assert package.combine(count, [part("A", 5), part("B", None)]) is None  # one unknown: the sum is unknown
    assert package.combine(count, []) is None  # nobody gave it: unknown, never 0
    assert package.combine(count, [part("A", 0)]) == 0  # a zero given is a zero
    assert package.combine(text, [part("A", "một"), part("B", None)]) == "một"
    assert package.combine(text, [part("A", "một"), part("B", "hai")]) == "Đơn vị A: một\nĐơn vị B: hai"
    joined = package.combine(text, [part("A", "x" * 20), part("B", "y" * 20)])
    assert len(joined) == 30 and joined.endswith("…")  # within the field's limit, so the city accepts it


def test_a_figure_the_unit_left_blank_stays_blank_in_the_package(tmp_path):
    """A TTHC row left blank by the unit (unknown, accepted) is blank in the package, not 0, and has no origin."""
    inputs, config = city_util.commune(tmp_path, CODE)
    path = next((inputs / city_util.UNITS_DIR).glob("Bieu_TTHC_*.xlsx"))
    wb = load_workbook(path)
    ws = wb["TTHC"]
    sheet = CATALOG["tthc"].sheets[0]
    blank_row = layout.FIRST_DATA_ROW + 2
    for i in range(len(sheet.keys) + 1, len(sheet.columns) + 1):
        ws.cell(blank_row, i).value = None
    wb.save(path)
    outputs = tmp_path / "outputs"
    ingest.run(inputs, outputs, config)
    con = warehouse.connect(outputs, read_only=True)
    try:
        package.write(con, config, inputs, outputs)
    finally:
        con.close()
    made = outputs / paths.PACKAGE_DIR / templates.filename(CATALOG["tthc"], package.unit_of(config))
    ws = load_workbook(made, data_only=True)["TTHC"]
    values = [ws.cell(blank_row, i).value for i in range(len(sheet.keys) + 1, len(sheet.columns) + 1)]
    assert values == [None] * len(sheet.fields)
    assert ws.cell(blank_row - 1, len(sheet.keys) + 1).value is not None  # its neighbours are there
    report = validate.check_file(made, city_util.city())
    assert report.status != "rejected", report.text()
    typed = report.data[sheet.key]
    assert typed.loc[typed["row"] == blank_row, [c.key for c in sheet.fields]].isna().all(axis=None)
    assert typed.loc[typed["row"] == blank_row - 1, sheet.fields[0].key].notna().all()
    origins = {(r[0], r[1]) for r in report.origins}
    assert not any(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(blank_row) for name, cell in origins if name == "TTHC")
    assert any(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == str(blank_row - 1) for name, cell in origins if name == "TTHC")


@pytest.mark.parametrize("change, expected", [
    ({"code": "99999"}, "Gói số liệu của xã An Thành (mã «99999») không thuộc danh sách các xã, phường, đặc khu "
                        "của thành phố Hải Phòng"),
    ({"cutoff": date(2026, 3, 31)}, "Gói số liệu của xã An Thành thuộc kỳ báo cáo khác (01/07/2025 – 31/03/2026)"),
])
def test_the_city_refuses_a_package_of_another_commune_or_period(an_thanh, tmp_path, change, expected):
    config = replace(an_thanh.config, **change)
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        pkg = package.write(con, config, an_thanh.inputs, tmp_path)
    finally:
        con.close()
    if "code" in change:
        assert any("99999" in note and "không có trong danh sách" in note for note in pkg.notes)
    report = validate.check_file(next((tmp_path / paths.PACKAGE_DIR).glob("Bieu_TTHC_*.xlsx")), an_thanh.city)
    assert report.status == "rejected"
    message = next(p for p in report.errors if p.sheet == layout.META_SHEET)
    assert expected in message.rule and "gửi lại" in message.fix


def test_without_the_citys_configuration_the_communes_rows_are_kept_and_the_summary_says_so(an_thanh, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        pkg = package.write(con, an_thanh.config, inputs, tmp_path)
    finally:
        con.close()
    assert pkg.city == "thành phố Hải Phòng" and paths.CITY_CONFIG_NAME in pkg.notes[0]
    ws = load_workbook(next((tmp_path / paths.PACKAGE_DIR).glob("Bieu_to_chuc_nhan_su_*.xlsx")))["Nhân sự"]
    assert ws.cell(layout.FIRST_DATA_ROW, 1).value == an_thanh.config.staffing_bodies[0]


def test_the_city_stores_each_figures_origin_and_explain_climbs_to_the_communes_cell(an_thanh, tmp_path, capsys):
    city_inputs = tmp_path / "inputs"
    city_util.receive(an_thanh.folder, city_inputs, CODE, datetime(2026, 5, 8, 9, 0))
    ingest.run(city_inputs, tmp_path / "outputs", an_thanh.city)
    sheet = CATALOG["tthc"].sheet("ho_so")  # the online dossiers' cell of the first row (its column per version)
    e6 = f"{get_column_letter(sheet.columns.index(sheet.column('nhan_truc_tuyen')) + 1)}6"
    con = warehouse.connect(tmp_path / "outputs", read_only=True)
    try:
        stored = con.execute("SELECT o.* FROM origins o JOIN submissions s USING (submission_id) "
                             "WHERE s.template_id = 'tthc' AND o.sheet_name = 'TTHC' AND o.cell = ?", [e6]).fetchall()
        assert list(warehouse.ORIGIN_COLUMNS)[1:] == ["sheet_name", "cell", "value", "unit_code", "unit_name",
                                                      "file_name", "source_cell", "received"]
        (_, _, _, value, unit, unit_name, file_name, source, received), = stored
        sent = next((an_thanh.inputs / city_util.UNITS_DIR).glob("Bieu_TTHC_*.xlsx"))
        typed = load_workbook(sent, data_only=True)["TTHC"][e6].value
        assert (unit, unit_name, file_name, source) == ("TTPVHCC", "Trung tâm Phục vụ hành chính công xã", sent.name, f"TTHC!{e6}")
        assert value == provenance.shown(typed) and received
        text = provenance.explain(con, an_thanh.city, "ty_le_truc_tuyen").text()
    finally:
        con.close()
    assert (f"xã An Thành › Trung tâm Phục vụ hành chính công xã › {sent.name} › TTHC!{e6} = {value}") in text
    package_line = next(line for line in text.splitlines() if f"TTHC!{e6} =" in line and "›" in line)
    assert package_line.strip().startswith(f"- {_file(an_thanh, 'tthc').name} › TTHC!{e6}")


def test_the_communes_build_writes_the_package_and_a_commune_without_code_none(an_thanh, tmp_path, capsys, demo_build):
    assert build.run(an_thanh.inputs, tmp_path / "outputs") == 0
    out = capsys.readouterr().out
    assert "Gói số liệu gửi thành phố Hải Phòng: 9 biểu" in out
    assert len(list((tmp_path / "outputs" / paths.PACKAGE_DIR).glob("*.xlsx"))) == len(CATALOG)
    assert not (demo_build[1] / paths.PACKAGE_DIR).exists()  # the shipped configuration has no code


def test_a_commune_uploads_its_package_on_the_citys_portal(an_thanh, tmp_path):
    """The city's portal takes the package like a unit's upload: the commune's account, the same
    check, the ingest storing its figures and their origins."""
    from pipeline.web.app import create_app
    from tests.web_util import sign_in, text_of, upload, write_accounts

    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    (inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    write_accounts(inputs, an_thanh.city)
    app = create_app(inputs, outputs)
    site = SimpleNamespace(app=app, portal=app.state.portal)
    try:
        client, token = sign_in(site, CODE)
        sent = _file(an_thanh, "ngan_sach")
        page = text_of(upload(client, token, (sent.name, sent.read_bytes())).text)
        assert "Hợp lệ" in page and "xã An Thành" in page, page
        assert site.portal.ingester.wait(site.portal.ingester.request(), timeout=120)
        con = warehouse.connect(outputs, read_only=True)
        try:
            status = con.execute("SELECT unit_code, template_id, status FROM submissions").fetchall()
            origins = con.execute("SELECT count(*) FROM origins").fetchone()[0]
        finally:
            con.close()
    finally:
        site.portal.ingester.stop()
    assert status == [(CODE, "ngan_sach", "accepted")]
    cells = load_workbook(sent, read_only=True)[layout.ORIGIN_SHEET].max_row - 1
    assert origins == cells > 0


def test_a_deleted_package_is_written_again_by_the_next_build(an_thanh, tmp_path, capsys):
    outputs = tmp_path / "outputs"
    assert build.run(an_thanh.inputs, outputs) == 0
    capsys.readouterr()
    assert build.run(an_thanh.inputs, outputs) == 0
    assert "Không có thay đổi nào" in capsys.readouterr().out  # nothing changed: nothing done
    victim = next((outputs / paths.PACKAGE_DIR).glob("Bieu_TTHC_*.xlsx"))
    victim.unlink()
    assert build.run(an_thanh.inputs, outputs) == 0
    assert "Không có thay đổi nào" not in capsys.readouterr().out and victim.is_file()


def test_a_broken_copy_of_the_citys_configuration_is_told_and_the_build_goes_on(an_thanh, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / paths.CITY_CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8").replace(
        'level = "city"', 'level = "huyen"'), encoding="utf-8")
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        lines = build._package(con, an_thanh.config, inputs, tmp_path, False, build._Progress(1))
    finally:
        con.close()
    assert len(lines) == 1 and "CHƯA LẬP ĐƯỢC GÓI SỐ LIỆU" in lines[0] and "'level'" in lines[0]
    assert paths.CITY_CONFIG_NAME in lines[0]
    assert not (tmp_path / paths.PACKAGE_DIR).exists()


# ---------------------------------------------------------------------------------------------
# Issue 27, item 5: a package proves itself


def _copy(an_thanh, tmp_path, template_id: str, edit) -> Path:
    wb = load_workbook(_file(an_thanh, template_id))
    edit(wb)
    path = tmp_path / _file(an_thanh, template_id).name
    wb.save(path)
    return path


def _numeric_cell(an_thanh, template_id: str = "tthc") -> tuple[str, str, float, str]:
    """(sheet, cell, value, what «Nguồn số liệu» says) of the package's first number with one source."""
    report = validate.check_file(_file(an_thanh, template_id), an_thanh.city)
    counts: dict = {}
    for row in report.origins:
        counts.setdefault((row[0], row[1]), []).append(row[2])
    sheet, cell = next(k for k, v in counts.items() if len(v) == 1 and k[0] == "TTHC")
    value = load_workbook(_file(an_thanh, template_id))[sheet][cell].value
    return sheet, cell, value, counts[(sheet, cell)][0]


def test_a_figure_edited_after_the_package_was_written_is_refused_at_its_cell(an_thanh, tmp_path):
    sheet, cell, value, said = _numeric_cell(an_thanh)
    path = _copy(an_thanh, tmp_path, "tthc", lambda wb: wb[sheet].__setitem__(cell, value + 22))
    report = validate.check_file(path, an_thanh.city, CODE)
    assert report.status == "rejected"
    problem = report.errors[0]
    assert (problem.sheet, problem.cell) == (sheet, cell), report.text()
    assert "đã bị sửa sau khi lập" in problem.rule and said in problem.rule
    assert provenance.shown(value + 22) in problem.rule and "Nguồn số liệu" in problem.rule


def test_a_text_edited_after_writing_breaks_the_sheets_digest(an_thanh, tmp_path):
    report = validate.check_file(_file(an_thanh, "danh_gia"), an_thanh.city)
    sheet = CATALOG["danh_gia"].sheets[0]
    column = next(i for i, c in enumerate(sheet.columns, start=1) if c.type == "text" and c in sheet.fields)
    row = layout.FIRST_DATA_ROW + int(report.data[sheet.key][sheet.columns[column - 1].key].first_valid_index() or 0)
    path = _copy(an_thanh, tmp_path, "danh_gia", lambda wb: wb[sheet.name].cell(row, column, "Đã sửa tay"))
    report = validate.check_file(path, an_thanh.city, CODE)
    problem = report.errors[0]
    assert problem.sheet == sheet.name and "không khớp dấu kiểm" in problem.rule, report.text()


def test_another_communes_package_with_only_its_meta_relabelled_is_refused(an_thanh, tmp_path):
    other = next(u for u in an_thanh.city.units if u.kind and u.code != CODE)

    def relabel(wb):
        ws = wb[layout.META_SHEET]
        for row in ws.iter_rows():
            if row[0].value in ("unit_code", "package_commune_code"):
                row[1].value = other.code
            elif row[0].value in ("unit_name", "package_of"):
                row[1].value = other.name
    report = validate.check_file(_copy(an_thanh, tmp_path, "tthc", relabel), an_thanh.city, other.code)
    assert report.status == "rejected" and report.unit_code == other.code
    problem = report.errors[0]
    assert (problem.sheet, problem.cell) == ("TTHC", "A2") and "xã An Thành" in problem.rule, report.text()
    assert "đổi nhãn" in problem.rule


def test_a_city_may_require_the_heads_sign_off(an_thanh, tmp_path):
    city = replace(an_thanh.city, require_signoff=True)
    report = validate.check_file(_file(an_thanh, "tthc"), city, CODE)
    assert report.status == "rejected" and "thủ trưởng" in report.errors[0].rule
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    inputs.mkdir()
    (inputs / paths.CITY_CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8").replace(
        "[period]", "[packages]\nrequire_signoff = true\n\n[period]", 1), encoding="utf-8")
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        first = package.write(con, an_thanh.config, inputs, outputs)
        assert any("chưa được xác nhận" in note for note in first.notes)
        package.sign_off(inputs, outputs, an_thanh.config, "truong", "Nguyễn Văn Trưởng")
        second = package.write(con, an_thanh.config, inputs, outputs)
    finally:
        con.close()
    assert any("Nguyễn Văn Trưởng xác nhận" in note for note in second.notes), second.notes
    signed = next((outputs / paths.PACKAGE_DIR).glob("Bieu_TTHC_*.xlsx"))
    assert _meta(signed)["package_signed_by"] == "Nguyễn Văn Trưởng"
    assert validate.check_file(signed, city, CODE).status == "accepted"


def test_a_package_of_an_older_catalog_version_is_carried_over(an_thanh, tmp_path, monkeypatch):
    """A commune whose program still has TTHC version 2: its package reaches a city at version 3
    (carried over like an older template), proving itself with its own digest and sources."""
    from pipeline.intake import versions

    old = versions.shape(CATALOG["tthc"], 2)
    monkeypatch.setattr(package, "CATALOG", {**CATALOG, "tthc": old})
    con = warehouse.connect(an_thanh.outputs, read_only=True)
    try:
        package.write(con, an_thanh.config, an_thanh.inputs, tmp_path)
    finally:
        con.close()
    monkeypatch.undo()
    path = next((tmp_path / paths.PACKAGE_DIR).glob("Bieu_TTHC_*.xlsx"))
    assert _meta(path)["version"] == 2
    report = validate.check_file(path, an_thanh.city, CODE)
    assert report.status != "rejected" and report.version == 2, report.text()
    theirs = report.data["ho_so"]
    mine = _commune_facts(an_thanh, "tthc", "ho_so")
    for key in ("nhan_truc_tuyen", "giai_quyet_tong"):
        assert theirs[key].sum() == pytest.approx(mine[key].sum())

"""Blank is not zero outside TTHC (issue 22): leadership, IT infrastructure and delegated tasks
files with figures the unit does not hold are accepted; every indicator needing one is [x] with the
figure and the unit named (the row's note), never a smaller total. Real .xlsx, a real warehouse."""

from __future__ import annotations

from pipeline.checks import validate
from pipeline.core import layout
from pipeline.outputs import indicators
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG
from tests.receive_util import filled

FIRST = layout.FIRST_DATA_ROW


def _letter(template_id: str, sheet_key: str, key: str) -> str:
    cols = [c.key for c in CATALOG[template_id].sheet(sheet_key).columns]
    return chr(ord("A") + cols.index(key))


def _results(config, inputs, outputs):
    summary = ingest.run(inputs, outputs, config)
    assert not summary.rejected, summary.text()
    with warehouse.connect(outputs) as con:
        return indicators.compute(con, config)


def test_a_kind_of_document_without_a_count_leaves_the_totals_unknown(config, workdir):
    """A row of the documents sheet left blank: accepted with one warning; its issuer's total and the
    grand total are [x] naming «Tổng số đã ban hành» and the unit; the digital-signature rate of II.7,
    which reads the same figures, is [x] too."""
    inputs, outputs = workdir
    sheet = CATALOG["lanh_dao"].sheet("van_ban")

    def blank_row(wb):
        for key in [c.key for c in sheet.fields]:
            wb[sheet.name][f"{_letter('lanh_dao', 'van_ban', key)}{FIRST}"] = None
    path = filled(config, "lanh_dao", inputs, edit=blank_row)
    report = validate.check_file(path, config)
    assert report.status == "warnings" and not report.errors, report.text()
    filled(config, "ha_tang_so", inputs)
    results = _results(config, inputs, outputs)
    t = results.tables["lanh_dao_van_ban"]
    unit = config.owners("lanh_dao")[0].name
    total = t.row("Cộng")
    assert t.text(total, "tong_so") == "[x]" and t.text(total, "ty_le_ky_so") == "[x]"
    assert '"Tổng số đã ban hành"' in t.value(total, "ghi_chu") and unit in t.value(total, "ghi_chu")
    c = results.tables["ha_tang_so_chi_so"]
    i = next(i for i in range(len(c.frame)) if c.value(i, "chi_so") == "ty_le_van_ban_ky_so")
    assert c.text(i, "gia_tri") == "[x]" and '"Tổng số đã ban hành"' in c.value(i, "ghi_chu")
    known = next(i for i in range(len(c.frame)) if c.value(i, "chi_so") == "ty_le_chu_ky_so")
    assert c.value(known, "gia_tri") is not None  # the others are computed as before


def test_it_figures_left_blank_are_named_and_never_judged(config, workdir):
    inputs, outputs = workdir
    sheet = CATALOG["ha_tang_so"].sheet("chi_so")

    def blank(wb):
        for key in ("can_bo_tong", "ho_so_toan_trinh"):
            wb[sheet.name][f"{_letter('ha_tang_so', 'chi_so', key)}{FIRST}"] = None
        wb["Thiết bị"][f"{_letter('ha_tang_so', 'thiet_bi', 'dap_ung')}{FIRST}"] = None
    path = filled(config, "ha_tang_so", inputs, edit=blank)
    assert validate.check_file(path, config).status == "accepted"
    filled(config, "lanh_dao", inputs)  # the II.7 table also reads the documents' digital signatures
    results = _results(config, inputs, outputs)
    c = results.tables["ha_tang_so_chi_so"]
    row = {c.value(i, "chi_so"): i for i in range(len(c.frame))}
    for key, named in (("ty_le_chu_ky_so", "Tổng số cán bộ, công chức, viên chức"),
                       ("ty_le_toan_trinh", "Trong đó: xử lý trực tuyến toàn trình"),
                       ("ty_le_dap_ung", "Trong đó: đáp ứng yêu cầu")):
        assert c.text(row[key], "gia_tri") == "[x]", key
        assert f'"{named}"' in c.value(row[key], "ghi_chu"), key
    e = results.tables["ha_tang_so_thiet_bi"]
    assert e.text(e.row("Cộng"), "dap_ung") == "[x]" and e.value(e.row("Cộng"), "dang_su_dung") is not None


def test_a_task_without_its_number_of_procedures(config, workdir):
    """«Số TTHC gắn với nhiệm vụ» left blank for one task: the file is accepted; the procedures of
    its form and of all tasks are [x] naming the figure (the task counts are unaffected)."""
    inputs, outputs = workdir

    def blank(wb):
        wb["Nhiệm vụ"][f"{_letter('phan_cap', 'nhiem_vu', 'so_tthc')}{FIRST}"] = None
        wb["Nhiệm vụ"][f"{_letter('phan_cap', 'nhiem_vu', 'can_cu')}{FIRST}"] = None
    path = filled(config, "phan_cap", inputs, edit=blank)
    assert validate.check_file(path, config).status == "accepted"
    t = _results(config, inputs, outputs).tables["phan_cap_theo_hinh_thuc"]
    total = t.row("Cộng")
    assert t.text(total, "so_tthc") == "[x]" and t.value(total, "so_nhiem_vu") is not None
    assert '"Số TTHC gắn với nhiệm vụ"' in t.value(total, "ghi_chu")

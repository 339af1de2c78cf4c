"""The warehouse: real DuckDB files, history, supersession, idempotence, killed runs, LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline import demo
from pipeline.checks import validate
from pipeline.core import layout, paths
from pipeline.store import inbox, ingest, warehouse
from pipeline.topics import CATALOG
from tests.conftest import needs
from tests.receive_util import filled, tree_hash


def unchanged(before: dict[str, str], inputs: Path) -> None:
    """inputs/ is append-only: every file is as it was; the only new files are sidecars beside files."""
    after = tree_hash(inputs)
    assert {k: after.get(k) for k in before} == before
    assert all(k.endswith(".json") and k[:-5] in before for k in set(after) - set(before)), set(after) - set(before)


def counts(outputs: Path) -> dict[str, int]:
    with warehouse.connect(outputs) as con:
        names = ["submissions", "problems", "current_submissions"] + [
            f"{t.id}_{s.key}" for t in CATALOG.values() for s in t.sheets]
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchall()[0][0] for n in names}


def upload(inputs: Path, source: Path, unit: str, when: str, name: str | None = None) -> Path:
    """Place a file as the web portal does: inputs/received/<stamp>_<UNIT>_<sha8>.xlsx + sidecar."""
    folder = inputs / "received"
    folder.mkdir(exist_ok=True)
    target = folder / (name or f"{when.replace('-', '').replace(':', '')}_{unit}.xlsx")
    shutil.copy(source, target)
    target.with_name(target.name + ".json").write_text(json.dumps(
        {"received_at": when, "sender": f"user_{unit}", "unit_code": unit, "original_name": source.name}))
    return target


def test_demo_set_ingests_clean_and_twice_is_idempotent(config, workdir):
    inputs, outputs = workdir
    files = demo.write_all(inputs / "demo", config)
    before = tree_hash(inputs)
    summary = ingest.run(inputs, outputs, config, demo_set=True)
    assert summary.new == len(files) and summary.seen == 0
    assert len(summary.accepted) == len(files) and not summary.warnings and not summary.rejected, summary.text()
    first = counts(outputs)
    assert first["submissions"] == first["current_submissions"] == len(files) and first["problems"] == 0
    for template in CATALOG.values():
        for sheet in template.sheets:
            if sheet.rows and config.owners(template.id):
                rows = len(sheet.rows(config)) * len(config.owners(template.id))
                assert first[f"{template.id}_{sheet.key}"] == rows
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT sum(nhan_tong) FROM cur_tthc_ho_so").fetchall()[0][0] == sum(
            r["nhan_tong"] for r in demo.data_for("tthc", config, "TTPVHCC")["ho_so"])
        assert con.execute("SELECT bool_and(demo) FROM submissions").fetchall()[0][0] is True
    again = ingest.run(inputs, outputs, config, demo_set=True)
    assert again.new == 0 and again.seen == len(files) and not again.rebuilt
    assert "0 tệp mới" in again.text()
    assert counts(outputs) == first
    unchanged(before, inputs)
    assert (outputs / ingest.OVERVIEW).exists()


def test_later_file_supersedes_and_history_is_kept(config, workdir, tmp_path):
    inputs, outputs = workdir
    first = filled(config, "so_hoa", tmp_path / "a")

    def edit(wb):
        wb["Lưu trữ"]["J6"] = 999
    second = filled(config, "so_hoa", tmp_path / "b", edit=edit)
    upload(inputs, second, "VP", "2026-05-05T10:00:00")
    upload(inputs, first, "VP", "2026-05-04T09:00:00")
    summary = ingest.run(inputs, outputs, config)
    assert len(summary.accepted) == 2
    assert summary.superseded == [("20260504T090000_VP.xlsx", "20260505T100000_VP.xlsx")]
    assert "thay thế" in summary.text()
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT count(*) FROM submissions").fetchall()[0][0] == 2
        current = con.execute("SELECT file_name, sender, original_name FROM current_submissions").fetchall()
        assert current == [("20260505T100000_VP.xlsx", "user_VP", first.name)]
        assert con.execute("SELECT khai_thac_truc_tiep FROM cur_so_hoa_phong WHERE row_number = 6").fetchall() == [(999,)]
        assert con.execute("SELECT count(DISTINCT submission_id) FROM so_hoa_phong").fetchall()[0][0] == 2


def test_rejected_file_is_recorded_not_loaded(config, workdir):
    inputs, outputs = workdir
    good = filled(config, "tthc", inputs, "tthc_1.xlsx")
    upload(inputs, good, "TTPVHCC", "2026-05-01T08:00:00")
    bad = filled(config, "tthc", inputs / "drop", "tthc_2.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -1))
    upload(inputs, bad, "TTPVHCC", "2026-05-02T08:00:00", "later_bad.xlsx")
    shutil.move(bad, inputs.parent / "moved.xlsx")
    (inputs / "drop").rmdir()
    (inputs / "broken.xlsx").write_bytes(b"%PDF-1.4")
    summary = ingest.run(inputs, outputs, config)
    assert {r.path.name for r in summary.rejected} == {"later_bad.xlsx", "broken.xlsx"}
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT file_name FROM current_submissions").fetchall() == [("tthc_1.xlsx",)]
        problems = con.execute("SELECT p.sheet, p.cell, s.status FROM problems p JOIN submissions s "
                               "USING (submission_id) WHERE s.file_name = 'later_bad.xlsx'").fetchall()
        assert ("TTHC", "C6", "rejected") in problems
        assert con.execute("SELECT count(DISTINCT submission_id) FROM tthc_ho_so").fetchall()[0][0] == 2
        stored = con.execute("SELECT path FROM submissions WHERE file_name = 'later_bad.xlsx'").fetchall()[0][0]
    # the feedback folder mirrors the file's path in inputs/ (two files of one name never share one)
    assert (validate.output_dir(None, outputs / "validation", rel=stored) / validate.REPORT_NAME).exists()
    reported = {p.parent.name for p in (outputs / "validation").rglob(validate.REPORT_NAME)}
    assert reported == {Path(stored).stem, "broken"}  # the clean tthc_1 is listed in the overview only


def test_scan_skips_what_is_not_a_submission(config, workdir):
    inputs, _ = workdir
    good = filled(config, "so_hoa", inputs)
    upload(inputs, good, "VP", "2026-05-01T08:00:00")
    for name in ("accounts.json", "README.md", ".gitkeep", ".portal_secret", "mau_bao_cao.docx", "x.tmp",
                 "~$" + good.name):
        (inputs / name).write_text("x")
    (inputs / "received" / ".upload.xlsx.tmp").write_text("x")
    (inputs / "stray.json").write_text("{}")
    names = sorted(p.relative_to(inputs).as_posix() for p in inbox.received_files(inputs))
    assert names == sorted(["received/20260501T080000_VP.xlsx", good.name, "stray.json"])


def test_rebuilt_from_inputs_alone(config, workdir):
    inputs, outputs = workdir
    demo.write_all(inputs, config)
    ingest.run(inputs, outputs, config)
    first = counts(outputs)
    shutil.rmtree(outputs)
    ingest.run(inputs, outputs, config)
    assert counts(outputs) == first
    (outputs / warehouse.DB_NAME).write_bytes(b"not a database")
    summary = ingest.run(inputs, outputs, config)
    assert summary.new == first["submissions"] and counts(outputs) == first


def test_config_change_rebuilds(config, workdir):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    ingest.run(inputs, outputs, config)
    toml = inputs / paths.CONFIG_NAME
    toml.write_text(toml.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    from pipeline.core.config import load

    summary = ingest.run(inputs, outputs, load(toml))
    assert summary.rebuilt and summary.new == 1 and counts(outputs)["submissions"] == 1


def test_concurrent_writers_are_serialised(config, workdir):
    inputs, outputs = workdir
    demo.write_all(inputs, config)
    results = []
    threads = [threading.Thread(target=lambda: results.append(ingest.run(inputs, outputs, config)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = len(list(inputs.glob("*.xlsx")))
    assert sorted(r.new for r in results) == [0, 0, total]  # one did the work, the others found it done
    assert counts(outputs)["submissions"] == total


def test_killed_ingest_leaves_a_usable_warehouse(config, workdir):
    inputs, outputs = workdir
    files = demo.write_all(inputs, config, marked=False)  # as the units send them
    before = tree_hash(inputs)
    env = dict(os.environ, PIPELINE_INGEST_BATCH="2", PIPELINE_INGEST_KILL_AFTER="3")
    cmd = [sys.executable, "-m", "pipeline", "--config", str(inputs / paths.CONFIG_NAME), "ingest",
           "--inputs", str(inputs), "--outputs", str(outputs)]
    done = subprocess.run(cmd, env=env, cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == ingest.KILLED_EXIT, done.stderr
    # The first batch (2 files) was committed; the second was killed inside its transaction.
    assert counts(outputs)["submissions"] == 2
    env.pop("PIPELINE_INGEST_KILL_AFTER")
    done = subprocess.run(cmd, env=env, cwd=paths.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{len(files) - 2} tệp mới" in done.stdout
    final = counts(outputs)
    assert final["submissions"] == final["current_submissions"] == len(files)
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT count(*) - count(DISTINCT sha256) FROM submissions").fetchall()[0][0] == 0
    unchanged(before, inputs)


@pytest.mark.slow
@needs("soffice")
def test_libreoffice_resaved_template_is_accepted(config, workdir, tmp_path):
    inputs, outputs = workdir

    def edit(wb):
        ws = wb["TTHC"]
        from openpyxl.utils import get_column_letter
        at = {c.key: get_column_letter(i + 1) for i, c in enumerate(CATALOG["tthc"].sheet("ho_so").columns)}
        # carried over + online + counter, a formula: openpyxl saves no value, LibreOffice computes and saves it
        ws[f"{at['nhan_tong']}6"] = "=" + "+".join(f"{at[k]}6" for k in ("nhan_ky_truoc", "nhan_truc_tuyen", "nhan_truc_tiep"))
    source = filled(config, "tthc", tmp_path / "unit", edit=edit)
    assert validate.check_file(source, config).status == "rejected"
    bare = filled(config, "nhan_su", tmp_path / "unit", edit=lambda wb: wb.remove(wb[layout.META_SHEET]))
    converted = tmp_path / "lo"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo_profile", "--headless",
                           "--convert-to", "xlsx", "--outdir", str(converted), str(source), str(bare)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    resaved = converted / source.name
    report = validate.check_file(resaved, config)
    assert report.status == "accepted", report.text()
    assert report.recognised_by == "fingerprint"
    shutil.copy(resaved, inputs / "tthc_lo.xlsx")
    summary = ingest.run(inputs, outputs, config)
    assert len(summary.accepted) == 1

    # Without the hidden sheet, LibreOffice's file is recognised by its header labels.
    report = validate.check_file(converted / bare.name, config)
    assert (report.status, report.recognised_by, report.unit_code) == ("accepted", "headers", "VHXH"), report.text()


def test_a_reader_holding_the_file_makes_ingest_wait_then_stop_without_moving_it(config, workdir, monkeypatch):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    ingest.run(inputs, outputs, config)
    db = outputs / warehouse.DB_NAME
    reader = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
         "print('open', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "open"
        monkeypatch.setattr(warehouse, "BUSY_TIMEOUT", 1.0)
        with pytest.raises(warehouse.WarehouseBusy, match="đang được một chương trình khác mở"):
            ingest.run(inputs, outputs, config)
        assert not list(outputs.glob("*.broken-*")) and db.exists()
    finally:
        reader.kill()
        reader.wait()
    filled(config, "nhan_su", inputs)
    summary = ingest.run(inputs, outputs, config)
    assert summary.new == 1 and not summary.rebuilt
    assert counts(outputs)["submissions"] == 2


def test_a_portal_sidecar_whose_upload_is_not_yet_renamed_is_not_a_submission(config, workdir):
    inputs, outputs = workdir
    folder = inputs / "received"
    folder.mkdir()
    (folder / "20260505T100000000000_VP_abcd1234.xlsx.json").write_text(
        json.dumps({"received_at": "2026-05-05T10:00:00", "sender": "vp", "unit_code": "VP"}))
    assert inbox.received_files(inputs) == []
    summary = ingest.run(inputs, outputs, config)
    assert summary.new == 0 and counts(outputs)["submissions"] == 0


def test_a_demo_workbook_received_as_a_units_file_is_rejected(config, workdir):
    inputs, outputs = workdir
    marked = demo.write_all(inputs / "nhan_nham", config)  # the demo set copied into inputs/ by mistake
    real = filled(config, "tthc", inputs, "tthc_that.xlsx")
    summary = ingest.run(inputs, outputs, config)
    assert {r.path.name for r in summary.rejected} == {p.name for p in marked}
    assert any(layout.DEMO_MARK in p.rule for r in summary.rejected for p in r.errors)
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT file_name FROM current_submissions").fetchall() == [(real.name,)]
        assert not con.execute("SELECT count(*) FROM tthc_ho_so f JOIN submissions s USING (submission_id) "
                               "WHERE s.demo").fetchall()[0][0]  # demo figures never loaded beside real ones


def test_the_warehouse_module_is_storage_only():
    """Storage never writes user feedback: warehouse.py imports no checks and no workbook writer
    (the ingest writes the feedback and the overview)."""
    import ast

    tree = ast.parse(Path(warehouse.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("pipeline.checks", "pipeline.intake", "openpyxl"))}
    assert not hasattr(warehouse, "ingest") and hasattr(ingest, "write_feedback")

"""Ingest hardening: one file never stops the others, memory bounded by a batch, received times kept
by copies, short write transactions, a busy warehouse told apart from a broken one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from pipeline import analysis, demo
from pipeline.checks import feedback, validate
from pipeline.core import atomic, logs
from pipeline.intake import read
from pipeline.store import inbox, ingest, warehouse
from pipeline.topics import CATALOG
from tests.receive_util import filled


def statuses(outputs: Path) -> dict[str, str]:
    with warehouse.connect(outputs) as con:
        return dict(con.execute("SELECT file_name, status FROM submissions").fetchall())


def test_a_stage_raising_for_one_file_rejects_that_file_alone(config, workdir, monkeypatch):
    inputs, outputs = workdir
    bad = filled(config, "tthc", inputs, "poison.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -1))
    other = filled(config, "so_hoa", inputs, "other_bad.xlsx", edit=lambda wb: wb["Lưu trữ"].__setitem__("J6", -1))
    good = filled(config, "nhan_su", inputs)
    real = validate.write_outputs

    def explode(report, folder, rel=None, **names):
        if report.path.name == "poison.xlsx" and report.problems[0].rule != logs.SYSTEM_ERROR:
            raise ValueError("openpyxl.utils.exceptions.IllegalCharacterError: \x07")
        return real(report, folder, rel=rel, **names)

    monkeypatch.setattr(feedback, "write_outputs", explode)
    summary = ingest.run(inputs, outputs, config)
    assert statuses(outputs) == {bad.name: "rejected", other.name: "rejected", good.name: "accepted"}
    poisoned = next(r for r in summary.rejected if r.path.name == bad.name)
    assert [p.rule for p in poisoned.problems] == [logs.SYSTEM_ERROR]
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT rule FROM problems JOIN submissions USING (submission_id) "
                           "WHERE file_name = 'poison.xlsx'").fetchall() == [(logs.SYSTEM_ERROR,)]
        assert con.execute("SELECT count(*) FROM cur_nhan_su_can_bo").fetchall()[0][0] > 0
    log = logs.path(outputs).read_text(encoding="utf-8")
    assert "Traceback" in log and "IllegalCharacterError" in log and "poison.xlsx" in log
    assert (outputs / "validation" / "poison" / validate.REPORT_NAME).exists()  # the unit still gets a report
    assert (outputs / "validation" / "other_bad" / validate.REPORT_NAME).exists()


def test_validation_raising_for_a_batch_rejects_only_the_file_at_fault(config, workdir, monkeypatch):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    filled(config, "nhan_su", inputs)
    real = validate.check_batch

    def fragile(items, config, contents=None):
        if any(Path(p).name.startswith(CATALOG["so_hoa"].file_name + "_") for p, _ in items):
            raise RuntimeError("a bug in one stage")
        return real(items, config, contents)

    monkeypatch.setattr(validate, "check_batch", fragile)
    ingest.run(inputs, outputs, config)
    found = statuses(outputs)
    assert sorted(found.values()) == ["accepted", "rejected"]
    assert found[next(n for n in found if n.startswith(CATALOG["so_hoa"].file_name + "_"))] == "rejected"


def test_a_file_above_the_limit_is_rejected_without_being_read(config, workdir, monkeypatch):
    inputs, outputs = workdir
    huge = inputs / "anh_chup.xlsx"
    with open(huge, "wb") as handle:  # sparse: costs no disk
        handle.write(read.ZIP_SIGNATURE)
        handle.truncate(read.MAX_FILE_BYTES + 1)
    filled(config, "so_hoa", inputs)
    reads = []
    real = Path.read_bytes

    def spy(self):
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    summary = ingest.run(inputs, outputs, config)
    assert huge.name not in reads
    rejected = {r.path.name: r for r in summary.rejected}
    assert "quá lớn" in rejected[huge.name].errors[0].rule and len(summary.accepted) == 1
    shutil.copyfile(huge, inputs / "anh_chup_2.xlsx")  # a batch of large files only
    again = ingest.run(inputs, outputs, config)
    assert [r.path.name for r in again.rejected] == ["anh_chup_2.xlsx"] and "anh_chup_2.xlsx" not in reads


def test_files_are_read_one_batch_at_a_time(config, workdir, monkeypatch):
    inputs, outputs = workdir
    for template_id in ("so_hoa", "nhan_su", "lanh_dao"):
        filled(config, template_id, inputs)
    monkeypatch.setenv("PIPELINE_INGEST_BATCH", "1")
    events = []
    real_read, real_check = Path.read_bytes, validate.check_batch

    def spy(self):
        events.append(("read", self.name))
        return real_read(self)

    def check(items, config, contents=None):
        events.append(("check", Path(items[0][0]).name))
        return real_check(items, config, contents)

    monkeypatch.setattr(Path, "read_bytes", spy)
    monkeypatch.setattr(validate, "check_batch", check)
    ingest.run(inputs, outputs, config)
    order = [e for e in events if e[1].endswith(".xlsx")]
    checked = [name for kind, name in order if kind == "check"]
    assert len(checked) == 3
    for earlier, name in zip(checked, checked[1:], strict=False):  # a file is read only once the batch before is done
        assert order.index(("read", name)) > order.index(("check", earlier))


def test_received_time_is_recorded_once_and_kept_by_a_copy(config, workdir, tmp_path):
    inputs, outputs = workdir
    dropped = filled(config, "so_hoa", inputs)
    os.utime(dropped, (datetime(2026, 5, 4, 9, 30).timestamp(),) * 2)
    ingest.run(inputs, outputs, config)
    note = json.loads(dropped.with_name(dropped.name + ".json").read_text(encoding="utf-8"))
    assert note["received_at"] == "2026-05-04T09:30:00"
    assert [p.name for p in inbox.received_files(inputs)] == [dropped.name]  # the sidecar is not a submission
    copy = tmp_path / "copy"
    shutil.copytree(inputs, copy, copy_function=shutil.copyfile)  # as `cp -r`: every file re-dated now
    ingest.run(copy, tmp_path / "out2", config)
    with warehouse.connect(tmp_path / "out2") as con:
        assert con.execute("SELECT received_at FROM submissions").fetchall() == [(datetime(2026, 5, 4, 9, 30),)]


def test_a_sidecar_is_added_for_a_file_seen_before_but_never_replaced(config, workdir):
    inputs, outputs = workdir
    upload = filled(config, "so_hoa", inputs)
    note = upload.with_name(upload.name + ".json")
    note.write_text(json.dumps({"received_at": "2026-05-01T08:00:00", "sender": "vp", "unit_code": "VP"}))
    before = note.read_bytes()
    ingest.run(inputs, outputs, config)
    assert note.read_bytes() == before
    inbox.remember(upload, datetime(2030, 1, 1))
    assert note.read_bytes() == before and not list(inputs.glob(".*"))


def test_a_reader_is_not_blocked_while_feedback_and_overview_are_written(config, workdir, monkeypatch):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    ingest.run(inputs, outputs, config)  # the warehouse exists
    filled(config, "tthc", inputs, "bad.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -1))
    db = outputs / warehouse.DB_NAME
    seen = []
    reader = [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True)"
              ".execute('select count(*) from submissions'); print('read')", str(db)]

    def read_meanwhile(*args):
        done = subprocess.run(reader, capture_output=True, text=True, timeout=60)
        seen.append(done.stdout.strip() or done.stderr.strip().splitlines()[-1])

    real_feedback, real_overview = feedback.write_outputs, ingest.write_overview
    monkeypatch.setattr(feedback, "write_outputs", lambda *a, **k: (read_meanwhile(), real_feedback(*a, **k))[1])
    monkeypatch.setattr(ingest, "write_overview", lambda *a: (read_meanwhile(), real_overview(*a))[1])
    ingest.run(inputs, outputs, config)
    assert seen == ["read", "read"]


def test_a_reader_meeting_a_busy_warehouse_gets_a_vietnamese_message(config, workdir, monkeypatch):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    ingest.run(inputs, outputs, config)
    writer = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('open', flush=True); time.sleep(60)", str(outputs / warehouse.DB_NAME)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        monkeypatch.setattr(warehouse, "READ_TIMEOUT", 0.5)
        with pytest.raises(warehouse.WarehouseBusy, match="đang được một chương trình khác mở"):
            analysis.open(outputs).submissions()
    finally:
        writer.kill()
        writer.wait()


def test_busy_is_told_by_exception_type_not_by_words(config, workdir, monkeypatch):
    """Windows words a lock conflict "being used by another process" (and localised): still busy."""
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    ingest.run(inputs, outputs, config)
    real = duckdb.connect

    def held(database=":memory:", *args, **kwargs):
        if str(database).endswith(warehouse.DB_NAME):
            raise duckdb.IOException('IO Error: Cannot open file "warehouse.duckdb": Tiến trình không thể '
                                     "truy cập tệp vì tệp đang được một tiến trình khác sử dụng.")
        return real(database, *args, **kwargs)

    monkeypatch.setattr(warehouse.duckdb, "connect", held)
    monkeypatch.setattr(warehouse, "BUSY_TIMEOUT", 0.3)
    filled(config, "nhan_su", inputs)
    with pytest.raises(warehouse.WarehouseBusy):
        ingest.run(inputs, outputs, config)
    assert not list(outputs.glob("*.broken-*")) and (outputs / warehouse.DB_NAME).exists()


def test_a_second_writer_waits_then_gets_a_vietnamese_message(workdir, monkeypatch):
    _, outputs = workdir
    holder = subprocess.Popen(
        [sys.executable, "-c", "import filelock, sys, time; l = filelock.FileLock(sys.argv[1]); l.acquire(); "
         "print('held', flush=True); time.sleep(60)", str(outputs / warehouse.LOCK_NAME)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(warehouse, "WRITER_TIMEOUT", 0.5)
        with pytest.raises(warehouse.WarehouseBusy, match="đang ghi vào kho dữ liệu"):
            with warehouse.writer_lock(outputs):
                pass
    finally:
        holder.kill()
        holder.wait()
    with warehouse.writer_lock(outputs):  # released by the system when its holder died
        pass


def test_an_unreadable_overview_is_rebuilt_on_the_next_ingest(config, workdir):
    inputs, outputs = workdir
    demo.write_all(inputs, config)
    ingest.run(inputs, outputs, config)
    overview = outputs / ingest.OVERVIEW
    overview.write_bytes(overview.read_bytes()[:1000])  # killed while writing it (an older version)
    assert not atomic.readable(overview)
    again = ingest.run(inputs, outputs, config)
    assert again.new == 0
    with zipfile.ZipFile(overview) as zf:
        assert zf.testzip() is None
    assert not atomic.leftovers(outputs)


def test_one_log_file_at_a_time(tmp_path):
    first, second = logs.configure(tmp_path / "a"), logs.configure(tmp_path / "b")
    assert logs.configure(tmp_path / "b") == second
    files = [h.baseFilename for h in logs.LOGGER.handlers if hasattr(h, "baseFilename")]
    assert files == [str(second)] and first.exists()  # the first is closed, so it could be deleted on Windows

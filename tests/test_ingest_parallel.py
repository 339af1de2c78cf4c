"""The ingest at scale: the same warehouse from one process or from workers on every core, a
worker's crash or hang losing no file, and a summary whose size does not grow with the files."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline import demo
from pipeline.core import logs
from pipeline.store import ingest, parallel, summary, warehouse
from tests.receive_util import filled

BAD = {"tthc": ("TTHC", "C6", -1), "so_hoa": ("Lưu trữ", "J6", -1)}  # a negative count: an error


def received(config, folder: Path) -> list[Path]:
    """Real files as units send them: the demo figures of every unit (unmarked), two with an error,
    and a later copy of one (it supersedes the first)."""
    files = demo.write_all(folder, config, marked=False)
    for template_id, (sheet, cell, value) in BAD.items():
        files.append(filled(config, template_id, folder, f"{template_id}_loi.xlsx",
                            edit=lambda wb, s=sheet, c=cell, v=value: wb[s].__setitem__(c, v)))
    later = folder / f"z_{files[0].name}"
    shutil.copyfile(files[0], later)
    return [*files, later]


def tables(outputs: Path) -> dict[str, list[tuple]]:
    """Every warehouse table, row for row (ingested_at, the clock of the run, left out)."""
    out = {}
    with warehouse.connect(outputs) as con:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        for name in names:
            columns = [c for (c,) in con.execute(f"SELECT column_name FROM information_schema.columns WHERE "
                                                 f"table_name = '{name}' ORDER BY ordinal_position").fetchall()
                       if c != "ingested_at"]
            out[name] = con.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY ALL").fetchall()
    return out


def feedback(outputs: Path) -> list[str]:
    return sorted(p.relative_to(outputs).as_posix() for p in (outputs / ingest.VALIDATION_DIR).rglob("*")
                  if p.is_file())


def statuses(outputs: Path) -> dict[str, str]:
    with warehouse.connect(outputs) as con:
        return dict(con.execute("SELECT file_name, status FROM submissions").fetchall())


def test_workers_on_every_core_give_the_warehouse_of_one_process_row_for_row(config, tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(config.path, inputs / config.path.name)
    files = received(config, inputs / "received")
    monkeypatch.setenv("PIPELINE_INGEST_BATCH", "3")  # several batches, several workers busy at once
    shutil.copytree(inputs, tmp_path / "inputs_2")  # as sent: the first run adds sidecars to its inputs
    runs = {}
    for workers, folder in (("1", inputs), ("2", tmp_path / "inputs_2")):
        monkeypatch.setenv(parallel.WORKERS_ENV, workers)
        runs[workers] = ingest.run(folder, tmp_path / f"out_{workers}", config)
    one, many = (tmp_path / "out_1"), (tmp_path / "out_2")
    assert tables(many) == tables(one)
    found = tables(one)
    assert len(found["submissions"]) == len(files) and found["problems"] and found["tthc_ho_so"]
    assert sorted(statuses(one).values()).count("rejected") == len(BAD)
    assert feedback(many) == feedback(one) and feedback(one)
    assert runs["2"].text() == runs["1"].text() and "thay thế" in runs["1"].text()


def test_a_worker_dying_on_a_file_rejects_that_file_alone(config, workdir, monkeypatch):
    inputs, outputs = workdir
    for template_id in ("so_hoa", "nhan_su", "lanh_dao", "ngan_sach"):
        filled(config, template_id, inputs)
    crash = filled(config, "tthc", inputs, "a_crash.xlsx")
    monkeypatch.setenv("PIPELINE_INGEST_BATCH", "2")  # the file that kills its worker shares its batch
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setenv(parallel.CRASH_ENV, crash.name)
    result = ingest.run(inputs, outputs, config)
    found = statuses(outputs)
    assert found.pop(crash.name) == "rejected" and set(found.values()) == {"accepted"} and len(found) == 4
    assert [p.rule for p in result.rejected[0].problems] == [logs.SYSTEM_ERROR]
    assert (outputs / ingest.VALIDATION_DIR / crash.stem).is_dir()  # the unit still gets its report
    assert "bị dừng" in logs.path(outputs).read_text(encoding="utf-8")


def test_a_worker_hanging_on_a_file_is_stopped_and_that_file_alone_rejected(config, workdir, monkeypatch):
    inputs, outputs = workdir
    for template_id in ("so_hoa", "nhan_su"):
        filled(config, template_id, inputs)
    hang = filled(config, "lanh_dao", inputs, "b_hang.xlsx")
    monkeypatch.setenv("PIPELINE_INGEST_BATCH", "1")
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    monkeypatch.setenv(parallel.HANG_ENV, hang.name)
    monkeypatch.setattr(parallel, "START_SECONDS", 20.0)  # a file's time, here: 21 s instead of minutes
    monkeypatch.setattr(parallel, "FILE_BUDGET", 1.0)
    ingest.run(inputs, outputs, config)
    found = statuses(outputs)
    assert found.pop(hang.name) == "rejected" and list(found.values()) == ["accepted", "accepted"]


def test_the_summary_counts_every_file_and_names_only_the_first(config, workdir, monkeypatch):
    inputs, outputs = workdir
    monkeypatch.setattr(summary, "LISTED", 1)
    for template_id, (sheet, cell, value) in BAD.items():
        filled(config, template_id, inputs, f"{template_id}_loi.xlsx", edit=lambda wb, s=sheet, c=cell, v=value:
               wb[s].__setitem__(c, v))
    first = filled(config, "nhan_su", inputs, "a_nhan_su.xlsx")
    for name in ("b_nhan_su.xlsx", "c_nhan_su.xlsx"):
        shutil.copyfile(first, inputs / name)
    result = ingest.run(inputs, outputs, config)
    assert result.counts["rejected"] == 2 and result.counts["accepted"] == 3 and result.counts["superseded"] == 2
    assert len(result.rejected) == len(result.accepted) == len(result.superseded) == len(result.received) == 1
    assert not result.accepted[0].data and not result.received[0].report.data  # no typed rows kept
    text = result.text()
    assert "3 được chấp nhận" in text and "2 bị trả lại" in text
    assert "… và 1 tệp bị trả lại khác" in text and "… và 1 tệp gửi sau thay thế tệp trước khác" in text
    assert len(statuses(outputs)) == 5


def test_one_process_unless_there_are_files_enough_or_it_is_asked(monkeypatch):
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    assert parallel.workers(parallel.PARALLEL_FILES - 1) == 1
    assert parallel.workers(parallel.PARALLEL_FILES) == parallel.os.cpu_count()
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.workers(10 ** 6) == 1
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    assert parallel.workers(2) == 3


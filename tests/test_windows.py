"""A simulated Windows (tests/windows_site/sitecustomize.py): no fcntl, spawn only, a file open in Word
cannot be replaced, no directory fsync, a child's stdout in cp1258. The build and key ingest, notebook and
portal tests run there in child processes; `make test` includes this module, and `make test-windows`
runs the whole suite (but the LibreOffice and browser tests) under the same simulation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipeline import build
from pipeline.core import atomic, paths
from tests.receive_util import filled

SITE = Path(__file__).resolve().parent / "windows_site"
KEY_TESTS = [
    "tests/test_atomic.py",
    "tests/test_ingest_safety.py::test_a_stage_raising_for_one_file_rejects_that_file_alone",
    "tests/test_ingest_safety.py::test_received_time_is_recorded_once_and_kept_by_a_copy",
    "tests/test_ingest_safety.py::test_a_reader_is_not_blocked_while_feedback_and_overview_are_written",
    "tests/test_ingest_safety.py::test_a_reader_meeting_a_busy_warehouse_gets_a_vietnamese_message",
    "tests/test_ingest_safety.py::test_busy_is_told_by_exception_type_not_by_words",
    "tests/test_ingest_safety.py::test_a_second_writer_waits_then_gets_a_vietnamese_message",
    "tests/test_warehouse.py::test_killed_ingest_leaves_a_usable_warehouse",
    "tests/test_notebooks.py::test_tthc_totals_match_the_warehouse",
    "tests/test_web.py::test_valid_upload_is_stored_with_its_sidecar_and_reported",
    "tests/test_web.py::test_simultaneous_uploads_are_all_kept",
]


def windows(**extra: str) -> dict[str, str]:
    path = os.pathsep.join([str(SITE), str(paths.ROOT), os.environ.get("PYTHONPATH", "")])
    return dict(os.environ, PYTHONPATH=path, PYTHONIOENCODING="cp1258", **extra)


def test_the_simulation_is_in_effect():
    probe = ("import multiprocessing, os\n"
             "try:\n    import fcntl\nexcept ImportError:\n    print('no fcntl')\n"
             "try:\n    multiprocessing.get_context('fork')\nexcept ValueError:\n    print('no fork')\n"
             "try:\n    os.open('.', os.O_RDONLY)\nexcept PermissionError:\n    print('no directory fsync')\n"
             "import sys; print(sys.stdout.encoding)")
    done = subprocess.run([sys.executable, "-c", probe], env=windows(), capture_output=True, timeout=60)
    assert done.stdout.decode("cp1258").split() == ["no", "fcntl", "no", "fork", "no", "directory", "fsync",
                                                    "cp1258"]


def test_build_finishes_with_the_report_open_in_word(config, workdir):
    inputs, outputs = workdir
    filled(config, "so_hoa", inputs)
    filled(config, "tthc", inputs, "tthc_loi.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -1))
    report = outputs / build.REPORT_NAME
    report.write_bytes(b"the officer's open copy")
    cmd = [sys.executable, "-m", "pipeline", "--config", str(inputs / paths.CONFIG_NAME), "build",
           "--inputs", str(inputs), "--outputs", str(outputs)]
    done = subprocess.run(cmd, env=windows(SIM_OPEN_FILES=build.REPORT_NAME), cwd=paths.ROOT,
                          capture_output=True, timeout=300)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == 0, err
    assert "TÓM TẮT" in out and "Bị trả lại: tthc_loi.xlsx" in out
    assert report.read_bytes() == b"the officer's open copy"
    beside = report.with_name("bao_cao_so_ket (mới).docx")
    assert atomic.readable(beside) and f"{build.REPORT_NAME} đang được mở" in out and beside.name in out
    assert len(list((outputs / build.TEMPLATES_DIR).glob("*.xlsx"))) >= 8  # the spawned child wrote them
    assert not atomic.leftovers(outputs)


def test_key_ingest_tests_pass_under_the_simulation():
    done = subprocess.run([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider",
                           "-W", "ignore", *KEY_TESTS],
                          env=windows(), cwd=paths.ROOT, capture_output=True, timeout=600)
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, out[-3000:]
    assert f"{len(KEY_TESTS) - 1 + 4} passed" in out, out[-1000:]


def test_soket_test_passes_pytest_options_through(capfd):
    from pipeline.__main__ import main

    assert main(["test", "-q", "--collect-only", "tests/test_docs.py"]) == 0
    assert "test_docs.py" in capfd.readouterr().out

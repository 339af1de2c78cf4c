"""The build: outputs replaced whole, a report open in Word kept and the new one written beside it,
unreadable outputs rebuilt, stale templates and demo files removed, one poisoned file never stops it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline import build
from pipeline.checks import feedback, validate
from pipeline.core import atomic, logs, paths
from pipeline.store import warehouse
from tests.receive_util import filled


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A demo build whose outputs/ held a stale template and a stale demo file beforehand."""
    root = tmp_path_factory.mktemp("built")
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir()
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs / paths.CONFIG_NAME)
    for folder in (build.TEMPLATES_DIR, build.DEMO_DIR):
        (outputs / folder).mkdir(parents=True)
        (outputs / folder / "khong_con_dung.xlsx").write_bytes(b"old")
    assert build.run(inputs, outputs) == 0
    return inputs, outputs


def test_stale_templates_and_demo_files_are_removed(built):
    _, outputs = built
    assert not (outputs / build.TEMPLATES_DIR / "khong_con_dung.xlsx").exists()
    assert not (outputs / build.DEMO_DIR / "khong_con_dung.xlsx").exists()
    assert all(atomic.readable(p) for p in (outputs / build.TEMPLATES_DIR).iterdir())
    assert list((outputs / build.DEMO_DIR).glob("*.xlsx")) and not atomic.leftovers(outputs)


def test_an_open_report_is_kept_and_the_new_one_written_beside(built, monkeypatch, capsys):
    inputs, outputs = built
    report = outputs / build.REPORT_NAME
    old = report.read_bytes()
    annex = outputs / build.ANNEX_NAME
    annex.write_bytes(annex.read_bytes()[:500])  # half-written by a killed run of an older version
    template = next((outputs / build.TEMPLATES_DIR).glob("*.xlsx"))
    template.write_bytes(template.read_bytes()[:500])
    real = os.replace

    def word_has_it_open(src, dst):
        if Path(dst) == report:
            raise PermissionError(13, "The process cannot access the file because it is being used "
                                      "by another process", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", word_has_it_open)
    capsys.readouterr()
    assert build.run(inputs, outputs) == 0  # nothing in inputs changed: only the unreadable annex forces it
    out = capsys.readouterr().out
    assert "Không có thay đổi" not in out and atomic.readable(annex) and atomic.readable(template)
    assert report.read_bytes() == old
    beside = report.with_name("bao_cao_so_ket (mới).docx")
    assert atomic.readable(beside)
    assert "bao_cao_so_ket.docx" in out and "bao_cao_so_ket (mới).docx" in out and "hãy đóng tệp đó" in out
    assert not atomic.leftovers(outputs)
    state = json.loads((outputs / build.STATE).read_text(encoding="utf-8"))
    assert state["fingerprint"] is None  # not complete: the next build tries to replace it again


def test_a_poisoned_file_never_stops_the_build(config, workdir, monkeypatch, capsys):
    inputs, outputs = workdir
    filled(config, "tthc", inputs, "poison.xlsx", edit=lambda wb: wb["TTHC"].__setitem__("C6", -1))
    filled(config, "so_hoa", inputs)
    real = validate.write_outputs

    def explode(report, folder):
        if report.path.name == "poison.xlsx" and report.problems[0].rule != logs.SYSTEM_ERROR:
            raise ValueError("IllegalCharacterError")
        return real(report, folder)

    monkeypatch.setattr(feedback, "write_outputs", explode)
    assert build.run(inputs, outputs) == 0
    assert atomic.readable(outputs / build.REPORT_NAME) and atomic.readable(outputs / build.ANNEX_NAME)
    out = capsys.readouterr().out
    assert f"Bị trả lại: poison.xlsx — {logs.SYSTEM_ERROR}" in out
    with warehouse.connect(outputs) as con:
        assert con.execute("SELECT status FROM current_submissions").fetchall() == [("accepted",)]

"""Backup and restore of the record (issue 27, item 7): a commune and its city after a full run are
each backed up, restored into an empty folder and built again; every figure of the report and the
annex is the same. A damaged archive and a non-empty target are refused in Vietnamese.

Real parts: the units' .xlsx, the commune's build writing its package, the city's build on it, the
archive written with zipfile and read back, the report (.docx) and annex (.xlsx) reopened."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline import __main__ as cli
from pipeline import build
from pipeline.core import paths
from pipeline.store import backup
from pipeline.web import accounts
from tests import city_util

CODE = "10507"


def _annex(outputs: Path) -> dict:
    wb = load_workbook(outputs / build.ANNEX_NAME, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _report(outputs: Path) -> list[str]:
    doc = Document(str(outputs / build.REPORT_NAME))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return texts


def _figures(outputs: Path) -> tuple[dict, list[str]]:
    return _annex(outputs), _report(outputs)


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """A commune (its units' files, an account, a head's sign-off of its package) and its city (the
    commune's package received), each built in full."""
    root = tmp_path_factory.mktemp("backup")
    inputs, config = city_util.commune(root, CODE)
    accounts.set_account(inputs, "vp", "matkhau-vp", "VP", config)
    outputs = root / CODE / "outputs"
    assert build.run(inputs, outputs) == 0
    city = city_util.city()
    city_inputs, city_outputs = root / "city" / "inputs", root / "city" / "outputs"
    city_inputs.mkdir(parents=True)
    (city_inputs / paths.CONFIG_NAME).write_text(paths.CITY_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    city_util.receive(outputs / paths.PACKAGE_DIR, city_inputs, CODE, city.deadline - timedelta(days=1))
    assert build.run(city_inputs, city_outputs) == 0
    return SimpleNamespace(root=root, commune=(inputs, outputs), city=(city_inputs, city_outputs))


@pytest.mark.parametrize("level", ["commune", "city"])
def test_a_restored_record_builds_the_same_report_and_annex(record, tmp_path, capsys, level):
    inputs, outputs = getattr(record, level)
    capsys.readouterr()
    assert cli.main(["sao-luu", str(tmp_path / "usb"), "--inputs", str(inputs)]) == 0
    [archive] = (tmp_path / "usb").glob("sao_luu_*.zip")
    assert "Đã sao lưu" in capsys.readouterr().out
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read(backup.MANIFEST))
        names = {e["path"] for e in manifest["files"]}
    assert paths.CONFIG_NAME in names and all(len(e["sha256"]) == 64 for e in manifest["files"])
    assert any(n.endswith(".xlsx.json") for n in names)  # the receipt sidecars
    if level == "commune":
        assert {paths.ACCOUNTS, paths.CITY_CONFIG_NAME} <= names
    assert not any(Path(n).name.startswith(".") for n in names)
    target = tmp_path / "khoi_phuc"
    assert cli.main(["khoi-phuc", str(archive), "--vao", str(target)]) == 0
    assert "Đã khôi phục" in capsys.readouterr().out
    assert build.run(target, tmp_path / "outputs") == 0
    assert _figures(tmp_path / "outputs") == _figures(outputs)


def test_a_damaged_archive_or_a_folder_in_use_is_refused_in_vietnamese(record, tmp_path, capsys):
    inputs, _ = record.commune
    made = backup.create(inputs, tmp_path / "usb")
    edited = tmp_path / "sua.zip"  # one received file changed inside an archive still well formed
    with zipfile.ZipFile(made.path) as zf, zipfile.ZipFile(edited, "w") as out:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename.endswith(".xlsx") and "sua" not in locals():
                data, sua = data[:-1] + bytes([data[-1] ^ 1]), info.filename
            out.writestr(info, data)
    with pytest.raises(backup.BackupError, match="không khớp mã kiểm tra SHA-256") as refused:
        backup.restore(edited, tmp_path / "a")
    assert sua.removeprefix("inputs/") in str(refused.value) and not (tmp_path / "a").exists()
    cut = tmp_path / "cat.zip"  # copied only halfway
    cut.write_bytes(made.path.read_bytes()[: made.size // 2])
    capsys.readouterr()
    assert cli.main(["khoi-phuc", str(cut), "--vao", str(tmp_path / "b")]) == 2
    message = capsys.readouterr().err
    assert "bị hỏng" in message and not re.search(r"[A-Za-z]+Error|Traceback", message)
    busy = tmp_path / "dang_dung"
    busy.mkdir()
    (busy / "x.txt").write_text("x", encoding="utf-8")
    with pytest.raises(backup.BackupError, match="không trống"):
        backup.restore(made.path, busy)


def test_the_build_reminds_when_the_last_backup_is_older_than_the_last_file(tmp_path):
    inputs, _config = city_util.commune(tmp_path, CODE)
    outputs = tmp_path / "outputs"
    from pipeline.store import ingest

    ingest.run(inputs, outputs, _config)  # every file gets its receipt sidecar
    assert "chưa sao lưu lần nào" in (backup.reminder(inputs) or "")
    backup.create(inputs, tmp_path / "usb")
    assert backup.reminder(inputs) is None
    later = city_util.resend(inputs, _config, "tthc", "lan-2")
    ingest.run(inputs, outputs, _config)
    assert later and "lần sao lưu gần nhất" in (backup.reminder(inputs) or "")

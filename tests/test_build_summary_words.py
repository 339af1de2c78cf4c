"""What the build says after units send files: the most specific error first, a rejected file that
its unit corrected and sent again shown as «đã gửi lại» (not «bị trả lại»), and nothing of the demo
set left once real files arrive."""

from __future__ import annotations

import shutil

from pipeline import build
from pipeline.core import paths, words
from pipeline.store import ingest
from tests.receive_util import filled


def _negative_item(wb):
    """An item typed negative: its own cell is wrong (E8), and so its total row no longer adds up (E7)."""
    wb["Ngân sách"]["E8"] = -5


def test_resent_file_first_error_and_no_demo_left(config, workdir, capsys):
    inputs, outputs = workdir
    assert build.run(inputs, outputs) == 0  # an empty inputs/: the demo set
    assert (outputs / build.DEMO_DIR).is_dir()
    capsys.readouterr()

    filled(config, "ngan_sach", inputs, "ngan_sach_lan_1.xlsx", edit=_negative_item)
    assert build.run(inputs, outputs) == 0
    out = capsys.readouterr().out
    # the first error named is the cell the unit mistyped (E8), not its total row (E7)
    [line] = [x for x in out.splitlines() if "Bị trả lại: ngan_sach_lan_1.xlsx" in x and "Lỗi đầu tiên" in x]
    assert "E8" in line and "E7" not in line, line
    [line] = [x for x in out.splitlines() if "• Bị trả lại: ngan_sach_lan_1.xlsx" in x]
    assert "ô E8" in line and "E7" not in line, line
    # nothing of the demo set remains: its files and anything written from them
    assert not (outputs / build.DEMO_DIR).exists()
    assert not any("Bieu_" in p.name for p in (outputs / paths.VALIDATION_DIR).rglob("*"))
    assert "MINH HỌA" not in out

    filled(config, "ngan_sach", inputs, "ngan_sach_lan_2.xlsx")  # the corrected file
    assert build.run(inputs, outputs) == 0
    out = capsys.readouterr().out
    assert "Bị trả lại: ngan_sach_lan_1.xlsx" not in out and "bị trả lại: 0" in out, out
    [line] = [x for x in out.splitlines() if "ngan_sach_lan_1.xlsx" in x and "•" in x]
    assert words.RESULT["resent"] in line.lower() and "ngan_sach_lan_2.xlsx" in line, line


def test_an_ingest_of_both_files_at_once_says_the_reject_was_resent(config, workdir):
    """A rebuild from inputs/ (or both files dropped at once) reads the reject and its correction in one run."""
    inputs, outputs = workdir
    first = filled(config, "ngan_sach", inputs, "ngan_sach_lan_1.xlsx", edit=_negative_item)
    second = filled(config, "ngan_sach", inputs, "ngan_sach_lan_2.xlsx")
    shutil.copystat(first, second)  # same time: the file name orders them
    text = ingest.run(inputs, outputs, config).text()
    assert "Bị trả lại: ngan_sach_lan_1.xlsx" not in text and "0 bị trả lại" in text, text
    [line] = [x for x in text.splitlines() if "ngan_sach_lan_1.xlsx" in x]
    assert words.RESULT["resent"] in line.lower() and "ngan_sach_lan_2.xlsx" in line, line

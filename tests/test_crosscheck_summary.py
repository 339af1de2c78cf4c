"""Cross-check lines of `python -m pipeline ingest`, worded once in crosscheck.summary_lines."""

from __future__ import annotations

import shutil

from pipeline import demo
from pipeline.__main__ import main
from pipeline.checks import crosscheck
from pipeline.core.config import load
from pipeline.outputs.templates import workbook
from pipeline.store import warehouse
from pipeline.topics import CATALOG


def test_ingest_prints_cross_checks(workdir, config, capsys):
    inputs, outputs = workdir
    demo_dir = outputs / "demo"
    files = demo.write_all(demo_dir, config, marked=False)  # as the units send them
    for path in files:
        if not path.name.startswith(CATALOG["tai_san"].file_name + "_"):
            shutil.copy(path, inputs / path.name)
    args = ["--config", str(inputs / "commune.toml"), "ingest", "--inputs", str(inputs), "--outputs", str(outputs)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Đối chiếu số liệu giữa các biểu: 2/2 phép đối chiếu khớp." in out
    missing = [line for line in out.splitlines() if line.startswith("  - Chưa đối chiếu được")]
    assert len(missing) == 2 and all(f"chưa có biểu «{CATALOG['tai_san'].title}»" in line and "Phòng Kinh tế xã (KT)" in line
                                     for line in missing)

    # a later ha_tang_so whose online dossier figure is 13 % above the tthc total
    data = demo.data_for("ha_tang_so", config, "VP")
    data["chi_so"][0]["ho_so_truc_tuyen"] = 3500
    workbook(CATALOG["ha_tang_so"], config.unit("VP"), config, data).save(inputs / "ha_tang_so_sua.xlsx")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Đối chiếu số liệu giữa các biểu: 1/2 phép đối chiếu khớp." in out
    [warning] = [line for line in out.splitlines() if line.startswith("  - Cảnh báo đối chiếu")]
    assert "3.500" in warning and "3.087" in warning and "quá 2%" in warning

    # the same wording as the build summary's
    con = warehouse.connect(outputs, read_only=True)
    try:
        found = crosscheck.outcomes(con)
    finally:
        con.close()
    lines = crosscheck.summary_lines([o.finding for o in found if o.finding], found, load(inputs / "commune.toml"))
    assert lines[1] == warning.removeprefix("  - ")
    assert [o.state for o in found] == ["missing", "missing", "failed", "ok"]

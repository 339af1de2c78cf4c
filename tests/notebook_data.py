"""A demo warehouse with something to find: the demo set, plus one warning and one outlier in
the TTHC workbook, a rejected budget workbook, and one unit's template left unsent.

    python tests/notebook_data.py /tmp/nb   # builds /tmp/nb/inputs and /tmp/nb/outputs
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from pipeline import demo
from pipeline.core import layout, paths
from pipeline.core.config import Config, load
from pipeline.outputs import templates
from pipeline.store import ingest, warehouse
from pipeline.topics import CATALOG

OUTLIER = ("10/2025", "Hộ tịch", "nhan_truc_tiep", 600)  # month, field of work, column, added
WARNING = ("01/2026", "Chứng thực")  # luot_danh_gia raised above giai_quyet_tong
REJECTED = ("ngan_sach", "KT", "du_toan", "mười hai")  # a word in a number cell
UNSENT = ("lanh_dao", "VP")


@dataclass
class DemoWarehouse:
    inputs: Path
    outputs: Path
    config: Config

    @property
    def db(self) -> Path:
        return self.outputs / warehouse.DB_NAME


def _cell(ws, sheet, config: Config, key_values: tuple, column: str):
    index = sheet.rows(config).index(key_values)
    col = [c.key for c in sheet.columns].index(column) + 1
    return ws.cell(layout.FIRST_DATA_ROW + index, col)


def build(root: Path) -> DemoWarehouse:
    inputs, outputs = root / "inputs", root / "outputs"
    inputs.mkdir(parents=True)
    outputs.mkdir()
    shutil.copy(paths.INPUTS / paths.CONFIG_NAME, inputs / paths.CONFIG_NAME)
    config = load(inputs / paths.CONFIG_NAME)
    demo.write_all(inputs, config)

    template, unit = CATALOG[UNSENT[0]], config.unit(UNSENT[1])
    (inputs / templates.filename(template, unit)).unlink()

    tthc = CATALOG["tthc"]
    sheet = tthc.sheet("ho_so")
    path = inputs / templates.filename(tthc, config.owners("tthc")[0])
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet.name]
    month, field, column, extra = OUTLIER
    # the received total and the withdrawn/returned count absorb the extra dossiers, so every
    # identity still closes and only `column` stands out among the notebook's columns
    for key in (column, "nhan_tong", "rut_tra_lai"):
        cell = _cell(ws, sheet, config, (month, field), key)
        cell.value = cell.value + extra
    resolved = _cell(ws, sheet, config, WARNING, "giai_quyet_tong").value
    _cell(ws, sheet, config, WARNING, "luot_danh_gia").value = resolved + 5
    wb.save(path)

    template_id, unit_code, column, text = REJECTED
    budget = CATALOG[template_id]
    src = inputs / templates.filename(budget, config.unit(unit_code))
    wb = openpyxl.load_workbook(src)
    sheet = budget.sheet("thu_chi")
    ws = wb[sheet.name]
    col = [c.key for c in sheet.columns].index(column) + 1
    ws.cell(layout.FIRST_DATA_ROW + 2, col).value = text
    wb.save(inputs / f"{src.stem}_ban_loi.xlsx")

    ingest.run(inputs, outputs, config, demo_set=True)
    return DemoWarehouse(inputs, outputs, config)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    shutil.rmtree(target, ignore_errors=True)
    print(build(target).db)

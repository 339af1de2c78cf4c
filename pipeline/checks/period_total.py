"""Months against the whole period's row (Sheet.period_total, TTHC's «Cả kỳ»): when a unit gives
both, a flow's months add up to the whole period (above it: an error, impossible for counts; below
it with every month given: a warning stating the gap), a stock equals the last month, an opening
figure the first month (warnings). Likewise the rows by field of work against the row of all fields
(Sheet.total_row): above it an error, below it a warning stating the part not split. Each message
names the cells of both sides."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.checks.fields import Part
from pipeline.checks.messages import KEEP_IF_RIGHT
from pipeline.checks.rules import column_values
from pipeline.core import vn
from pipeline.core.config import Config
from pipeline.core.model import Sheet

GROUP = "Các tháng so với số liệu cả kỳ"
GROUP_ROWS = "Các lĩnh vực so với dòng tổng số"


def _span(letter: str, rows: list[int]) -> str:
    """The months' cells: all of them when few, else the first two, the last and how many."""
    cells = [f"{letter}{r}" for r in rows]
    return ", ".join(cells) if len(cells) <= 4 else f"{cells[0]}, {cells[1]}, …, {cells[-1]} ({len(cells)} ô)"


def check(sheet: Sheet, typed: pd.DataFrame, parts: list[Part], config: Config) -> None:
    spec = sheet.period_total
    if spec is None or typed.empty:
        return
    order = {v: i for i, v in enumerate(sheet.periods(spec.by, config))}
    group = [k.key for k in sheet.keys if k.key != spec.by]
    books = {p.file_no: p for p in parts}
    fields = [f for f in sheet.fields if f.numeric and f.key not in spec.skip]
    values = {f.key: column_values(typed, f.key) for f in fields}
    frame = pd.DataFrame({"file": typed.index.get_level_values(0), "row": typed.index.get_level_values(1),
                          "rank": typed[spec.by].map(order).to_numpy(dtype=float),
                          "whole": (typed[spec.by] == spec.whole).to_numpy(),
                          **{k: typed[k].astype(str).to_numpy() for k in group}})
    for _, rows in frame.groupby(["file", *group], sort=False):
        whole = rows.index[rows["whole"].to_numpy()]
        months = rows[rows["rank"].notna()].sort_values("rank")
        if len(whole) != 1 or months.empty:
            continue
        w, m = int(whole[0]), months.index.to_numpy()
        part = books[int(rows["file"].iloc[0])]
        name = " – ".join(str(rows[k].iloc[0]) for k in group)
        for f in fields:
            total, each = values[f.key][w], values[f.key][m]
            given = ~np.isnan(each)
            if np.isnan(total) or not given.any():
                continue
            _compare(part, sheet, spec, f, name, int(rows.at[w, "row"]), total,
                     [int(r) for r in months["row"].to_numpy()[given]], each[given], bool(given.all()),
                     [str(v) for v in typed[spec.by].to_numpy()[m][given]])


def _compare(part: Part, sheet: Sheet, spec, field, name: str, whole_row: int, total: float,
             rows: list[int], each: np.ndarray, every: bool, months: list[str]) -> None:
    letter = part.data.letters[field.key]
    shown = int(total) if float(total).is_integer() else total
    here, unit = f"{letter}{whole_row}", field.unit or ""
    label = f"«{field.label}» của lĩnh vực «{name}»"
    if field.key in spec.stocks or field.key in spec.opening:
        at = -1 if field.key in spec.stocks else 0
        if (at == -1 and not every) or each[at] == total:
            return
        when = "cuối kỳ" if at == -1 else "đầu kỳ"
        there = f"{letter}{rows[at]}"
        part.book.warning(
            f"{label}: số cả kỳ ở ô {here} ({vn.number(total)}) khác số tháng {months[at]} ở ô {there} "
            f"({vn.number(each[at])}): chênh lệch {vn.number(abs(total - each[at]))} {unit}; số cả kỳ của chỉ tiêu "
            f"này là số tại {when}.".replace("  ", " "),
            f"{KEEP_IF_RIGHT} ô {here} hoặc ô {there}.", part.data.name, here, field.label, shown, group=GROUP)
        return
    added = float(each.sum())
    cells = _span(letter, rows)
    if added > total:
        part.book.error(
            f"{label}: cộng các tháng ở các ô {cells} ({vn.number(added)}) lớn hơn số cả kỳ ở ô {here} "
            f"({vn.number(total)}): vượt {vn.number(added - total)} {unit}.".replace("  ", " "),
            f"Số cả kỳ phải bằng tổng các tháng: hãy sửa ô {here} hoặc các ô {cells} cho khớp nhau.",
            part.data.name, here, field.label, shown, group=GROUP)
    elif every and added < total:
        part.book.warning(
            f"{label}: cộng các tháng ở các ô {cells} ({vn.number(added)}) thấp hơn số cả kỳ ở ô {here} "
            f"({vn.number(total)}): chênh lệch {vn.number(total - added)} {unit} chưa chia theo tháng."
            .replace("  ", " "),
            f"{KEEP_IF_RIGHT} ô {here} hoặc các ô {cells}.", part.data.name, here, field.label, shown, group=GROUP)


def check_total_row(sheet: Sheet, typed: pd.DataFrame, parts: list[Part]) -> None:
    """The rows beside the total row (Sheet.total_row), added up per field where given, against it."""
    if sheet.total_row is None or typed.empty:
        return
    key, value = sheet.total_row
    other = [k.key for k in sheet.keys if k.key != key]
    books = {p.file_no: p for p in parts}
    fields = [f for f in sheet.fields if f.numeric]
    values = {f.key: column_values(typed, f.key) for f in fields}
    frame = pd.DataFrame({"file": typed.index.get_level_values(0), "row": typed.index.get_level_values(1),
                          "total": (typed[key] == value).to_numpy(),
                          **{k: typed[k].astype(str).to_numpy() for k in other}})
    for _, rows in frame.groupby(["file", *other], sort=False):
        total_at = rows.index[rows["total"].to_numpy()]
        detail = rows[~rows["total"]]
        if len(total_at) != 1 or detail.empty:
            continue
        t = int(total_at[0])
        part = books[int(rows["file"].iloc[0])]
        where = " – ".join(str(rows[k].iloc[0]) for k in other)
        for f in fields:
            total, each = values[f.key][t], values[f.key][detail.index.to_numpy()]
            given = ~np.isnan(each)
            if np.isnan(total) or not given.any():
                continue
            letter = part.data.letters[f.key]
            here, added = f"{letter}{int(rows.at[t, 'row'])}", float(each[given].sum())
            cells = _span(letter, [int(r) for r in detail["row"].to_numpy()[given]])
            shown = int(total) if float(total).is_integer() else total
            label = f"«{f.label}» ({sheet.column(other[0]).label.lower()} {where})" if other else f"«{f.label}»"
            if added > total:
                part.book.error(
                    f"{label}: cộng các dòng lĩnh vực ở các ô {cells} ({vn.number(added)}) lớn hơn dòng «{value}» ở "
                    f"ô {here} ({vn.number(total)}): vượt {vn.number(added - total)} {f.unit}.".replace("  ", " "),
                    f"Dòng «{value}» là tổng số của mọi lĩnh vực: hãy sửa ô {here} hoặc các ô {cells} cho khớp nhau.",
                    part.data.name, here, f.label, shown, group=GROUP_ROWS)
            elif added < total:
                part.book.warning(
                    f"{label}: cộng các dòng lĩnh vực ở các ô {cells} ({vn.number(added)}) thấp hơn dòng «{value}» "
                    f"ở ô {here} ({vn.number(total)}): chênh lệch {vn.number(total - added)} {f.unit} chưa chia "
                    "theo lĩnh vực.".replace("  ", " "),
                    f"{KEEP_IF_RIGHT} ô {here} hoặc các ô {cells}.", part.data.name, here, f.label, shown,
                    group=GROUP_ROWS)

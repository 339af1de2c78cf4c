"""Failing checks as Vietnamese problems naming file, sheet, cell, field, the figures found, the
rule broken and the fix: rules (with their sides' values), requirements, trees, duplicate keys,
cells; previous-period rules and empty lists, which are judged here across rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta

import numpy as np
import pandas as pd

from pipeline.checks.fields import Lookup, Part
from pipeline.checks.messages import KEEP_IF_RIGHT, ORIGINAL_FIX, column_problem
from pipeline.checks.rules import EPOCH, FILE, column_values, operands, period_days, tree_sums
from pipeline.core import layout, vn
from pipeline.core.config import Config
from pipeline.core.expr import compare, terms, words
from pipeline.core.model import GAP_MARK, PERIOD_DATES, Rule, Sheet, Template
from pipeline.intake import read
from pipeline.intake.book import TOTAL


def cells(expr: str, letters: dict[str, str], row: int) -> str:
    """An expression in words (expr.words: Vietnamese numbers), field keys replaced by their
    cells and the period's dates by their wording: "a + 1.5 * b" → "D7 + 1,5 × E7"."""
    def name(key: str) -> str:
        return f"{letters[key]}{row}" if key in letters else PERIOD_DATES[key][0] if key in PERIOD_DATES else key
    return words(expr, name)


def _rule_sides(rule: Rule, typed: pd.DataFrame, idx: tuple, period: dict[str, float]) -> tuple[float, float]:
    row = typed.loc[[idx]]
    return (float(operands(rule.left, row, period, rule.partial)[0]),
            float(operands(rule.right, row, period, rule.partial)[0]))


def _gap(rule: Rule, typed: pd.DataFrame, idx: tuple, period: dict[str, float]) -> str:
    """|left − right| of one row, as a Vietnamese number (the "{gap}" of a rule's message)."""
    left, right = _rule_sides(rule, typed, idx, period)
    gap = abs(left - right)
    return vn.number(gap, 0 if float(gap).is_integer() else 1)


def _rule_values(rule: Rule, typed: pd.DataFrame, idx: tuple, letters: dict[str, str],
                 period: dict[str, float]) -> str:
    left, right = _rule_sides(rule, typed, idx, period)
    decimals = 0 if float(left).is_integer() and float(right).is_integer() else 1

    def side(expr: str, value: float) -> str:
        found = terms(expr)
        # a side whose dates add up to one date is a date; otherwise a number (of days)
        dated = sum(f for f, key in found if key in PERIOD_DATES or (
            key is not None and not pd.api.types.is_numeric_dtype(typed[key].dtype))) == 1
        shown = vn.day(EPOCH + timedelta(days=value)) if dated else vn.number(value, decimals)
        if not any(key in letters for _, key in found):
            return f"{cells(expr, letters, idx[1])} {shown}" if dated else shown
        return f"{cells(expr, letters, idx[1])} = {shown}"
    return f" Hiện có: {side(rule.left, left)}; so với {side(rule.right, right)}."




# ---------------------------------------------------------------------------------------------
# Rules across rows: a row against the previous period's row of the same group


def previous_rows(sheet: Sheet, typed: pd.DataFrame, parts: list[Part], config: Config) -> None:
    """Check the sheet's PreviousRowRules; each failure names the cell of both rows."""
    if not sheet.previous or sheet.rows is None or typed.empty:
        return
    books = {p.file_no: p for p in parts}
    files, rows = typed.index.get_level_values(0).to_numpy(), typed.index.get_level_values(1).to_numpy()
    for rule in sheet.previous:
        periods = sheet.periods(rule.by, config)
        rank = typed[rule.by].map({v: i for i, v in enumerate(periods)}).to_numpy(dtype=float)
        where = {(f, *g, r): i for i, (f, g, r) in enumerate(zip(
            files, typed[list(rule.group)].itertuples(index=False, name=None), rank, strict=True)) if r == r}
        left, right = column_values(typed, rule.left), column_values(typed, rule.right)
        for i, (f, g, r) in enumerate(zip(files, typed[list(rule.group)].itertuples(index=False, name=None),
                                          rank, strict=True)):
            j = where.get((f, *g, r - 1)) if r == r else None
            if j is None or np.isnan(left[i]) or np.isnan(right[j]):
                continue
            if compare(left[i], rule.op, right[j]):
                continue
            part = books[int(f)]
            letters, this, before = part.data.letters, periods[int(r)], periods[int(r) - 1]
            here, there = f"{letters[rule.left]}{rows[i]}", f"{letters[rule.right]}{rows[j]}"
            gap = abs(left[i] - right[j])
            text = (rule.message.replace("{this}", str(this)).replace("{previous}", str(before))
                    + f" Ô {here} ({sheet.column(rule.left).label.lower()} {this}) = {vn.number(left[i])} khác ô "
                      f"{there} ({sheet.column(rule.right).label.lower()} {before}) = {vn.number(right[j])}: "
                      f"chênh lệch {vn.number(gap)}.")
            fix = (f"{KEEP_IF_RIGHT} ô {here} hoặc ô {there}."
                   if rule.severity == "warning" else f"Hãy sửa ô {here} hoặc ô {there} cho khớp nhau.")
            add = part.book.warning if rule.severity == "warning" else part.book.error
            add(text, fix, part.data.name, here, sheet.column(rule.left).label,
                int(left[i]) if float(left[i]).is_integer() else float(left[i]))



def failure(part: Part, sheet: Sheet, check: str, column: object, row: int, typed: pd.DataFrame,
            raw: Lookup, severity: str, bad_cells: set, config: Config) -> None:
    book, data, idx = part.book, part.data, (part.file_no, row)
    add = book.error if severity == "error" else book.warning
    if check.startswith("rule:"):
        rule = sheet.rules[int(check[5:])]
        key = rule.target
        cells = list(dict.fromkeys(f"{data.letters[k]}{row}" for k in rule.keys))
        named = f"các ô {', '.join(cells)}" if len(cells) > 1 else f"ô {cells[0]}"
        period = dict(period_days(config))
        message = rule.message.replace(GAP_MARK, _gap(rule, typed, idx, period))
        add(dataclasses.replace(rule, message=message).wording(config)
            + _rule_values(rule, typed, idx, data.letters, period),
            (f"Kiểm tra lại các ô {', '.join(cells)} của dòng {row} cho khớp nhau." if len(cells) > 1
             else f"Kiểm tra lại ô {cells[0]}.") if severity == "error"
            else f"{KEEP_IF_RIGHT} {named}.",
            data.name, f"{data.letters[key]}{row}", sheet.column(key).label, raw.at[idx, key],
            group=dataclasses.replace(rule, message=rule.message.replace(GAP_MARK, "…")).wording(config))
    elif check.startswith("require:"):
        req = sheet.requires[int(check[8:])]
        add(req.message, f"Hãy sửa ô «{sheet.column(req.then).label}» cho phù hợp với ô «{sheet.column(req.when).label}» "
            f"(«{read.shown(raw.at[idx, req.when])}»).", data.name, f"{data.letters[req.then]}{row}",
            sheet.column(req.then).label, raw.at[idx, req.then])
    elif check.startswith("tree:"):
        key = check[5:]
        sums, complete = tree_sums(typed[typed[FILE] == part.file_no], sheet, key)
        code = typed.at[idx, sheet.tree]
        total = sums.loc[idx]
        add(f"Dòng tổng «{code}» phải bằng tổng các dòng con ngay dưới nó ({code}.1, {code}.2 …): tổng các dòng "
            f"con là {vn.number(total, 1)}." if complete.loc[idx] else
            f"Các dòng con đã điền của dòng tổng «{code}» ({code}.1, {code}.2 …) cộng lại là {vn.number(total, 1)}, "
            "lớn hơn dòng tổng.",
            "Hãy sửa số của dòng tổng hoặc của các dòng con cho khớp.", data.name, f"{data.letters[key]}{row}",
            sheet.column(key).label, raw.at[idx, key], group="Dòng tổng phải bằng tổng các dòng con ngay dưới nó.",
            kind=TOTAL)
    elif check == "unique":
        keys = [k.key for k in sheet.keys]
        first = keys[0]
        add(f"Trùng {', '.join('«' + sheet.column(k).label + '»' for k in keys)} với một dòng phía trên.",
            "Mỗi dòng phải có mã, số thứ tự riêng; hãy sửa cho không trùng hoặc xóa dòng lặp.",
            data.name, f"{data.letters[first]}{row}", sheet.column(first).label, raw.at[idx, first])
    elif isinstance(column, str) and column in data.letters:
        if (part.file_no, row, column) in bad_cells or (check == "not_nullable" and (
                part.skip_required or row in part.blank_rows)):
            return
        col = sheet.column(column)
        rule_text, fix = column_problem(check, col)
        add(rule_text, fix, data.name, f"{data.letters[column]}{row}", col.label, raw.at[idx, column])
    else:
        add(f"Trang tính không hợp lệ ({check}).", ORIGINAL_FIX, data.name)


def empty_flags(template: Template, books: dict[int, read.Workbook], tables: dict[int, Mapping]) -> None:
    """A free list left empty must be confirmed by its "nothing to report" field, and vice versa."""
    for sheet in template.sheets:
        if sheet.rows is not None or not sheet.empty_flag:
            continue
        holder = next(s for s in template.sheets if s.rows is not None and sheet.empty_flag in [c.key for c in s.columns])
        flag_col = holder.column(sheet.empty_flag)
        for file_no, book in books.items():
            frames = tables.get(file_no, {})
            if sheet.key not in frames or holder.key not in frames or holder.key not in book.sheets:
                continue
            flag_frame = frames[holder.key]
            flag = flag_frame[sheet.empty_flag].iloc[0] if len(flag_frame) else None
            where = book.sheets[holder.key]
            cell = f"{where.letters[sheet.empty_flag]}{int(flag_frame['row'].iloc[0]) if len(flag_frame) else layout.FIRST_DATA_ROW}"
            rows = len(frames[sheet.key])
            none, some = sheet.empty_when, "Không" if sheet.empty_when == "Có" else "Có"
            if rows == 0 and flag != none:
                book.error(f"Trang «{sheet.name}» để trống nhưng ô «{flag_col.label}» chưa chọn «{none}».",
                           f"Hãy kê khai danh sách ở trang «{sheet.name}»; nếu thật sự không có thì chọn «{none}» ở ô này.",
                           where.name, cell, flag_col.label, flag)
            elif rows > 0 and flag == none:
                book.error(f"Ô «{flag_col.label}» chọn «{none}» nhưng trang «{sheet.name}» lại có {rows} dòng.",
                           f"Hãy chọn «{some}» ở ô này, hoặc xóa các dòng ở trang «{sheet.name}» nếu thật sự không có.",
                           where.name, cell, flag_col.label, flag)


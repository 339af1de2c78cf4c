"""The rules of a sheet as pandera checks over a batch frame (index = file, Excel row): number and
date rules (the one expression language, pipeline.core.expr), requirements between fields,
duplicate keys, tree sums, and the per-cell checks of pipeline.checks.fields; `failures` names
the failing cells."""

from __future__ import annotations

import functools
from datetime import date

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipeline.checks.fields import cell_tests
from pipeline.core.config import Config
from pipeline.core.expr import compare, terms
from pipeline.core.model import PERIOD_DATES, Rule, Sheet, period_dates
from pipeline.topics import CATALOG

FILE = "_file"  # index level / column of the file number in a batch
SPAN = 1 << 21  # > Excel's 1,048,576 rows: pandera sees a flat index file * SPAN + row


EPOCH = date(1970, 1, 1)  # day 0 of the day numbers dates compare by


def day_number(value: date) -> float:
    return float((value - EPOCH).days)


def column_values(frame: pd.DataFrame, key: str) -> np.ndarray:
    """A column as floats, NaN where blank; a date column (not numeric) as day numbers."""
    column = frame[key]
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.to_numpy(dtype=float)
    stamps = pd.to_datetime(column, errors="coerce")
    return ((stamps - pd.Timestamp(EPOCH)) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def operands(expr: str, frame: pd.DataFrame, period: dict[str, float],
              partial: tuple[str, ...] = ()) -> np.ndarray:
    """An expression over each row; period = day numbers of the names in PERIOD_DATES. A blank
    key of `partial` is left out of the sum, unless every key of the expression is blank."""
    total, given, fields = np.zeros(len(frame)), np.zeros(len(frame), dtype=bool), False
    for factor, key in terms(expr):
        value = 1.0 if key is None else period[key] if key in PERIOD_DATES else column_values(frame, key)
        if key is not None and key not in PERIOD_DATES:
            fields = True
            given |= ~np.isnan(value)
            if key in partial:
                value = np.nan_to_num(value, nan=0.0)
        total = total + factor * value
    return np.where(given, total, np.nan) if fields and partial else total


def period_days(config: Config) -> tuple[tuple[str, float], ...]:
    """The period's dates as (name, day number), the hashable form the schemas are cached by."""
    return tuple((name, day_number(value)) for name, value in period_dates(config).items())


def _rule_check(rule: Rule, period: dict[str, float]):
    def check(frame: pd.DataFrame) -> pd.Series:
        # A blank field makes its side NaN: the rule is then not evaluated (blank is not zero).
        left = operands(rule.left, frame, period, rule.partial)
        right = operands(rule.right, frame, period, rule.partial)
        with np.errstate(invalid="ignore"):
            ok = np.isnan(left) | np.isnan(right) | compare(left, rule.op, right)
        return pd.Series(ok, index=frame.index)
    return check


def _requirement_check(req):
    def check(frame: pd.DataFrame) -> pd.Series:
        when = frame[req.when].isin(req.values)
        then = frame[req.then]
        if req.blank:
            return ~(when & then.notna())
        fail = when & then.isna()
        if req.allowed:
            fail |= when & then.notna() & ~then.isin(req.allowed)
        return ~fail
    return check


def _tree_groups(sheet: Sheet) -> list[str]:
    keys = [k.key for k in sheet.keys]
    return [FILE] + keys[: keys.index(sheet.tree)]


def tree_sums(frame: pd.DataFrame, sheet: Sheet, key: str) -> tuple[pd.Series, pd.Series]:
    """(sum of the filled children, True where the row is a parent whose own value and children are
    all filled); the sum is NaN where no child is filled."""
    groups = _tree_groups(sheet)
    codes = frame[sheet.tree].astype(str).str.strip()
    parent = codes.str.rpartition(".")[0]
    rows = frame[groups].copy()
    rows["_code"], rows["_parent"], rows["_v"] = codes.values, parent.values, frame[key].values
    children = rows[rows["_parent"] != ""].groupby(groups + ["_parent"], dropna=False)["_v"]
    agg = pd.DataFrame({"_sum": children.sum(min_count=1), "_n": children.size(), "_filled": children.count()})
    agg.index = agg.index.set_names(groups + ["_code"])
    joined = rows.join(agg, on=groups + ["_code"])
    has_children = joined["_n"].fillna(0) > 0
    complete = has_children & (joined["_n"] == joined["_filled"]) & rows["_v"].notna()
    return pd.Series(joined["_sum"].values, index=frame.index), pd.Series(complete.values, index=frame.index)


def _tree_check(sheet: Sheet, key: str):
    """A filled total equals its children when every child is filled; when only some are (a total
    given with part of its lines), the given lines, never negative, cannot exceed it."""
    def check(frame: pd.DataFrame) -> pd.Series:
        sums, complete = tree_sums(frame, sheet, key)
        total, parts = frame[key].astype(float), sums.astype(float)
        with np.errstate(invalid="ignore"):
            return (total.isna() | parts.isna() | (complete & compare(total, "==", parts))
                    | (~complete & compare(parts, "<=", total)))
    return check


def _unique_check(keys: list[str]):
    def check(frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated([FILE, *keys], keep="first") | frame[keys].isna().any(axis=1)
    return check



def _cells_check(test):
    def check(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(test(frame).all(axis=1), index=frame.index)
    return check


@functools.cache
def schema(template_id: str, sheet_key: str, severity: str,
           period: tuple[tuple[str, float], ...] = ()) -> pa.DataFrameSchema | None:
    """The pandera schema of one sheet: "error" holds required cells, bounds, choices, lengths,
    duplicate keys, error rules and the tree; "warning" holds the warning rules. (Types are read
    before: a cell that is not a number or a date is reported by the reader.) period: the
    configured period's dates (period_days) for rules that name them."""
    sheet = CATALOG[template_id].sheet(sheet_key)
    checks = [pa.Check(_rule_check(rule, dict(period)), name=f"rule:{i}", ignore_na=False)
               for i, rule in enumerate(sheet.rules) if rule.severity == severity]
    checks += [pa.Check(_requirement_check(req), name=f"require:{i}", ignore_na=False)
               for i, req in enumerate(sheet.requires) if req.severity == severity]
    if severity == "error":
        if sheet.tree:
            checks += [pa.Check(_tree_check(sheet, f.key), name=f"tree:{f.key}", ignore_na=False)
                       for f in sheet.fields if f.numeric]
        if sheet.rows is None and sheet.keys:
            checks.append(pa.Check(_unique_check([k.key for k in sheet.keys]), name="unique", ignore_na=False))
        checks += [pa.Check(_cells_check(test), name=name, ignore_na=False)
                   for name, (_, test) in cell_tests(sheet).items()]
    return pa.DataFrameSchema(checks=checks) if checks else None


def failures(frame: pd.DataFrame, template_id: str, sheet_key: str, severity: str,
             period: tuple[tuple[str, float], ...] = ()) -> list[tuple]:
    """Failing cells of one schema over a batch frame: (check, column or None, file, row), in
    check order. Pandera finds the failing rows; the cell checks' own test then names the cells."""
    found = schema(template_id, sheet_key, severity, period)
    if found is None or frame.empty:
        return []
    codes = frame.index.get_level_values(0).to_numpy() * SPAN + frame.index.get_level_values(1).to_numpy()
    try:
        found.validate(frame.set_axis(codes), lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        out = {}
        for err in exc.schema_errors:
            output, check = err.check_output, getattr(err.check, "name", None)
            if output is None or check is None:
                continue
            rows = np.flatnonzero(~output.to_numpy(dtype=bool))
            tests = cell_tests(CATALOG[template_id].sheet(sheet_key))
            if check in tests:
                keys, test = tests[check]
                at, cols = np.nonzero(~test(frame.iloc[rows]))
                rows, columns = rows[at], [keys[j] for j in cols]
            else:
                columns = [None] * len(rows)
            for (file_no, row), column in zip(frame.index[rows], columns, strict=True):
                out.setdefault((check, column, int(file_no), int(row)), None)
        return list(out)
    return []


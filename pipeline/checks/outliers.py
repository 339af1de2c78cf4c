"""Outlier warnings at intake, DHIS2 min–max style: a figure far outside the same row's figures in
the unit's other periods of the same file (a month's dossiers ten times the unit's other months).

Declared per sheet (core.model.Outliers: the key that orders the periods, the fields judged, how
many other known periods are needed, the factor and the floor). The reference of a figure is the
median of the same row's known figures in the other periods: blank is unknown and never counts, a
type error is blank here (it has its own error). A warning, never an error: the file is accepted.

Only the file itself is the reference: the unit's earlier accepted file in the warehouse is not
(the checks stage does not read the store).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from pipeline.checks.fields import Part
from pipeline.checks.messages import outlier
from pipeline.checks.rules import column_values
from pipeline.core.config import Config
from pipeline.core.model import Outliers, Sheet
from pipeline.intake.book import OUTLIER


def periods(sheet: Sheet, rule: Outliers, config: Config, present: pd.Series) -> list:
    """The periods in order: as the sheet's fixed rows list them (else sorted as found)."""
    if sheet.rows is not None:
        return sheet.periods(rule.by, config)
    return sorted(present.dropna().unique().tolist(), key=str)


def judge(values: np.ndarray, rule: Outliers) -> list[tuple[int, int, float, float, float]]:
    """The outliers in a matrix of figures (one row per repeating row, one column per period, NaN =
    unknown), as (row, period, reference median, lowest and highest of the other known figures);
    the first and last period are never judged low (they may be partial periods)."""
    values = np.asarray(values, dtype=float)
    known = ~np.isnan(values)
    count = known.sum(axis=1)
    found = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows with no other known figure: NaN, skipped
        for i in range(values.shape[1]):
            others = np.delete(values, i, axis=1)
            median = np.nanmedian(others, axis=1)
            enough = known[:, i] & (count - known[:, i] >= max(rule.others, 1))
            high = values[:, i] > rule.factor * np.maximum(median, rule.floor)
            low = (0 < i < values.shape[1] - 1) & (median >= rule.floor) & (values[:, i] < median / rule.factor)
            hits = np.flatnonzero(enough & (high | low))
            if len(hits):
                lows, highs = np.nanmin(others[hits], axis=1), np.nanmax(others[hits], axis=1)
                found += [(int(g), i, float(median[g]), float(lo), float(hi))
                          for g, lo, hi in zip(hits, lows, highs, strict=True)]
    return sorted(found)


def check(sheet: Sheet, typed: pd.DataFrame, parts: list[Part], config: Config) -> None:
    """Warn about each figure of sheet.outliers.fields far from the unit's other periods."""
    rule = sheet.outliers
    if rule is None or typed.empty:
        return
    order = periods(sheet, rule, config, typed[rule.by])
    rank = typed[rule.by].map({v: i for i, v in enumerate(order)})
    keep = rank.notna().to_numpy()
    if not keep.any():
        return
    frame = typed[keep]
    rank = rank[keep].to_numpy(dtype="int64")
    group = [k.key for k in sheet.keys if k.key != rule.by]
    files = frame.index.get_level_values(0).to_numpy()
    rows = frame.index.get_level_values(1).to_numpy()
    keys = pd.DataFrame({"file": files, **{k: frame[k].astype(str).to_numpy() for k in group}})
    codes = keys.groupby(list(keys.columns), sort=False).ngroup().to_numpy()
    slots = np.full((codes.max() + 1, len(order)), -1)
    slots[codes, rank] = np.arange(len(frame))  # a repeated period keeps its last row (duplicates have their own error)
    books = {p.file_no: p for p in parts}
    by_label = sheet.column(rule.by).label.lower()
    for key in rule.fields:
        column = column_values(frame, key)
        values = np.where(slots >= 0, column[np.maximum(slots, 0)], np.nan)
        field = sheet.column(key)
        for g, i, _median, low, high in judge(values, rule):
            at = int(slots[g, i])
            part = books[int(files[at])]
            if part.book.late():
                continue
            where = ", ".join(f"{sheet.column(k).label.lower()} {frame[k].iloc[at]}" for k in group
                              if pd.notna(frame[k].iloc[at]))
            cell = f"{part.data.letters[key]}{int(rows[at])}"
            text, fix, group_text = outlier(field, by_label, order[i], values[g, i], low, high, where, cell)
            value = values[g, i]
            part.book.warning(text, fix, part.data.name, cell, field.label,
                              int(value) if float(value).is_integer() else float(value), group=group_text,
                              kind=OUTLIER)

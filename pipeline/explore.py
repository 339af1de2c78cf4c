"""Exploration helpers for analysts' notebooks: robust z-scores and outliers, numbers shown the
Vietnamese way, chart style. Re-exported by pipeline.analysis (analysis.outliers, analysis.show …).
"""

from __future__ import annotations

import pandas as pd

from pipeline.core import vn

PLOT_STYLE = {
    "font.family": ["DejaVu Sans", "Liberation Sans"],
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.formatter.use_locale": False,
    "figure.figsize": (8, 4),
    "legend.frameon": False,
}



def robust_z(values: pd.Series) -> pd.Series:
    """Robust z-score: 0.6745 × (x − median) / MAD (Iglewicz & Hoaglin); when the MAD is 0,
    the mean absolute deviation × 1.2533 stands in; when every value is equal, 0."""
    x = values.astype(float)
    median = x.median()
    mad = (x - median).abs().median()
    if mad and mad == mad:
        return 0.6745 * (x - median) / mad
    mean_ad = (x - median).abs().mean()
    if mean_ad and mean_ad == mean_ad:
        return (x - median) / (1.2533 * mean_ad)
    return x * 0.0


def outliers(frame: pd.DataFrame, fields: list[str], by: list[str] | None = None, threshold: float = 3.5,
             min_count: int = 4) -> pd.DataFrame:
    """Values far from the others of their group: for every group of `by` (e.g. a field of
    work, so the group's rows are its months; None: the whole frame, e.g. one row per unit or
    body) and every field, the rows whose robust z-score is at least `threshold` in absolute
    value. Groups with fewer than min_count values are
    skipped. Returns the row's columns plus field, value, median, robust_z (largest first).

    >>> tthc = wh.data("tthc", "ho_so")
    >>> analysis.outliers(tthc, ["nhan_truc_tuyen", "nhan_truc_tiep"], by=["linh_vuc"])
    """
    keep = [c for c in frame.columns if c not in fields]
    found = []
    groups = frame.groupby(by, sort=False, dropna=False) if by else [(None, frame)]
    for _, group in groups:
        for name in fields:
            values = group[name].dropna()
            if len(values) < min_count:
                continue
            z = robust_z(values)
            hits = z[z.abs() >= threshold].index
            for i in hits:
                found.append({**group.loc[i, keep].to_dict(), "field": name, "value": group.loc[i, name],
                              "median": values.median(), "robust_z": float(z[i])})
    columns = keep + ["field", "value", "median", "robust_z"]
    out = pd.DataFrame(found, columns=columns)
    if out.empty:
        return out
    return out.reindex(out["robust_z"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def show(frame: pd.DataFrame, decimals: int | dict[str, int] | None = None):
    """A pandas Styler printing numbers the Vietnamese way (1.234,5; blank → "[x]").

    Integers get no decimals, other numbers one, unless `decimals` says otherwise.

    >>> analysis.show(wh.indicator("tthc_theo_thang", labels=True))
    """
    def fmt(column: str):
        if isinstance(decimals, dict) and column in decimals:
            places = decimals[column]
        elif isinstance(decimals, int):
            places = decimals
        else:
            values = pd.to_numeric(frame[column], errors="coerce").dropna()
            places = 0 if len(values) == 0 or (values == values.round()).all() else 1
        return lambda v: vn.number(None if pd.isna(v) else float(v), places)

    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    styler = frame.style.format({c: fmt(c) for c in numeric}, na_rep=vn.GAP).hide(axis="index")
    return styler


def plot_style() -> None:
    """Vietnamese-friendly charts: DejaVu Sans (full diacritics), light frame."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(PLOT_STYLE)


def comma(decimals: int = 0, suffix: str = ""):
    """A matplotlib tick formatter with the decimal comma: ax.yaxis.set_major_formatter(comma())."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: vn.number(v, decimals) + suffix)

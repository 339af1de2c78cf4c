"""Charts of the key indicators (matplotlib, Agg), one PNG each at print resolution.

Readable in black and white: series differ by hatch, grey level and marker, never by colour
alone. Numbers use the decimal comma. Demo data carry the mark "SỐ LIỆU MINH HỌA".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pipeline import vn  # noqa: E402
from pipeline.indicators import Results, Table  # noqa: E402
from pipeline.templates import DEMO_MARK  # noqa: E402

DPI = 220
SIZE = (6.3, 3.6)  # inches: 16 cm wide, the text width of an ND30 A4 page
STYLE = {
    "font.family": ["DejaVu Sans", "Liberation Sans"],
    "font.size": 8.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "legend.frameon": False,
}
DARK, MID, LIGHT = "0.25", "0.55", "0.85"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    table: str  # the indicator table it draws
    section: str
    draw: Callable[[plt.Axes, Table], None]


def _comma(decimals: int = 0, suffix: str = "") -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: vn.number(v, decimals) + suffix)


def _data_rows(t: Table) -> list[int]:
    """Row indices without the total row ("Cộng")."""
    first = t.columns[0].key
    return [i for i in range(len(t.frame)) if t.value(i, first) not in (None, "Cộng")]


def _num(t: Table, i: int, key: str) -> float:
    v = t.value(i, key)
    return float(v) if v is not None else 0.0


def _dossiers_by_month(ax: plt.Axes, t: Table) -> None:
    rows = _data_rows(t)
    months = [t.value(i, "thang") for i in rows]
    online = [_num(t, i, "nhan_truc_tuyen") for i in rows]
    counter = [_num(t, i, "nhan_truc_tiep") for i in rows]
    ax.bar(months, online, color=LIGHT, edgecolor="black", hatch="////", linewidth=0.6, label="Trực tuyến")
    ax.bar(months, counter, bottom=online, color=DARK, edgecolor="black", linewidth=0.6,
           label="Trực tiếp, bưu chính công ích")
    ax.set_ylabel("Hồ sơ tiếp nhận trong kỳ")
    ax.yaxis.set_major_formatter(_comma())
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
    ax.tick_params(axis="x", labelrotation=45)


def _on_time_by_month(ax: plt.Axes, t: Table) -> None:
    rows = _data_rows(t)
    months = [t.value(i, "thang") for i in rows]
    on_time = [t.value(i, "ty_le_dung_han") for i in rows]
    online = [t.value(i, "ty_le_truc_tuyen") for i in rows]
    ax.plot(months, on_time, color="black", marker="o", linewidth=1.6, label="Giải quyết trước hạn, đúng hạn")
    ax.plot(months, online, color=MID, marker="s", linestyle="--", linewidth=1.4, label="Tiếp nhận trực tuyến")
    for x, y in zip(months, on_time, strict=True):
        if y is not None:
            ax.annotate(vn.number(y, 1), (x, y), textcoords="offset points", xytext=(0, 5),
                        ha="center", fontsize=6.5)
    ax.set_ylim(0, 109)
    ax.set_ylabel("Tỷ lệ (%)")
    ax.yaxis.set_major_formatter(_comma(0, "%"))
    ax.legend(loc="lower right")
    ax.tick_params(axis="x", labelrotation=45)


# Short names of the budget lines drawn (the full names are in catalog.budget.LINES).
BUDGET_SHORT = {"A.1": "Thu\nhưởng 100%", "A.2": "Thu\nphân chia", "A.3": "Bổ sung\ncấp trên",
                "B.1": "Chi\nđầu tư", "B.2": "Chi\nthường xuyên", "B.3": "Dự\nphòng"}


def _budget(ax: plt.Axes, t: Table) -> None:
    """One panel per year, side by side, sharing the money axis."""
    wanted = tuple(BUDGET_SHORT)
    years = sorted({t.value(i, "nam") for i in range(len(t.frame)) if t.value(i, "nam") is not None})
    fig = ax.figure
    ax.remove()
    axes = fig.subplots(1, len(years), sharey=True, squeeze=False)[0]
    width = 0.4
    for panel, year in zip(axes, years, strict=True):
        rows = sorted((i for i in range(len(t.frame)) if t.value(i, "nam") == year and t.value(i, "ma") in wanted),
                      key=lambda i: wanted.index(t.value(i, "ma")))
        x = range(len(rows))
        panel.bar([p - width / 2 for p in x], [_num(t, i, "du_toan") for i in rows], width, color="white",
                  edgecolor="black", hatch="....", linewidth=0.7, label="Dự toán giao")
        panel.bar([p + width / 2 for p in x], [_num(t, i, "thuc_hien") for i in rows], width, color=DARK,
                  edgecolor="black", linewidth=0.7, label="Thực hiện")
        panel.set_xticks(list(x), [BUDGET_SHORT[t.value(i, "ma")] for i in rows], fontsize=6)
        panel.set_xlabel(f"Năm {year}", weight="bold")
        panel.yaxis.set_major_formatter(_comma())
        panel.grid(axis="y", color="0.85", linewidth=0.5)
        panel.set_axisbelow(True)
        for side in ("top", "right"):
            panel.spines[side].set_visible(False)
    axes[0].set_ylabel("Triệu đồng")
    axes[0].legend(loc="upper left", fontsize=7.5)


def _qualifications(ax: plt.Axes, t: Table) -> None:
    rows = list(range(len(t.frame)))
    labels = [str(t.value(i, "truong")).removeprefix("Trình độ: ").capitalize() for i in rows]
    shares = [_num(t, i, "ty_le") for i in rows]
    greys = [LIGHT, "0.7", MID, "0.4", DARK]
    hatches = ["", "\\\\", "", "//", ""]
    bars = ax.barh(labels, shares, color=greys[: len(rows)], edgecolor="black", linewidth=0.6)
    for bar, hatch in zip(bars, hatches, strict=False):
        bar.set_hatch(hatch)
    for y, (share, i) in enumerate(zip(shares, rows, strict=True)):
        ax.text(share + 1, y, f"{vn.percent(share)} ({t.text(i, 'so_nguoi')} người)", va="center", fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("Tỷ lệ trong tổng số hiện có (%)")
    ax.xaxis.set_major_formatter(_comma(0, "%"))


def _digitisation(ax: plt.Axes, t: Table) -> None:
    rows = _data_rows(t)
    labels = [str(t.value(i, "phong")).removeprefix("Phông ") for i in rows]
    plan = [_num(t, i, "trang_ke_hoach") for i in rows]
    done = [_num(t, i, "trang_so_hoa") for i in rows]
    ax.barh(labels, plan, color="white", edgecolor="black", hatch="xx", linewidth=0.6, label="Kế hoạch số hoá")
    ax.barh(labels, done, height=0.5, color=DARK, edgecolor="black", linewidth=0.6, label="Đã số hoá")
    for y, i in enumerate(rows):
        ax.text(max(plan[y], done[y]) * 1.02, y, t.text(i, "ty_le_so_hoa") + "%", va="center", fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, max(plan + done + [1]) * 1.2)
    ax.set_xlabel("Số trang")
    ax.xaxis.set_major_formatter(_comma())
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)


CHARTS = (
    Chart("nhan_su_trinh_do", "Cơ cấu trình độ chuyên môn của đội ngũ", "nhan_su_trinh_do", "II.3",
          _qualifications),
    Chart("tthc_ho_so_theo_thang", "Hồ sơ TTHC tiếp nhận theo tháng và kênh tiếp nhận", "tthc_theo_thang",
          "II.4", _dossiers_by_month),
    Chart("tthc_ty_le_theo_thang", "Tỷ lệ giải quyết đúng hạn và tiếp nhận trực tuyến theo tháng",
          "tthc_theo_thang", "II.4", _on_time_by_month),
    Chart("ngan_sach_du_toan_thuc_hien", "Dự toán và thực hiện thu, chi ngân sách xã", "ngan_sach_thu_chi",
          "II.5", _budget),
    Chart("so_hoa_theo_phong", "Tiến độ số hoá tài liệu lưu trữ theo phông", "so_hoa_theo_phong", "II.8",
          _digitisation),
)


def draw(chart: Chart, results: Results, out_dir: Path) -> Path:
    t = results.tables[chart.table]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
        fig.suptitle(f"{chart.title}\n({DEMO_MARK})" if results.demo else chart.title,
                     fontsize=10, weight="bold")
        if t.missing:
            ax.set_axis_off()
            who = "\n".join(u.name for u in t.missing)
            ax.text(0.5, 0.5, f"{vn.GAP} Chưa có số liệu của:\n{who}", ha="center", va="center",
                    fontsize=10, transform=ax.transAxes)
        else:
            chart.draw(ax, t)
            if chart.draw is not _budget:
                ax.grid(axis="y" if chart.draw not in (_qualifications, _digitisation) else "x",
                        color="0.85", linewidth=0.5)
                ax.set_axisbelow(True)
        if results.demo:
            fig.text(0.5, 0.5, DEMO_MARK, fontsize=30, color="0.6", alpha=0.35, rotation=20,
                     ha="center", va="center", weight="bold")
        path = out_dir / f"{chart.name}.png"
        fig.savefig(path, dpi=DPI)
        plt.close(fig)
    return path


def draw_all(results: Results, out_dir: Path) -> dict[str, Path]:
    """Every chart into out_dir; returns chart name → PNG path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {chart.name: draw(chart, results, out_dir) for chart in CHARTS}

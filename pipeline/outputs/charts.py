"""Charts of the key indicators (matplotlib, Agg), one PNG each at print resolution.

Readable in black and white: series differ by hatch, grey level and marker, never by colour
alone. Numbers use the decimal comma. Demo data carry the mark "SỐ LIỆU MINH HỌA".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from pipeline.core import atomic, vn  # noqa: E402
from pipeline.core.layout import DEMO_MARK  # noqa: E402
from pipeline.outputs.indicators import Results, Table  # noqa: E402

DPI = 220
SIZE = (6.3, 3.6)  # inches: 16 cm wide, the text width of an ND30 A4 page
SERIF = ("Times New Roman", "Liberation Serif", "DejaVu Serif")  # the report body's font first
VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐƠƯ"


@functools.cache
def serif() -> str:
    """The first installed serif font holding every Vietnamese letter, matching the Times body of
    the report (an old Liberation Serif lacks ơ, ư, ạ …); DejaVu Serif ships with matplotlib, so the
    search never falls back with a warning."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    for name in SERIF:
        try:
            path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
        except ValueError:
            continue
        if set(map(ord, VIETNAMESE)) <= set(FT2Font(path).get_charmap()):
            return name
    return "DejaVu Serif"


STYLE = {
    "font.size": 9,
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
    on_time_label, online_label = (c.label for key in ("ty_le_dung_han", "ty_le_truc_tuyen")
                                   for c in t.columns if c.key == key)  # from the rate declarations
    ax.plot(months, on_time, color="black", marker="o", linewidth=1.6, label=on_time_label)
    ax.plot(months, online, color=MID, marker="s", linestyle="--", linewidth=1.4, label=online_label)
    for x, y in zip(months, on_time, strict=True):
        if y is not None:
            ax.annotate(vn.number(y, 1), (x, y), textcoords="offset points", xytext=(0, 5),
                        ha="center", fontsize=6.5)
    ax.set_ylim(0, 109)
    ax.set_ylabel("Tỷ lệ (%)")
    ax.yaxis.set_major_formatter(_comma(0, "%"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=1)
    ax.tick_params(axis="x", labelrotation=45)


# Short names of the budget lines drawn (the full names are in catalog.budget.LINES).
BUDGET_SHORT = {"A.1": "Thu hưởng 100%", "A.2": "Thu phân chia", "A.3": "Bổ sung cấp trên",
                "B.1": "Chi đầu tư", "B.2": "Chi thường xuyên", "B.3": "Dự phòng"}


def _budget(ax: plt.Axes, t: Table) -> None:
    """One panel per year, side by side, horizontal bars sharing the budget lines (legible labels)."""
    wanted = tuple(BUDGET_SHORT)
    years = sorted({t.value(i, "nam") for i in range(len(t.frame)) if t.value(i, "nam") is not None})
    fig = ax.figure
    ax.remove()
    axes = fig.subplots(1, len(years), sharey=True, sharex=True, squeeze=False)[0]
    width = 0.4
    for panel, year in zip(axes, years, strict=True):
        rows = sorted((i for i in range(len(t.frame)) if t.value(i, "nam") == year and t.value(i, "ma") in wanted),
                      key=lambda i: wanted.index(t.value(i, "ma")))
        y = range(len(rows))
        panel.barh([p - width / 2 for p in y], [_num(t, i, "du_toan") for i in rows], width, color="white",
                   edgecolor="black", hatch="....", linewidth=0.7, label="Dự toán giao")
        panel.barh([p + width / 2 for p in y], [_num(t, i, "thuc_hien") for i in rows], width, color=DARK,
                   edgecolor="black", linewidth=0.7, label="Thực hiện")
        panel.set_yticks(list(y), [BUDGET_SHORT[t.value(i, "ma")] for i in rows])
        panel.set_title(f"Năm {year}", fontsize=9, weight="bold")
        panel.set_xlabel("Triệu đồng")
        panel.xaxis.set_major_formatter(_comma())
        panel.xaxis.set_major_locator(MaxNLocator(4))
        panel.grid(axis="x", color="0.85", linewidth=0.5)
        panel.set_axisbelow(True)
        for side in ("top", "right"):
            panel.spines[side].set_visible(False)
    axes[0].invert_yaxis()
    axes[-1].legend(loc="lower right", fontsize=8)


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


def _tasks_by_form(ax: plt.Axes, t: Table) -> None:
    rows = _data_rows(t)
    forms = [str(t.value(i, "hinh_thuc")) for i in rows]
    left = [0.0] * len(rows)
    series = (("thuan_loi", "Thực hiện thuận lợi", LIGHT, ""), ("kho_khan", "Có khó khăn, vướng mắc", MID, "////"),
              ("chua_trien_khai", "Chưa triển khai", DARK, ""))
    for key, label, grey, hatch in series:
        values = [_num(t, i, key) for i in rows]
        bars = ax.barh(forms, values, left=left, color=grey, edgecolor="black", hatch=hatch, linewidth=0.6,
                       label=label)
        for bar, v in zip(bars, values, strict=True):
            if v:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, vn.number(v),
                        ha="center", va="center", fontsize=7.5, color="white" if grey == DARK else "black",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8} if hatch else None)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, (i, total) in enumerate(zip(rows, left, strict=True)):
        ax.text(total + max(left + [1]) * 0.02, y, f"{vn.number(total)} nhiệm vụ; thuận lợi "
                f"{t.text(i, 'ty_le_thuan_loi')}%", va="center", fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left + [1]) * 1.6)
    ax.set_xlabel("Số nhiệm vụ")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(_comma())
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)


def _surplus_premises(ax: plt.Axes, t: Table) -> None:
    """One stacked bar: premises disposed of, by form, then those still to dispose of."""
    parts = (("xl_noi_bo", "Điều chuyển nội bộ", LIGHT, ""), ("xl_dia_phuong_khac", "Điều chuyển cho địa phương khác",
             "0.7", "\\\\"), ("xl_giao_dia_phuong", "Giao cho địa phương quản lý, xử lý", MID, ""),
             ("xl_khac", "Hình thức khác", "0.4", "xx"), ("con_phai_xu_ly", "Còn phải xử lý", "white", "...."))
    left = 0.0
    for key, label, grey, hatch in parts:
        v = _num(t, 0, key)
        ax.barh([0], [v], left=left, height=0.5, color=grey, edgecolor="black", hatch=hatch, linewidth=0.6,
                label=f"{label}: {vn.number(v)}")
        if v:
            ax.text(left + v / 2, 0, vn.number(v), ha="center", va="center", fontsize=9, weight="bold",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        left += v
    done = _num(t, 0, "da_xu_ly")
    ax.text(0, 0.42, f"Tổng số cơ sở dôi dư: {t.text(0, 'tong_doi_du')}; đã xử lý {vn.number(done)} "
            f"({t.text(0, 'ty_le_da_xu_ly')}%)", fontsize=8.5)
    ax.set_ylim(-0.5, 0.75)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, max(left, 1))
    ax.set_xlabel("Số cơ sở nhà, đất")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)


# Short names of the equipment kinds (the full names are in catalog.digital.EQUIPMENT).
EQUIPMENT_SHORT = {"Máy trạm (máy tính để bàn)": "Máy trạm", "Máy quét (scan)": "Máy quét",
                   "Thiết bị mạng (bộ chuyển mạch, định tuyến, tường lửa, phát wifi)": "Thiết bị mạng",
                   "Thiết bị họp trực tuyến (bộ)": "Thiết bị họp\ntrực tuyến"}


def _equipment(ax: plt.Axes, t: Table) -> None:
    rows = _data_rows(t)
    labels = [EQUIPMENT_SHORT.get(str(t.value(i, "loai_thiet_bi")), str(t.value(i, "loai_thiet_bi"))) for i in rows]
    y = range(len(rows))
    good = [_num(t, i, "dap_ung") for i in rows]
    bad = [_num(t, i, "khong_dap_ung") for i in rows]
    need = [_num(t, i, "can_bo_sung") for i in rows]
    h = 0.38
    ax.barh([p - h / 2 for p in y], good, h, color=DARK, edgecolor="black", linewidth=0.6,
            label="Đang sử dụng: đáp ứng yêu cầu")
    ax.barh([p - h / 2 for p in y], bad, h, left=good, color=LIGHT, edgecolor="black", linewidth=0.6,
            label="Đang sử dụng: không đáp ứng")
    ax.barh([p + h / 2 for p in y], need, h, color="white", edgecolor="black", hatch="////", linewidth=0.6,
            label="Cần trang bị bổ sung, thay thế")
    top = max([g + b for g, b in zip(good, bad, strict=True)] + need + [1])
    for p, i, g, b, n in zip(y, rows, good, bad, need, strict=True):
        ax.text(g + b + top * 0.01, p - h / 2, f"{vn.number(g + b)} ({t.text(i, 'ty_le_dap_ung')}% đáp ứng)",
                va="center", fontsize=7)
        ax.text(n + top * 0.01, p + h / 2, vn.number(n), va="center", fontsize=7)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.3)
    ax.set_xlabel("Số thiết bị (cái, bộ)")
    ax.xaxis.set_major_formatter(_comma())
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)


CHARTS = (
    Chart("nhan_su_trinh_do", "Cơ cấu trình độ chuyên môn của đội ngũ", "nhan_su_trinh_do", "II.3",
          _qualifications),
    Chart("tthc_ho_so_theo_thang", "Hồ sơ TTHC tiếp nhận theo tháng và kênh tiếp nhận", "tthc_theo_thang",
          "II.4", _dossiers_by_month),
    Chart("tthc_ty_le_theo_thang", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) và nộp trực tuyến theo tháng",
          "tthc_theo_thang", "II.4", _on_time_by_month),
    Chart("ngan_sach_du_toan_thuc_hien", "Dự toán và thực hiện thu, chi ngân sách", "ngan_sach_thu_chi",
          "II.5", _budget),
    Chart("phan_cap_hinh_thuc", "Nhiệm vụ phân cấp, phân quyền, ủy quyền: tình hình thực hiện", "phan_cap_theo_hinh_thuc", "II.2", _tasks_by_form),
    Chart("tai_san_doi_du", "Cơ sở nhà, đất dôi dư: đã xử lý theo hình thức và còn phải xử lý", "tai_san_doi_du",
          "II.6", _surplus_premises),
    Chart("ha_tang_so_thiet_bi", "Trang thiết bị công nghệ thông tin: đáp ứng yêu cầu và cần bổ sung",
          "ha_tang_so_thiet_bi", "II.7", _equipment),
    Chart("so_hoa_theo_phong", "Tiến độ số hoá tài liệu lưu trữ theo phông", "so_hoa_theo_phong", "II.8",
          _digitisation),
)


def figure(chart: Chart, results: Results) -> plt.Figure:
    """The chart's figure (closed by the caller); its title is the report's caption, not drawn here."""
    t = results.tables[chart.table]
    with plt.rc_context(STYLE | {"font.family": serif()}):
        fig, ax = plt.subplots(figsize=SIZE, layout="constrained")
        if t.missing:
            ax.set_axis_off()
            who = "\n".join(u.name for u in t.missing)
            ax.text(0.5, 0.5, f"{vn.GAP} Chưa có số liệu của:\n{who}", ha="center", va="center",
                    fontsize=10, transform=ax.transAxes)
        else:
            chart.draw(ax, t)
            if chart.draw is not _budget:
                ax.grid(axis="y" if chart.draw not in (_qualifications, _digitisation, _tasks_by_form,
                                                       _surplus_premises, _equipment) else "x",
                        color="0.85", linewidth=0.5)
                ax.set_axisbelow(True)
        if results.demo:
            fig.text(0.5, 0.5, DEMO_MARK, fontsize=30, color="0.6", alpha=0.35, rotation=20,
                     ha="center", va="center", weight="bold")
    return fig


def draw(chart: Chart, results: Results, out_dir: Path) -> Path:
    fig = figure(chart, results)
    with plt.rc_context(STYLE | {"font.family": serif()}):
        path = atomic.save(fig, out_dir / f"{chart.name}.png", dpi=DPI)
    plt.close(fig)
    return path


def draw_all(results: Results, out_dir: Path) -> dict[str, Path]:
    """Every chart into out_dir; returns chart name → PNG path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return {chart.name: draw(chart, results, out_dir) for chart in CHARTS}

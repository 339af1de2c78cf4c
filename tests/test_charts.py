"""Charts are declarations drawn by one engine: what each kind draws is read back from the
matplotlib artists (bar lengths, stacking, line data, tick labels, notes) and compared with the
indicator table; a chart declared in a new module is drawn without touching the engine; a table
whose unit sent nothing is drawn as the [x] panel; monthly labels stay legible over two years."""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import pickle

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from pipeline.core import vn
from pipeline.core.chart_model import BARS, HBARS, KINDS, Chart, Series, Short, short_labels
from pipeline.core.config import Unit
from pipeline.outputs import charts, indicators
from pipeline.store import warehouse
from pipeline.topics import CATALOG
from pipeline.topics.ha_tang_so import template as digital
from pipeline.topics.ngan_sach import template as budget

# The report places the charts by these names.
NAMES = {"nhan_su_trinh_do", "tthc_ho_so_theo_thang", "tthc_ty_le_theo_thang", "ngan_sach_du_toan_thuc_hien",
         "phan_cap_hinh_thuc", "tai_san_doi_du", "ha_tang_so_thiet_bi", "so_hoa_theo_phong"}


@pytest.fixture(scope="module")
def results(demo_build, config):
    con = warehouse.connect(demo_build[1])
    out = indicators.compute(con, config)
    con.close()
    return out


@pytest.fixture
def drawn(results):
    """Draw a chart by name (or a Chart), closing every figure afterwards."""
    figs = []

    def draw(chart, res=results, **kw):
        chart = next(c for c in charts.CHARTS if c.name == chart) if isinstance(chart, str) else chart
        fig = charts.figure(chart, res, **kw)
        fig.canvas.draw()
        figs.append(fig)
        return fig
    yield draw
    for fig in figs:
        plt.close(fig)


def bars(ax) -> dict:
    """Series label → its bars (one BarContainer per series)."""
    return {c.get_label(): list(c) for c in ax.containers}


def rows(t, skip_total=True) -> list[int]:
    return [i for i in range(len(t.frame)) if not (skip_total and t.value(i, t.columns[0].key) == "Cộng")]


def num(t, i, key) -> float:
    return float(t.value(i, key) or 0)


def ticks(axis) -> list[str]:
    return [x.get_text() for x in axis.get_ticklabels() if x.get_visible()]


def test_every_chart_is_declared_in_its_topic_with_todays_name(results):
    assert {c.name for c in charts.CHARTS} == NAMES and len(charts.CHARTS) == len(NAMES)
    for chart, topic in charts.DECLARED:
        assert chart.kind in KINDS
        assert chart.table in results.tables and chart.table.startswith(topic.id), chart.name
        columns = {c.key for c in results.tables[chart.table].columns}
        assert {s.key for s in chart.series} <= columns, chart.name


def test_stacked_bars_by_month_are_the_table(results, drawn):
    t = results.tables["tthc_theo_thang"]
    ax = drawn("tthc_ho_so_theo_thang").axes[0]
    got = bars(ax)
    online, counter = got["Trực tuyến"], got["Trực tiếp, bưu chính công ích"]
    assert [b.get_height() for b in online] == [num(t, i, "nhan_truc_tuyen") for i in rows(t)]
    assert [b.get_height() for b in counter] == [num(t, i, "nhan_truc_tiep") for i in rows(t)]
    assert [b.get_y() for b in counter] == [b.get_height() for b in online]  # stacked on the online part
    assert online[0].get_hatch() and not counter[0].get_hatch()  # told apart without colour
    assert ticks(ax.xaxis) == [t.value(i, "thang") for i in rows(t)]
    assert "Cộng" not in ticks(ax.xaxis)
    assert any(g.get_visible() for g in ax.get_ygridlines()) and not any(g.get_visible() for g in ax.get_xgridlines())


def test_lines_of_percentages_are_the_table(results, drawn):
    t = results.tables["tthc_theo_thang"]
    ax = drawn("tthc_ty_le_theo_thang").axes[0]
    lines = [line for line in ax.get_lines() if len(line.get_ydata()) > 1]
    assert [list(line.get_ydata()) for line in lines] == [
        [t.value(i, "ty_le_dung_han") for i in rows(t)], [t.value(i, "ty_le_truc_tuyen") for i in rows(t)]]
    assert lines[0].get_marker() != lines[1].get_marker() and lines[0].get_linestyle() != lines[1].get_linestyle()
    assert [a.get_text() for a in ax.texts] == [vn.number(t.value(i, "ty_le_dung_han"), 1) for i in rows(t)]
    assert ax.get_ylim() == (0, 109) and ticks(ax.yaxis)[-1].endswith("%")
    legend = [x.get_text() for x in ax.figure.legends[0].get_texts()]
    assert legend == [c.label for key in ("ty_le_dung_han", "ty_le_truc_tuyen") for c in t.columns if c.key == key]


def test_panels_of_grouped_bars_use_the_short_labels_declared_in_the_catalog(results, drawn):
    t = results.tables["ngan_sach_thu_chi"]
    fig = drawn("ngan_sach_du_toan_thuc_hien")
    short = short_labels(budget.LINES)
    assert list(short) == ["A.1", "A.2", "A.3", "B.1", "B.2", "B.3"]
    years = sorted({t.value(i, "nam") for i in range(len(t.frame))} - {None})
    assert [ax.get_title() for ax in fig.axes] == [f"Năm {y}" for y in years]
    for ax, year in zip(fig.axes, years, strict=True):
        mine = {t.value(i, "ma"): i for i in range(len(t.frame)) if t.value(i, "nam") == year}
        got = bars(ax)
        assert [b.get_width() for b in got["Dự toán giao"]] == [num(t, mine[c], "du_toan") for c in short]
        assert [b.get_width() for b in got["Thực hiện"]] == [num(t, mine[c], "thuc_hien") for c in short]
        assert [b.get_y() for b in got["Dự toán giao"]] != [b.get_y() for b in got["Thực hiện"]]  # side by side
        assert list(ax.get_yticks()) == list(range(len(short)))  # the same lines on every panel …
        assert ticks(fig.axes[0].yaxis) == list(short.values())  # … named on the first
        assert ax.yaxis_inverted()  # the first line on top
        assert any(g.get_visible() for g in ax.get_xgridlines())


def test_stacked_horizontal_bars_with_values_and_notes_are_the_table(results, drawn):
    t = results.tables["phan_cap_theo_hinh_thuc"]
    ax = drawn("phan_cap_hinh_thuc").axes[0]
    got = bars(ax)
    left = [0.0] * len(rows(t))
    for key, label in (("thuan_loi", "Thực hiện thuận lợi"), ("kho_khan", "Có khó khăn, vướng mắc"),
                       ("chua_trien_khai", "Chưa triển khai")):
        assert [b.get_x() for b in got[label]] == left
        assert [b.get_width() for b in got[label]] == [num(t, i, key) for i in rows(t)]
        left = [a + b.get_width() for a, b in zip(left, got[label], strict=True)]
    texts = [x.get_text() for x in ax.texts]
    for i, total in zip(rows(t), left, strict=True):
        assert f"{vn.number(total)} nhiệm vụ; thuận lợi {t.text(i, 'ty_le_thuan_loi')}%" in texts
    assert ticks(ax.yaxis) == [t.value(i, "hinh_thuc") for i in rows(t)]


def test_grouped_stack_beside_a_bar_and_short_equipment_names(results, drawn):
    t = results.tables["ha_tang_so_thiet_bi"]
    ax = drawn("ha_tang_so_thiet_bi").axes[0]
    got = bars(ax)
    good, bad, need = (got[k] for k in ("Đang sử dụng: đáp ứng yêu cầu", "Đang sử dụng: không đáp ứng",
                                        "Cần trang bị bổ sung, thay thế"))
    assert [b.get_width() for b in bad] == [num(t, i, "khong_dap_ung") for i in rows(t)]
    assert [b.get_x() for b in bad] == [b.get_width() for b in good]
    assert [b.get_width() for b in need] == [num(t, i, "can_bo_sung") for i in rows(t)]
    assert all(n.get_y() > g.get_y() for n, g in zip(need, good, strict=True))
    assert ticks(ax.yaxis) == [getattr(kind, "short", kind) for kind in digital.EQUIPMENT]
    assert "Máy quét" in ticks(ax.yaxis) and "Máy quét (scan)" not in ticks(ax.yaxis)


def test_overlaid_and_varied_bars(results, drawn):
    t = results.tables["so_hoa_theo_phong"]
    ax = drawn("so_hoa_theo_phong").axes[0]
    plan, done = bars(ax)["Kế hoạch số hóa"], bars(ax)["Đã số hóa"]
    assert [b.get_width() for b in plan] == [num(t, i, "trang_ke_hoach") for i in rows(t)]
    assert [b.get_width() for b in done] == [num(t, i, "trang_so_hoa") for i in rows(t)]
    assert all(d.get_height() < p.get_height() for p, d in zip(plan, done, strict=True))  # in front, narrower
    assert sorted(x.get_text() for x in ax.texts) == sorted(t.text(i, "ty_le_so_hoa") + "%" for i in rows(t))
    assert not any(x.startswith("Phông ") for x in ticks(ax.yaxis))

    t = results.tables["nhan_su_trinh_do"]
    ax = drawn("nhan_su_trinh_do").axes[0]
    (only,) = bars(ax).values()
    assert [b.get_width() for b in only] == [num(t, i, "ty_le") for i in range(len(t.frame))]
    assert len({(b.get_facecolor(), b.get_hatch()) for b in only}) == len(only)  # each bar its own look
    assert [x.get_text() for x in ax.texts] == [f"{vn.percent(t.value(i, 'ty_le'))} ({t.text(i, 'so_nguoi')} người)"
                                                for i in range(len(t.frame))]
    assert all(not x.startswith("Trình độ") and x[0].isupper() for x in ticks(ax.yaxis))


def test_one_bar_of_parts(results, drawn):
    t = results.tables["tai_san_doi_du"]
    ax = drawn("tai_san_doi_du").axes[0]
    keys = ("xl_noi_bo", "xl_dia_phuong_khac", "xl_giao_dia_phuong", "xl_khac", "con_phai_xu_ly")
    parts = [c[0] for c in ax.containers]
    assert [p.get_width() for p in parts] == [num(t, 0, k) for k in keys]
    assert [p.get_x() for p in parts] == [sum(num(t, 0, k) for k in keys[:n]) for n in range(len(keys))]
    assert len({(p.get_facecolor(), p.get_hatch()) for p in parts}) == len(parts)
    legend = [x.get_text() for x in ax.figure.legends[0].get_texts()]
    assert legend[-1] == f"Còn phải xử lý: {vn.number(num(t, 0, 'con_phai_xu_ly'))}"
    assert f"Tổng số cơ sở dôi dư: {t.text(0, 'tong_doi_du')}" in " ".join(x.get_text() for x in ax.texts)


NEW_TOPIC = '''
from pipeline.core.chart_model import HBARS, Chart, Series, Short

OFFICES = ({offices})

CHARTS = (
    Chart("nhan_su_bien_che", "Biên chế và số hiện có", "nhan_su_theo_co_quan", HBARS, "co_quan",
          (Series("bien_che", "Biên chế được giao"), Series("hien_co", "Hiện có", note="{{ty_le_bien_che}}%")),
          axis="Người", labels="OFFICES", room=1.3),
)
'''


def test_a_chart_declared_in_a_new_module_is_drawn_without_changing_the_engine(results, drawn, tmp_path):
    t = results.tables["nhan_su_theo_co_quan"]
    first = t.value(0, "co_quan")
    (tmp_path / "charts.py").write_text(NEW_TOPIC.format(offices=f"Short({first!r}, 'Lãnh đạo'),"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("new_topic_charts", tmp_path / "charts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class NewTopic:  # a topic as the registry sees it: it has modules by name
        id = "nhan_su"

        def module(self, name):
            return module if name in ("charts", "template") else None

    ((chart, topic),) = charts.declared([NewTopic()])
    ax = drawn(chart, template=topic.module("template")).axes[0]
    got = bars(ax)
    assert [b.get_width() for b in got["Biên chế được giao"]] == [num(t, i, "bien_che") for i in rows(t)]
    assert [b.get_width() for b in got["Hiện có"]] == [num(t, i, "hien_co") for i in rows(t)]
    assert ticks(ax.yaxis)[0] == "Lãnh đạo" and ticks(ax.yaxis)[1:] == [t.value(i, "co_quan") for i in rows(t)[1:]]
    assert [x.get_text() for x in ax.texts] == [t.text(i, "ty_le_bien_che") + "%" for i in rows(t)]
    assert chart not in charts.CHARTS  # the engine's own list is the registry's, untouched


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_table_whose_unit_sent_nothing_is_drawn_as_the_gap_panel(results, drawn, name):
    chart = next(c for c in charts.CHARTS if c.name == name)
    unit = Unit("VP", "Văn phòng HĐND và UBND", ())
    gap = dataclasses.replace(results, tables={**results.tables, chart.table: dataclasses.replace(
        results.tables[chart.table], missing=[unit])})
    fig = drawn(chart, gap)
    texts = [x.get_text() for ax in fig.axes for x in ax.texts]
    assert texts == [f"{vn.GAP} Chưa có số liệu của:\n{unit.name}"]
    assert not any(ax.containers or ax.get_lines() for ax in fig.axes)


def test_two_years_of_months_keep_legible_labels_that_do_not_collide(results, drawn):
    t = results.tables["tthc_theo_thang"]
    body = t.frame[t.frame["thang"] != "Cộng"]
    months = [f"{m:02d}/{y}" for y in (2025, 2026) for m in range(1, 13)]
    frame = pd.concat([body] * 3, ignore_index=True).iloc[: len(months)].assign(thang=months)
    long = dataclasses.replace(results, tables={**results.tables, "tthc_theo_thang": dataclasses.replace(
        t, frame=frame, _records=None)})
    for name in ("tthc_ho_so_theo_thang", "tthc_ty_le_theo_thang"):
        fig = drawn(name, long)
        ax = fig.axes[0]
        shown = [x for x in ax.get_xticklabels() if x.get_visible() and x.get_text()]
        assert 6 <= len(shown) <= charts.MAX_TICKS and shown[0].get_text() == "01/2025"
        assert all(x.get_fontsize() >= 7 for x in shown)
        boxes = [x.get_window_extent(fig.canvas.get_renderer()) for x in shown]
        assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:], strict=False)), name
        if name == "tthc_ho_so_theo_thang":  # every month still drawn, only its label thinned
            assert len(bars(ax)["Trực tuyến"]) == len(months)


def test_grid_follows_the_kind():
    assert charts.GRID[BARS] == "y" and charts.GRID[HBARS] == "x" and set(charts.GRID) == set(KINDS)
    with pytest.raises(ValueError, match="kind"):
        Chart("x", "x", "x", "pie", "x", (Series("x"),))


def test_a_short_label_is_its_full_text_everywhere_else(config):
    kind = next(k for k in digital.EQUIPMENT if isinstance(k, Short))
    assert kind == str(kind) and kind.short != kind and hash(kind) == hash(str(kind))
    for back in (pickle.loads(pickle.dumps(kind)), copy.deepcopy(kind)):
        assert back == kind and back.short == kind.short
    sheet = CATALOG["ha_tang_so"].sheet("thiet_bi")
    printed = [r[0] for r in sheet.rows(None)]
    assert printed == [str(k) for k in digital.EQUIPMENT] and all(type(r) is str for r in printed)
    names = [r[2] for r in CATALOG["ngan_sach"].sheet("thu_chi").rows(config)]  # the template prints names
    assert "Chi đầu tư phát triển" in names and all(type(n) is str for n in names)

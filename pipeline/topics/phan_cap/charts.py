"""Phân cấp, phân quyền: the chart of plan II.2 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import HBARS, Chart, Series

CHARTS = (
    Chart("phan_cap_hinh_thuc", "Nhiệm vụ phân cấp, phân quyền, ủy quyền: tình hình thực hiện",
          "phan_cap_theo_hinh_thuc", HBARS, "hinh_thuc",
          (Series("thuan_loi", "Thực hiện thuận lợi", "0.85", "", stack="n", values=0),
           Series("kho_khan", "Có khó khăn, vướng mắc", "0.55", "////", stack="n", values=0),
           Series("chua_trien_khai", "Chưa triển khai", "0.25", "", stack="n", values=0,
                  note="{_total} nhiệm vụ; thuận lợi {ty_le_thuan_loi}%")),
          axis="Số nhiệm vụ", room=1.6, legend_columns=3),
)

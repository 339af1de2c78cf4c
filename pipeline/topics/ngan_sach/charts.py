"""Ngân sách: the chart of plan II.5 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import HBARS, Chart, Series

CHARTS = (
    Chart("ngan_sach_du_toan_thuc_hien", "Dự toán và thực hiện thu, chi ngân sách", "ngan_sach_thu_chi",
          HBARS, "ma", (Series("du_toan", "Dự toán giao", "white", "...."), Series("thuc_hien", "Thực hiện", "0.25", "")),
          axis="Triệu đồng", panels="nam", panel_title="Năm {}",
          labels="LINES", only_labelled=True),  # the lines with a short label in template.LINES
)

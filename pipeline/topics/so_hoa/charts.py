"""Số hóa: the chart of plan II.8 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import HBARS, Chart, Series

CHARTS = (
    Chart("so_hoa_theo_phong", "Tiến độ số hóa tài liệu lưu trữ theo phông", "so_hoa_theo_phong",
          HBARS, "phong", (Series("trang_ke_hoach", "Kế hoạch số hóa", "white", "xx"),
                           Series("trang_so_hoa", "Đã số hóa", "0.25", "", note="{ty_le_so_hoa}%")),
          axis="Số trang", overlay=True, drop_prefix="Phông ", room=1.2),
)

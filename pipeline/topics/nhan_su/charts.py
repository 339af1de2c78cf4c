"""Nhân sự: the chart of plan II.3 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import HBARS, Chart, Series

CHARTS = (
    Chart("nhan_su_trinh_do", "Cơ cấu trình độ chuyên môn của đội ngũ", "nhan_su_trinh_do",
          HBARS, "truong", (Series("ty_le", note="{ty_le:%} ({so_nguoi} người)"),),
          axis="Tỷ lệ trong tổng số hiện có (%)", percent=True, vary=True, drop_prefix="Trình độ: ", room=1.12),
)

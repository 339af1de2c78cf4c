"""Hạ tầng số: the chart of plan II.7 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import HBARS, Chart, Series

CHARTS = (
    Chart("ha_tang_so_thiet_bi", "Trang thiết bị công nghệ thông tin: đáp ứng yêu cầu và cần bổ sung",
          "ha_tang_so_thiet_bi", HBARS, "loai_thiet_bi",
          (Series("dap_ung", "Đang sử dụng: đáp ứng yêu cầu", "0.25", "", stack="dang_dung"),
           Series("khong_dap_ung", "Đang sử dụng: không đáp ứng", "0.85", "", stack="dang_dung",
                  note="{_total} ({ty_le_dap_ung}% đáp ứng)"),
           Series("can_bo_sung", "Cần trang bị bổ sung, thay thế", "white", "////", note="{can_bo_sung}")),
          axis="Số thiết bị (cái, bộ)", labels="EQUIPMENT", room=1.35),  # short names in template.EQUIPMENT
)

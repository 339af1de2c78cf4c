"""Thủ tục hành chính: the charts of plan II.4 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import BARS, LINES, Chart, Series

CHARTS = (
    Chart("tthc_ho_so_theo_thang", "Hồ sơ TTHC tiếp nhận theo tháng và kênh tiếp nhận", "tthc_theo_thang",
          BARS, "thang", (Series("nhan_truc_tuyen", "Trực tuyến", "0.85", "////", stack="kenh"),
                          Series("nhan_truc_tiep", "Trực tiếp, bưu chính công ích", "0.25", "", stack="kenh")),
          axis="Hồ sơ tiếp nhận trong kỳ"),
    Chart("tthc_ty_le_theo_thang",
          "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (chỉ số 2.1) và nộp trực tuyến theo tháng", "tthc_theo_thang",
          LINES, "thang", (Series("ty_le_dung_han", values=1), Series("ty_le_truc_tuyen")),  # labels: the rates'
          axis="Tỷ lệ (%)", percent=True, legend_columns=1),
)

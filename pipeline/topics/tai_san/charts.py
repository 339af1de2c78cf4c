"""Tài sản công: the chart of plan II.6 (drawn by pipeline.outputs.charts)."""

from pipeline.core.chart_model import PARTS, Chart, Series

CHARTS = (
    Chart("tai_san_doi_du", "Cơ sở nhà, đất dôi dư: đã xử lý theo hình thức và còn phải xử lý", "tai_san_doi_du",
          PARTS, "", (Series("xl_noi_bo", "Điều chuyển nội bộ", "0.85", "", values=0),
                      Series("xl_dia_phuong_khac", "Điều chuyển cho địa phương khác", "0.7", "\\\\", values=0),
                      Series("xl_giao_dia_phuong", "Giao cho địa phương quản lý, xử lý", "0.55", "", values=0),
                      Series("xl_khac", "Hình thức khác", "0.4", "xx", values=0),
                      Series("con_phai_xu_ly", "Còn phải xử lý", "white", "....", values=0)),
          axis="Số cơ sở nhà, đất",
          header="Tổng số cơ sở dôi dư: {tong_doi_du}; đã xử lý {da_xu_ly} ({ty_le_da_xu_ly}%)"),
)

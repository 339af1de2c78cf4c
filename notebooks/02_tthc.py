# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Thủ tục hành chính: tiếp nhận, giải quyết theo lĩnh vực, tháng và kênh nộp
#
# Số liệu hiện hành của biểu `tthc` (Trung tâm Phục vụ hành chính công gửi). Các bảng chỉ tiêu
# là đúng các bảng của báo cáo (`pipeline/sql/tthc_*.sql`); phần còn lại là khám phá thêm.

# %%
import matplotlib.pyplot as plt

from pipeline import analysis

analysis.plot_style()
wh = analysis.open()
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA")
ho_so = wh.data("tthc", "ho_so")
label = analysis.labels("tthc", "ho_so")
print(f"{len(ho_so)} dòng số liệu (tháng × lĩnh vực) của {ho_so['unit_code'].nunique()} đơn vị.")

# %% [markdown]
# ## Các chỉ số so với chỉ tiêu (Quyết định 766/QĐ-TTg)
#
# Mỗi chỉ số được khai báo một lần trong `pipeline/rates_766.toml` (tử số, mẫu số, chỉ tiêu, điểm,
# nguồn); ô `[x]` là chưa có số liệu, cột «Ghi chú» nói thiếu số liệu nào của đơn vị nào.

# %%
analysis.show(wh.indicator("tthc_chi_so", formatted=True))

# %% [markdown]
# ## Điểm ước tính theo các nhóm của Bộ chỉ số 766

# %%
analysis.show(wh.indicator("tthc_diem_766", formatted=True))

# %% [markdown]
# ## Theo tháng: tiếp nhận trực tuyến và trực tiếp, tỷ lệ trực tuyến và đúng hạn

# %%
by_month = wh.indicator("tthc_theo_thang")
by_month_vn = wh.indicator("tthc_theo_thang", formatted=True)
header = {c.key: c.label for c in wh.indicator_table("tthc_theo_thang").columns}  # names from the declarations
print(by_month_vn.attrs["note"])
analysis.show(by_month_vn)

# %%
months = by_month[by_month["thang"] != "Cộng"]
fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, height_ratios=[3, 2])
ax.bar(months["thang"], months["nhan_truc_tuyen"], color="0.35", label="Trực tuyến")
ax.bar(months["thang"], months["nhan_truc_tiep"], bottom=months["nhan_truc_tuyen"], color="0.8",
       hatch="//", edgecolor="0.3", linewidth=0.4, label="Trực tiếp, bưu chính công ích")
ax.set_title("Hồ sơ tiếp nhận trong kỳ theo tháng và kênh nộp")
ax.set_ylabel("Hồ sơ")
ax.yaxis.set_major_formatter(analysis.comma())
ax.legend(loc="upper left")
ax2.plot(months["thang"], months["ty_le_truc_tuyen"], marker="o", color="0.2", label=header["ty_le_truc_tuyen"])
ax2.plot(months["thang"], months["ty_le_dung_han"], marker="s", linestyle="--", color="0.5",
         label=header["ty_le_dung_han"])
ax2.set_ylim(0, 105)
ax2.set_ylabel("%")
ax2.yaxis.set_major_formatter(analysis.comma(0, "%"))
ax2.legend(loc="lower left", fontsize=8)
ax2.tick_params(axis="x", rotation=45)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Theo lĩnh vực

# %%
by_field = wh.indicator("tthc_theo_linh_vuc")
analysis.show(wh.indicator("tthc_theo_linh_vuc", formatted=True))

# %%
fields = by_field[by_field["linh_vuc"] != "Cộng"].sort_values("nhan_trong_ky")
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.barh(fields["linh_vuc"], fields["nhan_truc_tuyen"], color="0.35", label="Trực tuyến")
ax.barh(fields["linh_vuc"], fields["nhan_trong_ky"] - fields["nhan_truc_tuyen"], left=fields["nhan_truc_tuyen"],
        color="0.8",
        hatch="//", edgecolor="0.3", linewidth=0.4, label="Trực tiếp, bưu chính công ích")
ax.set_title("Hồ sơ tiếp nhận trong kỳ theo lĩnh vực")
ax.set_xlabel("Hồ sơ")
ax.xaxis.set_major_formatter(analysis.comma())
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# ## Lĩnh vực × tháng: hồ sơ tiếp nhận trong kỳ (trực tuyến + trực tiếp)
#
# Bảng khám phá: đổi `values` để xem cột khác, ví dụ `giai_quyet_qua_han`.

# %%
values = ho_so.assign(nhan_trong_ky=ho_so["nhan_truc_tuyen"] + ho_so["nhan_truc_tiep"])
grid = values.pivot_table(index="linh_vuc", columns="thang", values="nhan_trong_ky", aggfunc="sum",
                          sort=False)
grid.index.name, grid.columns.name = label["linh_vuc"], label["thang"]
analysis.show(grid.reset_index())

# %% [markdown]
# ## Kênh nộp hồ sơ cả kỳ

# %%
channels = values[["nhan_truc_tuyen", "nhan_truc_tiep"]].sum()
share = (100 * channels / channels.sum()).rename("Tỷ trọng (%)")
channel_table = (channels.rename("Số hồ sơ").to_frame().join(share)
                 .rename(index=label).rename_axis("Kênh").reset_index())
analysis.show(channel_table)

# %%
total_row = by_month[by_month["thang"] == "Cộng"].iloc[0]
summary = {
    "received": float(total_row["nhan_trong_ky"]),
    "online": float(total_row["nhan_truc_tuyen"]),
    "online_share": float(total_row["ty_le_truc_tuyen"]),
    "on_time_share": float(total_row["ty_le_dung_han"]),
    "months": len(months),
    "fields": len(fields),
}
print(summary)

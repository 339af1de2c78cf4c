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
# # Ngân sách: dự toán và thực hiện thu, chi
#
# Số liệu hiện hành của biểu `ngan_sach` (mục lục theo Thông tư 344/2016/TT-BTC). Mỗi năm ngân sách là
# một năm dương lịch, số thực hiện lũy kế từ 01/01 đến ngày ở cột «Số liệu tính đến ngày». Ô trống là
# chưa có số liệu. Đơn vị: triệu đồng.

# %%
import matplotlib.pyplot as plt
import numpy as np

from pipeline import analysis

analysis.plot_style()
wh = analysis.open()
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA")
budget = wh.indicator("ngan_sach_thu_chi")
years = sorted(budget["nam"].dropna().unique())
print("Các năm:", ", ".join(str(int(y)) for y in years))

# %% [markdown]
# ## Thu, chi theo năm (đến cấp 2 của mục lục)
#
# Đổi `depth` để xem chi tiết hơn (0 = chỉ tổng thu, tổng chi; 2 = mọi dòng).

# %%
depth = 1
level = budget["ma"].str.count(r"\.")
table = wh.indicator("ngan_sach_thu_chi", formatted=True)[(level <= depth).to_numpy()]
print(table.attrs["note"])
analysis.show(table)

# %% [markdown]
# ## Tổng thu, tổng chi: dự toán và thực hiện

# %%
totals = budget[budget["ma"].isin(["A", "B"])]
names = {"A": "Tổng thu", "B": "Tổng chi"}
groups = [f"{names[m]} {int(y)}\n(đến {d or '[x]'})"
          for y, m, d in zip(totals["nam"], totals["ma"], totals["tinh_den"], strict=True)]
x = np.arange(len(groups))
fig, ax = plt.subplots(figsize=(8, 4))
ax.bar(x - 0.2, totals["du_toan"], 0.4, color="0.8", hatch="//", edgecolor="0.3", linewidth=0.4,
       label="Dự toán giao")
ax.bar(x + 0.2, totals["thuc_hien"], 0.4, color="0.35", label="Thực hiện")
for xi, rate, top in zip(x, totals["ty_le_thuc_hien"], totals[["du_toan", "thuc_hien"]].max(axis=1),
                         strict=True):
    ax.annotate(analysis.vn.percent(rate), (xi, top), ha="center", va="bottom", fontsize=8)
ax.set_xticks(x, groups)
ax.set_title("Dự toán và thực hiện thu, chi ngân sách")
ax.set_ylabel("Triệu đồng")
ax.yaxis.set_major_formatter(analysis.comma())
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# ## Tỷ lệ thực hiện so với dự toán của các khoản cấp 1 (năm cuối)

# %%
last = budget[(budget["nam"] == years[-1]) & (level == 1)].sort_values("ma", ascending=False)
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.barh(last["ma"] + " " + last["noi_dung"], last["ty_le_thuc_hien"], color="0.55")
ax.axvline(100, color="0.2", linestyle="--", linewidth=0.8)
ax.set_title(f"Thực hiện so với dự toán năm {int(years[-1])}, tính đến {last['tinh_den'].iloc[0] or '[x]'}")
ax.xaxis.set_major_formatter(analysis.comma(0, "%"))
plt.show()

# %% [markdown]
# ## Cơ cấu chi

# %%
structure = wh.indicator("ngan_sach_co_cau_chi")
analysis.show(wh.indicator("ngan_sach_co_cau_chi", formatted=True))

# %%
recurrent = structure[(structure["nam"] == years[-1]) & structure["ma"].str.startswith("B.2.")]
recurrent = recurrent.sort_values("thuc_hien")
fig, ax = plt.subplots(figsize=(8, 4.5))
ax.barh(recurrent["noi_dung"], recurrent["ty_trong_thuc_hien"], color="0.45")
ax.set_title(f"Tỷ trọng các khoản chi thường xuyên trong tổng chi thực hiện năm {int(years[-1])}")
ax.xaxis.set_major_formatter(analysis.comma(0, "%"))
plt.show()

# %%
summary = {
    "years": [int(y) for y in years],
    "spent": {int(r.nam): float(r.thuc_hien) for r in budget[budget["ma"] == "B"].itertuples()},
    "revenue": {int(r.nam): float(r.thuc_hien) for r in budget[budget["ma"] == "A"].itertuples()},
}
print(summary)

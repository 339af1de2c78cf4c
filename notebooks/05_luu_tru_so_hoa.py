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
# # Lưu trữ và số hóa tài liệu
#
# Số liệu hiện hành của biểu `so_hoa`: tài liệu giấy theo phông (mét giá), chỉnh lý, số hóa và
# khai thác tài liệu lưu trữ.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from pipeline import analysis
from pipeline.topics import CATALOG

analysis.plot_style()
wh = analysis.open()
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA")
sheet = CATALOG["so_hoa"].sheet("phong")
label = {f.key: f.label for f in sheet.columns}
fonds = wh.data("so_hoa", "phong")

# %% [markdown]
# ## Chỉnh lý và số hóa theo phông

# %%
by_fonds = wh.indicator("so_hoa_theo_phong")
formatted = wh.indicator("so_hoa_theo_phong", formatted=True)
print(formatted.attrs["note"])
analysis.show(formatted)

# %%
rows = by_fonds[by_fonds["phong"] != "Cộng"].iloc[::-1]
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
left = pd.Series(0.0, index=rows.index)
for key, grey, hatch in zip(["chinh_ly_hoan_chinh", "chinh_ly_so_bo", "chua_chinh_ly"],
                            ["0.3", "0.65", "0.95"], ["", "..", "//"], strict=True):
    ax.barh(rows["phong"], rows[key], left=left, color=grey, hatch=hatch, edgecolor="0.3", linewidth=0.4,
            label=label[key])
    left += rows[key].fillna(0)
ax.set_title("Tài liệu giấy theo tình trạng chỉnh lý")
ax.set_xlabel("Mét giá")
ax.xaxis.set_major_formatter(analysis.comma(1))
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=3)
ax2.barh(rows["phong"], rows["trang_ke_hoach"], color="0.9", edgecolor="0.3", linewidth=0.4,
         label=label["trang_ke_hoach"])
ax2.barh(rows["phong"], rows["trang_so_hoa"], height=0.45, color="0.3", label=label["trang_so_hoa"])
ax2.set_title("Số hóa: số trang đã số hóa so với kế hoạch")
ax2.set_xlabel("Trang")
ax2.xaxis.set_major_formatter(analysis.comma())
ax2.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncols=2)
plt.show()

# %% [markdown]
# ## Hồ sơ, khai thác tài liệu (các cột còn lại của biểu)

# %%
shown = [f.key for f in sheet.fields if f.key.startswith(("ho_so_", "khai_thac_"))]
use = fonds[["phong", *shown]]
analysis.show(use.rename(columns=analysis.labels("so_hoa", "phong")))

# %%
total = by_fonds[by_fonds["phong"] == "Cộng"].iloc[0]
summary = {"pages": float(total["trang_so_hoa"]), "planned": float(total["trang_ke_hoach"]),
           "meters": float(total["tong_met_gia"]), "fonds": len(rows)}
print(summary)

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
# # Nhân sự: số lượng, cơ cấu cán bộ, công chức, viên chức, người lao động
#
# Số liệu hiện hành của biểu `nhan_su`, tại ngày chốt số liệu.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from pipeline import analysis
from pipeline.topics import CATALOG

analysis.plot_style()
wh = analysis.open()
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA")
sheet = CATALOG["nhan_su"].sheet("can_bo")
label = {f.key: f.label for f in sheet.columns}  # short labels (without unit) for charts
staff = wh.data("nhan_su", "can_bo")

# %% [markdown]
# ## Theo cơ quan, đơn vị so với biên chế

# %%
by_body = wh.indicator("nhan_su_theo_co_quan")
formatted = wh.indicator("nhan_su_theo_co_quan", formatted=True)
print(formatted.attrs["note"])
analysis.show(formatted)

# %%
kinds = ["can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach"]
bodies = by_body[by_body["co_quan"] != "Cộng"].iloc[::-1]
fig, ax = plt.subplots(figsize=(9, 4.5))
left = pd.Series(0.0, index=bodies.index)
greys, hatches = ["0.2", "0.45", "0.65", "0.85", "0.95"], ["", "", "..", "//", "xx"]
for kind, grey, hatch in zip(kinds, greys, hatches, strict=True):
    ax.barh(bodies["co_quan"], bodies[kind], left=left, color=grey, hatch=hatch, edgecolor="0.3",
            linewidth=0.4, label=label[kind])
    left += bodies[kind].fillna(0)
ax.scatter(bodies["bien_che"], bodies["co_quan"], marker="|", s=250, color="black", label=label["bien_che"])
ax.set_title("Cơ cấu số hiện có theo cơ quan, đơn vị")
ax.set_xlabel("Người")
ax.legend(loc="upper center", bbox_to_anchor=(0.35, -0.15), ncols=3)
plt.show()

# %% [markdown]
# ## Trình độ chuyên môn

# %%
levels = wh.indicator("nhan_su_trinh_do", labels=True)
analysis.show(levels)

# %%
raw_levels = wh.indicator("nhan_su_trinh_do")
fig, ax = plt.subplots(figsize=(7, 3))
ax.barh([label[k] for k in raw_levels["truong"]][::-1], raw_levels["so_nguoi"][::-1], color="0.45")
ax.set_title("Cơ cấu trình độ chuyên môn")
ax.set_xlabel("Người")
plt.show()

# %% [markdown]
# ## Độ tuổi, giới tính, dân tộc, lý luận chính trị (cộng mọi cơ quan)
#
# Nhóm cột lấy theo tiền tố của mã cột trong danh mục biểu mẫu.

# %%
def group_sums(prefix: str) -> pd.DataFrame:
    keys = [f.key for f in sheet.fields if f.key.startswith(prefix)]
    sums = staff[keys].sum()
    return pd.DataFrame({"Nhóm": [label[k] for k in keys], "Số người": sums.to_numpy(),
                         "Tỷ lệ so với số hiện có (%)": (100 * sums / staff["hien_co"].sum()).to_numpy()})


ages = group_sums("tuoi_")
analysis.show(pd.concat([ages, group_sums("nu"), group_sums("dan_toc"), group_sums("llct_")]))

# %%
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(ages["Nhóm"].str.replace("Tuổi: ", ""), ages["Số người"], color="0.45")
ax.set_title("Số hiện có theo nhóm tuổi")
ax.set_ylabel("Người")
plt.show()

# %%
total = by_body[by_body["co_quan"] == "Cộng"].iloc[0]
summary = {"staff": float(total["hien_co"]), "posts": float(total["bien_che"]), "bodies": len(bodies),
           "ages": float(ages["Số người"].sum())}
print(summary)

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
# # Chất lượng số liệu: cảnh báo đã chấp nhận, ô trống, đơn vị chưa gửi, giá trị bất thường
#
# Những điểm cần hỏi lại đơn vị trước khi dùng số liệu trong báo cáo.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from pipeline import analysis
from pipeline.topics import CATALOG

analysis.plot_style()
wh = analysis.open()
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA")

# %% [markdown]
# ## Cảnh báo của các tệp đã được chấp nhận
#
# Cảnh báo không làm tệp bị trả lại, nhưng số liệu cần được đơn vị xác nhận hoặc giải thích.

# %%
warnings = wh.problems(severity="warning", status=analysis.ACCEPTED)
current_warnings = wh.problems(severity="warning", current=True)
print(f"{len(warnings)} cảnh báo trong các tệp được chấp nhận; {len(current_warnings)} cảnh báo "
      "thuộc các tệp đang được dùng.")
analysis.show(warnings[["file_name", "unit_name", "sheet", "cell", "field", "value", "rule", "fix"]]
              .rename(columns=analysis.COLUMN_TEXT))

# %% [markdown]
# ## Đơn vị chưa gửi (chưa có số liệu: báo cáo ghi «[x]»)

# %%
missing = wh.missing_units()
if missing.empty:
    print("Mọi đơn vị đã gửi đủ.")
analysis.show(missing.rename(columns=analysis.COLUMN_TEXT))

# %% [markdown]
# ## Ô để trống trong số liệu đang dùng
#
# Ô trống là *chưa có số liệu*, không phải 0. Bảng đếm số ô trống của từng cột, mọi biểu mẫu.

# %%
blanks = []
for template in CATALOG.values():
    for sheet in template.sheets:
        frame = wh.data(template.id, sheet.key)
        for f in sheet.fields:
            n = int(frame[f.key].isna().sum())
            if n:
                blanks.append({"Biểu mẫu": template.title, "Trang tính": sheet.name, "Cột": f.header,
                               "Số ô trống": n, "Số dòng": len(frame)})
blanks = pd.DataFrame(blanks, columns=["Biểu mẫu", "Trang tính", "Cột", "Số ô trống", "Số dòng"])
if blanks.empty:
    print("Không có ô trống trong số liệu đang dùng.")
analysis.show(blanks)

# %% [markdown]
# ## Giá trị bất thường so với các tháng khác (thủ tục hành chính)
#
# Với mỗi lĩnh vực và mỗi cột, so sánh từng tháng với các tháng còn lại bằng điểm z bền vững
# (0,6745 × (giá trị − trung vị) / độ lệch tuyệt đối trung vị). |z| ≥ 3,5 là đáng hỏi lại.
# Chỉ xét các cột số lượng lớn; đổi `columns` hoặc `threshold` để khám phá.

# %%
tthc = wh.data("tthc", "ho_so")
label = analysis.labels("tthc", "ho_so")
columns = ["nhan_truc_tuyen", "nhan_truc_tiep", "giai_quyet_tong", "so_hoa"]
threshold = 3.5
odd = analysis.outliers(tthc, columns, by=["linh_vuc"], threshold=threshold)
odd_view = odd[["thang", "linh_vuc", "field", "value", "median", "robust_z"]].assign(
    field=odd["field"].map(label))
analysis.show(odd_view.rename(columns={**label, "field": "Cột", "value": "Giá trị",
                                        "median": "Trung vị các tháng", "robust_z": "Điểm z bền vững"}),
              decimals={"Điểm z bền vững": 1})

# %%
if not odd.empty:
    first = odd.iloc[0]
    series = tthc[tthc["linh_vuc"] == first["linh_vuc"]]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(series["thang"], series[first["field"]], marker="o", color="0.3")
    flagged = series[series["thang"] == first["thang"]]
    ax.scatter(flagged["thang"], flagged[first["field"]], s=160, facecolors="none", edgecolors="black",
               linewidths=1.5, label="Giá trị bất thường")
    ax.axhline(first["median"], color="0.6", linestyle="--", label="Trung vị các tháng")
    ax.set_title(f"{label[first['field']]} — {first['linh_vuc']}")
    ax.yaxis.set_major_formatter(analysis.comma())
    ax.tick_params(axis="x", rotation=45)
    ax.legend()
    plt.show()

# %% [markdown]
# ## So sánh giữa các cơ quan, đơn vị (nhân sự: tỷ lệ số hiện có so với biên chế)

# %%
staff = wh.data("nhan_su", "can_bo")
ratio = staff.assign(ty_le=100 * staff["hien_co"] / staff["bien_che"])
odd_bodies = analysis.outliers(ratio, ["ty_le"], threshold=threshold)
print(f"{len(odd_bodies)} cơ quan, đơn vị có tỷ lệ khác hẳn các đơn vị còn lại.")
analysis.show(ratio[["co_quan", "bien_che", "hien_co", "ty_le"]]
              .rename(columns={**analysis.labels("nhan_su", "can_bo"), "ty_le": "Số hiện có so với biên chế (%)"}))

# %%
summary = {
    "warnings_accepted": len(warnings),
    "missing": sorted(zip(missing["template_id"], missing["unit_code"], strict=True)),
    "blank_cells": int(blanks["Số ô trống"].sum()) if not blanks.empty else 0,
    "outliers": [(r.thang, r.linh_vuc, r.field) for r in odd.itertuples()],
}
print(summary)

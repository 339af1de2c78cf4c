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
# # Tổng quan các tệp đã nhận
#
# Những tệp nào đã được gửi, từ đơn vị nào, tệp nào được chấp nhận, tệp nào bị trả lại và vì sao,
# đơn vị nào chưa gửi. Số liệu đọc từ kho dữ liệu `outputs/warehouse.duckdb` (chỉ đọc) qua
# `pipeline.analysis`; nếu chưa có kho, hãy chạy `make all` trước.

# %%
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from pipeline import analysis

analysis.plot_style()
wh = analysis.open()
print(f"Kho dữ liệu: {wh.path}")
if wh.is_demo():
    print("SỐ LIỆU MINH HỌA: kho đang dùng bộ số liệu minh họa, không phải số liệu thật của đơn vị.")

# %% [markdown]
# ## Mọi tệp đã nhận (kể cả tệp bị trả lại), theo thời điểm nhận

# %%
submissions = wh.submissions()
shown = ["file_name", "unit_name", "template_title", "received_at", "sender", "status_text",
         "n_errors", "n_warnings"]
analysis.show(submissions[shown].rename(columns=analysis.COLUMN_TEXT))

# %% [markdown]
# ## Số tệp theo kết quả kiểm tra

# %%
by_state = submissions.groupby("status_text").size().rename("Số tệp").rename_axis("Kết quả").reset_index()
analysis.show(by_state)

# %% [markdown]
# ## Từ đơn vị nào: số tệp theo đơn vị và kết quả

# %%
states = [analysis.words.STATUS[s] for s in ("accepted", "warnings", "rejected")]
by_unit = (submissions.pivot_table(index="unit_name", columns="status_text", values="submission_id",
                                   aggfunc="count", fill_value=0)
           .reindex(columns=states, fill_value=0))
by_unit.index.name, by_unit.columns.name = "Đơn vị", None
analysis.show(by_unit.reset_index())

# %%
ax = by_unit.plot.barh(stacked=True, color=["0.85", "0.6", "0.3"], edgecolor="black", linewidth=0.5)
for bars, hatch in zip(ax.containers, ["", "...", "///"], strict=True):
    for bar in bars:
        bar.set_hatch(hatch)
ax.set_title("Số tệp đã nhận theo đơn vị và kết quả kiểm tra")
ax.set_xlabel("Số tệp")
ax.set_ylabel("")
ax.xaxis.set_major_locator(MaxNLocator(integer=True))
ax.legend(title="Kết quả", loc="upper center", bbox_to_anchor=(0.4, -0.15), ncols=3)
plt.show()

# %% [markdown]
# ## Tệp bị trả lại và lý do

# %%
errors = wh.problems(severity="error", status="rejected")
if errors.empty:
    print("Không có tệp nào bị trả lại.")
analysis.show(errors[["file_name", "unit_name", "sheet", "cell", "field", "value", "rule", "fix"]]
              .rename(columns=analysis.COLUMN_TEXT))

# %% [markdown]
# Lỗi gặp nhiều nhất (theo câu chữ của quy tắc, bỏ phần giá trị cụ thể sau dấu chấm đầu tiên):

# %%
common = (errors.assign(rule=errors["rule"].str.split(". ", regex=False).str[0])
          .groupby("rule").size().sort_values(ascending=False).rename("Số lỗi")
          .rename_axis("Lỗi / quy tắc").reset_index())
analysis.show(common)

# %% [markdown]
# ## Tệp đang được dùng (lần nộp hợp lệ sau cùng của mỗi đơn vị × biểu)

# %%
current = wh.submissions(current=True)
analysis.show(current[["template_title", "unit_name", "file_name", "received_at", "status_text"]]
              .rename(columns=analysis.COLUMN_TEXT))

# %% [markdown]
# ## Đơn vị chưa gửi (hoặc chưa có tệp hợp lệ)

# %%
missing = wh.missing_units()
if missing.empty:
    print("Mọi đơn vị đã gửi đủ các biểu mẫu được giao.")
analysis.show(missing.rename(columns=analysis.COLUMN_TEXT))

# %%
summary = {
    "files": len(submissions),
    "accepted": int(submissions["status"].isin(analysis.ACCEPTED).sum()),
    "rejected": int((submissions["status"] == "rejected").sum()),
    "current": len(current),
    "missing": sorted(zip(missing["template_id"], missing["unit_code"], strict=True)),
}
print(summary)

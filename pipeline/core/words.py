"""The status words every user reads, declared once: the portal, the board, the terminal, the
validation workbooks and the analysts' notebooks all say the same thing for the same state."""

from __future__ import annotations

# A file's result (validate.FileReport.status; "unchecked" only on the portal).
STATUS = {"accepted": "Hợp lệ — đã nhận", "warnings": "Đã nhận, có cảnh báo",
          "rejected": "Bị trả lại — cần sửa và gửi lại", "unchecked": "Đã lưu, chưa kiểm tra được"}
# A unit × template on the board (pipeline.web.board).
STATES = {"missing": "chưa nộp", "rejected": "bị trả lại", "accepted": "hợp lệ",
          "warnings": "có cảnh báo", "late": "nộp muộn"}

"""The status words every user reads, declared once: the portal, the board, the terminal, the
validation workbooks and the analysts' notebooks all say the same thing for the same state."""

from __future__ import annotations

# A file's result (validate.FileReport.status; "unchecked" only on the portal).
STATUS = {"accepted": "Hợp lệ — đã nhận", "warnings": "Đã nhận, có cảnh báo",
          "rejected": "Bị trả lại — cần sửa và gửi lại", "unchecked": "Đã lưu, chưa kiểm tra được",
          "checking": "Đã nhận, đang kiểm tra"}
# The same result in a terminal summary's counts and lines («3 bị trả lại», «Bị trả lại: a.xlsx»);
# "resent": a rejected file after which its unit sent a valid file of the same template.
RESULT = {"accepted": "được chấp nhận", "warnings": "được chấp nhận có cảnh báo", "rejected": "bị trả lại",
          "resent": "đã gửi lại"}
# A unit × template on the board (pipeline.web.board).
STATES = {"missing": "chưa nộp", "rejected": "bị trả lại", "accepted": "hợp lệ",
          "warnings": "có cảnh báo", "late": "nộp muộn", "checking": "đang kiểm tra"}
# A unit head's sign-off of a unit × template's current file (pipeline.web.review, annex, build).
SIGNOFF = {"signed": "đã xác nhận", "unsigned": "chưa xác nhận"}
# A figure warned about at upload (an outlier), followed up on the board.
FOLLOW_UP = {"open": "cần xem lại", "confirmed": "đơn vị đã xác nhận số liệu đúng"}
# Portal roles (accounts.json): every account enters its unit's files; a head also signs them off.
ROLES = {"member": "cán bộ nhập số liệu", "head": "thủ trưởng đơn vị"}
# The report's sections that no topic writes (a marked gap for the writer, and the leader who directs
# it, [[leaders]] in the configuration): key → heading as printed in the default template.
SECTIONS_WITHOUT_FIGURES = {"II.9": "9. Nhiệm vụ, giải pháp trong thời gian tới", "III": "III. ĐỀ XUẤT, KIẾN NGHỊ"}
# The build's checklist before the chairman signs: the terminal's summary and the portal's rebuild page.
BEFORE_SIGNING = "TRƯỚC KHI TRÌNH KÝ"
UNFINISHED = ("báo cáo còn {n} mục có đoạn đánh dấu vàng «[Nội dung do … bổ sung]» cần viết hoặc chờ đơn vị "
              "gửi")
# How a file reached the standing unit (the unit's portal pages).
VIA = {"portal": "gửi trên trang này", "inputs": "đơn vị thường trực nhận trực tiếp (thư điện tử, USB…)"}

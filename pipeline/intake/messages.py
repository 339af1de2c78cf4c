"""The Vietnamese texts of intake that more than one check says: declared once here."""

SEND_AGAIN = "Hãy mở tệp bằng Excel hoặc LibreOffice, chọn Lưu thành (Save As) kiểu «Excel Workbook (.xlsx)» rồi gửi lại."
NEW_TEMPLATE = "Hãy tải biểu mẫu mới, chép số liệu sang và gửi lại."
ORIGINAL = "Hãy dùng biểu mẫu gốc do cơ quan thường trực phát hành, điền số liệu và gửi lại."
PASSWORD = "Tệp được đặt mật khẩu nên hệ thống không đọc được."
PASSWORD_FIX = "Hãy gỡ mật khẩu của tệp, lưu lại rồi gửi lại."
BROKEN_FIX = "Hãy mở thử tệp trên máy; nếu mở được thì lưu lại và gửi lại, nếu không thì lấy lại bản gốc."
ENTITIES = ("Tệp chứa khai báo thực thể XML (một kiểu nội dung thường dùng để tấn công máy chủ, không bao giờ có "
            "trong tệp Excel lưu bình thường); hệ thống từ chối mở tệp để bảo đảm an toàn.")

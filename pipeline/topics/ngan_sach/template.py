"""Ngân sách: commune budget estimate and actual (plan II.5), items of Thông tư 344/2016/TT-BTC."""

from pipeline.core.chart_model import Short
from pipeline.core.model import Field, Outliers, Rule, Sheet, Template, fill

# (code, name); Short(name, short): the short name the budget chart prints for the line (the
# chart draws the lines that have one).
LINES = (
    ("A", "TỔNG THU NGÂN SÁCH {DON_VI}"),
    ("A.1", Short("Các khoản thu ngân sách {don_vi} hưởng 100%", "Thu hưởng 100%")),
    ("A.1.1", "Phí, lệ phí"),
    ("A.1.2", "Thu từ hoạt động dịch vụ"),
    ("A.1.3", "Thu từ quỹ đất công ích và hoa lợi công sản"),
    ("A.1.4", "Thu phạt, tịch thu"),
    ("A.1.5", "Thu đóng góp tự nguyện của tổ chức, cá nhân"),
    ("A.1.6", "Thu khác"),
    ("A.2", Short("Các khoản thu phân chia theo tỷ lệ phần trăm", "Thu phân chia")),
    ("A.2.1", "Thuế sử dụng đất phi nông nghiệp"),
    ("A.2.2", "Lệ phí môn bài thu từ cá nhân, hộ kinh doanh"),
    ("A.2.3", "Lệ phí trước bạ nhà, đất"),
    ("A.3", Short("Thu bổ sung từ ngân sách cấp trên", "Bổ sung cấp trên")),
    ("A.3.1", "Bổ sung cân đối"),
    ("A.3.2", "Bổ sung có mục tiêu"),
    ("B", "TỔNG CHI NGÂN SÁCH {DON_VI}"),
    ("B.1", Short("Chi đầu tư phát triển", "Chi đầu tư")),
    ("B.2", Short("Chi thường xuyên", "Chi thường xuyên")),
    ("B.2.1", "Chi quốc phòng"),
    ("B.2.2", "Chi an ninh, trật tự an toàn xã hội"),
    ("B.2.3", "Chi giáo dục, đào tạo và dạy nghề"),
    ("B.2.4", "Chi khoa học và công nghệ"),
    ("B.2.5", "Chi y tế, dân số và gia đình"),
    ("B.2.6", "Chi văn hóa, thông tin"),
    ("B.2.7", "Chi phát thanh, truyền thanh"),
    ("B.2.8", "Chi thể dục thể thao"),
    ("B.2.9", "Chi bảo vệ môi trường"),
    ("B.2.10", "Chi các hoạt động kinh tế"),
    ("B.2.11", "Chi quản lý nhà nước, Đảng, đoàn thể"),
    ("B.2.12", "Chi bảo đảm xã hội"),
    ("B.2.13", "Chi khác"),
    ("B.3", Short("Dự phòng ngân sách", "Dự phòng")),
)

MONEY = "triệu đồng"

lines = Sheet(
    key="thu_chi",
    name="Ngân sách",
    title="Dự toán và thực hiện thu, chi ngân sách",
    keys=(
        Field("nam", "Năm", "int", min=2000, max=2100,
              help="Năm ngân sách, đã in sẵn. Năm đầu tính từ ngày bắt đầu kỳ báo cáo.", width=8),
        Field("ma", "Mã số", "text", help="Mã chỉ tiêu, đã in sẵn.", width=8),
        Field("noi_dung", "Nội dung", "text", help="Tên chỉ tiêu thu, chi, đã in sẵn.", width=46),
    ),
    fields=(
        Field("du_toan", "Dự toán giao", "number", unit=MONEY,
              help="Dự toán được giao cho năm (năm đầu: từ ngày bắt đầu kỳ báo cáo đến 31/12).", width=16),
        Field("thuc_hien", "Thực hiện", "number", unit=MONEY,
              help="Số thực hiện từ đầu năm (năm đầu: từ ngày bắt đầu kỳ báo cáo) đến ngày chốt số liệu.", width=16),
    ),
    rules=(
        Rule("thuc_hien", "<=", "1.5 * du_toan",
             "Thực hiện vượt quá 150% dự toán: kiểm tra lại số liệu hoặc ghi rõ lý do trong báo cáo.",
             "warning"),
    ),
    # A line's estimate over fifty times its estimate of the other year: a figure typed in đồng or
    # nghìn đồng instead of triệu đồng (× 1.000). The first year's estimate covers only the months
    # from the period's start (one month for a period starting in December: about 12 times less,
    # and estimates move between years), so a smaller factor would alarm on sound figures.
    outliers=Outliers(by="nam", fields=("du_toan",), others=1, factor=50, floor=100),
    rows=lambda cfg: [(year, code, fill(label, cfg)) for year in cfg.years for code, label in LINES],
    tree="ma",
)

TEMPLATE = Template(
    id="ngan_sach",
    file_name="Bieu_thu_chi_ngan_sach",
    version=1,
    title="Biểu số liệu thu, chi ngân sách",
    section="II.5",
    owner="KT",
    purpose="Dự toán giao và số thực hiện thu, chi ngân sách {don_vi} theo mục lục của Thông tư 344/2016/TT-BTC.",
    sheets=(lines,),
    notes=("Mỗi dòng tổng (A, A.1, B, B.2 …) phải bằng tổng các dòng con ngay dưới nó.",),
)

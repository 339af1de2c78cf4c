"""Ngân sách: commune budget estimate and actual (plan II.5), items of Thông tư 344/2016/TT-BTC."""

from pipeline.core.chart_model import Short
from pipeline.core.model import Change, Field, Outliers, Revision, Rule, Sheet, Template, fill

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
AS_OF = "Số liệu tính đến ngày"  # the year sheet's date column: what every sentence on the year says

# One row per budget year (a calendar year): the date its figures are cumulated to and what budget
# sources print first: state budget revenue collected in the area against the province's estimate,
# the revenue targets met, the closing balance. Every figure may stay blank (unknown); the date is
# needed as soon as a year has a figure on this sheet, so no rate is printed without «tính đến …».
years = Sheet(
    key="nam",
    name="Năm ngân sách",
    title="Thu ngân sách nhà nước trên địa bàn, chỉ tiêu thu và kết dư theo năm ngân sách",
    keys=(Field("nam", "Năm", "int", min=2000, max=2100, width=8,
                help="Năm ngân sách (năm dương lịch, từ 01/01 đến 31/12), đã in sẵn."),),
    fields=(
        Field("tinh_den", AS_OF, "date", width=12,
              help="Ngày mà số thực hiện của năm được cộng dồn đến (ví dụ 30/04/2026; năm đã kết thúc: "
                   "31/12). Bắt buộc khi năm có số liệu ở trang này; năm không có số liệu thì để trống cả dòng."),
        Field("thu_dia_ban_du_toan", "Thu NSNN trên địa bàn: dự toán tỉnh giao", "number", unit=MONEY,
              required=False, width=15,
              help="Tổng thu ngân sách nhà nước trên địa bàn theo dự toán cấp tỉnh giao cho cả năm."),
        Field("thu_dia_ban_thuc_hien", "Thu NSNN trên địa bàn: thực hiện", "number", unit=MONEY,
              required=False, width=15,
              help="Số thu ngân sách nhà nước trên địa bàn lũy kế từ 01/01 đến ngày ghi ở cột "
                   f"«{AS_OF}»."),
        Field("thu_dia_ban_ty_le", "Thu NSNN trên địa bàn: tỷ lệ so với dự toán đã công bố", "number",
              unit="%", required=False, width=13,
              help="Chỉ điền khi báo cáo của {don_vi} đã in tỷ lệ này (gõ đúng như đã in, ví dụ 31,9); "
                   "có đủ dự toán và thực hiện thì hệ thống tự tính và đối chiếu."),
        Field("chi_tieu_thu", "Số chỉ tiêu thu được giao", required=False, unit="chỉ tiêu", width=11),
        Field("chi_tieu_thu_dat", "Số chỉ tiêu thu đạt, vượt dự toán", required=False, unit="chỉ tiêu", width=11,
              help="Ví dụ «7/7 chỉ tiêu thu đạt»: 7 ở cột này, 7 ở cột trước."),
        Field("ket_du", "Kết dư ngân sách", "number", unit=MONEY, required=False, width=13,
              help="Kết dư ngân sách {don_vi} của năm (năm đã quyết toán) hoặc đến ngày ghi ở cột "
                   f"«{AS_OF}»."),
    ),
    rules=(
        Rule("chi_tieu_thu_dat", "<=", "chi_tieu_thu",
             "Số chỉ tiêu thu đạt lớn hơn số chỉ tiêu được giao: kiểm tra lại hai số."),
        Rule("tinh_den", "<=", "cutoff",
             f"{AS_OF} sau ngày chốt số liệu {{cutoff}}: kiểm tra lại ngày (có thể gõ nhầm ngày với tháng)."),
    ),
    rows=lambda cfg: [(year,) for year in cfg.years],
    blank_rows=True,
    blank_rows_expected=True,
)

lines = Sheet(
    key="thu_chi",
    name="Ngân sách",
    title="Dự toán và thực hiện thu, chi ngân sách",
    keys=(
        Field("nam", "Năm", "int", min=2000, max=2100,
              help="Năm ngân sách (năm dương lịch), đã in sẵn.", width=8),
        Field("ma", "Mã số", "text", help="Mã chỉ tiêu, đã in sẵn.", width=8),
        Field("noi_dung", "Nội dung", "text", help="Tên chỉ tiêu thu, chi, đã in sẵn.", width=46),
    ),
    fields=(
        Field("du_toan", "Dự toán giao", "number", unit=MONEY, required=False, width=16,
              help="Dự toán được giao cho cả năm ngân sách. Có số tổng mà chưa có số chi tiết thì chỉ điền "
                   "dòng tổng, để trống các dòng con (để trống là chưa có số liệu, không phải 0)."),
        Field("thuc_hien", "Thực hiện", "number", unit=MONEY, required=False, width=16,
              help=f"Số thực hiện lũy kế từ 01/01 đến ngày ghi ở cột «{AS_OF}» của trang «Năm ngân sách». "
                   "Chỉ có dự toán (năm mới bắt đầu) thì để trống cột này."),
    ),
    rules=(
        Rule("thuc_hien", "<=", "1.5 * du_toan",
             "Thực hiện vượt quá 150% dự toán: kiểm tra lại số liệu hoặc ghi rõ lý do trong báo cáo.",
             "warning"),
    ),
    # A line's estimate over fifty times its estimate of the other year: a figure typed in đồng or
    # nghìn đồng instead of triệu đồng (× 1.000). A unit set up during a year (the communes of
    # 01/07/2025) has that year's estimate for the remaining months only (one month for a unit set up
    # in December: about 12 times less, and estimates move between years), so a smaller factor
    # would alarm on sound figures.
    outliers=Outliers(by="nam", fields=("du_toan",), others=1, factor=50, floor=100),
    rows=lambda cfg: [(year, code, fill(label, cfg)) for year in cfg.years for code, label in LINES],
    tree="ma",
)

TEMPLATE = Template(
    id="ngan_sach",
    file_name="Bieu_thu_chi_ngan_sach",
    version=2,
    title="Biểu số liệu thu, chi ngân sách",
    section="II.5",
    owner="KT",
    purpose="Theo từng năm ngân sách (năm dương lịch), số liệu tính đến một ngày: thu ngân sách nhà nước trên "
            "địa bàn, chỉ tiêu thu, kết dư; dự toán giao và số thực hiện thu, chi ngân sách {don_vi} theo mục lục "
            "của Thông tư 344/2016/TT-BTC.",
    sheets=(years, lines),
    notes=("Mỗi năm ngân sách là một năm dương lịch; số thực hiện lũy kế từ 01/01 đến ngày ghi ở cột "
           f"«{AS_OF}». Chỉ có một năm, hoặc chỉ có dự toán, thì để trống các ô còn lại.",
           "Mỗi dòng tổng (A, A.1, B, B.2 …) phải bằng tổng các dòng con ngay dưới nó khi điền đủ các dòng con; "
           "có số tổng mà chưa có số chi tiết thì chỉ điền dòng tổng."),
    history=(
        # v2: a budget year is the calendar year cumulated to a stated date (v1: the first year from
        # the period's start, the last to the cut-off), so a v1 file's first-year figures would be read
        # as something else: not carried over. The year sheet is new.
        Revision(2, (
            Change("sheet_added", "nam"),
            Change("redefined", "thu_chi", "du_toan",
                   why="dự toán năm đầu chỉ tính từ ngày bắt đầu kỳ báo cáo đến 31/12"),
            Change("redefined", "thu_chi", "thuc_hien",
                   why="thực hiện năm đầu tính từ ngày bắt đầu kỳ báo cáo, năm cuối đến ngày chốt số liệu; nay mỗi "
                       f"năm là năm dương lịch, lũy kế đến ngày ghi ở cột «{AS_OF}»"),
        )),
    ),
)

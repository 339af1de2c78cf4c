"""Published budget and surplus-premises figures since 07/2025, typed into the blank templates exactly
as printed (issue 22): budget sets into «Biểu số liệu thu, chi ngân sách» (sheet «Năm ngân sách»),
surplus-premises sets into «Biểu danh sách cơ sở vật chất, tài sản công sau sắp xếp» (sheet «Tổng hợp»,
no per-asset list). Each cites its source; only what the source prints is typed, every other cell stays
blank (unknown, never 0). Amounts printed in tỷ đồng are typed in the template's triệu đồng (× 1.000,
exact). `rates` keeps each printed rate: value (percent), the decimals printed, what it measures in the
system's terms (a table and column it must equal), and the text as printed.

Three budget sets are a commune's or a ward's own (An Hải, Đất Đỏ, Thanh Ba: a total in the area with
its rate and no estimate, or only the rate where the amount is printed as «hơn …», which is not a
figure); no commune-level premises set was found, so the others are a city's, a province's and the
nation's figures in the very shape a commune prints them, typed into one unit's template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Printed:
    """A rate as printed: its value in percent, the decimals printed, the table and column of the
    system's rate under the same definition (or "" when the system has none), and the words."""

    value: float
    decimals: int
    table: str
    column: str
    words: str


@dataclass(frozen=True)
class MoneySet:
    key: str
    template: str  # ngan_sach | tai_san
    kind: str
    name: str
    province: str
    url: str
    title: str
    published_on: str  # dd/mm/yyyy as the page dates it
    start: date
    cutoff: date
    figures: dict  # sheet key → {field: figure as printed}; budget: {"nam": {year: {...}}}
    rates: tuple[Printed, ...] = ()
    unknown: tuple[tuple[str, str], ...] = ()  # (table, column) the source gives no input for: must be [x]
    month_starts_on: int = 1
    notes: str = ""
    also: tuple[str, ...] = field(default=())  # further sources of the same figures (url — title, date)


SETS: tuple[MoneySet, ...] = (
    MoneySet(
        key="tphcm_2025", template="ngan_sach", kind="xã", name="Thành phố Hồ Chí Minh (số liệu)",
        province="Thành phố Hồ Chí Minh",
        url="https://vnexpress.net/thu-ngan-sach-tp-hcm-vuot-800-000-ty-dong-5001421.html",
        title="Thu ngân sách TP HCM vượt 800.000 tỷ đồng", published_on="03/01/2026",
        start=date(2025, 7, 1), cutoff=date(2025, 12, 31),
        # «tổng thu ngân sách nhà nước trên địa bàn đến hết ngày 31/12/2025 đạt 800.043 tỷ đồng, tăng 19,1% so
        # với dự toán Trung ương giao và tăng 14,7% so với dự toán Hội đồng nhân dân Thành phố giao.»
        figures={"nam": {2025: {"tinh_den": date(2025, 12, 31), "thu_dia_ban_thuc_hien": 800_043_000.0,
                                "thu_dia_ban_ty_le": 114.7}}},
        rates=(Printed(114.7, 1, "ngan_sach_nam", "thu_dia_ban_ty_le",
                       "tăng 14,7% so với dự toán Hội đồng nhân dân Thành phố giao"),),
        unknown=(("ngan_sach_nam", "thu_dia_ban_du_toan"), ("ngan_sach_nam", "ty_le_thu_dia_ban"),
                 ("ngan_sach_nam", "ket_du"), ("ngan_sach_thu_chi", "thuc_hien")),
        notes="«tăng 14,7% so với dự toán» is 114,7% of the estimate the city's council set (the city's "
              "«dự toán tỉnh giao»); the estimate itself is not printed, so the computed rate is [x] and the "
              "report prints the city's own rate as the unit's. The rate on the central estimate (119,1%) has "
              "no cell: it is not typed.",
    ),
    MoneySet(
        key="hung_yen_2025", template="ngan_sach", kind="xã", name="Hưng Yên (số liệu)", province="tỉnh Hưng Yên",
        url="https://dff.vn/thu-ngan-sach-nha-nuoc-nam-2025-tang-gan-30-p20260106104942568.html",
        title="Thu ngân sách Nhà nước năm 2025 tăng gần 30%", published_on="06/01/2026",
        start=date(2025, 7, 1), cutoff=date(2025, 12, 31),
        # «Vị trí tiếp theo thuộc về Hưng Yên với tổng thu ngân sách đạt 100.299 tỷ đồng, bằng 181% dự toán»
        figures={"nam": {2025: {"tinh_den": date(2025, 12, 31), "thu_dia_ban_thuc_hien": 100_299_000.0,
                                "thu_dia_ban_ty_le": 181.0}}},
        rates=(Printed(181.0, 0, "ngan_sach_nam", "thu_dia_ban_ty_le", "bằng 181% dự toán"),),
        unknown=(("ngan_sach_nam", "thu_dia_ban_du_toan"), ("ngan_sach_nam", "ty_le_thu_dia_ban")),
        notes="A year's total (the page is dated 06/01/2026: the year to 31/12/2025) with its rate; the "
              "estimate is not printed.",
    ),
    MoneySet(
        key="ca_nuoc_26_12_2025", template="tai_san", kind="xã", name="Cả nước (số liệu)", province="cả nước",
        url="https://thoibaotaichinhvietnam.vn/8-dia-phuong-da-hoan-tat-viec-xu-ly-toan-bo-co-so-nha-dat-doi-du-189599.html",
        title="8 địa phương đã hoàn tất việc xử lý toàn bộ cơ sở nhà, đất dôi dư", published_on="27/12/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 12, 26),
        # «đến ngày 26/12/2025, các địa phương đã hoàn thành xử lý 19.658 cơ sở nhà, đất … toàn quốc vẫn còn
        # 5.488 cơ sở nhà, đất cần tiếp tục xử lý»
        figures={"tong_hop": {"co_tai_san": "Không", "da_xu_ly": 19658, "con_phai_xu_ly": 5488}},
        rates=(Printed(78.0, 0, "tai_san_doi_du", "ty_le_da_xu_ly",
                       "đã xử lý được 19.658 cơ sở nhà, đất dôi dư, tương đương khoảng 78% tổng số cơ sở cần "
                       "sắp xếp"),),
        unknown=(("tai_san_doi_du", "doi_du_dau_ky"), ("tai_san_doi_du", "xl_noi_bo"),
                 ("tai_san_doi_du", "dang_xu_ly"), ("tai_san_doi_du", "chua_xu_ly")),
        also=("https://chuyendongthitruong.vn/c/tai-chinh-ngan-hang?page=2 — «Gần 20.000 cơ sở nhà, đất dôi dư đã "
              "được sắp xếp» (the Ministry of Finance's figures to 26/12; prints the rate «khoảng 78%»)",),
        notes="The total is not printed: it is done + remaining (19.658 + 5.488 = 25.146), the definition the "
              "template states; 19.658 / 25.146 = 78,2%, printed «khoảng 78%».",
    ),
    MoneySet(
        key="ninh_binh_19_01_2026", template="tai_san", kind="xã", name="Ninh Bình (số liệu)",
        province="tỉnh Ninh Bình",
        url="https://vneconomy.vn/3034-dia-phuong-da-hoan-thanh-viec-xu-ly-co-so-nha-dat-doi-du.htm",
        title="30/34 địa phương đã hoàn thành việc xử lý cơ sở nhà, đất dôi dư", published_on="27/01/2026",
        start=date(2025, 7, 1), cutoff=date(2026, 1, 19),
        # «tính đến ngày 19/1/2026, còn 4/34 địa phương chưa hoàn thành xử lý cơ sở nhà, đất dôi dư gồm: Ninh
        # Bình (23 cơ sở nhà, đất chưa xử lý); …»
        figures={"tong_hop": {"co_tai_san": "Không", "con_phai_xu_ly": 23}},
        unknown=(("tai_san_doi_du", "tong_doi_du"), ("tai_san_doi_du", "da_xu_ly"),
                 ("tai_san_doi_du", "ty_le_da_xu_ly")),
        notes="Only what remains («chưa hoàn thành xử lý») is printed: no total, nothing done, no rate. «chưa "
              "xử lý» here means not yet completed, so it is typed as «Còn phải xử lý», not «Chưa xử lý» "
              "(no plan yet), which the page does not separate.",
    ),
    MoneySet(
        key="an_hai_6_thang_2025", template="ngan_sach", kind="phường", name="An Hải", province="thành phố Đà Nẵng",
        url="https://baodanang.vn/phuong-an-hai-thu-ngan-sach-6-thang-dau-nam-dat-84-chi-tieu-3299508.html",
        title="Phường An Hải thu ngân sách 6 tháng đầu năm đạt 84% chỉ tiêu", published_on="16/08/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 8, 15),
        # «trong 6 tháng đầu năm 2025 … Tổng thu ngân sách nhà nước trên địa bàn phường đạt hơn 70 tỷ đồng, bằng
        # 84% dự toán giao.»
        figures={"nam": {2025: {"tinh_den": date(2025, 6, 30), "thu_dia_ban_ty_le": 84.0}}},
        rates=(Printed(84.0, 0, "ngan_sach_nam", "thu_dia_ban_ty_le", "bằng 84% dự toán giao"),),
        unknown=(("ngan_sach_nam", "thu_dia_ban_du_toan"), ("ngan_sach_nam", "thu_dia_ban_thuc_hien"),
                 ("ngan_sach_nam", "ty_le_thu_dia_ban"), ("ngan_sach_nam", "ket_du")),
        notes="The first six months of the budget year 2025 (to 30/06/2025), reported at the ward council's "
              "meeting of 15/08/2025. «hơn 70 tỷ đồng» is a lower bound, not a figure: the amount stays blank "
              "(unknown) and only the printed rate is typed; the estimate is not printed, so the computed rate "
              "is [x].",
    ),
    MoneySet(
        key="dat_do_6_thang_2025", template="ngan_sach", kind="xã", name="Đất Đỏ", province="Thành phố Hồ Chí Minh",
        url="https://baobariavungtau.com.vn/chinh-tri/202508/ky-hop-thu-ba-hdnd-xa-dat-do-tphcm-khoa-i-thong-qua-3-"
            "nghi-quyet-quan-trong-1048013/",
        title="Kỳ họp thứ Ba HĐND xã Đất Đỏ (TPHCM) khóa I thông qua 3 nghị quyết quan trọng",
        published_on="12/08/2025", start=date(2025, 7, 1), cutoff=date(2025, 8, 12),
        # «6 tháng đầu năm 2025 … tổng thu ngân sách trên địa bàn theo dự toán ước đạt hơn 8,5 tỷ đồng, đạt
        # 69,34% dự toán.»
        figures={"nam": {2025: {"tinh_den": date(2025, 6, 30), "thu_dia_ban_ty_le": 69.34}}},
        rates=(Printed(69.34, 2, "ngan_sach_nam", "thu_dia_ban_ty_le", "đạt 69,34% dự toán"),),
        unknown=(("ngan_sach_nam", "thu_dia_ban_du_toan"), ("ngan_sach_nam", "thu_dia_ban_thuc_hien"),
                 ("ngan_sach_nam", "ty_le_thu_dia_ban")),
        notes="Six months to 30/06/2025; «hơn 8,5 tỷ đồng» is a lower bound, so only the rate (two decimals as "
              "printed) is typed.",
    ),
    MoneySet(
        key="thanh_ba_2025", template="ngan_sach", kind="xã", name="Thanh Ba", province="tỉnh Phú Thọ",
        url="https://baophutho.vn/ky-hop-thu-ba-hdnd-xa-thanh-ba-khoa-i-nhiem-ky-2021-2026-244434.htm",
        title="Kỳ họp thứ Ba, HĐND xã Thanh Ba khóa I, nhiệm kỳ 2021-2026", published_on="19/12/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 12, 31),
        # «tổng thu ngân sách nhà nước trên địa bàn ước đạt 63,32 tỷ đồng, bằng 159% kế hoạch»
        figures={"nam": {2025: {"tinh_den": date(2025, 12, 31), "thu_dia_ban_thuc_hien": 63_320.0,
                                "thu_dia_ban_ty_le": 159.0}}},
        rates=(Printed(159.0, 0, "ngan_sach_nam", "thu_dia_ban_ty_le", "bằng 159% kế hoạch"),),
        unknown=(("ngan_sach_nam", "thu_dia_ban_du_toan"), ("ngan_sach_nam", "ty_le_thu_dia_ban"),
                 ("ngan_sach_nam", "ket_du")),
        notes="The year 2025 as estimated at the council's meeting of 19/12/2025 («ước đạt»: to 31/12/2025, so "
              "the review's cut-off is the year's end: a date after the cut-off is refused as a typing slip); "
              "63,32 tỷ = 63.320 triệu đồng exactly. The plan's amount is not printed, so the computed rate is [x].",
    ),
)

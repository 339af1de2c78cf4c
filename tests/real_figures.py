"""Published figures of real one-stop centres, typed into the blank TTHC template exactly as printed.

Each set cites its source. Only what the source prints is typed; every other cell stays blank
(unknown, never 0). A source reports its period as a whole, not by month and field of work, so
its figures go into one row (`row_of`: the whole period «Cả kỳ», all fields of work together, the
template's own place for such figures since version 3); the other rows stay blank, unknown. `published` keeps the rates as the
source prints them (text, verbatim) and `rates` the same as numbers with what they measure, so
the 766 rates computed from the typed figures can be compared with them (a rate whose inputs the
source does not give must come out as [x], e.g. a digitisation rate printed without counts).

Use: `SETS` (all sets), `config_for(s, folder)` (a commune.toml for the set's unit and period,
loaded), `workbook_for(s, config, folder)` (the filled template, saved as .xlsx).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.core import paths
from pipeline.core.config import KIND_WORD, Config, load
from pipeline.outputs import templates
from pipeline.topics import CATALOG
from pipeline.topics.tthc import template as tthc


@dataclass(frozen=True)
class Rate:
    """A rate as the source prints it: value in percent, what it divides, and the printed text."""

    value: float
    numerator: str
    denominator: str
    printed: str


@dataclass(frozen=True)
class FigureSet:
    key: str
    kind: str  # xã | phường | đặc khu (config.kind)
    name: str
    province: str
    url: str
    title: str
    published_on: str  # dd/mm/yyyy as the page dates it
    start: date
    cutoff: date
    figures: dict[str, int]  # TTHC sheet «TTHC»: field key → figure as printed
    rates: dict[str, Rate] = field(default_factory=dict)
    catalogue: dict[str, float] = field(default_factory=dict)  # sheet «Danh mục TTHC» (rates read: %)
    month_starts_on: int = 1
    warnings: tuple[str, ...] = ()  # words of the warnings the source's own arithmetic causes
    notes: str = ""


SETS: tuple[FigureSet, ...] = (
    FigureSet(
        key="dong_thuan", kind="phường", name="Đồng Thuận", province="tỉnh Quảng Trị",
        url="https://lite.baomoi.com/phuong-dong-thuan-giai-quyet-so-hoa-100-ho-so-cac-thu-tuc-hanh-chinh-c53665414.epi",
        title="Phường Đồng Thuận: Giải quyết số hóa 100% hồ sơ các thủ tục hành chính", published_on="04/11/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 10, 31),
        # «Tính từ ngày 1/7 đến cuối tháng 10/2025, trung tâm đã tiếp nhận 2.265 hồ sơ; trong đó tiếp nhận
        # 2.007 hồ sơ trực tuyến; 258 hồ sơ trực tiếp. Trung tâm đã giải quyết và trả kết quả 2.051 hồ sơ;
        # trong đó 2.041 hồ sơ giải quyết trước hạn, đạt tỉ lệ trên 99%; đang giải quyết 214 hồ sơ trong
        # thời hạn, chiếm 9,48%.»
        figures={"nhan_tong": 2265, "nhan_truc_tuyen": 2007, "nhan_truc_tiep": 258, "giai_quyet_tong": 2051,
                 "giai_quyet_truoc_han": 2041, "dang_tong": 214, "dang_trong_han": 214},
        # the two rates printed without counts, under the 766 definitions (4.2: digitised at intake and
        # result returned electronically; 3.6: dossiers paid online over dossiers with fees), typed into
        # the cells for rates read on the 766 dashboard (template v3)
        catalogue={"bang_4_2": 100, "bang_3_6": 96.8},
        rates={
            "so_hoa": Rate(100.0, "hồ sơ số hóa đầu vào và đầu ra", "hồ sơ tiếp nhận",
                           "Tỉ lệ số hóa hồ sơ đầu vào và số hóa đầu ra (kết quả giải quyết) đạt 100%"),
            "thanh_toan_truc_tuyen": Rate(96.8, "hồ sơ thanh toán trực tuyến", "hồ sơ có phí, lệ phí",
                                          "tỉ lệ thanh toán trực tuyến đạt 96,8%"),
            "truoc_han": Rate(99.0, "giai_quyet_truoc_han", "giai_quyet_tong", "đạt tỉ lệ trên 99%"),
            "dang_trong_han": Rate(9.48, "dang_trong_han", "nhan_tong", "chiếm 9,48%"),
        },
        notes="Province not printed in the article (the ward is in Quảng Trị since 07/2025). The digitisation and "
              "online-payment rates are printed without counts: their cells stay blank, so those rates are [x]. "
              "214/2.265 = 9,45%, not the printed 9,48% (the source's own rounding or denominator). Since v3 the two "
              "rates are typed as read (4.2: 100%, 3.6: 96,8%) and printed beside the computed [x].",
    ),
    FigureSet(
        key="phu_giao", kind="xã", name="Phú Giáo", province="thành phố Hồ Chí Minh",
        url="https://www.sggp.org.vn/trung-tam-phuc-vu-hanh-chinh-cong-xa-phu-giao-ty-le-giai-quyet-ho-so-dung-va-"
            "truoc-han-dat-hon-99-post817785.html",
        title="Trung tâm Phục vụ hành chính công xã Phú Giáo: tỷ lệ giải quyết hồ sơ đúng và trước hạn đạt hơn 99% "
              "(SGGP; read through its English edition https://vjs.vietnam.vn/en/trung-tam-phuc-vu-hanh-chinh-cong-"
              "xa-phu-giao-ty-le-giai-quyet-ho-so-dung-va-truoc-han-dat-hon-99)",
        published_on="13/10/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 9, 30),
        # «From July 1 to September 30, the Center received 13,188 applications and processed 12,970 of
        # them. The rate of applications processed on time and before the deadline reached 99.2%; 102
        # applications were delayed.»
        figures={"nhan_tong": 13188, "giai_quyet_tong": 12970, "giai_quyet_qua_han": 102},
        rates={"dung_truoc_han": Rate(99.2, "giai_quyet_tong - giai_quyet_qua_han", "giai_quyet_tong",
                                      "The rate of applications processed on time and before the deadline reached 99.2%")},
        notes="Early and on time are printed together as resolved − late (12.970 − 102): the system's own on-time "
              "rate reads them that way, 99,21% (printed 99,2%). No pending figure is printed (13.188 − 12.970 = 218 dossiers are not accounted for): the pending "
              "cells stay blank, so the 766 on-time rate (2.1), which needs pending within deadline, is [x]. The "
              "article also gives the commune-authority subset (2.760 dossiers, 2.602 on time, «96.2%»; "
              "2.602/2.760 = 94,3%): the template has no row for a subset, so it is not typed.",
    ),
    FigureSet(
        key="phu_an", kind="phường", name="Phú An", province="thành phố Hồ Chí Minh",
        url="https://www.sggp.org.vn/chu-tich-ubnd-tphcm-nguyen-van-duoc-kiem-tra-hoat-dong-trung-tam-phuc-vu-hanh-"
            "chinh-cong-phuong-phu-an-post803082.html",
        title="Chủ tịch UBND TPHCM Nguyễn Văn Được kiểm tra hoạt động Trung tâm Phục vụ hành chính công phường Phú An",
        published_on="09/07/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 7, 9),
        # «Từ ngày 1-7 đến nay, Trung tâm đã tiếp nhận 414 hồ sơ, đã trả kết quả 378 hồ sơ.»
        figures={"nhan_tong": 414, "giai_quyet_tong": 378},
        notes="Only the two totals are printed: every other figure stays blank, so every rate that needs "
              "another figure is [x].",
    ),
    FigureSet(
        key="vinh_phuc_09_2021", kind="xã", name="Trung tâm Phục vụ hành chính công tỉnh Vĩnh Phúc",
        province="tỉnh Vĩnh Phúc",
        url="http://soct.vinhphuc.gov.vn/noidung/tintuc/Lists/TinKinhTe/View_Detail.aspx?ItemID=266",
        title="Trung tâm Phục vụ hành chính công tỉnh: Tỷ lệ hồ sơ giải quyết đúng và trước hạn đạt 99,7% (with "
              "https://vinhphuc.gov.vn/ct/cms/thongbao/Lists/ThongBao/View_Detail.aspx?ItemID=3158, 29/09/2021, "
              "for the total «lũy kế đã và đang giải quyết trong kỳ là 6.302» and the withdrawn/returned count)",
        published_on="11/10/2021",
        start=date(2021, 8, 21), cutoff=date(2021, 9, 20), month_starts_on=21,
        # «Trong tháng 9/2021, Trung tâm … tiếp nhận mới 4.131 hồ sơ, tồn kỳ trước chuyển sang 2.171 hồ sơ.
        # Trung tâm đã trả 4.328 kết quả …; số lượng hồ sơ trả trước và đúng hạn là 4.157 hồ sơ (đạt
        # 99,71%); hồ sơ đã trả kết quả nhưng chậm hạn và hồ sơ quá hạn giải quyết nhưng chưa có kết quả là
        # 12 hồ sơ (chiếm 0,29%). … tổng số 1.598 hồ sơ [trực tuyến], trong đó, có 61 hồ sơ nộp mức độ 3 và
        # 1.537 hồ sơ nộp mức độ 4» and (ItemID=3158) «lũy kế … 6.302 hồ sơ; đến hạn giải quyết là 4.169
        # hồ sơ … Có 90 hồ sơ (chiếm 2,16%), các cơ quan thụ lý trả lại hồ sơ và người nộp đề nghị rút hồ sơ».
        figures={"nhan_tong": 6302, "nhan_ky_truoc": 2171, "nhan_moi": 4131, "nhan_truc_tuyen": 1598,
                 "nhan_toan_trinh": 1537, "giai_quyet_tong": 4328, "rut_tra_lai": 90},
        rates={"dung_truoc_han_den_han": Rate(99.71, "hồ sơ trả trước và đúng hạn (4.157)",
                                              "hồ sơ đến hạn giải quyết (4.169)", "đạt 99,71%"),
               "rut_tra_lai": Rate(2.16, "rut_tra_lai", "hồ sơ đến hạn giải quyết (4.169)", "chiếm 2,16%")},
        notes="A provincial centre, not a commune: kept because it is a real monthly report with carry-over, "
              "withdrawn/returned dossiers and a reporting month from the 21st (the province reports «từ ngày 21/7 "
              "đến 20/8/2021» as August); the unit kind is left at the default. «Mức độ 4» is typed as fully online "
              "(toàn trình, Nghị định 42/2022/NĐ-CP). New counter dossiers (4.131 − 1.598) are not printed: blank; "
              "«tiếp nhận mới 4.131» has its own cell since v3 (= total − carried over, 6.302 − 2.171), so "
              "3.3 = 1.598 ÷ 4.131 = 38,68% (not printed by the source). "
              "The 99,71% is over dossiers due, a figure the template does not hold.",
    ),
    FigureSet(
        key="thua_thien_hue", kind="xã", name="Cổng dịch vụ công tỉnh Thừa Thiên Huế (mức 1, 2)",
        province="tỉnh Thừa Thiên Huế",
        url="https://dichvucong.thuathienhue.gov.vn/thongke/ReqId/d65d4779",
        title="Thống kê – Kết quả giải quyết thủ tục hành chính (dòng «Mức 1, 2»)", published_on="không ghi ngày",
        start=date(2025, 7, 1), cutoff=date(2026, 4, 30),
        # «Mức độ | Tổng | Đã xử lý | Chưa xử lý | Trước hạn | Đúng hạn | Trễ hạn
        #  Mức 1, 2 | 268763 | 257141 | 11622 | 124907 48,6% | 102770 40% | 19852 7,7%»
        figures={"nhan_tong": 268763, "giai_quyet_tong": 257141, "dang_tong": 11622, "giai_quyet_truoc_han": 124907,
                 "giai_quyet_dung_han": 102770, "giai_quyet_qua_han": 19852},
        rates={"truoc_han": Rate(48.6, "giai_quyet_truoc_han", "giai_quyet_tong", "48,6%"),
               "dung_han": Rate(40.0, "giai_quyet_dung_han", "giai_quyet_tong", "40%"),
               "tre_han": Rate(7.7, "giai_quyet_qua_han", "giai_quyet_tong", "7,7%")},
        warnings=("chênh lệch 9.612 hồ sơ chưa phân loại theo thời hạn",),
        notes="A province's dashboard, undated (typed into the default period). Only the «Mức 1, 2» line: the "
              "template has no row per service level. Early + on time + late = 247.529, 9.612 below the 257.141 "
              "resolved: the source does not add up, so the file is accepted with a warning stating the gap.",
    ),
    FigureSet(
        key="tay_ninh_23_02_2026", kind="xã", name="Tây Ninh (toàn tỉnh)", province="tỉnh Tây Ninh",
        url="https://plo.vn/tay-ninh-tiep-nhan-hon-1650-ho-so-ngay-ngay-dau-lam-viec-sau-tet-post896519.html",
        title="Tây Ninh: Tiếp nhận hơn 1.650 hồ sơ ngay ngày đầu làm việc sau Tết (Pháp Luật TP.HCM)",
        published_on="23/02/2026",
        start=date(2026, 2, 23), cutoff=date(2026, 2, 24),
        # «trong sáng 23-2, toàn tỉnh đã tiếp nhận 1.665 hồ sơ. Đáng chú ý, có đến 1.530 hồ sơ được nộp trực
        # tuyến, trong khi hồ sơ nộp trực tiếp chỉ 135 trường hợp. Tỉ lệ hồ sơ qua môi trường mạng chiếm hơn
        # 90% … toàn tỉnh đã giải quyết xong 490 hồ sơ trong ngày. Trong đó, 223 hồ sơ được giải quyết trước
        # hạn, chiếm gần 50%; 259 hồ sơ đúng hạn và chỉ tám hồ sơ quá hạn.»
        figures={"nhan_moi": 1665, "nhan_truc_tuyen": 1530, "nhan_truc_tiep": 135, "giai_quyet_tong": 490,
                 "giai_quyet_truoc_han": 223, "giai_quyet_dung_han": 259, "giai_quyet_qua_han": 8},
        notes="A province's first working day after Tết (the morning of 23/02/2026), received as new dossiers "
              "(«tiếp nhận», no carry-over printed): typed as «Tiếp nhận mới – Tổng số». A configured period needs "
              "a cut-off after its start, hence 23–24/02/2026. The printed «hơn 90%» (1.530 ÷ 1.665 = 91,89%) and "
              "«gần 50%» (223 ÷ 490 = 45,51%) are bounds, not rates to the decimals: kept here, not in `rates`. "
              "The article's commune-level line (1.610 received, 1.475 online, 484 resolved, 219 early) is a "
              "subset and is not typed.",
    ),
    FigureSet(
        key="tphcm_19_08_2025", kind="xã", name="Thành phố Hồ Chí Minh (toàn thành phố)",
        province="thành phố Hồ Chí Minh",
        url="https://vietnamnet.vn/gan-96-xa-phuong-da-bo-tri-du-nhan-su-tai-bo-phan-mot-cua-2435793.html",
        title="Gần 96% xã, phường đã bố trí đủ nhân sự tại bộ phận một cửa (VietNamNet)", published_on="25/08/2025",
        start=date(2025, 7, 1), cutoff=date(2025, 8, 19),
        # «Tính từ ngày 1/7 đến 19/8/2025, cả nước đã tiếp nhận tổng cộng hơn 4,3 triệu hồ sơ … TPHCM vẫn là
        # địa phương có số lượng hồ sơ cao nhất với 645.566 hồ sơ»
        figures={"nhan_tong": 645566},
        notes="Only a received total, as many summaries print it: no resolved count, no channel, no pending. "
              "Typed as printed into «Tiếp nhận – Tổng số» (the source does not say «mới»), so every rate is [x] "
              "and the report's «tiếp nhận mới» is [x] naming the figures it needs. The national line («hơn 4,3 "
              "triệu … trên 3,2 triệu … chiếm 75,7%») gives rounded counts and is not typed.",
    ),
)


def config_for(figures: FigureSet, folder: Path) -> Config:
    """The default configuration with the set's unit and period, written to folder/commune.toml."""
    text = (paths.INPUTS / paths.CONFIG_NAME).read_text(encoding="utf-8")
    if figures.kind != "xã":  # a ward writes its units, leaders and signatory with its own kind
        text = KIND_WORD["xã"].sub(lambda m: figures.kind.upper() if m[0].isupper() else figures.kind, text)
    for key, value in (("kind", f'"{figures.kind}"'), ("name", f'"{figures.name}"'),
                       ("province", f'"{figures.province}"'), ("start", figures.start.isoformat()),
                       ("cutoff", figures.cutoff.isoformat()), ("month_starts_on", str(figures.month_starts_on))):
        text, n = re.subn(rf"(?m)^{key} = [^#\n]*", f"{key} = {value}  ", text, count=1)
        assert n == 1, key
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / paths.CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return load(path)


def row_of(config: Config) -> tuple[str, str]:
    """(Tháng, Lĩnh vực) of the row a period's figures are typed into: the whole period, all fields of work."""
    return tthc.WHOLE_PERIOD, tthc.ALL_FIELDS


def workbook_for(figures: FigureSet, config: Config, folder: Path) -> Path:
    """The blank TTHC template of the set's unit with the printed figures typed into their row."""
    template = CATALOG["tthc"]
    unit = config.owners("tthc")[0]
    sheet = template.sheet("ho_so")
    rows = [dict(figures.figures) if keys == row_of(config) else {} for keys in sheet.rows(config)]
    assert any(rows), row_of(config)
    wb = templates.workbook(template, unit, config, {"ho_so": rows, "danh_muc": [dict(figures.catalogue)]})
    path = folder / templates.filename(template, unit)
    folder.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path

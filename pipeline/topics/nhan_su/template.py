"""Nhân sự: staff of the commune's bodies (plan II.3), breakdowns of Biểu 8B-BTCTW.

Figures are taken as the commune holds them (issue 22): the row «Toàn {don_vi}» holds the whole
commune's figures when it publishes only those («biên chế 37, hiện có 31», or only «còn thiếu 10
người»); the bodies' rows hold a breakdown where there is one. No figure is required (an entirely
blank sheet is refused); a figure left blank is unknown, never 0. Parts given above their total are an error; all parts given and
falling short of it, a warning stating the gap.
"""

from pipeline.core.model import Change, Field, Revision, Rule, Sheet, Template, fill

P = "người"
WHOLE = "Toàn {don_vi}"  # the last fixed row: the whole commune (the SQL finds it as «Toàn …»)

CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "hop_dong", "khong_chuyen_trach")
AGES = ("tuoi_duoi_30", "tuoi_30_40", "tuoi_41_50", "tuoi_51_60", "tuoi_tren_60")
QUALIFICATIONS = ("td_duoi_cao_dang", "td_cao_dang", "td_dai_hoc", "td_thac_si", "td_tien_si")
THEORY = ("llct_so_cap", "llct_trung_cap", "llct_cao_cap")


def _f(key: str, label: str, help: str = "", unit: str = P) -> Field:
    return Field(key, label, unit=unit, help=help, width=11, required=False)


def _parts(parts: tuple[str, ...], what: str) -> tuple[Rule, Rule]:
    """«Số hiện có» against its parts: given parts above it reject the file; all parts given and
    below it, a warning stating the gap (a total without its parts is a total)."""
    sides = " + ".join(parts)
    return (Rule("hien_co", ">=", sides, f"Tổng {what} đã điền vượt số hiện có {{gap}} người: kiểm tra lại "
                 "số hiện có hoặc các số chi tiết.", partial=parts),
            Rule("hien_co", "<=", sides, f"Tổng {what} thấp hơn số hiện có {{gap}} người (chưa phân loại): "
                 "kiểm tra lại, hoặc để trống ô chưa có số liệu.", "warning"))


staff = Sheet(
    key="can_bo",
    name="Nhân sự",
    title="Số lượng, cơ cấu cán bộ, công chức, viên chức và người lao động",
    keys=(Field("co_quan", "Cơ quan, đơn vị", "text", help="Đã in sẵn theo cấu hình của {don_vi}; dòng cuối "
                "«Toàn {don_vi}» là số của cả {don_vi}.", width=36),),
    fields=(
        _f("bien_che", "Biên chế được giao", "Số biên chế (số lượng người làm việc) được giao."),
        _f("hien_co", "Số hiện có", "Số người có mặt tại ngày chốt số liệu (kể cả hợp đồng lao động và người "
           "hoạt động không chuyên trách). Có số của cả {don_vi} mà chưa có số từng cơ quan thì điền dòng «Toàn "
           "{don_vi}» và để trống các dòng khác."),
        _f("can_bo", "Cán bộ"),
        _f("cong_chuc", "Công chức"),
        _f("vien_chuc", "Viên chức"),
        _f("hop_dong", "Hợp đồng lao động"),
        _f("khong_chuyen_trach", "Người hoạt động không chuyên trách"),
        _f("nu", "Trong đó: nữ"),
        _f("dan_toc", "Trong đó: người dân tộc thiểu số"),
        _f("tuoi_duoi_30", "Tuổi: dưới 30"),
        _f("tuoi_30_40", "Tuổi: từ 30 đến 40"),
        _f("tuoi_41_50", "Tuổi: từ 41 đến 50"),
        _f("tuoi_51_60", "Tuổi: từ 51 đến 60"),
        _f("tuoi_tren_60", "Tuổi: trên 60"),
        _f("td_duoi_cao_dang", "Trình độ: dưới cao đẳng"),
        _f("td_cao_dang", "Trình độ: cao đẳng"),
        _f("td_dai_hoc", "Trình độ: đại học"),
        _f("td_thac_si", "Trình độ: thạc sĩ"),
        _f("td_tien_si", "Trình độ: tiến sĩ"),
        _f("llct_so_cap", "Lý luận chính trị: sơ cấp"),
        _f("llct_trung_cap", "Lý luận chính trị: trung cấp"),
        _f("llct_cao_cap", "Lý luận chính trị: cao cấp, cử nhân"),
        _f("dung_vtvl", "Bố trí đúng vị trí việc làm phù hợp trình độ"),
        _f("nghi_huu_truoc_tuoi", "Đã nghỉ từ 01/7/2025: nghỉ hưu trước tuổi, nghỉ chế độ"),
        _f("thoi_viec", "Đã nghỉ từ 01/7/2025: thôi việc"),
        _f("chuyen_cong_tac", "Đã nghỉ từ 01/7/2025: chuyển công tác"),
        _f("doi_du", "Số người dôi dư", "Số người dôi dư so với số lượng được giao hoặc vị trí việc làm, "
           "chưa giải quyết xong tại ngày chốt số liệu."),
        _f("thieu_nguoi", "Số người còn thiếu so với định mức tối thiểu",
           "Số người còn phải bố trí thêm để đủ định mức tối thiểu theo vị trí việc làm."),
        _f("thieu_vi_tri", "Số vị trí việc làm còn thiếu người", "Số vị trí việc làm chưa bố trí đủ người theo "
           "định mức tối thiểu.", unit="vị trí"),
    ),
    rules=(
        *_parts(CATEGORIES, "cán bộ, công chức, viên chức, hợp đồng và không chuyên trách"),
        *_parts(AGES, "các nhóm tuổi"),
        *_parts(QUALIFICATIONS, "các trình độ chuyên môn"),
        Rule(" + ".join(THEORY), "<=", "hien_co",
             "Tổng số có trình độ lý luận chính trị không thể lớn hơn số hiện có.", partial=THEORY),
        Rule("nu", "<=", "hien_co", "Số nữ không thể lớn hơn số hiện có."),
        Rule("dan_toc", "<=", "hien_co", "Số người dân tộc thiểu số không thể lớn hơn số hiện có."),
        Rule("dung_vtvl", "<=", "hien_co", "Số bố trí đúng vị trí việc làm không thể lớn hơn số hiện có."),
        Rule("hien_co", "<=", "bien_che",
             "Số hiện có vượt biên chế được giao: kiểm tra lại hoặc giải thích trong báo cáo.", "warning"),
    ),
    rows=lambda cfg: [(body,) for body in cfg.staffing_bodies] + [(fill(WHOLE, cfg),)],
    blank_rows=True,
    blank_rows_expected=True,
    needs_figures=True,
    note=lambda cfg: (f"Có số của cả {cfg.kind} mà chưa có số từng cơ quan thì điền dòng cuối "
                      f"«{fill(WHOLE, cfg)}», để trống các dòng khác; ô chưa có số liệu để trống (không ghi 0)"),
)

TEMPLATE = Template(
    id="nhan_su",
    file_name="Bieu_to_chuc_nhan_su",
    version=2,
    title="Biểu số liệu tổ chức bộ máy và nhân sự",
    section="II.3",
    owner="VHXH",
    purpose="Số lượng, cơ cấu đội ngũ cán bộ, công chức, viên chức, người lao động theo cơ quan, đơn vị "
            "tại ngày chốt số liệu (theo các chỉ tiêu của Biểu 8B-BTCTW).",
    sheets=(staff,),
    history=(
        Revision(2, (
            Change("row_added", "can_bo", key=WHOLE),
            Change("added", "can_bo", key="doi_du"),
            Change("added", "can_bo", key="thieu_nguoi"),
            Change("added", "can_bo", key="thieu_vi_tri"),
        )),
    ),
)

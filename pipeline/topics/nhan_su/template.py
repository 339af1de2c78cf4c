"""Nhân sự: staff of the commune's bodies (plan II.3), breakdowns of Biểu 8B-BTCTW."""

from pipeline.core.model import Field, Rule, Sheet, Template

P = "người"


def _f(key: str, label: str, help: str = "") -> Field:
    return Field(key, label, unit=P, help=help, width=11)


staff = Sheet(
    key="can_bo",
    name="Nhân sự",
    title="Số lượng, cơ cấu cán bộ, công chức, viên chức và người lao động",
    keys=(Field("co_quan", "Cơ quan, đơn vị", "text", help="Đã in sẵn theo cấu hình của {don_vi}.", width=36),),
    fields=(
        _f("bien_che", "Biên chế được giao", "Số biên chế (số lượng người làm việc) được giao."),
        _f("hien_co", "Số hiện có", "Số người có mặt tại ngày chốt số liệu."),
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
    ),
    rules=(
        Rule("hien_co", "==", "can_bo + cong_chuc + vien_chuc + hop_dong + khong_chuyen_trach",
             "Số hiện có phải bằng tổng cán bộ + công chức + viên chức + hợp đồng + không chuyên trách."),
        Rule("hien_co", "==", "tuoi_duoi_30 + tuoi_30_40 + tuoi_41_50 + tuoi_51_60 + tuoi_tren_60",
             "Số hiện có phải bằng tổng các nhóm tuổi."),
        Rule("hien_co", "==", "td_duoi_cao_dang + td_cao_dang + td_dai_hoc + td_thac_si + td_tien_si",
             "Số hiện có phải bằng tổng các trình độ chuyên môn."),
        Rule("llct_so_cap + llct_trung_cap + llct_cao_cap", "<=", "hien_co",
             "Tổng số có trình độ lý luận chính trị không thể lớn hơn số hiện có."),
        Rule("nu", "<=", "hien_co", "Số nữ không thể lớn hơn số hiện có."),
        Rule("dan_toc", "<=", "hien_co", "Số người dân tộc thiểu số không thể lớn hơn số hiện có."),
        Rule("dung_vtvl", "<=", "hien_co", "Số bố trí đúng vị trí việc làm không thể lớn hơn số hiện có."),
        Rule("hien_co", "<=", "bien_che",
             "Số hiện có vượt biên chế được giao: kiểm tra lại hoặc giải thích trong báo cáo.", "warning"),
    ),
    rows=lambda cfg: [(body,) for body in cfg.staffing_bodies],
)

TEMPLATE = Template(
    id="nhan_su",
    file_name="Bieu_to_chuc_nhan_su",
    version=1,
    title="Biểu số liệu tổ chức bộ máy và nhân sự",
    section="II.3",
    owner="VHXH",
    purpose="Số lượng, cơ cấu đội ngũ cán bộ, công chức, viên chức, người lao động theo cơ quan, đơn vị "
            "tại ngày chốt số liệu (theo các chỉ tiêu của Biểu 8B-BTCTW).",
    sheets=(staff,),
)

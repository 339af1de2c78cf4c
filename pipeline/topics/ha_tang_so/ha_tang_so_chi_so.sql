-- title: Các chỉ số hạ tầng số, chữ ký số, kỹ năng số và xử lý hồ sơ trực tuyến
-- section: II.7
-- order: 2
-- note: Tỷ lệ (%) = tử số / mẫu số × 100; máy tính bình quân = (máy trạm + máy tính xách tay đang sử dụng) / tổng số cán bộ, công chức, viên chức. Số hồ sơ trực tuyến được đối chiếu với biểu TTHC (ghi chú đối chiếu bên dưới); tỷ lệ văn bản có chữ ký số lấy từ biểu lãnh đạo, chỉ đạo (mục II.1).
-- not_applicable: mau_so, ghi_chu
-- column stt: STT
-- column chi_so: Mã chỉ số
-- column ten: Chỉ số
-- column don_vi: Đơn vị tính
-- column tu_so: Tử số
-- column mau_so: Mẫu số
-- column gia_tri: Kết quả
-- column ghi_chu: Ghi chú
with

chi_so as (
    select * from cur_ha_tang_so_chi_so
),

thiet_bi as (
    select * from cur_ha_tang_so_thiet_bi
),

values_ as (
    select
        case when count(bang_thong) < count(*) then null else sum(bang_thong) end as bang_thong,
        case when count(mang_cpdc) < count(*) then null else sum(mang_cpdc) end::double as mang_cpdc,
        case when count(can_bo_tong) < count(*) then null else sum(can_bo_tong) end::double as can_bo_tong,
        case when count(chu_ky_so) < count(*) then null else sum(chu_ky_so) end::double as chu_ky_so,
        case when count(dao_tao_ky_nang_so) < count(*) then null else sum(dao_tao_ky_nang_so) end::double as dao_tao_ky_nang_so,
        case when count(csdl_dung_chung) < count(*) then null else sum(csdl_dung_chung) end::double as csdl_dung_chung,
        case when count(ho_so_truc_tuyen) < count(*) then null else sum(ho_so_truc_tuyen) end::double as ho_so_truc_tuyen,
        case when count(ho_so_toan_trinh) < count(*) then null else sum(ho_so_toan_trinh) end::double as ho_so_toan_trinh
    from chi_so
),

devices as (
    select
        case when count(dang_su_dung) filter (where loai_thiet_bi in ('Máy trạm (máy tính để bàn)', 'Máy tính xách tay')) < count(*) filter (where loai_thiet_bi in ('Máy trạm (máy tính để bàn)', 'Máy tính xách tay')) then null else sum(dang_su_dung) filter (where loai_thiet_bi in ('Máy trạm (máy tính để bàn)', 'Máy tính xách tay')) end::double
            as may_tinh,
        case when count(dap_ung) < count(*) then null else sum(dap_ung) end::double as dap_ung,
        case when count(dang_su_dung) < count(*) then null else sum(dang_su_dung) end::double as dang_su_dung
    from thiet_bi
),

van_ban as (
    select case when count(ky_so) < count(*) then null else sum(ky_so) end::double as ky_so, case when count(tong_so) < count(*) then null else sum(tong_so) end::double as tong_so from cur_lanh_dao_van_ban
),

measures as (
    select 1 as stt, 'bang_thong' as chi_so, 'Băng thông Internet của trụ sở Ủy ban nhân dân' as ten, 'Mbps' as don_vi,
        bang_thong as tu_so, null::double as mau_so from values_
    union all
    select 2, 'mang_cpdc', 'Điểm kết nối mạng truyền số liệu chuyên dùng', 'điểm', mang_cpdc, null from values_
    union all
    select 3, 'may_tinh_binh_quan', 'Máy tính (để bàn, xách tay) bình quân mỗi cán bộ, công chức, viên chức',
        'máy/người', (select may_tinh from devices), can_bo_tong from values_
    union all
    select 4, 'ty_le_dap_ung', 'Tỷ lệ thiết bị công nghệ thông tin đáp ứng yêu cầu', '%',
        dap_ung, dang_su_dung from devices
    union all
    select 5, 'ty_le_chu_ky_so', 'Tỷ lệ cán bộ, công chức, viên chức có chữ ký số', '%', chu_ky_so, can_bo_tong
    from values_
    union all
    select 6, 'ty_le_ky_nang_so', 'Tỷ lệ cán bộ, công chức, viên chức được đào tạo, bồi dưỡng kỹ năng số', '%',
        dao_tao_ky_nang_so, can_bo_tong from values_
    union all
    select 7, 'csdl_dung_chung', 'Cơ sở dữ liệu dùng chung đang khai thác', 'cơ sở dữ liệu', csdl_dung_chung, null
    from values_
    union all
    select 8, 'ho_so_truc_tuyen', 'Hồ sơ TTHC tiếp nhận trực tuyến trong kỳ', 'hồ sơ', ho_so_truc_tuyen, null
    from values_
    union all
    select 9, 'ty_le_toan_trinh', 'Tỷ lệ hồ sơ trực tuyến được xử lý toàn trình', '%', ho_so_toan_trinh,
        ho_so_truc_tuyen from values_
    union all
    select 10, 'ty_le_van_ban_ky_so', 'Tỷ lệ văn bản ban hành điện tử có chữ ký số', '%', ky_so, tong_so
    from van_ban
),

-- the fields of each measure's numerator and denominator, named when unknown (blank is unknown, never 0)
inputs as (
    select * from (values
        (1, 'bang_thong', null),
        (2, 'mang_cpdc', null),
        (3, 'dang_su_dung', 'can_bo_tong'),
        (4, 'dap_ung', 'dang_su_dung'),
        (5, 'chu_ky_so', 'can_bo_tong'),
        (6, 'dao_tao_ky_nang_so', 'can_bo_tong'),
        (7, 'csdl_dung_chung', null),
        (8, 'ho_so_truc_tuyen', null),
        (9, 'ho_so_toan_trinh', 'ho_so_truc_tuyen'),
        (10, 'ky_so', 'tong_so')
    ) as k(stt, tu_key, mau_key)
),

final as (
    select
        stt,
        chi_so,
        ten,
        don_vi,
        tu_so,
        mau_so,
        case
            when don_vi = '%' then 100.0 * tu_so / nullif(mau_so, 0)
            when mau_so is not null then round(tu_so / nullif(mau_so, 0), 2)
            else tu_so
        end as gia_tri,
        null::varchar as ghi_chu,
        concat_ws(',', case when tu_so is null then tu_key end, case when mau_so is null then mau_key end) as thieu
    from measures join inputs using (stt)
)

select * from final order by stt

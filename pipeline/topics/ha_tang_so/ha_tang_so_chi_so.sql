-- title: Các chỉ số hạ tầng số, chữ ký số, kỹ năng số và xử lý hồ sơ trực tuyến
-- source: ha_tang_so
-- section: II.7
-- order: 2
-- note: Tỷ lệ (%) = tử số / mẫu số × 100; máy tính bình quân = (máy trạm + máy tính xách tay đang sử dụng) / tổng số cán bộ, công chức, viên chức. Số hồ sơ trực tuyến được đối chiếu với biểu TTHC (ghi chú đối chiếu bên dưới); tỷ lệ văn bản có chữ ký số lấy từ biểu lãnh đạo, chỉ đạo (mục II.1).
-- not_applicable: mau_so
-- column stt: STT
-- column chi_so: Mã chỉ số
-- column ten: Chỉ số
-- column don_vi: Đơn vị tính
-- column tu_so: Tử số
-- column mau_so: Mẫu số
-- column gia_tri: Kết quả
with

chi_so as (
    select * from cur_ha_tang_so_chi_so
),

thiet_bi as (
    select * from cur_ha_tang_so_thiet_bi
),

values_ as (
    select
        sum(bang_thong) as bang_thong,
        sum(mang_cpdc)::double as mang_cpdc,
        sum(can_bo_tong)::double as can_bo_tong,
        sum(chu_ky_so)::double as chu_ky_so,
        sum(dao_tao_ky_nang_so)::double as dao_tao_ky_nang_so,
        sum(csdl_dung_chung)::double as csdl_dung_chung,
        sum(ho_so_truc_tuyen)::double as ho_so_truc_tuyen,
        sum(ho_so_toan_trinh)::double as ho_so_toan_trinh
    from chi_so
),

devices as (
    select
        sum(dang_su_dung) filter (where loai_thiet_bi in ('Máy trạm (máy tính để bàn)', 'Máy tính xách tay'))::double
            as may_tinh,
        sum(dap_ung)::double as dap_ung,
        sum(dang_su_dung)::double as dang_su_dung
    from thiet_bi
),

van_ban as (
    select sum(ky_so)::double as ky_so, sum(tong_so)::double as tong_so from cur_lanh_dao_van_ban
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
        end as gia_tri
    from measures
)

select * from final order by stt

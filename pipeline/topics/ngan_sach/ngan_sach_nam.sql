-- title: Thu ngân sách nhà nước trên địa bàn, chỉ tiêu thu và kết dư theo năm ngân sách
-- section: II.5
-- order: 1
-- note: Năm ngân sách là năm dương lịch; số thực hiện lũy kế từ 01/01 đến ngày ở cột «Số liệu tính đến ngày» (đơn vị ghi các ngày khác nhau: từ ngày sớm nhất đến ngày muộn nhất). Tỷ lệ = thực hiện / dự toán tỉnh giao × 100, chỉ tính khi có ngày tính đến; tỷ lệ đã công bố ghi đúng như đơn vị đã in. Ô để trống là chưa có số liệu, không phải 0.
-- column tinh_den: Số liệu tính đến ngày
-- column ty_le_thu_dia_ban: Thu NSNN trên địa bàn: thực hiện so với dự toán (tính) | %
-- column ghi_chu: Ghi chú
-- not_applicable: thu_dia_ban_ty_le, ghi_chu
with

nam as (
    select * from cur_ngan_sach_nam
),

-- A sum over the units is unknown as soon as one unit left the cell blank (blank is not zero).
by_year as (
    select
        nam,
        count(tinh_den) = count(*) as dated,
        min(tinh_den) as tu_ngay,
        max(tinh_den) as den_ngay,
        if(count(thu_dia_ban_du_toan) = count(*), sum(thu_dia_ban_du_toan), null) as thu_dia_ban_du_toan,
        if(count(thu_dia_ban_thuc_hien) = count(*), sum(thu_dia_ban_thuc_hien), null) as thu_dia_ban_thuc_hien,
        if(count(*) = 1, min(thu_dia_ban_ty_le), null) as thu_dia_ban_ty_le,
        if(count(chi_tieu_thu_dat) = count(*), sum(chi_tieu_thu_dat), null)::double as chi_tieu_thu_dat,
        if(count(chi_tieu_thu) = count(*), sum(chi_tieu_thu), null)::double as chi_tieu_thu,
        if(count(ket_du) = count(*), sum(ket_du), null) as ket_du
    from nam
    group by nam
),

final as (
    select
        nam,
        case
            when not dated then null
            when tu_ngay = den_ngay then strftime(den_ngay, '%d/%m/%Y')
            else strftime(tu_ngay, '%d/%m/%Y') || ' – ' || strftime(den_ngay, '%d/%m/%Y')
        end as tinh_den,
        thu_dia_ban_du_toan,
        thu_dia_ban_thuc_hien,
        if(dated, 100.0 * thu_dia_ban_thuc_hien / nullif(thu_dia_ban_du_toan, 0), null) as ty_le_thu_dia_ban,
        thu_dia_ban_ty_le,
        chi_tieu_thu_dat,
        chi_tieu_thu,
        ket_du,
        if(thu_dia_ban_du_toan = 0 and thu_dia_ban_thuc_hien is not null,
            '[x]: dự toán bằng 0, không tính được tỷ lệ (mẫu số bằng 0).', null) as ghi_chu,
        concat_ws(',',
            if(dated, null, 'tinh_den'),
            if(thu_dia_ban_du_toan is null, 'thu_dia_ban_du_toan', null),
            if(thu_dia_ban_thuc_hien is null, 'thu_dia_ban_thuc_hien', null),
            if(chi_tieu_thu_dat is null, 'chi_tieu_thu_dat', null),
            if(chi_tieu_thu is null, 'chi_tieu_thu', null),
            if(ket_du is null, 'ket_du', null)) as thieu
    from by_year
)

select * from final order by nam

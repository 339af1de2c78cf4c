-- title: Xử lý cơ sở nhà, đất dôi dư sau sắp xếp theo tình trạng và hình thức xử lý
-- section: II.6
-- order: 1
-- note: Theo các nhóm Bộ Tài chính dùng để theo dõi xử lý trụ sở, cơ sở nhà, đất dôi dư sau sắp xếp. Tổng dôi dư = số đơn vị ghi, hoặc dôi dư đầu kỳ + phát sinh trong kỳ, hoặc đã xử lý + còn phải xử lý; đã xử lý = số đơn vị ghi, hoặc cộng bốn hình thức, hoặc tổng − còn phải xử lý; còn phải xử lý = số đơn vị ghi, hoặc đang xử lý + chưa xử lý, hoặc tổng − đã xử lý (số cộng chỉ tính khi có đủ các số hạng). Tỷ lệ đã xử lý = đã xử lý / tổng dôi dư × 100. Ô để trống là chưa có số liệu, không phải 0.
-- column tong_doi_du: Tổng số cơ sở dôi dư | cơ sở
-- column da_xu_ly: Đã xử lý | cơ sở
-- column ty_le_da_xu_ly: Tỷ lệ đã xử lý | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

tong_hop as (
    select * from cur_tai_san_tong_hop
),

-- Each unit's figures as given; a total left blank is the sum of its parts when every part is given.
given as (
    select
        *,
        coalesce(doi_du_tong, doi_du_dau_ky + doi_du_phat_sinh) as tong0,
        coalesce(da_xu_ly, xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac) as da0,
        coalesce(con_phai_xu_ly, dang_xu_ly + chua_xu_ly) as con0
    from tong_hop
),

units as (
    select
        *,
        coalesce(tong0, da0 + con0) as tong,
        coalesce(da0, tong0 - con0) as da,
        coalesce(con0, tong0 - da0) as con
    from given
),

-- A sum over the units is unknown as soon as one unit's figure is (blank is not zero).
sums as (
    select
        if(count(doi_du_dau_ky) = count(*), sum(doi_du_dau_ky), null)::double as doi_du_dau_ky,
        if(count(doi_du_phat_sinh) = count(*), sum(doi_du_phat_sinh), null)::double as doi_du_phat_sinh,
        if(count(tong) = count(*), sum(tong), null)::double as tong_doi_du,
        if(count(xl_noi_bo) = count(*), sum(xl_noi_bo), null)::double as xl_noi_bo,
        if(count(xl_dia_phuong_khac) = count(*), sum(xl_dia_phuong_khac), null)::double as xl_dia_phuong_khac,
        if(count(xl_giao_dia_phuong) = count(*), sum(xl_giao_dia_phuong), null)::double as xl_giao_dia_phuong,
        if(count(xl_khac) = count(*), sum(xl_khac), null)::double as xl_khac,
        if(count(da) = count(*), sum(da), null)::double as da_xu_ly,
        if(count(dang_xu_ly) = count(*), sum(dang_xu_ly), null)::double as dang_xu_ly,
        if(count(chua_xu_ly) = count(*), sum(chua_xu_ly), null)::double as chua_xu_ly,
        if(count(con) = count(*), sum(con), null)::double as con_phai_xu_ly
    from units
),

final as (
    select
        doi_du_dau_ky,
        doi_du_phat_sinh,
        tong_doi_du,
        xl_noi_bo,
        xl_dia_phuong_khac,
        xl_giao_dia_phuong,
        xl_khac,
        da_xu_ly,
        dang_xu_ly,
        chua_xu_ly,
        con_phai_xu_ly,
        100.0 * da_xu_ly / nullif(tong_doi_du, 0) as ty_le_da_xu_ly,
        null::varchar as ghi_chu,
        concat_ws(',',
            if(tong_doi_du is null, 'doi_du_tong', null),
            if(doi_du_dau_ky is null, 'doi_du_dau_ky', null),
            if(doi_du_phat_sinh is null, 'doi_du_phat_sinh', null),
            if(da_xu_ly is null, 'da_xu_ly', null),
            if(xl_noi_bo is null, 'xl_noi_bo', null),
            if(xl_dia_phuong_khac is null, 'xl_dia_phuong_khac', null),
            if(xl_giao_dia_phuong is null, 'xl_giao_dia_phuong', null),
            if(xl_khac is null, 'xl_khac', null),
            if(dang_xu_ly is null, 'dang_xu_ly', null),
            if(chua_xu_ly is null, 'chua_xu_ly', null),
            if(con_phai_xu_ly is null, 'con_phai_xu_ly', null)) as thieu
    from sums
    where (select count(*) from tong_hop) > 0
)

select * from final

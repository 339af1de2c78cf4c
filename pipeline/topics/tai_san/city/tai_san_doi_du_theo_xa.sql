-- title: Cơ sở nhà, đất dôi dư sau sắp xếp và tình hình xử lý theo từng xã, phường, đặc khu
-- section: II.6
-- order: 10
-- note: Tổng dôi dư = số xã ghi, hoặc dôi dư đầu kỳ + phát sinh trong kỳ, hoặc đã xử lý + còn phải xử lý; đã xử lý = số xã ghi, hoặc cộng bốn hình thức xử lý, hoặc tổng − còn phải xử lý; còn phải xử lý = số xã ghi, hoặc đang xử lý + chưa xử lý, hoặc tổng − đã xử lý (chỉ tính khi có đủ các số hạng; ô trống là chưa có số liệu, một xã chưa có thì số cộng chưa có); tỷ lệ đã xử lý = đã xử lý / tổng dôi dư × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia).
-- column tong_doi_du: Tổng số cơ sở dôi dư | cơ sở
-- column da_xu_ly: Đã xử lý | cơ sở
-- column ty_le_da_xu_ly: Tỷ lệ đã xử lý | %
with

tong_hop as (
    select * from cur_tai_san_tong_hop
),

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
        unit_code,
        coalesce(tong0, da0 + con0) as tong,
        coalesce(da0, tong0 - con0) as da,
        coalesce(con0, tong0 - da0) as con,
        phong_hop_truc_tuyen
    from given
),

by_commune as (
    select
        unit_code,
        if(count(tong) = count(*), sum(tong), null)::double as tong_doi_du,
        if(count(da) = count(*), sum(da), null)::double as da_xu_ly,
        if(count(con) = count(*), sum(con), null)::double as con_phai_xu_ly,
        if(count(phong_hop_truc_tuyen) = count(*), sum(phong_hop_truc_tuyen), null)::double as phong_hop_truc_tuyen
    from units
    group by rollup (unit_code)
),

final as (
    select
        unit_code,
        tong_doi_du,
        da_xu_ly,
        100.0 * da_xu_ly / nullif(tong_doi_du, 0) as ty_le_da_xu_ly,
        con_phai_xu_ly,
        phong_hop_truc_tuyen
    from by_commune
)

select * from final

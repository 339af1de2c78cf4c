-- title: Cơ sở nhà, đất dôi dư sau sắp xếp và tình hình xử lý theo từng xã, phường, đặc khu
-- source: tai_san
-- section: II.6
-- order: 10
-- note: Tổng dôi dư = dôi dư đầu kỳ + phát sinh trong kỳ; đã xử lý = cộng bốn hình thức xử lý; tỷ lệ đã xử lý = đã xử lý / tổng dôi dư × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia).
-- column tong_doi_du: Tổng số cơ sở dôi dư | cơ sở
-- column da_xu_ly: Đã xử lý | cơ sở
-- column ty_le_da_xu_ly: Tỷ lệ đã xử lý | %
with

tong_hop as (
    select * from cur_tai_san_tong_hop
),

by_commune as (
    select
        unit_code,
        sum(doi_du_dau_ky + doi_du_phat_sinh)::double as tong_doi_du,
        sum(xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac)::double as da_xu_ly,
        sum(con_phai_xu_ly)::double as con_phai_xu_ly,
        sum(phong_hop_truc_tuyen)::double as phong_hop_truc_tuyen
    from tong_hop
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

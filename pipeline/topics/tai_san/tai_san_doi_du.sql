-- title: Xử lý cơ sở nhà, đất dôi dư sau sắp xếp theo hình thức xử lý
-- source: tai_san
-- section: II.6
-- order: 1
-- note: Theo các nhóm Bộ Tài chính dùng để theo dõi xử lý trụ sở, cơ sở nhà, đất dôi dư sau sắp xếp. Tổng dôi dư = dôi dư đầu kỳ + phát sinh trong kỳ; đã xử lý = cộng bốn hình thức xử lý; tỷ lệ đã xử lý = đã xử lý / tổng dôi dư × 100.
-- column tong_doi_du: Tổng số cơ sở dôi dư | cơ sở
-- column da_xu_ly: Đã xử lý | cơ sở
-- column ty_le_da_xu_ly: Tỷ lệ đã xử lý | %
with

tong_hop as (
    select * from cur_tai_san_tong_hop
),

sums as (
    select
        sum(doi_du_dau_ky)::double as doi_du_dau_ky,
        sum(doi_du_phat_sinh)::double as doi_du_phat_sinh,
        sum(xl_noi_bo)::double as xl_noi_bo,
        sum(xl_dia_phuong_khac)::double as xl_dia_phuong_khac,
        sum(xl_giao_dia_phuong)::double as xl_giao_dia_phuong,
        sum(xl_khac)::double as xl_khac,
        sum(con_phai_xu_ly)::double as con_phai_xu_ly
    from tong_hop
),

final as (
    select
        doi_du_dau_ky,
        doi_du_phat_sinh,
        doi_du_dau_ky + doi_du_phat_sinh as tong_doi_du,
        xl_noi_bo,
        xl_dia_phuong_khac,
        xl_giao_dia_phuong,
        xl_khac,
        xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac as da_xu_ly,
        con_phai_xu_ly,
        100.0 * (xl_noi_bo + xl_dia_phuong_khac + xl_giao_dia_phuong + xl_khac)
            / nullif(doi_du_dau_ky + doi_du_phat_sinh, 0) as ty_le_da_xu_ly
    from sums
)

select * from final

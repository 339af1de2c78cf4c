-- title: Kiểm tra, giám sát và quán triệt, tuyên truyền về mô hình chính quyền địa phương 02 cấp
-- source: lanh_dao
-- section: II.1
-- order: 2
-- note: Số cuộc, số hội nghị và tin, bài từ ngày bắt đầu kỳ báo cáo đến ngày chốt số liệu. Tỷ lệ kiến nghị đã xử lý = kiến nghị đã xử lý xong / tổng số kiến nghị × 100.
-- column ty_le_kien_nghi_xu_ly: Tỷ lệ kiến nghị đã xử lý xong | %
with

hoat_dong as (
    select * from cur_lanh_dao_hoat_dong
),

sums as (
    select
        sum(giam_sat_hdnd)::double as giam_sat_hdnd,
        sum(kiem_tra_ubnd)::double as kiem_tra_ubnd,
        sum(kien_nghi)::double as kien_nghi,
        sum(kien_nghi_da_xu_ly)::double as kien_nghi_da_xu_ly,
        sum(hoi_nghi)::double as hoi_nghi,
        sum(luot_tham_du)::double as luot_tham_du,
        sum(tin_bai)::double as tin_bai
    from hoat_dong
),

final as (
    select
        giam_sat_hdnd,
        kiem_tra_ubnd,
        kien_nghi,
        kien_nghi_da_xu_ly,
        100.0 * kien_nghi_da_xu_ly / nullif(kien_nghi, 0) as ty_le_kien_nghi_xu_ly,
        hoi_nghi,
        luot_tham_du,
        tin_bai
    from sums
)

select * from final

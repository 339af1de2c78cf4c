-- title: Kiểm tra, giám sát và quán triệt, tuyên truyền về mô hình chính quyền địa phương 02 cấp
-- section: II.1
-- order: 2
-- note: Số cuộc, số hội nghị và tin, bài từ ngày bắt đầu kỳ báo cáo đến ngày chốt số liệu. Tỷ lệ kiến nghị đã xử lý = kiến nghị đã xử lý xong / tổng số kiến nghị × 100.
-- column ty_le_kien_nghi_xu_ly: Tỷ lệ kiến nghị đã xử lý xong | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

hoat_dong as (
    select * from cur_lanh_dao_hoat_dong
),

sums as (
    select
        case when count(giam_sat_hdnd) < count(*) then null else sum(giam_sat_hdnd) end::double as giam_sat_hdnd,
        case when count(kiem_tra_ubnd) < count(*) then null else sum(kiem_tra_ubnd) end::double as kiem_tra_ubnd,
        case when count(kien_nghi) < count(*) then null else sum(kien_nghi) end::double as kien_nghi,
        case when count(kien_nghi_da_xu_ly) < count(*) then null else sum(kien_nghi_da_xu_ly) end::double as kien_nghi_da_xu_ly,
        case when count(hoi_nghi) < count(*) then null else sum(hoi_nghi) end::double as hoi_nghi,
        case when count(luot_tham_du) < count(*) then null else sum(luot_tham_du) end::double as luot_tham_du,
        case when count(tin_bai) < count(*) then null else sum(tin_bai) end::double as tin_bai
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
        tin_bai,
        null::varchar as ghi_chu,
        concat_ws(',', case when giam_sat_hdnd is null then 'giam_sat_hdnd' end, case when kiem_tra_ubnd is null then 'kiem_tra_ubnd' end, case when kien_nghi is null then 'kien_nghi' end, case when kien_nghi_da_xu_ly is null then 'kien_nghi_da_xu_ly' end, case when hoi_nghi is null then 'hoi_nghi' end, case when luot_tham_du is null then 'luot_tham_du' end, case when tin_bai is null then 'tin_bai' end) as thieu
    from sums
)

select * from final

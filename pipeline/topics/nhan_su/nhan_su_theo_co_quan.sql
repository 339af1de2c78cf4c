-- title: Số lượng cán bộ, công chức, viên chức, người lao động so với biên chế theo cơ quan, đơn vị
-- source: nhan_su
-- section: II.3
-- order: 1
-- note: Số liệu tại ngày chốt. Tỷ lệ so với biên chế = số hiện có / biên chế được giao × 100. Số đã nghỉ tính từ 01/7/2025.
-- column ty_le_bien_che: Số hiện có so với biên chế | %
-- column ty_le_dung_vtvl: Tỷ lệ bố trí đúng vị trí việc làm | %
-- column so_nghi: Tổng số đã nghỉ, chuyển công tác | người
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

by_body as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        co_quan,
        sum(bien_che)::double as bien_che,
        sum(hien_co)::double as hien_co,
        sum(can_bo)::double as can_bo,
        sum(cong_chuc)::double as cong_chuc,
        sum(vien_chuc)::double as vien_chuc,
        sum(hop_dong)::double as hop_dong,
        sum(khong_chuyen_trach)::double as khong_chuyen_trach,
        sum(dung_vtvl)::double as dung_vtvl,
        sum(nghi_huu_truoc_tuoi)::double as nghi_huu_truoc_tuoi,
        sum(thoi_viec)::double as thoi_viec,
        sum(chuyen_cong_tac)::double as chuyen_cong_tac
    from can_bo
    group by co_quan
),

total as (
    select 1, null, 'Cộng', sum(bien_che), sum(hien_co), sum(can_bo), sum(cong_chuc), sum(vien_chuc),
        sum(hop_dong), sum(khong_chuyen_trach), sum(dung_vtvl), sum(nghi_huu_truoc_tuoi),
        sum(thoi_viec), sum(chuyen_cong_tac)
    from by_body
),

final as (
    select
        sort_group,
        sort_key,
        co_quan,
        bien_che,
        hien_co,
        100.0 * hien_co / nullif(bien_che, 0) as ty_le_bien_che,
        can_bo,
        cong_chuc,
        vien_chuc,
        hop_dong,
        khong_chuyen_trach,
        dung_vtvl,
        100.0 * dung_vtvl / nullif(hien_co, 0) as ty_le_dung_vtvl,
        nghi_huu_truoc_tuoi,
        thoi_viec,
        chuyen_cong_tac,
        nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac as so_nghi
    from (select * from by_body union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

-- title: Số lượng cán bộ, công chức, viên chức, người lao động so với biên chế theo từng xã, phường, đặc khu
-- source: nhan_su
-- section: II.3
-- order: 10
-- note: Số liệu tại ngày chốt, cộng các cơ quan, đơn vị của từng xã. Tỷ lệ so với biên chế = số hiện có / biên chế được giao × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia, không lấy bình quân tỷ lệ của các xã).
-- column ty_le_bien_che: Số hiện có so với biên chế | %
-- column ty_le_dung_vtvl: Tỷ lệ bố trí đúng vị trí việc làm | %
-- column so_nghi: Đã nghỉ, chuyển công tác | người
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

by_commune as (
    select
        unit_code,
        sum(bien_che)::double as bien_che,
        sum(hien_co)::double as hien_co,
        sum(dung_vtvl)::double as dung_vtvl,
        sum(nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac)::double as so_nghi
    from can_bo
    group by rollup (unit_code)
),

final as (
    select
        unit_code,
        bien_che,
        hien_co,
        100.0 * hien_co / nullif(bien_che, 0) as ty_le_bien_che,
        dung_vtvl,
        100.0 * dung_vtvl / nullif(hien_co, 0) as ty_le_dung_vtvl,
        so_nghi
    from by_commune
)

select * from final

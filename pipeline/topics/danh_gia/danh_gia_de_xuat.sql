-- title: Kiến nghị, đề xuất của các đơn vị (nguyên văn)
-- section: III
-- order: 1
-- word: no
-- note: Nguyên văn các kiến nghị, đề xuất từng đơn vị gửi, theo cấp kiến nghị (Trung ương, tỉnh, thành phố, cấp xã), lưu làm hồ sơ.
-- column ma_don_vi: Mã đơn vị
with

proposals as (
    select * from cur_danh_gia_kien_nghi
),

final as (
    select
        cap,
        unit_code as ma_don_vi,
        stt,
        linh_vuc,
        kien_nghi
    from proposals
    order by list_position(['Trung ương', 'Tỉnh, thành phố', 'Cấp xã'], cap), unit_code, stt
)

select * from final

-- title: Trang thiết bị công nghệ thông tin theo loại: đang sử dụng, đáp ứng yêu cầu và cần bổ sung
-- source: ha_tang_so
-- section: II.7
-- order: 1
-- note: Số thiết bị tại ngày chốt số liệu. Không đáp ứng = đang sử dụng − đáp ứng yêu cầu. Tỷ lệ đáp ứng = thiết bị đáp ứng yêu cầu / thiết bị đang sử dụng × 100.
-- column khong_dap_ung: Không đáp ứng yêu cầu | cái, bộ
-- column ty_le_dap_ung: Tỷ lệ đáp ứng yêu cầu | %
with

thiet_bi as (
    select * from cur_ha_tang_so_thiet_bi
),

by_kind as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        loai_thiet_bi,
        sum(dang_su_dung)::double as dang_su_dung,
        sum(dap_ung)::double as dap_ung,
        sum(trang_bi_moi)::double as trang_bi_moi,
        sum(can_bo_sung)::double as can_bo_sung
    from thiet_bi
    group by loai_thiet_bi
),

total as (
    select 1, null, 'Cộng', sum(dang_su_dung), sum(dap_ung), sum(trang_bi_moi), sum(can_bo_sung)
    from by_kind
),

final as (
    select
        sort_group,
        sort_key,
        loai_thiet_bi,
        dang_su_dung,
        dap_ung,
        dang_su_dung - dap_ung as khong_dap_ung,
        100.0 * dap_ung / nullif(dang_su_dung, 0) as ty_le_dap_ung,
        trang_bi_moi,
        can_bo_sung
    from (select * from by_kind union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

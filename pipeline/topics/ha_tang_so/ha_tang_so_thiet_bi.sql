-- title: Trang thiết bị công nghệ thông tin theo loại: đang sử dụng, đáp ứng yêu cầu và cần bổ sung
-- section: II.7
-- order: 1
-- note: Số thiết bị tại ngày chốt số liệu. Dòng để trống là chưa có số liệu; dòng «Cộng» chỉ tính được khi mọi loại thiết bị đều có số. Không đáp ứng = đang sử dụng − đáp ứng yêu cầu. Tỷ lệ đáp ứng = thiết bị đáp ứng yêu cầu / thiết bị đang sử dụng × 100.
-- column khong_dap_ung: Không đáp ứng yêu cầu | cái, bộ
-- column ty_le_dap_ung: Tỷ lệ đáp ứng yêu cầu | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

thiet_bi as (
    select * from cur_ha_tang_so_thiet_bi
),

by_kind as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        loai_thiet_bi,
        case when count(dang_su_dung) < count(*) then null else sum(dang_su_dung) end::double as dang_su_dung,
        case when count(dap_ung) < count(*) then null else sum(dap_ung) end::double as dap_ung,
        case when count(trang_bi_moi) < count(*) then null else sum(trang_bi_moi) end::double as trang_bi_moi,
        case when count(can_bo_sung) < count(*) then null else sum(can_bo_sung) end::double as can_bo_sung
    from thiet_bi
    group by loai_thiet_bi
),

total as (
    select 1, null, 'Cộng', case when count(dang_su_dung) < count(*) then null else sum(dang_su_dung) end, case when count(dap_ung) < count(*) then null else sum(dap_ung) end, case when count(trang_bi_moi) < count(*) then null else sum(trang_bi_moi) end, case when count(can_bo_sung) < count(*) then null else sum(can_bo_sung) end
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
        can_bo_sung,
        null::varchar as ghi_chu,
        concat_ws(',', case when dang_su_dung is null then 'dang_su_dung' end, case when dap_ung is null then 'dap_ung' end, case when trang_bi_moi is null then 'trang_bi_moi' end, case when can_bo_sung is null then 'can_bo_sung' end) as thieu
    from (select * from by_kind union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

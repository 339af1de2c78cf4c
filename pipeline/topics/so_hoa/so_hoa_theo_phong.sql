-- title: Chỉnh lý và số hóa tài liệu lưu trữ theo phông
-- source: so_hoa
-- section: II.8
-- order: 1
-- note: Tỷ lệ đã chỉnh lý = đã chỉnh lý hoàn chỉnh / tổng tài liệu × 100. Tỷ lệ số hóa = số trang đã số hóa / số trang theo kế hoạch × 100.
-- column ty_le_chinh_ly: Tỷ lệ đã chỉnh lý hoàn chỉnh | %
-- column ty_le_so_hoa: Số trang đã số hóa so với kế hoạch | %
with

phong as (
    select * from cur_so_hoa_phong
),

by_fonds as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        phong,
        sum(tong_met_gia) as tong_met_gia,
        sum(chinh_ly_hoan_chinh) as chinh_ly_hoan_chinh,
        sum(chinh_ly_so_bo) as chinh_ly_so_bo,
        sum(chua_chinh_ly) as chua_chinh_ly,
        sum(trang_so_hoa)::double as trang_so_hoa,
        sum(trang_ke_hoach)::double as trang_ke_hoach
    from phong
    group by phong
),

total as (
    select 1, null, 'Cộng', sum(tong_met_gia), sum(chinh_ly_hoan_chinh), sum(chinh_ly_so_bo),
        sum(chua_chinh_ly), sum(trang_so_hoa), sum(trang_ke_hoach)
    from by_fonds
),

final as (
    select
        sort_group,
        sort_key,
        phong,
        tong_met_gia,
        chinh_ly_hoan_chinh,
        chinh_ly_so_bo,
        chua_chinh_ly,
        100.0 * chinh_ly_hoan_chinh / nullif(tong_met_gia, 0) as ty_le_chinh_ly,
        trang_so_hoa,
        trang_ke_hoach,
        100.0 * trang_so_hoa / nullif(trang_ke_hoach, 0) as ty_le_so_hoa
    from (select * from by_fonds union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

-- title: Chỉnh lý và số hóa tài liệu lưu trữ theo phông
-- section: II.8
-- order: 1
-- note: Dòng «Cộng» là số của tất cả các phông (dòng «Toàn …» của biểu); ô nào của dòng đó để trống thì lấy tổng các phông khi mọi phông đều có số đó (thiếu một phông thì chưa tính được, không tính là 0). Tỷ lệ đã chỉnh lý = đã chỉnh lý hoàn chỉnh / tổng tài liệu × 100. Tỷ lệ số hóa = số trang đã số hóa / số trang theo kế hoạch × 100.
-- column ty_le_chinh_ly: Tỷ lệ đã chỉnh lý hoàn chỉnh | %
-- column ty_le_so_hoa: Số trang đã số hóa so với kế hoạch | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

phong as (
    select * from cur_so_hoa_phong
),

-- the fonds' rows; all fonds together is the last fixed row, «Toàn {don_vi}» (so_hoa/template.py WHOLE)
each_fonds as (
    select * from phong where phong not like 'Toàn %'
),

whole as (
    select * from phong where phong like 'Toàn %'
),

-- a figure summed over rows is known only when every row gave it (blank is unknown, never 0)
by_fonds as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        phong,
        case when count(tong_met_gia) < count(*) then null else sum(tong_met_gia) end::double as tong_met_gia,
        case when count(chinh_ly_hoan_chinh) < count(*) then null else sum(chinh_ly_hoan_chinh) end::double as chinh_ly_hoan_chinh,
        case when count(chinh_ly_so_bo) < count(*) then null else sum(chinh_ly_so_bo) end::double as chinh_ly_so_bo,
        case when count(chua_chinh_ly) < count(*) then null else sum(chua_chinh_ly) end::double as chua_chinh_ly,
        case when count(trang_so_hoa) < count(*) then null else sum(trang_so_hoa) end::double as trang_so_hoa,
        case when count(trang_ke_hoach) < count(*) then null else sum(trang_ke_hoach) end::double as trang_ke_hoach
    from each_fonds
    group by phong
),

fonds_sums as (
    select
        submission_id,
        case when count(tong_met_gia) < count(*) then null else sum(tong_met_gia) end::double as tong_met_gia,
        case when count(chinh_ly_hoan_chinh) < count(*) then null else sum(chinh_ly_hoan_chinh) end::double as chinh_ly_hoan_chinh,
        case when count(chinh_ly_so_bo) < count(*) then null else sum(chinh_ly_so_bo) end::double as chinh_ly_so_bo,
        case when count(chua_chinh_ly) < count(*) then null else sum(chua_chinh_ly) end::double as chua_chinh_ly,
        case when count(trang_so_hoa) < count(*) then null else sum(trang_so_hoa) end::double as trang_so_hoa,
        case when count(trang_ke_hoach) < count(*) then null else sum(trang_ke_hoach) end::double as trang_ke_hoach
    from each_fonds
    group by submission_id
),

-- each unit's whole: its «Toàn …» row where given, else the sum of its fonds when all are given
unit_whole as (
    select
        coalesce(w.tong_met_gia::double, f.tong_met_gia) as tong_met_gia,
        coalesce(w.chinh_ly_hoan_chinh::double, f.chinh_ly_hoan_chinh) as chinh_ly_hoan_chinh,
        coalesce(w.chinh_ly_so_bo::double, f.chinh_ly_so_bo) as chinh_ly_so_bo,
        coalesce(w.chua_chinh_ly::double, f.chua_chinh_ly) as chua_chinh_ly,
        coalesce(w.trang_so_hoa::double, f.trang_so_hoa) as trang_so_hoa,
        coalesce(w.trang_ke_hoach::double, f.trang_ke_hoach) as trang_ke_hoach
    from (select distinct submission_id from phong) s
    left join whole w using (submission_id)
    left join fonds_sums f using (submission_id)
),

total as (
    select
        1 as sort_group,
        null as sort_key,
        'Cộng' as phong,
        case when count(tong_met_gia) < count(*) then null else sum(tong_met_gia) end::double as tong_met_gia,
        case when count(chinh_ly_hoan_chinh) < count(*) then null else sum(chinh_ly_hoan_chinh) end::double as chinh_ly_hoan_chinh,
        case when count(chinh_ly_so_bo) < count(*) then null else sum(chinh_ly_so_bo) end::double as chinh_ly_so_bo,
        case when count(chua_chinh_ly) < count(*) then null else sum(chua_chinh_ly) end::double as chua_chinh_ly,
        case when count(trang_so_hoa) < count(*) then null else sum(trang_so_hoa) end::double as trang_so_hoa,
        case when count(trang_ke_hoach) < count(*) then null else sum(trang_ke_hoach) end::double as trang_ke_hoach
    from unit_whole
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
        100.0 * trang_so_hoa / nullif(trang_ke_hoach, 0) as ty_le_so_hoa,
        null::varchar as ghi_chu,
        concat_ws(',', case when tong_met_gia is null then 'tong_met_gia' end, case when chinh_ly_hoan_chinh is null then 'chinh_ly_hoan_chinh' end, case when chinh_ly_so_bo is null then 'chinh_ly_so_bo' end, case when chua_chinh_ly is null then 'chua_chinh_ly' end, case when trang_so_hoa is null then 'trang_so_hoa' end, case when trang_ke_hoach is null then 'trang_ke_hoach' end) as thieu
    from (select * from by_fonds union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

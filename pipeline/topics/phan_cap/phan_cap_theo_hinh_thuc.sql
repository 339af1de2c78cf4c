-- title: Nhiệm vụ được phân cấp, phân quyền, ủy quyền theo hình thức và tình hình thực hiện
-- section: II.2
-- order: 1
-- note: Đếm các dòng của danh sách nhiệm vụ do đơn vị kê khai (mỗi dòng một nhiệm vụ). Tỷ lệ thực hiện thuận lợi = số nhiệm vụ thực hiện thuận lợi / tổng số nhiệm vụ × 100.
-- column so_nhiem_vu: Số nhiệm vụ | nhiệm vụ
-- column thuan_loi: Thực hiện thuận lợi | nhiệm vụ
-- column kho_khan: Có khó khăn, vướng mắc | nhiệm vụ
-- column chua_trien_khai: Chưa triển khai | nhiệm vụ
-- column ty_le_thuan_loi: Tỷ lệ thực hiện thuận lợi | %
-- column so_tthc: Số TTHC gắn với nhiệm vụ | thủ tục
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

nhiem_vu as (
    select * from cur_phan_cap_nhiem_vu
),

sent as (
    select count(*) > 0 as ok from cur_phan_cap_tong_hop
),

forms (sort_key, hinh_thuc) as (
    values (1, 'Phân cấp'), (2, 'Phân quyền'), (3, 'Ủy quyền')
),

by_form as (
    select
        0 as sort_group,
        f.sort_key,
        f.hinh_thuc,
        count(n.stt)::double as so_nhiem_vu,
        count(n.stt) filter (where n.tinh_trang = 'Thực hiện thuận lợi')::double as thuan_loi,
        count(n.stt) filter (where n.tinh_trang = 'Có khó khăn, vướng mắc')::double as kho_khan,
        count(n.stt) filter (where n.tinh_trang = 'Chưa triển khai')::double as chua_trien_khai,
        -- known only when every listed task gives it (blank is unknown, never 0; no task: 0)
        case when count(n.so_tthc) < count(n.stt) then null else coalesce(sum(n.so_tthc), 0) end::double
            as so_tthc
    from forms as f
    left join nhiem_vu as n on n.hinh_thuc = f.hinh_thuc
    group by f.sort_key, f.hinh_thuc
),

total as (
    select 1, null, 'Cộng', sum(so_nhiem_vu), sum(thuan_loi), sum(kho_khan), sum(chua_trien_khai),
        case when count(so_tthc) < count(*) then null else sum(so_tthc) end
    from by_form
),

final as (
    -- a list nobody sent is a gap, not zero: every figure is blank without a current submission
    select
        b.sort_group,
        b.sort_key,
        b.hinh_thuc,
        if(s.ok, b.so_nhiem_vu, null) as so_nhiem_vu,
        if(s.ok, b.thuan_loi, null) as thuan_loi,
        if(s.ok, b.kho_khan, null) as kho_khan,
        if(s.ok, b.chua_trien_khai, null) as chua_trien_khai,
        if(s.ok, 100.0 * b.thuan_loi / nullif(b.so_nhiem_vu, 0), null) as ty_le_thuan_loi,
        if(s.ok, b.so_tthc, null) as so_tthc,
        if(s.ok, null::varchar, null) as ghi_chu,
        if(s.ok and b.so_tthc is null, 'so_tthc', '') as thieu
    from (select * from by_form union all select * from total) as b
    cross join sent as s
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

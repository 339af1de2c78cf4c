-- title: Nhiệm vụ được phân cấp, phân quyền, ủy quyền theo lĩnh vực và cơ quan giao
-- section: II.2
-- order: 2
-- note: Chỉ liệt kê các lĩnh vực có nhiệm vụ. Trung ương: Quốc hội, Chính phủ, Thủ tướng Chính phủ, bộ, ngành Trung ương (qua thành phố); thành phố: HĐND, UBND, Chủ tịch UBND thành phố. Nhiệm vụ còn vướng mắc gồm nhiệm vụ có khó khăn, vướng mắc và nhiệm vụ chưa triển khai.
-- column so_nhiem_vu: Số nhiệm vụ | nhiệm vụ
-- column tu_trung_uong: Do Trung ương giao | nhiệm vụ
-- column tu_thanh_pho: Do thành phố giao | nhiệm vụ
-- column con_vuong_mac: Còn khó khăn, vướng mắc hoặc chưa triển khai | nhiệm vụ
-- column so_tthc: Số TTHC gắn với nhiệm vụ | thủ tục
with

nhiem_vu as (
    select * from cur_phan_cap_nhiem_vu
),

fields_of_work (sort_key, linh_vuc) as (
    values (1, 'Nội vụ'), (2, 'Tư pháp'), (3, 'Tài chính'), (4, 'Nông nghiệp và môi trường'), (5, 'Xây dựng'),
        (6, 'Công Thương'), (7, 'Văn hóa, thể thao và du lịch'), (8, 'Giáo dục và đào tạo'), (9, 'Y tế'),
        (10, 'Khoa học, công nghệ và chuyển đổi số'), (11, 'Dân tộc và tôn giáo'), (12, 'Quốc phòng, an ninh'),
        (13, 'Khác')
),

by_field as (
    select
        0 as sort_group,
        f.sort_key,
        f.linh_vuc,
        count(*)::double as so_nhiem_vu,
        count(*) filter (where n.nguon in ('Quốc hội (luật, nghị quyết)', 'Chính phủ, Thủ tướng Chính phủ',
                                           'Bộ, ngành Trung ương (qua thành phố)'))::double as tu_trung_uong,
        count(*) filter (where n.nguon in ('HĐND thành phố', 'UBND, Chủ tịch UBND thành phố'))::double
            as tu_thanh_pho,
        count(*) filter (where n.tinh_trang in ('Có khó khăn, vướng mắc', 'Chưa triển khai'))::double
            as con_vuong_mac,
        case when count(n.so_tthc) < count(*) then null else sum(n.so_tthc) end::double as so_tthc
    from nhiem_vu as n
    join fields_of_work as f on f.linh_vuc = n.linh_vuc
    group by f.sort_key, f.linh_vuc
),

total as (
    -- a count over the whole list: 0 when the unit listed nothing
    select 1, null, 'Cộng', coalesce(sum(so_nhiem_vu), 0), coalesce(sum(tu_trung_uong), 0),
        coalesce(sum(tu_thanh_pho), 0), coalesce(sum(con_vuong_mac), 0),
        case when count(so_tthc) < count(*) then null else coalesce(sum(so_tthc), 0) end
    from by_field
    where exists (select 1 from cur_phan_cap_tong_hop)
),

final as (
    select * from by_field
    union all
    select * from total
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

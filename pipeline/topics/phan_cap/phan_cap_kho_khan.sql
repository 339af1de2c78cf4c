-- title: Nhiệm vụ được phân cấp, phân quyền, ủy quyền còn khó khăn, vướng mắc và đề xuất, kiến nghị
-- section: II.2
-- order: 3
-- note: Các nhiệm vụ có tình hình thực hiện «Có khó khăn, vướng mắc» hoặc «Chưa triển khai», theo số thứ tự đơn vị kê khai; nội dung khó khăn và đề xuất giữ nguyên lời văn của đơn vị.
-- not_applicable: stt, linh_vuc, hinh_thuc, tinh_trang, kho_khan, de_xuat
with

nhiem_vu as (
    select * from cur_phan_cap_nhiem_vu
),

tong_hop as (
    select * from cur_phan_cap_tong_hop
),

difficult as (
    select 0 as sort_group, stt, ten_nhiem_vu, linh_vuc, hinh_thuc, tinh_trang, kho_khan, de_xuat
    from nhiem_vu
    where tinh_trang <> 'Thực hiện thuận lợi'
),

nothing as (
    -- said explicitly instead of an empty table: nothing received, or nothing difficult
    select
        1, null::bigint,
        if(bool_and(co_nhiem_vu = 'Không'), 'Không phát sinh: không nhận nhiệm vụ nào được phân cấp, '
            || 'phân quyền, ủy quyền', 'Không có nhiệm vụ gặp khó khăn, vướng mắc'),
        null, null, null, null, null
    from tong_hop
    having count(*) > 0 and not exists (select 1 from difficult)
),

final as (
    select * from difficult
    union all
    select * from nothing
)

select * exclude (sort_group) from final order by sort_group, stt

-- title: Tiếp nhận và giải quyết hồ sơ thủ tục hành chính theo lĩnh vực
-- source: tthc
-- section: II.4
-- order: 3
-- note: Số liệu cộng dồn cả kỳ báo cáo; hồ sơ đang giải quyết quá hạn tính tại tháng cuối của kỳ.
-- column nhan_trong_ky: Tiếp nhận trong kỳ | hồ sơ
-- column ty_le_truc_tuyen: Tỷ lệ tiếp nhận trực tuyến | %
-- column ty_le_dung_han: Tỷ lệ giải quyết trước hạn, đúng hạn | %
-- column ty_le_so_hoa: Tỷ lệ hồ sơ được số hoá | %
with

ho_so as (
    select * from cur_tthc_ho_so
),

last_month as (
    select max(strptime(thang, '%m/%Y')) as thang from ho_so
),

by_field as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        linh_vuc,
        sum(nhan_truc_tuyen)::double as nhan_truc_tuyen,
        sum(nhan_truc_tiep)::double as nhan_truc_tiep,
        sum(nhan_tong)::double as nhan_tong,
        sum(so_hoa)::double as so_hoa,
        sum(giai_quyet_tong)::double as giai_quyet_tong,
        sum(giai_quyet_truoc_han + giai_quyet_dung_han)::double as dung_han,
        sum(dang_qua_han) filter (where strptime(thang, '%m/%Y') = (select thang from last_month))::double
            as dang_qua_han
    from ho_so
    group by linh_vuc
),

total as (
    select 1, null, 'Cộng', sum(nhan_truc_tuyen), sum(nhan_truc_tiep), sum(nhan_tong), sum(so_hoa),
        sum(giai_quyet_tong), sum(dung_han), sum(dang_qua_han)
    from by_field
),

final as (
    select
        sort_group,
        sort_key,
        linh_vuc,
        nhan_truc_tuyen + nhan_truc_tiep as nhan_trong_ky,
        nhan_truc_tuyen,
        100.0 * nhan_truc_tuyen / nullif(nhan_truc_tuyen + nhan_truc_tiep, 0) as ty_le_truc_tuyen,
        giai_quyet_tong,
        100.0 * dung_han / nullif(giai_quyet_tong, 0) as ty_le_dung_han,
        100.0 * so_hoa / nullif(nhan_tong, 0) as ty_le_so_hoa,
        dang_qua_han
    from (select * from by_field union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

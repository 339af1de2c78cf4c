-- title: Tiếp nhận và giải quyết hồ sơ thủ tục hành chính theo tháng
-- source: tthc
-- section: II.4
-- order: 2
-- note: Tiếp nhận trong kỳ không gồm hồ sơ kỳ trước chuyển sang. Tỷ lệ đúng hạn = (trước hạn + đúng hạn) / đã giải quyết.
-- column thang: Tháng
-- column nhan_trong_ky: Tiếp nhận trong kỳ | hồ sơ
-- column ty_le_truc_tuyen: Tỷ lệ tiếp nhận trực tuyến | %
-- column ty_le_dung_han: Tỷ lệ giải quyết trước hạn, đúng hạn | %
with

ho_so as (
    select * from cur_tthc_ho_so
),

by_month as (
    select
        0 as sort_group,
        strptime(thang, '%m/%Y') as sort_key,
        thang,
        sum(nhan_truc_tuyen)::double as nhan_truc_tuyen,
        sum(nhan_truc_tiep)::double as nhan_truc_tiep,
        sum(giai_quyet_tong)::double as giai_quyet_tong,
        sum(giai_quyet_truoc_han)::double as giai_quyet_truoc_han,
        sum(giai_quyet_dung_han)::double as giai_quyet_dung_han,
        sum(giai_quyet_qua_han)::double as giai_quyet_qua_han
    from ho_so
    group by thang
),

total as (
    select
        1 as sort_group,
        null::timestamp as sort_key,
        'Cộng' as thang,
        sum(nhan_truc_tuyen), sum(nhan_truc_tiep), sum(giai_quyet_tong),
        sum(giai_quyet_truoc_han), sum(giai_quyet_dung_han), sum(giai_quyet_qua_han)
    from by_month
),

final as (
    select
        sort_group,
        sort_key,
        thang,
        nhan_truc_tuyen + nhan_truc_tiep as nhan_trong_ky,
        nhan_truc_tuyen,
        nhan_truc_tiep,
        100.0 * nhan_truc_tuyen / nullif(nhan_truc_tuyen + nhan_truc_tiep, 0) as ty_le_truc_tuyen,
        giai_quyet_tong,
        giai_quyet_truoc_han,
        giai_quyet_dung_han,
        giai_quyet_qua_han,
        100.0 * (giai_quyet_truoc_han + giai_quyet_dung_han) / nullif(giai_quyet_tong, 0) as ty_le_dung_han
    from (select * from by_month union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

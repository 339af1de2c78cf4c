-- title: Trụ sở, nhà đất, phương tiện, trang thiết bị sau sắp xếp theo loại tài sản
-- section: II.6
-- order: 2
-- note: Cộng các dòng của danh sách tài sản do đơn vị kê khai (danh sách không bắt buộc: đơn vị chỉ gửi số tổng hợp thì các ô ghi [x]). Số lượng, nguyên giá chỉ cộng khi mọi tài sản của loại có số. Diện tích chỉ cộng ở các tài sản có diện tích (nhà, đất); loại tài sản không có diện tích ghi [z]. Tỷ lệ dôi dư = số dòng tài sản dôi dư / số dòng tài sản của loại × 100.
-- not_applicable: dien_tich_dat, dien_tich_san
-- column so_dong: Số tài sản kê khai | dòng
-- column dang_su_dung: Đang sử dụng | dòng
-- column doi_du: Dôi dư | dòng
-- column ty_le_doi_du: Tỷ lệ dôi dư | %
with

danh_sach as (
    select * from cur_tai_san_danh_sach
),

-- The list is known when every unit that sent the template sent its list («Có» in «Kèm danh sách từng tài sản»).
sent as (
    select count(*) > 0 and bool_and(coalesce(co_tai_san = 'Có', false)) as ok from cur_tai_san_tong_hop
),

kinds (sort_key, loai) as (
    values (1, 'Trụ sở làm việc (nhà và đất)'), (2, 'Cơ sở nhà, đất khác'), (3, 'Thửa đất chưa có công trình'),
        (4, 'Xe ô tô, phương tiện'), (5, 'Máy móc, thiết bị (theo nhóm)'), (6, 'Tài sản khác')
),

by_kind as (
    select
        0 as sort_group,
        k.sort_key,
        k.loai,
        count(d.ma_tai_san)::double as so_dong,
        if(count(d.so_luong) = count(d.ma_tai_san), coalesce(sum(d.so_luong), 0), null)::double as so_luong,
        sum(d.dien_tich_dat) as dien_tich_dat,
        sum(d.dien_tich_san) as dien_tich_san,
        if(count(d.nguyen_gia) = count(d.ma_tai_san), coalesce(sum(d.nguyen_gia), 0), null) as nguyen_gia,
        count(d.ma_tai_san) filter (where d.hien_trang = 'Đang sử dụng')::double as dang_su_dung,
        count(d.ma_tai_san) filter (where d.hien_trang = 'Dôi dư')::double as doi_du
    from kinds as k
    left join danh_sach as d on d.loai = k.loai
    group by k.sort_key, k.loai
),

total as (
    select 1, null, 'Cộng', sum(so_dong), if(count(so_luong) = count(*), sum(so_luong), null), sum(dien_tich_dat),
        sum(dien_tich_san), if(count(nguyen_gia) = count(*), sum(nguyen_gia), null), sum(dang_su_dung), sum(doi_du)
    from by_kind
),

final as (
    select
        b.sort_group,
        b.sort_key,
        b.loai,
        if(s.ok, b.so_dong, null) as so_dong,
        if(s.ok, b.so_luong, null) as so_luong,
        if(s.ok, b.dien_tich_dat, null) as dien_tich_dat,
        if(s.ok, b.dien_tich_san, null) as dien_tich_san,
        if(s.ok, b.nguyen_gia, null) as nguyen_gia,
        if(s.ok, b.dang_su_dung, null) as dang_su_dung,
        if(s.ok, b.doi_du, null) as doi_du,
        if(s.ok, 100.0 * b.doi_du / nullif(b.so_dong, 0), null) as ty_le_doi_du,
        case
            when not s.ok and (select count(*) from cur_tai_san_tong_hop) > 0 then 'danh_sach'
            else concat_ws(',', if(b.so_luong is null, 'so_luong', null), if(b.nguyen_gia is null, 'nguyen_gia', null))
        end as thieu
    from (select * from by_kind union all select * from total) as b
    cross join sent as s
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

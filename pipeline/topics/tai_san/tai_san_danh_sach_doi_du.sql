-- title: Danh sách tài sản dôi dư sau sắp xếp và tình hình xử lý
-- section: II.6
-- order: 4
-- note: Các dòng có hiện trạng «Dôi dư» của danh sách tài sản, theo mã tài sản; ngày viết dd/mm/yyyy. Ô [z]: không có diện tích (đất trống, xe, thiết bị) hoặc chưa có quyết định, chưa hoàn thành xử lý.
-- not_applicable: ma_tai_san, loai, don_vi_cu, dien_tich_dat, dien_tich_san, nguyen_gia, ngay_doi_du, hinh_thuc_xu_ly, trang_thai_xu_ly, ngay_quyet_dinh, ngay_hoan_thanh
with

danh_sach as (
    select * from cur_tai_san_danh_sach
),

surplus as (
    select
        0 as sort_group,
        ma_tai_san,
        ten_tai_san,
        loai,
        don_vi_cu,
        dien_tich_dat,
        dien_tich_san,
        nguyen_gia,
        strftime(ngay_doi_du, '%d/%m/%Y') as ngay_doi_du,
        hinh_thuc_xu_ly,
        trang_thai_xu_ly,
        strftime(ngay_quyet_dinh, '%d/%m/%Y') as ngay_quyet_dinh,
        strftime(ngay_hoan_thanh, '%d/%m/%Y') as ngay_hoan_thanh
    from danh_sach
    where hien_trang = 'Dôi dư'
),

-- No surplus row: none when every unit sent its list, else the list was not sent (totals only).
nothing as (
    select 1, null,
        if(bool_and(coalesce(co_tai_san = 'Có', false)), 'Không có tài sản dôi dư',
            'Chưa có danh sách từng tài sản: đơn vị gửi số tổng hợp (bảng xử lý cơ sở nhà, đất dôi dư)'),
        null, null, null, null, null, null, null, null, null, null
    from cur_tai_san_tong_hop
    having count(*) > 0 and not exists (select 1 from surplus)
),

final as (
    select * from surplus
    union all
    select * from nothing
)

select * exclude (sort_group) from final order by sort_group, ma_tai_san

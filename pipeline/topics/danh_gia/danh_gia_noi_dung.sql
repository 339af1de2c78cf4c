-- title: Đánh giá của các đơn vị theo từng nội dung của Kế hoạch (nguyên văn)
-- section: II.9
-- order: 1
-- word: no
-- note: Nguyên văn phần đánh giá từng đơn vị gửi (kết quả, hạn chế, nguyên nhân, bài học kinh nghiệm, nhiệm vụ và giải pháp), lưu làm hồ sơ; các ô đơn vị để trống không được liệt kê.
-- column ma_don_vi: Mã đơn vị
-- column truong: Phần đánh giá
-- column van_ban: Nội dung đơn vị gửi
with

parts as (
    unpivot cur_danh_gia_danh_gia
    on ket_qua, han_che, nguyen_nhan_chu_quan, nguyen_nhan_khach_quan, bai_hoc, nhiem_vu
    into name truong value van_ban
),

final as (
    select
        muc,
        unit_code as ma_don_vi,
        truong,
        van_ban
    from parts
    order by
        muc,
        unit_code,
        list_position(['ket_qua', 'han_che', 'nguyen_nhan_chu_quan', 'nguyen_nhan_khach_quan', 'bai_hoc',
                       'nhiem_vu'], truong)
)

select * from final

-- title: Dự toán và thực hiện thu, chi ngân sách theo năm
-- source: ngan_sach
-- section: II.5
-- order: 1
-- note: Năm đầu tính từ ngày bắt đầu kỳ báo cáo; năm cuối tính đến ngày chốt số liệu. Tỷ lệ = thực hiện / dự toán × 100.
-- column ty_le_thuc_hien: Thực hiện so với dự toán | %
with

thu_chi as (
    select * from cur_ngan_sach_thu_chi
),

final as (
    select
        nam,
        ma,
        noi_dung,
        sum(du_toan) as du_toan,
        sum(thuc_hien) as thuc_hien,
        100.0 * sum(thuc_hien) / nullif(sum(du_toan), 0) as ty_le_thuc_hien,
        min(row_number) as sort_key
    from thu_chi
    group by nam, ma, noi_dung
)

select * exclude (sort_key) from final order by nam, sort_key

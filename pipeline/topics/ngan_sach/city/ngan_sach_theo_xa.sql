-- title: Thu, chi ngân sách cả kỳ báo cáo theo từng xã, phường, đặc khu
-- source: ngan_sach
-- section: II.5
-- order: 10
-- note: Cộng các năm của kỳ báo cáo (năm đầu từ ngày bắt đầu kỳ, năm cuối đến ngày chốt), dòng tổng thu (A) và tổng chi (B) của biểu. Tỷ lệ = thực hiện / dự toán × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia).
-- column thu_du_toan: Tổng thu: dự toán | triệu đồng
-- column thu_thuc_hien: Tổng thu: thực hiện | triệu đồng
-- column ty_le_thu: Thu thực hiện so với dự toán | %
-- column chi_du_toan: Tổng chi: dự toán | triệu đồng
-- column chi_thuc_hien: Tổng chi: thực hiện | triệu đồng
-- column ty_le_chi: Chi thực hiện so với dự toán | %
with

thu_chi as (
    select * from cur_ngan_sach_thu_chi
),

by_commune as (
    select
        unit_code,
        sum(du_toan) filter (where ma = 'A')::double as thu_du_toan,
        sum(thuc_hien) filter (where ma = 'A')::double as thu_thuc_hien,
        sum(du_toan) filter (where ma = 'B')::double as chi_du_toan,
        sum(thuc_hien) filter (where ma = 'B')::double as chi_thuc_hien
    from thu_chi
    group by rollup (unit_code)
),

final as (
    select
        unit_code,
        thu_du_toan,
        thu_thuc_hien,
        100.0 * thu_thuc_hien / nullif(thu_du_toan, 0) as ty_le_thu,
        chi_du_toan,
        chi_thuc_hien,
        100.0 * chi_thuc_hien / nullif(chi_du_toan, 0) as ty_le_chi
    from by_commune
)

select * from final

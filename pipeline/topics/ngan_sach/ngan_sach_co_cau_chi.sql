-- title: Cơ cấu chi ngân sách theo năm
-- source: ngan_sach
-- section: II.5
-- order: 2
-- note: Tỷ trọng = số thực hiện (hoặc dự toán) của khoản chi / tổng chi ngân sách (dòng B) × 100.
-- column ty_trong_du_toan: Tỷ trọng trong tổng chi dự toán | %
-- column ty_trong_thuc_hien: Tỷ trọng trong tổng chi thực hiện | %
with

thu_chi as (
    select * from cur_ngan_sach_thu_chi
),

lines as (
    select nam, ma, noi_dung, sum(du_toan) as du_toan, sum(thuc_hien) as thuc_hien,
        min(row_number) as sort_key
    from thu_chi
    where ma like 'B.%'
    group by nam, ma, noi_dung
),

totals as (
    select nam, sum(du_toan) as tong_du_toan, sum(thuc_hien) as tong_thuc_hien
    from thu_chi
    where ma = 'B'
    group by nam
),

final as (
    select
        l.nam,
        l.ma,
        l.noi_dung,
        l.du_toan,
        100.0 * l.du_toan / nullif(t.tong_du_toan, 0) as ty_trong_du_toan,
        l.thuc_hien,
        100.0 * l.thuc_hien / nullif(t.tong_thuc_hien, 0) as ty_trong_thuc_hien,
        l.sort_key
    from lines as l
    left join totals as t using (nam)
)

select * exclude (sort_key) from final order by nam, sort_key

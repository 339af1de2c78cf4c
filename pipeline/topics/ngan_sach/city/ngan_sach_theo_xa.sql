-- title: Thu, chi ngân sách cả kỳ báo cáo theo từng xã, phường, đặc khu
-- section: II.5
-- order: 10
-- note: Cộng các năm ngân sách của kỳ báo cáo (mỗi năm là năm dương lịch, thực hiện lũy kế đến ngày ở cột «Số liệu tính đến ngày»), dòng tổng thu (A) và tổng chi (B) của biểu; dòng tổng để trống được tính bằng tổng các dòng con khi điền đủ. Ô để trống là chưa có số liệu (một năm hoặc một xã chưa có số thì số cộng chưa có). Tỷ lệ = thực hiện / dự toán × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia), chỉ tính khi có ngày tính đến.
-- column tinh_den: Số liệu tính đến ngày (năm cuối)
-- column thu_du_toan: Tổng thu: dự toán | triệu đồng
-- column thu_thuc_hien: Tổng thu: thực hiện | triệu đồng
-- column ty_le_thu: Thu thực hiện so với dự toán | %
-- column chi_du_toan: Tổng chi: dự toán | triệu đồng
-- column chi_thuc_hien: Tổng chi: thực hiện | triệu đồng
-- column ty_le_chi: Chi thực hiện so với dự toán | %
with

thu_chi as (
    select
        unit_code, nam, ma, noi_dung, du_toan, thuc_hien, row_number,
        length(ma) - length(replace(ma, '.', '')) as depth,
        regexp_extract(ma, '^(.*)\.[^.]+$', 1) as parent
    from cur_ngan_sach_thu_chi
),

-- A blank total is the sum of its lines when every line is given (two levels: A.1 ← A.1.x, A ← A.x).
lines2 as (
    select unit_code, nam, parent as ma,
        if(count(du_toan) = count(*), sum(du_toan), null) as du_toan,
        if(count(thuc_hien) = count(*), sum(thuc_hien), null) as thuc_hien
    from thu_chi where depth = 2 group by unit_code, nam, parent
),

filled1 as (
    select t.* replace (coalesce(t.du_toan, c.du_toan) as du_toan, coalesce(t.thuc_hien, c.thuc_hien) as thuc_hien)
    from thu_chi as t left join lines2 as c on c.unit_code = t.unit_code and c.nam = t.nam and c.ma = t.ma
),

lines1 as (
    select unit_code, nam, parent as ma,
        if(count(du_toan) = count(*), sum(du_toan), null) as du_toan,
        if(count(thuc_hien) = count(*), sum(thuc_hien), null) as thuc_hien
    from filled1 where depth = 1 group by unit_code, nam, parent
),

filled as (
    select t.* replace (coalesce(t.du_toan, c.du_toan) as du_toan, coalesce(t.thuc_hien, c.thuc_hien) as thuc_hien)
    from filled1 as t left join lines1 as c on c.unit_code = t.unit_code and c.nam = t.nam and c.ma = t.ma
),

dates as (
    select unit_code, count(tinh_den) = count(*) as dated
    from cur_ngan_sach_nam
    group by rollup (unit_code)
),

last_dates as (
    select unit_code, min(tinh_den) as tu_ngay, max(tinh_den) as den_ngay
    from cur_ngan_sach_nam
    where nam = (select max(nam) from cur_ngan_sach_nam)
    group by rollup (unit_code)
),

by_commune as (
    select
        unit_code,
        if(count(du_toan) filter (where ma = 'A') = count(*) filter (where ma = 'A'),
            sum(du_toan) filter (where ma = 'A'), null)::double as thu_du_toan,
        if(count(thuc_hien) filter (where ma = 'A') = count(*) filter (where ma = 'A'),
            sum(thuc_hien) filter (where ma = 'A'), null)::double as thu_thuc_hien,
        if(count(du_toan) filter (where ma = 'B') = count(*) filter (where ma = 'B'),
            sum(du_toan) filter (where ma = 'B'), null)::double as chi_du_toan,
        if(count(thuc_hien) filter (where ma = 'B') = count(*) filter (where ma = 'B'),
            sum(thuc_hien) filter (where ma = 'B'), null)::double as chi_thuc_hien
    from filled
    group by rollup (unit_code)
),

final as (
    select
        b.unit_code,
        case
            when l.den_ngay is null then null
            when l.tu_ngay = l.den_ngay then strftime(l.den_ngay, '%d/%m/%Y')
            else strftime(l.tu_ngay, '%d/%m/%Y') || ' – ' || strftime(l.den_ngay, '%d/%m/%Y')
        end as tinh_den,
        b.thu_du_toan,
        b.thu_thuc_hien,
        if(coalesce(d.dated, false), 100.0 * b.thu_thuc_hien / nullif(b.thu_du_toan, 0), null) as ty_le_thu,
        b.chi_du_toan,
        b.chi_thuc_hien,
        if(coalesce(d.dated, false), 100.0 * b.chi_thuc_hien / nullif(b.chi_du_toan, 0), null) as ty_le_chi
    from by_commune as b
    left join dates as d on d.unit_code is not distinct from b.unit_code
    left join last_dates as l on l.unit_code is not distinct from b.unit_code
)

select * from final

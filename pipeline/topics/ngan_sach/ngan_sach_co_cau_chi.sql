-- title: Cơ cấu chi ngân sách theo năm
-- section: II.5
-- order: 3
-- note: Tỷ trọng = số thực hiện (hoặc dự toán) của khoản chi / tổng chi ngân sách (dòng B) × 100; dòng tổng để trống được tính bằng tổng các dòng con khi đơn vị điền đủ mọi dòng con. Số thực hiện lũy kế từ 01/01 đến ngày ở cột «Số liệu tính đến ngày».
-- column tinh_den: Số liệu tính đến ngày
-- column ty_trong_du_toan: Tỷ trọng trong tổng chi dự toán | %
-- column ty_trong_thuc_hien: Tỷ trọng trong tổng chi thực hiện | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
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
    select nam, count(tinh_den) = count(*) as dated, min(tinh_den) as tu_ngay, max(tinh_den) as den_ngay
    from cur_ngan_sach_nam
    group by nam
),

lines as (
    select nam, ma, noi_dung,
        if(count(du_toan) = count(*), sum(du_toan), null) as du_toan,
        if(count(thuc_hien) = count(*), sum(thuc_hien), null) as thuc_hien,
        min(row_number) as sort_key
    from filled
    where ma like 'B.%'
    group by nam, ma, noi_dung
),

totals as (
    select nam,
        if(count(du_toan) = count(*), sum(du_toan), null) as tong_du_toan,
        if(count(thuc_hien) = count(*), sum(thuc_hien), null) as tong_thuc_hien
    from filled
    where ma = 'B'
    group by nam
),

final as (
    select
        l.nam,
        l.ma,
        l.noi_dung,
        case
            when not coalesce(d.dated, false) then null
            when d.tu_ngay = d.den_ngay then strftime(d.den_ngay, '%d/%m/%Y')
            else strftime(d.tu_ngay, '%d/%m/%Y') || ' – ' || strftime(d.den_ngay, '%d/%m/%Y')
        end as tinh_den,
        l.du_toan,
        100.0 * l.du_toan / nullif(t.tong_du_toan, 0) as ty_trong_du_toan,
        l.thuc_hien,
        100.0 * l.thuc_hien / nullif(t.tong_thuc_hien, 0) as ty_trong_thuc_hien,
        if((l.du_toan is not null and t.tong_du_toan is null) or (l.thuc_hien is not null and t.tong_thuc_hien is null),
            '[x]: chưa có tổng chi ngân sách (dòng B, hoặc đủ các dòng chi để cộng): tỷ trọng không tính được.',
            null) as ghi_chu,
        concat_ws(',', if(l.du_toan is null, 'du_toan', null), if(l.thuc_hien is null, 'thuc_hien', null))
            as thieu,
        l.sort_key
    from lines as l
    left join totals as t using (nam)
    left join dates as d using (nam)
)

select * exclude (sort_key) from final order by nam, sort_key

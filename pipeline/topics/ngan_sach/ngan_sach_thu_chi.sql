-- title: Dự toán và thực hiện thu, chi ngân sách theo năm
-- section: II.5
-- order: 2
-- note: Năm ngân sách là năm dương lịch; số thực hiện lũy kế từ 01/01 đến ngày ở cột «Số liệu tính đến ngày». Dòng tổng để trống được tính bằng tổng các dòng con khi đơn vị điền đủ mọi dòng con. Tỷ lệ = thực hiện / dự toán × 100, chỉ tính khi có ngày tính đến.
-- column tinh_den: Số liệu tính đến ngày
-- column ty_le_thuc_hien: Thực hiện so với dự toán | %
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

by_line as (
    select
        nam,
        ma,
        noi_dung,
        if(count(du_toan) = count(*), sum(du_toan), null) as du_toan,
        if(count(thuc_hien) = count(*), sum(thuc_hien), null) as thuc_hien,
        min(row_number) as sort_key
    from filled
    group by nam, ma, noi_dung
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
        l.thuc_hien,
        if(coalesce(d.dated, false), 100.0 * l.thuc_hien / nullif(l.du_toan, 0), null) as ty_le_thuc_hien,
        if(l.du_toan = 0 and l.thuc_hien is not null, '[x]: dự toán bằng 0, không tính được tỷ lệ (mẫu số bằng 0).',
            null) as ghi_chu,
        concat_ws(',',
            if(coalesce(d.dated, false) or l.thuc_hien is null, null, 'tinh_den'),
            if(l.du_toan is null, 'du_toan', null),
            if(l.thuc_hien is null, 'thuc_hien', null)) as thieu,
        l.sort_key
    from by_line as l
    left join dates as d using (nam)
)

select * exclude (sort_key) from final order by nam, sort_key

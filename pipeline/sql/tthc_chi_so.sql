-- title: Các chỉ số thủ tục hành chính so với chỉ tiêu (Quyết định 766/QĐ-TTg)
-- source: tthc
-- section: II.4
-- order: 1
-- note: Tỷ lệ (%) = tử số / mẫu số × 100. Hồ sơ đúng hạn gồm hồ sơ giải quyết trước hạn và đúng hạn (kể cả rút, trả lại). Tỷ lệ trực tuyến = trực tuyến / (trực tuyến + trực tiếp, bưu chính) của hồ sơ tiếp nhận trong kỳ. Tỷ lệ số hoá = hồ sơ được số hoá / tổng số tiếp nhận. Tỷ lệ hài lòng = 1 − không hài lòng / lượt đánh giá. Hồ sơ đang giải quyết quá hạn tính tại tháng cuối của kỳ.
-- not_applicable: mau_so, so_sanh, chi_tieu, danh_gia
-- column stt: STT
-- column chi_so: Mã chỉ số
-- column ten: Chỉ số
-- column don_vi: Đơn vị tính
-- column tu_so: Tử số
-- column mau_so: Mẫu số
-- column gia_tri: Kết quả
-- column so_sanh: So sánh
-- column chi_tieu: Chỉ tiêu | %
-- column danh_gia: Đánh giá
with

ho_so as (
    select * from cur_tthc_ho_so
),

danh_muc as (
    select * from cur_tthc_danh_muc
),

targets as (
    select * from targets
),

last_month as (
    select max(strptime(thang, '%m/%Y')) as thang from ho_so
),

period as (
    select
        sum(giai_quyet_truoc_han + giai_quyet_dung_han)::double as dung_han,
        sum(giai_quyet_tong)::double as giai_quyet,
        sum(nhan_truc_tuyen)::double as truc_tuyen,
        sum(nhan_truc_tuyen + nhan_truc_tiep)::double as trong_ky,
        sum(so_hoa)::double as so_hoa,
        sum(nhan_tong)::double as nhan_tong,
        sum(thanh_toan_truc_tuyen)::double as thanh_toan,
        sum(co_phi)::double as co_phi,
        sum(luot_danh_gia - khong_hai_long)::double as hai_long,
        sum(luot_danh_gia)::double as danh_gia,
        sum(dang_qua_han) filter (where strptime(thang, '%m/%Y') = (select thang from last_month))::double
            as dang_qua_han
    from ho_so
),

catalogue as (
    select
        sum(tthc_tong)::double as tong,
        sum(tthc_cau_hinh)::double as cau_hinh,
        sum(dvc_mot_phan + dvc_toan_trinh)::double as co_dvc,
        sum(dvc_toan_trinh)::double as toan_trinh,
        sum(tthc_thanh_toan)::double as thanh_toan
    from danh_muc
),

measures as (
    select 1 as stt, 'ty_le_dung_han' as chi_so, 'Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn' as ten,
        '%' as don_vi, dung_han as tu_so, giai_quyet as mau_so from period
    union all
    select 2, 'ty_le_truc_tuyen', 'Tỷ lệ hồ sơ tiếp nhận trực tuyến', '%', truc_tuyen, trong_ky from period
    union all
    select 3, 'ty_le_so_hoa', 'Tỷ lệ hồ sơ được số hoá', '%', so_hoa, nhan_tong from period
    union all
    select 4, 'ty_le_thanh_toan', 'Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến', '%',
        thanh_toan, co_phi from period
    union all
    select 5, 'ty_le_hai_long', 'Tỷ lệ lượt đánh giá hài lòng', '%', hai_long, danh_gia from period
    union all
    select 6, 'dang_qua_han', 'Hồ sơ đang giải quyết quá hạn tại tháng cuối kỳ', 'hồ sơ', dang_qua_han, null
    from period
    union all
    select 7, 'ty_le_cau_hinh', 'Tỷ lệ TTHC đã cấu hình trên Hệ thống giải quyết TTHC', '%', cau_hinh, tong
    from catalogue
    union all
    select 8, 'ty_le_co_dvc', 'Tỷ lệ TTHC có dịch vụ công trực tuyến (một phần và toàn trình)', '%',
        co_dvc, tong from catalogue
    union all
    select 9, 'ty_le_toan_trinh', 'Tỷ lệ TTHC có dịch vụ công trực tuyến toàn trình', '%', toan_trinh, tong
    from catalogue
    union all
    select 10, 'ty_le_tthc_thanh_toan', 'Tỷ lệ TTHC có thanh toán trực tuyến', '%', thanh_toan, tong
    from catalogue
),

joined as (
    select
        m.stt,
        m.chi_so,
        m.ten,
        m.don_vi,
        m.tu_so,
        m.mau_so,
        case
            when m.don_vi <> '%' then m.tu_so
            when m.mau_so is null or m.mau_so = 0 then null
            else 100.0 * m.tu_so / m.mau_so
        end as gia_tri,
        t.nguong as chi_tieu,
        t.so_sanh
    from measures as m
    left join targets as t using (chi_so)
),

final as (
    select
        stt, chi_so, ten, don_vi, tu_so, mau_so, gia_tri,
        replace(replace(so_sanh, '>=', '≥'), '<=', '≤') as so_sanh,
        chi_tieu,
        case
            when chi_tieu is null then null
            when gia_tri is null then 'Không đánh giá được'
            when so_sanh = '>=' and gia_tri >= chi_tieu then 'Đạt'
            when so_sanh = '<=' and gia_tri <= chi_tieu then 'Đạt'
            else 'Chưa đạt'
        end as danh_gia
    from joined
)

select * from final order by stt

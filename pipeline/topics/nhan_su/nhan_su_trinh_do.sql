-- title: Cơ cấu trình độ chuyên môn của cán bộ, công chức, viên chức, người lao động
-- source: nhan_su
-- section: II.3
-- order: 2
-- note: Tỷ lệ = số người của trình độ / tổng số hiện có × 100.
-- column truong: Trình độ chuyên môn
-- column so_nguoi: Số người | người
-- column ty_le: Tỷ lệ | %
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

sums as (
    select
        sum(td_duoi_cao_dang)::double as td_duoi_cao_dang,
        sum(td_cao_dang)::double as td_cao_dang,
        sum(td_dai_hoc)::double as td_dai_hoc,
        sum(td_thac_si)::double as td_thac_si,
        sum(td_tien_si)::double as td_tien_si
    from can_bo
),

long as (
    select 1 as stt, 'td_duoi_cao_dang' as truong, td_duoi_cao_dang as so_nguoi from sums
    union all select 2, 'td_cao_dang', td_cao_dang from sums
    union all select 3, 'td_dai_hoc', td_dai_hoc from sums
    union all select 4, 'td_thac_si', td_thac_si from sums
    union all select 5, 'td_tien_si', td_tien_si from sums
),

final as (
    select
        stt,
        truong,
        so_nguoi,
        100.0 * so_nguoi / nullif(sum(so_nguoi) over (), 0) as ty_le
    from long
)

select * exclude (stt) from final order by stt

-- title: Cơ cấu trình độ chuyên môn của cán bộ, công chức, viên chức, người lao động
-- section: II.3
-- order: 2
-- note: Số của cả đơn vị hành chính (dòng «Toàn …», hoặc tổng các cơ quan khi mọi cơ quan đều có số). Tỷ lệ = số người của trình độ / tổng số hiện có × 100.
-- column truong: Trình độ chuyên môn
-- column so_nguoi: Số người | người
-- column ty_le: Tỷ lệ | %
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

bodies as (
    select * from can_bo where co_quan not like 'Toàn %'
),

whole as (
    select * from can_bo where co_quan like 'Toàn %'
),

body_sums as (
    select
        submission_id,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(td_duoi_cao_dang) < count(*) then null else sum(td_duoi_cao_dang) end::double as td_duoi_cao_dang,
        case when count(td_cao_dang) < count(*) then null else sum(td_cao_dang) end::double as td_cao_dang,
        case when count(td_dai_hoc) < count(*) then null else sum(td_dai_hoc) end::double as td_dai_hoc,
        case when count(td_thac_si) < count(*) then null else sum(td_thac_si) end::double as td_thac_si,
        case when count(td_tien_si) < count(*) then null else sum(td_tien_si) end::double as td_tien_si
    from bodies
    group by submission_id
),

unit_whole as (
    select
        coalesce(w.hien_co::double, b.hien_co) as hien_co,
        coalesce(w.td_duoi_cao_dang::double, b.td_duoi_cao_dang) as td_duoi_cao_dang,
        coalesce(w.td_cao_dang::double, b.td_cao_dang) as td_cao_dang,
        coalesce(w.td_dai_hoc::double, b.td_dai_hoc) as td_dai_hoc,
        coalesce(w.td_thac_si::double, b.td_thac_si) as td_thac_si,
        coalesce(w.td_tien_si::double, b.td_tien_si) as td_tien_si
    from (select distinct submission_id from can_bo) s
    left join whole w using (submission_id)
    left join body_sums b using (submission_id)
),

sums as (
    select
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(td_duoi_cao_dang) < count(*) then null else sum(td_duoi_cao_dang) end::double as td_duoi_cao_dang,
        case when count(td_cao_dang) < count(*) then null else sum(td_cao_dang) end::double as td_cao_dang,
        case when count(td_dai_hoc) < count(*) then null else sum(td_dai_hoc) end::double as td_dai_hoc,
        case when count(td_thac_si) < count(*) then null else sum(td_thac_si) end::double as td_thac_si,
        case when count(td_tien_si) < count(*) then null else sum(td_tien_si) end::double as td_tien_si
    from unit_whole
),

long as (
    select 1 as stt, 'td_duoi_cao_dang' as truong, td_duoi_cao_dang as so_nguoi, hien_co from sums
    union all select 2, 'td_cao_dang', td_cao_dang, hien_co from sums
    union all select 3, 'td_dai_hoc', td_dai_hoc, hien_co from sums
    union all select 4, 'td_thac_si', td_thac_si, hien_co from sums
    union all select 5, 'td_tien_si', td_tien_si, hien_co from sums
),

final as (
    select
        stt,
        truong,
        so_nguoi,
        100.0 * so_nguoi / nullif(hien_co, 0) as ty_le,
        null::varchar as ghi_chu,
        concat_ws(',', case when so_nguoi is null then truong end,
                  case when hien_co is null then 'hien_co' end) as thieu
    from long
)

select * exclude (stt) from final order by stt

-- title: Số lượng cán bộ, công chức, viên chức, người lao động so với biên chế theo cơ quan, đơn vị
-- section: II.3
-- order: 1
-- note: Số liệu tại ngày chốt. Dòng «Cộng» là số của cả đơn vị hành chính (dòng «Toàn …» của biểu); ô nào của dòng đó để trống thì lấy tổng các cơ quan khi mọi cơ quan đều có số đó (thiếu một cơ quan thì chưa tính được, không tính là 0). Tỷ lệ so với biên chế = số hiện có / biên chế được giao × 100. Số đã nghỉ tính từ 01/7/2025.
-- column ty_le_bien_che: Số hiện có so với biên chế | %
-- column ty_le_dung_vtvl: Tỷ lệ bố trí đúng vị trí việc làm | %
-- column so_nghi: Tổng số đã nghỉ, chuyển công tác | người
-- column ghi_chu: Ghi chú
-- not_applicable: ghi_chu
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

-- the bodies' rows; the whole commune's row is the last fixed row, «Toàn {don_vi}» (nhan_su/template.py WHOLE)
bodies as (
    select * from can_bo where co_quan not like 'Toàn %'
),

whole as (
    select * from can_bo where co_quan like 'Toàn %'
),

-- a figure summed over rows is known only when every row gave it (blank is unknown, never 0)
by_body as (
    select
        0 as sort_group,
        min(row_number) as sort_key,
        co_quan,
        case when count(bien_che) < count(*) then null else sum(bien_che) end::double as bien_che,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(can_bo) < count(*) then null else sum(can_bo) end::double as can_bo,
        case when count(cong_chuc) < count(*) then null else sum(cong_chuc) end::double as cong_chuc,
        case when count(vien_chuc) < count(*) then null else sum(vien_chuc) end::double as vien_chuc,
        case when count(hop_dong) < count(*) then null else sum(hop_dong) end::double as hop_dong,
        case when count(khong_chuyen_trach) < count(*) then null else sum(khong_chuyen_trach) end::double as khong_chuyen_trach,
        case when count(dung_vtvl) < count(*) then null else sum(dung_vtvl) end::double as dung_vtvl,
        case when count(nghi_huu_truoc_tuoi) < count(*) then null else sum(nghi_huu_truoc_tuoi) end::double as nghi_huu_truoc_tuoi,
        case when count(thoi_viec) < count(*) then null else sum(thoi_viec) end::double as thoi_viec,
        case when count(chuyen_cong_tac) < count(*) then null else sum(chuyen_cong_tac) end::double as chuyen_cong_tac,
        case when count(doi_du) < count(*) then null else sum(doi_du) end::double as doi_du,
        case when count(thieu_nguoi) < count(*) then null else sum(thieu_nguoi) end::double as thieu_nguoi,
        case when count(thieu_vi_tri) < count(*) then null else sum(thieu_vi_tri) end::double as thieu_vi_tri
    from bodies
    group by co_quan
),

body_sums as (
    select
        submission_id,
        case when count(bien_che) < count(*) then null else sum(bien_che) end::double as bien_che,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(can_bo) < count(*) then null else sum(can_bo) end::double as can_bo,
        case when count(cong_chuc) < count(*) then null else sum(cong_chuc) end::double as cong_chuc,
        case when count(vien_chuc) < count(*) then null else sum(vien_chuc) end::double as vien_chuc,
        case when count(hop_dong) < count(*) then null else sum(hop_dong) end::double as hop_dong,
        case when count(khong_chuyen_trach) < count(*) then null else sum(khong_chuyen_trach) end::double as khong_chuyen_trach,
        case when count(dung_vtvl) < count(*) then null else sum(dung_vtvl) end::double as dung_vtvl,
        case when count(nghi_huu_truoc_tuoi) < count(*) then null else sum(nghi_huu_truoc_tuoi) end::double as nghi_huu_truoc_tuoi,
        case when count(thoi_viec) < count(*) then null else sum(thoi_viec) end::double as thoi_viec,
        case when count(chuyen_cong_tac) < count(*) then null else sum(chuyen_cong_tac) end::double as chuyen_cong_tac,
        case when count(doi_du) < count(*) then null else sum(doi_du) end::double as doi_du,
        case when count(thieu_nguoi) < count(*) then null else sum(thieu_nguoi) end::double as thieu_nguoi,
        case when count(thieu_vi_tri) < count(*) then null else sum(thieu_vi_tri) end::double as thieu_vi_tri
    from bodies
    group by submission_id
),

-- each unit's whole: its «Toàn …» row where given, else the sum of its bodies when all are given
unit_whole as (
    select

        coalesce(w.bien_che::double, b.bien_che) as bien_che,
        coalesce(w.hien_co::double, b.hien_co) as hien_co,
        coalesce(w.can_bo::double, b.can_bo) as can_bo,
        coalesce(w.cong_chuc::double, b.cong_chuc) as cong_chuc,
        coalesce(w.vien_chuc::double, b.vien_chuc) as vien_chuc,
        coalesce(w.hop_dong::double, b.hop_dong) as hop_dong,
        coalesce(w.khong_chuyen_trach::double, b.khong_chuyen_trach) as khong_chuyen_trach,
        coalesce(w.dung_vtvl::double, b.dung_vtvl) as dung_vtvl,
        coalesce(w.nghi_huu_truoc_tuoi::double, b.nghi_huu_truoc_tuoi) as nghi_huu_truoc_tuoi,
        coalesce(w.thoi_viec::double, b.thoi_viec) as thoi_viec,
        coalesce(w.chuyen_cong_tac::double, b.chuyen_cong_tac) as chuyen_cong_tac,
        coalesce(w.doi_du::double, b.doi_du) as doi_du,
        coalesce(w.thieu_nguoi::double, b.thieu_nguoi) as thieu_nguoi,
        coalesce(w.thieu_vi_tri::double, b.thieu_vi_tri) as thieu_vi_tri
    from (select distinct submission_id from can_bo) s
    left join whole w using (submission_id)
    left join body_sums b using (submission_id)
),

total as (
    select
        1 as sort_group,
        null as sort_key,
        'Cộng' as co_quan,
        case when count(bien_che) < count(*) then null else sum(bien_che) end::double as bien_che,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(can_bo) < count(*) then null else sum(can_bo) end::double as can_bo,
        case when count(cong_chuc) < count(*) then null else sum(cong_chuc) end::double as cong_chuc,
        case when count(vien_chuc) < count(*) then null else sum(vien_chuc) end::double as vien_chuc,
        case when count(hop_dong) < count(*) then null else sum(hop_dong) end::double as hop_dong,
        case when count(khong_chuyen_trach) < count(*) then null else sum(khong_chuyen_trach) end::double as khong_chuyen_trach,
        case when count(dung_vtvl) < count(*) then null else sum(dung_vtvl) end::double as dung_vtvl,
        case when count(nghi_huu_truoc_tuoi) < count(*) then null else sum(nghi_huu_truoc_tuoi) end::double as nghi_huu_truoc_tuoi,
        case when count(thoi_viec) < count(*) then null else sum(thoi_viec) end::double as thoi_viec,
        case when count(chuyen_cong_tac) < count(*) then null else sum(chuyen_cong_tac) end::double as chuyen_cong_tac,
        case when count(doi_du) < count(*) then null else sum(doi_du) end::double as doi_du,
        case when count(thieu_nguoi) < count(*) then null else sum(thieu_nguoi) end::double as thieu_nguoi,
        case when count(thieu_vi_tri) < count(*) then null else sum(thieu_vi_tri) end::double as thieu_vi_tri
    from unit_whole
),

final as (
    select
        sort_group,
        sort_key,
        co_quan,
        bien_che,
        hien_co,
        100.0 * hien_co / nullif(bien_che, 0) as ty_le_bien_che,
        can_bo,
        cong_chuc,
        vien_chuc,
        hop_dong,
        khong_chuyen_trach,
        dung_vtvl,
        100.0 * dung_vtvl / nullif(hien_co, 0) as ty_le_dung_vtvl,
        nghi_huu_truoc_tuoi,
        thoi_viec,
        chuyen_cong_tac,
        nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac as so_nghi,
        doi_du,
        thieu_nguoi,
        thieu_vi_tri,
        null::varchar as ghi_chu,
        concat_ws(',', case when bien_che is null then 'bien_che' end, case when hien_co is null then 'hien_co' end, case when can_bo is null then 'can_bo' end, case when cong_chuc is null then 'cong_chuc' end, case when vien_chuc is null then 'vien_chuc' end, case when hop_dong is null then 'hop_dong' end, case when khong_chuyen_trach is null then 'khong_chuyen_trach' end, case when dung_vtvl is null then 'dung_vtvl' end, case when nghi_huu_truoc_tuoi is null then 'nghi_huu_truoc_tuoi' end, case when thoi_viec is null then 'thoi_viec' end, case when chuyen_cong_tac is null then 'chuyen_cong_tac' end, case when doi_du is null then 'doi_du' end, case when thieu_nguoi is null then 'thieu_nguoi' end, case when thieu_vi_tri is null then 'thieu_vi_tri' end) as thieu
    from (select * from by_body union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

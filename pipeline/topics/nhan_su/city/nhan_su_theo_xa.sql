-- title: Số lượng cán bộ, công chức, viên chức, người lao động so với biên chế theo từng xã, phường, đặc khu
-- section: II.3
-- order: 10
-- note: Số liệu tại ngày chốt của từng xã: dòng «Toàn …» của biểu, ô nào để trống thì cộng các cơ quan, đơn vị khi mọi cơ quan đều có số (thiếu thì chưa tính được, không tính là 0). Tỷ lệ so với biên chế = số hiện có / biên chế được giao × 100, tính trên số cộng (dòng «Cộng»: cộng các xã đã gửi rồi mới chia, không lấy bình quân tỷ lệ của các xã).
-- column ty_le_bien_che: Số hiện có so với biên chế | %
-- column ty_le_dung_vtvl: Tỷ lệ bố trí đúng vị trí việc làm | %
-- column so_nghi: Đã nghỉ, chuyển công tác | người
with

can_bo as (
    select * from cur_nhan_su_can_bo
),

-- the whole commune's row is «Toàn {don_vi}» (nhan_su/template.py WHOLE); a sum over rows is known only
-- when every row gave the figure (blank is unknown, never 0)
bodies as (
    select
        unit_code,
        case when count(bien_che) < count(*) then null else sum(bien_che) end::double as bien_che,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(dung_vtvl) < count(*) then null else sum(dung_vtvl) end::double as dung_vtvl,
        case when count(nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac) < count(*) then null else sum(nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac) end::double as so_nghi
    from can_bo
    where co_quan not like 'Toàn %'
    group by unit_code
),

whole as (
    select
        unit_code,
        max(bien_che)::double as bien_che,
        max(hien_co)::double as hien_co,
        max(dung_vtvl)::double as dung_vtvl,
        max(nghi_huu_truoc_tuoi + thoi_viec + chuyen_cong_tac)::double as so_nghi
    from can_bo
    where co_quan like 'Toàn %'
    group by unit_code
),

each_commune as (
    select
        unit_code,
        coalesce(w.bien_che, b.bien_che) as bien_che,
        coalesce(w.hien_co, b.hien_co) as hien_co,
        coalesce(w.dung_vtvl, b.dung_vtvl) as dung_vtvl,
        coalesce(w.so_nghi, b.so_nghi) as so_nghi
    from (select distinct unit_code from can_bo) u
    left join whole w using (unit_code)
    left join bodies b using (unit_code)
),

by_commune as (
    select * from each_commune
    union all
    select
        null,
        case when count(bien_che) < count(*) then null else sum(bien_che) end::double as bien_che,
        case when count(hien_co) < count(*) then null else sum(hien_co) end::double as hien_co,
        case when count(dung_vtvl) < count(*) then null else sum(dung_vtvl) end::double as dung_vtvl,
        case when count(so_nghi) < count(*) then null else sum(so_nghi) end::double as so_nghi
    from each_commune
),

final as (
    select
        unit_code,
        bien_che,
        hien_co,
        100.0 * hien_co / nullif(bien_che, 0) as ty_le_bien_che,
        dung_vtvl,
        100.0 * dung_vtvl / nullif(hien_co, 0) as ty_le_dung_vtvl,
        so_nghi
    from by_commune
)

select * from final

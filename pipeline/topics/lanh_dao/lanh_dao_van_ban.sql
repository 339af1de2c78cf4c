-- title: Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành theo cơ quan ban hành và loại văn bản
-- section: II.1
-- order: 1
-- note: Văn bản ban hành từ ngày bắt đầu kỳ báo cáo đến ngày chốt số liệu. Dòng «Cộng» chỉ tính được khi mọi dòng cộng vào đều có số (dòng để trống là chưa có số liệu, không tính là 0). Dòng «Cộng» của từng cơ quan cộng các loại văn bản của cơ quan đó. Văn bản quy phạm pháp luật chỉ có ở Nghị quyết của HĐND và Quyết định của UBND. Tỷ lệ có chữ ký số = văn bản ban hành điện tử có chữ ký số / tổng số × 100.
-- not_applicable: qppl, ghi_chu
-- column ty_le_ky_so: Tỷ lệ ban hành điện tử có chữ ký số | %
-- column ghi_chu: Ghi chú
with

van_ban as (
    select * from cur_lanh_dao_van_ban
),

by_kind as (
    select
        0 as sort_group,
        min(row_number)::double as sort_key,
        co_quan,
        loai_van_ban,
        case when count(tong_so) < count(*) then null else sum(tong_so) end::double as tong_so,
        sum(qppl)::double as qppl,
        case when count(chi_dao_02_cap) < count(*) then null else sum(chi_dao_02_cap) end::double as chi_dao_02_cap,
        case when count(ky_so) < count(*) then null else sum(ky_so) end::double as ky_so
    from van_ban
    group by co_quan, loai_van_ban
),

by_issuer as (
    select 0, max(sort_key) + 0.5, co_quan, 'Cộng', case when count(tong_so) < count(*) then null else sum(tong_so) end, sum(qppl), case when count(chi_dao_02_cap) < count(*) then null else sum(chi_dao_02_cap) end, case when count(ky_so) < count(*) then null else sum(ky_so) end
    from by_kind
    group by co_quan
    having count(*) > 1
),

total as (
    select 1, null, 'Cộng', 'Tất cả các loại', case when count(tong_so) < count(*) then null else sum(tong_so) end, sum(qppl), case when count(chi_dao_02_cap) < count(*) then null else sum(chi_dao_02_cap) end, case when count(ky_so) < count(*) then null else sum(ky_so) end
    from by_kind
),

final as (
    select
        sort_group,
        sort_key,
        co_quan,
        loai_van_ban,
        tong_so,
        qppl,
        chi_dao_02_cap,
        ky_so,
        100.0 * ky_so / nullif(tong_so, 0) as ty_le_ky_so,
        null::varchar as ghi_chu,
        concat_ws(',', case when tong_so is null then 'tong_so' end, case when chi_dao_02_cap is null then
                  'chi_dao_02_cap' end, case when ky_so is null then 'ky_so' end) as thieu
    from (select * from by_kind union all select * from by_issuer union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

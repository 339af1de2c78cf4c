-- title: Văn bản lãnh đạo, chỉ đạo, điều hành đã ban hành theo cơ quan ban hành và loại văn bản
-- source: lanh_dao
-- section: II.1
-- order: 1
-- note: Văn bản ban hành từ ngày bắt đầu kỳ báo cáo đến ngày chốt số liệu. Dòng «Cộng» của từng cơ quan cộng các loại văn bản của cơ quan đó. Văn bản quy phạm pháp luật chỉ có ở Nghị quyết của HĐND và Quyết định của UBND. Tỷ lệ có chữ ký số = văn bản ban hành điện tử có chữ ký số / tổng số × 100.
-- not_applicable: qppl
-- column ty_le_ky_so: Tỷ lệ ban hành điện tử có chữ ký số | %
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
        sum(tong_so)::double as tong_so,
        sum(qppl)::double as qppl,
        sum(chi_dao_02_cap)::double as chi_dao_02_cap,
        sum(ky_so)::double as ky_so
    from van_ban
    group by co_quan, loai_van_ban
),

by_issuer as (
    select 0, max(sort_key) + 0.5, co_quan, 'Cộng', sum(tong_so), sum(qppl), sum(chi_dao_02_cap), sum(ky_so)
    from by_kind
    group by co_quan
    having count(*) > 1
),

total as (
    select 1, null, 'Cộng', 'Tất cả các loại', sum(tong_so), sum(qppl), sum(chi_dao_02_cap), sum(ky_so)
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
        100.0 * ky_so / nullif(tong_so, 0) as ty_le_ky_so
    from (select * from by_kind union all select * from by_issuer union all select * from total)
)

select * exclude (sort_group, sort_key) from final order by sort_group, sort_key

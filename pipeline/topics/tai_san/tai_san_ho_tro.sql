-- title: Phòng họp trực tuyến và hỗ trợ đi lại, nhà ở cho cán bộ, công chức, viên chức
-- section: II.6
-- order: 3
-- note: Bình quân = kinh phí hỗ trợ / số người được hỗ trợ.
-- column binh_quan_di_lai: Bình quân hỗ trợ đi lại | triệu đồng/người
-- column binh_quan_nha_o: Bình quân hỗ trợ nhà ở | triệu đồng/người
with

tong_hop as (
    select * from cur_tai_san_tong_hop
),

sums as (
    select
        sum(phong_hop_truc_tuyen)::double as phong_hop_truc_tuyen,
        sum(ho_tro_di_lai)::double as ho_tro_di_lai,
        sum(kinh_phi_di_lai) as kinh_phi_di_lai,
        sum(ho_tro_nha_o)::double as ho_tro_nha_o,
        sum(kinh_phi_nha_o) as kinh_phi_nha_o
    from tong_hop
),

final as (
    select
        phong_hop_truc_tuyen,
        ho_tro_di_lai,
        kinh_phi_di_lai,
        kinh_phi_di_lai / nullif(ho_tro_di_lai, 0) as binh_quan_di_lai,
        ho_tro_nha_o,
        kinh_phi_nha_o,
        kinh_phi_nha_o / nullif(ho_tro_nha_o, 0) as binh_quan_nha_o
    from sums
)

select * from final

-- title: Xác nhận danh sách nhiệm vụ và văn bản kiến nghị cấp trên tháo gỡ
-- section: II.2
-- order: 4
-- note: «Có nhiệm vụ … trong kỳ» = «Không» khi không nhận nhiệm vụ nào được phân cấp, phân quyền, ủy quyền (danh sách để trống có chủ đích). Tỷ lệ đã trả lời = văn bản đã được trả lời, hướng dẫn / văn bản kiến nghị đã gửi × 100.
-- column ty_le_da_tra_loi: Tỷ lệ văn bản kiến nghị đã được trả lời | %
with

tong_hop as (
    select * from cur_phan_cap_tong_hop
),

final as (
    select
        if(count(*) = 0, null, if(bool_or(co_nhiem_vu = 'Có'), 'Có', 'Không')) as co_nhiem_vu,
        sum(van_ban_kien_nghi)::double as van_ban_kien_nghi,
        sum(van_ban_da_tra_loi)::double as van_ban_da_tra_loi,
        100.0 * sum(van_ban_da_tra_loi) / nullif(sum(van_ban_kien_nghi), 0) as ty_le_da_tra_loi
    from tong_hop
)

select * from final

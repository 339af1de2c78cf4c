"""Demo figures («SỐ LIỆU MINH HỌA») of decentralisation: the tasks received from the city, their
state and proposals.

Called by the demo engine (pipeline/demo.py) with a generator seeded per template and unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.model import fill
from pipeline.topics.phan_cap import template as dc

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    from pipeline.core.config import Config


# (task, source, field of work, form, legal basis, procedures, state, difficulty, proposal)
_TASKS = (
    ("Đăng ký khai sinh, khai tử, kết hôn có yếu tố nước ngoài", 1, "Tư pháp", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tư pháp (2025)", 6, 1,
     "Công chức tư pháp – hộ tịch chưa quen nghiệp vụ có yếu tố nước ngoài; thiếu người dịch.",
     "Đề nghị Sở Tư pháp tổ chức tập huấn chuyên sâu và ban hành quy trình mẫu."),
    ("Chứng thực hợp đồng, giao dịch liên quan đến bất động sản", 1, "Tư pháp", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tư pháp (2025)", 4, 0, "", ""),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân", 1, "Nông nghiệp và môi trường",
     "Phân quyền", "Nghị định số 151/2025/NĐ-CP của Chính phủ", 5, 1,
     "Hồ sơ địa chính của các đơn vị hành chính cũ chưa đồng bộ, nhiều thửa chưa được số hóa.",
     "Đề nghị thành phố hỗ trợ kinh phí chỉnh lý, số hóa hồ sơ địa chính."),
    ("Giao đất, cho thuê đất đối với hộ gia đình, cá nhân", 1, "Nông nghiệp và môi trường", "Phân quyền",
     "Nghị định số 151/2025/NĐ-CP của Chính phủ", 3, 0, "", ""),
    ("Thu hồi đất, bồi thường, hỗ trợ tái định cư trên địa bàn {don_vi}", 0, "Nông nghiệp và môi trường",
     "Phân quyền", "Luật Tổ chức chính quyền địa phương số 72/2025/QH15; Luật Đất đai", 2, 1,
     "Thiếu cán bộ có chuyên môn định giá đất, bồi thường; khối lượng công việc lớn.",
     "Đề nghị bổ sung biên chế công chức địa chính và hướng dẫn trình tự thu hồi đất cấp xã."),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", 1, "Xây dựng", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực xây dựng (2025)", 3, 0, "", ""),
    ("Quản lý, bảo trì đường giao thông và cầu trên địa bàn {don_vi}", 4, "Xây dựng", "Phân cấp",
     "Quyết định của UBND thành phố về phân cấp quản lý đường bộ (2025)", 0, 0, "", ""),
    ("Thẩm định, phê duyệt quy hoạch trên địa bàn {don_vi}", 3, "Xây dựng", "Phân cấp",
     "Nghị quyết của HĐND thành phố về phân cấp quy hoạch (2025)", 1, 2,
     "Chưa có hướng dẫn về hồ sơ, định mức chi phí lập quy hoạch sau sắp xếp.",
     "Đề nghị Sở Xây dựng sớm ban hành hướng dẫn."),
    ("Cấp giấy chứng nhận đăng ký hộ kinh doanh", 1, "Tài chính", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực tài chính (2025)", 4, 0, "", ""),
    ("Quyết định đầu tư dự án nhóm C sử dụng vốn ngân sách {don_vi}", 3, "Tài chính", "Phân cấp",
     "Nghị quyết của HĐND thành phố về phân cấp quản lý đầu tư công (2025)", 0, 0, "", ""),
    ("Giải quyết chế độ trợ cấp xã hội hằng tháng cho đối tượng bảo trợ xã hội", 1, "Nội vụ", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực nội vụ (2025)", 5, 0, "", ""),
    ("Xác nhận, giải quyết chế độ đối với người có công với cách mạng", 2, "Nội vụ", "Phân cấp",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực nội vụ (2025)", 7, 1,
     "Hồ sơ người có công lưu tại huyện cũ bàn giao chưa đầy đủ.",
     "Đề nghị Sở Nội vụ hoàn thiện bàn giao hồ sơ gốc cho {don_vi}."),
    ("Tuyển dụng, quản lý viên chức đơn vị sự nghiệp công lập thuộc {don_vi}", 4, "Nội vụ", "Ủy quyền",
     "Quyết định của Chủ tịch UBND thành phố về ủy quyền quản lý viên chức (2025)", 2, 2,
     "Chưa có hướng dẫn về vị trí việc làm của đơn vị sự nghiệp cấp xã.",
     "Đề nghị thành phố ban hành khung vị trí việc làm."),
    ("Cấp giấy phép kinh doanh karaoke, vũ trường", 1, "Văn hóa, thể thao và du lịch", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực văn hóa (2025)", 2, 0, "", ""),
    ("Công nhận danh hiệu gia đình văn hóa, thôn, tổ dân phố văn hóa", 4, "Văn hóa, thể thao và du lịch",
     "Phân cấp", "Quyết định của UBND thành phố về phân cấp (2025)", 1, 0, "", ""),
    ("Cho phép thành lập, sáp nhập, giải thể trường mầm non, tiểu học, trung học cơ sở tư thục", 1,
     "Giáo dục và đào tạo", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực giáo dục (2025)", 3, 1,
     "Thiếu công chức chuyên trách giáo dục để thẩm định điều kiện.",
     "Đề nghị Sở Giáo dục và Đào tạo hỗ trợ thẩm định trong năm đầu."),
    ("Quản lý trạm y tế {don_vi} và công tác y tế dự phòng", 4, "Y tế", "Phân cấp",
     "Quyết định của UBND thành phố về phân cấp quản lý y tế cơ sở (2025)", 0, 0, "", ""),
    ("Cấp giấy phép bán lẻ rượu, thuốc lá", 2, "Công Thương", "Ủy quyền",
     "Quyết định của UBND thành phố về ủy quyền lĩnh vực công thương (2025)", 2, 0, "", ""),
    ("Quản lý nhà nước về tín ngưỡng, tôn giáo trên địa bàn {don_vi}", 1, "Dân tộc và tôn giáo", "Phân quyền",
     "Nghị định của Chính phủ phân định thẩm quyền lĩnh vực dân tộc, tôn giáo (2025)", 2, 0, "", ""),
    ("Vận hành Trung tâm Phục vụ hành chính công {don_vi} và chuyển đổi số cấp xã", 4,
     "Khoa học, công nghệ và chuyển đổi số", "Phân cấp",
     "Quyết định của UBND thành phố về Trung tâm Phục vụ hành chính công (2025)", 0, 1,
     "Đường truyền và thiết bị tại điểm tiếp nhận của đơn vị hành chính cũ chưa bảo đảm.",
     "Đề nghị thành phố đầu tư đồng bộ thiết bị cho điểm tiếp nhận."),
)


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
    rows = []
    for number, (name, source, field, form, basis, procedures, state, difficulty, proposal) in enumerate(_TASKS, 1):
        rows.append({"stt": number, "ten_nhiem_vu": fill(name, config), "nguon": dc.SOURCES[source],
                     "linh_vuc": field, "hinh_thuc": form, "can_cu": basis, "so_tthc": procedures,
                     "tinh_trang": dc.STATES[state], "kho_khan": difficulty or None,
                     "de_xuat": fill(proposal, config) or None})
    sent = sum(1 for r in rows if r["de_xuat"]) + rng.randint(0, 2)
    return {"nhiem_vu": rows, "tong_hop": [{"co_nhiem_vu": "Có", "van_ban_kien_nghi": sent,
                                           "van_ban_da_tra_loi": sent - rng.randint(1, 3)}]}

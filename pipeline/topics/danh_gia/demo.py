"""Demo assessments: each unit assesses the sections its numeric templates feed, in plausible
Vietnamese (a few paragraphs, "- " bullet lines) and proposes something to each level."""

from __future__ import annotations

import random
from collections.abc import Callable

from pipeline.core.config import Config
from pipeline.core.model import fill
from pipeline.topics.danh_gia.template import LEVELS, OTHER_FIELD, SECTIONS

# The template ids whose section a unit leads: known here by the plan's section of each numeric
# template (the demo may name other topics' ids; it never imports them).
_LEADS = {"lanh_dao": "II.1", "phan_cap": "II.2", "nhan_su": "II.3", "tthc": "II.4", "ngan_sach": "II.5",
          "tai_san": "II.6", "ha_tang_so": "II.7", "so_hoa": "II.8"}

_RESULTS = (
    "Sau 01 năm vận hành chính quyền địa phương 02 cấp, {what} cơ bản đi vào nền nếp, đáp ứng yêu cầu "
    "phục vụ người dân và doanh nghiệp. {Unit} đã chủ động tham mưu ban hành kế hoạch, phân công rõ người, "
    "rõ việc, rõ thời hạn.",
    "- Hoàn thành {pct}% nhiệm vụ được giao trong kỳ.\n- Không để phát sinh việc tồn đọng kéo dài.\n"
    "- Phối hợp chặt chẽ với các cơ quan, đơn vị liên quan.",
    "Công tác kiểm tra, đôn đốc được duy trì thường xuyên; các khó khăn phát sinh được tổng hợp, báo cáo "
    "kịp thời để lãnh đạo UBND {don_vi} chỉ đạo tháo gỡ.",
)
_LIMITS = (
    "Khối lượng công việc về {what} tăng nhiều so với trước khi sắp xếp, trong khi số công chức còn thiếu "
    "và chưa đồng đều về chuyên môn.",
    "- Một số văn bản hướng dẫn của cấp trên ban hành chậm.\n- Hạ tầng, trang thiết bị chưa đáp ứng đầy đủ.",
)
_CAUSES_OWN = "Một bộ phận công chức chưa chủ động nghiên cứu văn bản mới; việc phối hợp có lúc chưa kịp thời."
_CAUSES_OUT = "Quy định pháp luật trong giai đoạn chuyển tiếp thay đổi nhiều; nguồn lực được phân bổ còn hạn chế."
_LESSONS = ("- Bám sát sự lãnh đạo của Đảng ủy, sự chỉ đạo của UBND {don_vi}.\n"
            "- Phân công rõ trách nhiệm, kiểm tra, đôn đốc thường xuyên.")
_TASKS = (
    "Tiếp tục nâng cao chất lượng {what}, tập trung vào các nhiệm vụ trọng tâm sau:",
    "- Rà soát, kiện toàn quy trình nội bộ trong quý III.\n- Bồi dưỡng kỹ năng cho công chức phụ trách.\n"
    "- Tăng cường ứng dụng công nghệ thông tin trong theo dõi, báo cáo.",
)
_PROPOSALS = dict(zip(LEVELS, (
    "Đề nghị các bộ, ngành Trung ương sớm ban hành hướng dẫn thống nhất, cụ thể về {what}.",
    "Đề nghị UBND {province} bổ sung biên chế và kinh phí bảo đảm thực hiện nhiệm vụ {what}.",
    "Đề nghị UBND {don_vi} bố trí thêm trang thiết bị phục vụ {what} tại {unit}.",
), strict=True))


def _paragraphs(parts: tuple[str, ...], rng: random.Random, **words: str) -> str:
    chosen = list(parts[: rng.randint(max(1, len(parts) - 1), len(parts))])
    return "\n".join(p.format(pct=rng.randint(92, 100), **words) for p in chosen)


def _filled(rows: list[dict], config: Config) -> list[dict]:
    """Rows with the unit's kind written into every text («UBND {don_vi}» → «UBND phường»)."""
    return [{k: fill(v, config) if isinstance(v, str) else v for k, v in row.items()} for row in rows]


def figures(config: Config, rng: random.Random, unit_code: str,
            other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]:
    """Sheet key → rows of field key → value for one unit's assessment."""
    unit = config.unit(unit_code)
    leads = {_LEADS[t] for t in unit.templates if t in _LEADS}
    rows, proposals = [], []
    for code, title in SECTIONS:
        if code not in leads:
            rows.append({})
            continue
        words = {"what": title[0].lower() + title[1:], "unit": unit.name, "Unit": unit.name[:1].upper() + unit.name[1:],
                 "province": config.province,
                 "don_vi": "{don_vi}"}  # the kind is written in by fill()
        rows.append({
            "ket_qua": _paragraphs(_RESULTS, rng, **words),
            "han_che": _paragraphs(_LIMITS, rng, **words),
            "nguyen_nhan_chu_quan": _CAUSES_OWN,
            "nguyen_nhan_khach_quan": _CAUSES_OUT,
            "bai_hoc": _LESSONS,
            "nhiem_vu": "\n".join(_TASKS).format(**words),  # the lead sentence with its list
        })
        for level in LEVELS:
            proposals.append({"stt": len(proposals) + 1, "cap": level, "linh_vuc": title,
                              "kien_nghi": _PROPOSALS[level].format(**words)})
    if not proposals:
        proposals.append({"stt": 1, "cap": LEVELS[-1], "linh_vuc": OTHER_FIELD,
                          "kien_nghi": f"Đề nghị UBND {{don_vi}} quan tâm bố trí kinh phí hoạt động cho {unit.name}."})
    return {"danh_gia": _filled(rows, config), "kien_nghi": _filled(proposals, config)}

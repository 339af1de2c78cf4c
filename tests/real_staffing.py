"""Published staffing figures of real communes after 01/07/2025, typed into the blank staffing
template exactly as printed (tests/test_real_staffing.py). Each set cites its source; only what the
source prints is typed, every other cell stays blank (unknown, never 0). A body's figures go into
that body's row; figures the source gives for the whole commune go into the row «Toàn {don_vi}».

`rows` maps a row (a body named in the default configuration, or WHOLE for the commune's row) to
the figures as printed; `rates` the rates as printed (value in percent, numerator and denominator
field keys; none of the sets below prints one)."""

from __future__ import annotations

from dataclasses import dataclass, field

WHOLE = "Toàn"  # the row of the whole commune (nhan_su/template.py WHOLE, filled with the kind)


@dataclass(frozen=True)
class StaffingSet:
    key: str
    kind: str
    name: str
    url: str
    title: str
    published_on: str  # as the page dates it; "~" when the date is read from the text (see notes)
    rows: dict[str, dict[str, int]]
    rates: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    notes: str = ""


SETS: tuple[StaffingSet, ...] = (
    StaffingSet(
        key="yen_phu_kinh_te", kind="xã", name="Yên Phú",
        url="https://vjs.vietnam.vn/en/dam-bao-sap-xep-du-vi-tri-cong-chuc-xa-phuong",
        title="Đảm bảo sắp xếp đủ vị trí công chức xã, phường (Vietnam.vn, bản tiếng Anh)",
        published_on="~09/2025",
        rows={"Phòng Kinh tế xã": {"hien_co": 6, "thieu_vi_tri": 6}},
        notes="«the department only has 6 officers … The 6 missing positions include: public asset accounting, "
              "environment, industry and trade»; «nearly 3 months of operation» after 01/07/2025 dates it "
              "about late 09/2025 (the page shows no date). Only the economic department is given.",
    ),
    StaffingSet(
        key="cao_bo_chinh_quyen", kind="xã", name="Cao Bồ",
        url="https://vjs.vietnam.vn/en/dam-bao-sap-xep-du-vi-tri-cong-chuc-xa-phuong",
        title="Đảm bảo sắp xếp đủ vị trí công chức xã, phường (Vietnam.vn, bản tiếng Anh)",
        published_on="~09/2025",
        rows={WHOLE: {"thieu_nguoi": 10}},
        notes="«the commune's government alone is lacking 10 officials»: the whole commune's shortfall, "
              "nothing else (no quota, no staff count).",
    ),
)

"""The commune's settings: one TOML file in inputs/ that a commune edits."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.core import paths, words
from pipeline.core.config_check import (
    ConfigError,
    Problems,
    _array,
    _get,
    _kind,
    _strings,
    _table,
    unknown_keys,
)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    templates: tuple[str, ...]
    kind: str | None = None  # at city level: the commune's kind (one of KINDS); None for a commune's own units


@dataclass(frozen=True)
class Leader:
    section: str
    name: str
    title: str


@dataclass(frozen=True)
class Signatory:
    on_behalf: str
    authority: str
    title: str
    name: str


KINDS = ("xã", "phường", "đặc khu")  # the kinds of commune-level unit (Luật Tổ chức chính quyền địa phương 2025)
CITY_KINDS = ("thành phố", "tỉnh")  # the kinds of province-level unit
# What an instance is: a commune (its units are its own offices) or a city/province (its units are
# its communes, wards and special zones, each sending the package its commune's build writes).
COMMUNE, CITY = "commune", "city"
LEVELS = (COMMUNE, CITY)
# The sections whose «Lãnh đạo chỉ đạo» line the report prints ([[leaders]]): those without figures.
LEADER_SECTIONS = tuple(words.SECTIONS_WITHOUT_FIGURES)
# A kind written as the name of the unit: not «cấp xã» (the national name of the level, which
# includes wards and special zones) and not «xã hội» (society).
KIND_WORD = {k: re.compile(rf"(?<!cấp )\b{k}\b(?! hội)", re.IGNORECASE) for k in KINDS + CITY_KINDS}


@dataclass(frozen=True)
class Config:
    path: Path
    commune: str
    province: str
    place: str
    plan_ref: str
    start: date
    cutoff: date
    deadline: datetime
    standing_unit: str
    units: tuple[Unit, ...]
    leaders: tuple[Leader, ...]
    signatory: Signatory
    fonds: tuple[str, ...]
    staffing_bodies: tuple[str, ...]
    kind: str = "xã"  # one of KINDS: every user-facing text names the unit with it
    # Day a reporting month starts on: 1 = calendar month; 15 = the month named 08/2025 runs from
    # 15/07 to 14/08/2025 (Nghị định 09/2019/NĐ-CP, Điều 12: monthly reports count from the 15th of
    # the previous month to the 14th of the month reported).
    month_starts_on: int = 1
    # How the report shows its charts ([report] charts): "native" Word charts or "picture" (PNG).
    charts: str = "native"
    # Whom the units call with questions about the templates (optional, in [standing_unit]).
    contact_person: str | None = None
    contact_phone: str | None = None
    level: str = COMMUNE  # one of LEVELS
    # At commune level: the commune's code as its city knows it ([commune] code); the build writes
    # the package for the city only when it is set.
    code: str | None = None
    # At city level ([packages] require_signoff): a commune's package is refused unless its head signed it off.
    require_signoff: bool = False

    @property
    def is_city(self) -> bool:
        return self.level == CITY

    @property
    def kind_title(self) -> str:
        """"Phường", "Xã", "Đặc khu": the kind at the start of a sentence."""
        return self.kind[0].upper() + self.kind[1:]

    @property
    def full_name(self) -> str:
        """"phường Thành Sen": the kind and the name, as written inside a sentence."""
        return f"{self.kind} {self.commune}"

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)

    def owners(self, template_id: str) -> list[Unit]:
        return [u for u in self.units if template_id in u.templates]

    def leader(self, section: str) -> Leader | None:
        return next((lead for lead in self.leaders if lead.section == section), None)

    @property
    def months(self) -> list[date]:
        """First day of every month from the start of the period to the cut-off month."""
        out, current = [], self.start.replace(day=1)
        while current <= self.cutoff:
            out.append(current)
            current = current.replace(year=current.year + current.month // 12,
                                      month=current.month % 12 + 1)
        return out

    @property
    def reporting_months(self) -> list[tuple[date, date, date]]:
        """(month named, first day, last day) of every reporting month that meets the period;
        the first starts no earlier than the period's start, the last ends at the cut-off."""
        day, out = self.month_starts_on, []
        current = self.start.replace(day=1)
        if day > 1 and self.start.day >= day:  # the start falls in the month named after the next one
            current = _next_month(current)
        while True:
            first = _next_month(current, -1).replace(day=day) if day > 1 else current
            if first > self.cutoff:
                return out
            last = (current.replace(day=day) if day > 1 else _next_month(current)) - timedelta(days=1)
            out.append((current, max(first, self.start), min(last, self.cutoff)))
            current = _next_month(current)

    def month_span(self, month: date) -> str:
        """The days a reporting month covers, as printed beside its row: «15/07–14/08/2025»."""
        for named, first, last in self.reporting_months:
            if (named.year, named.month) == (month.year, month.month):
                head = f"{first:%d/%m}" if first.year == last.year else f"{first:%d/%m/%Y}"
                return f"{head}–{last:%d/%m/%Y}"
        raise KeyError(month)

    @property
    def month_labels(self) -> dict[str, str]:
        """How each reporting month («MM/YYYY», as the templates key it) is printed in the outputs:
        its name when it is whole, its dates when the period's start or the cut-off cuts it
        («15/04–30/04/2026», never «05/2026» in a report closed 30/04/2026)."""
        day, out = self.month_starts_on, {}
        for named, first, last in self.reporting_months:
            whole = (_next_month(named, -1).replace(day=day) if day > 1 else named,
                     (named.replace(day=day) if day > 1 else _next_month(named)) - timedelta(days=1))
            out[f"{named:%m/%Y}"] = f"{named:%m/%Y}" if (first, last) == whole else self.month_span(named)
        return out

    @property
    def months_note(self) -> str:
        """Where the months of a table by month come from (printed under it)."""
        if self.month_starts_on == 1:
            head = "Tháng báo cáo là tháng dương lịch"
        else:
            head = (f"Tháng báo cáo tính từ ngày {self.month_starts_on} tháng trước đến ngày "
                    f"{self.month_starts_on - 1} của tháng báo cáo (như báo cáo định kỳ hằng tháng theo Nghị định "
                    "09/2019/NĐ-CP)")
        cut = [label for name, label in self.month_labels.items() if label != name]
        if not cut:
            return head + "."
        return (f"{head}; tháng đầu và tháng cuối chỉ gồm các ngày từ ngày bắt đầu kỳ báo cáo ({self.start:%d/%m/%Y}) "
                f"đến ngày chốt số liệu ({self.cutoff:%d/%m/%Y}), nên được ghi theo ngày: {', '.join(cut)}.")

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.cutoff.year + 1))

    @property
    def period_text(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.cutoff:%d/%m/%Y}"


def _next_month(value: date, step: int = 1) -> date:
    """The first day of the month `step` months after value's month."""
    index = value.year * 12 + value.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


CHART_STYLES = ("native", "picture")  # [report] charts: editable Word charts, or PNG pictures


def _chart_style(data: dict, errs: Problems) -> str:
    report = data.get("report", {})
    value = report.get("charts", CHART_STYLES[0]) if isinstance(report, dict) else None
    if value not in CHART_STYLES:
        errs.add("report.charts", f"khóa 'report.charts' có giá trị {value!r} không hợp lệ. Cần "
                 "\"native\" (biểu đồ Word, sửa được số liệu và kiểu dáng) hoặc \"picture\" (ảnh), "
                 "ví dụ: charts = \"picture\" trong mục [report].")
    return value


def _unit(raw: dict, where: str, city: bool, kind: str, catalog: list[str], errs: Problems) -> Unit | None:
    """One [[units]] entry (None when it has a mistake, noted). At city level a unit is a commune:
    its kind (xã, phường, đặc khu) is required, its name is written without the kind («An Thành»)
    and held with it («xã An Thành», the name its package carries), and its templates default to
    every template of the catalog; a unit owning no template (templates = [], e.g. the standing
    Sở Nội vụ) needs no kind."""
    code = _get(raw, "code", str, where, errs, '"10507"' if city else '"VP"')
    if city and "templates" not in raw:
        templates = list(catalog)
    else:
        templates = _get(raw, "templates", list, where, errs, '["tthc"]') or []
    unknown = [t for t in templates if t not in catalog]
    for template_id in unknown:
        errs.add(f"{where}.templates", f"khóa '{where}.templates' có biểu '{template_id}' không có trong "
                                       f"danh mục. Các biểu hợp lệ: {', '.join(catalog)}.")
    if not city:
        name = _get(raw, "name", str, where, errs, f'"Văn phòng HĐND và UBND {kind}"')
        return Unit(code, name, tuple(templates)) if code and name and not unknown else None
    name = _get(raw, "name", str, where, errs, '"An Thành"')
    if not templates and "kind" not in raw:
        return Unit(code, name.strip(), ()) if code and name else None
    unit_kind = _kind(raw, where, KINDS, errs, None)
    if not (code and name and unit_kind) or unknown:
        return None
    name = name.strip()
    if not name.lower().startswith(unit_kind + " "):
        name = f"{unit_kind} {name}"
    return Unit(code, name, tuple(templates), unit_kind)


def _leaders(data: dict, kind: str, errs: Problems) -> tuple[Leader, ...]:
    """The [[leaders]] the report prints: one per section without figures (LEADER_SECTIONS), all
    optional; an entry for another section would be read by nothing, so it is refused."""
    out = []
    for i, raw in enumerate(_array(data, "leaders", errs, required=False), start=1):
        where = f"leaders[{i}]"
        section = _get(raw, "section", str, where, errs, f'"{LEADER_SECTIONS[0]}"')
        name = _get(raw, "name", str, where, errs, '"Ngô Thị Thu"')
        title = _get(raw, "title", str, where, errs, f'"Chủ tịch UBND {kind}"')
        if section is not None and section not in LEADER_SECTIONS:
            errs.add(f"{where}.section", f"khóa '{where}.section' = \"{section}\": báo cáo chỉ ghi lãnh đạo "
                     f"chỉ đạo ở các mục {', '.join(LEADER_SECTIONS)} (các mục khác viết từ số liệu của các "
                     f"đơn vị). Hãy sửa thành một trong các mục đó hoặc xóa mục [[leaders]] này.")
        elif section and name and title:
            out.append(Leader(section, name, title))
    return tuple(out)


def _require_signoff(data: dict, errs: Problems) -> bool:
    """[packages] require_signoff: a city takes only packages its commune's head signed off."""
    packages = data.get("packages", {})
    value = packages.get("require_signoff", False) if isinstance(packages, dict) else None
    if not isinstance(value, bool):
        errs.add("packages.require_signoff", f"khóa 'packages.require_signoff' có giá trị {value!r} không hợp lệ. "
                 "Cần true (chỉ nhận gói số liệu đã được thủ trưởng của xã xác nhận) hoặc false, ví dụ: "
                 "require_signoff = true trong mục [packages].")
        return False
    return value


def load(path: Path | None = None) -> Config:
    """Read and check the commune's settings. Raises ConfigError with a Vietnamese message that
    lists every mistake at once, each with its line."""
    path = Path(path) if path else paths.INPUTS / paths.CONFIG_NAME
    if not path.exists():
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path}. Hãy sao chép tệp mẫu commune.toml vào thư mục inputs/.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path} sai cú pháp TOML: {exc}. Hãy sửa dòng được nêu.") from exc
    return parse(text, path)


def parse(text: str, path: Path) -> Config:
    """The settings in text (the content of the file at path, which is not read): what `load` does
    once the file is read, also for a configuration not written yet (the portal's settings page)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path} sai cú pháp TOML: {exc}. Hãy sửa dòng được nêu.") from exc
    catalog = paths.topic_ids()
    errs = Problems(path, text)

    commune = _table(data, "commune", errs)
    period = _table(data, "period", errs)
    standing = _table(data, "standing_unit", errs)
    sign = _table(data, "signatory", errs)
    level = data.get("level", COMMUNE)
    if level not in LEVELS:
        errs.add("level", f"khóa 'level' có giá trị {level!r} không hợp lệ. Cần \"commune\" "
                 "(cấu hình của một xã, phường, đặc khu) hoặc \"city\" (cấu hình của thành phố, tỉnh "
                 "tổng hợp từ các xã), ví dụ: level = \"city\".")
    city = level == CITY
    unknown_keys(data, errs, city)
    kinds = CITY_KINDS if city else KINDS
    kind = _kind(commune, "commune", kinds, errs, None if city else "xã")
    word = kind or kinds[0]  # the kind the examples of later messages use
    code = _get(commune, "code", str, "commune", errs, '"10507"') if "code" in commune else None
    if city and "code" in commune:
        errs.add("commune.code", "khóa 'commune.code' chỉ dùng ở cấu hình của xã (mã của xã "
                 "trong danh sách của thành phố); cấu hình cấp thành phố, tỉnh không có khóa này. "
                 "Hãy xóa dòng code trong mục [commune].")

    units = [_unit(raw, f"units[{i}]", city, word, catalog, errs)
             for i, raw in enumerate(_array(data, "units", errs), start=1)]
    codes = [u.code for u in units if u]
    for i, unit in enumerate(units, start=1):
        if unit and unit.code in [u.code for u in units[:i - 1] if u]:
            errs.add(f"units[{i}].code", f"mã đơn vị '{unit.code}' bị trùng trong các mục [[units]] ({codes}). "
                                         "Mỗi đơn vị một mã riêng.")
    leaders = _leaders(data, word, errs)
    start = _get(period, "start", date, "period", errs, "2025-07-01")
    cutoff = _get(period, "cutoff", date, "period", errs, "2026-04-30")
    deadline = _get(period, "deadline", datetime, "period", errs, "2026-05-06T15:00:00")
    if start and cutoff and cutoff <= start:
        errs.add("period.cutoff", f"'period.cutoff' ({cutoff:%d/%m/%Y}) phải sau 'period.start' ({start:%d/%m/%Y}).")
    standing_code = _get(standing, "code", str, "standing_unit", errs, '"VHXH"')
    if standing_code and all(units) and standing_code not in codes:
        errs.add("standing_unit.code", f"'standing_unit.code' = '{standing_code}' không phải mã của đơn vị nào "
                                       f"trong [[units]] ({', '.join(codes)}).")

    month_starts_on = period.get("month_starts_on", 1)
    if isinstance(month_starts_on, bool) or not isinstance(month_starts_on, int) or not 1 <= month_starts_on <= 28:
        errs.add("period.month_starts_on", f"khóa 'period.month_starts_on' có giá trị {month_starts_on!r} không "
                 "hợp lệ. Cần ngày bắt đầu của tháng báo cáo, một số nguyên từ 1 đến 28 (1 = tháng dương "
                 "lịch; 15 = tháng báo cáo tính từ ngày 15 tháng trước đến ngày 14 tháng báo cáo), "
                 "ví dụ: month_starts_on = 15.")

    contact = {key: _get(standing, key, str, "standing_unit", errs, example) if key in standing else None
               for key, example in (("contact_person", '"Trần Thị Lan"'), ("contact_phone", '"0225 3 123 456"'))}
    on_behalf = (_get(sign, "on_behalf", str, "signatory", errs, f'"TM. ỦY BAN NHÂN DÂN {word.upper()}"')
                 if "on_behalf" in sign else f"TM. ỦY BAN NHÂN DÂN {word.upper()}")
    fields = dict(
        path=path,
        **contact,
        charts=_chart_style(data, errs),
        kind=kind,
        level=level,
        code=code,
        month_starts_on=month_starts_on,
        require_signoff=_require_signoff(data, errs),
        commune=_get(commune, "name", str, "commune", errs, '"An Thành"'),
        province=_get(commune, "province", str, "commune", errs, '"thành phố Hải Phòng"'),
        place=_get(commune, "place", str, "commune", errs, '"An Thành"'),
        plan_ref=_get(commune, "plan_ref", str, "commune", errs, '"Kế hoạch …"'),
        start=start,
        cutoff=cutoff,
        deadline=deadline,
        standing_unit=standing_code,
        units=tuple(units),
        leaders=leaders,
        signatory=Signatory(
            on_behalf,
            _get(sign, "authority", str, "signatory", errs, '"KT. CHỦ TỊCH"'),
            _get(sign, "title", str, "signatory", errs, '"PHÓ CHỦ TỊCH"'),
            _get(sign, "name", str, "signatory", errs, '"Nguyễn Đức Thắng"'),
        ),
        fonds=_strings(_table(data, "archives", errs), "fonds", "archives", errs, f'["Phông UBND {word} A (cũ)"]'),
        staffing_bodies=_strings(_table(data, "staffing", errs), "bodies", "staffing", errs,
                                 f'["Văn phòng HĐND và UBND {word}"]'),
    )
    if kind and level in LEVELS:
        _check_kind(errs, kind, city, fields)
    errs.check()
    return Config(**fields)


def _check_kind(errs: Problems, kind: str, city: bool, fields: dict) -> None:
    """The names the commune writes follow its kind: a ward that kept «UBND xã» is told where.
    Not checked: the archival fonds (they may name former units of another kind) and the plan's
    title (a city's plan may name «các xã, phường»). At city level the signatory and the leaders
    follow the city's kind (neither the other province kind nor a commune kind), the staffing
    bodies the city's kind only (a city may count «các xã, phường»), each commune its own kind.
    Only the values read without a mistake are checked (fields: the Config's fields)."""
    own = (kind, "commune.kind")
    others = CITY_KINDS + KINDS if city else KINDS
    named = [("signatory.on_behalf", fields["signatory"].on_behalf, own, others)]
    named += [(f"leaders[{i}].title", lead.title, own, others) for i, lead in enumerate(fields["leaders"], start=1)]
    named += [(f"staffing.bodies[{i}]", body, own, CITY_KINDS if city else KINDS)
              for i, body in enumerate(fields["staffing_bodies"], start=1)]
    named += [(f"units[{i}].name", u.name, (u.kind, f"units[{i}].kind") if city else own, KINDS)
              for i, u in enumerate(fields["units"], start=1) if u and (u.kind or not city)]
    for key, text, (kind_of, kind_key), candidates in named:
        if not text:
            continue
        for other in candidates:
            found = KIND_WORD[other].search(text)
            if other != kind_of and found:
                fixed = KIND_WORD[other].sub(lambda m, k=kind_of: k.upper() if m[0].isupper() else k, text)
                errs.add(key, f"khóa '{key}' = \"{text}\" gọi đơn vị là «{found[0]}», nhưng "
                              f"'{kind_key}' = \"{kind_of}\". Hãy sửa thành \"{fixed}\" (hoặc sửa '{kind_key}').")
                break

"""The commune's settings: one TOML file in inputs/ that a commune edits."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pipeline.core import paths


class ConfigError(Exception):
    """A missing or malformed setting; the message is Vietnamese and names the key."""


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
    def years(self) -> list[int]:
        return list(range(self.start.year, self.cutoff.year + 1))

    @property
    def period_text(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.cutoff:%d/%m/%Y}"


def _next_month(value: date, step: int = 1) -> date:
    """The first day of the month `step` months after value's month."""
    index = value.year * 12 + value.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


_TYPE_NAMES = {str: "một chuỗi chữ trong dấu ngoặc kép", date: "một ngày dạng YYYY-MM-DD",
               datetime: "ngày giờ dạng YYYY-MM-DDTHH:MM:SS", list: "một danh sách [ … ]"}


def _get(table: dict, key: str, kind: type, where: str, path: Path, example: str):
    full = f"{where}.{key}" if where else key
    if key not in table:
        raise ConfigError(
            f"Tệp cấu hình {path}: thiếu khóa '{full}'. Cần {_TYPE_NAMES[kind]}, ví dụ: {key} = {example}."
        )
    value = table[key]
    ok = isinstance(value, kind) and not (kind is date and isinstance(value, datetime))
    if kind is str and ok and not value.strip():
        ok = False
    if not ok:
        raise ConfigError(
            f"Tệp cấu hình {path}: khóa '{full}' có giá trị {value!r} không hợp lệ. "
            f"Cần {_TYPE_NAMES[kind]}, ví dụ: {key} = {example}."
        )
    return value


def _table(data: dict, key: str, path: Path) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ConfigError(f"Tệp cấu hình {path}: thiếu mục [{key}] hoặc mục này không đúng dạng bảng.")
    return value


CHART_STYLES = ("native", "picture")  # [report] charts: editable Word charts, or PNG pictures


def _chart_style(data: dict, path: Path) -> str:
    report = data.get("report", {})
    value = report.get("charts", CHART_STYLES[0]) if isinstance(report, dict) else None
    if value not in CHART_STYLES:
        raise ConfigError(f"Tệp cấu hình {path}: khóa 'report.charts' có giá trị {value!r} không hợp lệ. Cần "
                          "\"native\" (biểu đồ Word, sửa được số liệu và kiểu dáng) hoặc \"picture\" (ảnh), "
                          "ví dụ: charts = \"picture\" trong mục [report].")
    return value


def _array(data: dict, key: str, path: Path) -> list[dict]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"Tệp cấu hình {path}: thiếu các mục [[{key}]] (cần ít nhất một mục).")
    return value


def _strings(table: dict, key: str, where: str, path: Path, example: str) -> tuple[str, ...]:
    values = _get(table, key, list, where, path, example)
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ConfigError(
            f"Tệp cấu hình {path}: khóa '{where}.{key}' cần một danh sách chuỗi chữ không rỗng, ví dụ: {key} = {example}."
        )
    return tuple(values)


def _kind(table: dict, where: str, kinds: tuple[str, ...], path: Path, default: str | None) -> str:
    """table's kind, one of kinds (default when absent; required when default is None)."""
    example = f'kind = "{kinds[1]}"'
    if "kind" not in table and default is None:
        raise ConfigError(f"Tệp cấu hình {path}: thiếu khóa '{where}.kind'. Cần một trong: "
                          f"{', '.join(repr(k) for k in kinds)}, ví dụ: {example}.")
    kind = table.get("kind", default)
    if kind not in kinds:
        raise ConfigError(f"Tệp cấu hình {path}: khóa '{where}.kind' có giá trị {kind!r} không hợp lệ. "
                          f"Cần một trong: {', '.join(repr(k) for k in kinds)}, ví dụ: {example}.")
    return kind


def _unit(raw: dict, where: str, city: bool, kind: str, catalog: list[str], path: Path) -> Unit:
    """One [[units]] entry. At city level a unit is a commune: its kind (xã, phường, đặc khu) is
    required, its name is written without the kind («An Thành») and held with it («xã An Thành»,
    the name its package carries), and its templates default to every template of the catalog; a
    unit owning no template (templates = [], e.g. the standing Sở Nội vụ) needs no kind."""
    code = _get(raw, "code", str, where, path, '"10507"' if city else '"VP"')
    if city and "templates" not in raw:
        templates = list(catalog)
    else:
        templates = _get(raw, "templates", list, where, path, '["tthc"]')
    for template_id in templates:
        if template_id not in catalog:
            raise ConfigError(
                f"Tệp cấu hình {path}: khóa '{where}.templates' có biểu '{template_id}' không có trong danh mục. "
                f"Các biểu hợp lệ: {', '.join(catalog)}."
            )
    if not city:
        return Unit(code, _get(raw, "name", str, where, path, f'"Văn phòng HĐND và UBND {kind}"'), tuple(templates))
    name = _get(raw, "name", str, where, path, '"An Thành"').strip()
    if not templates and "kind" not in raw:
        return Unit(code, name, ())
    unit_kind = _kind(raw, where, KINDS, path, None)
    if not name.lower().startswith(unit_kind + " "):
        name = f"{unit_kind} {name}"
    return Unit(code, name, tuple(templates), unit_kind)


def _require_signoff(data: dict, path: Path) -> bool:
    packages = data.get("packages", {})
    value = packages.get("require_signoff", False) if isinstance(packages, dict) else None
    if not isinstance(value, bool):
        raise ConfigError(f"Tệp cấu hình {path}: khóa 'packages.require_signoff' có giá trị {value!r} không hợp lệ. "
                          "Cần true (chỉ nhận gói số liệu đã được thủ trưởng của xã xác nhận) hoặc false, ví dụ: "
                          "require_signoff = true trong mục [packages].")
    return value


def load(path: Path | None = None) -> Config:
    """Read and check the commune's settings. Raises ConfigError with a Vietnamese message."""
    catalog = paths.topic_ids()

    path = Path(path) if path else paths.INPUTS / paths.CONFIG_NAME
    if not path.exists():
        raise ConfigError(f"Không tìm thấy tệp cấu hình {path}. Hãy sao chép tệp mẫu commune.toml vào thư mục inputs/.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Tệp cấu hình {path} sai cú pháp TOML: {exc}. Hãy sửa dòng được nêu.") from exc

    commune = _table(data, "commune", path)
    period = _table(data, "period", path)
    standing = _table(data, "standing_unit", path)
    sign = _table(data, "signatory", path)
    level = data.get("level", COMMUNE)
    if level not in LEVELS:
        raise ConfigError(f"Tệp cấu hình {path}: khóa 'level' có giá trị {level!r} không hợp lệ. Cần \"commune\" "
                          "(cấu hình của một xã, phường, đặc khu) hoặc \"city\" (cấu hình của thành phố, tỉnh "
                          "tổng hợp từ các xã), ví dụ: level = \"city\".")
    city = level == CITY
    kinds = CITY_KINDS if city else KINDS
    kind = _kind(commune, "commune", kinds, path, None if city else "xã")
    code = _get(commune, "code", str, "commune", path, '"10507"') if "code" in commune else None
    if city and code is not None:
        raise ConfigError(f"Tệp cấu hình {path}: khóa 'commune.code' chỉ dùng ở cấu hình của xã (mã của xã "
                          "trong danh sách của thành phố); cấu hình cấp thành phố, tỉnh không có khóa này. "
                          "Hãy xóa dòng code trong mục [commune].")

    units = [_unit(raw, f"units[{i}]", city, kind, catalog, path)
             for i, raw in enumerate(_array(data, "units", path), start=1)]
    codes = [u.code for u in units]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"Tệp cấu hình {path}: mã đơn vị bị trùng trong các mục [[units]]: {codes}.")

    leaders = tuple(
        Leader(_get(raw, "section", str, f"leaders[{i}]", path, '"II.1"'),
               _get(raw, "name", str, f"leaders[{i}]", path, '"Ngô Thị Thu"'),
               _get(raw, "title", str, f"leaders[{i}]", path, f'"Chủ tịch UBND {kind}"'))
        for i, raw in enumerate(_array(data, "leaders", path), start=1)
    )
    start = _get(period, "start", date, "period", path, "2025-07-01")
    cutoff = _get(period, "cutoff", date, "period", path, "2026-04-30")
    deadline = _get(period, "deadline", datetime, "period", path, "2026-05-06T15:00:00")
    if cutoff <= start:
        raise ConfigError(f"Tệp cấu hình {path}: 'period.cutoff' ({cutoff:%d/%m/%Y}) phải sau 'period.start' ({start:%d/%m/%Y}).")
    standing_code = _get(standing, "code", str, "standing_unit", path, '"VHXH"')
    if standing_code not in codes:
        raise ConfigError(f"Tệp cấu hình {path}: 'standing_unit.code' = '{standing_code}' không phải mã của đơn vị nào trong [[units]] ({', '.join(codes)}).")

    month_starts_on = period.get("month_starts_on", 1)
    if isinstance(month_starts_on, bool) or not isinstance(month_starts_on, int) or not 1 <= month_starts_on <= 28:
        raise ConfigError(f"Tệp cấu hình {path}: khóa 'period.month_starts_on' có giá trị {month_starts_on!r} không "
                          "hợp lệ. Cần ngày bắt đầu của tháng báo cáo, một số nguyên từ 1 đến 28 (1 = tháng dương "
                          "lịch; 15 = tháng báo cáo tính từ ngày 15 tháng trước đến ngày 14 tháng báo cáo), "
                          "ví dụ: month_starts_on = 15.")

    contact = {key: _get(standing, key, str, "standing_unit", path, example) if key in standing else None
               for key, example in (("contact_person", '"Trần Thị Lan"'), ("contact_phone", '"0225 3 123 456"'))}
    config = Config(
        path=path,
        **contact,
        charts=_chart_style(data, path),
        kind=kind,
        level=level,
        code=code,
        month_starts_on=month_starts_on,
        require_signoff=_require_signoff(data, path),
        commune=_get(commune, "name", str, "commune", path, '"An Thành"'),
        province=_get(commune, "province", str, "commune", path, '"thành phố Hải Phòng"'),
        place=_get(commune, "place", str, "commune", path, '"An Thành"'),
        plan_ref=_get(commune, "plan_ref", str, "commune", path, '"Kế hoạch …"'),
        start=start,
        cutoff=cutoff,
        deadline=deadline,
        standing_unit=standing_code,
        units=tuple(units),
        leaders=leaders,
        signatory=Signatory(
            _get(sign, "on_behalf", str, "signatory", path, f'"TM. ỦY BAN NHÂN DÂN {kind.upper()}"')
            if "on_behalf" in sign else f"TM. ỦY BAN NHÂN DÂN {kind.upper()}",
            _get(sign, "authority", str, "signatory", path, '"KT. CHỦ TỊCH"'),
            _get(sign, "title", str, "signatory", path, '"PHÓ CHỦ TỊCH"'),
            _get(sign, "name", str, "signatory", path, '"Nguyễn Đức Thắng"'),
        ),
        fonds=_strings(_table(data, "archives", path), "fonds", "archives", path, f'["Phông UBND {kind} A (cũ)"]'),
        staffing_bodies=_strings(_table(data, "staffing", path), "bodies", "staffing", path,
                                 f'["Văn phòng HĐND và UBND {kind}"]'),
    )
    _check_kind(config)
    return config


def _check_kind(config: Config) -> None:
    """The names the commune writes follow its kind: a ward that kept «UBND xã» is told where.
    Not checked: the archival fonds (they may name former units of another kind) and the plan's
    title (a city's plan may name «các xã, phường»). At city level the signatory and the leaders
    follow the city's kind (neither the other province kind nor a commune kind), the staffing
    bodies the city's kind only (a city may count «các xã, phường»), each commune its own kind."""
    own = (config.kind, "commune.kind")
    others = CITY_KINDS + KINDS if config.is_city else KINDS
    named = [("signatory.on_behalf", config.signatory.on_behalf, own, others)]
    named += [(f"leaders[{i}].title", lead.title, own, others) for i, lead in enumerate(config.leaders, start=1)]
    named += [(f"staffing.bodies[{i}]", body, own, CITY_KINDS if config.is_city else KINDS)
              for i, body in enumerate(config.staffing_bodies, start=1)]
    named += [(f"units[{i}].name", u.name, (u.kind, f"units[{i}].kind") if config.is_city else own, KINDS)
              for i, u in enumerate(config.units, start=1) if u.kind or not config.is_city]
    for key, text, (kind, kind_key), candidates in named:
        for other in candidates:
            found = KIND_WORD[other].search(text)
            if other != kind and found:
                fixed = KIND_WORD[other].sub(lambda m, k=kind: k.upper() if m[0].isupper() else k, text)
                raise ConfigError(
                    f"Tệp cấu hình {config.path}: khóa '{key}' = \"{text}\" gọi đơn vị là «{found[0]}», nhưng "
                    f"'{kind_key}' = \"{kind}\". Hãy sửa thành \"{fixed}\" (hoặc sửa '{kind_key}')."
                )

"""The commune's package checked as its city will check it (issue 27, item 1), before the build
says it is ready: each workbook validated under the city's own configuration (inputs/cap_tren.toml,
as it is, period included) and sent by the commune's code, as the city's portal would receive it."""

from __future__ import annotations

from pathlib import Path

from pipeline.checks import validate
from pipeline.core import paths
from pipeline.core.config import Config, ConfigError, load
from pipeline.topics import CATALOG


def check(files: list[Path], inputs_dir: Path, commune: Config) -> tuple[bool, list[str]] | None:
    """(every workbook accepted, a line per refused one naming its first error); None without the
    city's configuration (nothing to check against)."""
    path = Path(inputs_dir) / paths.CITY_CONFIG_NAME
    try:
        city = load(path) if path.is_file() else None
    except ConfigError:
        return None
    if city is None or not files:
        return None
    lines = []
    for report in validate.check_files([(p, str(commune.code)) for p in files], city):
        if report.status != "rejected":
            continue
        first = report.errors[0] if report.errors else None
        title = CATALOG[report.template_id].title if report.template_id in CATALOG else report.path.name
        where = f" (trang «{first.sheet}», ô {first.cell})" if first and first.sheet and first.cell else ""
        lines.append(f"{title}: {city.full_name} sẽ trả lại — {first.rule if first else 'xem báo cáo kiểm tra'}{where}")
    return not lines, lines

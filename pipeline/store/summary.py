"""What an ingest run did (store.ingest.run's answer): counts of the files by outcome and the first
few files of each kind, named in the text the user reads. Only LISTED files of each kind are kept,
slim (no typed rows), so a run of any size holds the same memory: every file is in the warehouse
and in outputs/validation/tong_hop_kiem_tra.xlsx.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.checks.report import FileReport
from pipeline.core import vn, words
from pipeline.core.layout import LISTED

if TYPE_CHECKING:
    import duckdb



@dataclass
class Received:
    report: FileReport
    path: str  # relative to inputs
    received_at: datetime
    sender: str | None
    original_name: str | None = None
    size: int | None = None
    submission_id: int = 0


@dataclass
class IngestSummary:
    """What a run did: counts, and the first LISTED files of each kind (see the module doc)."""

    accepted: list[FileReport] = field(default_factory=list)
    warnings: list[FileReport] = field(default_factory=list)
    rejected: list[FileReport] = field(default_factory=list)
    new: int = 0
    seen: int = 0
    rebuilt: bool = False
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (earlier file, later file)
    # rejected files of this run that a later valid file of this run replaces: (name, sha256) → later name
    resent: dict[tuple[str, str], str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # status → files of this run, and "superseded"

    def add(self, items: list[Received]) -> None:
        for item in items:
            status = item.report.status
            self.counts[status] += 1
            listed = {"accepted": self.accepted, "warnings": self.warnings, "rejected": self.rejected}[status]
            if len(listed) < LISTED:
                item.report = replace(item.report, data={}, columns={}, origins=[])
                listed.append(item.report)
            if len(self.received) < LISTED:
                self.received.append(item)

    def text(self) -> str:
        n = self.counts
        lines = [f"Nhận biểu mẫu: {vn.number(self.new + self.seen)} tệp trong thư mục nhận, {vn.number(self.new)} "
                 f"tệp mới, {vn.number(self.seen)} tệp đã xử lý từ trước (bỏ qua)."]
        if self.rebuilt:
            lines.append("Danh mục biểu mẫu hoặc cấu hình đã thay đổi: kho dữ liệu được dựng lại từ inputs/.")
        if self.new:
            shown = {s: n[s] for s in words.RESULT} | {"rejected": n["rejected"] - n["resent"]}  # a reject replaced: resent
            lines.append("Tệp mới: " + ", ".join(f"{vn.number(shown[s])} {w}" for s, w in words.RESULT.items()) + ".")
        for report in self.rejected:
            later = self.resent.get((report.path.name, report.sha256))
            if later:
                lines.append(f"  - {vn.first_upper(words.RESULT['resent'])}: {report.path.name}, thay bằng tệp {later}.")
                continue
            first = report.first_error
            lines.append(f"  - {vn.first_upper(words.RESULT['rejected'])}: {report.path.name} "
                         f"({vn.number(report.error_count)} lỗi). Lỗi đầu tiên: {first.text() if first else ''}")
        named = sum(1 for r in self.rejected if (r.path.name, r.sha256) in self.resent)
        lines += self._more(n["rejected"] - n["resent"] - (len(self.rejected) - named), words.RESULT["rejected"])
        lines += self._more(n["resent"] - named, words.RESULT["resent"])
        for report in self.warnings:
            lines.append(f"  - {vn.first_upper(words.RESULT['warnings'])}: {report.path.name} "
                         f"({vn.number(report.warning_count)} cảnh báo).")
        lines += self._more(n["warnings"] - len(self.warnings), words.RESULT["warnings"])
        for earlier, later in self.superseded:
            lines.append(f"  - Tệp {later} gửi sau thay thế tệp {earlier} (cùng đơn vị, cùng biểu); "
                         "số liệu lấy theo tệp gửi sau, tệp trước vẫn được lưu trong lịch sử.")
        lines += self._more(n["superseded"] - len(self.superseded), "gửi sau thay thế tệp trước")
        if self.new:
            lines.append("Tổng hợp kết quả: outputs/validation/tong_hop_kiem_tra.xlsx; tệp có lỗi hoặc cảnh báo: "
                         "outputs/validation/<thư mục trong inputs>/<tên tệp>/ (báo cáo lỗi và bản đánh dấu ô lỗi).")
        return "\n".join(lines)

    def find_superseded(self, con: duckdb.DuckDBPyConnection, before: int) -> None:
        """The files of this run (submission_id > before) that replace an earlier file of this run
        (same unit, same template): counted, the first LISTED named."""
        rows = con.execute("""
            SELECT earlier, later, count(*) OVER () FROM (
                SELECT submission_id, file_name AS later, lag(file_name) OVER (
                    PARTITION BY unit_code, template_id, coalesce(part, '') ORDER BY submission_id) AS earlier
                FROM submissions WHERE submission_id > ? AND status <> 'rejected')
            WHERE earlier IS NOT NULL ORDER BY submission_id LIMIT ?""", [before, LISTED]).fetchall()
        self.superseded = [(earlier, later) for earlier, later, _ in rows]
        self.counts["superseded"] = rows[0][2] if rows else 0
        # rejected files of this run followed by a valid file of the same unit and template: counted,
        # those of the listed rejects named with the later file
        resent = """FROM submissions r, LATERAL (SELECT arg_min(v.file_name, v.submission_id) AS later
                        FROM submissions v WHERE v.unit_code = r.unit_code AND v.template_id = r.template_id
                        AND v.status <> 'rejected' AND v.submission_id > r.submission_id)
                    WHERE r.submission_id > ? AND r.status = 'rejected' AND later IS NOT NULL"""
        self.counts["resent"] = con.execute(f"SELECT count(*) {resent}", [before]).fetchall()[0][0]
        listed = [r.sha256 for r in self.rejected]
        self.resent = {(name, sha): later for name, sha, later in con.execute(
            f"SELECT r.file_name, r.sha256, later {resent} AND list_contains(?, r.sha256)", [before, listed]).fetchall()}

    @staticmethod
    def _more(count: int, what: str) -> list[str]:
        return [f"  - … và {vn.number(count)} tệp {what} khác: xem outputs/validation/tong_hop_kiem_tra.xlsx."] \
            if count > 0 else []

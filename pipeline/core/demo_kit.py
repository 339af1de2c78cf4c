"""Helpers shared by the topics' demo figures (`pipeline/topics/<id>/demo.py`).

A topic's demo module declares one function, called by the demo engine (pipeline/demo.py):

    def figures(config: Config, rng: random.Random, unit_code: str,
                other: Callable[[str], dict[str, list[dict]] | None]) -> dict[str, list[dict]]

returning sheet key → rows (field key → value). `rng` is seeded per template and unit, so the same
inputs give the same figures; `other(template_id)` gives another template's demo figures for its
first owning unit (None when no unit owns it or it has no demo figures), so figures can agree
across templates without one topic importing another.
"""

from __future__ import annotations


def split(total: int, weights: list[float]) -> list[int]:
    """Split a whole number into parts proportional to weights, summing exactly to total."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts

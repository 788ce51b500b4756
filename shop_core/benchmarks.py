"""Shared pieces of the benchmark scripts in scripts/bench (timing and percentiles)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def percentile(samples: list[float], pct: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def report(label: str, samples_ms: list[float]) -> str:
    return (
        f"{label}: n={len(samples_ms)} p50={statistics.median(samples_ms):.1f} ms "
        f"p95={percentile(samples_ms, 95):.1f} ms max={max(samples_ms):.1f} ms"
    )

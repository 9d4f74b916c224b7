"""What the benchmark sections share: reading data, timing, processes, the machine."""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


QUICK_DOCUMENT_SHARE = 10  # --quick trains on every 10th training document


def quick_subset(data: Any) -> Any:
    """The labelled sentences of every ``QUICK_DOCUMENT_SHARE``-th document of a
    ``policytext._training.TrainingData``, for a smoke run."""
    import numpy as np

    documents = sorted(data.structures)[::QUICK_DOCUMENT_SHARE]
    return data.subset(np.flatnonzero(np.isin(data.groups, documents)))


def timed(work: Callable[[], object]) -> float:
    """Wall time of ``work()`` with the garbage collector paused, as timeit does."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        work()
        return time.perf_counter() - start
    finally:
        gc.enable()


def cold_start_seconds(code: str, runs: int = 5) -> float:
    """Median wall time of a fresh ``python -c code`` process."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# VmHWM, unlike ru_maxrss, starts afresh at exec: a child forked from a large
# benchmark process does not inherit its parent's peak.
_REPORT_PEAK = (
    "import atexit, pathlib, sys\n"
    "atexit.register(lambda: print('peak_rss_kib', next(line.split()[1] for line in "
    "pathlib.Path('/proc/self/status').read_text().splitlines() if line.startswith('VmHWM')), "
    "file=sys.stderr))\n"
)


def measured_process(code: str, cwd: Path | None = None) -> dict[str, float]:
    """Wall time and peak resident memory of a fresh ``python -c code`` process."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _REPORT_PEAK + code],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"benchmark process failed:\n{result.stderr[-2000:]}")
    peak = next(
        line.split()[1] for line in result.stderr.splitlines() if line.startswith("peak_rss_kib")
    )
    return {"seconds": seconds, "peak_rss_mib": int(peak) / 1024}


def versions(*distributions: str) -> dict[str, str]:
    """Installed versions of ``distributions`` (absent ones are left out)."""
    found = {}
    for name in distributions:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def plain_jieba() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    return jieba


def _cpu_model() -> str:
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or platform.machine()
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line]
    return names[0] if names else platform.machine()


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
    }

"""Run the benchmarks and regenerate ``docs/benchmarks.md`` with its plots.

    python benchmarks/run.py [--quick] [--data-dir ../shared] [--out benchmarks/results]

Each section writes ``OUT/<section>.json`` (numbers with the date, machine and
versions they were measured with); then the report and its PNG plots are
generated from every section's JSON in OUT. ``--quick`` measures on smaller
inputs with fewer repeats (a smoke run, not for publishing); ``--section``
reruns one section and regenerates the report from the others' last results.
Needs the ``[bench]`` extra and the data directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA_DIR, DEFAULT_OUT, REPO, machine, versions

import policytext

# Imported when run, so that the worker processes the speed section starts
# (which import this file again) load none of the other sections' libraries.
SECTIONS = ("segmentation", "accuracy", "labels", "speed")
MEASURED_PACKAGES = (
    "jieba", "rjieba", "jieba_fast", "pkuseg", "thulac", "snownlp",
    "scikit-learn", "numpy", "scipy", "joblib",
)  # fmt: skip


def _measure(name: str, args: argparse.Namespace) -> None:
    start = time.perf_counter()
    print(f"== {name}", file=sys.stderr)
    run: Callable[[Path, bool], dict[str, Any]] = importlib.import_module(name).run
    numbers = run(args.data_dir, args.quick)
    results = {
        "section": name,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(time.perf_counter() - start, 1),
        "machine": machine(),
        "versions": {"policytext": policytext.__version__, **versions(*MEASURED_PACKAGES)},
        **numbers,
    }
    (args.out / f"{name}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"== {name}: {results['seconds']} s", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs, few repeats")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the JSON goes")
    parser.add_argument("--docs", type=Path, default=REPO / "docs", help="where the report goes")
    parser.add_argument("--section", choices=sorted(SECTIONS), action="append")
    parser.add_argument("--no-report", action="store_true", help="only write the JSON")
    args = parser.parse_args(argv)
    if not (args.data_dir / "corpus" / "dev_documents.jsonl").is_file():
        parser.error(f"no data in {args.data_dir} (expected corpus/dev_documents.jsonl)")
    args.out.mkdir(parents=True, exist_ok=True)
    sections = args.section or list(SECTIONS)
    if len(sections) > 1:
        # One fresh process per section, so that the memory one section leaves
        # behind (the accuracy section trains large models) cannot slow the next.
        for name in sections:
            command = [sys.executable, __file__, "--section", name, "--no-report",
                       "--data-dir", str(args.data_dir), "--out", str(args.out)]  # fmt: skip
            subprocess.run(command + ["--quick"] * args.quick, check=True)
    else:
        _measure(sections[0], args)
    if args.no_report:
        return
    import report

    written = report.write(args.out, args.docs)
    print(f"wrote {', '.join(str(path) for path in written)}", file=sys.stderr)


if __name__ == "__main__":
    main()

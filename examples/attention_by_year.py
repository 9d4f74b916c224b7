"""Attention to each domain in China's national government work reports, by year.

Classifies the national work reports of the training corpus with the bundled
model and draws each domain's share of their sentences per year; also writes
the HTML report of the newest one and a screenshot of it, when Debian's
chromium is there. Makes the figures of docs/examples.md:

    python examples/attention_by_year.py --data-dir ../shared --out docs/img

These are training documents: the model learned from their labels, so the
chart shows the labels' view more faithfully than it would for new documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import policytext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("..") / "shared")
    parser.add_argument("--out", type=Path, default=Path("docs") / "img")
    args = parser.parse_args()
    corpus = args.data_dir / "corpus" / "documents.jsonl"
    with corpus.open(encoding="utf-8") as lines:
        documents = [json.loads(line) for line in lines]
    reports = sorted(
        (
            d
            for d in documents
            if d["kind"] == "government_work_report" and d["level"] == "national"
        ),
        key=lambda d: d["year"],
    )
    results = policytext.classify_documents(reports, n_jobs=2)
    frame = policytext.profile(results, reports)
    axes = policytext.plot_shares(frame, by="year")
    stamp = f"{dt.date.today()}, {platform.machine()}, policytext {policytext.__version__}"
    axes.set_title(
        f"National government work reports {reports[0]['year']}–{reports[-1]['year']} "
        f"({len(reports)} reports, training documents; made {stamp})",
        fontsize="medium",
    )
    args.out.mkdir(parents=True, exist_ok=True)
    axes.figure.savefig(args.out / "attention_by_year.png", dpi=110)
    print(f"wrote {args.out / 'attention_by_year.png'}")
    newest = reports[-1]
    page = policytext.html_report(newest["text"], title=newest.get("title"))
    browser = shutil.which("chromium")
    if browser is None:
        print("no chromium: skipped the report screenshot")
        return
    with tempfile.TemporaryDirectory() as work:
        html = Path(work) / "report.html"
        html.write_text(page, encoding="utf-8")
        shot = args.out / "report.png"
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--window-size=1100,1400", f"--screenshot={shot.resolve()}", html.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    print(f"wrote {shot}")


if __name__ == "__main__":
    main()

"""Write ``docs/benchmarks.md`` and its plots from the benchmark JSON results.

Every number in the report comes from ``benchmarks/results/*.json``; the prose
around them says what they mean and holds none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

IMAGES = "img"


def _load(out: Path, name: str) -> dict[str, Any] | None:
    path = out / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _provenance(results: dict[str, Any]) -> str:
    m = results["machine"]
    quick = " **Quick run: smaller inputs, not for comparison.**" if results["quick"] else ""
    return (
        f"Measured {results['date']} in {results['seconds']:.0f} s on {m['cpu']} "
        f"({m['cpus']} CPUs, {m['memory_gib']} GiB, {m['platform']}), Python {m['python']}, "
        f"policytext {results['versions']['policytext']}.{quick}"
    )


def _save(figure: Any, docs: Path, name: str) -> Path:
    path = docs / IMAGES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(figure)
    return path


# -- segmentation -------------------------------------------------------------
def _segmentation(results: dict[str, Any], docs: Path) -> tuple[list[str], list[Path]]:
    rows = results["segmenters"]
    measured = {name: row for name, row in rows.items() if row["available"]}
    lines = [
        "## Segmentation",
        "",
        _provenance(results),
        "",
        "SIGHAN 2005 word F1 on the PKU and MSR gold test sets "
        f"({results['sighan_lines']['pku']:,} and {results['sighan_lines']['msr']:,} lines); "
        f"policy term integrity: the share of occurrences of the {results['dev_terms']} "
        f"policy terms quoted in the {results['dev_documents']} dev documents that come out "
        "as exactly one token; speed: characters per second on the dev documents "
        f"({results['dev_chars']:,} characters, one call per document, best of several "
        "alternating rounds) and its ratio to jieba measured in the same run, the number to "
        "compare across machines. Load: seconds to build the segmenter and cut one sentence.",
        "",
    ]
    damage = results.get("quoted_term_damage")
    if damage is not None:
        lines += [
            f"Quoted-term damage: {damage['places']:,} places in the {damage['documents']} dev and "
            "training documents where the quoted-term rule (a term quoted once is joined into "
            "one token at its later uses, where they start and end at word boundaries) cuts a "
            "word of the segmentation without the rule.",
            "",
        ]
    formulations = results["formulations"]
    trained = formulations["training_integrity"]
    lines += [
        f"Formulation integrity: the share of occurrences of the {formulations['entries']} "
        "curated formulations (`policytext/data/seed_terms.txt`) in the dev documents that "
        "come out as one token (column below); in the training documents, which the list "
        f"was checked against, {trained['integrity']:.3f} of {trained['occurrences']:,}.",
        "",
    ]
    lines += [
        "| segmenter | what | PKU F1 | MSR F1 | term integrity | formulations | chars/s "
        "| × jieba | load s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if row["group"] != "segmenter":
            continue
        if not row["available"]:
            lines.append(f"| {name} | {row['what']} | {row['reason']} |||||||")
            continue
        formulation = row["formulation_integrity"]["integrity"]
        lines.append(
            f"| {name} | {row['what']} | {row['pku']['f1']:.4f} | {row['msr']['f1']:.4f} | "
            f"{row['term_integrity']['integrity']:.3f} | {formulation:.3f} | "
            f"{row['chars_per_second']:,.0f} | "
            f"{row['speed_vs_jieba']:.2f} | {row['load_seconds']:.2f} |"
        )
    lines += [
        "",
        "policytext without parts of itself (what remains is the rule that keeps numbers "
        "with their unit and ASCII compounds whole):",
        "",
        "| variant | PKU F1 | MSR F1 | term integrity |",
        "|---|---|---|---|",
    ]
    for name, row in rows.items():
        if row["group"] == "ablation" and row["available"]:
            lines.append(
                f"| {name} | {row['pku']['f1']:.4f} | {row['msr']['f1']:.4f} | "
                f"{row['term_integrity']['integrity']:.3f} |"
            )
    lines += ["", "Cold start, median wall time of a fresh process:", ""]
    lines += [
        f"- `{code}`: {seconds:.2f} s" for code, seconds in results["cold_start_seconds"].items()
    ]
    missed = rows["policytext (rjieba)"]["term_integrity"]["most_missed"]
    lines += [
        "",
        "Terms policytext most often splits: "
        + ", ".join(f"{term} ({count})" for term, count in missed),
        "",
        "Segmenters that could not be measured here:",
        "",
    ]
    lines += [f"- {name}: {reason}" for name, reason in results["not_installable"].items()]
    lines += [f"- {name}: {row['reason']}" for name, row in rows.items() if not row["available"]]
    lines += ["", "Peers the `[bench]` extra cannot install:", ""]
    lines += [
        f"- {name}: `{command}` ({why})"
        for name, (command, why) in results["install_notes"].items()
    ]
    lines += [
        "",
        "The SIGHAN standards split many policy compounds (三个代表, 西电东送) that policytext "
        "keeps whole on purpose, so a policy tokenizer pays some F1 for its term integrity. "
        "pkuseg, thulac and snownlp are statistical models trained on annotated text; the "
        "jieba family cuts with a dictionary (and an HMM for unknown words). Every peer runs "
        "with its own default dictionary or model.",
        "",
        f"![F1 against speed](./{IMAGES}/segmentation.png)",
        "",
    ]
    names = [name for name, row in measured.items() if row["group"] == "segmenter"]
    positions = range(len(names))
    figure, (speed, f1, integrity) = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    speed.barh(names, [measured[n]["chars_per_second"] for n in names], color="tab:gray")
    speed.set_xscale("log")
    speed.set_xlabel("characters per second (log)")
    speed.set_title("Speed (dev documents)")
    height = 0.4
    for offset, corpus, color in (
        (-height / 2, "pku", "tab:blue"),
        (height / 2, "msr", "tab:orange"),
    ):
        f1.barh(
            [i + offset for i in positions],
            [measured[n][corpus]["f1"] for n in names],
            height=height,
            color=color,
            label=corpus.upper(),
        )
    f1.set_xlim(0.75, 1)
    f1.set_xlabel("word F1")
    f1.set_title("SIGHAN 2005 F1")
    f1.legend(loc="lower right")
    integrity.barh(names, [measured[n]["term_integrity"]["integrity"] for n in names])
    integrity.set_xlim(0, 1)
    integrity.set_xlabel("policy terms kept as one token")
    integrity.set_title("Term integrity (dev documents)")
    speed.invert_yaxis()
    return lines, [_save(figure, docs, "segmentation.png")]


def _interval(accuracy: float, n: int) -> float:
    """Half the width, in points, of a normal-approximation 95% interval on an accuracy."""
    return 100 * 1.96 * (accuracy * (1 - accuracy) / n) ** 0.5


# -- accuracy -----------------------------------------------------------------
def _accuracy(results: dict[str, Any], docs: Path) -> tuple[list[str], list[Path]]:
    shipped = results["shipped"]
    lines = [
        "## Classification accuracy",
        "",
        _provenance(results),
        "",
        f"Scored on the {results['dev_sentences']} adjudicated sentences of `gold/dev.jsonl`, "
        "from documents no model here was trained on. Model "
        f"{results['model']['model_version']}, trained {results['model']['trained']} on "
        f"{results['training_sentences']:,} silver sentences.",
        "",
        "| shipped model | accuracy | macro-F1 | top-2 accuracy |",
        "|---|---|---|---|",
        f"| sentence by sentence (`classify`) | {shipped['sentence']['accuracy']:.3f} | "
        f"{shipped['sentence']['macro_f1']:.3f} | {shipped['sentence']['top2']:.3f} |",
        f"| in its document (`classify_document`) | {shipped['document']['accuracy']:.3f} | "
        f"{shipped['document']['macro_f1']:.3f} | |",
        "",
        "How the recipe was chosen: each row adds one change to the row above. "
        "Cross-validation over the silver sentences with 5 folds grouped by document, "
        "scored on the sentences of recent work reports (2013 on, the genre of the dev and "
        "test documents) and on those of the provincial reports of 2025 and later; then the "
        "dev set, sentence by sentence.",
        "",
        "| recipe | what changed | features | CV recent accuracy | CV recent macro-F1 | "
        "CV 2025+ accuracy | dev accuracy | dev macro-F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["candidates"]:
        lines.append(
            f"| {row['name']} | {row['what']} | {row['features']:,} | "
            f"{row['cv_recent_accuracy']:.4f} | {row['cv_recent_macro_f1']:.4f} | "
            f"{row['cv_newest_accuracy']:.4f} | {row['dev_accuracy']:.3f} | "
            f"{row['dev_macro_f1']:.3f} |"
        )
    lines += [
        "",
        "What each source of document context adds: the context model refitted with only "
        "some sources (the others left out), scored by grouped cross-validation on the "
        "silver sentences of recent work reports and by `classify_document` on the dev "
        "documents. The shipped model uses all four, each scaled by the sentence's doubt "
        "(one minus its top probability); the last row leaves that scaling out.",
        "",
        "| context sources | CV recent accuracy | CV 2025+ accuracy | dev in-document "
        "accuracy | dev in-document macro-F1 |",
        "|---|---|---|---|---|",
    ]
    for row in results["context_ablation"]:
        sources = ", ".join(row["sources"]) or "none (the sentence alone)"
        if not row["doubt_scaling"]:
            sources += ", **not** scaled by the sentence's doubt"
        lines.append(
            f"| {sources} | "
            f"{row['cv_recent_accuracy']:.4f} | {row['cv_newest_accuracy']:.4f} | "
            f"{row['dev_document_accuracy']:.3f} | {row['dev_document_macro_f1']:.3f} |"
        )
    lines += [
        "",
        "Baselines, sentence by sentence, trained on the same silver sentences:",
        "",
        "| model | what | accuracy | macro-F1 |",
        "|---|---|---|---|",
    ]
    for name, row in results["baselines"].items():
        lines.append(f"| {name} | {row['what']} | {row['accuracy']:.3f} | {row['macro_f1']:.3f} |")
    curve = results["learning_curve"]
    recipes = list(dict.fromkeys(p["recipe"] for p in curve))
    sizes = list(dict.fromkeys(p["sentences"] for p in curve))
    at = {(p["recipe"], p["sentences"]): p for p in curve}
    lines += [
        "",
        "Learning curve: model 1's recipe and the shipped one trained on random subsets "
        "of the silver sentences, dev accuracy / macro-F1 sentence by sentence.",
        "",
        "| silver sentences | " + " | ".join(f"{r} recipe" for r in recipes) + " |",
        "|---|" + "---|" * len(recipes),
    ]
    for size in sizes:
        cells = [
            f"{at[(r, size)]['dev_accuracy']:.3f} / {at[(r, size)]['dev_macro_f1']:.3f}"
            for r in recipes
        ]
        lines.append(f"| {size:,} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Per domain (F1; support is the number of dev sentences):",
        "",
        "| domain | sentence F1 | in-document F1 | support |",
        "|---|---|---|---|",
    ]
    for label, row in results["per_domain"].items():
        lines.append(
            f"| {label} | {row['sentence_f1']:.3f} | {row['document_f1']:.3f} | {row['support']} |"
        )
    lines += [
        "",
        f"The dev set is small: a 95% interval on the shipped model's accuracy spans "
        f"{_interval(shipped['sentence']['accuracy'], results['dev_sentences']):.1f} points "
        "either way, so differences of a point between dev columns are noise; the "
        "cross-validated columns rest on every silver sentence of those reports.",
        "",
        f"![learning curve](./{IMAGES}/learning_curve.png)",
        "",
        f"![confusion matrix](./{IMAGES}/confusion.png)",
        "",
    ]
    figure, axis = plt.subplots(figsize=(5.5, 3.6))
    for recipe, style in zip(recipes, ("s--", "o-"), strict=False):
        points = [at[(recipe, size)] for size in sizes]
        axis.plot(sizes, [p["dev_accuracy"] for p in points], style, label=f"{recipe}, accuracy")
        axis.plot(
            sizes, [p["dev_macro_f1"] for p in points], style, alpha=0.5,
            label=f"{recipe}, macro-F1",
        )  # fmt: skip
    axis.set_xscale("log", base=2)
    axis.set_xlabel("silver training sentences (log 2)")
    axis.set_ylabel("dev score")
    axis.set_title("Learning curve")
    axis.legend(fontsize=8)
    paths = [_save(figure, docs, "learning_curve.png")]
    labels, matrix = results["confusion"]["labels"], results["confusion"]["matrix"]
    figure, axis = plt.subplots(figsize=(7.5, 6.5))
    image = axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    axis.set_yticks(range(len(labels)), labels, fontsize=8)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                axis.text(
                    j,
                    i,
                    str(count),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if count > max(map(max, matrix)) / 2 else "black",
                )
    axis.set_xlabel("predicted")
    axis.set_ylabel("gold")
    axis.set_title("Dev confusion matrix, sentence by sentence")
    figure.colorbar(image, shrink=0.7)
    paths.append(_save(figure, docs, "confusion.png"))
    return lines, paths


# -- labels -------------------------------------------------------------------
def _labels(results: dict[str, Any], docs: Path) -> tuple[list[str], list[Path]]:
    silver, dev = results["silver_newest_neighbours"], results["dev_neighbours"]
    errors = results["dev_errors"]
    lines = [
        "## How the labels behave",
        "",
        _provenance(results),
        "",
        "How often two neighbouring sentences share a label, in the silver labels of the "
        "provincial work reports of 2025 and later (labelled document by document) and in "
        "the adjudicated dev gold (pairs of gold sentences that follow each other in their "
        "document), against how often the shipped sentence classifier, reading each "
        "sentence alone, gives the two the same domain:",
        "",
        "| labels | pairs | same label | same prediction | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, row in (("silver, 2025+ work reports", silver), ("dev gold", dev)):
        lines.append(
            f"| {name} | {row['pairs']:,} | {row['labels_same']:.3f} | "
            f"{row['predictions_same']:.3f} | {row['labels_same'] / row['predictions_same']:.2f} |"
        )
    lines += [
        "",
        "Silver labels follow their neighbours more than the dev gold does, which is why "
        "context from neighbouring sentences gains more in cross-validation on silver than "
        "on dev (see the context ablation above).",
        "",
        f"Of the shipped model's {errors['errors']} dev errors sentence by sentence, "
        f"{errors['secondary']} ({errors['share']:.0%}) predict the domain the gold gives "
        "as secondary.",
        "",
    ]
    return lines, []


# -- speed --------------------------------------------------------------------
def _speed(results: dict[str, Any], docs: Path) -> tuple[list[str], list[Path]]:
    t, lat, size = results["throughput"], results["latency"], results["size"]
    doc = results["document"]
    first = results["first_classify_process"]
    feat, large = results["features"], results["classify_large_process"]
    lines = [
        "## Speed and cost",
        "",
        _provenance(results),
        "",
        "| measure | value |",
        "|---|---|",
        f"| `classify`, {t['sentences']:,} dev sentences in one call | "
        f"{t['classify_per_second']:,.0f} sentences/s |",
        f"| `jieba.lcut` on the same sentences | {t['jieba_lcut_per_second']:,.0f} sentences/s |",
        f"| **`classify` against `jieba.lcut`** | **{t['classify_vs_jieba_lcut']:.2f}×** |",
        f"| features of the same sentences, {feat['chunk']:,} at a time | "
        f"{feat['features_ms']:.0f} ms, of which segmenting them (the policy tokenizer) "
        f"{feat['policy_tokenizer_ms']:.0f} ms; rjieba alone on the same text "
        f"{feat['rjieba_ms']:.0f} ms |",
        "| **features beyond segmenting, against segmenting** | "
        f"**{feat['features_beyond_segmentation_vs_segmentation']:.2f}×** "
        f"({feat['features_beyond_segmentation_vs_rjieba']:.2f}× rjieba alone) |",
        f"| peak memory of a fresh process classifying {large['sentences']:,} sentences | "
        f"{large['peak_rss_mib']:.0f} MiB |",
        f"| `classify`, {t['large_batch']:,} sentences, `n_jobs=1` | "
        f"{t['n_jobs_1_per_second']:,.0f} sentences/s |",
        f"| same, `n_jobs=2` | {t['n_jobs_2_per_second']:,.0f} sentences/s "
        f"({t['n_jobs_2_speedup']:.2f}×) |",
        *_dask_rows(results["dask"]),
        f"| `classify_document` on a report of {doc['chars']:,} characters "
        f"({doc['sentences']:,} sentences) against `classify` on its sentences | "
        f"{doc['classify_document_seconds']:.2f} s against {doc['classify_seconds']:.2f} s "
        f"({doc['ratio']:.2f}×) |",
        f"| one sentence per call, p50 / p99 ({lat['calls']:,} calls) | "
        f"{lat['p50_ms']:.2f} / {lat['p99_ms']:.2f} ms |",
        f"| cold start: import, load the model, classify one sentence (median) | "
        f"{results['cold_start_seconds']:.2f} s |",
        f"| peak memory of that process | {first['peak_rss_mib']:.0f} MiB |",
        f"| wheel / installed / of which model | {size['wheel_bytes'] / 2**20:.1f} / "
        f"{size['installed_bytes'] / 2**20:.1f} / {size['model_bytes'] / 2**20:.1f} MiB |",
        "",
        "Growth with input: the CLI in a fresh process on k copies of the dev documents, "
        "as separate files (`policytext classify FILES`) and as one long document "
        "(`policytext classify --document FILE`). Time includes starting Python and "
        "loading the model.",
        "",
        "| input | k | characters | seconds | peak memory MiB |",
        "|---|---|---|---|---|",
    ]
    growth = results["growth"]
    lines += [
        f"| {row['input']} | {row['scale']} | {row['chars']:,} | {row['seconds']:.2f} | "
        f"{row['peak_rss_mib']:.0f} |"
        for row in growth
    ]
    big = results["archive"]
    lines += [
        "",
        f"![growth](./{IMAGES}/growth.png)",
        "",
        f"A whole archive: `policytext classify DIRECTORY` on {big['files']:,} text files, "
        f"{big['bytes'] / 2**30:.2f} GiB of UTF-8 text, took {big['seconds'] / 60:.1f} minutes "
        f"with a peak resident memory of {big['peak_rss_mib']:.0f} MiB.",
        "",
        *_estimate(results["dask"]),
    ]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name in dict.fromkeys(row["input"] for row in growth):
        rows = [row for row in growth if row["input"] == name]
        left.plot([r["chars"] for r in rows], [r["seconds"] for r in rows], "o-", label=name)
        right.plot([r["chars"] for r in rows], [r["peak_rss_mib"] for r in rows], "o-", label=name)
    left.set_xlabel("characters")
    left.set_ylabel("seconds")
    left.set_title("Time")
    right.set_xlabel("characters")
    right.set_ylabel("peak RSS (MiB)")
    right.set_title("Memory")
    right.set_ylim(bottom=0)
    left.legend()
    return lines, [_save(figure, docs, "growth.png")]


def _dask_rows(dask: dict[str, Any]) -> list[str]:
    if not dask["available"]:
        return [f"| Dask LocalCluster | {dask['reason']} |"]
    same = "identical to serial" if dask["identical_results"] else "**differ from serial**"
    return [
        f"| same through joblib's Dask backend, LocalCluster of {dask['workers']} worker "
        f"processes, {dask['sentences']:,} sentences | {dask['dask_per_second']:,.0f} "
        f"sentences/s ({dask['dask_speedup']:.2f}× `n_jobs=1` without a cluster), "
        f"results {same} |",
        f"| `n_jobs=1` beside the idle LocalCluster (its scheduler, client and workers "
        f"share the cores) | {dask['n_jobs_1_beside_cluster_per_second']:,.0f} sentences/s "
        f"({dask['n_jobs_1_beside_cluster_per_second'] / dask['n_jobs_1_per_second']:.2f}× "
        "without) |",
        f"| CPU seconds of a Dask run (the least of three runs: each run's workers "
        f"against serial "
        f"{', '.join(f'{r:.2f}×' for r in dask['workers_cpu_vs_serial_each_run'])}): "
        f"client and scheduler process / each worker "
        f"(a serial run, the least of three: {dask['cpu_seconds_serial']:.2f} s) | "
        f"{dask['cpu_seconds_client_and_scheduler']:.2f} / "
        f"{' / '.join(f'{c:.2f}' for c in dask['cpu_seconds_workers'])} |",
        "| **workers' CPU seconds against a serial run** (MALLOC_TRIM_THRESHOLD_ in the "
        f"workers: {', '.join(map(str, dask['worker_malloc_trim_threshold']))}) | "
        f"**{dask['workers_cpu_vs_serial']:.2f}×** |",
        "| minor page faults of that run: serial / each worker | "
        f"{dask['page_faults_serial']:,.0f} / "
        f"{' / '.join(f'{f:,}' for f in dask['page_faults_workers'])} |",
        f"| peak memory of each Dask worker | "
        f"{' / '.join(f'{m:.0f}' for m in dask['worker_peak_rss_mib'])} MiB |",
    ]


def _estimate(dask: dict[str, Any]) -> list[str]:
    """A paper estimate for N machines from the measured rate per Dask worker."""
    if not dask["available"]:
        return []
    per_worker = dask["dask_per_second"] / dask["workers"]
    cores = 2
    lines = [
        "Paper estimate for a cluster of N machines with "
        f"{cores} cores each, one worker per core, from the rate per Dask worker measured "
        f"above ({per_worker:,.0f} sentences/s): it assumes throughput adds up across "
        "workers, which holds while the scheduler and the network keep up (see "
        "[scale.md](scale.md) for what limits it).",
        "",
        "| machines | workers | sentences/s | a million sentences in |",
        "|---|---|---|---|",
    ]
    for machines in (1, 4, 16, 64):
        rate = per_worker * cores * machines
        lines.append(
            f"| {machines} | {machines * cores} | {rate:,.0f} | {1_000_000 / rate:.1f} s |"
        )
    return [*lines, ""]


SECTIONS = {
    "segmentation": _segmentation,
    "accuracy": _accuracy,
    "labels": _labels,
    "speed": _speed,
}


def write(out: Path, docs: Path) -> list[Path]:
    """Write ``docs/benchmarks.md`` and its plots from the JSON files in ``out``."""
    results = {name: _load(out, name) for name in SECTIONS}
    measured = [r for r in results.values() if r is not None]
    minutes = sum(r["seconds"] for r in measured) / 60
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python benchmarks/run.py` from benchmarks/results/*.json; "
        "do not edit. -->",
        "",
        f"Rerun everything (the sections below took {minutes:.0f} minutes together) with",
        "",
        "```",
        'python -m pip install -e ".[bench]"',
        "python benchmarks/run.py --data-dir ../shared",
        "```",
        "",
        "`--quick` is a smoke run on smaller inputs; `--section NAME` reruns one section. "
        "Absolute speeds depend on the machine; ratios to jieba, measured in the same run, "
        "carry over.",
        "",
    ]
    written = []
    for name, render in SECTIONS.items():
        section_results = results[name]
        if section_results is None:
            lines += [f"## {name.capitalize()}", "", "Not measured yet.", ""]
            continue
        section, plots = render(section_results, docs)
        lines += section
        written += plots
    report = docs / "benchmarks.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return [report, *written]

"""Speed and cost: throughput, latency, cold start, memory, installed size, growth with input."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from common import REPO, cold_start_seconds, measured_process, plain_jieba, read_jsonl, timed

import policytext
from policytext._api import _CHUNK

SCALES = (1, 2, 4, 8, 16, 64)


def throughput(sentences: list[str], large: int) -> dict[str, Any]:
    """Sentences per second of ``classify`` against ``jieba.lcut`` on the same sentences."""
    jieba = plain_jieba()
    policytext.classify(sentences[:10])
    best_jieba = best_classify = float("inf")
    for _ in range(5):  # alternating, best of five
        best_jieba = min(best_jieba, timed(lambda: [jieba.lcut(s) for s in sentences]))
        best_classify = min(best_classify, timed(lambda: policytext.classify(sentences)))
    batch = (sentences * (large // len(sentences) + 1))[:large]
    policytext.classify(batch[:5000], n_jobs=2)  # start the workers
    one = two = float("inf")
    for _ in range(5):  # alternating, best of five
        one = min(one, timed(lambda: policytext.classify(batch)))
        two = min(two, timed(lambda: policytext.classify(batch, n_jobs=2)))
    return {
        "sentences": len(sentences),
        "jieba_lcut_per_second": len(sentences) / best_jieba,
        "classify_per_second": len(sentences) / best_classify,
        "classify_vs_jieba_lcut": best_jieba / best_classify,
        "large_batch": large,
        "n_jobs_1_per_second": large / one,
        "n_jobs_2_per_second": large / two,
        "n_jobs_2_speedup": one / two,
    }


def feature_cost(sentences: list[str], chunk: int) -> dict[str, float]:
    """Milliseconds to featurise ``sentences`` ``chunk`` at a time (as ``classify`` does)
    against segmenting the same batches with the policy tokenizer and with its segmenter
    (rjieba) alone, best of five alternating rounds."""
    from policytext._api import default_model
    from policytext._features import _BATCH_TOKENIZER, _joined

    vectorizer = default_model().vectorizer_
    batches = [sentences[i : i + chunk] for i in range(0, len(sentences), chunk)]
    texts = [_joined(batch) for batch in batches]
    cut = _BATCH_TOKENIZER._loaded_segmenter().cut
    runs = {
        "features": lambda: [vectorizer.transform(batch) for batch in batches],
        "policy_tokenizer": lambda: [_BATCH_TOKENIZER.tokenize(text) for text in texts],
        "rjieba": lambda: [cut(text) for text in texts],
    }
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(5):
        for name, run in runs.items():
            best[name] = min(best[name], timed(run))
    rest = best["features"] - best["policy_tokenizer"]
    return {
        "sentences": len(sentences),
        "chunk": chunk,
        **{f"{name}_ms": seconds * 1000 for name, seconds in best.items()},
        "features_beyond_segmentation_vs_segmentation": rest / best["policy_tokenizer"],
        "features_beyond_segmentation_vs_rjieba": rest / best["rjieba"],
    }


def _minor_faults(pid: int) -> int:
    """Minor page faults of process ``pid`` so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return int(fields[7])


def dask_throughput(sentences: list[str], large: int) -> dict[str, Any]:
    """``classify`` through joblib's Dask backend on a local cluster of two worker processes."""

    def _peak_rss_mib() -> float:  # runs on each worker, shipped by value
        status = Path("/proc/self/status").read_text(encoding="utf-8")
        return int(next(line.split()[1] for line in status.splitlines() if "VmHWM" in line)) / 1024

    def _cpu_seconds(pids: list[int]) -> list[float]:
        return [sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids]

    def _faults(pids: list[int]) -> list[int]:
        return [_minor_faults(pid) for pid in pids]

    try:
        import dask
        import joblib
        import psutil
        from distributed import Client, LocalCluster
    except ImportError as error:
        return {"available": False, "reason": f"not installed: {error}"}
    batch = (sentences * (large // len(sentences) + 1))[:large]
    serial = policytext.classify(batch)
    alone = min(timed(lambda: policytext.classify(batch)) for _ in range(3))
    me = [os.getpid()]
    serial_cpu = serial_faults = float("inf")
    for _ in range(3):
        cpu_start, faults_start = _cpu_seconds(me), _faults(me)
        policytext.classify(batch)
        serial_cpu = min(serial_cpu, _cpu_seconds(me)[0] - cpu_start[0])
        serial_faults = min(serial_faults, _faults(me)[0] - faults_start[0])
    # Dask's nannies set MALLOC_TRIM_THRESHOLD_ in the workers: glibc then maps
    # and unmaps every large numpy array afresh, and the page faults made the
    # workers about half again as slow as a plain process. None unsets it (a
    # merged {} would leave it); see docs/scale.md.
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        with joblib.parallel_config(backend="dask"):
            same = policytext.classify(batch, n_jobs=-1) == serial  # also loads the model
        beside = two = float("inf")
        for _ in range(5):  # alternating, best of five
            beside = min(beside, timed(lambda: policytext.classify(batch)))
            with joblib.parallel_config(backend="dask"):
                two = min(two, timed(lambda: policytext.classify(batch, n_jobs=-1)))
        # Where the CPU time of a run goes: this process (client and scheduler) and each
        # worker; the run whose workers used the least, as the serial figure is the least
        # of three runs.
        pids = [os.getpid(), *sorted(client.run(os.getpid).values())]
        runs = []
        for _ in range(3):
            start, faults_start = _cpu_seconds(pids), _faults(pids)
            with joblib.parallel_config(backend="dask"):
                policytext.classify(batch, n_jobs=-1)
            cpu = [end - begin for begin, end in zip(start, _cpu_seconds(pids), strict=True)]
            faults = [end - begin for begin, end in zip(faults_start, _faults(pids), strict=True)]
            runs.append((sum(cpu[1:]), cpu, faults))
        _, cpu, faults = min(runs)
        peaks = client.run(_peak_rss_mib)
        trim = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    alone = min(alone, *(timed(lambda: policytext.classify(batch)) for _ in range(3)))
    return {
        "available": True,
        "workers": 2,
        "sentences": large,
        "n_jobs_1_per_second": large / alone,
        "n_jobs_1_beside_cluster_per_second": large / beside,
        "dask_per_second": large / two,
        "dask_speedup": alone / two,
        "identical_results": same,
        "cpu_seconds_serial": serial_cpu,
        "cpu_seconds_client_and_scheduler": cpu[0],
        "cpu_seconds_workers": cpu[1:],
        "workers_cpu_vs_serial": sum(cpu[1:]) / serial_cpu,
        "workers_cpu_vs_serial_each_run": [workers / serial_cpu for workers, _, _ in runs],
        "page_faults_serial": serial_faults,
        "page_faults_workers": faults[1:],
        "worker_malloc_trim_threshold": sorted(set(trim.values()), key=str),
        "worker_peak_rss_mib": sorted(peaks.values()),
    }


def document_cost(documents: list[dict[str, Any]], chars: int) -> dict[str, Any]:
    """``classify_document`` on a report of ``chars`` characters against ``classify`` on its
    sentences (best of five, alternating): what reading the structure and the context
    model cost."""
    text = ""
    while len(text) < chars:
        text += "\n".join(d["text"] for d in documents) + "\n"
    text = text[: text.index("\n", chars)]  # whole lines
    sentences = policytext.split_sentences(text)
    policytext.classify_document(text[:1000])
    alone = in_document = float("inf")
    for _ in range(5):
        alone = min(alone, timed(lambda: policytext.classify(sentences)))
        in_document = min(in_document, timed(lambda: policytext.classify_document(text)))
    return {
        "chars": len(text),
        "sentences": len(sentences),
        "classify_seconds": alone,
        "classify_document_seconds": in_document,
        "ratio": in_document / alone,
    }


def latency(sentences: list[str]) -> dict[str, float]:
    """Milliseconds of ``classify`` called on one sentence at a time."""
    times = []
    for sentence in sentences:
        start = time.perf_counter()
        policytext.classify([sentence])
        times.append((time.perf_counter() - start) * 1000)
    cut = statistics.quantiles(times, n=100)
    return {"calls": len(times), "p50_ms": cut[49], "p99_ms": cut[98]}


def installed_size() -> dict[str, int]:
    """Bytes of the built wheel and of the files it installs."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", out, str(REPO)],
            check=True,
            capture_output=True,
        )
        wheel = next(Path(out).glob("policytext-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            model = sum(
                info.file_size for info in archive.infolist() if "/models/" in info.filename
            )
        return {
            "wheel_bytes": wheel.stat().st_size,
            "installed_bytes": unpacked,
            "model_bytes": model,
        }


def _cli_process(argv: list[str]) -> dict[str, float]:
    """Time and peak memory of ``policytext ARGV`` in a fresh process, output to /dev/null
    (so that it is not held in memory)."""
    return measured_process(
        "import contextlib, os, policytext.cli as cli\n"
        "with open(os.devnull, 'w', encoding='utf-8') as sink:\n"
        "    with contextlib.redirect_stdout(sink):\n"
        f"        raise SystemExit(cli.main({argv!r}))\n"
    )


def growth(documents: list[dict[str, Any]], scales: tuple[int, ...]) -> list[dict[str, Any]]:
    """Time and peak memory of the CLI as the input grows.

    ``files``: ``policytext classify`` on k copies of every dev document, one
    file each. ``one document``: ``policytext classify --document`` on a single
    file holding k copies of the dev documents one after another.
    """
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in scales:
            folder = Path(tmp) / f"x{k}"
            folder.mkdir()
            paths = []
            for copy in range(k):
                for document in documents:
                    path = folder / f"{document['doc_id']}-{copy}.txt"
                    path.write_text(document["text"], encoding="utf-8")
                    paths.append(str(path))
            big = Path(tmp) / f"one-x{k}.txt"
            big.write_text("\n\n".join(d["text"] for d in documents) * k, encoding="utf-8")
            chars = sum(len(d["text"]) for d in documents) * k
            for name, argv in (
                ("files", ["classify", *paths]),
                ("one document", ["classify", "--document", str(big)]),
            ):
                measured = _cli_process(argv)
                rows.append({"input": name, "scale": k, "chars": chars, **measured})
                print("growth", rows[-1]["input"], k, measured, file=sys.stderr)
    return rows


def archive(documents: list[dict[str, Any]], gib: float) -> dict[str, Any]:
    """Time and peak memory of ``policytext classify DIRECTORY`` on ``gib`` GiB of text files."""
    texts = [d["text"].encode("utf-8") for d in documents]
    with tempfile.TemporaryDirectory() as tmp:
        folder, size, count = Path(tmp) / "archive", 0, 0
        while size < gib * 2**30:
            part = folder / f"{count // 1000:03d}"
            part.mkdir(parents=True, exist_ok=True)
            data = texts[count % len(texts)]
            (part / f"{count:06d}.txt").write_bytes(data)
            size, count = size + len(data), count + 1
        measured = _cli_process(["classify", str(folder)])
    print("archive", count, size, measured, file=sys.stderr)
    return {"files": count, "bytes": size, **measured}


def run(data_dir: Path, quick: bool) -> dict[str, Any]:
    """Every speed and cost measurement; ``quick`` uses smaller inputs and fewer repeats."""
    sentences = [d["text"] for d in read_jsonl(data_dir / "gold" / "dev.jsonl")] * 20
    documents = read_jsonl(data_dir / "corpus" / "dev_documents.jsonl")
    code = "import policytext; policytext.classify(['全面推进乡村振兴。'])"
    large = 20_000 if quick else 100_000
    gold = data_dir / "gold" / "dev.jsonl"
    classify_large = (
        "import json, policytext\n"
        f"lines = open({str(gold)!r}, encoding='utf-8').read().splitlines()\n"
        "sentences = [json.loads(line)['text'] for line in lines if line.strip()]\n"
        f"policytext.classify((sentences * ({large} // len(sentences) + 1))[:{large}])\n"
    )
    return {
        "throughput": throughput(sentences, large),
        "features": feature_cost(sentences, _CHUNK),
        "classify_large_process": {"sentences": large, **measured_process(classify_large)},
        "latency": latency(sentences[: 200 if quick else 2000]),
        "document": document_cost(documents, 100_000),
        "dask": dask_throughput(sentences, large),
        "cold_start_seconds": cold_start_seconds(code, 2 if quick else 5),
        "first_classify_process": measured_process(code),
        "size": installed_size(),
        "growth": growth(documents, SCALES[:3] if quick else SCALES),
        "archive": archive(documents, 0.01 if quick else 1.0),
    }

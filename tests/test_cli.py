from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import policytext
from policytext.cli import _parser, main

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample_report.txt"


def run(args: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "policytext", *args], input=stdin, capture_output=True
    )


def test_version() -> None:
    result = run(["--version"])
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"policytext {policytext.__version__}"


def test_tokenize_file_gives_one_line_per_input_line(sample_text: str, tmp_path: Path) -> None:
    result = run(["tokenize", str(REPO / "examples" / "sample_report.txt")])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(sample_text.rstrip("\n").split("\n"))
    assert "新质生产力" in lines[6].split(" ")


def test_tokenize_stdin_with_separator() -> None:
    result = run(["tokenize", "--separator", "|", "-"], "推进“一网通办”\n".encode())
    assert result.stdout.decode("utf-8") == "推进|“|一网通办|”\n"


def test_split_stdin() -> None:
    result = run(["split", "-"], "一、总体要求\n稳中求进。坚持创新！".encode())
    assert result.stdout.decode("utf-8").splitlines() == [
        "一、总体要求",
        "稳中求进。",
        "坚持创新！",
    ]


def test_info_reports_backend_and_vocabulary() -> None:
    result = run(["info", "--backend", "jieba"])
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0
    assert f"policytext {policytext.__version__}" in out
    assert "backend: jieba" in out
    assert re.search(r"policy vocabulary: [1-9]\d{3,} words", out)
    assert re.search(r"model: \S+ trained \S+, 19 domains, dev accuracy 0\.\d{3}", out)
    assert result.stderr == b""  # jieba's start-up log stays quiet


def test_bad_files_are_reported_and_good_ones_still_processed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("稳增长。保就业。", encoding="utf-8")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("稳增长。".encode("gbk"))
    result = run(["split", str(tmp_path / "missing.txt"), str(tmp_path), str(gbk), str(good)])
    assert result.returncode == 1
    assert result.stdout.decode("utf-8").splitlines() == ["稳增长。", "保就业。"]
    errors = result.stderr.decode("utf-8").splitlines()
    assert len(errors) == 3
    assert "missing.txt: No such file or directory" in errors[0]
    assert "is a directory" in errors[1]
    assert "gbk.txt: not utf-8" in errors[2]
    assert all(line.startswith("policytext: error: ") for line in errors)
    assert b"Traceback" not in result.stderr


def test_library_errors_become_one_line_cli_errors(tmp_path: Path) -> None:
    result = run(["tokenize", "--vocabulary", str(tmp_path / "none.txt"), "-"], "改革".encode())
    assert result.returncode == 1
    assert result.stderr.decode("utf-8").startswith("policytext: error: cannot read vocabulary")
    assert b"Traceback" not in result.stderr


def test_non_utf8_stdin_is_a_clean_error_that_names_the_fix() -> None:
    result = run(["split", "-"], "稳增长".encode("gbk"))
    assert result.returncode == 1
    assert b"<stdin>: not utf-8" in result.stderr and b"Traceback" not in result.stderr
    assert b"--encoding gb18030" in result.stderr


def test_a_file_is_classified_as_it_is_read_until_a_bad_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from policytext import _api, _reading

    monkeypatch.setattr(_reading, "_BLOCK", 16)  # bytes per read
    monkeypatch.setattr(_api, "_CHUNK", 1)  # sentences per batch
    good = "（三）全面推进乡村振兴。\n稳定粮食生产。\n".encode()
    broken = tmp_path / "broken.txt"
    broken.write_bytes(good * 3 + b"\xff\xfe" + good)
    other = tmp_path / "other.txt"
    other.write_bytes(good * 3)
    assert main(["classify", str(broken), str(other)]) == 1
    captured = capsys.readouterr()
    rows = [line.split("\t", 1) for line in captured.out.splitlines()]
    *before, error = [rest for name, rest in rows if name == str(broken)]
    complete = [rest for name, rest in rows if name == str(other)]
    # What was read before the bad byte is out, then an error record; the next file is whole.
    assert len(complete) == 6 and 0 < len(before) < 6
    assert before == complete[: len(before)]
    message = f"broken.txt: not utf-8 (byte {len(good) * 3}: b'\\xff')"
    assert error.startswith("\tERROR\t\t") and message in error
    assert message in captured.err


def test_gbk_files_are_read_with_an_encoding(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("稳增长。促改革。".encode("gbk"))
    good = tmp_path / "good.txt"
    good.write_text("\ufeff惠民生。", encoding="utf-8")  # with a byte-order mark
    result = run(["split", "--encoding", "gb18030", str(gbk)])
    assert (result.returncode, result.stdout.decode()) == (0, "稳增长。\n促改革。\n")
    mixed = run(["split", str(gbk), str(good)])
    assert mixed.returncode == 1
    assert mixed.stdout.decode() == "惠民生。\n"  # the good file is not lost
    assert mixed.stderr.decode().count("not utf-8") == 1
    unknown = run(["classify", "--encoding", "no-such-codec", str(good)])
    assert unknown.returncode == 1
    assert unknown.stderr.decode().strip() == "policytext: error: unknown encoding 'no-such-codec'"


def test_build_vocabulary_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text('{"text": "实施“黄小西吃晚饭”行动。"}\n', encoding="utf-8")
    output = tmp_path / "vocab.txt"
    assert main(["build-vocabulary", "--documents", str(corpus), "-o", str(output)]) == 0
    assert "黄小西吃晚饭\t" in output.read_text(encoding="utf-8")
    assert "wrote" in capsys.readouterr().err


def test_build_vocabulary_bad_corpus_is_a_clean_error(tmp_path: Path) -> None:
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("not json\n", encoding="utf-8")
    result = run(["build-vocabulary", "--documents", str(corpus)])
    assert result.returncode == 1
    assert b"cannot read corpus" in result.stderr and b"Traceback" not in result.stderr


def test_main_writes_to_stdout(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("稳增长。保就业。".encode())))
    assert main(["split"]) == 0
    assert capsys.readouterr().out == "稳增长。\n保就业。\n"


def test_every_command_is_documented_in_readme_or_docs() -> None:
    documented = (REPO / "README.md").read_text("utf-8") + "".join(
        path.read_text("utf-8") for path in (REPO / "docs").glob("*.md")
    )
    subparsers = next(action for action in _parser()._actions if action.dest == "command")
    commands = list(subparsers.choices)  # type: ignore[union-attr]
    assert commands
    for command in commands:
        assert f"policytext {command}" in documented, f"command {command!r} is not documented"


def test_classify_prints_tsv_per_sentence() -> None:
    result = run(["classify", str(REPO / "examples" / "sample_report.txt")])
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.decode("utf-8").splitlines()]
    assert len(rows) == len(policytext.split_sentences(SAMPLE.read_text("utf-8")))
    assert all(len(row) == 5 for row in rows)
    assert rows[0][1] == "0" and float(rows[0][3]) <= 1.0
    codes = {domain.code for domain in policytext.DOMAINS}
    assert {row[2] for row in rows} <= codes


def test_classify_jsonl_and_document_shares(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text("全面推进乡村振兴。稳定粮食生产。", encoding="utf-8")
    result = run(["classify", "--format", "jsonl", "--document", str(SAMPLE), str(other)])
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [row["doc"] for row in rows] == [str(SAMPLE), str(other)]
    assert rows[1]["label"] == "rural" and rows[1]["shares"] == {"rural": 1.0}
    sentences = run(["classify", "--format", "jsonl", "-"], "稳定粮食生产。".encode())
    row = json.loads(sentences.stdout.decode("utf-8"))
    assert row["label"] == "rural" and row["index"] == 0 and row["doc"] == "<stdin>"


def test_classify_jobs_give_the_same_output_and_bad_files_do_not_stop_others(
    tmp_path: Path,
) -> None:
    files = []
    for n in range(6):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"第{n}份。全面推进乡村振兴。发展数字经济。", encoding="utf-8")
        files.append(str(path))
    serial = run(["classify", *files])
    parallel = run(["classify", "--jobs", "2", *files, str(tmp_path / "missing.txt")])
    *classified, error = parallel.stdout.decode("utf-8").splitlines()
    assert classified == serial.stdout.decode("utf-8").splitlines()
    assert error.startswith(f"{tmp_path / 'missing.txt'}\t\tERROR\t\t")
    assert parallel.returncode == 1
    assert b"missing.txt: No such file or directory" in parallel.stderr
    assert b"Traceback" not in parallel.stderr


def test_classify_with_a_broken_model_is_a_clean_error(tmp_path: Path) -> None:
    result = run(["classify", "--model", str(tmp_path), "-"], "稳定粮食生产。".encode())
    assert result.returncode == 1
    assert b"metadata.json is missing" in result.stderr and b"Traceback" not in result.stderr


def test_evaluate_prints_scores_table_and_confusion(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"doc": "d", "text": "全面推进乡村振兴。", "label": "rural"},
        {"doc": "d", "text": "发展数字经济，建设数字政府。", "label": "digital"},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    result = run(["evaluate", str(gold)])
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0, result.stderr
    assert "sentences: n=2 accuracy=" in out and "top-2=" in out
    assert "rural" in out and "confusion (rows gold, columns predicted)" in out
    report = json.loads(run(["evaluate", "--format", "json", str(gold)]).stdout)
    assert report["sentences"]["n"] == 2


def test_train_without_data_is_a_clean_error(tmp_path: Path) -> None:
    result = run(["train", "--data-dir", str(tmp_path), "--output", str(tmp_path / "m")])
    assert result.returncode == 1
    assert b"training data not found" in result.stderr and b"Traceback" not in result.stderr


def test_classify_walks_directories_and_reads_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.txt").write_text("全面推进乡村振兴。", encoding="utf-8")
    letters = tmp_path / "reports" / "letters.jsonl"
    letters.write_text('{"body": "深化医药卫生体制改革。"}\n{"other": 1}\n', encoding="utf-8")
    assert main(["classify", "--text-field", "body", str(tmp_path / "reports")]) == 1
    captured = capsys.readouterr()
    rows = [line.split("\t")[:3] for line in captured.out.splitlines()]
    assert rows == [
        [str(tmp_path / "reports" / "a.txt"), "0", "rural"],
        [f"{letters}:1", "0", "health"],
        [f"{letters}:2", "", "ERROR"],
    ]
    assert captured.err.strip().endswith(f"{letters}:2: no string field 'body'")


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("options", [[], ["--format", "jsonl"], ["--document"]])
def test_resume_finishes_an_interrupted_output(
    reports: Path, tmp_path: Path, options: list[str]
) -> None:
    full, cut = tmp_path / "full.out", tmp_path / "cut.out"
    assert main(["classify", *options, str(reports), "-o", str(full)]) == 0
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # interrupted in the middle of a line
    assert main(["classify", *options, str(reports), "-o", str(cut), "--resume"]) == 0
    assert cut.read_bytes() == data


def test_parquet_output_holds_the_same_rows(reports: Path, tmp_path: Path) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    jsonl, table = tmp_path / "out.jsonl", tmp_path / "out.parquet"
    assert main(["classify", "--format", "jsonl", str(reports), "-o", str(jsonl)]) == 0
    assert main(["classify", "--format", "parquet", str(reports), "-o", str(table)]) == 0
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert parquet.read_table(table).to_pylist() == [{**row, "error": None} for row in rows]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "parquet"], "--format parquet needs --output"),
        (["--resume"], "--resume needs --output"),
        (["--resume", "--format", "parquet", "-o", "x.parquet"], "--resume works with"),
    ],
)
def test_output_options_are_checked(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", *options, str(SAMPLE)]) == 1
    assert message in capsys.readouterr().err


@pytest.fixture
def damaged(reports: Path) -> Path:
    """``reports`` with a file cut short by a bad byte and a JSON Lines file with a bad line."""
    good = "（三）全面推进乡村振兴。\n稳定粮食生产。\n".encode()
    (reports / "broken.txt").write_bytes(good + b"\xff" + good)
    (reports / "letters.jsonl").write_text('{"text": "建设健康中国。"}\nnot json\n', "utf-8")
    return reports


def test_unreadable_inputs_become_error_records_and_the_rest_is_written(
    damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--format", "jsonl", str(damaged), "-o", str(out)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    errors = [row for row in rows if "error" in row]
    broken, letters = str(damaged / "broken.txt"), str(damaged / "letters.jsonl")
    assert [row["doc"] for row in errors] == [broken, f"{letters}:2"]
    assert "not utf-8" in errors[0]["error"] and "not JSON" in errors[1]["error"]
    # One block holds all of broken.txt: it fails before any sentence is out.
    assert [row for row in rows if row["doc"] == broken] == errors[:1]
    for name in ("a.txt", "b.txt", "c.txt"):  # the other files are whole
        doc = str(damaged / name)
        assert len([row for row in rows if row["doc"] == doc]) == len(
            policytext.classify_document(SAMPLE.read_text(encoding="utf-8")).sentences
        )
    assert f"{letters}:1" in {row["doc"] for row in rows}
    err = capsys.readouterr().err
    assert err.count("policytext: error: ") == 2 and "broken.txt: not utf-8" in err


def test_a_document_cut_short_gets_an_error_record_not_shares(
    damaged: Path, tmp_path: Path
) -> None:
    out, table = tmp_path / "docs.jsonl", tmp_path / "docs.parquet"
    assert main(["classify", "--document", "--format", "jsonl", str(damaged), "-o", str(out)]) == 1
    rows = {row["doc"]: row for row in map(json.loads, out.read_text("utf-8").splitlines())}
    assert set(rows[str(damaged / "broken.txt")]) == {"doc", "error"}
    assert rows[str(damaged / "a.txt")]["label"] is not None
    parquet = pytest.importorskip("pyarrow.parquet")
    assert main(["classify", "--document", "--format", "parquet", str(damaged), "-o", str(table)])
    read = {row["doc"]: row for row in parquet.read_table(table).to_pylist()}
    assert read.keys() == rows.keys()
    assert "not utf-8" in read[str(damaged / "broken.txt")]["error"]
    assert read[str(damaged / "a.txt")]["error"] is None


def test_resume_keeps_error_records_as_done(damaged: Path, tmp_path: Path) -> None:
    full, cut = tmp_path / "full.tsv", tmp_path / "cut.tsv"
    assert main(["classify", str(damaged), "-o", str(full)]) == 1
    data = full.read_bytes()
    for end in (len(data) // 3, data.index(b"\tERROR\t") + 10, len(data) - 5):
        cut.write_bytes(data[:end])
        main(["classify", str(damaged), "-o", str(cut), "--resume"])
        assert cut.read_bytes() == data


def test_the_progress_bar_counts_bytes_with_a_rate_and_an_eta(
    reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(reports)]) == 0
    size = sum(path.stat().st_size for path in reports.iterdir())
    bar = capsys.readouterr().err.replace("\r", "\n").splitlines()[-1]
    done = re.search(r"classify: 100%\|.*\| ([\d.]+)k/([\d.]+)k \[\d\d:\d\d<\d\d:\d\d, .*B/s", bar)
    assert done, bar
    assert done[1] == done[2] == f"{size / 1024:.2f}"

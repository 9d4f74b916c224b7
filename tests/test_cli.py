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


def test_tokenize_fine_and_with_extra_vocabulary(tmp_path: Path) -> None:
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("稳岗扩容 5 nz\n", encoding="utf-8")
    text = "推进中国式现代化稳岗扩容\n".encode()
    coarse = run(["tokenize", "--separator", "|", "-"], text)
    assert coarse.stdout.decode("utf-8") == "推进|中国式现代化|稳岗|扩容\n"
    extended = run(["tokenize", "--separator", "|", "--extra-vocabulary", str(userdict), "-"], text)
    assert extended.stdout.decode("utf-8") == "推进|中国式现代化|稳岗扩容\n"
    fine = run(["tokenize", "--separator", "|", "--fine", "-"], text)
    assert fine.stdout.decode("utf-8") == "推进|中国式|现代化|稳岗|扩容\n"


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
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "good.txt").write_text("稳增长。保就业。", encoding="utf-8")
    (folder / "gbk.txt").write_bytes("稳增长。".encode("gbk"))
    result = run(["split", str(tmp_path / "missing.txt"), str(folder)])
    assert result.returncode == 1
    assert result.stdout.decode("utf-8").splitlines() == ["稳增长。", "保就业。"]
    errors = result.stderr.decode("utf-8").splitlines()
    assert len(errors) == 2
    assert "missing.txt: No such file or directory" in errors[0]
    assert "gbk.txt: not utf-8" in errors[1]
    assert all(line.startswith("policytext: error: ") for line in errors)
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["tokenize", "split", "classify"])
def test_every_command_reads_the_same_inputs(tmp_path: Path, command: str) -> None:
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "A.TXT").write_text("全面推进乡村振兴。", encoding="utf-8")
    (folder / "sub" / "b.JSONL").write_text(
        '{"body": "深化医药卫生体制改革。"}\n{"body": "建设数字中国。"}\n', "utf-8"
    )
    (folder / "notes.pdf").write_bytes(b"%PDF")
    (folder / "sub" / "c.docx").write_bytes(b"PK")
    result = run([command, "--text-field", "body", str(folder)])
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    for words in ("乡村振兴", "医药卫生", "数字中国"):
        assert words in out.replace(" ", "")
    assert "body" not in out
    assert result.stderr.decode("utf-8").splitlines()[0] == (
        "policytext: skipped 2 files in directories that are not .txt or .jsonl "
        f"(such as {folder / 'notes.pdf'})"
    )  # then classify's progress bar


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


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_byte_order_mark_are_read(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "wide.txt"
    mark = "\ufeff" if encoding.endswith("-be") else ""  # the others write their own
    path.write_bytes((mark + "稳增长。促改革。").encode(encoding))
    result = run(["split", str(path)])
    assert (result.returncode, result.stdout.decode()) == (0, "稳增长。\n促改革。\n")


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
    header, *rows = [line.split("\t") for line in result.stdout.decode("utf-8").splitlines()]
    assert header == ["doc", "index", "label", "score", "text"]
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
        ["doc", "index", "label"],
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


@pytest.mark.parametrize("resume", [[], ["--resume"]])
def test_output_inside_an_input_directory_is_never_read(reports: Path, resume: list[str]) -> None:
    output = reports / "out.jsonl"
    args = ["classify", "--format", "jsonl", str(reports), "-o", str(output)]
    first = run(args)
    assert first.returncode == 0, first.stderr
    written = output.read_bytes()
    again = subprocess.run(
        [sys.executable, "-m", "policytext", *args, *resume], capture_output=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert output.read_bytes() == written
    assert str(output) not in {json.loads(line)["doc"] for line in written.splitlines()}


def test_output_named_as_an_input_is_refused(
    reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = reports / "a.txt"
    before = output.read_bytes()
    assert main(["classify", str(output), "-o", str(output)]) == 1
    assert f"{output} is both an input and the --output" in capsys.readouterr().err
    assert output.read_bytes() == before


def test_parquet_without_pyarrow_fails_before_any_work(
    reports: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import policytext._batch

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    monkeypatch.setattr(policytext._batch, "iter_classified", None)  # any work would fail
    table = tmp_path / "out.parquet"
    assert main(["classify", "--format", "parquet", str(reports), "-o", str(table)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs pyarrow" in err and "policytext[parquet]" in err
    assert not table.exists()


def test_output_in_a_missing_directory_is_a_one_line_error(tmp_path: Path) -> None:
    result = run(["classify", str(SAMPLE), "-o", str(tmp_path / "nowhere" / "out.tsv")])
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"policytext: error: --output: directory {tmp_path / 'nowhere'} does not exist\n"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ([], ["--format", "jsonl"]),
        (["--format", "jsonl"], []),
        ([], ["--document"]),
        (["--document"], []),
        (["--format", "jsonl"], ["--format", "jsonl", "--document"]),
        (["--format", "jsonl", "--document"], ["--format", "jsonl"]),
    ],
)
def test_resume_refuses_output_of_another_kind(
    reports: Path,
    tmp_path: Path,
    first: list[str],
    second: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / "out"
    assert main(["classify", *first, str(reports), "-o", str(output)]) == 0
    written = output.read_bytes()
    capsys.readouterr()
    assert main(["classify", *second, str(reports), "-o", str(output), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--resume: {output}, line 1, is not" in err
    assert output.read_bytes() == written


@pytest.mark.parametrize("fmt", ["tsv", "jsonl", "parquet"])
def test_document_output_has_a_row_for_every_document(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_empty.txt").write_text("", encoding="utf-8")
    (folder / "b_nothing.txt").write_text("1. 2024\n", encoding="utf-8")
    (folder / "c_rural.txt").write_text("全面推进乡村振兴。稳定粮食生产。", encoding="utf-8")
    (folder / "d.jsonl").write_text('{"text": ""}\n{"text": "建设健康中国。"}\n', "utf-8")
    out = tmp_path / f"docs.{fmt}"
    assert main(["classify", "--document", "--format", fmt, str(folder), "-o", str(out)]) == 0
    names = ["a_empty.txt", "b_nothing.txt", "c_rural.txt", "d.jsonl:1", "d.jsonl:2"]
    if fmt == "tsv":
        rows = [line.split("\t") for line in out.read_text("utf-8").splitlines()]
        assert rows == [
            ["doc", "label", "n_sentences", "shares"],
            [str(folder / names[0]), "", "0", ""],
            [str(folder / names[1]), "", "0", ""],
            [str(folder / names[2]), "rural", "2", "rural:1.000"],
            [str(folder / names[3]), "", "0", ""],
            [str(folder / names[4]), "health", "1", "health:1.000"],
        ]
        return
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    else:
        rows = pytest.importorskip("pyarrow.parquet").read_table(out).to_pylist()
    assert [row["doc"] for row in rows] == [str(folder / name) for name in names]
    assert [row["label"] for row in rows] == [None, None, "rural", None, "health"]
    assert [row["n_sentences"] for row in rows] == [0, 0, 2, 0, 1]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "reports.jsonl"
    lines = [
        {
            "id": "gd-2024",
            "year": 2024,
            "region": "广东",
            "text": "全面推进乡村振兴。稳定粮食生产。",
        },
        {"id": "js-2025", "year": 2025, "region": "江苏", "text": "深化医药卫生体制改革。"},
    ]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    return path


def test_rows_carry_the_records_ids_and_kept_fields(records: Path, tmp_path: Path) -> None:
    options = ["--id-field", "id", "--keep-field", "year", "--keep-field", "region"]
    out = tmp_path / "docs.jsonl"
    assert main(["classify", "--document", "--format", "jsonl", *options, str(records),
                 "-o", str(out)]) == 0  # fmt: skip
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["doc"], r["year"], r["region"], r["label"], r["n_sentences"]) for r in rows] == [
        ("gd-2024", 2024, "广东", "rural", 2),
        ("js-2025", 2025, "江苏", "health", 1),
    ]
    table = tmp_path / "sentences.tsv"
    assert main(["classify", *options, str(records), "-o", str(table)]) == 0
    header, *lines = [line.split("\t") for line in table.read_text("utf-8").splitlines()]
    assert header == ["doc", "year", "region", "index", "label", "score", "text"]
    assert [line[:5] for line in lines] == [
        ["gd-2024", "2024", "广东", "0", "rural"],
        ["gd-2024", "2024", "广东", "1", "rural"],
        ["js-2025", "2025", "江苏", "0", "health"],
    ]


def test_a_record_without_its_id_gets_an_error_record(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"text": "全面推进乡村振兴。"}\n{"id": 7, "text": "建设数字中国。"}\n', "utf-8"
    )
    result = run(["classify", "--format", "jsonl", "--id-field", "id", str(path)])
    assert result.returncode == 1
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert rows[0] == {"doc": f"{path}:1", "error": f"{path}:1: no id field 'id'"}
    assert rows[1]["doc"] == "7" and rows[1]["label"] == "digital"


def test_csv_output_reads_back_with_the_csv_module(records: Path, tmp_path: Path) -> None:
    import csv

    path = tmp_path / "with, comma.jsonl"
    path.write_bytes(records.read_bytes())
    out = tmp_path / "out.csv"
    assert main(["classify", "--format", "csv", "--keep-field", "region", str(path),
                 "-o", str(out)]) == 0  # fmt: skip
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["doc"], r["region"], r["label"]) for r in rows] == [
        (f"{path}:1", "广东", "rural"),
        (f"{path}:1", "广东", "rural"),
        (f"{path}:2", "江苏", "health"),
    ]
    cut = tmp_path / "cut.csv"
    data = out.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert main(["classify", "--format", "csv", "--keep-field", "region", str(path),
                 "-o", str(cut), "--resume"]) == 0  # fmt: skip
    assert cut.read_bytes() == data


def test_resume_refuses_an_output_with_other_fields(records: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.tsv"
    assert main(["classify", "--keep-field", "year", str(records), "-o", str(out)]) == 0
    written = out.read_bytes()
    assert main(["classify", "--keep-field", "region", str(records), "-o", str(out),
                 "--resume"]) == 1  # fmt: skip
    assert out.read_bytes() == written


def test_quiet_prints_no_progress_bar_or_notices(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("全面推进乡村振兴。", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF")
    loud = run(["classify", str(folder)])
    quiet = run(["classify", "--quiet", str(folder)])
    assert b"skipped 1 file" in loud.stderr and b"classify:" in loud.stderr
    assert (quiet.returncode, quiet.stderr) == (0, b"")
    assert quiet.stdout == loud.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_cleanly_with_status_130(tmp_path: Path, jobs: str) -> None:
    import os
    import select
    import signal
    import time

    folder = tmp_path / "many"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8") * 20
    for number in range(200):
        (folder / f"{number:03}.txt").write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "policytext", "classify", "--jobs", jobs, str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, as a terminal's job
    )
    assert process.stderr is not None
    seen, deadline = b"", time.monotonic() + 60
    while b"sentences]" not in seen and time.monotonic() < deadline:  # the bar is moving
        if select.select([process.stderr], [], [], 1.0)[0]:
            seen += os.read(process.stderr.fileno(), 65536)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
    rest = process.communicate(timeout=60)[1]
    err = (seen + rest).decode("utf-8", "replace")
    assert process.returncode == 130
    assert err.endswith("\n")  # the progress line is finished
    assert "Traceback" not in err and "KeyboardInterrupt" not in err  # workers ignore Ctrl-C
    assert "tasks which were still being processed" not in err  # joblib's warning is quiet

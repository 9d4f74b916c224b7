"""The built wheel carries the package data and the model, and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytest.importorskip("build")
if not (REPO / "pyproject.toml").is_file():
    pytest.skip("not in a source checkout", allow_module_level=True)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(f"wheel build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return next(out.glob("policytext-*.whl"))


def test_wheel_holds_data_and_model(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "policytext/py.typed",
        "policytext/data/domains.tsv",
        "policytext/data/policy_vocab.txt",
        "policytext/data/seed_terms.txt",
        "policytext/models/domains/model.npz",
        "policytext/models/domains/metadata.json",
    ):
        assert name in names, name


def test_unpacked_wheel_classifies_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import policytext, pathlib; "
        "print(policytext.classify(['全面推进乡村振兴。'])[0]); "
        "print(pathlib.Path(policytext.model_info()['path']).is_relative_to(pathlib.Path.cwd()))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=site, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["rural", "True"]

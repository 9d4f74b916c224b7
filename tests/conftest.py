"""Shared fixtures: the bundled sample document and, when present, ../shared data.

``POLICYTEXT_TEST_DATA`` points the corpus tests at another data directory
(CI sets it when it runs these tests against the installed wheel elsewhere).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("POLICYTEXT_TEST_DATA") or REPO.parent / "shared")
SAMPLE = REPO / "examples" / "sample_report.txt"


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus" / "documents.jsonl").exists():
        pytest.skip("../shared corpus not available")
    return SHARED


@pytest.fixture(scope="session")
def dev_texts(shared_dir: Path) -> list[str]:
    with (shared_dir / "corpus" / "dev_documents.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]

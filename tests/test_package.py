from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import policytext


def test_public_api_is_explicit() -> None:
    namespace: dict[str, object] = {}
    exec("from policytext import *", namespace)
    exported = {name for name in namespace if name != "__builtins__"}
    assert exported == set(policytext.__all__)
    assert all(namespace[name] is not None for name in exported)
    assert set(policytext.__all__) <= set(dir(policytext))
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        policytext.nothing  # noqa: B018


def test_import_loads_no_segmenter_or_model() -> None:
    code = (
        "import sys, policytext; "
        "print(sorted(m for m in ('jieba', 'rjieba', 'sklearn', 'joblib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_errors_subclass_library_and_builtin_errors() -> None:
    assert issubclass(policytext.InvalidInputError, policytext.PolicyTextError)
    assert issubclass(policytext.InvalidInputError, TypeError)
    assert issubclass(policytext.InvalidInputError, ValueError)
    assert issubclass(policytext.ModelLoadError, policytext.PolicyTextError)
    assert issubclass(policytext.ModelLoadError, OSError)


def test_package_data_is_present() -> None:
    from importlib import resources

    data = resources.files("policytext").joinpath("data")
    for name in ("domains.tsv", "policy_vocab.txt", "seed_terms.txt"):
        assert data.joinpath(name).is_file(), name
    assert resources.files("policytext").joinpath("py.typed").is_file()


API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"


@pytest.mark.skipif(not API_PAGE.is_file(), reason="docs/ not beside the tests")
def test_every_public_name_is_in_the_api_reference() -> None:
    page = API_PAGE.read_text(encoding="utf-8")
    assert [name for name in policytext.__all__ if f"`{name}" not in page] == []

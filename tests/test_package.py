from __future__ import annotations

import subprocess
import sys
import types

import policytext


def test_public_api_is_explicit() -> None:
    public = [
        name
        for name, value in vars(policytext).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    ]
    assert sorted(policytext.__all__) == sorted([*public, "__version__"])
    for name in policytext.__all__:
        assert getattr(policytext, name) is not None


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

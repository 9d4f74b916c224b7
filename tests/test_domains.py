from __future__ import annotations

import csv
from pathlib import Path

import pytest

from policytext import DOMAINS, Domain


def test_nineteen_domains_in_file_order() -> None:
    codes = [domain.code for domain in DOMAINS]
    assert len(codes) == 19 == len(set(codes))
    assert codes[0] == "economy" and codes[-1] == "general"


def test_domains_match_the_shared_taxonomy(shared_dir) -> None:  # type: ignore[no-untyped-def]
    with (shared_dir / "taxonomy" / "domains.tsv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table, delimiter="\t"))
    assert [(d.code, d.name_zh, d.name_en) for d in DOMAINS] == [
        (row["code"], row["name_zh"], row["name_en"]) for row in rows
    ]


def test_crosswalks_are_split_into_tuples() -> None:
    by_code = {domain.code: domain for domain in DOMAINS}
    rural = by_code["rural"]
    assert isinstance(rural, Domain)
    assert rural.cap_topics == ("4 Agriculture",)
    assert rural.state_council_topics == ("农业、林业、水利",)
    assert by_code["economy"].cap_topics[0] == "1 Macroeconomics"
    assert by_code["general"].cap_topics == () == by_code["general"].state_council_topics


DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.skipif(not (DOCS / "taxonomy.md").is_file(), reason="docs/ not beside the tests")
def test_taxonomy_page_lists_every_domain_with_its_crosswalks() -> None:
    page = (DOCS / "taxonomy.md").read_text(encoding="utf-8")
    for domain in DOMAINS:
        cap = "; ".join(domain.cap_topics) or "—"
        council = "; ".join(domain.state_council_topics) or "—"
        row = f"| `{domain.code}` | {domain.name_zh} | {domain.name_en} | {cap} | {council} |"
        assert row in page

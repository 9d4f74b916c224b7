from __future__ import annotations

import csv

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

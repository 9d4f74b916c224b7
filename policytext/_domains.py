"""The 19 policy domains, read from the bundled ``data/domains.tsv``.

>>> from policytext import DOMAINS
>>> DOMAINS[0].code, DOMAINS[0].name_en
('economy', 'Macroeconomy, fiscal policy and finance')
"""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

__all__ = ["DOMAINS", "Domain"]

_DOMAINS_FILE = "domains.tsv"
_NO_TOPICS = "(none)"


class Domain(NamedTuple):
    """One policy domain with its crosswalks to other classifications."""

    code: str
    """Short stable identifier, e.g. ``"rural"``."""
    name_zh: str
    name_en: str
    cap_topics: tuple[str, ...]
    """Comparative Agendas Project major topics, e.g. ``("4 Agriculture",)``."""
    state_council_topics: tuple[str, ...]
    """State Council topic classification (主题分类) entries."""


def _split_topics(cell: str) -> tuple[str, ...]:
    if cell.strip() == _NO_TOPICS:
        return ()
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _read_domains() -> tuple[Domain, ...]:
    text = resources.files("policytext").joinpath("data", _DOMAINS_FILE).read_text("utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return tuple(
        Domain(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            cap_topics=_split_topics(row["cap_major_topics"]),
            state_council_topics=_split_topics(row["state_council_topics"]),
        )
        for row in rows
    )


DOMAINS: tuple[Domain, ...] = _read_domains()
"""All domains in the order of the taxonomy file."""

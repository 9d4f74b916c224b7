"""One colour per domain, the same in plots and in HTML reports.

>>> DOMAIN_COLOURS["general"]
'#c7c7c7'
"""

from __future__ import annotations

from ._domains import DOMAINS

__all__ = ["DOMAIN_COLOURS"]

# matplotlib's tab20 colours but its greys, in the taxonomy's order; general is grey.
_COLOURS = (
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728",
    "#ff9896", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94", "#e377c2", "#f7b6d2",
    "#bcbd22", "#dbdb8d", "#17becf", "#9edae5",
)  # fmt: skip

_SPECIFIC = [domain.code for domain in DOMAINS if domain.code != "general"]
DOMAIN_COLOURS: dict[str, str] = {
    **dict(zip(_SPECIFIC, _COLOURS, strict=True)),
    "general": "#c7c7c7",
}
"""Domain code → hex colour."""

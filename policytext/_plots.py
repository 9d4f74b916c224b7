"""Plots of attention to domains, from a :func:`policytext.profile` table.

Needs matplotlib (the ``[plot]`` extra), imported only when a plot is drawn.

>>> import policytext
>>> records = [{"year": 2024, "text": "全面推进乡村振兴。"},
...            {"year": 2025, "text": "建设数字中国。"}]
>>> frame = policytext.profile(policytext.classify_documents(records), records)
>>> axes = policytext.plot_shares(frame, by="year")
>>> axes.get_xlabel(), axes.get_ylabel()
('year', 'share of sentences')
"""

from __future__ import annotations

from typing import Any

from ._domains import DOMAINS
from ._errors import InvalidInputError
from ._frames import SHARE_PREFIX, shares_by, weight_columns
from ._palette import DOMAIN_COLOURS

__all__ = ["plot_shares"]

_KINDS = ("area", "line")
_CHINESE_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "PingFang SC", "Heiti SC", "Microsoft YaHei", "SimHei", "Arial Unicode MS",
)  # fmt: skip


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as pyplot
    except ImportError:
        raise InvalidInputError(
            'plots need matplotlib: pip install matplotlib (or pip install "policytext[plot]")'
        ) from None
    return pyplot


def plot_shares(
    frame: Any,
    by: str | None = None,
    *,
    kind: str = "area",
    weight: str = "sentences",
    label: str | None = None,
    ax: Any = None,
) -> Any:
    """Draw the domain shares of a :func:`policytext.profile` table; return the Axes.

    With ``by`` (a column such as ``year``), documents are pooled per value
    as in :func:`policytext.shares_by` (by sentences, or characters with
    ``weight="chars"``), drawn as a stacked area (``kind="area"``) or as
    lines (``kind="line"``) along the sorted values. Without ``by``, each document is a stacked
    horizontal bar, named by its ``label`` column (default: ``doc_id``,
    ``doc`` or ``id`` if there is one, else the row number).
    Documents with nothing classified are left out.
    """
    if kind not in _KINDS:
        raise InvalidInputError(f"kind must be one of {_KINDS}, got {kind!r}")
    codes = [domain.code for domain in DOMAINS]
    if by is not None:
        shares = shares_by(frame, by, weight=weight)  # checks the table and weight
        ax = _axes(ax)
        _over(ax, shares, by, codes, kind)
        ax.set_ylabel("share of sentences" if weight == "sentences" else "share of characters")
    else:
        prefix, count = weight_columns(frame, weight)
        rows = frame[frame[count] > 0]
        names = _names(rows, label)
        ax = _axes(ax)
        _bars(ax, rows, prefix, codes, names)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small", frameon=False)
    families = ["DejaVu Sans", *chinese_fonts()]  # Chinese names in labels, where a font has them
    ax.tick_params(labelfontfamily=families)
    for text in (ax.xaxis.label, ax.yaxis.label, ax.title):
        text.set_fontfamily(families)
    return ax


def chinese_fonts() -> list[str]:
    """The fonts with Chinese glyphs that matplotlib knows here, in order of preference."""
    from matplotlib import font_manager

    known = {font.name for font in font_manager.fontManager.ttflist}
    return [name for name in _CHINESE_FONTS if name in known]


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=(10, 5.5), layout="constrained")
    return ax


def _over(ax: Any, shares: Any, by: str, codes: list[str], kind: str) -> None:
    """Shares along the sorted values of ``by``: stacked areas or lines."""
    x = shares.index.to_list()
    colours = [DOMAIN_COLOURS[code] for code in codes]
    if kind == "area":
        ax.stackplot(x, shares[codes].to_numpy().T, labels=codes, colors=colours, linewidth=0)
        ax.set_ylim(0, 1)
    else:
        for code, colour in zip(codes, colours, strict=True):
            ax.plot(x, shares[code], label=code, color=colour)
    ax.set_xlabel(by)
    ax.margins(x=0)


def _names(rows: Any, label: str | None) -> list[str]:
    if label is None:
        label = next((c for c in ("doc_id", "doc", "id") if c in rows.columns), None)
    elif label not in rows.columns:
        raise InvalidInputError(f"frame has no column {label!r} to name the documents")
    if label is None:
        return [str(index) for index in rows.index]
    return [str(value) for value in rows[label]]


def _bars(ax: Any, rows: Any, prefix: str, codes: list[str], names: list[str]) -> None:
    """One stacked horizontal bar per document, first document on top."""
    left = [0.0] * len(rows)
    positions = list(range(len(rows)))[::-1]
    for code in codes:
        widths = rows[prefix + code].to_list()
        ax.barh(positions, widths, left=left, color=DOMAIN_COLOURS[code], label=code)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(positions, names)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences" if prefix == SHARE_PREFIX else "share of characters")

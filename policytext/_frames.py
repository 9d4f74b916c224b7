"""pandas tables of results: a document's sentences, and one row per document.

Needs pandas (the ``[pandas]`` extra), imported only when a table is asked for.

>>> import policytext
>>> records = [{"doc_id": "a", "year": 2024, "text": "全面推进乡村振兴。稳定粮食生产。"},
...            {"doc_id": "b", "year": 2025, "text": "深化医药卫生体制改革。"}]
>>> frame = policytext.profile(policytext.classify_documents(records), records)
>>> frame["label"].tolist(), frame["n_sentences"].tolist(), frame["share_rural"].tolist()
(['rural', 'health'], [2, 1], [1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._domains import DOMAINS
from ._errors import InvalidInputError

if TYPE_CHECKING:
    from ._api import DocumentResult

__all__ = [
    "CHAR_SHARE_PREFIX",
    "SHARE_PREFIX",
    "profile",
    "profile_frame",
    "profile_row",
    "sentence_frame",
    "shares_by",
    "weight_columns",
]

SHARE_PREFIX = "share_"
"""``share_rural``: the share of a document's classified sentences in ``rural``."""
CHAR_SHARE_PREFIX = "char_share_"
"""``char_share_rural``: the same share, counted in characters."""


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InvalidInputError(
            'tables need pandas: pip install pandas (or pip install "policytext[pandas]")'
        ) from None
    return pandas


def sentence_frame(result: DocumentResult) -> Any:
    """:meth:`DocumentResult.to_frame`: one row per sentence."""
    pandas = _pandas()
    columns = ["index", "text", "label", "score", "heading"]
    frame = pandas.DataFrame([tuple(s) for s in result.sentences], columns=columns)
    return _with_labels(frame, [s.label for s in result.sentences])


def _with_labels(frame: Any, labels: list[str | None]) -> Any:
    """``frame`` with its label column as objects: ``None`` stays ``None``, as
    :func:`policytext.classify` gives it (a string column would make it NaN)."""
    frame["label"] = _pandas().Series(labels, index=frame.index, dtype=object)
    return frame


def profile(
    results: Sequence[DocumentResult],
    records: Iterable[Mapping[str, Any]] | None = None,
    *,
    text_field: str = "text",
) -> Any:
    """One row per document: ``records``' fields, label, n_sentences, n_chars and the
    share of each of the 19 domains, by sentences (``share_…``) and by characters
    (``char_share_…``).

    ``records`` (optional) are the documents the results came from, in the same
    order; their fields but ``text_field`` come first, so ids, years and regions
    pass through. A document with no classified sentence has label ``None`` and
    shares NaN (there is nothing to share out). Needs pandas.
    """
    _pandas()  # fail before any work without pandas
    results = list(results)
    fields: list[dict[str, Any]] = [{} for _ in results]
    if records is not None:
        given = [dict(record) for record in records]
        if len(given) != len(results):
            raise InvalidInputError(
                f"records must match results one to one: {len(given)} records, "
                f"{len(results)} results"
            )
        fields = [{k: v for k, v in record.items() if k != text_field} for record in given]
    return profile_frame(
        profile_row(result, extra) for extra, result in zip(fields, results, strict=True)
    )


_CODES = [domain.code for domain in DOMAINS]
_COLUMNS = {"label", "n_sentences", "n_chars"} | {
    prefix + code for prefix in (SHARE_PREFIX, CHAR_SHARE_PREFIX) for code in _CODES
}


def profile_row(result: DocumentResult, fields: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A row of :func:`profile`: ``fields``, then the document's label, counts and shares."""
    extra = dict(fields or {})
    clash = sorted(_COLUMNS & extra.keys())
    if clash:
        raise InvalidInputError(f"a record has a field named like a column: {clash[0]!r}")
    classified = [s for s in result.sentences if s.label is not None]
    row = {
        **extra,
        "label": result.label,
        "n_sentences": len(classified),
        "n_chars": sum(len(s.text) for s in classified),
    }
    for prefix, values in ((SHARE_PREFIX, result.shares), (CHAR_SHARE_PREFIX, result.char_shares)):
        for code in _CODES:
            row[prefix + code] = values.get(code, 0.0) if classified else float("nan")
    return row


def profile_frame(rows: Iterable[dict[str, Any]]) -> Any:
    """The DataFrame of :func:`profile_row` rows."""
    pandas = _pandas()
    rows = list(rows)
    frame = pandas.DataFrame(rows)
    return _with_labels(frame, [row["label"] for row in rows]) if rows else frame


def shares_by(frame: Any, by: str, *, weight: str = "sentences") -> Any:
    """Domain shares pooled per value of the column ``by`` of a :func:`profile` table.

    A group's share of a domain is its documents' classified sentences (or,
    with ``weight="chars"``, characters) in that domain over all of theirs, so
    a long report counts for more than a short one. Rows: the sorted values of
    ``by``; columns: the 19 domain codes.

    >>> import policytext
    >>> records = [{"year": 2024, "text": "全面推进乡村振兴。稳定粮食生产。"},
    ...            {"year": 2024, "text": "深化医药卫生体制改革。"}]
    >>> table = shares_by(profile(policytext.classify_documents(records), records), "year")
    >>> table.loc[2024, ["rural", "health"]].round(3).tolist()
    [0.667, 0.333]
    """
    prefix, count = weight_columns(frame, weight)
    columns = [prefix + code for code in _CODES]
    if by not in frame.columns:
        raise InvalidInputError(f"frame has no column {by!r} to group by")
    rows = frame[frame[count] > 0]
    counted = rows[columns].multiply(rows[count], axis=0)  # sentences (characters) per domain
    counted.columns = _CODES
    totals = counted.groupby(rows[by], sort=True).sum()
    return totals.div(totals.sum(axis=1), axis=0)


def weight_columns(frame: Any, weight: str) -> tuple[str, str]:
    """The share prefix and the count column of ``weight`` in a :func:`profile` table,
    checked to be there."""
    if weight not in ("sentences", "chars"):
        raise InvalidInputError(f"weight must be 'sentences' or 'chars', got {weight!r}")
    prefix, count = (SHARE_PREFIX, "n_sentences") if weight == "sentences" else (
        CHAR_SHARE_PREFIX, "n_chars")  # fmt: skip
    present = getattr(frame, "columns", ())
    missing = [c for c in [count, *(prefix + code for code in _CODES)] if c not in present]
    if missing:
        raise InvalidInputError(
            f"frame must be a policytext.profile table; it has no column {missing[0]!r}"
        )
    return prefix, count

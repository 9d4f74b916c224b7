"""An HTML report of one document: its sentences coloured by domain, and its shares.

The page stands alone (no scripts or styles from elsewhere, so it opens
offline): headings keep the document's outline, each sentence is coloured by
its domain with the domain and score on hover, and a bar chart shows the
document's shares.

>>> page = html_report("一、乡村振兴\\n全面推进乡村振兴。稳定粮食生产。", title="示例")
>>> page.startswith("<!DOCTYPE html>"), 'data-label="rural"' in page
(True, True)
"""

from __future__ import annotations

from html import escape

from ._api import DocumentResult, classify_document
from ._classifier import PolicyClassifier
from ._domains import DOMAINS
from ._headings import heading_level
from ._palette import DOMAIN_COLOURS
from ._structure import document_structure
from ._validation import check_text

__all__ = ["html_report"]

_NAMES = {domain.code: domain.name_zh for domain in DOMAINS}
_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.8; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; } h3, h4, h5, h6 { font-size: 1.1rem; }
.summary { color: #555; }
.s { border-radius: 3px; padding: 0 1px; }
.none { background: none; color: #777; }
.chart { margin: 1rem 0 2rem; }
.chart text { font-size: 12px; }
.legend span { display: inline-block; margin: 0 .8rem .3rem 0; font-size: .85rem; }
.legend i { display: inline-block; width: .9rem; height: .9rem; margin-right: .3rem;
            vertical-align: middle; border-radius: 2px; }
"""
_BAR_HEIGHT, _BAR_GAP, _LABEL_WIDTH, _BAR_WIDTH = 18, 6, 230, 420


def html_report(
    text: str, *, title: str | None = None, model: PolicyClassifier | None = None
) -> str:
    """The HTML page of ``text``'s :func:`policytext.classify_document` result."""
    text = check_text(text)
    result = classify_document(text, model=model)
    structure = document_structure(text)
    heading = title or next((s.text for s in structure), "") or "policytext report"
    body = [
        f"<h1>{escape(heading)}</h1>",
        _summary(result),
        _chart(result),
        _legend(result),
        *_sentences(result, [s.paragraph for s in structure]),
    ]
    colours = "\n".join(
        f".d-{code} {{ background: {colour}66; }}" for code, colour in DOMAIN_COLOURS.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(heading)}</title>\n<style>{_STYLE}{colours}\n</style>\n</head>\n"
        "<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _summary(result: DocumentResult) -> str:
    label = result.label
    named = f"{label} ({_NAMES[label]})" if label else "none (nothing classified)"
    return (
        f'<p class="summary">Domain of the document: <b id="document-label">{escape(named)}</b>; '
        f'<span id="sentence-count">{result.n_sentences}</span> of {len(result.sentences)} '
        "sentences classified. Hover over a sentence for its domain and score.</p>"
    )


def _chart(result: DocumentResult) -> str:
    """The shares as an SVG bar chart, largest first."""
    step = _BAR_HEIGHT + _BAR_GAP
    height = max(step * len(result.shares), step)
    bars = []
    for row, (code, share) in enumerate(result.shares.items()):
        y = row * step
        width = share * _BAR_WIDTH
        bars.append(
            f'<g class="bar" data-label="{code}" data-share="{share:.4f}">'
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">'
            f"{escape(_NAMES[code])} {code}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{_BAR_HEIGHT}" '
            f'fill="{DOMAIN_COLOURS[code]}"/>'
            f'<text x="{_LABEL_WIDTH + width + 4:.1f}" y="{y + 13}">{share:.1%}</text></g>'
        )
    total = _LABEL_WIDTH + _BAR_WIDTH + 60
    return (
        f'<svg class="chart" role="img" aria-label="share of sentences per domain" '
        f'width="{total}" height="{height}" viewBox="0 0 {total} {height}">'
        + "".join(bars)
        + "</svg>"
    )


def _legend(result: DocumentResult) -> str:
    items = "".join(
        f'<span><i style="background:{DOMAIN_COLOURS[code]}"></i>'
        f"{code} {escape(_NAMES[code])}</span>"
        for code in result.shares
    )
    return f'<p class="legend">{items}</p>'


def _sentences(result: DocumentResult, paragraphs: list[int]) -> list[str]:
    """Headings as h2-h6 by outline level, other sentences in their paragraphs."""
    html: list[str] = []
    current: list[str] = []
    last_paragraph = None

    def close() -> None:
        if current:
            html.append("<p>" + "".join(current) + "</p>")
            current.clear()

    for sentence, paragraph in zip(result.sentences, paragraphs, strict=True):
        label = sentence.label
        attributes = (
            f'class="s d-{label}" data-label="{label}" data-score="{sentence.score:.3f}" '
            f'title="{label} {_NAMES[label]} · {sentence.score:.2f}"'
            if label
            else 'class="s none" data-label="" title="nothing to classify"'
        )
        span = f"<span {attributes}>{escape(sentence.text)}</span>"
        level = heading_level(sentence.text)
        if level is not None:
            close()
            html.append(f"<h{min(level + 2, 6)}>{span}</h{min(level + 2, 6)}>")
        else:
            if paragraph != last_paragraph:
                close()
            current.append(span)
        last_paragraph = paragraph
    close()
    return html

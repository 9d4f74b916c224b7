"""policytext: tokenize, split and classify Chinese policy documents.

>>> import policytext
>>> policytext.tokenize("推进“一网通办”")
['推进', '“', '一网通办', '”']
>>> policytext.split_sentences("一、总体要求\\n稳中求进。坚持创新！")
['一、总体要求', '稳中求进。', '坚持创新！']

Nothing heavy happens at import: the segmenter and its dictionaries load on
first use.
"""

from ._domains import DOMAINS, Domain
from ._errors import InvalidInputError, ModelLoadError, PolicyTextError
from ._sentences import split_sentences
from ._tokenizer import PolicyTokenizer, tokenize
from ._version import __version__

__all__ = [
    "DOMAINS",
    "Domain",
    "InvalidInputError",
    "ModelLoadError",
    "PolicyTextError",
    "PolicyTokenizer",
    "__version__",
    "split_sentences",
    "tokenize",
]

"""Split an article's text into sentences with their character offsets, using pysbd (rule-based, offline).

A line break always ends a sentence (web articles put headings, list items and table rows on lines of their own);
pysbd splits each line. The spans are found back in the text, so ``text[start:end]`` is the sentence exactly, with
no surrounding white space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """A sentence: its offsets in the article's text and its words."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order; each one's offsets slice it back out of ``text``."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        if not line.group().strip():
            continue
        sentences += _split_line(text, line.start(), line.end())
    return sentences


#: A short lead-in that ends with a colon ("Monitor Side Effects: ...") is a heading of its own.
LEAD_IN = re.compile(r"^\s*(?:[•*·-]\s*)?[^\s:.!?][^:.!?]{1,60}:\s+(?=\S)")


def _split_line(text: str, start: int, end: int) -> list[Sentence]:
    lead = LEAD_IN.match(text, start, end)
    if lead and len(lead.group().split()) <= 6:
        return _span(text, start, lead.end()) + _split_line(text, lead.end(), end)
    line = text[start:end]
    pieces = _segmenter().segment(line) if re.search(r"[.!?;]\s", line) else [line]
    found: list[Sentence] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        at = line.find(piece, cursor)
        if at < 0:  # pysbd changed the piece: keep the rest of the line as one sentence
            found += _span(text, start + cursor, end)
            return found
        found += _span(text, start + at, start + at + len(piece))
        cursor = at + len(piece)
    return found


def _span(text: str, start: int, end: int) -> list[Sentence]:
    """The sentence text[start:end] without its surrounding white space (none when it is only white space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [Sentence(start, end, text[start:end])] if end > start else []

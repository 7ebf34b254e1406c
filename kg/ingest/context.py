"""Negation and hedging, the ConText way: trigger phrases (``data/context.tsv``) open a scope that runs forward or
backward within the sentence until a terminating phrase; a claim whose object lies in a scope is negated or hedged.
A pseudo-trigger (ConText's term) is a phrase that holds a trigger word without its sense, and cancels the triggers
inside it: "should not be taken with" warns of an interaction, it does not deny one.

medspaCy's ConText was measured as the alternative (issue 17): it installs and runs offline, but brings spaCy and
its stack (283 MB), takes 1.6 s to import and 0.8 s per article, and its default rules are written for clinical
notes (family history, historical findings), so a web article needs rules of its own anyway. The same algorithm over
an editable trigger list costs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Trigger", "Scope", "triggers", "scopes", "in_scope"]

CATEGORIES = ("negated", "hedged", "terminate", "pseudo")
DIRECTIONS = ("forward", "backward")


@dataclass(frozen=True)
class Trigger:
    phrase: str
    category: str
    direction: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Scope:
    """A span of a sentence (offsets relative to it) that a trigger covers."""

    category: str
    start: int
    end: int
    phrase: str


@lru_cache(maxsize=1)
def triggers() -> tuple[Trigger, ...]:
    """The trigger phrases of ``data/context.tsv``."""
    from .read import IngestError
    from .wordtables import compile_pattern, table_rows, table_text

    found = []
    for number, cells in table_rows(table_text("context.tsv")):
        if len(cells) != 3 or cells[1] not in CATEGORIES or cells[2] not in DIRECTIONS:
            raise IngestError(f"kg/ingest/data/context.tsv:{number}: write phrase, category ({', '.join(CATEGORIES)}) "
                              f"and direction ({', '.join(DIRECTIONS)}) separated by tabs")
        phrase = cells[0].strip()
        if phrase.startswith("re:"):  # a pattern for a family of phrases ("should not be taken with", ...)
            # a word boundary before it, unless it begins with punctuation (", so" follows a word)
            lead = "" if phrase[3:4] in ",;:" else r"(?<![\w’'])"
            pattern = compile_pattern("context.tsv", number, lead + r"(?:" + phrase[3:] + r")(?![\w’'])")
        else:
            words = r"\s+".join(re.escape(w) for w in phrase.split()).replace("'", "['’]")
            pattern = re.compile(r"(?<![\w’'])" + words + r"(?![\w’'])", re.I)
        found.append(Trigger(phrase, cells[1], cells[2], pattern))
    return tuple(found)


def scopes(sentence: str) -> list[Scope]:
    """The negated and hedged scopes of a sentence."""
    hits = [(m.start(), m.end(), t) for t in triggers() for m in t.pattern.finditer(sentence)]
    stops = sorted(start for start, _, t in hits if t.category == "terminate")
    pseudo = [(start, end) for start, end, t in hits if t.category == "pseudo"]
    found = []
    for start, end, trig in hits:
        if trig.category in ("terminate", "pseudo"):
            continue
        if any(s <= start and end <= e for s, e in pseudo):  # "should not be taken with": a warning, not a denial
            continue
        said = sentence[start:end]  # the words, not the pattern, of a trigger written as a regular expression
        if trig.direction == "forward":
            stop = next((s for s in stops if s >= end), len(sentence))
            found.append(Scope(trig.category, end, stop, said))
        else:
            begin = max((s for s in stops if s < start), default=0)
            found.append(Scope(trig.category, begin, start, said))
    return found


def in_scope(found: list[Scope], category: str, at: int) -> str | None:
    """The trigger phrase whose ``category`` scope covers offset ``at`` of the sentence, if any."""
    for scope in found:
        if scope.category == category and scope.start <= at < scope.end:
            return scope.phrase
    return None

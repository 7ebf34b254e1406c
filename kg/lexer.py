"""A SPARQL lexer: the one tokenizer of MRKG (the server's safety check and the endpoint client's binding use it).

It knows the terminals that decide what a query means: comments, strings, IRIs, language tags,
variables, prefixed names, keywords and brackets (SPARQL 1.1 grammar, section 19.8), so a keyword
inside a comment, a literal, an IRI or a prefixed name never counts. Each token is matched once
from where the last ended, with no backtracking across tokens, so the time is linear in the length
of the query (a pattern that rescanned the rest of the text at every dot once made the server stop
for seconds on ``a.a.a…``).

>>> [t.text for t in tokens('SELECT ?s WHERE { ?s a ex:C . } # LIMIT 1')]
['SELECT', '?s', 'WHERE', '{', '?s', 'a', 'ex:C', '.', '}']
>>> [(t.kind, t.text) for t in tokens('"SERVICE"@en true.SERVICE')]
[('string', '"SERVICE"'), ('langtag', '@en'), ('word', 'true'), ('other', '.'), ('word', 'SERVICE')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Token", "tokens", "KINDS"]

#: What a token can be. Whitespace and comments are dropped.
KINDS = ("string", "iri", "langtag", "var", "pname", "word", "punct", "other")

#: One alternative per terminal, tried in this order; every repetition is possessive (no backtracking).
_TOKEN = re.compile(r"""
    (?P<ws>\s++)
  | (?P<comment>\#[^\n\r]*+)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*+'''
              |"(?:[^"\\\n\r]|\\.)*+"|'(?:[^'\\\n\r]|\\.)*+')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
  | (?P<langtag>@[A-Za-z]++(?:-[A-Za-z0-9]++)*+)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]++)
  | (?P<name>(?:[^\W\d][\w.\-]*+)?:(?:[\w:%.\-]|\\\S)*+|[^\W\d][\w.\-]*+)
  | (?P<punct>[{}()])
  | (?P<other>.)
""", re.X | re.S | re.U)


@dataclass(frozen=True)
class Token:
    """One significant token: its kind (one of :data:`KINDS`), its text and its offsets in the query."""

    kind: str
    text: str
    start: int
    end: int


def tokens(query: str) -> list[Token]:
    """The significant tokens of ``query``, in order (whitespace and comments dropped)."""
    return list(_tokens(query))


def _tokens(query: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(query):
        kind, text, start = match.lastgroup or "other", match.group(), match.start()
        if kind in ("ws", "comment"):
            continue
        if kind == "name":
            yield from _names(text, start)
        else:
            yield Token(kind, text, start, match.end())


def _names(text: str, start: int) -> Iterator[Token]:
    """A run of name characters: a prefixed name (its trailing dots end the triple, they are not part of it), or
    keywords between dots and dashes (``true.SERVICE`` is ``true``, ``.``, ``SERVICE``: only a prefixed name holds them)."""
    if ":" in text:
        name = text.rstrip(".")
        yield Token("pname", name, start, start + len(name))
        for i in range(len(name), len(text)):
            yield Token("other", ".", start + i, start + i + 1)
        return
    offset = start
    for part in re.split(r"([.\-])", text):
        if part:
            yield Token("other" if part in ".-" else "word", part, offset, offset + len(part))
        offset += len(part)

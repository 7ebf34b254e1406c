"""Ingest: an article's claims, with quotes and automatic verdicts against the graph (issue 17).

One module per step: :mod:`.read` (the text), :mod:`.sentences`, :mod:`.entities` (the graph's names in the text),
:mod:`.context` (negation and hedging), :mod:`.extract` (typed claims), :mod:`.verdict` (each claim against the
graph), :mod:`.write` (the claims graph and the reports) and :mod:`.documents` (documents kept in the built dataset).
The words that drive extraction are data files in ``kg/ingest/data/``, read by :mod:`.wordtables`.
Nothing here is imported by other commands.

>>> from kg.ingest import ingest_bytes                          # doctest: +SKIP
>>> report = ingest_bytes(open("article.txt", "rb").read(), "article.txt", kg.load())   # doctest: +SKIP
>>> report.claims[0].verdict                                    # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .read import Article, IngestError, read_bytes

if TYPE_CHECKING:
    from ..api import KnowledgeGraph
    from .extract import Claim
    from .sentences import Sentence

__all__ = ["IngestError", "Document", "IngestReport", "ingest_bytes", "check_language"]

#: Below this share of common English function words, a text is taken to be in another language.
MIN_ENGLISH_SHARE = 0.12


@dataclass
class Document:
    """The ingested document as a source: its id (a slug), title, address, date and publisher."""

    id: str
    title: str
    url: str = ""
    date: str = ""
    publisher: str = ""


@dataclass
class IngestReport:
    """What ingest found: the document, its text and sentences, the claims with verdicts, and the time it took."""

    document: Document
    article: Article
    sentences: list[Sentence]
    claims: list[Claim]
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def document_id(data: bytes, title: str) -> str:
    """A stable id for the document: ``article-`` with words of its title and a hash of its content."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-").split("-")[:6]
    slug = "-".join(w for w in words if w)
    return f"article-{slug + '-' if slug else ''}{hashlib.sha256(data).hexdigest()[:8]}"


def check_language(text: str, name: str) -> None:
    """IngestError when the text does not read as English (too few common English function words)."""
    from .entities import english_words

    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < 20:
        return
    share = sum(w in english_words() for w in words) / len(words)
    if share < MIN_ENGLISH_SHARE:
        raise IngestError(f"{name} does not read as English (only {share:.0%} of its words are common English words); "
                          "mrkg ingest reads articles in English")


def ingest_bytes(data: bytes, name: str, graph: KnowledgeGraph, title: str = "", url: str = "", date: str = "",
                 publisher: str = "", kind: str | None = None) -> IngestReport:
    """Read, split, find entities, extract claims and judge them: the whole pipeline on one article's bytes."""
    from .entities import Gazetteer
    from .extract import Lexicon, extract
    from .sentences import split_sentences
    from .verdict import Evidence, assess

    began = time.perf_counter()
    article = read_bytes(data, name, kind)
    check_language(article.text, name)
    gazetteer = Gazetteer.from_store(graph.store)
    mentions = gazetteer.find(article.text)
    if not any(kind == "Drug" for m in mentions for _, kind in m.entities[:1]):
        raise IngestError(f"{name} names no drug the graph knows (by label, synonym, brand or id); "
                          "give an article about a drug (see `mrkg query find-by-name`)")
    sentences = split_sentences(article.text)
    named = {iri for m in mentions for iri, _ in m.entities}
    evidence = Evidence.load(graph.store, named, named)
    claims = extract(article.text, sentences, mentions, Lexicon.of(gazetteer, evidence.links()))
    for claim in claims:
        claim.quote = article.text[claim.start:claim.end]
    held = {cls for c in claims for cls in evidence.classes_of(c.subject)}  # named in reasons
    held |= {condition for _, condition in evidence.indications}
    evidence.add_labels(graph.store, {c.object for c in claims if c.object} | {s for c in claims for s in c.sites} | held)
    assess(claims, evidence)
    heading = title or article.title or _first_line(article.text)
    document = Document(document_id(data, heading), heading, url, date, publisher)
    counts: dict[str, int] = {}
    for claim in claims:
        counts[claim.verdict] = counts.get(claim.verdict, 0) + 1
    return IngestReport(document, article, sentences, claims, time.perf_counter() - began, counts)


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "untitled article")
    return line[:200]

"""Read an article: plain text, HTML or Markdown bytes → the plain text every later step and every offset refers to.

HTML is reduced to its visible text (``<script>``, ``<style>`` and the like dropped, block elements ending a line);
Markdown is rendered by markdown-it-py and then read as HTML. Line endings become ``\\n``. Offsets of sentences,
mentions and quotes are positions in :attr:`Article.text`, so ``article.text[start:end]`` is always the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..errors import MRKGError

__all__ = ["IngestError", "Article", "MAX_BYTES", "read_bytes", "detect_kind", "html_to_text"]

#: The largest article read (bytes). A web article is tens of kilobytes; a bigger file is most likely not one.
MAX_BYTES = 2_000_000
KINDS = ("text", "html", "markdown")

#: Elements whose content is never shown.
HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
#: Elements that start and end a block (a line of their own in the text).
BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
          "header", "footer", "blockquote", "pre", "dt", "dd", "hr", "main", "aside", "nav", "figure", "figcaption",
          "td", "th", "title"}


class IngestError(MRKGError):
    """The article cannot be ingested (empty, binary, too big, not English, names no drug); said in one line."""


@dataclass(frozen=True)
class Article:
    """An article's text as read, its kind (text, html or markdown) and the title it gives, if any."""

    text: str
    kind: str
    title: str = ""


def detect_kind(name: str, head: str) -> str:
    """The article's kind from its file name, else from how it starts."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    if lower.endswith(".txt"):
        return "text"
    start = head.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|h1)[\s>]", head[:5000], re.I):
        return "html"
    return "text"


def read_bytes(data: bytes, name: str = "the article", kind: str | None = None) -> Article:
    """The article in ``data`` (named ``name`` in messages); IngestError when it is not a readable article."""
    if len(data) > MAX_BYTES:
        raise IngestError(f"{name} is larger than the {MAX_BYTES:,} bytes an article may have; "
                          "give the article's text alone")
    if not data.strip():
        raise IngestError(f"{name} is empty; give an article's text (plain text, HTML or Markdown)")
    if b"\0" in data[:65536] or _looks_binary(data[:65536]):
        raise IngestError(f"{name} is a binary file, not text; give the article as plain text, HTML or Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{name} is not UTF-8 text (byte {exc.start} is not valid UTF-8); "
                          "save the article as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = kind or detect_kind(name, text)
    if kind not in KINDS:
        raise IngestError(f"unknown article kind '{kind}'; give one of {', '.join(KINDS)}")
    title = ""
    if kind == "markdown":
        from markdown_it import MarkdownIt

        text, title = html_to_text(MarkdownIt("commonmark").render(text))
    elif kind == "html":
        text, title = html_to_text(text)
    if not text.strip():
        raise IngestError(f"{name} has no text once its markup is removed; give an article's text")
    return Article(text, kind, title)


def _looks_binary(head: bytes) -> bool:
    """True when many bytes are control characters other than tab, newline, carriage return and form feed."""
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(head) // 100)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.in_title = False
        self.title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in HIDDEN:
            self.hidden += 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(re.sub(r"[ \t\n\f]+", " ", data))


def html_to_text(html: str) -> tuple[str, str]:
    """The visible text of an HTML page, a line per block, and its ``<title>``."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text + "\n", " ".join("".join(parser.title).split())

"""Measure ingest against hand-curated claims (``kg/data/claims.tsv``): recall, verdict agreement, confusion matrix.

A curated claim is **recalled** when an automatic claim has the same subject and either the same predicate and
object (``used for``, ``indicated for`` and ``used off-label for`` count as one where the quotes overlap, and an
interaction read the other way round counts where the quotes overlap), or, for a
curated claim with no structured form (``statement``, ``statistic``), a free-form claim (statement or statistic)
whose quote overlaps the curated quote (a typed claim of the same sentence is another claim, so it does not count).
The curated assessment maps onto the automatic verdicts as: supported and partly supported → supported;
contradicted → contradicted; unsupported (no reliable source either way) → not in the graph; not checkable →
not checkable.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .extract import Claim

__all__ = ["CURATED_TO_VERDICT", "EXPECTED_COLUMNS", "Match", "Score", "curated_claims", "expected_claims", "score"]

CURATED_TO_VERDICT = {"supported": "supported", "partly-supported": "supported", "contradicted": "contradicted",
                      "unsupported": "not-in-graph", "not-checkable": "not-checkable"}
USES = {"used-for", "indicated-for", "used-off-label-for"}
FREE = {"statement", "statistic"}
#: Predicates that say the same read both ways (``mr:interactsWith`` is an owl:SymmetricProperty).
SYMMETRIC = {"interacts-with"}
ENTITY = "https://w3id.org/mrkg/"
#: The columns of a hand-labelled claims table (``mrkg ingest --expected``; the tables of tests/resources/ingest).
EXPECTED_COLUMNS = ("quote", "subject", "predicate", "object", "object_value", "assessment")


@dataclass
class Match:
    curated: dict[str, str]
    auto: Claim | None

    @property
    def agrees(self) -> bool:
        return self.auto is not None and self.auto.verdict == CURATED_TO_VERDICT[self.curated["assessment"]]


@dataclass
class Score:
    matches: list[Match] = field(default_factory=list)

    @property
    def recalled(self) -> list[Match]:
        return [m for m in self.matches if m.auto is not None]

    @property
    def recall(self) -> float:
        return len(self.recalled) / len(self.matches) if self.matches else 0.0

    @property
    def agreement(self) -> float:
        return sum(m.agrees for m in self.recalled) / len(self.recalled) if self.recalled else 0.0

    @property
    def confusion(self) -> Counter[tuple[str, str]]:
        """(curated assessment, automatic verdict) → number of recalled claims."""
        return Counter((m.curated["assessment"], m.auto.verdict) for m in self.recalled if m.auto)

    @property
    def supported_where_contradicted(self) -> int:
        return self.confusion[("contradicted", "supported")]

    def summary(self) -> str:
        """One line: recall, agreement and the worst kind of disagreement, with the counts behind them."""
        agreed = sum(m.agrees for m in self.recalled)
        return (f"recall {self.recall:.3f} ({len(self.recalled)} of {len(self.matches)} expected claims), "
                f"verdict agreement {self.agreement:.3f} ({agreed} of {len(self.recalled)}), "
                f"supported where expected contradicted: {self.supported_where_contradicted}")

    def misses(self) -> list[str]:
        """The expected claims not recalled and the recalled ones whose verdict differs, one line each."""
        lines = []
        for m in self.matches:
            row = m.curated
            what = f"{row['subject']} {row['predicate']} {row['object'] or row['object_value']}: \"{row['quote'][:90]}\""
            if m.auto is None:
                lines.append(f"not recalled  {what}")
            elif not m.agrees:
                lines.append(f"{row['assessment']} read as {m.auto.verdict}  {what}")
        return lines

    def table(self) -> str:
        """The confusion matrix as text: curated assessment by row, automatic verdict by column."""
        from .verdict import VERDICTS

        rows = [["curated \\ automatic", *VERDICTS, "not recalled"]]
        for assessment in CURATED_TO_VERDICT:
            missed = sum(1 for m in self.matches if m.auto is None and m.curated["assessment"] == assessment)
            rows.append([assessment, *(str(self.confusion[(assessment, v)]) for v in VERDICTS), str(missed)])
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(cell.rjust(w) if i else cell.ljust(w) for i, (cell, w) in enumerate(zip(r, widths)))
                         for r in rows)


def curated_claims(path: Path, source: str) -> list[dict[str, str]]:
    """The rows of a claims table that one source (an article id) gave."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                if source in row["source"].split(";")]


def expected_claims(path: Path) -> list[dict[str, str]]:
    """A hand-labelled claims table (tab-separated, with the columns of ``EXPECTED_COLUMNS``), checked row by row.

    Raises ``IngestError`` naming the file, line and column of the first problem."""
    from .read import IngestError

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            missing = [c for c in EXPECTED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise IngestError(f"{path}: the header lacks the column(s) {', '.join(missing)} "
                                  f"(expected, tab-separated: {', '.join(EXPECTED_COLUMNS)})")
            rows = []
            for line, row in enumerate(reader, start=2):
                if any(row.get(c) is None for c in EXPECTED_COLUMNS):
                    raise IngestError(f"{path}, line {line}: fewer cells than the header's columns")
                for column in ("quote", "subject", "predicate", "assessment"):
                    if not row[column].strip():
                        raise IngestError(f"{path}, line {line}: the column {column} is empty")
                if row["assessment"] not in CURATED_TO_VERDICT:
                    raise IngestError(f"{path}, line {line}: assessment '{row['assessment']}' is not one of "
                                      f"{', '.join(CURATED_TO_VERDICT)}")
                rows.append(row)
    except UnicodeDecodeError:
        raise IngestError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not rows:
        raise IngestError(f"{path}: no expected claims below the header")
    return rows


def _obj(claim: Claim) -> str:
    if claim.object:
        return claim.object.rsplit("/", 1)[1]
    return (claim.object_value or "").casefold()


def _span(text: str, quote: str) -> tuple[int, int] | None:
    at = text.find(quote)
    return (at, at + len(quote)) if at >= 0 else None


def score(text: str, claims: list[Claim], curated: list[dict[str, str]], by_quote: bool = False) -> Score:
    """Match each curated claim of the article whose text is ``text`` with the automatic claims.

    With ``by_quote``, a curated free-form claim that no free-form automatic claim matches is also recalled by a typed
    automatic claim of the same subject and quote (the issue's "or the same quote": the extractor gave the sentence a
    structured form), and is judged by that claim's verdict."""
    result = Score()
    for row in curated:
        span = _span(text, row["quote"])
        subject = row["subject"]
        obj = (row["object"] or row["object_value"]).casefold()
        same_subject = [c for c in claims if c.subject.rsplit("/", 1)[1] == subject]

        def overlaps(c: Claim, span: tuple[int, int] | None = span) -> bool:
            return span is not None and c.start < span[1] and span[0] < c.end

        candidates: list[Claim] = []
        if row["predicate"] in FREE:
            candidates = [c for c in same_subject if c.predicate in FREE and overlaps(c)]
            if by_quote and not candidates:
                candidates = [c for c in same_subject if overlaps(c)]
        else:
            exact = [c for c in same_subject if c.predicate == row["predicate"] and _obj(c) == obj]
            family = [c for c in same_subject if row["predicate"] in USES and c.predicate in USES and _obj(c) == obj
                      and overlaps(c)]
            swapped = [c for c in claims if row["predicate"] in SYMMETRIC and c.predicate == row["predicate"]
                       and _obj(c) == subject and c.subject.rsplit("/", 1)[1] == obj and overlaps(c)]
            candidates = sorted(exact, key=lambda c: not overlaps(c)) or family or swapped
        result.matches.append(Match(row, candidates[0] if candidates else None))
    return result

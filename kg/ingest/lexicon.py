"""Names the graph implies but does not write, derived from its own labels by the way pharmacology names things, and
the abbreviations an article defines for itself.

- **A mechanism's agent noun**: "GABA-B receptor agonism" (action agonist) is also called "GABA-B receptor agonist",
  "GABA-B agonist" and, less precisely, "GABA receptor agonist" or "GABA agonist"; a less precise name stands for
  every mechanism it fits, and the extractor chooses among them (:mod:`.extract`).
- **Target families**: the receptor or channel a mechanism's label names ("GABA-B receptor", "opioid receptor",
  "ryanodine receptor") names the targets it acts on; its ligand ("GABA", "serotonin") is kept apart, as a word that
  says which targets a verb such as "enhances the effects of" reaches.
- **Class names**: "GABA agonists" and "GABA receptor agonists" are one name; a qualifier in brackets is no part of
  a name ("strong CYP3A4 inhibitors (ANSM group)").
- **Mode subclasses**: a class labelled "centrally acting muscle relaxants" under "muscle relaxants" is what an
  article means by a muscle relaxant that acts on the central nervous system (the words are cues, ``data/cues.tsv``).
- **Causal wording**: a condition named "skeletal muscle spasm resulting from rheumatic disorders" is also
  "... caused by ...", "... due to ..." and "... secondary to ..." the same cause, and "skeletal muscle spasm" is
  also plain "muscle spasm" there.
- **Abbreviations** an article defines ("spinal muscular atrophy (SMA)"), found by the algorithm of Schwartz and
  Hearst (2003, "A simple algorithm for identifying abbreviation definitions in biomedical text"). The PyPI packages
  that implement it were measured and not taken: ``abbreviations`` configures the root logger when imported, and
  ``abbreviation-extractor`` gives byte offsets within a cleaned sentence, not in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Definition", "Structure", "DERIVED_RANK", "abbreviations", "derive", "structure_table"]

#: The rank of a derived name: after labels (0), synonyms and brands (1) and abbreviations (2).
DERIVED_RANK = 3
#: A mechanism's action (its mr:code) → the agent noun that names a drug with that action.
AGENT = {"agonist": "agonist", "partial-agonist": "partial agonist", "inverse-agonist": "inverse agonist",
         "antagonist": "antagonist", "positive-allosteric-modulator": "positive allosteric modulator",
         "modulator": "modulator", "inhibitor": "inhibitor", "blocker": "blocker", "opener": "opener",
         "releaser": "releaser"}
#: The nouns a mechanism's label ends with, longest first.
ACTION_NOUNS = ("positive allosteric modulation", "partial agonism", "inverse agonism", "agonism", "antagonism",
                "inhibition", "blockade", "modulation", "opening", "release")
#: Agent nouns in the plural, as class names end ("opioid receptor agonists").
CLASS_AGENTS = ("agonists", "antagonists", "blockers", "inhibitors", "modulators", "openers")
FAMILY_HEADS = ("receptor", "channel", "transporter")
#: Connectives that name a condition's cause, any one of which an article may write for another.
CAUSAL = ("resulting from", "caused by", "due to", "secondary to")
CAUSAL_NAME = re.compile(r"^(.+?) (" + "|".join(CAUSAL) + r") (.+)$")
GREEK = {"alpha", "beta", "gamma", "delta", "kappa", "mu", "sigma"}
MODE = re.compile(r"^(\w+ly) acting (.+)$")
BRACKETS = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass
class Structure:
    """What the derivations need from the graph besides names: each mechanism's action and targets, each class's
    label and parents."""

    mechanisms: dict[str, tuple[str, str, list[str]]] = field(default_factory=dict)  # IRI → (label, action, targets)
    classes: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # IRI → (label, parents)


STRUCTURE_QUERY = """
    SELECT ?e ?kind ?label ?code ?other WHERE {
      { ?e a mr:Mechanism ; rdfs:label ?label BIND("m" AS ?kind)
        OPTIONAL { ?e mr:pharmacologicalAction/mr:code ?code } OPTIONAL { ?e mr:actsOn ?other } }
      UNION { ?e a mr:DrugClass ; rdfs:label ?label BIND("c" AS ?kind) OPTIONAL { ?e mr:parentClass ?other } }
    }"""


def structure_table(store: Any) -> dict[str, Any]:
    """The mechanisms and classes of a graph as plain JSON data (kept beside a prepared store)."""
    mechanisms: dict[str, list[Any]] = {}
    classes: dict[str, list[Any]] = {}
    for row in store.query(STRUCTURE_QUERY).dicts():
        if row["kind"] == "m":
            entry = mechanisms.setdefault(row["e"], [row["label"], row.get("code") or "", []])
            if row.get("other") and row["other"] not in entry[2]:
                entry[2].append(row["other"])
        else:
            entry = classes.setdefault(row["e"], [row["label"], []])
            if row.get("other") and row["other"] not in entry[1]:
                entry[1].append(row["other"])
    return {"mechanisms": mechanisms, "classes": classes}


def _without_subtype(words: list[str]) -> list[str]:
    """A family name without its subtype marks: "gaba-b receptor" → "gaba receptor", "mu-opioid receptor" → "opioid
    receptor", "alpha-2 adrenergic receptor" → "adrenergic receptor", "serotonin 5-ht2a receptor" → "serotonin
    receptor"."""
    out = []
    for word in words:
        if "-" in word:
            head, _, tail = word.partition("-")
            short_head = len(head) <= 2 or head in GREEK
            short_tail = len(tail) <= 2
            if short_head and short_tail or any(c.isdigit() for c in head):
                continue
            if short_tail:
                word = head
            elif short_head:
                word = tail
        elif any(c.isdigit() for c in word) and word not in FAMILY_HEADS:
            continue
        out.append(word)
    return out


def _families(family: str) -> set[str]:
    """A family name and its less precise forms (lower case, words separated by single spaces)."""
    words = family.lower().replace("/", " ").split()
    forms = {" ".join(words), " ".join(_without_subtype(words))}
    if len(words) == 3 and words[-1] in FAMILY_HEADS and any(c.isdigit() for c in words[0]):
        forms.add(f"{words[0]} {words[-1]}")  # "alpha-2 adrenergic receptor" is also "alpha-2 receptor"
    return {f for f in forms if f}


def derive(names: dict[str, dict[str, int]], originals: dict[str, str], table: dict[str, Any]
           ) -> tuple[dict[str, set[str]], dict[str, tuple[str, frozenset[str]]], dict[str, list[tuple[str, str]]]]:
    """Add the derived names to ``names`` (and their written case to ``originals``), in place.

    Returns the ligand names (casefolded name → the targets it reaches), each mechanism's action and targets, and for
    each class its mode subclasses (adverb, subclass IRI)."""
    def add(name: str, iri: str, written: str | None = None) -> None:
        key = name.casefold()
        ranks = names.setdefault(key, {})
        ranks[iri] = min(ranks.get(iri, DERIVED_RANK), DERIVED_RANK)
        if written and key not in originals and written != key:
            originals[key] = written

    for key, ranks in list(names.items()):
        causal = CAUSAL_NAME.match(key)
        if causal is None:
            continue
        effect, _, cause = causal.groups()
        for head in {effect, effect.removeprefix("skeletal ")}:
            for connective in CAUSAL:
                for iri, rank in ranks.items():
                    if rank < DERIVED_RANK:
                        add(f"{head} {connective} {cause}", iri)

    ligands: dict[str, set[str]] = {}
    mechanisms: dict[str, tuple[str, frozenset[str]]] = {}
    for iri, (label, action, targets) in table["mechanisms"].items():
        mechanisms[iri] = (action, frozenset(targets))
        label = BRACKETS.sub("", label)
        noun = next((n for n in ACTION_NOUNS if label.lower().endswith(" " + n)), None)
        if noun is None:
            continue
        family = label[:-len(noun) - 1].strip()
        for form in _families(family):
            add(f"{form} {noun}", iri)
            if action in AGENT:
                add(f"{form} {AGENT[action]}", iri)
                if form.endswith(" receptor"):
                    add(f"{form.removesuffix(' receptor')} {AGENT[action]}", iri)
            words = form.split()
            if words[-1] in FAMILY_HEADS and len(words) >= 2:
                for target in targets:
                    add(form, target)
                if len(words) == 2 and words[-1] == "receptor" and words[0].isalpha() and not words[0].endswith("ergic"):
                    ligand = words[0]
                    written = next((w for w in re.split(r"[\s/-]+", family) if w.lower() == ligand), ligand)
                    ligands.setdefault(ligand.casefold(), set()).update(targets)
                    for target in targets:
                        add(ligand, target, written)
    by_label = {BRACKETS.sub("", label).casefold(): iri for iri, (label, _) in table["classes"].items()}
    modes: dict[str, list[tuple[str, str]]] = {}
    for iri, (label, parents) in table["classes"].items():
        plain = BRACKETS.sub("", label)
        if plain != label:
            add(plain, iri)
        for name in (plain,):
            words = re.split(r"[\s-]+", name)
            if len(words) >= 3 and words[-1].lower() in CLASS_AGENTS and words[-2].lower() == "receptor":
                add(" ".join(words[:-2] + words[-1:]), iri)
            elif len(words) >= 2 and words[-1].lower() in CLASS_AGENTS and words[-2].lower() != "receptor":
                add(" ".join(words[:-1] + ["receptor", words[-1]]), iri)
        mode = MODE.match(plain.lower())
        parent = by_label.get(mode.group(2)) if mode else None
        if mode and parent and parent in parents:
            modes.setdefault(parent, []).append((mode.group(1), iri))
    return ligands, mechanisms, modes


@dataclass(frozen=True)
class Definition:
    """An abbreviation an article defines: the long form's offsets, the short form, and where "(SHORT)" ends."""

    start: int
    end: int
    short: str
    short_start: int
    close: int


SHORT_IN_BRACKETS = re.compile(r"\(\s*([^\W_][\w-]{0,9})\s*\)")


def abbreviations(text: str) -> list[Definition]:
    """The abbreviations defined in ``text`` as "long form (SHORT)" (Schwartz and Hearst's rules: the short form has a
    letter, starts with a letter or digit and has at most two words; its characters occur in order in the long form,
    its first at the start of a word; the long form has at most min(|A| + 5, 2|A|) words)."""
    found = []
    for match in SHORT_IN_BRACKETS.finditer(text):
        short = match.group(1)
        if not any(c.isalpha() for c in short) or not any(c.isupper() for c in short) or len(short) < 2:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start:match.start()].rstrip()
        words = list(re.finditer(r"\S+", before))[-min(len(short) + 5, 2 * len(short)):]
        if not words:
            continue
        window_start = line_start + words[0].start()
        window = text[window_start:line_start + len(before)]
        at = _long_form_start(window, short)
        if at is None:
            continue
        start = window_start + at
        found.append(Definition(start, line_start + len(before), short, match.start(1), match.end()))
    return found


def _long_form_start(window: str, short: str) -> int | None:
    """Where, in ``window``, the long form of ``short`` starts (matching its characters right to left), or None."""
    s = len(short) - 1
    i = len(window) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while i >= 0 and (window[i].lower() != char or (s == 0 and i > 0 and window[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = i + 1
    if short.lower() in window[start:].lower().split():
        return None
    return start

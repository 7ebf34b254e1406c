"""Find the graph's entities in an article with the graph's own names, by an Aho-Corasick automaton (pyahocorasick).

Every label, synonym, brand and id of a drug, class, mechanism, target, condition, adverse effect or therapy is a
pattern, with its plural (or singular) as a variant. Matching ignores case and treats hyphens, dashes and spaces
alike; a short upper-case name (an abbreviation such as ``MS``) must match in upper case. Of overlapping matches the
longest wins, so "spinal cord injury" is one mention, not "spinal cord" and "injury".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Mention", "Gazetteer", "KINDS", "english_words", "kind_of"]

#: Entity kinds, in the order that decides the kind of an entity with several types.
KINDS = ("Drug", "Therapy", "DrugClass", "Mechanism", "Target", "Condition", "AdverseEffect")
VOCAB = "https://w3id.org/mrkg/vocab/"
DASHES = "-‐‑‒–—/"
#: The shortest name matched (shorter ones are initials that match by accident).
MIN_LENGTH = 3


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The common English function words of ``data/english-words.txt``."""
    from .wordtables import table_text

    text = table_text("english-words.txt")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def lay_phrases() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The lay phrasings of ``data/phrases.tsv``: (entity id, pattern)."""
    from .wordtables import table_text

    return parse_phrases(table_text("phrases.tsv"))


def parse_phrases(text: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The lines of a phrases table (entity id, tab, pattern; ``#`` comments), with one-line errors naming the line."""
    from .read import IngestError
    from .wordtables import compile_pattern, table_rows

    found = []
    for number, cells in table_rows(text):
        if len(cells) != 2 or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cells[0]):
            raise IngestError(f"kg/ingest/data/phrases.tsv:{number}: write an entity id and a pattern, separated by a tab")
        found.append((cells[0], compile_pattern("phrases.tsv", number, r"(?<!\w)(?:" + cells[1] + r")(?!\w)")))
    return tuple(found)


def kind_of(types: set[str]) -> str | None:
    """The kind (one of :data:`KINDS`) of an entity with these type IRIs, or None."""
    for kind in KINDS:
        if VOCAB + kind in types:
            return kind
    return "Drug" if VOCAB + "Substance" in types else None


@dataclass(frozen=True)
class Mention:
    """A name found in the text: its offsets, and the entities it may stand for (IRI, kind), best first."""

    start: int
    end: int
    text: str
    entities: tuple[tuple[str, str], ...]
    #: the name it matched, as the gazetteer writes it (lower case unless an abbreviation)
    name: str = ""

    def of_kind(self, *kinds: str) -> list[str]:
        """The IRIs of this mention's entities of the given kinds."""
        return [iri for iri, kind in self.entities if kind in kinds]

    @property
    def kinds(self) -> set[str]:
        return {kind for _, kind in self.entities}


def normalise(text: str, keep_case: bool = False) -> str:
    """Lower case (unless ``keep_case``), dashes and slashes as spaces, the same length as ``text`` (offsets stay
    valid)."""
    out = []
    for char in text:
        low = char if keep_case else char.lower()
        out.append(" " if char in DASHES else low if len(low) == 1 else char)
    return "".join(out)


#: British spellings and their American forms ("diarrhoea" → "diarrhea", "oedema" → "edema", "haemorrhage" →
#: "hemorrhage", "depolarising" → "depolarizing"): the graph's names come from sources of both kinds.
SPELLINGS = ((re.compile(r"oea\b"), "ea"), (re.compile(r"\boe(?=[dst])"), "e"),
             (re.compile(r"(?<=[bcdfghklmnprstv])ae(?=[a-z])"), "e"),
             (re.compile(r"(?<=[a-z]{3})is(?=(e|ed|es|ing|ation)\b)"), "iz"))


def variants(name: str) -> set[str]:
    """A name, its plural or singular forms, its American spelling, the adjective of a one-word state ("drowsiness":
    "drowsy"), and, for a class named by a head noun for drugs ("serotonergic drugs"), the same name with the other
    such nouns ("serotonergic medicines")."""
    forms = _number(name)
    american = name
    for pattern, replacement in SPELLINGS:
        american = pattern.sub(replacement, american)
    if american != name:
        forms |= _number(american)
    if ADJECTIVE_NOUN.fullmatch(name):  # the adjective of a state: "drowsiness" is also "drowsy", "dizziness" "dizzy"
        forms.add(name[:-5] + "y")
    head = DRUG_NOUNS.search(name)
    if head and head.start() > 0:
        for noun in DRUG_NOUN_FORMS:
            forms |= _number(name[:head.start()] + noun)
    return forms


#: A one-word state named by its adjective plus "-iness" ("drowsiness", "dizziness", "sleepiness").
ADJECTIVE_NOUN = re.compile(r"[a-z]{3,}iness")
#: Head nouns that name drugs alike at the end of a class name ("serotonergic drugs", "... medicines", "... medications").
DRUG_NOUN_FORMS = ("drugs", "medicines", "medications")
DRUG_NOUNS = re.compile(r"(?<= )(drugs?|medicines?|medications?)$")


def _number(name: str) -> set[str]:
    """A name and its plural or singular form."""
    forms = {name}
    if len(name) < 4:
        return forms
    if name.endswith("ies"):
        forms.add(name[:-3] + "y")
    elif name.endswith("s") and not name.endswith("ss"):
        forms.add(name[:-1])
    elif name.endswith("y") and name[-2:-1] not in "aeiou":
        forms.add(name[:-1] + "ies")
    elif name.endswith(("s", "x", "ch", "sh")):
        forms.add(name + "es")
    else:
        forms.add(name + "s")
    return forms


def _case_sensitive(name: str) -> bool:
    """An abbreviation (a short name mostly in capitals, such as MS or GABA) matches in its own case only."""
    letters = [c for c in name if c.isalpha()]
    return len(name) <= 6 and len(letters) >= 2 and sum(c.isupper() for c in letters) >= len(letters) - 1


Found = tuple[int, int, tuple[tuple[str, str], ...], str]


class Gazetteer:
    """The graph's names as one automaton; :meth:`find` gives the mentions of a text.

    Besides the names the graph writes, it holds those :func:`.lexicon.derive` derives from its labels; ``ligands``,
    ``mechanisms`` and ``modes`` are what the derivation found (see there)."""

    def __init__(self, names: dict[str, dict[str, int]], types: dict[str, set[str]], originals: dict[str, str]) -> None:
        import ahocorasick

        #: casefolded brand name → the drugs that carry it
        self.brands: dict[str, set[str]] = {}
        #: casefolded ligand name ("gaba") → the targets it reaches
        self.ligands: dict[str, set[str]] = {}
        #: mechanism IRI → (its action code, the targets it acts on)
        self.mechanisms: dict[str, tuple[str, frozenset[str]]] = {}
        #: class IRI → its mode subclasses, as (adverb, subclass IRI): ("centrally", centrally acting muscle relaxants)
        self.modes: dict[str, list[tuple[str, str]]] = {}
        self.automaton: Any = ahocorasick.Automaton()
        entries: dict[str, dict[str, tuple[int, str]]] = {}
        words = english_words()
        for name, ranked in names.items():
            original = originals.get(name, name)
            if len(name) < MIN_LENGTH or name in words or name.isdigit():
                continue
            sensitive = _case_sensitive(original)
            for form in variants(normalise(original, keep_case=True) if sensitive else normalise(name)):
                slot = entries.setdefault(("=" if sensitive else "~") + form, {})
                for iri, rank in ranked.items():
                    kind = kind_of(types.get(iri, set()))
                    if kind is not None:
                        slot[iri] = min((rank, kind), slot.get(iri, (9, kind)))
        for key, slot in entries.items():
            if not slot:
                continue
            order = sorted(slot.items(), key=lambda kv: (kv[1][0], KINDS.index(kv[1][1]), kv[0]))
            ordered = tuple((iri, kind) for iri, (_, kind) in order)
            sensitive, form = key[0] == "=", key[1:]
            pattern = form.lower() if sensitive else form
            existing = self.automaton.get(pattern, None)
            self.automaton.add_word(pattern, (existing or ()) + ((sensitive, form, ordered),))
        self.size = len(entries)
        if self.size:
            self.automaton.make_automaton()
        #: the lay phrasings of entities this graph has (data/phrases.tsv), as (pattern, its entities)
        by_id = {iri.rsplit("/", 1)[-1]: iri for iri in types}
        self.phrases = [(pattern, ((by_id[local], kind),)) for local, pattern in lay_phrases()
                        if local in by_id and (kind := kind_of(types[by_id[local]])) is not None]

    @classmethod
    def from_store(cls, store: Any) -> Gazetteer:
        """The gazetteer of a graph's store; its name table is kept beside a prepared store (kg.cache.kept_beside)."""
        from ..cache import kept_beside
        from . import lexicon

        names, types, originals, brands = kept_beside(store, "ingest-names.json", __file__, lambda: _name_table(store))
        table = kept_beside(store, "ingest-structure.json", lexicon.__file__, lambda: lexicon.structure_table(store))
        ligands, mechanisms, modes = lexicon.derive(names, originals, table)
        gazetteer = cls(names, {iri: set(kinds) for iri, kinds in types.items()}, originals)
        gazetteer.brands = {name: set(iris) for name, iris in brands.items()}
        gazetteer.ligands, gazetteer.mechanisms, gazetteer.modes = ligands, mechanisms, modes
        return gazetteer

    def find(self, text: str) -> list[Mention]:
        """The mentions of ``text``: whole words only, longest first where matches overlap, in text order.

        An abbreviation the text defines ("spinal muscular atrophy (SMA)") stands, further on, for what its long form
        names; a long form the graph has no name for is read as its abbreviation ("gamma-aminobutyric acid (GABA)
        agonists" as "GABA agonists"); a name inside a longer defined name is no mention ("drug abuse" in "National
        Institute on Drug Abuse (NIDA)"). The drugs named inside a class name ("dantrolene and derivatives") are
        mentions too, and so are the lay phrasings of ``data/phrases.tsv`` ("turns your urine orange")."""
        if not self.size:
            return []
        from .lexicon import abbreviations

        identity = list(range(len(text)))
        plain = self._scan(text, identity, [i + 1 for i in identity])
        plain += [(m.start(), m.end(), ordered, m.group(0).lower()) for pattern, ordered in self.phrases
                  for m in pattern.finditer(text)]
        definitions = abbreviations(text)
        aliases: dict[str, tuple[tuple[str, str], ...]] = {}
        substituted = []
        plain.sort(key=lambda f: f[0])
        starts = [f[0] for f in plain]
        for definition in definitions:
            near = _near(plain, starts, definition.start, definition.end)
            named = [f for f in near if definition.start <= f[0] < definition.end and f[1] == definition.end]
            if named:
                aliases.setdefault(definition.short, named[0][2])
            elif not any(f[0] < definition.end and definition.start < f[1] for f in near):
                substituted.append(definition)
        found = plain
        if substituted:
            found = self._scan(*_view(text, substituted))
        spans = sorted((d.start, d.end) for d in definitions)
        mentions = [m for m in _longest(text, found) if not any(s < m.start and m.end <= e for s, e in
                                                                _near(spans, [s for s, _ in spans], m.start, m.end))]
        if aliases:
            mentions = _with_aliases(text, mentions, aliases, {d.short_start for d in definitions})
        return [m for m in mentions if not re.fullmatch(r"[\W\d_]+", m.text)]

    def _scan(self, view: str, starts: list[int], ends: list[int]) -> list[Found]:
        """Every whole-word match in ``view`` (the text, or the text with abbreviations in place of their long forms),
        as offsets in the text: ``starts``/``ends`` map each character of the view to the text."""
        norm = normalise(view)
        cased = normalise(view, keep_case=True)
        found: list[Found] = []
        for end, entries in self.automaton.iter(norm):
            for sensitive, form, ordered in entries:
                start = end - len(form) + 1
                if sensitive and cased[start:end + 1] != form:
                    continue
                if (start > 0 and norm[start - 1].isalnum()) or (end + 1 < len(norm) and norm[end + 1].isalnum()):
                    continue
                found.append((starts[start], ends[end], ordered, form))
        return found


def _view(text: str, definitions: list[Any]) -> tuple[str, list[int], list[int]]:
    """The text with each definition's "long form (SHORT)" written as SHORT, and where each character came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0
    for d in sorted(definitions, key=lambda d: d.start):
        if d.start < cursor:
            continue
        for k in range(cursor, d.start):
            chars.append(text[k])
            starts.append(k)
            ends.append(k + 1)
        last = len(d.short) - 1
        for j, char in enumerate(d.short):
            chars.append(char)
            starts.append(d.start if j == 0 else d.short_start + j)
            ends.append(d.close if j == last else d.short_start + j + 1)
        cursor = d.close
    for k in range(cursor, len(text)):
        chars.append(text[k])
        starts.append(k)
        ends.append(k + 1)
    return "".join(chars), starts, ends


def _longest(text: str, found: list[Found]) -> list[Mention]:
    """Of overlapping matches the longest (equal spans merge their entities); a class name keeps the drugs it names."""
    found = sorted(found, key=lambda m: (m[0], -(m[1] - m[0])))
    mentions: list[Mention] = []
    inner: list[Mention] = []
    last_end = -1
    for start, end, ordered, name in found:
        if start >= last_end:
            mentions.append(Mention(start, end, text[start:end], ordered, name))
            last_end = end
        elif mentions and mentions[-1].start == start and mentions[-1].end == end:
            merged = mentions[-1].entities + tuple(e for e in ordered if e not in mentions[-1].entities)
            mentions[-1] = Mention(start, end, text[start:end], merged, mentions[-1].name)
        elif mentions and mentions[-1].entities[0][1] == "DrugClass" and ordered[0][1] == "Drug" \
                and not any(m.start < end and start < m.end for m in inner):
            inner.append(Mention(start, end, text[start:end], ordered, name))
    return sorted(mentions + inner, key=lambda m: (m.start, -(m.end - m.start))) if inner else mentions


#: The longest span a name or a defined long form covers, in characters (how far back an overlap is looked for).
LONGEST_SPAN = 400


def _near(items: list[Any], starts: list[int], start: int, end: int) -> list[Any]:
    """The items (sorted by their first field, a start offset, listed in ``starts``) that may overlap start..end."""
    from bisect import bisect_left

    return items[bisect_left(starts, start - LONGEST_SPAN):bisect_left(starts, end)]


def _with_aliases(text: str, mentions: list[Mention], aliases: dict[str, tuple[tuple[str, str], ...]],
                  defined_at: set[int]) -> list[Mention]:
    """The mentions plus each later use of a defined abbreviation, as a mention of what its long form names."""
    extra = []
    spans = [(m.start, m.end) for m in mentions]
    starts = [m.start for m in mentions]
    for short, entities in aliases.items():
        for match in re.finditer(r"(?<![\w-])" + re.escape(short) + r"s?(?![\w-])", text):
            if match.start() in defined_at or any(s < match.end() and match.start() < e
                                                  for s, e in _near(spans, starts, match.start(), match.end())):
                continue
            extra.append(Mention(match.start(), match.end(), match.group(), entities, short))
    return sorted(mentions + extra, key=lambda m: (m.start, -(m.end - m.start)))


NAMES_QUERY = """
    SELECT DISTINCT ?entity ?name ?rank ?type ?brand WHERE {
      ?entity a ?t . ?t rdfs:subClassOf* ?type . ?type rdfs:subClassOf* mr:Entity .
      { ?entity rdfs:label ?name BIND(0 AS ?rank) }
      UNION { ?entity dcterms:identifier ?name BIND(0 AS ?rank) }
      UNION { ?entity skos:altLabel ?name BIND(1 AS ?rank) }
      UNION { ?entity mr:brandName ?name BIND(1 AS ?rank) BIND(true AS ?brand) }
      UNION { ?entity mr:abbreviation ?name BIND(2 AS ?rank) }
    }"""


def _name_table(store: Any) -> tuple[dict[str, dict[str, int]], dict[str, list[str]], dict[str, str], dict[str, list[str]]]:
    """Casefolded name → {entity IRI: rank}; entity → its types; casefolded abbreviation → as the graph writes it;
    casefolded brand → the drugs that carry it."""
    names: dict[str, dict[str, int]] = {}
    types: dict[str, set[str]] = {}
    originals: dict[str, str] = {}
    brands: dict[str, set[str]] = {}
    words: set[str] = set()  # casefolded names written somewhere in a case that makes them words
    for entity, name, rank, type_, brand in store.query(NAMES_QUERY).rows:
        value = name.value
        key = value.casefold()
        ranks = names.setdefault(key, {})
        ranks[entity.value] = min(int(rank.value), ranks.get(entity.value, 9))
        types.setdefault(entity.value, set()).add(type_.value)
        if not _case_sensitive(value):
            words.add(key)
        elif key not in originals:
            originals[key] = value
        if brand is not None:
            brands.setdefault(key, set()).add(entity.value)
    # a name the graph also writes as a word ("Botox" beside a label's "BOTOX") is no abbreviation
    originals = {key: value for key, value in originals.items() if key not in words}
    return (names, {iri: sorted(kinds) for iri, kinds in types.items()}, originals,
            {name: sorted(iris) for name, iris in brands.items()})

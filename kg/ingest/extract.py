"""Candidate claims, sentence by sentence: who the sentence is about (a drug it names, or the drug under discussion
when it says "it" or "this medication"), what it links the drug to (the kind of each entity found, and the cue words
of ``data/cues.tsv``), with the typed predicates of ``claims.tsv``.

The rules are generic: an entity's kind gives the predicate (a class: member of class; a mechanism; a target; a
condition with a use cue: used for, indicated for, off-label, contraindicated; an adverse effect; another drug with an
interaction cue), and the cue words give the coded objects (warning topics, elimination routes, dosage forms) and
the literal ones (strengths, brands, figures). A sentence about a class ("Benzodiazepines are muscle relaxants ...")
makes claims about the class and passes them to the members a later sentence of the same paragraph lists ("Common
benzodiazepines include diazepam ..."), quoting both. A less precise name ("GABA receptor agonist") is read as the
mechanisms or targets the graph records for the drug, when it records one of them (:class:`Lexicon`).

Beyond single sentences: the drug under discussion is the subject of a sentence that refers back to it ("it", "the
drug") or names no drug but an effect or a condition with a cue ("Common side effects include nausea."); the items
of a list take the cue and subject of its lead-in ("Side effects include:"), or the class it names ("MAOIs
include:"); two drugs named before are a pair in "taking them together". Free-form claims of a kind the graph can
say something about are typed by their first words (``dose:``, ``comparison:``, ``attribution:``, ``price:``,
``mechanism:``, ``site:``), so that :mod:`.verdict` can check a dose against the labels, compare mechanisms, or check
where a drug is said to act (the brain, the nerve-muscle junction, the muscle fibre) against the mode subclasses
("centrally acting muscle relaxants") the classifications put it in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from . import context
from .entities import Mention
from .sentences import Sentence

__all__ = ["Claim", "extract", "cues", "says", "ENTITY_PREDICATES", "VALUE_PREDICATES"]

#: Predicates whose object is an entity (``object``); the others take ``object_value``.
ENTITY_PREDICATES = ("member-of-class", "has-mechanism", "has-target", "indicated-for", "used-off-label-for", "used-for",
                     "contraindicated-in", "has-adverse-effect", "interacts-with", "has-metabolite", "therapy-for")
VALUE_PREDICATES = ("eliminated-by", "has-warning", "has-brand", "available-as", "has-strength", "statistic", "statement")
CUE_KINDS = ("use", "indicated", "off-label", "contraindicated", "adverse", "interaction", "warning", "elimination",
             "form", "availability", "dose", "statistic", "action", "mode", "comparison", "attribution", "price",
             "metabolite", "membership", "likeness", "mechanism", "site")
STRENGTH = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(mg|mcg|µg|g|grams?|mL|ml|milligrams?|micrograms?|units)\b")
#: An amount that names a tablet or capsule ("one 20 mg baclofen tablet", "a 10 mg capsule") is its strength.
UNIT_STRENGTH = re.compile(r"\b\d+(?:[.,]\d+)?\s?(mg|mcg|g)( [\w-]+)? (tablets?|capsules?|pills?)\b")
#: A length of treatment ("three weeks", "10 days").
COURSE = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[ -](weeks?|days?|months?)\b",
                    re.I)
#: Words that make a length of time a length of treatment ("prescribed for three weeks").
TREATMENT = re.compile(r"\b(courses?|treatment|prescri\w*|taken|take|use[ds]?|therapy)\b", re.I)
UNITS = {"milligram": "mg", "milligrams": "mg", "microgram": "mcg", "micrograms": "mcg", "ml": "mL", "gram": "g", "grams": "g"}
PRONOUN_START = re.compile(r"^(it|it[’']s|this|these|they|the (medication|drug|medicine)s?)\b", re.I)
REFERS_BACK = re.compile(r"\b(it|its|this (medication|drug|medicine)|the (medication|drug|medicine)s?)\b", re.I)
#: A pronoun opening a clause after a conjunction ("X levels soar when it is taken with Y"): it speaks of a drug the
#: sentence named before it, not of the drug under discussion.
CLAUSE_PRONOUN = re.compile(r"\b(when|whenever|if|while|because|once|since|after|before|until|unless|and|but|so)\s+"
                            r"(it|they)\b", re.I)
PLURAL_START = re.compile(r"^(they|these (drugs|medications|medicines|agents))\b", re.I)
#: Words that take two drugs named before as a pair ("taking them together").
PAIR = re.compile(r"\b(them|both|the two|these (two )?(drugs|medications|medicines))\b", re.I)
#: Free-form kinds whose claims are made even when the sentence gives typed claims too.
FREE_KINDS = ("comparison", "attribution")
#: How many sentences back a class statement still lends its claims to members listed after it.
CLASS_REACH = 4
#: How many sentences after the drug under discussion was last named a sentence that names no drug (but a condition
#: or an effect, with a cue) still speaks of it ("Common side effects include nausea and dizziness.").
TOPIC_REACH = 4
#: A sentence of at most this many words is a heading or a title: it names a class without a verb.
HEADING_WORDS = 12
#: A list item: a line that starts with a bullet or a number ("• drowsiness", "2. Dizziness").
BULLET = re.compile(r"^(?:[•*·▪◦‣-]|\d{1,2}[.)])\s*")
#: Words of a paragraph that announce the list after it ("... are listed below.", "the following forms").
ANNOUNCES = re.compile(r"\b(following|below|as follows|include|includes|including)\b", re.I)
#: The cue kinds a list's lead-in ("Common side effects include:") lends to its items.
LIST_CUES = ("use", "indicated", "off-label", "contraindicated", "adverse", "interaction", "availability")


@dataclass
class Claim:
    """One candidate claim: subject, predicate and object, the quote with its offsets, and the context flags."""

    subject: str
    predicate: str
    object: str | None
    object_value: str | None
    start: int
    end: int
    quote: str
    negated: str | None = None
    hedged: str | None = None
    verdict: str = ""
    reason: str = ""
    sources: list[str] = field(default_factory=list)
    #: the other drugs a comparison names (a free-form claim's verdict may compare their facts)
    related: list[str] = field(default_factory=list)
    #: the mode subclasses ("centrally acting muscle relaxants") a sentence saying where the drug acts points to
    sites: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return self.subject, self.predicate, self.object or self.object_value or ""


@lru_cache(maxsize=1)
def cues() -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """The cue patterns of ``data/cues.tsv``, by kind."""
    from .read import IngestError
    from .wordtables import compile_pattern, table_rows, table_text

    found: dict[str, list[tuple[re.Pattern[str], str]]] = {kind: [] for kind in CUE_KINDS}
    for number, cells in table_rows(table_text("cues.tsv")):
        if len(cells) not in (2, 3) or cells[0] not in found:
            raise IngestError(f"kg/ingest/data/cues.tsv:{number}: write a cue kind ({', '.join(CUE_KINDS)}), a pattern "
                              "and an optional value, separated by tabs")
        pattern = compile_pattern("cues.tsv", number, r"(?<!\w)(?:" + cells[1] + ")")
        found[cells[0]].append((pattern, cells[2] if len(cells) == 3 else ""))
    return found


def _matches(kind: str, text: str) -> list[tuple[int, int, str]]:
    return sorted((m.start(), m.end(), value) for pattern, value in cues()[kind] for m in pattern.finditer(text))


def says(kind: str, text: str) -> bool:
    """Whether ``text`` holds a cue of ``kind`` (``data/cues.tsv``)."""
    return bool(_matches(kind, text))


@dataclass
class _State:
    """What earlier sentences said: the drug under discussion, the last subjects, classes described lately."""

    topic: str | None = None
    topic_at: int = -99
    last: list[str] = field(default_factory=list)
    line: int = -1
    #: class IRI → (sentence start, index of its sentence, claims made about the class)
    classes: dict[str, tuple[int, int, list[Claim]]] = field(default_factory=dict)
    #: the lead-in of the list being read: its subjects, the cue kinds it lends, the class it names (or None)
    lead: tuple[list[str], frozenset[str], str | None] | None = None
    #: the sentences of the last paragraph, a lead-in when a list follows it without a colon ("... listed below.")
    paragraph: list[tuple[Sentence, int, list[Mention]]] = field(default_factory=list)


@dataclass
class Lexicon:
    """What extraction knows besides the mentions: the brands, ligands, mechanisms and mode subclasses of the gazetteer
    (:class:`.entities.Gazetteer`), and the mechanisms, targets and classes the graph records for each drug
    (``known``): they choose among the readings of a less precise name ("GABA receptor agonist": GABA-A or GABA-B),
    and the classes whose mode subclass a sentence on where the drug acts names."""

    brands: dict[str, set[str]] = field(default_factory=dict)
    ligands: dict[str, set[str]] = field(default_factory=dict)
    mechanisms: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    modes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    known: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, gazetteer: object, known: dict[str, set[str]] | None = None) -> Lexicon:
        """The lexicon of a gazetteer, with what the graph records of the drugs (``known``)."""
        return cls(brands=getattr(gazetteer, "brands", {}), ligands=getattr(gazetteer, "ligands", {}),
                   mechanisms=getattr(gazetteer, "mechanisms", {}), modes=getattr(gazetteer, "modes", {}),
                   known=known or {})

    def choose(self, subject: str, candidates: list[str], keep: int = 1) -> list[str]:
        """The readings of a name to claim: those the graph records for the subject, else the first ``keep``."""
        held = [c for c in candidates if c in self.known.get(subject, ())]
        return held or candidates[:keep]

    def acting_on(self, targets: Iterable[str], actions: list[str]) -> list[str]:
        """The mechanisms acting on any of ``targets`` whose action fits the sentence's verbs, best fit first."""
        wanted = set(targets)
        found = [(iri, action) for iri, (action, on) in sorted(self.mechanisms.items()) if on & wanted]
        if actions and "any" not in actions:
            found = sorted((f for f in found if f[1] in actions), key=lambda f: actions.index(f[1]))
        return [iri for iri, _ in found]


def extract(text: str, sentences: list[Sentence], mentions: list[Mention], lexicon: Lexicon) -> list[Claim]:
    """The candidate claims of an article."""
    from bisect import bisect_right

    state = _State()
    claims: list[Claim] = []
    cursor = 0
    newlines = [at for at, char in enumerate(text) if char == "\n"]
    for index, sentence in enumerate(sentences):
        while cursor < len(mentions) and mentions[cursor].start < sentence.start:
            cursor += 1
        inside = []
        probe = cursor
        while probe < len(mentions) and mentions[probe].end <= sentence.end:
            inside.append(mentions[probe])
            probe += 1
        line = bisect_right(newlines, sentence.start - 1)
        if line != state.line:
            state.classes.clear()
            state.line = line
        item = bool(BULLET.match(sentence.text))
        if item and not state.lead and any(ANNOUNCES.search(s.text) for s, _, _ in state.paragraph):
            state.lead = _lead_in(*_joined(state.paragraph), state)  # a list after a paragraph that announces it
            state.paragraph = []
        if state.lead and item and (any(_drug(m) for m in inside) or not any("DrugClass" in m.kinds for m in inside)):
            claims += _item_claims(sentence, index, inside, lexicon, state)
            continue
        state.lead = None
        if state.paragraph and state.paragraph[-1][0].end < sentence.start \
                and "\n" in text[state.paragraph[-1][0].end:sentence.start]:
            state.paragraph = []
        state.paragraph = [*state.paragraph, (sentence, index, inside)][-3:]
        claims += _sentence_claims(sentence, index, inside, lexicon, state)
        if sentence.text.endswith((":", ";")):
            state.lead = _lead_in(sentence, index, inside, state)
    return _unique(claims)


def _joined(paragraph: list[tuple[Sentence, int, list[Mention]]]) -> tuple[Sentence, int, list[Mention]]:
    """The last sentences of a paragraph as one (for the cues and names a list's lead-in gives)."""
    first, last = paragraph[0][0], paragraph[-1][0]
    words = " ".join(s.text for s, _, _ in paragraph)
    return Sentence(first.start, last.end, words), paragraph[-1][1], [m for _, _, ms in paragraph for m in ms]


def _lead_in(sentence: Sentence, index: int, mentions: list[Mention],
             state: _State) -> tuple[list[str], frozenset[str], str | None] | None:
    """What a sentence ending with a colon lends to the list items after it: its subject (the drug it names, else the
    drug under discussion), its cues ("side effects include:") and a class it names with a membership word."""
    text = sentence.text
    drugs = list(dict.fromkeys(d for m in mentions if (d := _drug(m))))
    subjects = drugs or ([state.topic] if state.topic and index - state.topic_at <= TOPIC_REACH else [])
    given = frozenset(kind for kind in LIST_CUES if _matches(kind, text))
    classes = [iri for m in mentions for iri in m.of_kind("DrugClass")[:1]]
    cls = classes[0] if classes and _matches("membership", text) and not drugs else None
    if not given and cls is None:
        return None
    return subjects, given, cls


def _item_claims(sentence: Sentence, index: int, mentions: list[Mention], lexicon: Lexicon,
                 state: _State) -> list[Claim]:
    """A list item: the drugs it names (members of the class the lead-in names), or what the lead-in's drug does."""
    assert state.lead is not None
    subjects, given, cls = state.lead
    drugs = list(dict.fromkeys(d for m in mentions if (d := _drug(m))))
    found: list[Claim] = []
    if drugs and cls:
        for drug in drugs[:1]:
            found.append(Claim(drug, "member-of-class", cls, None, sentence.start, sentence.end, sentence.text))
        if cls in state.classes:
            start, _, class_claims = state.classes[cls]
            found += [replace(c, subject=drugs[0], start=start, end=sentence.end, quote="", sources=[])
                      for c in class_claims]
        return found
    interaction = [(-1, -1, "")] if "interaction" in given else []
    for subject in subjects:
        found += _claims_about(subject, sentence, mentions, lexicon, interaction, subjects, given)
    return [c for c in found if c.predicate != "statement"]


def _unique(claims: Iterable[Claim]) -> list[Claim]:
    seen: set[tuple[str, str, str, int]] = set()
    out = []
    for claim in claims:
        key = (*claim.key, claim.start)
        if key not in seen:
            seen.add(key)
            out.append(claim)
    return out


def _drug(mention: Mention) -> str | None:
    return mention.entities[0][0] if mention.entities[0][1] == "Drug" else None


def _sentence_claims(sentence: Sentence, index: int, mentions: list[Mention], lexicon: Lexicon,
                     state: _State) -> list[Claim]:
    text = sentence.text
    drug_mentions = [m for m in mentions if _drug(m)]
    drugs = list(dict.fromkeys(d for m in drug_mentions if (d := _drug(m))))
    class_subject = None
    if drugs:
        subjects = drugs
    elif PRONOUN_START.match(text) or REFERS_BACK.search(text) or _only_strengths(text) or _matches("price", text):
        subjects = state.last if PLURAL_START.match(text) and state.last else [state.topic] if state.topic else []
    elif state.topic and index - state.topic_at <= TOPIC_REACH and _elliptic(text, mentions):
        subjects = [state.topic]
    else:
        subjects = []
    interaction = _matches("interaction", text)
    if not drugs and mentions and mentions[0].entities[0][1] == "DrugClass" and mentions[0].start - sentence.start < 40 \
            and not PRONOUN_START.match(text) \
            and not (interaction and interaction[0][0] < mentions[0].start - sentence.start):
        # a class named first is the subject, unless an interaction cue comes before it ("Taken with opioids, it ...")
        class_subject = mentions[0].entities[0][0]
        subjects = [class_subject]
    if not drugs and not class_subject and state.last and state.last[0] in state.classes \
            and PRONOUN_START.match(text):  # "They ..." / "This ..." right after a sentence about a class
        class_subject = state.last[0]
        subjects = [class_subject]
    metabolite = _matches("metabolite", text)
    if (interaction or metabolite) and drugs:  # the drug named before the cue is the subject, those after its objects
        cue = (interaction or metabolite)[0][0]
        before = [m for m in drug_mentions if m.start - sentence.start < cue]
        subjects = [_drug(before[-1]) or drugs[0]] if before else drugs[:1]
        if interaction and before and not _joint(text, interaction):  # "A and B carry the same warning about X"
            subjects = _coordinated(text, sentence.start, before)
        if metabolite and not interaction and not before and state.topic and state.topic not in drugs \
                and index - state.topic_at <= TOPIC_REACH:  # "The liver turns it into X": X is the topic's metabolite
            subjects = [state.topic]
            drugs = [state.topic, *drugs]  # it stays the drug under discussion
        if interaction and state.topic and state.topic not in drugs and REFERS_BACK.search(text) \
                and not _bound_before(text, sentence.start, drug_mentions):
            subjects = [state.topic]  # "Alcohol can increase the risks of taking the drug": the drug under discussion
            interaction = [(-1, -1, "")]
            drugs = [state.topic, *drugs]  # it stays the drug under discussion
    found: list[Claim] = []
    if interaction and not drugs and not class_subject and len(state.last) >= 2 and PAIR.search(text):
        found += _pair_claims(sentence, state.last, interaction)  # "Taking them together ..." of two drugs named before
    for subject in subjects:
        found += _claims_about(subject, sentence, mentions, lexicon, interaction, subjects)
    if class_subject:
        if class_subject in state.classes and state.last == [class_subject]:
            start, _, earlier = state.classes[class_subject]
            state.classes[class_subject] = (start, index, earlier + found)
        else:
            state.classes[class_subject] = (sentence.start, index, found)
        state.last = [class_subject]
        return found  # a claim about the class, which also speaks through the members listed after it
    if drugs:
        found += _inherited(sentence, index, mentions, drugs, state)
        state.topic, state.last, state.topic_at = drugs[0], drugs, index
    found += _therapy_claims(sentence, mentions)
    return found


def _bound_before(text: str, base: int, drug_mentions: list[Mention]) -> bool:
    """The sentence's pronoun opens a clause after a drug it names ("Tizanidine levels soar when it is taken with
    ..."), so it refers to that drug."""
    clause = CLAUSE_PRONOUN.search(text)
    return clause is not None and any(m.start - base < clause.start() for m in drug_mentions)


def _elliptic(text: str, mentions: list[Mention]) -> bool:
    """A sentence that names no drug but says what one does: a cue of use or adverse effect and a condition or an
    effect it names ("Common side effects include nausea."), a warning ("It may lead to dependence and withdrawal."),
    or a dose ("The maximum daily dose is 36 mg.")."""
    if any(m.kinds & {"Therapy", "DrugClass"} for m in mentions):
        return False
    if any(m.kinds & {"Condition", "AdverseEffect"} for m in mentions) \
            and any(_matches(kind, text) for kind in ("adverse", "use", "indicated", "contraindicated")):
        return True
    return bool(_matches("warning", text)) or bool(_matches("dose", text) and STRENGTH.search(text))


def _inherited(sentence: Sentence, index: int, mentions: list[Mention], drugs: list[str], state: _State) -> list[Claim]:
    """The claims of a class described shortly before, passed to the members this sentence lists."""
    out = []
    for mention in mentions:
        for iri in mention.of_kind("DrugClass"):
            if iri not in state.classes:
                continue
            start, at, class_claims = state.classes[iri]
            if index - at > CLASS_REACH:
                continue
            for drug in drugs:
                for claim in class_claims:
                    out.append(replace(claim, subject=drug, start=start, end=sentence.end, quote="", sources=[]))
    return out


def _only_strengths(text: str) -> bool:
    """A line that only lists strengths ("Dosage: 10mg, 25mg"), or starts with one (a row of a dose table), speaks of
    the drug under discussion."""
    return bool(STRENGTH.search(text)) and (len(STRENGTH.sub("", text).split()) <= 2 or bool(STRENGTH.match(text)))


def _pair_claims(sentence: Sentence, drugs: list[str], interaction: list[tuple[int, int, str]]) -> list[Claim]:
    """An interaction of the drugs the last sentences named, said of them as a pair ("taking them together")."""
    found = context.scopes(sentence.text)
    out = []
    for other in drugs[1:]:
        claim = Claim(drugs[0], "interacts-with", other, None, sentence.start, sentence.end, sentence.text)
        claim.negated = context.in_scope(found, "negated", interaction[0][0])
        claim.hedged = context.in_scope(found, "hedged", interaction[0][0])
        out.append(claim)
    return out


def _claims_about(subject: str, sentence: Sentence, mentions: list[Mention], lexicon: Lexicon,
                  interaction: list[tuple[int, int, str]], subjects: list[str],
                  given: frozenset[str] = frozenset()) -> list[Claim]:
    """The claims one sentence makes about ``subject``: from the entities it mentions, then from its cue words."""
    reading = _Reading(subject, sentence, lexicon, interaction, given)
    reading.find_warnings(mentions)
    for mention in mentions:
        reading.mention(mention, subjects)
    reading.cues(mentions)
    return reading.claims


def _joint(text: str, interaction: list[tuple[int, int, str]]) -> bool:
    """An interaction cue that ends in "together", or the verb "interact" with no "with" after it, takes the partners
    named before it too ("Valium and opioids taken together", "sertraline and cyclobenzaprine don't interact")."""
    return any(text[s:e].casefold().endswith("together") or _bare_interact(text, s, e) for s, e, _ in interaction if s >= 0)


#: What joins drugs named as one subject: a comma, "and", "or" ("methocarbamol, carisoprodol and orphenadrine").
COORDINATION = re.compile(r"\s*(,\s*(and\s+|or\s+)?|\s(and|or|and/or)\s+)", re.I)


def _coordinated(text: str, base: int, before: list[Mention]) -> list[str]:
    """The drugs named just before a cue as one coordinated subject ("A and B", "A, B or C"); the last one alone when
    the last two are not joined by "and" or "or" ("Like A, B ...")."""
    group = [before[-1]]
    for earlier in reversed(before[:-1]):
        if not COORDINATION.fullmatch(text[earlier.end - base:group[0].start - base]):
            break
        group.insert(0, earlier)
    if len(group) > 1 and not re.search(r"\b(and|or)\b", text[group[-2].end - base:group[-1].start - base]):
        group = group[-1:]
    return list(dict.fromkeys(d for m in group if (d := _drug(m))))


def _bare_interact(text: str, start: int, end: int) -> bool:
    """The cue at ``start:end`` is the verb "interact(s)" with no "with" after it ("A and B interact")."""
    return text[start:end].casefold() in ("interact", "interacts") and not re.match(r"\s+with\b", text[end:], re.I)


class _Reading:
    """One sentence read for the claims it makes about one subject: its cue matches, and the claims found so far."""

    def __init__(self, subject: str, sentence: Sentence, lexicon: Lexicon, interaction: list[tuple[int, int, str]],
                 given: frozenset[str]) -> None:
        self.subject, self.sentence, self.lexicon, self.interaction, self.given = (
            subject, sentence, lexicon, interaction, given)
        self.text, self.base = sentence.text, sentence.start
        self.scopes = context.scopes(self.text)
        self.claims: list[Claim] = []
        text = self.text
        self.uses = {kind: _matches(kind, text) or ([(0, 0, "")] if kind in given else [])
                     for kind in ("use", "indicated", "off-label", "contraindicated", "adverse")}
        self.actions = [a for _, _, value in _matches("action", text) for a in value.split(";")]
        self.metabolite = _matches("metabolite", text)
        # "Valium and opioids taken together ...", "sertraline and cyclobenzaprine don't interact": a cue that ends in
        # "together", or the verb "interact" with no "with" after it, takes the partners named before it too
        self.joint = _joint(text, interaction)
        self.membership = _matches("membership", text)
        self.likeness = _matches("likeness", text)
        self.modes = {value for _, _, value in _matches("mode", text)}
        self.warnings: list[tuple[int, int, str]] = []
        self.warned: list[tuple[int, int]] = []

    def add(self, predicate: str, obj: str | None, value: str | None, at: int) -> None:
        claim = Claim(self.subject, predicate, obj, value, self.sentence.start, self.sentence.end, self.text)
        claim.negated = context.in_scope(self.scopes, "negated", at)
        claim.hedged = context.in_scope(self.scopes, "hedged", at)
        self.claims.append(claim)

    def mechanisms(self, candidates: list[str], at: int) -> None:
        for mechanism in self.lexicon.choose(self.subject, candidates):
            self.add("has-mechanism", mechanism, None, at)

    def find_warnings(self, mentions: list[Mention]) -> None:
        """The warning cues that are not a word of a longer name ("alcohol withdrawal")."""
        named = [(m.start - self.base, m.end - self.base) for m in mentions if m.kinds & {"Condition", "AdverseEffect"}]
        self.warnings = [w for w in _matches("warning", self.text)
                         if not any(s <= w[0] and w[1] <= e and e - s > w[1] - w[0] for s, e in named)]
        self.warned = [(s, e) for s, e, _ in self.warnings]

    def mention(self, mention: Mention, subjects: list[str]) -> None:
        """The claim a mentioned entity makes, by its kind and the sentence's cues."""
        at = mention.start - self.base
        ids = {iri for iri, _ in mention.entities}
        if self.subject in ids:
            brands = self.lexicon.brands
            if mention.text.casefold() in brands and self.subject in brands[mention.text.casefold()]:
                self.add("has-brand", None, mention.text, at)
            return
        first = mention.entities[0][1]
        if first == "Drug":
            if mention.of_kind("Drug")[0] not in subjects:
                self.drug(mention, at)
        elif "DrugClass" in mention.kinds:
            self.drug_class(mention, ids, at)
        else:
            self.other(mention, at)

    def partner(self, at: int) -> bool:
        """A substance named at ``at`` is an interaction partner: after the cue, or anywhere before "together"."""
        return bool(self.interaction) and (self.interaction[0][0] < at or self.joint)

    def judged_at(self, at: int) -> int:
        """Where a partner's claim is judged for denial and hedging: at the partner, or at the cue when the partner is
        named before it ("A and B don't interact": the denial follows both)."""
        return max(at, self.interaction[0][0])

    def drug(self, mention: Mention, at: int) -> None:
        if self.partner(at):
            self.add("interacts-with", mention.of_kind("Drug")[0], None, self.judged_at(at))
        elif self.metabolite and self.metabolite[0][0] < at:
            self.add("has-metabolite", mention.of_kind("Drug")[0], None, at)

    def drug_class(self, mention: Mention, ids: set[str], at: int) -> None:
        cls = mention.of_kind("DrugClass")[0]
        if self.partner(at):
            self.add("interacts-with", cls, None, self.judged_at(at))
        elif not self.subject.endswith("/" + cls.rsplit("/", 1)[1]) \
                and (self.membership or len(self.text.split()) <= HEADING_WORDS) \
                and not any(s < at for s, _, _ in self.likeness):
            self.add("member-of-class", cls, None, at)
            for adverb, subclass in self.lexicon.modes.get(cls, ()):
                if adverb in self.modes and subclass not in ids:
                    self.add("member-of-class", subclass, None, at)
            if "Mechanism" in mention.kinds:  # "a GABA agonist" names a class and a mechanism
                self.mechanisms(mention.of_kind("Mechanism"), at)

    def other(self, mention: Mention, at: int) -> None:
        """A mechanism, target, adverse effect or condition."""
        kinds = mention.kinds
        if "Mechanism" in kinds:
            self.mechanisms(mention.of_kind("Mechanism"), at)
        if "Target" in kinds:
            targets = mention.of_kind("Target")
            if mention.name.casefold() not in self.lexicon.ligands:  # a ligand ("GABA") names no target by itself
                for target in self.lexicon.choose(self.subject, targets, keep=2):
                    self.add("has-target", target, None, at)
            if self.actions and "Mechanism" not in kinds:
                self.mechanisms(self.lexicon.acting_on(targets, self.actions), at)
        if any(s <= at < e for s, e in self.warned):  # a warning topic ("pregnancy"), unless a cue forbids the drug there
            if "Condition" in kinds and self.uses["contraindicated"]:
                self.add("contraindicated-in", mention.of_kind("Condition")[0], None, at)
            return
        uses = self.uses
        if "AdverseEffect" in kinds and (uses["adverse"] or "Condition" not in kinds or not uses["use"]):
            self.add("has-adverse-effect", mention.of_kind("AdverseEffect")[0], None, at)
        elif "Condition" in kinds:
            condition = mention.of_kind("Condition")[0]
            for cue, predicate in (("contraindicated", "contraindicated-in"), ("off-label", "used-off-label-for"),
                                   ("indicated", "indicated-for"), ("use", "used-for")):
                if uses[cue]:
                    self.add(predicate, condition, None, at)
                    break

    def cues(self, mentions: list[Mention]) -> None:
        """The claims the sentence's cue words make: warnings, elimination, forms, strengths, doses, free-form kinds."""
        text, given = self.text, self.given
        for start, _, topic in self.warnings:
            self.add("has-warning", None, topic, start)
        for _, end, route in _matches("elimination", text):  # at the organ the match ends in ("... rather than the kidneys")
            self.add("eliminated-by", None, route, end - 1)
        if _matches("availability", text) or "availability" in given:
            for start, _, form in _forms(text):
                self.add("available-as", None, form, start)
        self.amounts()
        figures = _matches("statistic", text)
        if figures:
            self.add("statistic", None, "; ".join(text[s:e] for s, e, _ in figures), figures[0][0])
        for kind in FREE_KINDS:
            if cue := _matches(kind, text):
                self.add("statement", None, f"{kind}: " + _paraphrase(text), cue[0][0])
                if kind == "comparison":
                    self.claims[-1].related = list(dict.fromkeys(
                        d for m in mentions if (d := _drug(m)) and d != self.subject))
        sited = self.site(mentions)
        if (cue := _matches("mechanism", text)) and not sited and not any(
                c.predicate in ("has-mechanism", "has-target") for c in self.claims):
            self.add("statement", None, "mechanism: " + _paraphrase(text), cue[0][0])
        if not self.claims and _matches("price", text):
            self.add("statement", None, "price: " + _paraphrase(text), 0)
        if not self.claims and _is_statement(text):
            self.add("statement", None, _paraphrase(text), 0)

    def site(self, mentions: list[Mention]) -> bool:
        """A claim of where the drug acts, when the sentence names a place of action (not as a word of a condition's
        name: "spinal cord injury") with an action or mechanism cue; it points to the mode subclasses of that place."""
        if not (self.actions or _matches("mechanism", self.text)):
            return False
        named = [(m.start - self.base, m.end - self.base) for m in mentions if m.kinds & {"Condition", "AdverseEffect"}]
        places = [p for p in _matches("site", self.text) if not any(s <= p[0] < e for s, e in named)]
        if not places:
            return False
        start, _, adverb = places[0]
        subclasses = [sub for pairs in self.lexicon.modes.values() for said, sub in pairs if said == adverb]
        if not subclasses:
            return False
        self.add("statement", None, "site: " + _paraphrase(self.text), start)
        self.claims[-1].sites = subclasses
        self.mode_membership(adverb, start)
        return True

    def mode_membership(self, adverb: str, at: int) -> None:
        """Where a member of a class is said to act, as membership of the class's mode subclass for that place
        ("dantrolene works inside the muscle fibre": directly acting muscle relaxants), for the classes the graph
        puts the drug in."""
        held = self.lexicon.known.get(self.subject, set())
        for parent, pairs in self.lexicon.modes.items():
            if parent in held:
                for said, subclass in pairs:
                    if said == adverb:
                        self.add("member-of-class", subclass, None, at)

    def amounts(self) -> None:
        """Strengths (a dose is not a strength), and doses or courses as free-form dose statements."""
        text, given = self.text, self.given
        doses = _matches("dose", text)
        strengths = not doses or _only_strengths(text) or bool(_matches("availability", text)) or "availability" in given \
            or bool(UNIT_STRENGTH.search(text))
        for match in STRENGTH.finditer(text) if strengths else ():
            unit = UNITS.get(match.group(2), match.group(2))
            self.add("has-strength", None, f"{match.group(1).replace(',', '.')} {unit}", match.start())
        if doses and STRENGTH.search(text):
            self.add("statement", None, "dose: " + _paraphrase(text), doses[0][0])
        elif (course := COURSE.search(text)) and TREATMENT.search(text):
            self.add("statement", None, "dose: " + _paraphrase(text), course.start())


def _forms(text: str) -> list[tuple[int, int, str]]:
    """The dosage forms a sentence names, the longest where two overlap (an intrathecal injection is not also an
    injection)."""
    out: list[tuple[int, int, str]] = []
    for start, end, form in sorted(_matches("form", text), key=lambda m: (m[0], m[0] - m[1])):
        if not out or start >= out[-1][1]:
            out.append((start, end, form))
    return out


def _therapy_claims(sentence: Sentence, mentions: list[Mention]) -> list[Claim]:
    therapies = [m for m in mentions if "Therapy" in m.kinds]
    conditions = [m for m in mentions if "Condition" in m.kinds and "Therapy" not in m.kinds]
    out = []
    for therapy in therapies:
        for condition in conditions:
            out.append(Claim(therapy.of_kind("Therapy")[0], "therapy-for", condition.of_kind("Condition")[0], None,
                             sentence.start, sentence.end, sentence.text))
    return out


def _is_statement(text: str) -> bool:
    """A sentence that says something (a verb-length clause ending with a full stop), not a heading or a question."""
    return len(text.split()) >= 6 and text.rstrip().endswith((".", "!"))


def _paraphrase(text: str) -> str:
    words = text.split()
    return " ".join(words[:24]) + (" …" if len(words) > 24 else "")

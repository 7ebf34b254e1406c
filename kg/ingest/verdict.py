"""Verdicts: each candidate claim against the graph's facts from sources that are not articles.

- **supported**: a non-article source holds the fact (class membership through the class tree, or a listing against
  the class's code scheme, said so in the reason; an interaction through a class the partner belongs to; an abuse or
  dependence warning through a controlled-substance schedule; a stated maximum dose or duration that a label sets;
  drugs said to work differently that share no mechanism; the place a drug is said to act, as the mode subclass of a
  class it belongs to: "acts on the spinal cord" and centrally acting muscle relaxants); the reason names it and
  ``sources`` lists those sources.
- **contradicted**: the graph holds a conflicting fact: a classification (or label, or curation) that classes the
  drug and lists members of the claimed class (or of the mode subclass of the place it is said to act) places the drug
  elsewhere; a class said to be under another none of
  whose members is there; no reference source recognises the claimed class; a label or curated source says "not
  indicated"; the labels' approved uses exclude an "indicated for" claim; a label says the drug is not a controlled
  substance; a dose or duration above the highest maximum the labels set, a starting dose other than theirs, or a
  dose tied to the severity of the condition where the labels titrate from a starting dose; or the article denies
  (negation) a fact the graph holds.
- **not in the graph**: no source either way; a comparison of treatments (the graph holds no comparative evidence).
- **not checkable**: a usage figure, a price, an appeal to an authority, or a sentence with no structured claim.

Article sources, the curated seed articles included, never count as evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .extract import Claim, says

__all__ = ["Evidence", "VERDICTS", "assess"]

VERDICTS = ("supported", "contradicted", "not-in-graph", "not-checkable")
MR = "https://w3id.org/mrkg/vocab/"
#: Source kinds in the order of the project's evidence ranking (label first).
KIND_ORDER = ("DrugLabel", "RegulatoryDecision", "Database", "Classification", "Guideline", "Literature", "Curation")
VALUE_CODED = {"eliminated-by", "has-warning", "available-as"}

SOURCES = """
SELECT ?src ?id ?kind ?assigns WHERE {
  GRAPH <https://w3id.org/mrkg/graph/sources> { ?src dcterms:identifier ?id ; a ?kind }
  OPTIONAL { ?kind mr:assignsClasses ?assigns }
}"""
FACTS = """
SELECT ?s ?cp ?o ?code ?src WHERE {
  VALUES ?s { %s }
  ?p mr:claimPredicate ?cp .
  GRAPH ?g { ?s ?p ?o }
  ?src mr:graph ?g .
  OPTIONAL { ?o mr:code ?code }
}"""
REVERSE_INTERACTIONS = """
SELECT ?s ?o ?src WHERE {
  VALUES ?s { %s }
  GRAPH ?g { ?o mr:interactsWith ?s }
  ?src mr:graph ?g .
}"""
INDICATIONS = """
SELECT ?d ?c ?status ?src WHERE {
  VALUES ?d { %s }
  ?n a mr:Indication ; mr:drug ?d ; mr:condition ?c ; mr:approvalStatus ?st ; dcterms:source ?src .
  ?st mr:code ?status .
}"""
CONTRAINDICATIONS = """
SELECT ?d ?c ?src WHERE {
  VALUES ?d { %s }
  ?n a mr:Contraindication ; mr:drug ?d ; mr:condition ?c ; dcterms:source ?src .
}"""
MEMBERSHIP = "SELECT ?d ?c ?src WHERE { GRAPH ?g { ?d mr:memberOf ?c } ?src mr:graph ?g . }"
LISTED = "SELECT ?d ?c ?src WHERE { GRAPH ?g { ?d mr:listedInClass ?c } ?src mr:graph ?g . }"
SCHEDULES = """
SELECT ?d ?code ?src WHERE {
  VALUES ?d { %s }
  GRAPH ?g { ?d mr:controlledSubstanceSchedule ?s } ?s mr:code ?code . ?src mr:graph ?g .
}"""
DOSE_LIMITS = """
SELECT ?d ?limit ?value ?unit ?src WHERE {
  VALUES ?d { %s }
  ?n a mr:DoseLimit ; mr:drug ?d ; mr:doseLimitKind/mr:code ?limit ; mr:quantityValue ?value ; mr:unit/mr:code ?unit ;
     dcterms:source ?src .
}"""
#: Warning topics that a controlled-substance schedule bears out: a drug is scheduled for its potential for abuse
#: and dependence (US Controlled Substances Act, 21 U.S.C. 812(b)).
SCHEDULE_TOPICS = ("abuse-potential", "dependence-withdrawal", "controlled-substance")
AMOUNT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?(mg|mcg|g|grams?|milligrams?|micrograms?|units)\b", re.I)
UNIT_CODES = {"milligram": "mg", "milligrams": "mg", "microgram": "mcg", "micrograms": "mcg", "gram": "g", "grams": "g"}
NUMBERS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
DURATION = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[ -](weeks?|days?|months?)\b",
                      re.I)
DURATION_CODES = {"week": "wk", "day": "d", "month": "mo"}
#: Words that make an amount or a duration a maximum ("no more than 36 mg a day", "up to three weeks", "tops out at").
LIMIT_WORDS = re.compile(r"\b(max(imum)?|no more than|not (take )?more than|up to|at most|or less|limit(ed)?|exceed|"
                         r"tops? out at|capped at|ceiling (of|is))\b", re.I)
#: Words that make an amount the one treatment starts with ("an initial dose of 10 mg", "start with 5 mg").
STARTING = re.compile(r"\b(initial(ly)?|start(s|ing)?|begin(s|ning)?|first dose)\b", re.I)
#: Words that tie a dose to how severe the condition is ("for moderate muscle spasms").
BY_SEVERITY = re.compile(r"\bfor (the )?(more )?(mild|moderate|severe)\b", re.I)
#: A frequency that makes the amount before it one dose of several a day ("5 mg three times a day").
PER_DOSE = re.compile(r"\b(times|x) (a|per) day\b|\b[tbq]\.?i\.?d\b", re.I)
DAILY = re.compile(r"\b(daily|a day|per day|each day|every day|/\s?day)\b", re.I)
PARENTS = "SELECT DISTINCT ?c ?p WHERE { ?c mr:parentClass ?p }"
CLASS_SOURCES = "SELECT DISTINCT ?c ?src WHERE { GRAPH ?g { ?c a mr:DrugClass } ?src mr:graph ?g . }"
LABELS = "SELECT ?e ?l WHERE { VALUES ?e { %s } ?e rdfs:label ?l }"


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _values(iris: Iterable[str]) -> str:
    """The data of a VALUES block of IRIs, each written by its typed term (escaped, never pasted as text)."""
    from ..store import Term

    return " ".join(Term.iri(iri).n3() for iri in sorted(set(iris))) or Term.iri("urn:x-mrkg:none").n3()


@dataclass
class Evidence:
    """The facts of the graph about the entities an article names, by non-article source."""

    kind: dict[str, str] = field(default_factory=dict)  # source IRI → kind local name
    ident: dict[str, str] = field(default_factory=dict)  # source IRI → id
    assigns: set[str] = field(default_factory=set)  # sources whose kind assigns classes
    facts: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    indications: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    member: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    class_members_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # class → assigning sources
    class_known_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # class → sources defining it
    listed: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    schedules: dict[str, dict[str, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    dose_limits: dict[str, list[tuple[str, float, str, str]]] = field(default_factory=lambda: defaultdict(list))
    ancestors: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Any, subjects: Iterable[str], others: Iterable[str] = ()) -> Evidence:
        ev = cls()
        for row in store.query(SOURCES).dicts():
            local = row["kind"].removeprefix(MR)
            if local == "Source":
                continue
            ev.kind[row["src"]] = local
            ev.ident[row["src"]] = row["id"]
            if row.get("assigns") == "true":
                ev.assigns.add(row["src"])
        subjects = sorted(set(subjects))
        values = _values(subjects)
        for row in store.query(FACTS % values).dicts():
            if ev.usable(row["src"]):
                obj = row["code"] or row["o"]
                if row["cp"] in ("has-brand", "has-strength"):
                    obj = obj.casefold()
                ev.facts[(row["s"], row["cp"], obj)].add(row["src"])
        for row in store.query(REVERSE_INTERACTIONS % values).dicts():
            if ev.usable(row["src"]):
                ev.facts[(row["s"], "interacts-with", row["o"])].add(row["src"])
        for row in store.query(INDICATIONS % values).dicts():
            if ev.usable(row["src"]):
                ev.indications[(row["d"], row["c"])][row["status"]].add(row["src"])
        for row in store.query(CONTRAINDICATIONS % values).dicts():
            if ev.usable(row["src"]):
                ev.facts[(row["d"], "contraindicated-in", row["c"])].add(row["src"])
        parents: dict[str, set[str]] = defaultdict(set)
        for row in store.query(PARENTS).dicts():
            parents[row["c"]].add(row["p"])
        for row in store.query(MEMBERSHIP).dicts():
            if not ev.usable(row["src"]):
                continue
            ev.member[row["d"]][row["c"]].add(row["src"])
            if row["src"] in ev.assigns:
                ev.class_members_by[row["c"]].add(row["src"])
        for row in store.query(LISTED).dicts():
            if ev.usable(row["src"]):
                ev.listed[row["d"]][row["c"]].add(row["src"])
        for row in store.query(SCHEDULES % values).dicts():
            if ev.usable(row["src"]):
                ev.schedules[row["d"]][row["code"]].add(row["src"])
        for row in store.query(DOSE_LIMITS % values).dicts():
            if ev.usable(row["src"]) and ev.kind[row["src"]] in ("DrugLabel", "RegulatoryDecision"):
                ev.dose_limits[row["d"]].append((row["limit"], float(row["value"]), row["unit"], row["src"]))
        for row in store.query(CLASS_SOURCES).dicts():
            if ev.usable(row["src"]):
                ev.class_known_by[row["c"]].add(row["src"])
        ev.ancestors = {c: _closure(c, parents) for c in set(parents) | {p for ps in parents.values() for p in ps}}
        for c, srcs in list(ev.class_members_by.items()):  # a source listing members of a subclass covers the class
            for up in ev.ancestors.get(c, set()):
                ev.class_members_by[up] |= srcs
        wanted = set(subjects) | set(others)
        ev.labels = {row["e"]: row["l"] for row in store.query(LABELS % _values(wanted)).dicts()}
        return ev

    def links(self) -> dict[str, set[str]]:
        """Each subject → the mechanisms and targets non-article sources give it (they choose among the readings of a
        less precise name, :meth:`.extract.Lexicon.choose`), and the classes they put it in, through the class tree
        (a sentence saying where a member of a class acts places it in that class's mode subclass)."""
        out: dict[str, set[str]] = defaultdict(set)
        for (s, p, o) in self.facts:
            if p in ("has-mechanism", "has-target"):
                out[s].add(o)
        for drug in list(self.member):
            out[drug] |= set(self.classes_of(drug))
        return dict(out)

    def add_labels(self, store: Any, iris: Iterable[str]) -> None:
        """Read the labels of more entities (objects the extractor chose that the article does not name)."""
        wanted = set(iris) - set(self.labels)
        if wanted:
            self.labels.update({row["e"]: row["l"] for row in store.query(LABELS % _values(wanted)).dicts()})

    def usable(self, source: str) -> bool:
        """A source that may count as evidence: registered, and not an article."""
        return source in self.kind and self.kind[source] != "Article"

    def ranked(self, sources: Iterable[str]) -> list[str]:
        """Source ids, labels first (the evidence order), then by id."""
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        return [self.ident[s] for s in sorted(set(sources), key=lambda s: (order.get(self.kind[s], 9), self.ident[s]))]

    def name(self, iri: str | None) -> str:
        return self.labels.get(iri or "", _slug(iri) if iri else "")

    def classes_of(self, drug: str, listed: bool = False) -> dict[str, set[str]]:
        """Each class the drug belongs to (directly or through the class tree) → the sources that say so; with
        ``listed``, the classes sources list it in against the class's own code scheme (mr:listedInClass)."""
        out: dict[str, set[str]] = defaultdict(set)
        for cls, srcs in (self.listed if listed else self.member).get(drug, {}).items():
            for c in {cls} | self.ancestors.get(cls, set()):
                out[c] |= srcs
        return out


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(start, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo += parents.get(c, ())
    return seen


def _cite(ev: Evidence, sources: Iterable[str], limit: int = 3) -> str:
    ids = ev.ranked(sources)
    return ", ".join(ids[:limit]) + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def assess(claims: list[Claim], ev: Evidence) -> None:
    """Give each claim its verdict, reason and sources (in place)."""
    for claim in claims:
        verdict, reason, sources = _judge(claim, ev)
        if claim.negated and verdict in ("supported", "contradicted"):
            flipped = "contradicted" if verdict == "supported" else "supported"
            reason = f"the article denies it ('{claim.negated}'), while {reason[0].lower()}{reason[1:]}" \
                if verdict == "supported" else f"the article denies it ('{claim.negated}'), and {reason}"
            verdict = flipped
        if claim.hedged and verdict != "not-checkable":
            reason += f" (the article hedges: '{claim.hedged}')"
        claim.verdict, claim.reason, claim.sources = verdict, reason, ev.ranked(sources)


def _judge(claim: Claim, ev: Evidence) -> tuple[str, str, set[str]]:
    s, p, o = claim.subject, claim.predicate, claim.object
    subject, obj = ev.name(s), ev.name(o) if o else claim.object_value
    if p == "statistic":
        return "not-checkable", "a usage figure; the graph does not hold usage statistics", set()
    if p == "statement":
        return _statement(claim, ev, subject)
    if p == "member-of-class":
        return _membership(claim, ev, subject, obj)
    if p in ("used-for", "indicated-for", "used-off-label-for"):
        return _use(claim, ev, subject, obj)
    if p == "interacts-with":
        return _interaction(claim, ev, subject, obj)
    if p == "available-as":
        held = {src for (fs, fp, fo), srcs in ev.facts.items() if fs == s and fp == p
                and (fo == claim.object_value or fo.endswith("-" + (claim.object_value or ""))) for src in srcs}
    else:
        key = claim.object_value.casefold() if p in ("has-brand", "has-strength") and claim.object_value else \
            claim.object_value if p in VALUE_CODED else o
        held = set(ev.facts.get((s, p, key or ""), set()))
    what = f"{subject} {p.replace('-', ' ')} {obj}"
    if held:
        return "supported", f"{_cite(ev, held)} state that {what}", held
    if p == "has-warning" and claim.object_value in SCHEDULE_TOPICS:
        scheduled = {code: srcs for code, srcs in ev.schedules.get(s, {}).items() if code != "not-controlled"}
        if scheduled:
            srcs = {src for v in scheduled.values() for src in v}
            return ("supported", f"{_cite(ev, srcs)} schedule {subject} as a controlled substance "
                    f"({', '.join(sorted(scheduled))}), which rests on its potential for abuse and dependence", srcs)
        free = ev.schedules.get(s, {}).get("not-controlled", set())
        if claim.object_value == "controlled-substance" and free:
            return "contradicted", f"{_cite(ev, free)} say {subject} is not a controlled substance", free
    if p == "has-strength":
        known = sorted({fo for (fs, fp, fo) in ev.facts if fs == s and fp == p})
        if known:
            return "not-in-graph", f"no source lists {obj} for {subject}; the graph lists {', '.join(known[:6])}", set()
    return "not-in-graph", f"no reference source in the graph says that {what}", set()


def _membership(claim: Claim, ev: Evidence, subject: str, obj: str | None) -> tuple[str, str, set[str]]:
    s, cls = claim.subject, claim.object or ""
    if s in ev.ancestors or s in ev.class_known_by:  # a class said to be a kind of another class
        if cls in ev.ancestors.get(s, set()):
            return "supported", f"the class tree of the graph puts {subject} under {obj}", ev.class_known_by.get(s, set())
        return _class_in_class(ev, s, cls, subject, obj)
    held = ev.classes_of(s)
    if held.get(cls):
        return "supported", f"{_cite(ev, held[cls])} class {subject} as {obj}", held[cls]
    assigned = {src for c, srcs in held.items() for src in srcs if src in ev.assigns}
    listed = ev.classes_of(s, listed=True).get(cls)
    covering = ev.class_members_by.get(cls, set()) & assigned
    if covering and listed and _in_a_sibling(ev, held, cls, covering):
        # the class's own scheme places the drug in a sibling (ATC: dantrolene directly, not centrally, acting): the
        # scheme decides, and the listing against it is a dissent named beside it
        return ("contradicted", f"{_cite(ev, covering)} class {subject} as {_list(ev, held, covering)} and list the "
                f"members of {obj} without it; {_cite(ev, listed)} list {subject} among {obj}, against the class's "
                "code scheme", covering)
    if listed:
        against = f"; {_cite(ev, assigned)} class it as {_list(ev, held, assigned)}" if assigned else ""
        return ("supported", f"{_cite(ev, listed)} list {subject} among {obj}, against the class's code scheme{against}",
                listed)
    if not ev.class_known_by.get(cls) and assigned:
        return ("contradicted", f"no reference source recognises '{obj}' as a class (only articles name it); "
                f"{_cite(ev, assigned)} class {subject} as {_list(ev, held, assigned)}", assigned)
    if covering:
        return ("contradicted", f"{_cite(ev, covering)} class {subject} as {_list(ev, held, covering)} and list the "
                f"members of {obj} without it", covering)
    return "not-in-graph", f"no reference source in the graph classes {subject} as {obj}", set()


def _in_a_sibling(ev: Evidence, held: dict[str, set[str]], cls: str, sources: set[str]) -> bool:
    """``sources`` hold the drug in a class that shares a parent with ``cls`` (a sibling under the same scheme)."""
    parents = ev.ancestors.get(cls, set())
    return any(c != cls and c not in parents and ev.ancestors.get(c, set()) & parents
               for c, srcs in held.items() if srcs & sources)


def _class_in_class(ev: Evidence, s: str, cls: str, subject: str, obj: str | None) -> tuple[str, str, set[str]]:
    """A class said to be a kind of another that the class tree does not put under it: judged by its members. When
    sources that assign classes list the members of both and place none of the first among the second (nor does any
    source list one there), the claim is contradicted."""
    members = sorted(d for d, classes in ev.member.items() if classes.get(s))
    covering = ev.class_members_by.get(cls, set())
    if not members or not covering:
        return "not-in-graph", f"the graph's class tree does not put {subject} under {obj}", set()
    inside = [d for d in members if ev.classes_of(d).get(cls) or ev.classes_of(d, listed=True).get(cls)]
    if inside:
        return ("not-in-graph", f"the graph's class tree does not put {subject} under {obj}, though sources class "
                f"{len(inside)} of its {len(members)} members so ({', '.join(ev.name(d) for d in inside[:3])})", set())
    names = ", ".join(ev.name(d) or _slug(d) for d in members[:4]) + (" …" if len(members) > 4 else "")
    return ("contradicted", f"{_cite(ev, covering)} list the members of {obj} and none of the members of {subject} "
            f"({names}) is among them", covering)


def _list(ev: Evidence, held: dict[str, set[str]], sources: set[str]) -> str:
    names = sorted({ev.name(c) for c, srcs in held.items() if srcs & sources} - {""})
    return ", ".join(names[:4]) + (" …" if len(names) > 4 else "")


def _use(claim: Claim, ev: Evidence, subject: str, obj: str | None) -> tuple[str, str, set[str]]:
    s, c, p = claim.subject, claim.object or "", claim.predicate
    statuses = ev.indications.get((s, c), {})
    negative = statuses.get("not-indicated", set())
    positive = {st: srcs for st, srcs in statuses.items() if st != "not-indicated"}
    if p == "indicated-for":
        approved = {src for src in positive.get("approved", set()) if ev.kind[src] in ("DrugLabel", "RegulatoryDecision")}
        if approved:
            return "supported", f"{_cite(ev, approved)} (label) approve {subject} for {obj}", approved
        if negative:
            return "contradicted", f"{_cite(ev, negative)} say {subject} is not indicated for {obj}", negative
        label_uses = {cond for (d, cond), sts in ev.indications.items() if d == s
                      and any(ev.kind[src] in ("DrugLabel", "RegulatoryDecision") for src in sts.get("approved", ()))}
        if positive:
            srcs = {src for v in positive.values() for src in v}
            return "supported", f"{_cite(ev, srcs)} list {obj} as a use of {subject} ({', '.join(sorted(positive))})", srcs
        if label_uses:
            listed = sorted(ev.name(u) for u in label_uses)
            names = ", ".join(listed[:4]) + (f" and {len(listed) - 4} more" if len(listed) > 4 else "")
            labels = {src for (d, cond), sts in ev.indications.items() if d == s for src in sts.get("approved", ())
                      if ev.kind[src] in ("DrugLabel", "RegulatoryDecision")}
            return "contradicted", f"the labels in the graph approve {subject} for {names}, not for {obj}", labels
        return "not-in-graph", f"no reference source in the graph gives {obj} as a use of {subject}", set()
    if positive:
        srcs = {src for v in positive.values() for src in v}
        return "supported", f"{_cite(ev, srcs)} give {obj} as a use of {subject} ({', '.join(sorted(positive))})", srcs
    if negative:
        return "contradicted", f"{_cite(ev, negative)} say {subject} is not indicated for {obj}", negative
    return "not-in-graph", f"no reference source in the graph gives {obj} as a use of {subject}", set()


def _interaction(claim: Claim, ev: Evidence, subject: str, obj: str | None) -> tuple[str, str, set[str]]:
    s, o = claim.subject, claim.object or ""
    direct = set(ev.facts.get((s, "interacts-with", o), set()))
    if direct:
        return "supported", f"{_cite(ev, direct)} record an interaction of {subject} with {obj}", direct
    for cls, srcs in ev.classes_of(o).items():
        through = ev.facts.get((s, "interacts-with", cls), set())
        if through:
            return ("supported", f"{_cite(ev, through)} record an interaction of {subject} with {ev.name(cls)}, "
                    f"a class {obj} belongs to ({_cite(ev, srcs, 2)})", set(through))
    return "not-in-graph", f"no reference source in the graph records an interaction of {subject} with {obj}", set()


def _statement(claim: Claim, ev: Evidence, subject: str) -> tuple[str, str, set[str]]:
    """A free-form claim: a dose checked against the labels' limits; comparisons, attributions and prices by kind."""
    kind = (claim.object_value or "").partition(": ")[0]
    if kind == "comparison" and says("attribution", claim.quote):
        return "not-checkable", "a comparison on the word of people the article does not cite traceably", set()
    if kind == "comparison" and says("price", claim.quote):
        return "not-checkable", "a comparison of prices; the graph holds no prices", set()
    if kind == "comparison" and claim.related and re.search(r"mechanism|mode of action|work|act", claim.quote, re.I):
        judged = _mechanisms_compared(claim, ev, subject)
        if judged:
            return judged
    if kind == "comparison":
        return ("not-in-graph", "a comparison with other treatments; the graph holds no comparative evidence (trials and "
                "reviews answer it)", set())
    if kind == "attribution":
        return "not-checkable", "an appeal to a person or body the article does not cite traceably", set()
    if kind == "site":
        return _site(claim, ev, subject) or (
            "not-checkable", f"the article says where {subject} acts, and the graph puts {subject} in no class whose "
            "subclasses say where their members act (as ATC's centrally, peripherally and directly acting muscle "
            "relaxants do)", set())
    if kind == "mechanism":
        return ("not-checkable", "a description of how the drug works that names no mechanism or target the graph knows",
                set())
    if kind == "price":
        return "not-checkable", "a price; the graph holds no prices", set()
    if kind == "dose":
        return _over_limit(claim, ev) or _titrated(claim, ev, subject) or (
            ("not-in-graph", f"no maximum or starting dose that a label sets for {subject} decides it", set())
            if ev.dose_limits.get(claim.subject) else
            ("not-in-graph", f"the graph holds no dose that a label sets for {subject}", set()))
    return "not-checkable", "no structured claim recognised in the sentence (a vague or free-form statement)", set()


def _site(claim: Claim, ev: Evidence, subject: str) -> tuple[str, str, set[str]] | None:
    """Where the sentence says the drug acts, as membership of the mode subclass of that place ("centrally acting muscle
    relaxants") under a class the drug belongs to; the classifications that place it in a sibling contradict it."""
    held = ev.classes_of(claim.subject)
    for sub in claim.sites:
        parents = {p for p in ev.ancestors.get(sub, set()) if held.get(p)}
        if not parents:
            continue
        as_member = replace(claim, predicate="member-of-class", object=sub, object_value=None)
        verdict, reason, sources = _membership(as_member, ev, subject, ev.name(sub))
        if verdict in ("supported", "contradicted"):
            return verdict, f"the article says {subject} acts where {ev.name(sub)} act: {reason}", sources
    return None


def _over_limit(claim: Claim, ev: Evidence) -> tuple[str, str, set[str]] | None:
    """A dose or a duration the sentence states, against the maxima the labels set: contradicted when it is above the
    highest of them (a daily amount against the maximum daily dose, any amount against the maximum single and total
    doses, a course against the maximum duration); supported when the sentence gives a maximum and it is one of them."""
    limits = ev.dose_limits.get(claim.subject, [])
    bounded = bool(LIMIT_WORDS.search(claim.quote))
    daily = bool(DAILY.search(claim.quote))
    stated = [(float(m.group(1).replace(",", ".")), UNIT_CODES.get(m.group(2).lower(), m.group(2).lower()), m.group(0))
              for m in AMOUNT.finditer(claim.quote)]
    stated += [(float(NUMBERS.get(m.group(1).lower(), m.group(1))), DURATION_CODES[m.group(2).lower().rstrip("s")],
                m.group(0)) for m in DURATION.finditer(claim.quote)]
    supported: tuple[str, str, set[str]] | None = None
    for amount, unit, words in stated:
        # no amount may be above a total over a treatment or an interval, whatever it is the amount of
        kinds = {"max-single-dose", "max-daily-dose", "max-total-dose"} if daily else {"max-single-dose", "max-total-dose"}
        if unit in DURATION_CODES.values():
            kinds = {"max-duration"}
        fitting = [(limit, value, src) for limit, value, limit_unit, src in limits if limit in kinds and limit_unit == unit]
        if not fitting or claim.negated:
            continue
        highest = max(value for _, value, _ in fitting)
        if amount > highest:
            srcs = {src for _, value, src in fitting if value == highest}
            name = next(limit for limit, value, _ in fitting if value == highest).replace("max-", "maximum ").replace("-", " ")
            return ("contradicted", f"{words.strip()} is above the {name} of {highest:g} {unit} that "
                    f"{_cite(ev, srcs)} set", srcs)
        same = {src for _, value, src in fitting if value == amount}
        if bounded and same and not supported:
            supported = ("supported", f"{_cite(ev, same)} set a maximum of {amount:g} {unit}", same)
    return supported  # only when no amount of the sentence is above a maximum ("if 30 mg is not enough, 45 mg")


def _titrated(claim: Claim, ev: Evidence, subject: str) -> tuple[str, str, set[str]] | None:
    """A dose against the starting doses the labels set (they titrate from it to the patient's response and
    tolerance): a starting amount other than theirs is contradicted, theirs supported; a dose tied to the severity of
    the condition is contradicted, as labels that titrate do not dose by severity."""
    starts = [(value, unit, src) for limit, value, unit, src in ev.dose_limits.get(claim.subject, [])
              if limit == "starting-dose"]
    if not starts or claim.negated:
        return None
    doses = ", ".join(sorted({f"{value:g} {unit}" for value, unit, _ in starts}))
    srcs = {src for _, _, src in starts}
    stated = [(float(m.group(1).replace(",", ".")), UNIT_CODES.get(m.group(2).lower(), m.group(2).lower()), m.group(0))
              for m in AMOUNT.finditer(claim.quote)]
    if BY_SEVERITY.search(claim.quote) and stated:
        return ("contradicted", f"{_cite(ev, srcs)} dose {subject} by titration from a starting dose of {doses} to the "
                f"patient's response and tolerance, not by the severity of the condition", srcs)
    if STARTING.search(claim.quote) and (PER_DOSE.search(claim.quote) or not DAILY.search(claim.quote)):
        for amount, unit, words in stated:
            same = {src for value, start_unit, src in starts if start_unit == unit and value == amount}
            if same:
                return "supported", f"{_cite(ev, same)} start {subject} at {words.strip()}", same
            if any(start_unit == unit for _, start_unit, _ in starts):
                return "contradicted", f"{_cite(ev, srcs)} start {subject} at {doses}, not {words.strip()}", srcs
    return None


def _mechanisms_compared(claim: Claim, ev: Evidence, subject: str) -> tuple[str, str, set[str]] | None:
    """A sentence saying drugs work differently (or alike), against the mechanisms the graph gives each."""
    def mechanisms(drug: str) -> dict[str, set[str]]:
        return {o: srcs for (s, p, o), srcs in ev.facts.items() if s == drug and p == "has-mechanism"}

    mine = mechanisms(claim.subject)
    others = {d: mechanisms(d) for d in claim.related}
    if not mine or not all(others.values()):
        return None
    alike = bool(re.search(r"\b(the same|similar)\b", claim.quote, re.I))
    shared = {d: set(m) & set(mine) for d, m in others.items()}
    sources = {src for m in [mine, *others.values()] for srcs in m.values() for src in srcs}
    names = ", ".join(ev.name(d) for d in claim.related)
    if any(shared.values()):
        both = sorted({ev.name(m) for ms in shared.values() for m in ms})
        return ("supported" if alike else "contradicted",
                f"{_cite(ev, sources)} give {subject} and {names} a shared mechanism ({', '.join(both)})", sources)
    return ("contradicted" if alike else "supported",
            f"{_cite(ev, sources)} give {subject} ({', '.join(sorted(ev.name(m) for m in mine))}) no mechanism in common "
            f"with {names}", sources)

"""The data's OWL consequences, by rules compiled from the ontology's axioms and run as SPARQL on the store.

HermiT over the whole built graph takes minutes; the ontology uses a handful of axiom kinds, and each has
a rule that a SPARQL engine runs in milliseconds over a hundred thousand facts:

- ``rdfs:subClassOf`` (with the subsumptions the ontology's classifier inferred): the class tree;
- ``rdfs:domain`` / ``rdfs:range``, through ``rdfs:subPropertyOf``, ``owl:inverseOf`` and
  ``owl:SymmetricProperty``: the types an entity gets from the properties it is used with;
- ``owl:equivalentClass`` with ``owl:intersectionOf`` of named classes, ``owl:hasValue`` and
  ``owl:someValuesFrom`` restrictions: the defined classes (a property in a restriction is read as a property
  path with its sub- and inverse properties, its ``P o Q ⊑ P`` chains and its transitivity);
- ``owl:TransitiveProperty``: the closure of its links;
- ``owl:AllDisjointClasses``: the clashes that make the data inconsistent.

An ontology that uses another axiom kind is refused with its name (:class:`Unsupported`): a rule must be
written for it here first, and the test that compares these rules with HermiT keeps them honest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .errors import MRKGError
from .iris import BASE, GRAPH_BASE, VOCAB, shorten
from .store import Store

__all__ = ["Unsupported", "Consequences", "ClassTree", "consequences"]

RDF_TYPE = str(RDF.type)

#: The OWL terms the rules understand; any other ``owl:`` term used in an axiom is refused.
HANDLED = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
           OWL.Ontology, OWL.versionIRI, OWL.versionInfo, OWL.Restriction, OWL.onProperty, OWL.hasValue,
           OWL.someValuesFrom, OWL.intersectionOf, OWL.equivalentClass, OWL.inverseOf, OWL.SymmetricProperty,
           OWL.TransitiveProperty, OWL.propertyChainAxiom, OWL.AllDisjointClasses, OWL.members, OWL.Thing}


class Unsupported(MRKGError):
    """The ontology uses an axiom kind that the rules do not implement."""


#: named class IRI → the named classes it is a subclass of (itself included)
ClassTree = dict[str, set[str]]


@dataclass
class Consequences:
    """What the rules derive: new facts (subject, predicate, object IRIs) and the clashes found."""

    facts: list[tuple[str, str, str]] = field(default_factory=list)
    clashes: list[str] = field(default_factory=list)


def check_supported(ontology: Graph) -> None:
    """:class:`Unsupported` naming the first OWL term the rules cannot honour."""
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(str(OWL))}
    unknown = sorted(str(t) for t in used - HANDLED)
    if unknown:
        raise Unsupported(f"the ontology uses {', '.join(shorten(t) for t in unknown)}, which kg/rules.py has no rule "
                          "for: write one (and extend tests/test_reason.py's comparison with HermiT) before using it")


def asserted_tree(ontology: Graph) -> ClassTree:
    """The named classes and their superclasses through the asserted ``rdfs:subClassOf`` links."""
    parents: dict[str, set[str]] = {}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            parents.setdefault(str(cls), set())
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents.setdefault(str(sub), set()).add(str(sup))
            parents.setdefault(str(sup), set())
    return {cls: _ancestors(cls, parents) for cls in parents}


def _ancestors(cls: str, parents: dict[str, set[str]]) -> set[str]:
    seen, todo = {cls}, [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


# --- properties as SPARQL paths -----------------------------------------------------------------------------

def _inverses(ontology: Graph, prop: Node) -> set[Node]:
    return set(ontology.objects(prop, OWL.inverseOf)) | set(ontology.subjects(OWL.inverseOf, prop))


def property_path(ontology: Graph, prop: Node, seen: frozenset[Node] = frozenset()) -> str:
    """A SPARQL property path that reaches every value OWL entails for ``prop`` (not through the data's sameAs)."""
    if prop in seen:
        return f"<{prop}>"
    seen = seen | {prop}
    steps = [f"<{prop}>"] + [f"^<{inverse}>" for inverse in sorted(_inverses(ontology, prop), key=str)]
    steps += [property_path(ontology, sub, seen) for sub in sorted(ontology.subjects(RDFS.subPropertyOf, prop), key=str)]
    if (prop, RDF.type, OWL.SymmetricProperty) in ontology:
        steps.append(f"^<{prop}>")
    path = "(" + "|".join(steps) + ")"
    for chain in ontology.objects(prop, OWL.propertyChainAxiom):
        links = list(Collection(ontology, chain))
        if len(links) != 2 or links[0] != prop:
            raise Unsupported(f"the property chain of {shorten(str(prop))} is not of the form P o Q ⊑ P, "
                              "which is the one kg/rules.py turns into a path")
        path = f"({path}/({property_path(ontology, links[1], seen)})*)"
    if (prop, RDF.type, OWL.TransitiveProperty) in ontology:
        path = f"({path})+"
    return path


# --- defined classes ----------------------------------------------------------------------------------------

@dataclass
class _Pattern:
    """A class expression as SPARQL triple patterns, plus the named classes some of its variables must have."""

    triples: list[str] = field(default_factory=list)
    typed: list[tuple[str, str]] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)


def _compile(ontology: Graph, expression: Node, var: str, pattern: _Pattern) -> None:
    if isinstance(expression, URIRef):
        pattern.typed.append((var, str(expression)))
        return
    members = ontology.value(expression, OWL.intersectionOf)
    if members is not None:
        for member in Collection(ontology, members):
            _compile(ontology, member, var, pattern)
        return
    prop = ontology.value(expression, OWL.onProperty)
    if prop is None:
        raise Unsupported(f"a class expression ({expression}) is neither a named class, an intersection nor a restriction")
    path = property_path(ontology, prop)
    if (value := ontology.value(expression, OWL.hasValue)) is not None:
        pattern.triples.append(f"?{var} {path} {value.n3()} .")
        return
    if (filler := ontology.value(expression, OWL.someValuesFrom)) is not None:
        inner = f"v{len(pattern.variables) + 1}"
        pattern.variables.append(inner)
        pattern.triples.append(f"?{var} {path} ?{inner} .")
        _compile(ontology, filler, inner, pattern)
        return
    raise Unsupported(f"the restriction on {shorten(str(prop))} is neither owl:hasValue nor owl:someValuesFrom")


def definitions(ontology: Graph) -> dict[str, _Pattern]:
    """Each defined class (``owl:equivalentClass`` of a class expression) → its compiled pattern."""
    found: dict[str, _Pattern] = {}
    for cls, expression in ontology.subject_objects(OWL.equivalentClass):
        if isinstance(cls, URIRef) and isinstance(expression, BNode):
            pattern = _Pattern(variables=["x"])
            _compile(ontology, expression, "x", pattern)
            found[str(cls)] = pattern
    return found


# --- running the rules --------------------------------------------------------------------------------------

def _in_scope(iri: str) -> bool:
    """MRKG's entities and statements; not the vocabulary, nor graphs (as :mod:`kg.reason` reports)."""
    return iri.startswith(BASE) and not iri.startswith(VOCAB) and not iri.startswith(GRAPH_BASE)


def _pairs(store: Store, sparql: str) -> Iterable[tuple[str, str]]:
    for a, b in store.query(sparql).rows:
        if a is not None and b is not None:
            yield a.value, b.value


TYPES = f"""SELECT ?x ?t WHERE {{ ?x a ?t . FILTER(isIRI(?x) && STRSTARTS(STR(?t), "{VOCAB}")) }}"""


def _domain_range_query(ontology: Graph) -> str:
    """One SELECT of (entity, class) for every property with a domain or range, through its paths."""
    branches = []
    for prop in sorted(set(ontology.subjects(RDFS.domain, None)) | set(ontology.subjects(RDFS.range, None)), key=str):
        path = property_path(ontology, prop)
        for cls in ontology.objects(prop, RDFS.domain):
            if str(cls).startswith(VOCAB):
                branches.append(f"{{ ?x {path} ?o . BIND({cls.n3()} AS ?c) }}")
        for cls in ontology.objects(prop, RDFS.range):
            if str(cls).startswith(VOCAB) and (cls, RDF.type, OWL.Class) in ontology:
                branches.append(f"{{ ?s {path} ?x . BIND({cls.n3()} AS ?c) }}")
    if not branches:
        return ""
    return "SELECT DISTINCT ?x ?c WHERE { " + " UNION ".join(branches) + " FILTER(isIRI(?x)) }"


def _transitive_facts(store: Store, ontology: Graph) -> list[tuple[str, str, str]]:
    facts = []
    for prop in sorted(ontology.subjects(RDF.type, OWL.TransitiveProperty), key=str):
        sparql = f"SELECT DISTINCT ?a ?c WHERE {{ ?a <{prop}>/<{prop}>+ ?c FILTER NOT EXISTS {{ ?a <{prop}> ?c }} }}"
        facts += [(a, str(prop), c) for a, c in _pairs(store, sparql) if _in_scope(a)]
    return facts


def consequences(store: Store, ontology: Graph, tree: ClassTree) -> Consequences:
    """Run the ontology's rules on ``store``: the new facts, or the clashes if the data is inconsistent."""
    check_supported(ontology)
    asserted: dict[str, set[str]] = {}
    for x, t in _pairs(store, TYPES):
        asserted.setdefault(x, set()).add(t)
    entailed = {x: _closure(types, tree) for x, types in asserted.items()}
    if sparql := _domain_range_query(ontology):
        for x, c in _pairs(store, sparql):
            entailed.setdefault(x, set()).update(_closure({c}, tree))
    defined = definitions(ontology)
    changed = True
    while changed:  # a defined class may fill another's someValuesFrom: repeat until nothing is added
        changed = False
        for cls, pattern in defined.items():
            for x in _members(store, pattern, entailed):
                if cls not in entailed.setdefault(x, set()):
                    entailed[x] |= _closure({cls}, tree)
                    changed = True
    result = Consequences(clashes=_clashes(entailed, ontology))
    for x, types in sorted(entailed.items()):
        if _in_scope(x):
            new = types - _closure(asserted.get(x, set()), tree)
            # the most specific of the new types: a superclass of another new type says nothing more
            result.facts += [(x, RDF_TYPE, t) for t in sorted(new) if t.startswith(VOCAB)
                             and not any(t in tree.get(other, {other}) for other in new if other != t)]
    result.facts += _transitive_facts(store, ontology)
    return result


def _closure(types: set[str], tree: ClassTree) -> set[str]:
    out: set[str] = set()
    for t in types:
        out |= tree.get(t, {t})
    return out


def _members(store: Store, pattern: _Pattern, entailed: dict[str, set[str]]) -> set[str]:
    """The entities that satisfy a compiled class expression, given the types entailed so far."""
    columns = " ".join(f"?{v}" for v in pattern.variables)
    sparql = f"SELECT DISTINCT {columns} WHERE {{ {' '.join(pattern.triples)} FILTER(isIRI(?x)) }}"
    found = set()
    for row in store.query(sparql).dicts():
        if all(row[var] is not None and cls in entailed.get(str(row[var]), ()) for var, cls in pattern.typed):
            found.add(str(row["x"]))
    return found


def _clashes(entailed: dict[str, set[str]], ontology: Graph) -> list[str]:
    """``x is both A and B`` for every entity whose types include two classes declared disjoint."""
    groups = [[str(m) for m in Collection(ontology, members)]
              for axiom in ontology.subjects(RDF.type, OWL.AllDisjointClasses)
              for members in ontology.objects(axiom, OWL.members)]
    found = []
    for x, types in sorted(entailed.items()):
        for group in groups:
            both = sorted(set(group) & types)
            if len(both) >= 2:
                found.append(f"{shorten(x)} is both {shorten(both[0])} and {shorten(both[1])}")
    return found

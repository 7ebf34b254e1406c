"""Query: the library of named SPARQL queries, their headers and their bound parameters.

Each ``queries/*.rq`` file opens with a header of ``# key: value`` comment lines::

    # title: Interactions of a drug
    # question: CQ5. What interactions does X have: partner, severity, mechanism, effect, management?
    # param: drug (Substance) a drug or substance, by IRI, label, synonym or brand
    # example: mrkg query drug-interactions --param drug=baclofen
    # columns: partner, severity, ...

A ``param`` line gives the variable name, its type in brackets and a description. Entity types
(``Substance``, ``Drug``, ``DrugClass``, ``Condition``, ``AdverseEffect``, ``Target``, ``Mechanism``,
``Therapy``, ``Entity``) are resolved from a label, synonym, brand, id or IRI to the entity's IRI;
``string`` and ``integer`` are bound as literals. Values are always bound, never pasted into text.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

from .errors import EntityNotFound, QueryError
from .iris import VOCAB
from .paths import QUERIES_DIR
from .store import Result, Store, Term

__all__ = ["Param", "NamedQuery", "ENTITY_TYPES", "load_library", "parse_named_query", "Resolver", "run_named"]

#: Parameter types that name an entity, with the class an entity must belong to.
ENTITY_TYPES = {name: VOCAB + name for name in
                ("Entity", "Substance", "Drug", "DrugClass", "Condition", "AdverseEffect", "Target", "Mechanism", "Therapy")}
LITERAL_TYPES = {"string": None, "integer": "http://www.w3.org/2001/XMLSchema#integer"}
HEADER_LINE = re.compile(r"^#\s*([a-z]+)\s*:\s*(.*)$")
PARAM_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\((\w+)(,\s*optional)?\)\s*(.*)$")
REQUIRED_KEYS = ("title", "question", "example")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: SPARQL variable name, type, description, whether optional."""

    name: str
    type: str
    description: str
    optional: bool = False

    @property
    def is_entity(self) -> bool:
        """True when the value names an entity to resolve."""
        return self.type in ENTITY_TYPES


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its parsed header."""

    name: str
    path: Path
    title: str
    question: str
    example: str
    text: str
    params: tuple[Param, ...] = ()
    columns: str = ""
    header: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def example_params(self) -> dict[str, str]:
        """The ``--param name=value`` pairs of the header's ``example:`` command."""
        words = shlex.split(self.example)
        return dict(words[i + 1].split("=", 1) for i, w in enumerate(words[:-1]) if w in ("--param", "-p"))


def parse_named_query(path: Path) -> NamedQuery:
    """Parse a ``.rq`` file's header; raise QueryError naming the file and the problem."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = HEADER_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            declared = PARAM_LINE.match(value)
            if not declared:
                raise QueryError(f"{path.name}: bad param line '{value}'; write '# param: name (Type) description'")
            name, kind, optional, description = declared.groups()
            if kind not in ENTITY_TYPES and kind not in LITERAL_TYPES:
                raise QueryError(f"{path.name}: param '{name}' has unknown type '{kind}'; "
                                 f"use one of {', '.join([*ENTITY_TYPES, *LITERAL_TYPES])}")
            params.append(Param(name, kind, description.strip(), bool(optional)))
        else:
            header[key] = (header[key] + " " + value.strip()) if key in header else value.strip()
    missing = [key for key in REQUIRED_KEYS if not header.get(key)]
    if missing:
        raise QueryError(f"{path.name}: header lacks {', '.join(missing)}; see queries/README.md")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    projection = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.S | re.I)
    for param in params:
        if not projection or not re.search(rf"[?$]{param.name}\b", projection.group(1)):
            raise QueryError(f"{path.name}: param '{param.name}' must appear in the SELECT clause as ?{param.name} "
                             "(bound parameters are projected, as SPARQL substitution requires)")
    return NamedQuery(path.stem, path, header["title"], header["question"], header["example"], text,
                      tuple(params), header.get("columns", ""), header)


def load_library(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every named query in ``directory`` (not its subfolders), by name."""
    return {path.stem: parse_named_query(path) for path in sorted(directory.glob("*.rq"))}


#: Every name of every entity: its label, ids, synonyms, brands and abbreviations, as the ontology marks the properties
#: that name (mr:nameRank: 0 label or id, 1 the others), with the entity's label and its most specific types. The one
#: name table of the package: the resolver of parameters and the explorer's search both read it.
NAMES_QUERY = """SELECT DISTINCT ?entity ?name ?rank ?type ?label ?typeLabel WHERE {
  ?property mr:nameRank ?rank . ?entity ?property ?name .
  ?entity a ?type ; rdfs:label ?label . ?type rdfs:subClassOf* mr:Entity ; rdfs:label ?typeLabel .
  FILTER NOT EXISTS { ?entity a ?sub . ?sub rdfs:subClassOf+ ?type . ?sub rdfs:subClassOf* mr:Entity }
}"""

#: The file a prepared store keeps its name table in (kg.cache.kept_beside).
NAMES_FILE = "names.json"


class Resolver:
    """Find an entity's IRI from a label, synonym, brand, abbreviation, id or IRI (case-insensitive)."""

    TYPES_QUERY = "SELECT ?sub ?super WHERE { ?sub rdfs:subClassOf* ?super . ?super rdfs:subClassOf* mr:Entity }"

    def __init__(self, store: Store) -> None:
        """The name table of ``store``; a prepared store keeps it beside itself (kg.cache.kept_beside), so that a
        command resolves its names without reading every name of the graph again."""
        from .cache import kept_beside

        names, types = kept_beside(store, NAMES_FILE, __file__, lambda: self._table(store))
        self.names: dict[str, dict[str, int]] = names
        self.types: dict[str, set[str]] = {entity: set(kinds) for entity, kinds in types.items()}

    @classmethod
    def _table(cls, store: Store) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
        """Casefolded name → {entity IRI: rank (0 label or id, 1 synonym or brand)}, and entity → its types."""
        names: dict[str, dict[str, int]] = {}
        types: dict[str, set[str]] = {}
        supers: dict[str, set[str]] = {}
        for sub, sup in store.query(cls.TYPES_QUERY).rows:
            assert sub is not None and sup is not None
            supers.setdefault(sub.value, set()).add(sup.value)
        for entity, name, rank, type_, *_ in store.query(NAMES_QUERY).rows:
            assert entity is not None and name is not None and rank is not None and type_ is not None
            ranks = names.setdefault(name.value.casefold(), {})
            ranks[entity.value] = min(int(rank.value), ranks.get(entity.value, 9))
            types.setdefault(entity.value, set()).update(supers.get(type_.value, {type_.value}))
        return names, {entity: sorted(kinds) for entity, kinds in types.items()}

    def is_a(self, iri: str, type_name: str) -> bool:
        """Whether the entity ``iri`` is of the type ``type_name`` (a key of ENTITY_TYPES: ``Substance``, ...)."""
        return ENTITY_TYPES[type_name] in self.types.get(iri, set())

    def resolve(self, text: str, type_name: str = "Entity", param: str = "") -> str:
        """The IRI for ``text``; EntityNotFound (with suggestions) when nothing or several match."""
        what = f"parameter '{param}'" if param else "name"
        text = text.strip()
        if not text:
            raise EntityNotFound(f"{what} is empty; give a {type_name} by name or IRI")
        if text.startswith(("http://", "https://")):
            if self.is_a(text, type_name):
                return text
            raise EntityNotFound(f"{what}: no {type_name} with IRI <{text}> in the graph")
        candidates = {iri: rank for iri, rank in self.names.get(text.casefold(), {}).items() if self.is_a(iri, type_name)}
        if not candidates:
            pool = [n for n, ents in self.names.items() if any(self.is_a(e, type_name) for e in ents)]
            hints = get_close_matches(text.casefold(), pool, n=3, cutoff=0.75)
            raise EntityNotFound(f"{what}: no {type_name} named '{text}'"
                                 + (f"; did you mean {', '.join(repr(h) for h in hints)}?" if hints else ""))
        best = min(candidates.values())
        top = sorted(iri for iri, rank in candidates.items() if rank == best)
        if len(top) > 1:
            raise EntityNotFound(f"{what}: '{text}' names {len(top)} entities ({', '.join(top)}); give the IRI instead")
        return top[0]


def bind_params(query: NamedQuery, values: dict[str, str], resolver_factory) -> dict[str, Term]:
    """Check ``values`` against the query's parameters and turn them into bound terms."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryError(f"query '{query.name}' has no parameter {', '.join(unknown)}; "
                         f"its parameters: {', '.join(declared) or 'none'}")
    missing = [p.name for p in query.params if not p.optional and p.name not in values]
    if missing:
        raise QueryError(f"query '{query.name}' needs the parameter {missing[0]} ({declared[missing[0]].description})",
                         option="params")
    bindings: dict[str, Term] = {}
    resolver = None
    for name, value in values.items():
        param = declared[name]
        if param.is_entity:
            resolver = resolver or resolver_factory()
            bindings[name] = Term.iri(resolver.resolve(value, param.type, name))
        elif param.type == "integer":
            if not re.fullmatch(r"-?\d+", value.strip()):
                raise QueryError(f"parameter '{name}' must be a whole number, not '{value}'")
            bindings[name] = Term.literal(value.strip(), LITERAL_TYPES["integer"])
        else:
            bindings[name] = Term.literal(value)
    return bindings


def run_named(store: Store, query: NamedQuery, values: dict[str, str], resolver_factory=None) -> Result:
    """Run a named query with its parameters bound (entity names resolved to IRIs)."""
    bindings = bind_params(query, values, resolver_factory or (lambda: Resolver(store)))
    return store.query(query.text, bindings)

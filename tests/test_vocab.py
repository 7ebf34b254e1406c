"""The vocabulary: closed namespace in sync with the ontology, labels and definitions everywhere, OWL-valid."""

from __future__ import annotations

import shutil

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.iris import VOCAB
from kg.ontology import load_ontology, load_vocabulary
from kg.paths import ONTOLOGY_DIR
from kg.vocab import MR


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def declared_terms(graph: Graph) -> set[str]:
    return {str(s)[len(VOCAB):] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(VOCAB)
            and len(str(s)) > len(VOCAB) and (s, RDF.type, None) in graph}


def test_closed_namespace_matches_ontology(ontology: Graph) -> None:
    """kg/vocab.py lists exactly the mr: terms that ontology/mrkg.ttl and values.ttl declare."""
    python_terms = set(MR.__annotations__) | set(MR._extras)
    assert python_terms == declared_terms(ontology), "regenerate kg/vocab.py from the ontology"


def test_unknown_term_fails() -> None:
    with pytest.raises(AttributeError):
        MR.hasTargte  # noqa: B018  (a typo must fail, not mint a new IRI)


def test_every_term_has_label_and_definition(ontology: Graph) -> None:
    missing = [t for t in declared_terms(ontology)
               if (URIRef(VOCAB + t), RDFS.label, None) not in ontology
               or (URIRef(VOCAB + t), SKOS.definition, None) not in ontology]
    assert not missing, f"terms without rdfs:label or skos:definition: {missing}"


def test_ontology_metadata(ontology: Graph) -> None:
    onto = next(ontology.subjects(RDF.type, OWL.Ontology))
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ontology.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None


def test_mappings_reach_biolink_and_ro(ontology: Graph) -> None:
    targets = {str(o) for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
               for s, o in ontology.subject_objects(p) if str(s).startswith(VOCAB)}
    assert any(t.startswith("https://w3id.org/biolink/vocab/") for t in targets)
    assert any(t.startswith("http://purl.obolibrary.org/obo/RO_") for t in targets)
    assert (MR.interactsWith, SKOS.closeMatch, None) in ontology or (MR.interactsWith, SKOS.exactMatch, None) in ontology


def test_controlled_values_have_codes(ontology: Graph) -> None:
    vocab = load_vocabulary(ontology)
    assert vocab.values["Severity"].keys() == {"contraindicated", "major", "moderate", "minor", "not-graded"}
    assert vocab.values["StatedSeverity"]["ansm-pc"] == URIRef("https://w3id.org/mrkg/level/ansm-pc")
    assert vocab.kinds["Target"]["enzyme"] == MR.Enzyme
    assert vocab.schemes["drugbank"].pattern.match("DB00181")
    assert not vocab.schemes["drugbank"].pattern.match("DB181")
    assert vocab.claim_objects["eliminated-by"] == "EliminationRoute"
    assert vocab.claim_objects["member-of-class"] == "entity"
    assert vocab.claim_objects["has-brand"] == "literal"


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_ontology_is_consistent_for_hermit(tmp_path) -> None:
    """owlready2 loads the ontology and HermiT finds it consistent."""
    owlready2 = pytest.importorskip("owlready2")
    path = tmp_path / "mrkg.nt"
    load_ontology(ONTOLOGY_DIR).serialize(path, format="nt")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert not list(world.inconsistent_classes())
    assert onto.search_one(iri=VOCAB + "Drug") is not None

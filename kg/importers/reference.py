"""Import the interaction rows of ``../shared/reference/interactions.tsv`` into ``kg/data/imported/``.

Every row of the reference table becomes one interaction statement, with its source, its level
on the source's own scale (``ontology/severity-scales.ttl``) and its record. The drugs the rows
name are resolved to the graph's substances by DrugBank id (the row's own id, else the name in
DrugBank's open vocabulary, CC0); drugs the curated tables do not have become new substances with
their DrugBank id, their WHO ATC codes (the WHO substance name equal to the label) and their French
names (``@fr``, as the thesaurus writes them). These identifier and name rows carry no ``source_detail``:
the rule that made them is this one, and a detail would add an evidence node to each. Class memberships
follow from the ATC codes of the classes in ``identifiers.tsv``.

Run it again whenever the reference table, the vocabulary or the curated drugs change::

    python -m kg.importers.reference --reference ../shared/reference \\
        --drugbank-vocabulary drugbank_vocabulary.csv --atc "WHO ATC-DDD 2026-04-25.csv"

The two extra files are public: DrugBank's open vocabulary (samyama-ai/clinicaltrials-kg
``data/drugbank_vocabulary.csv`` at e6428440) and the WHO ATC/DDD scrape (fabkury/atcd
``WHO ATC-DDD 2026-04-25.csv`` at 934a3473), the same files ``../shared/reference/README.md`` cites.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..build.registry import ENTITY_TABLES, TABLES
from ..errors import DataError
from ..iris import slugify
from ..paths import DATA_DIR, IMPORTED_DIR

__all__ = ["LEVELS", "SOURCES", "Importer", "main"]

#: Reference ``source`` column (its first word) → MRKG source id.
SOURCES = {
    "DDInter": "ddinter-2023", "NDF-RT": "ndf-rt-2014", "ONC-HighPriority": "onc-high-priority-ddi-2012",
    "ONC-NonInteruptive": "onc-non-interruptive-ddi", "CredibleMeds": "crediblemeds-2014",
    "World-Vista": "ansm-thesaurus-worldvista-2016", "FrenchDB": "ansm-thesaurus-2016", "Drugbank": "drugbank-4",
    "NLM-Corpus": "nlm-ddi-corpus",
}
#: Short prefix of the statement ids of each source.
ID_PREFIX = {"ddinter-2023": "ddinter", "ndf-rt-2014": "ndfrt", "onc-high-priority-ddi-2012": "onc-hp",
             "onc-non-interruptive-ddi": "onc-ni", "crediblemeds-2014": "crediblemeds",
             "ansm-thesaurus-worldvista-2016": "worldvista", "ansm-thesaurus-2016": "ansm", "drugbank-4": "drugbank4",
             "nlm-ddi-corpus": "nlm"}
#: (MRKG source id, the reference's ``severity_raw`` or, when empty, its ``severity``) → level code of
#: ontology/severity-scales.ttl. How each level maps to MRKG's severity is decided there, not here.
LEVELS = {
    ("ddinter-2023", "Major"): "ddinter-major", ("ddinter-2023", "Moderate"): "ddinter-moderate",
    ("ddinter-2023", "Minor"): "ddinter-minor", ("ddinter-2023", "Unknown"): "ddinter-unknown",
    ("ndf-rt-2014", "Critical"): "ndfrt-critical", ("ndf-rt-2014", "Significant"): "ndfrt-significant",
    ("onc-high-priority-ddi-2012", "High priority (ONC list of high-severity DDIs)"): "onc-high-priority",
    ("onc-non-interruptive-ddi", "Non-interruptive (ONC list)"): "onc-non-interruptive",
    ("ansm-thesaurus-worldvista-2016", "Contraindicated"): "worldvista-contraindicated",
    ("ansm-thesaurus-worldvista-2016", "Not recommended"): "worldvista-not-recommended",
    ("ansm-thesaurus-worldvista-2016", "Precaution for use"): "worldvista-precaution-for-use",
    ("ansm-thesaurus-worldvista-2016", "Take into account"): "worldvista-take-into-account",
    ("ansm-thesaurus-2016", "CI"): "ansm-ci", ("ansm-thesaurus-2016", "AD"): "ansm-ad",
    ("ansm-thesaurus-2016", "PE"): "ansm-pe", ("ansm-thesaurus-2016", "PC"): "ansm-pc",
    ("drugbank-4", ""): "drugbank4-listed", ("crediblemeds-2014", ""): "crediblemeds-listed",
    ("nlm-ddi-corpus", ""): "nlm-corpus-listed",
}
#: The imported tables, in the order they are written.
OUTPUTS = ("drugs.tsv", "identifiers.tsv", "names.tsv", "class_membership.tsv", "interactions.tsv")
ALIASES = Path(__file__).with_name("reference_aliases.tsv")
#: WorldVistA rows whose level holds only for a combination their text names ("--with sodium oxybate").
CONDITIONS = Path(__file__).with_name("reference_conditions.tsv")
#: The level such a row gets when the combination it names is not the pair.
OTHER_COMBINATION = "worldvista-not-recommended-with-third-drug"


@dataclass
class Substance:
    """A drug the reference names: its graph id, DrugBank id and the names it goes by."""

    id: str
    drugbank: str
    label: str
    new: bool
    french: set[str] = field(default_factory=set)
    #: other names the reference uses (DDInter's Salbutamol for DrugBank's Albuterol) → the source that uses it
    other_names: dict[str, str] = field(default_factory=dict)


def _key(name: str) -> str:
    """A name as a lookup key: lowercase, underscores as spaces, single spaces."""
    return " ".join(name.replace("_", " ").lower().split())


def _label(common_name: str) -> str:
    """DrugBank's common name as a graph label: capitalised words in lowercase (``Amyl Nitrite`` → ``amyl nitrite``),
    acronyms, codes and single letters as written (``Botulinum toxin type A`` → ``botulinum toxin type A``)."""
    def word(token: str) -> str:
        return token.lower() if len(token) > 1 and token[0].isupper() and token[1:].islower() else token
    return " ".join(word(token) for token in common_name.split(" "))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise DataError(str(path), "file is missing; see the --help of python -m kg.importers.reference")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


class Vocabulary:
    """DrugBank's open vocabulary: primary and secondary accessions, common names and synonyms."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise DataError(str(path), "file is missing: give DrugBank's open vocabulary CSV with --drugbank-vocabulary")
        self.names: dict[str, str] = {}
        self.primary: dict[str, str] = {}
        by_name: dict[str, set[str]] = defaultdict(set)
        by_synonym: dict[str, set[str]] = defaultdict(set)
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                accession = record["DrugBank ID"]
                self.names[accession] = record["Common name"]
                self.primary[accession] = accession
                for other in filter(None, (a.strip() for a in record["Accession Numbers"].split("|"))):
                    self.primary.setdefault(other, accession)
                by_name[_key(record["Common name"])].add(accession)
                for synonym in filter(None, (s.strip() for s in record["Synonyms"].split("|"))):
                    by_synonym[_key(synonym)].add(accession)
        self.by_name, self.by_synonym = by_name, by_synonym

    def lookup(self, name: str) -> str | None:
        """The DrugBank id of a name: an unambiguous common name, else an unambiguous synonym."""
        for table in (self.by_name, self.by_synonym):
            ids = table.get(_key(name), set())
            if len(ids) == 1:
                return next(iter(ids))
        return None


def _read_atc(path: Path) -> dict[str, list[str]]:
    """WHO substance name (lowercase) → its level-5 ATC codes."""
    if not path.is_file():
        raise DataError(str(path), "file is missing: give the WHO ATC/DDD CSV with --atc")
    codes: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            code = record["atc_code"]
            if len(code) == 7 and code not in codes[record["atc_name"].lower()]:
                codes[record["atc_name"].lower()].append(code)
    return codes


def _read_curated(data_dir: Path) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    """The curated entity ids with their labels, DrugBank id → drug id, and entity id → its curated ATC codes."""
    ids: dict[str, str] = {}
    for table in ENTITY_TABLES:
        ids |= {row["id"]: row["label"] for row in TABLES[table].read(data_dir / table)}
    drugbank: dict[str, str] = {}
    atc: dict[str, list[str]] = defaultdict(list)
    for row in TABLES["identifiers.tsv"].read(data_dir / "identifiers.tsv"):
        if row["scheme"] == "drugbank":
            drugbank[row["value"]] = row["entity"]
        elif row["scheme"] == "atc":
            atc[row["entity"]].append(row["value"])
    return ids, drugbank, atc


class Importer:
    """Resolves the reference's drugs and writes the imported tables."""

    def __init__(self, reference: Path, vocabulary: Path, atc: Path, data_dir: Path = DATA_DIR) -> None:
        self.reference_rows = _read_tsv(reference / "interactions.tsv")
        self.vocabulary = Vocabulary(vocabulary)
        self.atc_by_name = _read_atc(atc)
        self.aliases = {row["name"]: row["drugbank_id"] for row in _read_tsv(ALIASES)}
        self.conditions = {row["phrase"]: row for row in _read_tsv(CONDITIONS)}
        self.data_dir = data_dir
        self.curated_labels, self.curated_drugbank, self.curated_atc = _read_curated(data_dir)
        self.curated_ids = set(self.curated_labels)
        self.curated_drugs = {row["id"]: row["label"] for row in TABLES["drugs.tsv"].read(data_dir / "drugs.tsv")}
        self.curated_names: dict[str, set[str]] = defaultdict(set)
        for row in TABLES["names.tsv"].read(data_dir / "names.tsv"):
            self.curated_names[row["entity"]].add(_key(row["name"]))
        self.substances: dict[str, Substance] = {}  # DrugBank id (or name key for unresolved names) → substance
        self.unresolved: Counter[str] = Counter()
        #: (name, the row's DrugBank id) → the id its name resolves to, where the two differ
        self.id_conflicts: dict[tuple[str, str], str] = {}

    # -- resolving names -----------------------------------------------------------------------

    def drugbank_id(self, name: str, row_id: str) -> str | None:
        """The current DrugBank id of a drug as a reference row names it.

        The name the source states comes first (DrugBank's common name or an unambiguous synonym); the id
        the merged PDDI set attached to it only when the name is not found (French names), because that id is
        sometimes another drug's (it gives lormetazepam lorazepam's DB00186). A disagreement is counted.
        """
        alias = self.aliases.get(name.lower()) or self.aliases.get(row_id)
        if alias and alias in self.vocabulary.primary:
            return self.vocabulary.primary[alias]
        key = _key(name)
        by_name = next(filter(None, (self.vocabulary.lookup(v) for v in (key, re.sub(r"\s*\(.*\)$", "", key)))), None)
        by_id = self.vocabulary.primary.get(row_id)
        if by_name and by_id and by_name != by_id:
            self.id_conflicts[(name, row_id)] = by_name
        if by_name or by_id:
            return by_name or by_id
        if key.endswith("e"):  # French -ine, -ene: gentamicine
            return self.vocabulary.lookup(key[:-1])
        return None

    def substance(self, name: str, row_id: str, french: bool, source: str = "") -> Substance:
        """The graph substance of a reference drug, registering a new one the first time."""
        drugbank = self.drugbank_id(name, row_id)
        key = drugbank or _key(name)
        if key not in self.substances:
            if drugbank in self.curated_drugbank:
                entity = self.curated_drugbank[drugbank]
                self.substances[key] = Substance(entity, drugbank, self.curated_labels[entity], new=False)
            elif drugbank:
                label = _label(self.vocabulary.names[drugbank])
                self.substances[key] = Substance(self._new_id(label), drugbank, label, new=True)
            else:
                self.unresolved[name] += 1
                label = _key(name)
                self.substances[key] = Substance(self._new_id(label), "", label, new=True)
        found = self.substances[key]
        if french:
            found.french.add(_key(name))
        elif "(" not in name and _key(name) != found.label.lower():  # not DDInter's "Morphine (liposomal)"
            found.other_names.setdefault(_key(name), source)
        return found

    def _new_id(self, label: str) -> str:
        slug = slugify(label)
        taken = self.curated_ids | {s.id for s in self.substances.values()}
        return slug if slug not in taken else f"{slug}-substance"

    # -- rows ----------------------------------------------------------------------------------

    def interactions(self) -> list[dict[str, str]]:
        """One interaction row per reference row (self-pairs after resolution are skipped)."""
        rows: list[dict[str, str]] = []
        seen: Counter[str] = Counter()
        for number, record in enumerate(self.reference_rows, start=2):
            source = SOURCES[record["source"].split()[0]]
            stated = record["severity_raw"] or record["severity"]
            if source == "ansm-thesaurus-worldvista-2016":  # raw spellings vary ("Not recommended with:")
                stated = record["severity"]
            if source in ("drugbank-4", "crediblemeds-2014", "nlm-ddi-corpus"):
                stated = ""
            level = LEVELS.get((source, stated))
            if level is None:
                raise DataError(f"interactions.tsv:{number}", f"no level for {source} '{stated}'; add it to LEVELS and "
                                "to ontology/severity-scales.ttl")
            french = source == "ansm-thesaurus-2016"
            a = self.substance(record["drug_a"], record["drugbank_id_a"], french, source)
            b = self.substance(record["drug_b"], record["drugbank_id_b"], french, source)
            if a.id == b.id:
                continue
            level, condition = self._conditional(source, level, record, (a.id, b.id), number)
            record_id = record["source_record"]
            base = f"{ID_PREFIX[source]}-" + (slugify(record_id.replace("DDInter", "")) if source == "ddinter-2023"
                                              else f"{slugify(record['drug_a'])}-{slugify(record['drug_b'])}")
            seen[base] += 1
            ordered = record["pair_orientation"] == "object|precipitant"
            rows.append({
                "id": base if seen[base] == 1 else f"{base}-{seen[base]}",
                "participants": f"{a.id};{b.id}",
                "affected": a.id if ordered else "", "precipitant": b.id if ordered else "",
                "level": level, "mechanism_type": "", "via": "", "effects": "", "effect_size": "",
                **self._texts(source, record),
                "source": source,
                "source_detail": "; ".join(filter(None, (
                    f"../shared/reference/interactions.tsv line {number}",
                    f"as named: {record['drug_a']} / {record['drug_b']}",
                    f"record {record_id}" if record_id else "",
                    f"level as stated: {record['severity_raw'] or stated}" if stated else "no level given",
                    condition,
                    record["source_file"]))),
            })
        return rows

    def _conditional(self, source: str, level: str, record: dict[str, str], pair: tuple[str, str],
                     number: int) -> tuple[str, str]:
        """A level that the row's text limits to one combination: the level for this pair, and a note.

        The thesaurus gives some entries two levels, the stricter one only "with" a drug or class its text names:
        the French rows carry the milder level and say "ASDEC - ... avec l'oxybate de sodium", the WorldVistA rows
        carry the stricter one and say "--with sodium oxybate". The rules are in reference_conditions.tsv; a
        condition it does not know stops the import, to be curated.
        """
        text = record["management_or_label"].strip()
        french = source == "ansm-thesaurus-2016" and text.startswith("ASDEC")
        if not french and not (source == "ansm-thesaurus-worldvista-2016" and text.startswith("-")):
            return level, ""
        rule = next((r for phrase, r in self.conditions.items() if phrase in text.lower()), None)
        if rule is None:
            raise DataError(f"interactions.tsv:{number}", f"the level is limited by '{text}', which "
                            f"{CONDITIONS.name} does not cover; add a rule for it")
        target = rule["applies_to"]
        applies = target == "*" or target in pair or (target.startswith("atc:") and any(
            code.startswith(target[4:]) for drug in pair for code in self.atc_codes(drug)))
        if french:  # the stricter level is 'association déconseillée'
            return ("ansm-ad", f"the text advises against the combination ({text}); it applies to this pair") \
                if applies else (level, f"the text advises against another combination ({text})")
        if applies:
            return level, f"the level applies {text.lstrip('- ')}"
        return OTHER_COMBINATION, f"the stated level is for the combination {text.lstrip('- ')}, not this pair alone"

    def atc_codes(self, drug: str) -> list[str]:
        """The ATC codes of a graph substance, curated or found by its WHO name."""
        label = next((s.label for s in self.substances.values() if s.id == drug), self.curated_drugs.get(drug, ""))
        return self.curated_atc.get(drug, []) + self.atc_by_name.get(label.lower(), [])

    @staticmethod
    def _texts(source: str, record: dict[str, str]) -> dict[str, str]:
        """The source's own words, in the columns where they belong (English effect and management, or the original text)."""
        description, mechanism, management = (record[c].strip() for c in ("description", "mechanism", "management_or_label"))
        if source == "ansm-thesaurus-worldvista-2016":
            return {"clinical_effect": description, "management": management, "source_text": mechanism}
        if source == "crediblemeds-2014":
            return {"clinical_effect": description, "management": "", "source_text": mechanism}
        texts = " ".join(filter(None, (description, mechanism, management)))
        return {"clinical_effect": "", "management": "", "source_text": texts}

    def drugs(self) -> list[dict[str, str]]:
        return [{"id": s.id, "label": s.label, "kind": "partner", "description": "",
                 "source": "drugbank-open-vocabulary" if s.drugbank else "mrkg-curation",
                 "source_detail": f"{s.drugbank} common name '{self.vocabulary.names[s.drugbank]}'" if s.drugbank
                 else "named by a reference interaction row; not found in DrugBank's open vocabulary"}
                for s in self._new() if s.label]

    def identifiers(self) -> list[dict[str, str]]:
        """DrugBank ids of the new substances; WHO ATC codes (exact WHO name) of every substance that has none yet."""
        rows = []
        for s in self._new():
            if s.drugbank:
                rows.append({"entity": s.id, "scheme": "drugbank", "value": s.drugbank, "source": "drugbank-open-vocabulary"})
        labels = {s.id: s.label for s in self._new()}
        labels |= {d: label for d, label in self.curated_drugs.items() if d not in self.curated_atc}
        for entity, label in sorted(labels.items()):
            for code in self.atc_by_name.get(label.lower(), []):
                rows.append({"entity": entity, "scheme": "atc", "value": code, "source": "who-atc-ddd-2026"})
        return rows

    def names(self) -> list[dict[str, str]]:
        rows = []
        for s in sorted(self.substances.values(), key=lambda s: s.id):
            label = s.label.lower()
            for name in sorted(s.french):
                if name != label:
                    rows.append({"entity": s.id, "name": name, "kind": "synonym", "lang": "fr", "source": "ansm-thesaurus-2016"})
            for name, source in sorted(s.other_names.items()):
                if name not in self.curated_names.get(s.id, set()) and name not in s.french:
                    rows.append({"entity": s.id, "name": name, "kind": "synonym", "lang": "", "source": source})
        return rows

    def memberships(self) -> list[dict[str, str]]:
        """Substance ∈ class wherever a class's ATC code (identifiers.tsv) is a prefix of one of the substance's codes."""
        class_codes = {entity: codes for entity, codes in self.curated_atc.items() if all(len(c) < 7 for c in codes)}
        substance_codes = {e: c for e, c in self.curated_atc.items() if e not in class_codes}
        for row in self.identifiers():
            if row["scheme"] == "atc":
                substance_codes.setdefault(row["entity"], []).append(row["value"])
        curated = {(r["drug"], r["class"]) for r in TABLES["class_membership.tsv"].read(self.data_dir / "class_membership.tsv")
                   if "who-atc-ddd-2026" in r["source"]}
        rows = []
        for entity, codes in sorted(substance_codes.items()):
            for cls, prefixes in sorted(class_codes.items()):
                for code in codes:
                    prefix = next((p for p in prefixes if code.startswith(p)), None)
                    if prefix and (entity, cls) not in curated:
                        rows.append({"drug": entity, "class": cls, "source": "who-atc-ddd-2026",
                                     "source_detail": f"ATC {code} lies under the class's code {prefix}"})
                        break
        return rows

    def _new(self) -> list[Substance]:
        return sorted((s for s in self.substances.values() if s.new), key=lambda s: s.id)

    # -- output --------------------------------------------------------------------------------

    def write(self, out_dir: Path) -> dict[str, int]:
        """Write the imported tables (the interactions first, since they resolve the drugs); return rows per table."""
        tables = {"interactions.tsv": self.interactions()}
        tables |= {"drugs.tsv": self.drugs(), "identifiers.tsv": self.identifiers(), "names.tsv": self.names()}
        tables["class_membership.tsv"] = self.memberships()
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in OUTPUTS:
            columns = list(TABLES[name].columns)
            _write_tsv(out_dir / name, columns, tables[name])
        return {name: len(tables[name]) for name in OUTPUTS}


def _write_tsv(path: Path, columns: list[str], rows: Iterable[dict[str, str]]) -> None:
    lines = ["\t".join(columns)]
    for row in rows:
        cells = [" ".join(row.get(c, "").split()) for c in columns]  # no tab or newline inside a cell
        lines.append("\t".join(cells))
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.importers.reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=Path("../shared/reference"),
                        help="folder with the reference interactions.tsv (default: ../shared/reference)")
    parser.add_argument("--drugbank-vocabulary", type=Path, required=True, help="DrugBank's open vocabulary CSV")
    parser.add_argument("--atc", type=Path, required=True, help="the WHO ATC/DDD CSV (fabkury/atcd)")
    parser.add_argument("--output", type=Path, default=DATA_DIR / IMPORTED_DIR, help="where to write the tables")
    args = parser.parse_args(argv)
    try:
        importer = Importer(args.reference, args.drugbank_vocabulary, args.atc)
        counts = importer.write(args.output)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for name, count in counts.items():
        print(f"{count:>7,}  {args.output / name}")
    for (name, row_id), by_name in sorted(importer.id_conflicts.items()):
        print(f"{name}: the row says {row_id}, its name is {by_name}; the name is used")
    if importer.unresolved:
        print("names without a DrugBank id (kept as substances with a label only): "
              + ", ".join(sorted(importer.unresolved)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The MRKG vocabulary as a closed rdflib namespace: a typo in a term fails on first use.

The term list mirrors ``ontology/mrkg.ttl`` and ``ontology/values.ttl``; ``tests/test_vocab.py``
fails when they drift apart.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

from .iris import VOCAB

__all__ = ["CONTROLLED_VALUES", "MR"]


#: The controlled values of ``ontology/values.ttl``: their names contain hyphens, so code reaches them by item
#: (``MR['severity-major']``), not as attributes.
CONTROLLED_VALUES = (
    "action-agonist",
    "action-antagonist",
    "action-blocker",
    "action-inhibitor",
    "action-inverse-agonist",
    "action-modulator",
    "action-opener",
    "action-other",
    "action-partial-agonist",
    "action-positive-allosteric-modulator",
    "action-releaser",
    "assessment-contradicted",
    "assessment-not-checkable",
    "assessment-not-in-graph",
    "assessment-partly-supported",
    "assessment-supported",
    "assessment-unsupported",
    "contraindication-absolute",
    "contraindication-relative",
    "elimination-biliary",
    "elimination-fecal",
    "elimination-hepatic",
    "elimination-plasma-hydrolysis",
    "elimination-pulmonary",
    "elimination-renal",
    "evidence-case-reports",
    "evidence-clinical-trial",
    "evidence-database",
    "evidence-expert-curation",
    "evidence-guideline",
    "evidence-literature",
    "evidence-observational",
    "evidence-regulatory-label",
    "evidence-systematic-review",
    "evidence-web-article",
    "form-capsule",
    "form-extended-release-capsule",
    "form-extended-release-tablet",
    "form-film-coated-tablet",
    "form-granules",
    "form-injectable-suspension",
    "form-injection",
    "form-intrathecal-injection",
    "form-oral-solution",
    "form-oral-suspension",
    "form-orally-disintegrating-tablet",
    "form-powder-for-injection",
    "form-rectal-gel",
    "form-sublingual-tablet",
    "form-tablet",
    "form-topical",
    "frequency-common",
    "frequency-postmarketing",
    "frequency-rare",
    "frequency-uncommon",
    "frequency-unknown",
    "frequency-very-common",
    "frequency-very-rare",
    "limit-max-daily-dose",
    "limit-max-duration",
    "limit-max-single-dose",
    "limit-max-total-dose",
    "limit-starting-dose",
    "method-automatic",
    "method-curated",
    "mechanism-mixed",
    "mechanism-pharmacodynamic",
    "mechanism-pharmacokinetic",
    "mechanism-unknown",
    "pk-bioavailability",
    "pk-clearance",
    "pk-duration-of-action",
    "pk-half-life",
    "pk-onset-of-action",
    "pk-protein-binding",
    "pk-time-to-peak",
    "pk-volume-of-distribution",
    "recommendation-avoid",
    "recommendation-caution",
    "recommendation-contraindicated",
    "recommendation-dose-adjustment",
    "recommendation-monitor",
    "recommendation-no-adjustment",
    "recommendation-not-established",
    "regulatory-action-discontinued",
    "regulatory-action-restricted",
    "regulatory-action-suspended",
    "regulatory-action-withdrawn",
    "role-adjunctive",
    "role-disease-modifying",
    "role-symptomatic",
    "role-unknown",
    "route-epidural",
    "route-intradermal",
    "route-intradetrusor",
    "route-intramuscular",
    "route-intranasal",
    "route-intrathecal",
    "route-intravenous",
    "route-oral",
    "route-rectal",
    "route-subcutaneous",
    "route-sublingual",
    "route-topical",
    "rule-additive-cns-depression",
    "rule-additive-hypotensive-effect",
    "rule-additive-neuromuscular-blockade",
    "rule-additive-qt-prolongation",
    "rule-additive-respiratory-depression",
    "rule-additive-serotonergic-effect",
    "schedule-not-controlled",
    "schedule-us-cii",
    "schedule-us-ciii",
    "schedule-us-civ",
    "schedule-us-cv",
    "severity-contraindicated",
    "severity-major",
    "severity-minor",
    "severity-moderate",
    "severity-not-graded",
    "status-approved",
    "status-investigational",
    "status-listed",
    "status-not-indicated",
    "status-off-label",
    "topic-abuse-potential",
    "topic-administration",
    "topic-boxed-warning",
    "topic-controlled-substance",
    "topic-dependence-withdrawal",
    "topic-driving",
    "topic-hepatic-impairment",
    "topic-hepatotoxicity",
    "topic-lactation",
    "topic-older-adults",
    "topic-overdose",
    "topic-pediatric",
    "topic-pregnancy",
    "topic-renal-impairment",
    "unit-d",
    "unit-g",
    "unit-h",
    "unit-l",
    "unit-l-per-h",
    "unit-l-per-h-per-kg",
    "unit-l-per-kg",
    "unit-mcg",
    "unit-mcg-per-kg",
    "unit-mg",
    "unit-mg-per-kg",
    "unit-min",
    "unit-ml-per-min",
    "unit-ml-per-min-per-kg",
    "unit-mo",
    "unit-percent",
    "unit-units",
    "unit-units-per-kg",
    "unit-wk",
)


class MR(DefinedNamespace):
    """Classes, properties and controlled values of the ``mr:`` vocabulary."""

    _NS = Namespace(VOCAB)
    _fail = True

    AdministrationRoute: URIRef
    AdverseEffect: URIRef
    AdverseEffectAssociation: URIRef
    agentType: URIRef
    ApprovalStatus: URIRef
    Article: URIRef
    Assessment: URIRef
    AssessmentMethod: URIRef
    biolinkPrefix: URIRef
    BoxReading: URIRef
    ClaimTally: URIRef
    CNSDepressant: URIRef
    Claim: URIRef
    Classification: URIRef
    ClinicalSituation: URIRef
    ComplementaryTherapy: URIRef
    Condition: URIRef
    Contraindication: URIRef
    ContraindicationStrength: URIRef
    ControlledSubstanceSchedule: URIRef
    ControlledValue: URIRef
    Curation: URIRef
    Database: URIRef
    DatasetMeasure: URIRef
    Disease: URIRef
    DosageForm: URIRef
    DoseLimit: URIRef
    DoseLimitKind: URIRef
    Drug: URIRef
    DrugClass: URIRef
    DrugInteraction: URIRef
    DrugLabel: URIRef
    boxedWarningCount: URIRef
    claimCount: URIRef
    claimTally: URIRef
    contraindicationCount: URIRef
    coverageOf: URIRef
    doseLimitCount: URIRef
    edgePredicate: URIRef
    EliminationRoute: URIRef
    Entity: URIRef
    Enzyme: URIRef
    Evidence: URIRef
    EvidenceLevel: URIRef
    Frequency: URIRef
    Guideline: URIRef
    HerbalProduct: URIRef
    HerbalTherapy: URIRef
    Indication: URIRef
    InhibitableSubstrate: URIRef
    Injury: URIRef
    InteractionSummary: URIRef
    IonChannel: URIRef
    hasBoxedWarning: URIRef
    indicationCount: URIRef
    knowledgeLevel: URIRef
    LabelCoverage: URIRef
    LabelMeasure: URIRef
    LifestyleMeasure: URIRef
    Literature: URIRef
    ManualTherapy: URIRef
    labelCoverage: URIRef
    labelMeasure: URIRef
    lactationCount: URIRef
    mappingPredicate: URIRef
    Mechanism: URIRef
    MechanismType: URIRef
    Metabolism: URIRef
    MuscleRelaxant: URIRef
    negated: URIRef
    PartnerDrug: URIRef
    PharmacokineticParameter: URIRef
    PharmacokineticValue: URIRef
    PharmacologicalAction: URIRef
    PhysicalTherapy: URIRef
    PhysiologicalState: URIRef
    PredictionRule: URIRef
    Product: URIRef
    Receptor: URIRef
    Recommendation: URIRef
    RegulatoryAction: URIRef
    RegulatoryActionKind: URIRef
    RegulatoryDecision: URIRef
    Severity: URIRef
    SeverityScale: URIRef
    SeverityTally: URIRef
    Source: URIRef
    SourcingMeasure: URIRef
    StatedSeverity: URIRef
    Statement: URIRef
    Substance: URIRef
    Symptom: URIRef
    Syndrome: URIRef
    Target: URIRef
    TargetAction: URIRef
    TherapeuticRole: URIRef
    Therapy: URIRef
    Transporter: URIRef
    Unit: URIRef
    Warning: URIRef
    WarningTopic: URIRef
    abbreviation: URIRef
    actionDate: URIRef
    active: URIRef
    activeIngredient: URIRef
    actsOn: URIRef
    administrationRoute: URIRef
    adverseEffect: URIRef
    affectedDrug: URIRef
    approvalStatus: URIRef
    assessedAgainst: URIRef
    assessment: URIRef
    assessmentMethod: URIRef
    assessmentNote: URIRef
    assignsClasses: URIRef
    atcCode: URIRef
    availableAs: URIRef
    availableInStrength: URIRef
    bioregistryPrefix: URIRef
    brandName: URIRef
    candidateIndicationFor: URIRef
    casNumber: URIRef
    chebiId: URIRef
    claimPredicate: URIRef
    clinicalEffect: URIRef
    code: URIRef
    colour: URIRef
    commercialUse: URIRef
    condition: URIRef
    contraindicatedIn: URIRef
    contraindicationStrength: URIRef
    controlledSubstanceSchedule: URIRef
    decidedBy: URIRef
    decidingLabelText: URIRef
    decidingManagement: URIRef
    decidingMechanismType: URIRef
    decidingVia: URIRef
    detail: URIRef
    disagreement: URIRef
    doid: URIRef
    dosageForm: URIRef
    doseLimitKind: URIRef
    drug: URIRef
    drugbankId: URIRef
    drugcentralId: URIRef
    edgeFrom: URIRef
    edgeTo: URIRef
    effectSize: URIRef
    eliminationRoute: URIRef
    evidenceLevel: URIRef
    evidenceRank: URIRef
    forBrand: URIRef
    frequency: URIRef
    geneSymbol: URIRef
    givesEvidence: URIRef
    graded: URIRef
    graph: URIRef
    hedgeCue: URIRef
    harmonisedAs: URIRef
    hasAdverseEffect: URIRef
    hasMechanism: URIRef
    hasMember: URIRef
    hasMetabolite: URIRef
    hasRegulatoryAction: URIRef
    hasTarget: URIRef
    hasWarningAbout: URIRef
    hierarchicalCode: URIRef
    hpId: URIRef
    icd10: URIRef
    icd9cm: URIRef
    identifierScheme: URIRef
    inchikey: URIRef
    indicatedFor: URIRef
    induces: URIRef
    inhibitedBy: URIRef
    inhibits: URIRef
    interactsWith: URIRef
    investigatedFor: URIRef
    jurisdiction: URIRef
    kindName: URIRef
    listedInClass: URIRef
    management: URIRef
    mappingReason: URIRef
    measureCount: URIRef
    measureOf: URIRef
    measureRank: URIRef
    mechanismType: URIRef
    meddraId: URIRef
    memberOf: URIRef
    meshId: URIRef
    metabolisedBy: URIRef
    metabolises: URIRef
    metabolite: URIRef
    mondoId: URIRef
    ncbigeneId: URIRef
    nameKey: URIRef
    nameKind: URIRef
    nameRank: URIRef
    ndfrtId: URIRef
    negationCue: URIRef
    note: URIRef
    objectValue: URIRef
    organImpairmentCount: URIRef
    pairCount: URIRef
    parentClass: URIRef
    participant: URIRef
    pattern: URIRef
    pharmacokineticParameter: URIRef
    pharmacologicalAction: URIRef
    pkValueCount: URIRef
    plainEdge: URIRef
    plainEdgeWithoutLabel: URIRef
    population: URIRef
    precipitantDrug: URIRef
    pregnancyCount: URIRef
    pubchemCid: URIRef
    quantityMax: URIRef
    quantityValue: URIRef
    quote: URIRef
    quoteEnd: URIRef
    quoteStart: URIRef
    recommendation: URIRef
    regulatoryActionKind: URIRef
    relationCode: URIRef
    relationTargetKind: URIRef
    ruleClass: URIRef
    ruleEffect: URIRef
    rxnormCui: URIRef
    serious: URIRef
    severity: URIRef
    severityAsStated: URIRef
    severityRank: URIRef
    severityTally: URIRef
    sharedEffect: URIRef
    shortcutOf: URIRef
    sourceDetail: URIRef
    sourceText: URIRef
    sourcingMeasure: URIRef
    statedLevel: URIRef
    statementCount: URIRef
    states: URIRef
    statesFigure: URIRef
    statusRank: URIRef
    strengthUnit: URIRef
    strengthValue: URIRef
    summarises: URIRef
    tallyAssessment: URIRef
    target: URIRef
    therapeuticRole: URIRef
    therapyFor: URIRef
    throughClass: URIRef
    transportedBy: URIRef
    umlsCui: URIRef
    unii: URIRef
    uniprotId: URIRef
    uriFormat: URIRef
    unit: URIRef
    usedFor: URIRef
    usedOffLabelFor: URIRef
    viaTarget: URIRef
    warningTopic: URIRef

    _extras = list(CONTROLLED_VALUES)  #: controlled values (names with hyphens: ``MR['severity-major']``)

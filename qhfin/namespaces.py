"""Namespaces, closed where they are ours, so that a misspelt term fails loudly instead of minting a new IRI."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

BASE = "https://w3id.org/qhfin/"
ID = Namespace(BASE + "id/")


class QHFIN(DefinedNamespace):
    """The ontology's terms; kept equal to ontology/qhfin.ttl by tests/test_ontology.py."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    About: URIRef
    Addressee: URIRef
    Approximately: URIRef
    AtLeast: URIRef
    Attested: URIRef
    Basis: URIRef
    BasisScheme: URIRef
    Binding: URIRef
    BindingNature: URIRef
    BindingNatureScheme: URIRef
    Body: URIRef
    BodyGroup: URIRef
    BodyKind: URIRef
    Certainty: URIRef
    CertaintyScheme: URIRef
    Chapter: URIRef
    Consistent: URIRef
    Cooperating: URIRef
    Curated: URIRef
    DataQualityFinding: URIRef
    DeadlineRule: URIRef
    DocumentUnit: URIRef
    DoubledText: URIRef
    DutyTransfer: URIRef
    Exceeds: URIRef
    Expected: URIRef
    FindingKind: URIRef
    FindingKindScheme: URIRef
    Footnote: URIRef
    FullCoverage: URIRef
    GarbledText: URIRef
    HierarchyRule: URIRef
    Implausible: URIRef
    Inconsistent: URIRef
    Indicator: URIRef
    Instrument: URIRef
    InstrumentType: URIRef
    Involvement: URIRef
    Lead: URIRef
    LineBreak: URIRef
    LinkAssertion: URIRef
    LinkConfirmation: URIRef
    LinkRejection: URIRef
    Maintain: URIRef
    MandateRule: URIRef
    Mentioned: URIRef
    MoreThan: URIRef
    NotLessThan: URIRef
    NotMoreThan: URIRef
    Paragraph: URIRef
    PatternRule: URIRef
    PerDuty: URIRef
    Plan: URIRef
    Proposal: URIRef
    RaiseTo: URIRef
    RepairKind: URIRef
    RepairKindScheme: URIRef
    ReviewStatus: URIRef
    ReviewStatusScheme: URIRef
    Reviewed: URIRef
    Role: URIRef
    RoleScheme: URIRef
    Rule: URIRef
    RuleDerived: URIRef
    RunInParagraph: URIRef
    ScopeRule: URIRef
    Section: URIRef
    SourceRepair: URIRef
    Stated: URIRef
    Subsection: URIRef
    Target: URIRef
    TargetGroup: URIRef
    TargetRelation: URIRef
    TargetRelationScheme: URIRef
    TargetRule: URIRef
    Task: URIRef
    Theme: URIRef
    Unconfirmed: URIRef
    Unit: URIRef
    ValueQualifier: URIRef
    ValueQualifierScheme: URIRef
    alsoStyled: URIRef
    asPrinted: URIRef
    assignsBody: URIRef
    baseline: URIRef
    baselineNote: URIRef
    basis: URIRef
    bindingNature: URIRef
    body: URIRef
    bodyKind: URIRef
    certainty: URIRef
    colloquialName: URIRef
    concerns: URIRef
    confirmedLink: URIRef
    contributesTo: URIRef
    curatedLink: URIRef
    curationNote: URIRef
    deadline: URIRef
    deadlineBasis: URIRef
    deadlineRule: URIRef
    deadlineYear: URIRef
    dependsOn: URIRef
    derivedFrom: URIRef
    dutyFrom: URIRef
    dutyPhrase: URIRef
    dutyTheme: URIRef
    dutyTo: URIRef
    endOffset: URIRef
    englishVariant: URIRef
    evidence: URIRef
    evidenceOffset: URIRef
    findingKind: URIRef
    formerName: URIRef
    heading: URIRef
    howlettType: URIRef
    impliesTarget: URIRef
    impliesTheme: URIRef
    indicator: URIRef
    instrumentType: URIRef
    involvement: URIRef
    leadPhrase: URIRef
    linkObject: URIRef
    linkProperty: URIRef
    matchExclusion: URIRef
    namedInPlan: URIRef
    needsCuration: URIRef
    numberAsWritten: URIRef
    order: URIRef
    originalText: URIRef
    priority: URIRef
    qualifiedLink: URIRef
    readingText: URIRef
    refDate: URIRef
    refPeriod: URIRef
    rejectedLink: URIRef
    repair: URIRef
    repairKind: URIRef
    responsibleBody: URIRef
    reviewStatus: URIRef
    role: URIRef
    rule: URIRef
    servesTheme: URIRef
    shortName: URIRef
    sourceText: URIRef
    startOffset: URIRef
    subTaskOf: URIRef
    supportsTheme: URIRef
    targetRelation: URIRef
    targetValue: URIRef
    targetYear: URIRef
    targetsGroup: URIRef
    traditionalForm: URIRef
    unit: URIRef
    usesInstrument: URIRef
    value: URIRef
    valueQualifier: URIRef
    viaConcept: URIRef
    whenBody: URIRef
    whenInstrument: URIRef
    whenPhrase: URIRef
    whenTheme: URIRef
    whenWithin: URIRef
    # the final evaluation (issue 15): actual figures and progress reports
    ActualFigure: URIRef
    Completed: URIRef
    Derived: URIRef
    FigureKind: URIRef
    FigureKindScheme: URIRef
    InProgress: URIRef
    LessThan: URIRef
    MostlyCompleted: URIRef
    NoLongerApplicable: URIRef
    NotStarted: URIRef
    ProgressReport: URIRef
    ProgressStatus: URIRef
    ProgressStatusScheme: URIRef
    Published: URIRef
    Secondary: URIRef
    achievements: URIRef
    figureKind: URIRef
    progressOf: URIRef
    progressStatus: URIRef
    reportedAs: URIRef
    sumOf: URIRef
    supportingEvidence: URIRef
    wholeBody: URIRef
    withdrawnTheme: URIRef
    withdrawnTrigger: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

PLAN = Namespace(BASE + "id/plan/")
TASK = Namespace(BASE + "id/task/")
THEME = Namespace(BASE + "id/theme/")
INSTRUMENT = Namespace(BASE + "id/instrument/")
GROUP = Namespace(BASE + "id/group/")
BODY = Namespace(BASE + "id/body/")
SCHEME = Namespace(BASE + "id/scheme/")
BODY_KIND = Namespace(BASE + "id/body-kind/")
RULE = Namespace(BASE + "id/rule/")
TARGET = Namespace(BASE + "id/target/")
GRAPH = Namespace(BASE + "id/graph/")
DATASET = Namespace(BASE + "id/dataset/")

PLAN_IRI = PLAN["qh-fin-14fyp"]
ONTOLOGY_IRI = URIRef(BASE + "ontology")

PREFIXES = {
    "qhfin": QHFIN._NS,
    "plan": PLAN,
    "task": TASK,
    "theme": THEME,
    "instrument": INSTRUMENT,
    "group": GROUP,
    "body": BODY,
    "bodykind": BODY_KIND,
    "typology": Namespace(BASE + "id/typology/"),
    "scheme": SCHEME,
    "indicator": Namespace(BASE + "id/indicator/"),
    "target": TARGET,
    "obs": Namespace(BASE + "id/obs/"),
    "unit": Namespace(BASE + "id/unit/"),
    "rule": RULE,
    "finding": Namespace(BASE + "id/finding/"),
    "event": Namespace(BASE + "id/event/"),
    "dataset": DATASET,
    "skos": SKOS,
    "org": ORG,
    "prov": PROV,
    "qb": QB,
    "eli": ELI,
    "dcterms": DCTERMS,
    "dcat": DCAT,
    "void": VOID,
    "owl": OWL,
    "rdfs": RDFS,
    "rdf": RDF,
    "xsd": XSD,
}

# named graphs, one per basis, so that "only what the plan itself says" is one GRAPH clause
GRAPH_PLAN = GRAPH["plan"]
GRAPH_STATED = GRAPH["stated"]
GRAPH_DERIVED = GRAPH["derived"]
GRAPH_CURATED = GRAPH["curated"]
# staff-entered data of the final evaluation, each in its own graph, never mixed with the plan's
GRAPH_ACTUALS = GRAPH["actuals"]
GRAPH_PROGRESS = GRAPH["progress"]

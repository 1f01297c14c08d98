"""Namespaces, closed where they are ours, so that a misspelt term fails loudly instead of minting a new IRI."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from .prefixes import BASE, GRAPHS
from .prefixes import PREFIXES as _PREFIXES

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


PREFIXES = {  # the prefixes of qhfin.prefixes (the workers' plain strings), as namespaces
    name: QHFIN._NS if name == "qhfin" else Namespace(iri) for name, iri in _PREFIXES.items()}
ORG, QB, ELI = PREFIXES["org"], PREFIXES["qb"], PREFIXES["eli"]
PLAN, TASK, THEME, INSTRUMENT = PREFIXES["plan"], PREFIXES["task"], PREFIXES["theme"], PREFIXES["instrument"]
GROUP, BODY, SCHEME, BODY_KIND = PREFIXES["group"], PREFIXES["body"], PREFIXES["scheme"], PREFIXES["bodykind"]
RULE, TARGET, DATASET = PREFIXES["rule"], PREFIXES["target"], PREFIXES["dataset"]
GRAPH = Namespace(BASE + "id/graph/")

PLAN_IRI = PLAN["qh-fin-14fyp"]
ONTOLOGY_IRI = URIRef(BASE + "ontology")

# the named graphs of qhfin.prefixes: one per basis, so that "only what the plan itself says" is one GRAPH clause,
# and the staff-entered data of the final evaluation, each in its own graph, never mixed with the plan's
GRAPH_PLAN, GRAPH_STATED, GRAPH_DERIVED, GRAPH_CURATED, GRAPH_ACTUALS, GRAPH_PROGRESS = map(URIRef, GRAPHS)

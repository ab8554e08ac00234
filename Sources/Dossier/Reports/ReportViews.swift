import Markdown
/// View models the Mustache templates read by reflection: plain structs of already formatted text.
/// Values are inserted escaped for Markdown (`{{x}}`); only Markdown bodies, chart paths, anchors and
/// code fences are inserted as they are (`{{{x}}}`).
struct EngagementView {
    var id: String
    var title: String
    var client: String
    var provider: String
    var periodText: String
    var consultants: [ConsultantView]
}

struct ConsultantView {
    var name: String
    var role: String
}

struct DocumentView {
    var number: String
    var version: String
    var date: String
    var authors: String
    var reviewer: String?
    var approver: String?
    var classification: String
    var independence: String
}

struct CountRow {
    var label: String
    var count: String
}

struct ScopeRow {
    var name: String
    var count: String
}

/// A class: the findings table and the roadmap list every finding, and a template walks them
/// as values of its lists — a struct of ten strings was copied into a new box with ten retains
/// for each of 20,000 rows, a class is one retain.
final class FindingRow: Sendable {
    let id: String
    let title: String
    let anchor: String
    let severity: String
    let category: String
    let status: String
    let systems: String
    let due: String?
    let owner: String
    let effort: String

    init(id: String, title: String, anchor: String, severity: String, category: String, status: String, systems: String,
         due: String?, owner: String, effort: String) {
        (self.id, self.title, self.anchor, self.severity, self.category) = (id, title, anchor, severity, category)
        (self.status, self.systems, self.due, self.owner, self.effort) = (status, systems, due, owner, effort)
    }

    /// The same row with another due date.
    func with(due: String) -> FindingRow {
        FindingRow(id: id, title: title, anchor: anchor, severity: severity, category: category, status: status, systems: systems,
                   due: due, owner: owner, effort: effort)
    }
}

struct MetricRow {
    var name: String
    var before: String
    var after: String
    var target: String
    var change: String
    var met: String
}

struct EvidenceExcerptView {
    var file: String
    var caption: String
    var hasExcerpt: Bool
    var excerpt: String
    var fence: String
    var truncated: Bool
    var truncatedNote: String
}

struct FindingSectionView {
    var id: String
    var title: String
    var severity: String
    var category: String
    var status: String
    var systems: String
    var owner: String
    var due: String
    var effort: String
    var detected: String
    var controls: String
    var summary: String?
    /// The finding's body as written; templates read `body`, made from it on demand (open blocks
    /// closed, headings demoted below the section's), so sections taken from the build cache
    /// never pay for it.
    var sourceBody: String
    var body: String { MarkdownText.demoteHeadings(MarkdownText.closingOpenBlocks(sourceBody), by: 3) }
    var hasMetrics: Bool
    var metrics: [MetricRow]
    var chart: String
    var chartTitle: String
    var hasEvidence: Bool
    var evidence: [EvidenceExcerptView]
    /// The section as `partials/finding` renders it, filled in by the report builder (sections are
    /// rendered in parallel, then placed into the report).
    var rendered = ""
    /// The build cache's key for the rendered section, when the build has a cache.
    var memoKey: String?
    /// The charts the section embeds, by path (its metrics chart).
    var charts: [String: String] = [:]
    /// Set when the section was left to be made later: the last build's health check has it.
    var pending: PendingSection?
}

/// What a section left pending is made from.
final class PendingSection: Sendable {
    let finding: Finding
    let category: Int
    /// Its metrics chart's path ("" when it has none), whose file the last build left intact.
    let chartPath: String

    init(finding: Finding, category: Int, chartPath: String) {
        self.finding = finding
        self.category = category
        self.chartPath = chartPath
    }
}

extension FindingSectionView {
    /// The fields a template reads besides `rendered`.
    static let fieldsBesidesRendered = Set(fields.byName.keys).subtracting(["rendered"])

    /// A section taken from the build cache, for a report template that reads only `rendered`:
    /// its other fields are left empty.
    init(rendered: String, memoKey: String?) {
        self.init(id: "", title: "", severity: "", category: "", status: "", systems: "", owner: "", due: "", effort: "",
                  detected: "", controls: "", summary: nil, sourceBody: "", hasMetrics: false, metrics: [], chart: "",
                  chartTitle: "", hasEvidence: false, evidence: [], rendered: rendered, memoKey: memoKey)
    }
}

struct CategorySection {
    var number: Int
    var label: String
    var findings: [FindingSectionView]
}

struct RoadmapTerm {
    var label: String
    var hasItems: Bool
    var items: [FindingRow]
}

struct TrendGroup {
    var label: String
    var count: String
    var items: String
}

struct TrendEntryView {
    var id: String
    var title: String
    var severity: String
    var change: String
}

struct TrendView {
    var trendSince: String
    var scoreChange: String
    var chart: String
    var groups: [TrendGroup]
    var hasChronic: Bool
    var chronic: [TrendEntryView]
}

struct EvidenceIndexRow {
    var file: String
    var size: String
    var citedBy: String
}

struct RedactionRow {
    var kind: String
    var count: String
}

struct GlossaryRow {
    var term: String
    var meaning: String
}

struct GlossaryArticleView {
    var title: String
    var body: String
}

struct HealthCheckView {
    var t: [String: String]
    var engagement: EngagementView
    var document: DocumentView
    var purpose: String
    var scopeRows: [ScopeRow]
    var overall: String
    var score: String
    var grade: String
    var severityChart: String
    var severityRows: [CountRow]
    var topRisks: [FindingRow]
    var trend: TrendView?
    var findingsSummaryNumber: String
    var findingRows: [FindingRow]
    var categories: [CategorySection]
    var roadmap: [RoadmapTerm]
    var appendixNumber: String
    var evidenceIndex: [EvidenceIndexRow]
    var hasRedactions: Bool
    var redactions: [RedactionRow]
    var glossary: [GlossaryRow]
    var glossaryArticles: [GlossaryArticleView]
}

extension HealthCheckView {
    /// Where the sections `include` takes are: each one's category and its place in it, in order.
    func sectionPlaces(where include: (FindingSectionView) -> Bool) -> [(category: Int, index: Int)] {
        categories.indices.flatMap { category in
            categories[category].findings.indices.filter { include(categories[category].findings[$0]) }.map { (category, $0) }
        }
    }
}

struct TimelineRow {
    var time: String
    var kind: String
    var text: String
    var by: String
}

struct LabelValue {
    var label: String
    var value: String
}

struct ActionRow {
    var text: String
    var owner: String
    var due: String
    var status: String
}

struct RelatedFindingRow {
    var id: String
    var title: String
    var severity: String
    var status: String
}

struct IncidentView {
    var id: String
    var title: String
    var severity: String
    var status: String
    var systems: String
    var controls: String?
    var summary: String?
    var impact: String?
    var rootCause: String?
    var zoneNote: String
    var timeline: [TimelineRow]
    var chart: String
    var chartTitle: String
    var durations: [LabelValue]
    var verdict: String
    var body: String
    /// The body's lessons-learned section, given its own place in the postmortem.
    var lessons: String?
    var hasActions: Bool
    var actions: [ActionRow]
    var hasRelated: Bool
    var related: [RelatedFindingRow]
}

struct IncidentReportView {
    var t: [String: String]
    var engagement: EngagementView
    var document: DocumentView
    var incident: IncidentView
}

struct PeriodIncidentRow {
    var id: String
    var title: String
    var severity: String
    var timeToEngage: String
    var verdict: String
}

struct ProgressRow {
    var label: String
    var opened: String
    var resolved: String
    var open: String
}

struct ImprovementRow {
    var id: String
    var name: String
    var before: String
    var after: String
    var change: String
}

struct PeriodView {
    var attainment: String
    var incidentCount: String
    var opened: String
    var resolved: String
    var open: String
    var manMonths: String
    var manMonthChart: String
    var hasIncidents: Bool
    var incidentsBySeverity: [CountRow]
    var incidents: [PeriodIncidentRow]
    var progress: [ProgressRow]
    var hasImprovements: Bool
    var improvements: [ImprovementRow]
}

struct PeriodReportView {
    var t: [String: String]
    var engagement: EngagementView
    var document: DocumentView
    var period: PeriodView
}

/// The HTML page around a rendered report.
struct PageView {
    struct Brand {
        var name: String
        var logo: String?
        var primary: String
        var accent: String
    }

    var lang: String
    var version: String
    var title: String
    var css: String
    var brand: Brand
    var footer: String
    var footerCSS: String
    var headerCSS: String
    var pageLabelCSS: String
    var isInternal: Bool
    var internalBanner: String
    var classification: String
    var reportKind: String
    var coverFacts: [LabelValue]
    var contentsLabel: String
    var toc: String
    var content: String
}

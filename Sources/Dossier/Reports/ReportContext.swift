import Foundation
import Markdown

/// Who a build is for: `client` deliverables never contain `audience: internal` items.
public enum BuildAudience: String, Sendable, CaseIterable {
    case client, `internal`
}

/// Everything the report views are made from: the items the audience may see, the analysis, the
/// formatter and the redacted evidence. A class: knowledge-base items point to it by the thousand.
final class ReportContext: @unchecked Sendable {
    let workspace: Workspace
    let audience: BuildAudience
    let findings: [Finding]
    let incidents: [Incident]
    let articles: [Article]
    let format: LocaleFormatter
    let evidence: EvidenceStore
    let trend: Trend?
    let statistics: FindingStatistics
    let templates: TemplateLibrary
    let brand: Engagement.Brand
    /// Findings by id, for incidents' related findings.
    let findingsByID: [String: Finding]

    var engagement: Engagement { workspace.engagement }
    /// The evidence files the reports' findings and incidents cite.
    var citedEvidence: Set<String> {
        Set(findings.flatMap { $0.evidence.map(\.file) } + incidents.flatMap { $0.evidence.map(\.file) })
    }
    var t: [String: String] { templates.strings }

    init(workspace: Workspace, previous: Workspace?, audience: BuildAudience, templates: TemplateLibrary,
         redactor: Redactor, brand: Engagement.Brand) {
        self.workspace = workspace
        self.audience = audience
        let visible: (Audience) -> Bool = { audience == .internal || $0 == .client }
        findings = workspace.findings.filter { visible($0.audience) }
        incidents = workspace.incidents.filter { visible($0.audience) }
        articles = workspace.articles.filter { visible($0.audience) }
        format = LocaleFormatter(language: workspace.engagement.locale, strings: templates.strings)
        evidence = EvidenceStore(root: workspace.root, redactor: redactor)
        statistics = FindingStatistics(findings)
        self.templates = templates
        self.brand = brand
        findingsByID = Dictionary(findings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        if let previous {
            let previousFindings = previous.findings.filter { visible($0.audience) }
            let shown = Set(findings.map(\.id))
            trend = Trend(current: findings, previous: previousFindings, previousEngagement: previous.engagement,
                          hidden: Set(workspace.findings.map(\.id)).subtracting(shown))
        } else {
            trend = nil
        }
    }

    // MARK: Shared views

    var engagementView: EngagementView {
        EngagementView(
            id: engagement.id, title: engagement.title, client: engagement.client,
            provider: engagement.provider?.name ?? brand.name ?? "",
            periodText: format.dateRange(engagement.period.from, engagement.period.to),
            consultants: engagement.consultants.map { ConsultantView(name: $0.name, role: $0.role ?? "") })
    }

    func documentView(number: String) -> DocumentView {
        let independence: String
        if let provider = engagement.provider, provider.independent {
            independence = format.text("independence", ["provider": provider.name,
                                                         "provider_topic": LocaleFormatter.withTopicParticle(provider.name)])
        } else {
            independence = format.text("independence_missing")
        }
        return DocumentView(
            number: number, version: "1.0", date: format.date(engagement.period.to),
            authors: engagement.consultants.map(\.name).joined(separator: ", "),
            reviewer: nil, approver: nil,
            classification: format.label("classification", engagement.classification),
            independence: independence)
    }

    func severity(_ value: Finding.Severity) -> String { format.label("severity", value) }
    func severity(_ value: Incident.Severity) -> String { format.label("severity", value) }
    func status(_ value: Finding.Status) -> String { format.label("status", value) }
    func category(_ value: Finding.Category) -> String { format.label("category", value) }
    func day(_ value: Day?) -> String { value.map { format.date($0, weekday: false) } ?? "—" }

    /// `ISMS-P 2.9.2 변경관리, ISO/IEC 27001:2022 A.8.6 Capacity management`.
    func controls(_ references: [ControlReference]) -> String {
        guard !references.isEmpty else { return "—" }
        let catalogs = try? ControlCatalogs.shipped.get()
        return references.map { reference in
            let control = catalogs?.control(reference)
            let title = engagement.locale == .ko ? (control?.koreanTitle ?? control?.title) : control?.title
            return "\(reference.framework.displayName) \(reference.id)" + (title.map { " \($0)" } ?? "")
        }.joined(separator: ", ")
    }

    /// The id a heading `#### <id> <title>` gets in the rendered report.
    func anchor(id: String, title: String) -> String {
        SlugRegistry.slug("\(id) \(title)")
    }

    func findingRow(_ finding: Finding) -> FindingRow {
        FindingRow(id: finding.id, title: finding.title, anchor: anchor(id: finding.id, title: finding.title),
                   severity: severity(finding.severity), category: category(finding.category), status: status(finding.status),
                   systems: finding.systems.joined(separator: ", "), due: finding.due.map { format.date($0, weekday: false) },
                   owner: finding.owner ?? "—", effort: finding.effort?.rawValue ?? "—")
    }

    func number(_ value: Double?) -> String { value.map { format.number($0) } ?? "—" }
}

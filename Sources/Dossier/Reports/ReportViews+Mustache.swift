import Mustache

/// Field tables for the report views: swift-mustache reads them through `MustacheParent` instead of
/// reflection, which dominated the rendering time of large reports.

extension EngagementView: MustacheView {
    static let fields: [String: @Sendable (EngagementView) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "client": { $0.client },
        "provider": { $0.provider },
        "periodText": { $0.periodText },
        "consultants": { $0.consultants },
    ]
}

extension ConsultantView: MustacheView {
    static let fields: [String: @Sendable (ConsultantView) -> Any?] = [
        "name": { $0.name },
        "role": { $0.role },
    ]
}

extension DocumentView: MustacheView {
    static let fields: [String: @Sendable (DocumentView) -> Any?] = [
        "number": { $0.number },
        "version": { $0.version },
        "date": { $0.date },
        "authors": { $0.authors },
        "reviewer": { $0.reviewer },
        "approver": { $0.approver },
        "classification": { $0.classification },
        "independence": { $0.independence },
    ]
}

extension CountRow: MustacheView {
    static let fields: [String: @Sendable (CountRow) -> Any?] = [
        "label": { $0.label },
        "count": { $0.count },
    ]
}

extension ScopeRow: MustacheView {
    static let fields: [String: @Sendable (ScopeRow) -> Any?] = [
        "name": { $0.name },
        "count": { $0.count },
    ]
}

extension FindingRow: MustacheView {
    static let fields: [String: @Sendable (FindingRow) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "anchor": { $0.anchor },
        "severity": { $0.severity },
        "category": { $0.category },
        "status": { $0.status },
        "systems": { $0.systems },
        "due": { $0.due },
        "owner": { $0.owner },
        "effort": { $0.effort },
    ]
}

extension MetricRow: MustacheView {
    static let fields: [String: @Sendable (MetricRow) -> Any?] = [
        "name": { $0.name },
        "before": { $0.before },
        "after": { $0.after },
        "target": { $0.target },
        "change": { $0.change },
        "met": { $0.met },
    ]
}

extension EvidenceExcerptView: MustacheView {
    static let fields: [String: @Sendable (EvidenceExcerptView) -> Any?] = [
        "file": { $0.file },
        "caption": { $0.caption },
        "hasExcerpt": { $0.hasExcerpt },
        "excerpt": { $0.excerpt },
        "fence": { $0.fence },
        "truncated": { $0.truncated },
        "truncatedNote": { $0.truncatedNote },
    ]
}

extension FindingSectionView: MustacheView {
    static let fields: [String: @Sendable (FindingSectionView) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "severity": { $0.severity },
        "category": { $0.category },
        "status": { $0.status },
        "systems": { $0.systems },
        "owner": { $0.owner },
        "due": { $0.due },
        "effort": { $0.effort },
        "detected": { $0.detected },
        "controls": { $0.controls },
        "summary": { $0.summary },
        "body": { $0.body },
        "hasMetrics": { $0.hasMetrics },
        "metrics": { $0.metrics },
        "chart": { $0.chart },
        "chartTitle": { $0.chartTitle },
        "hasEvidence": { $0.hasEvidence },
        "evidence": { $0.evidence },
        "rendered": { $0.rendered },
    ]
}

/// What `partials/finding` sees when a finding section is rendered on its own: the section, then
/// its category's number and label, then the report's `t` (strings), `engagement` and `document` —
/// not the other findings or the report's totals, so that a section depends on its finding alone
/// and the build cache can keep it.
struct FindingSectionContext: MustacheParent {
    let finding: FindingSectionView
    let category: CategorySection
    let report: HealthCheckView

    func child(named name: String) -> Any? {
        if let value = finding.child(named: name) { return value }
        // The category's number and label, not its other findings.
        if name != "findings", let value = category.child(named: name) { return value }
        return ["t", "engagement", "document"].contains(name) ? report.child(named: name) : nil
    }
}

extension CategorySection: MustacheView {
    static let fields: [String: @Sendable (CategorySection) -> Any?] = [
        "number": { $0.number },
        "label": { $0.label },
        "findings": { $0.findings },
    ]
}

extension RoadmapTerm: MustacheView {
    static let fields: [String: @Sendable (RoadmapTerm) -> Any?] = [
        "label": { $0.label },
        "hasItems": { $0.hasItems },
        "items": { $0.items },
    ]
}

extension TrendGroup: MustacheView {
    static let fields: [String: @Sendable (TrendGroup) -> Any?] = [
        "label": { $0.label },
        "count": { $0.count },
        "items": { $0.items },
    ]
}

extension TrendEntryView: MustacheView {
    static let fields: [String: @Sendable (TrendEntryView) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "severity": { $0.severity },
        "change": { $0.change },
    ]
}

extension TrendView: MustacheView {
    static let fields: [String: @Sendable (TrendView) -> Any?] = [
        "trendSince": { $0.trendSince },
        "scoreChange": { $0.scoreChange },
        "chart": { $0.chart },
        "groups": { $0.groups },
        "hasChronic": { $0.hasChronic },
        "chronic": { $0.chronic },
    ]
}

extension EvidenceIndexRow: MustacheView {
    static let fields: [String: @Sendable (EvidenceIndexRow) -> Any?] = [
        "file": { $0.file },
        "size": { $0.size },
        "citedBy": { $0.citedBy },
    ]
}

extension RedactionRow: MustacheView {
    static let fields: [String: @Sendable (RedactionRow) -> Any?] = [
        "kind": { $0.kind },
        "count": { $0.count },
    ]
}

extension GlossaryRow: MustacheView {
    static let fields: [String: @Sendable (GlossaryRow) -> Any?] = [
        "term": { $0.term },
        "meaning": { $0.meaning },
    ]
}

extension GlossaryArticleView: MustacheView {
    static let fields: [String: @Sendable (GlossaryArticleView) -> Any?] = [
        "title": { $0.title },
        "body": { $0.body },
    ]
}

extension HealthCheckView: MustacheView {
    static let fields: [String: @Sendable (HealthCheckView) -> Any?] = [
        "t": { $0.t },
        "engagement": { $0.engagement },
        "document": { $0.document },
        "purpose": { $0.purpose },
        "scopeRows": { $0.scopeRows },
        "overall": { $0.overall },
        "score": { $0.score },
        "grade": { $0.grade },
        "severityChart": { $0.severityChart },
        "severityRows": { $0.severityRows },
        "topRisks": { $0.topRisks },
        "trend": { $0.trend },
        "findingsSummaryNumber": { $0.findingsSummaryNumber },
        "findingRows": { $0.findingRows },
        "categories": { $0.categories },
        "roadmap": { $0.roadmap },
        "appendixNumber": { $0.appendixNumber },
        "evidenceIndex": { $0.evidenceIndex },
        "hasRedactions": { $0.hasRedactions },
        "redactions": { $0.redactions },
        "glossary": { $0.glossary },
        "glossaryArticles": { $0.glossaryArticles },
    ]
}

extension TimelineRow: MustacheView {
    static let fields: [String: @Sendable (TimelineRow) -> Any?] = [
        "time": { $0.time },
        "kind": { $0.kind },
        "text": { $0.text },
        "by": { $0.by },
    ]
}

extension LabelValue: MustacheView {
    static let fields: [String: @Sendable (LabelValue) -> Any?] = [
        "label": { $0.label },
        "value": { $0.value },
    ]
}

extension ActionRow: MustacheView {
    static let fields: [String: @Sendable (ActionRow) -> Any?] = [
        "text": { $0.text },
        "owner": { $0.owner },
        "due": { $0.due },
        "status": { $0.status },
    ]
}

extension RelatedFindingRow: MustacheView {
    static let fields: [String: @Sendable (RelatedFindingRow) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "severity": { $0.severity },
        "status": { $0.status },
    ]
}

extension IncidentView: MustacheView {
    static let fields: [String: @Sendable (IncidentView) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "severity": { $0.severity },
        "status": { $0.status },
        "systems": { $0.systems },
        "controls": { $0.controls },
        "summary": { $0.summary },
        "impact": { $0.impact },
        "rootCause": { $0.rootCause },
        "zoneNote": { $0.zoneNote },
        "timeline": { $0.timeline },
        "chart": { $0.chart },
        "chartTitle": { $0.chartTitle },
        "durations": { $0.durations },
        "verdict": { $0.verdict },
        "body": { $0.body },
        "lessons": { $0.lessons },
        "hasActions": { $0.hasActions },
        "actions": { $0.actions },
        "hasRelated": { $0.hasRelated },
        "related": { $0.related },
    ]
}

extension IncidentReportView: MustacheView {
    static let fields: [String: @Sendable (IncidentReportView) -> Any?] = [
        "t": { $0.t },
        "engagement": { $0.engagement },
        "document": { $0.document },
        "incident": { $0.incident },
    ]
}

extension PeriodIncidentRow: MustacheView {
    static let fields: [String: @Sendable (PeriodIncidentRow) -> Any?] = [
        "id": { $0.id },
        "title": { $0.title },
        "severity": { $0.severity },
        "timeToEngage": { $0.timeToEngage },
        "verdict": { $0.verdict },
    ]
}

extension ProgressRow: MustacheView {
    static let fields: [String: @Sendable (ProgressRow) -> Any?] = [
        "label": { $0.label },
        "opened": { $0.opened },
        "resolved": { $0.resolved },
        "open": { $0.open },
    ]
}

extension ImprovementRow: MustacheView {
    static let fields: [String: @Sendable (ImprovementRow) -> Any?] = [
        "id": { $0.id },
        "name": { $0.name },
        "before": { $0.before },
        "after": { $0.after },
        "change": { $0.change },
    ]
}

extension PeriodView: MustacheView {
    static let fields: [String: @Sendable (PeriodView) -> Any?] = [
        "attainment": { $0.attainment },
        "incidentCount": { $0.incidentCount },
        "opened": { $0.opened },
        "resolved": { $0.resolved },
        "open": { $0.open },
        "manMonths": { $0.manMonths },
        "manMonthChart": { $0.manMonthChart },
        "hasIncidents": { $0.hasIncidents },
        "incidents": { $0.incidents },
        "incidentsBySeverity": { $0.incidentsBySeverity },
        "progress": { $0.progress },
        "hasImprovements": { $0.hasImprovements },
        "improvements": { $0.improvements },
    ]
}

extension PeriodReportView: MustacheView {
    static let fields: [String: @Sendable (PeriodReportView) -> Any?] = [
        "t": { $0.t },
        "engagement": { $0.engagement },
        "document": { $0.document },
        "period": { $0.period },
    ]
}

extension PageView: MustacheView {
    static let fields: [String: @Sendable (PageView) -> Any?] = [
        "lang": { $0.lang },
        "version": { $0.version },
        "title": { $0.title },
        "css": { $0.css },
        "brand": { $0.brand },
        "footer": { $0.footer },
        "footerCSS": { $0.footerCSS },
        "headerCSS": { $0.headerCSS },
        "pageLabelCSS": { $0.pageLabelCSS },
        "isInternal": { $0.isInternal },
        "internalBanner": { $0.internalBanner },
        "classification": { $0.classification },
        "reportKind": { $0.reportKind },
        "coverFacts": { $0.coverFacts },
        "contentsLabel": { $0.contentsLabel },
        "toc": { $0.toc },
        "content": { $0.content },
    ]
}

import Mustache

/// Field tables for the report views: swift-mustache reads them through `MustacheParent` instead of
/// reflection, which dominated the rendering time of large reports.

extension EngagementView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<EngagementView>] = [
        "id": \EngagementView.id,
        "title": \EngagementView.title,
        "client": \EngagementView.client,
        "provider": \EngagementView.provider,
        "periodText": \EngagementView.periodText,
        "consultants": \EngagementView.consultants,
    ]
}

extension ConsultantView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<ConsultantView>] = [
        "name": \ConsultantView.name,
        "role": \ConsultantView.role,
    ]
}

extension DocumentView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<DocumentView>] = [
        "number": \DocumentView.number,
        "version": \DocumentView.version,
        "date": \DocumentView.date,
        "authors": \DocumentView.authors,
        "reviewer": \DocumentView.reviewer,
        "approver": \DocumentView.approver,
        "classification": \DocumentView.classification,
        "independence": \DocumentView.independence,
    ]
}

extension CountRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<CountRow>] = [
        "label": \CountRow.label,
        "count": \CountRow.count,
    ]
}

extension ScopeRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<ScopeRow>] = [
        "name": \ScopeRow.name,
        "count": \ScopeRow.count,
    ]
}

extension FindingRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<FindingRow>] = [
        "id": \FindingRow.id,
        "title": \FindingRow.title,
        "anchor": \FindingRow.anchor,
        "severity": \FindingRow.severity,
        "category": \FindingRow.category,
        "status": \FindingRow.status,
        "systems": \FindingRow.systems,
        "due": \FindingRow.due,
        "owner": \FindingRow.owner,
        "effort": \FindingRow.effort,
    ]
}

extension MetricRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<MetricRow>] = [
        "name": \MetricRow.name,
        "before": \MetricRow.before,
        "after": \MetricRow.after,
        "target": \MetricRow.target,
        "change": \MetricRow.change,
        "met": \MetricRow.met,
    ]
}

extension EvidenceExcerptView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<EvidenceExcerptView>] = [
        "file": \EvidenceExcerptView.file,
        "caption": \EvidenceExcerptView.caption,
        "hasExcerpt": \EvidenceExcerptView.hasExcerpt,
        "excerpt": \EvidenceExcerptView.excerpt,
        "fence": \EvidenceExcerptView.fence,
        "truncated": \EvidenceExcerptView.truncated,
        "truncatedNote": \EvidenceExcerptView.truncatedNote,
    ]
}

extension FindingSectionView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<FindingSectionView>] = [
        "id": \FindingSectionView.id,
        "title": \FindingSectionView.title,
        "severity": \FindingSectionView.severity,
        "category": \FindingSectionView.category,
        "status": \FindingSectionView.status,
        "systems": \FindingSectionView.systems,
        "owner": \FindingSectionView.owner,
        "due": \FindingSectionView.due,
        "effort": \FindingSectionView.effort,
        "detected": \FindingSectionView.detected,
        "controls": \FindingSectionView.controls,
        "summary": \FindingSectionView.summary,
        "body": \FindingSectionView.body,
        "hasMetrics": \FindingSectionView.hasMetrics,
        "metrics": \FindingSectionView.metrics,
        "chart": \FindingSectionView.chart,
        "chartTitle": \FindingSectionView.chartTitle,
        "hasEvidence": \FindingSectionView.hasEvidence,
        "evidence": \FindingSectionView.evidence,
        "rendered": \FindingSectionView.rendered,
    ]
}

/// What `partials/finding` sees when a finding section is rendered on its own: the section, then
/// its category, then the report's `t` (strings), `engagement` and `document` — not the report's
/// totals, so that a section depends on its finding alone and the build cache can keep it.
struct FindingSectionContext: MustacheParent {
    var finding: FindingSectionView
    var category: CategorySection
    var report: HealthCheckView

    func child(named name: String) -> Any? {
        if let value = finding.child(named: name) ?? category.child(named: name) { return value }
        return ["t", "engagement", "document"].contains(name) ? report.child(named: name) : nil
    }
}

extension CategorySection: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<CategorySection>] = [
        "number": \CategorySection.number,
        "label": \CategorySection.label,
        "findings": \CategorySection.findings,
    ]
}

extension RoadmapTerm: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<RoadmapTerm>] = [
        "label": \RoadmapTerm.label,
        "hasItems": \RoadmapTerm.hasItems,
        "items": \RoadmapTerm.items,
    ]
}

extension TrendGroup: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<TrendGroup>] = [
        "label": \TrendGroup.label,
        "count": \TrendGroup.count,
        "items": \TrendGroup.items,
    ]
}

extension TrendEntryView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<TrendEntryView>] = [
        "id": \TrendEntryView.id,
        "title": \TrendEntryView.title,
        "severity": \TrendEntryView.severity,
        "change": \TrendEntryView.change,
    ]
}

extension TrendView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<TrendView>] = [
        "trendSince": \TrendView.trendSince,
        "scoreChange": \TrendView.scoreChange,
        "chart": \TrendView.chart,
        "groups": \TrendView.groups,
        "hasChronic": \TrendView.hasChronic,
        "chronic": \TrendView.chronic,
    ]
}

extension EvidenceIndexRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<EvidenceIndexRow>] = [
        "file": \EvidenceIndexRow.file,
        "size": \EvidenceIndexRow.size,
        "citedBy": \EvidenceIndexRow.citedBy,
    ]
}

extension RedactionRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<RedactionRow>] = [
        "kind": \RedactionRow.kind,
        "count": \RedactionRow.count,
    ]
}

extension GlossaryRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<GlossaryRow>] = [
        "term": \GlossaryRow.term,
        "meaning": \GlossaryRow.meaning,
    ]
}

extension GlossaryArticleView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<GlossaryArticleView>] = [
        "title": \GlossaryArticleView.title,
        "body": \GlossaryArticleView.body,
    ]
}

extension HealthCheckView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<HealthCheckView>] = [
        "t": \HealthCheckView.t,
        "engagement": \HealthCheckView.engagement,
        "document": \HealthCheckView.document,
        "purpose": \HealthCheckView.purpose,
        "scopeRows": \HealthCheckView.scopeRows,
        "overall": \HealthCheckView.overall,
        "score": \HealthCheckView.score,
        "grade": \HealthCheckView.grade,
        "severityChart": \HealthCheckView.severityChart,
        "severityRows": \HealthCheckView.severityRows,
        "topRisks": \HealthCheckView.topRisks,
        "trend": \HealthCheckView.trend,
        "findingsSummaryNumber": \HealthCheckView.findingsSummaryNumber,
        "findingRows": \HealthCheckView.findingRows,
        "categories": \HealthCheckView.categories,
        "roadmap": \HealthCheckView.roadmap,
        "appendixNumber": \HealthCheckView.appendixNumber,
        "evidenceIndex": \HealthCheckView.evidenceIndex,
        "hasRedactions": \HealthCheckView.hasRedactions,
        "redactions": \HealthCheckView.redactions,
        "glossary": \HealthCheckView.glossary,
        "glossaryArticles": \HealthCheckView.glossaryArticles,
    ]
}

extension TimelineRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<TimelineRow>] = [
        "time": \TimelineRow.time,
        "kind": \TimelineRow.kind,
        "text": \TimelineRow.text,
        "by": \TimelineRow.by,
    ]
}

extension LabelValue: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<LabelValue>] = [
        "label": \LabelValue.label,
        "value": \LabelValue.value,
    ]
}

extension ActionRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<ActionRow>] = [
        "text": \ActionRow.text,
        "owner": \ActionRow.owner,
        "due": \ActionRow.due,
        "status": \ActionRow.status,
    ]
}

extension RelatedFindingRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<RelatedFindingRow>] = [
        "id": \RelatedFindingRow.id,
        "title": \RelatedFindingRow.title,
        "severity": \RelatedFindingRow.severity,
        "status": \RelatedFindingRow.status,
    ]
}

extension IncidentView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<IncidentView>] = [
        "id": \IncidentView.id,
        "title": \IncidentView.title,
        "severity": \IncidentView.severity,
        "status": \IncidentView.status,
        "systems": \IncidentView.systems,
        "controls": \IncidentView.controls,
        "summary": \IncidentView.summary,
        "impact": \IncidentView.impact,
        "rootCause": \IncidentView.rootCause,
        "zoneNote": \IncidentView.zoneNote,
        "timeline": \IncidentView.timeline,
        "chart": \IncidentView.chart,
        "chartTitle": \IncidentView.chartTitle,
        "durations": \IncidentView.durations,
        "verdict": \IncidentView.verdict,
        "body": \IncidentView.body,
        "lessons": \IncidentView.lessons,
        "hasActions": \IncidentView.hasActions,
        "actions": \IncidentView.actions,
        "hasRelated": \IncidentView.hasRelated,
        "related": \IncidentView.related,
    ]
}

extension IncidentReportView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<IncidentReportView>] = [
        "t": \IncidentReportView.t,
        "engagement": \IncidentReportView.engagement,
        "document": \IncidentReportView.document,
        "incident": \IncidentReportView.incident,
    ]
}

extension PeriodIncidentRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<PeriodIncidentRow>] = [
        "id": \PeriodIncidentRow.id,
        "title": \PeriodIncidentRow.title,
        "severity": \PeriodIncidentRow.severity,
        "timeToEngage": \PeriodIncidentRow.timeToEngage,
        "verdict": \PeriodIncidentRow.verdict,
    ]
}

extension ProgressRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<ProgressRow>] = [
        "label": \ProgressRow.label,
        "opened": \ProgressRow.opened,
        "resolved": \ProgressRow.resolved,
        "open": \ProgressRow.open,
    ]
}

extension ImprovementRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<ImprovementRow>] = [
        "id": \ImprovementRow.id,
        "name": \ImprovementRow.name,
        "before": \ImprovementRow.before,
        "after": \ImprovementRow.after,
        "change": \ImprovementRow.change,
    ]
}

extension PeriodView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<PeriodView>] = [
        "attainment": \PeriodView.attainment,
        "incidentCount": \PeriodView.incidentCount,
        "opened": \PeriodView.opened,
        "resolved": \PeriodView.resolved,
        "open": \PeriodView.open,
        "manMonths": \PeriodView.manMonths,
        "manMonthChart": \PeriodView.manMonthChart,
        "hasIncidents": \PeriodView.hasIncidents,
        "incidents": \PeriodView.incidents,
        "incidentsBySeverity": \PeriodView.incidentsBySeverity,
        "progress": \PeriodView.progress,
        "hasImprovements": \PeriodView.hasImprovements,
        "improvements": \PeriodView.improvements,
    ]
}

extension PeriodReportView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<PeriodReportView>] = [
        "t": \PeriodReportView.t,
        "engagement": \PeriodReportView.engagement,
        "document": \PeriodReportView.document,
        "period": \PeriodReportView.period,
    ]
}

extension PageView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<PageView>] = [
        "lang": \PageView.lang,
        "version": \PageView.version,
        "title": \PageView.title,
        "css": \PageView.css,
        "brand": \PageView.brand,
        "footer": \PageView.footer,
        "footerCSS": \PageView.footerCSS,
        "headerCSS": \PageView.headerCSS,
        "pageLabelCSS": \PageView.pageLabelCSS,
        "isInternal": \PageView.isInternal,
        "internalBanner": \PageView.internalBanner,
        "classification": \PageView.classification,
        "reportKind": \PageView.reportKind,
        "coverFacts": \PageView.coverFacts,
        "contentsLabel": \PageView.contentsLabel,
        "toc": \PageView.toc,
        "content": \PageView.content,
    ]
}

/// Field tables for the report views (see `TemplateView`).

extension EngagementView: TemplateView {
    static let fields: TemplateFields<EngagementView> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "client": { $0.client.templateValue },
        "provider": { $0.provider.templateValue },
        "periodText": { $0.periodText.templateValue },
        "consultants": { $0.consultants.templateValue },
    ]
}

extension ConsultantView: TemplateView {
    static let fields: TemplateFields<ConsultantView> = [
        "name": { $0.name.templateValue },
        "role": { $0.role.templateValue },
    ]
}

extension DocumentView: TemplateView {
    static let fields: TemplateFields<DocumentView> = [
        "number": { $0.number.templateValue },
        "version": { $0.version.templateValue },
        "date": { $0.date.templateValue },
        "authors": { $0.authors.templateValue },
        "reviewer": { $0.reviewer.templateValue },
        "approver": { $0.approver.templateValue },
        "classification": { $0.classification.templateValue },
        "independence": { $0.independence.templateValue },
    ]
}

extension CountRow: TemplateView {
    static let fields: TemplateFields<CountRow> = [
        "label": { $0.label.templateValue },
        "count": { $0.count.templateValue },
    ]
}

extension ScopeRow: TemplateView {
    static let fields: TemplateFields<ScopeRow> = [
        "name": { $0.name.templateValue },
        "count": { $0.count.templateValue },
    ]
}

extension FindingRow: TemplateView {
    static let fields: TemplateFields<FindingRow> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "anchor": { $0.anchor.templateValue },
        "severity": { $0.severity.templateValue },
        "category": { $0.category.templateValue },
        "status": { $0.status.templateValue },
        "systems": { $0.systems.templateValue },
        "due": { $0.due.templateValue },
        "owner": { $0.owner.templateValue },
        "effort": { $0.effort.templateValue },
    ]
}

extension MetricRow: TemplateView {
    static let fields: TemplateFields<MetricRow> = [
        "name": { $0.name.templateValue },
        "before": { $0.before.templateValue },
        "after": { $0.after.templateValue },
        "target": { $0.target.templateValue },
        "change": { $0.change.templateValue },
        "met": { $0.met.templateValue },
    ]
}

extension EvidenceExcerptView: TemplateView {
    static let fields: TemplateFields<EvidenceExcerptView> = [
        "file": { $0.file.templateValue },
        "caption": { $0.caption.templateValue },
        "hasExcerpt": { $0.hasExcerpt.templateValue },
        "excerpt": { $0.excerpt.templateValue },
        "fence": { $0.fence.templateValue },
        "truncated": { $0.truncated.templateValue },
        "truncatedNote": { $0.truncatedNote.templateValue },
    ]
}

extension FindingSectionView: TemplateView {
    static let fields: TemplateFields<FindingSectionView> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "severity": { $0.severity.templateValue },
        "category": { $0.category.templateValue },
        "status": { $0.status.templateValue },
        "systems": { $0.systems.templateValue },
        "owner": { $0.owner.templateValue },
        "due": { $0.due.templateValue },
        "effort": { $0.effort.templateValue },
        "detected": { $0.detected.templateValue },
        "controls": { $0.controls.templateValue },
        "summary": { $0.summary.templateValue },
        "body": { $0.body.templateValue },
        "hasMetrics": { $0.hasMetrics.templateValue },
        "metrics": { $0.metrics.templateValue },
        "chart": { $0.chart.templateValue },
        "chartTitle": { $0.chartTitle.templateValue },
        "hasEvidence": { $0.hasEvidence.templateValue },
        "evidence": { $0.evidence.templateValue },
        "rendered": { $0.rendered.templateValue },
    ]
}

/// What `partials/finding` sees when a finding section is rendered on its own: the section, then
/// its category's number and label, then the report's `t` (strings), `engagement` and `document` —
/// not the other findings or the report's totals, so that a section depends on its finding alone
/// and the build cache can keep it.
struct FindingSectionContext: TemplateObject {
    let finding: FindingSectionView
    let category: CategorySection
    let report: HealthCheckView

    func value(named name: String) -> TemplateValue? { value(for: TemplateKey(name)) }

    func value(for key: TemplateKey) -> TemplateValue? {
        if let value = finding.value(for: key) { return value }
        // The category's number and label, not its other findings.
        if key.text != "findings", let value = category.value(for: key) { return value }
        return ["t", "engagement", "document"].contains(key.text) ? report.value(for: key) : nil
    }

    func digest(into parts: inout DigestSink) -> Bool { false }
}

extension CategorySection: TemplateView {
    static let fields: TemplateFields<CategorySection> = [
        "number": { $0.number.templateValue },
        "label": { $0.label.templateValue },
        "findings": { $0.findings.templateValue },
    ]
}

extension RoadmapTerm: TemplateView {
    static let fields: TemplateFields<RoadmapTerm> = [
        "label": { $0.label.templateValue },
        "hasItems": { $0.hasItems.templateValue },
        "items": { $0.items.templateValue },
    ]
}

extension TrendGroup: TemplateView {
    static let fields: TemplateFields<TrendGroup> = [
        "label": { $0.label.templateValue },
        "count": { $0.count.templateValue },
        "items": { $0.items.templateValue },
    ]
}

extension TrendEntryView: TemplateView {
    static let fields: TemplateFields<TrendEntryView> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "severity": { $0.severity.templateValue },
        "change": { $0.change.templateValue },
    ]
}

extension TrendView: TemplateView {
    static let fields: TemplateFields<TrendView> = [
        "trendSince": { $0.trendSince.templateValue },
        "scoreChange": { $0.scoreChange.templateValue },
        "chart": { $0.chart.templateValue },
        "groups": { $0.groups.templateValue },
        "hasChronic": { $0.hasChronic.templateValue },
        "chronic": { $0.chronic.templateValue },
    ]
}

extension EvidenceIndexRow: TemplateView {
    static let fields: TemplateFields<EvidenceIndexRow> = [
        "file": { $0.file.templateValue },
        "size": { $0.size.templateValue },
        "citedBy": { $0.citedBy.templateValue },
    ]
}

extension RedactionRow: TemplateView {
    static let fields: TemplateFields<RedactionRow> = [
        "kind": { $0.kind.templateValue },
        "count": { $0.count.templateValue },
    ]
}

extension GlossaryRow: TemplateView {
    static let fields: TemplateFields<GlossaryRow> = [
        "term": { $0.term.templateValue },
        "meaning": { $0.meaning.templateValue },
    ]
}

extension GlossaryArticleView: TemplateView {
    static let fields: TemplateFields<GlossaryArticleView> = [
        "title": { $0.title.templateValue },
        "body": { $0.body.templateValue },
    ]
}

extension HealthCheckView: TemplateView {
    static let fields: TemplateFields<HealthCheckView> = [
        "t": { $0.t.templateValue },
        "engagement": { $0.engagement.templateValue },
        "document": { $0.document.templateValue },
        "purpose": { $0.purpose.templateValue },
        "scopeRows": { $0.scopeRows.templateValue },
        "overall": { $0.overall.templateValue },
        "score": { $0.score.templateValue },
        "grade": { $0.grade.templateValue },
        "severityChart": { $0.severityChart.templateValue },
        "severityRows": { $0.severityRows.templateValue },
        "topRisks": { $0.topRisks.templateValue },
        "trend": { $0.trend.templateValue },
        "findingsSummaryNumber": { $0.findingsSummaryNumber.templateValue },
        "findingRows": { $0.findingRows.templateValue },
        "categories": { $0.categories.templateValue },
        "roadmap": { $0.roadmap.templateValue },
        "appendixNumber": { $0.appendixNumber.templateValue },
        "evidenceIndex": { $0.evidenceIndex.templateValue },
        "hasRedactions": { $0.hasRedactions.templateValue },
        "redactions": { $0.redactions.templateValue },
        "glossary": { $0.glossary.templateValue },
        "glossaryArticles": { $0.glossaryArticles.templateValue },
    ]
}

extension TimelineRow: TemplateView {
    static let fields: TemplateFields<TimelineRow> = [
        "time": { $0.time.templateValue },
        "kind": { $0.kind.templateValue },
        "text": { $0.text.templateValue },
        "by": { $0.by.templateValue },
    ]
}

extension LabelValue: TemplateView {
    static let fields: TemplateFields<LabelValue> = [
        "label": { $0.label.templateValue },
        "value": { $0.value.templateValue },
    ]
}

extension ActionRow: TemplateView {
    static let fields: TemplateFields<ActionRow> = [
        "text": { $0.text.templateValue },
        "owner": { $0.owner.templateValue },
        "due": { $0.due.templateValue },
        "status": { $0.status.templateValue },
    ]
}

extension RelatedFindingRow: TemplateView {
    static let fields: TemplateFields<RelatedFindingRow> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "severity": { $0.severity.templateValue },
        "status": { $0.status.templateValue },
    ]
}

extension IncidentView: TemplateView {
    static let fields: TemplateFields<IncidentView> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "severity": { $0.severity.templateValue },
        "status": { $0.status.templateValue },
        "systems": { $0.systems.templateValue },
        "controls": { $0.controls.templateValue },
        "summary": { $0.summary.templateValue },
        "impact": { $0.impact.templateValue },
        "rootCause": { $0.rootCause.templateValue },
        "zoneNote": { $0.zoneNote.templateValue },
        "timeline": { $0.timeline.templateValue },
        "chart": { $0.chart.templateValue },
        "chartTitle": { $0.chartTitle.templateValue },
        "durations": { $0.durations.templateValue },
        "verdict": { $0.verdict.templateValue },
        "body": { $0.body.templateValue },
        "lessons": { $0.lessons.templateValue },
        "hasActions": { $0.hasActions.templateValue },
        "actions": { $0.actions.templateValue },
        "hasRelated": { $0.hasRelated.templateValue },
        "related": { $0.related.templateValue },
    ]
}

extension IncidentReportView: TemplateView {
    static let fields: TemplateFields<IncidentReportView> = [
        "t": { $0.t.templateValue },
        "engagement": { $0.engagement.templateValue },
        "document": { $0.document.templateValue },
        "incident": { $0.incident.templateValue },
    ]
}

extension PeriodIncidentRow: TemplateView {
    static let fields: TemplateFields<PeriodIncidentRow> = [
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "severity": { $0.severity.templateValue },
        "timeToEngage": { $0.timeToEngage.templateValue },
        "verdict": { $0.verdict.templateValue },
    ]
}

extension ProgressRow: TemplateView {
    static let fields: TemplateFields<ProgressRow> = [
        "label": { $0.label.templateValue },
        "opened": { $0.opened.templateValue },
        "resolved": { $0.resolved.templateValue },
        "open": { $0.open.templateValue },
    ]
}

extension ImprovementRow: TemplateView {
    static let fields: TemplateFields<ImprovementRow> = [
        "id": { $0.id.templateValue },
        "name": { $0.name.templateValue },
        "before": { $0.before.templateValue },
        "after": { $0.after.templateValue },
        "change": { $0.change.templateValue },
    ]
}

extension PeriodView: TemplateView {
    static let fields: TemplateFields<PeriodView> = [
        "attainment": { $0.attainment.templateValue },
        "incidentCount": { $0.incidentCount.templateValue },
        "opened": { $0.opened.templateValue },
        "resolved": { $0.resolved.templateValue },
        "open": { $0.open.templateValue },
        "manMonths": { $0.manMonths.templateValue },
        "manMonthChart": { $0.manMonthChart.templateValue },
        "hasIncidents": { $0.hasIncidents.templateValue },
        "incidents": { $0.incidents.templateValue },
        "incidentsBySeverity": { $0.incidentsBySeverity.templateValue },
        "progress": { $0.progress.templateValue },
        "hasImprovements": { $0.hasImprovements.templateValue },
        "improvements": { $0.improvements.templateValue },
    ]
}

extension PeriodReportView: TemplateView {
    static let fields: TemplateFields<PeriodReportView> = [
        "t": { $0.t.templateValue },
        "engagement": { $0.engagement.templateValue },
        "document": { $0.document.templateValue },
        "period": { $0.period.templateValue },
    ]
}

extension PageView: TemplateView {
    static let fields: TemplateFields<PageView> = [
        "lang": { $0.lang.templateValue },
        "version": { $0.version.templateValue },
        "title": { $0.title.templateValue },
        "css": { $0.css.templateValue },
        "brand": { $0.brand.templateValue },
        "footer": { $0.footer.templateValue },
        "footerCSS": { $0.footerCSS.templateValue },
        "headerCSS": { $0.headerCSS.templateValue },
        "pageLabelCSS": { $0.pageLabelCSS.templateValue },
        "isInternal": { $0.isInternal.templateValue },
        "internalBanner": { $0.internalBanner.templateValue },
        "classification": { $0.classification.templateValue },
        "reportKind": { $0.reportKind.templateValue },
        "coverFacts": { $0.coverFacts.templateValue },
        "contentsLabel": { $0.contentsLabel.templateValue },
        "toc": { $0.toc.templateValue },
        "content": { $0.content.templateValue },
    ]
}

extension PageView.Brand: TemplateView {
    static let fields: TemplateFields<PageView.Brand> = [
        "name": { $0.name.templateValue },
        "logo": { $0.logo.templateValue },
        "primary": { $0.primary.templateValue },
        "accent": { $0.accent.templateValue },
    ]
}

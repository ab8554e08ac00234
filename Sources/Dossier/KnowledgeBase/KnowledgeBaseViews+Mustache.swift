/// Field tables for the knowledge-base views (see `TemplateView`).

extension KBLink: TemplateView {
    static let fields: TemplateFields<KBLink> = [
        "url": { $0.url.templateValue },
        "label": { $0.label.templateValue },
        "count": { $0.count.templateValue },
    ]
}

extension KBCrumb: TemplateView {
    static let fields: TemplateFields<KBCrumb> = [
        "label": { $0.label.templateValue },
        "url": { $0.url.templateValue },
    ]
}

extension KBBrand: TemplateView {
    static let fields: TemplateFields<KBBrand> = [
        "name": { $0.name.templateValue },
        "logo": { $0.logo.templateValue },
    ]
}

extension KBListEntry: TemplateView {
    static let fields: TemplateFields<KBListEntry> = [
        "url": { $0.url.templateValue },
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "kind": { $0.kind.templateValue },
        "entrySeverity": { $0.entrySeverity.templateValue },
        "entrySummary": { $0.entrySummary.templateValue },
        "entrySystems": { $0.entrySystems.templateValue },
    ]
}

extension KBFact: TemplateView {
    static let fields: TemplateFields<KBFact> = [
        "label": { $0.label.templateValue },
        "value": { $0.value.templateValue },
        "links": { $0.links.templateValue },
    ]
}

extension KBMetric: TemplateView {
    static let fields: TemplateFields<KBMetric> = [
        "name": { $0.name.templateValue },
        "before": { $0.before.templateValue },
        "after": { $0.after.templateValue },
        "target": { $0.target.templateValue },
        "change": { $0.change.templateValue },
    ]
}

extension KBEvidence: TemplateView {
    static let fields: TemplateFields<KBEvidence> = [
        "caption": { $0.caption.templateValue },
        "file": { $0.file.templateValue },
        "excerpt": { $0.excerpt.templateValue },
    ]
}

extension KBTimelineRow: TemplateView {
    static let fields: TemplateFields<KBTimelineRow> = [
        "time": { $0.time.templateValue },
        "kind": { $0.kind.templateValue },
        "text": { $0.text.templateValue },
        "by": { $0.by.templateValue },
    ]
}

extension KBPage: TemplateView {
    static let fields: TemplateFields<KBPage> = [
        "lang": { $0.lang.templateValue },
        "title": { $0.title.templateValue },
        "siteTitle": { $0.siteTitle.templateValue },
        "root": { $0.root.templateValue },
        "brand": { $0.brand.templateValue },
        "breadcrumbs": { $0.breadcrumbs.templateValue },
        "footer": { $0.footer.templateValue },
        "isInternal": { $0.isInternal.templateValue },
        "t": { $0.t.templateValue },
    ]
}

extension KBItemView: TemplateView {
    static let fields: TemplateFields<KBItemView> = [
        "page": { $0.page.templateValue },
        "kind": { $0.kind.templateValue },
        "id": { $0.id.templateValue },
        "title": { $0.title.templateValue },
        "facts": { $0.facts.templateValue },
        "summary": { $0.summary.templateValue },
        "body": { $0.body.templateValue },
        "hasMetrics": { $0.hasMetrics.templateValue },
        "metrics": { $0.metrics.templateValue },
        "hasTimeline": { $0.hasTimeline.templateValue },
        "timeline": { $0.timeline.templateValue },
        "zoneNote": { $0.zoneNote.templateValue },
        "verdict": { $0.verdict.templateValue },
        "hasEvidence": { $0.hasEvidence.templateValue },
        "evidence": { $0.evidence.templateValue },
        "hasRelated": { $0.hasRelated.templateValue },
        "related": { $0.related.templateValue },
        "hasCaused": { $0.hasCaused.templateValue },
        "caused": { $0.caused.templateValue },
        "hasBehind": { $0.hasBehind.templateValue },
        "behind": { $0.behind.templateValue },
        "hasHistory": { $0.hasHistory.templateValue },
        "history": { $0.history.templateValue },
        "relatedLines": { $0.relatedLines.templateValue },
        "causedLines": { $0.causedLines.templateValue },
        "behindLines": { $0.behindLines.templateValue },
    ]
}

extension KBListView: TemplateView {
    static let fields: TemplateFields<KBListView> = [
        "page": { $0.page.templateValue },
        "heading": { $0.heading.templateValue },
        "description": { $0.description.templateValue },
        "entriesHTML": { $0.entriesHTML.templateValue },
        "hasGroups": { $0.hasGroups.templateValue },
        "groups": { $0.groups.templateValue },
    ]
}

extension KBHomeView: TemplateView {
    static let fields: TemplateFields<KBHomeView> = [
        "page": { $0.page.templateValue },
        "intro": { $0.intro.templateValue },
        "counts": { $0.counts.templateValue },
        "recent": { $0.recent.templateValue },
        "systems": { $0.systems.templateValue },
        "categories": { $0.categories.templateValue },
        "kinds": { $0.kinds.templateValue },
        "severities": { $0.severities.templateValue },
        "tags": { $0.tags.templateValue },
        "hasEngagements": { $0.hasEngagements.templateValue },
        "engagements": { $0.engagements.templateValue },
    ]
}

extension KBSearchView: TemplateView {
    static let fields: TemplateFields<KBSearchView> = [
        "page": { $0.page.templateValue },
    ]
}

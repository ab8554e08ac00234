import Mustache

/// Field tables for the knowledge-base views (see `MustacheView`).

extension KBLink: MustacheView {
    static let fields: [String: @Sendable (KBLink) -> Any?] = [
        "url": { $0.url },
        "label": { $0.label },
        "count": { $0.count },
    ]
}

extension KBCrumb: MustacheView {
    static let fields: [String: @Sendable (KBCrumb) -> Any?] = [
        "label": { $0.label },
        "url": { $0.url },
    ]
}

extension KBBrand: MustacheView {
    static let fields: [String: @Sendable (KBBrand) -> Any?] = [
        "name": { $0.name },
        "logo": { $0.logo },
    ]
}

extension KBListEntry: MustacheView {
    static let fields: [String: @Sendable (KBListEntry) -> Any?] = [
        "url": { $0.url },
        "id": { $0.id },
        "title": { $0.title },
        "kind": { $0.kind },
        "entrySeverity": { $0.entrySeverity },
        "entrySummary": { $0.entrySummary },
        "entrySystems": { $0.entrySystems },
    ]
}

extension KBFact: MustacheView {
    static let fields: [String: @Sendable (KBFact) -> Any?] = [
        "label": { $0.label },
        "value": { $0.value },
        "links": { $0.links },
    ]
}

extension KBMetric: MustacheView {
    static let fields: [String: @Sendable (KBMetric) -> Any?] = [
        "name": { $0.name },
        "before": { $0.before },
        "after": { $0.after },
        "target": { $0.target },
        "change": { $0.change },
    ]
}

extension KBEvidence: MustacheView {
    static let fields: [String: @Sendable (KBEvidence) -> Any?] = [
        "caption": { $0.caption },
        "file": { $0.file },
        "excerpt": { $0.excerpt },
    ]
}

extension KBTimelineRow: MustacheView {
    static let fields: [String: @Sendable (KBTimelineRow) -> Any?] = [
        "time": { $0.time },
        "kind": { $0.kind },
        "text": { $0.text },
        "by": { $0.by },
    ]
}

extension KBPage: MustacheView {
    static let fields: [String: @Sendable (KBPage) -> Any?] = [
        "lang": { $0.lang },
        "title": { $0.title },
        "siteTitle": { $0.siteTitle },
        "root": { $0.root },
        "brand": { $0.brand },
        "breadcrumbs": { $0.breadcrumbs },
        "footer": { $0.footer },
        "isInternal": { $0.isInternal },
        "t": { $0.t },
    ]
}

extension KBItemView: MustacheView {
    static let fields: [String: @Sendable (KBItemView) -> Any?] = [
        "page": { $0.page },
        "kind": { $0.kind },
        "id": { $0.id },
        "title": { $0.title },
        "facts": { $0.facts },
        "summary": { $0.summary },
        "body": { $0.body },
        "hasMetrics": { $0.hasMetrics },
        "metrics": { $0.metrics },
        "hasTimeline": { $0.hasTimeline },
        "timeline": { $0.timeline },
        "zoneNote": { $0.zoneNote },
        "verdict": { $0.verdict },
        "hasEvidence": { $0.hasEvidence },
        "evidence": { $0.evidence },
        "hasRelated": { $0.hasRelated },
        "related": { $0.related },
        "hasCaused": { $0.hasCaused },
        "caused": { $0.caused },
        "hasBehind": { $0.hasBehind },
        "behind": { $0.behind },
        "hasHistory": { $0.hasHistory },
        "history": { $0.history },
        "relatedLines": { $0.relatedLines },
        "causedLines": { $0.causedLines },
        "behindLines": { $0.behindLines },
    ]
}

extension KBListView: MustacheView {
    static let fields: [String: @Sendable (KBListView) -> Any?] = [
        "page": { $0.page },
        "heading": { $0.heading },
        "description": { $0.description },
        "entriesHTML": { $0.entriesHTML },
        "hasGroups": { $0.hasGroups },
        "groups": { $0.groups },
    ]
}

extension KBHomeView: MustacheView {
    static let fields: [String: @Sendable (KBHomeView) -> Any?] = [
        "page": { $0.page },
        "intro": { $0.intro },
        "counts": { $0.counts },
        "recent": { $0.recent },
        "systems": { $0.systems },
        "categories": { $0.categories },
        "kinds": { $0.kinds },
        "severities": { $0.severities },
        "tags": { $0.tags },
        "hasEngagements": { $0.hasEngagements },
        "engagements": { $0.engagements },
    ]
}

extension KBSearchView: MustacheView {
    static let fields: [String: @Sendable (KBSearchView) -> Any?] = [
        "page": { $0.page },
    ]
}

import Mustache

/// Field tables for the knowledge-base views (see `MustacheView`).

extension KBLink: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBLink>] = [
        "url": \KBLink.url,
        "label": \KBLink.label,
        "count": \KBLink.count,
    ]
}

extension KBCrumb: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBCrumb>] = [
        "label": \KBCrumb.label,
        "url": \KBCrumb.url,
    ]
}

extension KBBrand: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBBrand>] = [
        "name": \KBBrand.name,
        "logo": \KBBrand.logo,
    ]
}

extension KBListEntry: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBListEntry>] = [
        "url": \KBListEntry.url,
        "id": \KBListEntry.id,
        "title": \KBListEntry.title,
        "kind": \KBListEntry.kind,
        "entrySeverity": \KBListEntry.entrySeverity,
        "entrySummary": \KBListEntry.entrySummary,
        "entrySystems": \KBListEntry.entrySystems,
    ]
}

extension KBFact: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBFact>] = [
        "label": \KBFact.label,
        "value": \KBFact.value,
        "links": \KBFact.links,
    ]
}

extension KBMetric: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBMetric>] = [
        "name": \KBMetric.name,
        "before": \KBMetric.before,
        "after": \KBMetric.after,
        "target": \KBMetric.target,
        "change": \KBMetric.change,
    ]
}

extension KBEvidence: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBEvidence>] = [
        "caption": \KBEvidence.caption,
        "file": \KBEvidence.file,
        "excerpt": \KBEvidence.excerpt,
    ]
}

extension KBTimelineRow: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBTimelineRow>] = [
        "time": \KBTimelineRow.time,
        "kind": \KBTimelineRow.kind,
        "text": \KBTimelineRow.text,
        "by": \KBTimelineRow.by,
    ]
}

extension KBPage: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBPage>] = [
        "lang": \KBPage.lang,
        "title": \KBPage.title,
        "siteTitle": \KBPage.siteTitle,
        "root": \KBPage.root,
        "brand": \KBPage.brand,
        "breadcrumbs": \KBPage.breadcrumbs,
        "footer": \KBPage.footer,
        "isInternal": \KBPage.isInternal,
        "t": \KBPage.t,
    ]
}

extension KBItemView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBItemView>] = [
        "page": \KBItemView.page,
        "kind": \KBItemView.kind,
        "id": \KBItemView.id,
        "title": \KBItemView.title,
        "facts": \KBItemView.facts,
        "summary": \KBItemView.summary,
        "body": \KBItemView.body,
        "hasMetrics": \KBItemView.hasMetrics,
        "metrics": \KBItemView.metrics,
        "hasTimeline": \KBItemView.hasTimeline,
        "timeline": \KBItemView.timeline,
        "zoneNote": \KBItemView.zoneNote,
        "verdict": \KBItemView.verdict,
        "hasEvidence": \KBItemView.hasEvidence,
        "evidence": \KBItemView.evidence,
        "hasRelated": \KBItemView.hasRelated,
        "related": \KBItemView.related,
        "hasCaused": \KBItemView.hasCaused,
        "caused": \KBItemView.caused,
        "hasBehind": \KBItemView.hasBehind,
        "behind": \KBItemView.behind,
        "hasHistory": \KBItemView.hasHistory,
        "history": \KBItemView.history,
    ]
}

extension KBListView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBListView>] = [
        "page": \KBListView.page,
        "heading": \KBListView.heading,
        "description": \KBListView.description,
        "entriesHTML": \KBListView.entriesHTML,
        "hasGroups": \KBListView.hasGroups,
        "groups": \KBListView.groups,
    ]
}

extension KBHomeView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBHomeView>] = [
        "page": \KBHomeView.page,
        "intro": \KBHomeView.intro,
        "counts": \KBHomeView.counts,
        "recent": \KBHomeView.recent,
        "systems": \KBHomeView.systems,
        "categories": \KBHomeView.categories,
        "kinds": \KBHomeView.kinds,
        "severities": \KBHomeView.severities,
        "tags": \KBHomeView.tags,
        "hasEngagements": \KBHomeView.hasEngagements,
        "engagements": \KBHomeView.engagements,
    ]
}

extension KBSearchView: MustacheView {
    nonisolated(unsafe) static let fields: [String: PartialKeyPath<KBSearchView>] = [
        "page": \KBSearchView.page,
    ]
}

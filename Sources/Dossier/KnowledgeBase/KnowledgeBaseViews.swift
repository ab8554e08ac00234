/// View models of the knowledge-base page templates (`Templates/reports/kb/`), HTML-escaped by Mustache.
struct KBLink: Sendable {
    var url: String
    var label: String
    var count: String?
}

struct KBCrumb: Sendable {
    var label: String
    var url: String?
}

struct KBBrand: Sendable {
    var name: String
    var logo: String?
}

/// A line in a list of items. The optional fields have names of their own: a missing value must not
/// be looked up in the enclosing view (Mustache's context stack) and take, say, the page's summary.
struct KBListEntry: Sendable {
    var url: String
    var id: String
    var title: String
    var kind: String
    var entrySeverity: String?
    var entrySummary: String?
    var entrySystems: String?
}

struct KBFact: Sendable {
    var label: String
    var value: String?
    var links: [KBLink]?
}

struct KBMetric: Sendable {
    var name: String
    var before: String
    var after: String
    var target: String
    var change: String
}

struct KBEvidence: Sendable {
    var caption: String
    var file: String
    var excerpt: String?
}

struct KBTimelineRow: Sendable {
    var time: String
    var kind: String
    var text: String
    var by: String
}

/// What every page shares: language, brand, breadcrumbs, the path back to the site root. A class:
/// templates read `page.…` dozens of times per page, and a template value holding a struct this
/// size would box and copy every field each time.
final class KBPage: Sendable {
    let lang: String
    let title: String
    let siteTitle: String
    let root: String
    let brand: KBBrand
    let breadcrumbs: [KBCrumb]
    let footer: String
    let isInternal: Bool
    let t: [String: String]

    init(lang: String, title: String, siteTitle: String, root: String, brand: KBBrand, breadcrumbs: [KBCrumb], footer: String,
         isInternal: Bool, t: [String: String]) {
        self.lang = lang
        self.title = title
        self.siteTitle = siteTitle
        self.root = root
        self.brand = brand
        self.breadcrumbs = breadcrumbs
        self.footer = footer
        self.isInternal = isInternal
        self.t = t
    }
}

struct KBItemView: Sendable {
    var page: KBPage
    var kind: String
    var id: String
    var title: String
    var facts: [KBFact]
    var summary: String?
    var body: String
    var hasMetrics: Bool
    var metrics: [KBMetric]
    var hasTimeline: Bool
    var timeline: [KBTimelineRow]
    var zoneNote: String?
    var verdict: String?
    var hasEvidence: Bool
    var evidence: [KBEvidence]
    var hasRelated: Bool
    var related: [KBListEntry]
    var hasCaused: Bool
    var caused: [KBListEntry]
    var hasBehind: Bool
    var behind: [KBListEntry]
    var hasHistory: Bool
    var history: [KBListEntry]
    /// The `related`, `caused` and `behind` lists as their `kb-entry` lines, already rendered for
    /// the list pages (item pages and list pages are both one level below the root).
    var relatedLines = ""
    var causedLines = ""
    var behindLines = ""
}

struct KBListView: Sendable {
    var page: KBPage
    var heading: String
    var description: String?
    /// The items' lines, rendered with `kb-entry` (list pages are all one level below the root).
    var entriesHTML: String
    var hasGroups: Bool
    var groups: [KBLink]
}

struct KBHomeView: Sendable {
    var page: KBPage
    var intro: String
    var counts: [KBLink]
    var recent: [KBListEntry]
    var systems: [KBLink]
    var categories: [KBLink]
    var kinds: [KBLink]
    var severities: [KBLink]
    var tags: [KBLink]
    var hasEngagements: Bool
    var engagements: [KBLink]
}

struct KBSearchView: Sendable {
    var page: KBPage
}

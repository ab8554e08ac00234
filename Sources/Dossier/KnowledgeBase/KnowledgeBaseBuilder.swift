import DossierResources
import Foundation
import Markdown
import Parallel
import Search

/// The knowledge base: a static site of the client-visible findings, incidents and articles of one
/// or more engagements of a client, with list pages, related items and a Korean-aware search index.
/// Every link is relative and nothing is fetched, so it works from `file://` and from any server.
enum KnowledgeBaseBuilder {
    static let assets = ["kb.css", "search-core.js", "search-ui.js", "kb.js"]

    static func files(_ contexts: [ReportContext], log: inout DiagnosticLog) -> [OutputFile] {
        var timings = PhaseTimer()
        return files(contexts, cache: nil, log: &log, timings: &timings)
    }

    /// The knowledge base's files. With a build cache, item pages whose key is unchanged since the
    /// previous build are left out (the cache keeps them).
    /// `sink`, when given, takes each item page as soon as it is rendered (the build writes it at
    /// once, so the pages are never all in memory); the pages are then not in the result.
    /// `folder` is where the output folder has the knowledge base (`kb/` in a build's, the top of
    /// `dossier kb`'s): the cache records the item pages by their place there.
    static func files(_ contexts: [ReportContext], cache: BuildCache?, sink: (@Sendable (OutputFile) throws -> Void)? = nil,
                      folder: String = "kb/", log: inout DiagnosticLog, timings: inout PhaseTimer) -> [OutputFile] {
        guard let first = contexts.first else { return [] }
        let format = first.format
        let templates = first.templates
        let items = makeItems(contexts)
        let multi = contexts.count > 1
        var files: [OutputFile] = []

        let brand = KBBrand(name: first.brand.name ?? first.engagement.provider?.name ?? "",
                            logo: first.brand.logo.flatMap(BrandLoader.dataURI))
        let siteTitle = "\(first.engagement.client) \(format.text("kb_title"))"
        let isInternal = first.audience == .internal
        let footer = [first.brand.footer ?? first.engagement.provider?.name ?? "", isInternal ? format.text("internal_banner") : ""]
            .filter { !$0.isEmpty }.joined(separator: " · ")
        @Sendable func page(_ title: String, depth: Int, crumbs: [KBCrumb]) -> KBPage {
            let root = String(repeating: "../", count: depth)
            return KBPage(lang: first.engagement.locale.rawValue, title: title, siteTitle: siteTitle, root: root, brand: brand,
                          breadcrumbs: [KBCrumb(label: format.text("kb_home"), url: root + "index.html")] + crumbs,
                          footer: footer, isInternal: isInternal, t: templates.strings)
        }
        func render(_ view: some TemplateObject, _ template: String, to path: String) {
            guard let html = templates.render(view, template: template) else {
                log.error("template '\(template)' is missing", at: SourceLocation(file: "templates/reports/\(template).mustache", line: 0, column: 0))
                return
            }
            files.append(OutputFile(path: path, data: Data(html.utf8)))
        }
        @Sendable func entry(_ item: KBItem, depth: Int) -> KBListEntry {
            KBListEntry(url: String(repeating: "../", count: depth) + item.url, id: item.displayID, title: item.title,
                        kind: kindLabel(item, format), entrySeverity: item.severity.map { format.text("severity_\($0)") },
                        entrySummary: item.summary.isEmpty ? nil : item.summary,
                        entrySystems: item.systems.isEmpty ? nil : item.systems.joined(separator: ", "))
        }

        // Item pages, rendered in parallel: each page depends only on its item and the shared tables.
        let byFindingKey = Dictionary(grouping: items.indices.filter { items[$0].kind == "finding" }, by: { items[$0].id })
        let causedBy = Dictionary(grouping: items.indices.filter { items[$0].kind == "incident" }.flatMap { index in
            items[index].related.map { ("\(items[index].engagement.id)/\($0)", index) }
        }, by: \.0).mapValues { $0.map(\.1) }
        let findingIndex = Dictionary(items.indices.filter { items[$0].kind == "finding" }.map { ("\(items[$0].engagement.id)/\(items[$0].id)", $0) },
                                      uniquingKeysWith: { first, _ in first })
        // The findings behind an incident, the incidents a finding caused, and (across engagements)
        // the same finding in the other checks.
        @Sendable func behind(_ index: Int) -> [Int] {
            guard items[index].kind == "incident" else { return [] }
            return items[index].related.compactMap { findingIndex["\(items[index].engagement.id)/\($0)"] }
        }
        @Sendable func caused(_ index: Int) -> [Int] {
            guard items[index].kind == "finding" else { return [] }
            return causedBy["\(items[index].engagement.id)/\(items[index].id)"] ?? []
        }
        @Sendable func history(_ index: Int) -> [Int] {
            guard items[index].kind == "finding" else { return [] }
            return (byFindingKey[items[index].id] ?? []).filter { $0 != index }
        }
        let pages = ParallelSlots<OutputFile>(count: items.count)
        let searchDocuments = ParallelSlots<SearchDocument>(count: items.count)
        // Each item's line in list pages (all one level below the root), rendered once for every list.
        let listLines = ParallelSlots<String>(count: items.count)
        let failures = ParallelSlots<String>(count: items.count)
        // First pass: each item's list line, search document, index terms and term counts for
        // related items — from the build cache's memo when the item's file is unchanged.
        let indexTerms = ParallelSlots<IndexWriter.DocumentTerms>(count: items.count)
        let relatedTerms = ParallelSlots<RelatedItems.HashedTerms>(count: items.count)
        // The key each item's search document is made from (its file, id, place and build options):
        // the search index reuses the document shards whose items' keys are the last build's.
        let documentKeys = ParallelSlots<String>(count: items.count)
        let bodies = ParallelSlots<RenderedMarkdown>(count: items.count)
        // Items whose search document was made without its text and headings.
        let textLater = ParallelSlots<Bool>(count: items.count)
        // With a build cache: what an item's page shows of each item it links to, as one digest per
        // item (not made again for every page that links to it: each links to up to 20), and the
        // digest of each item's list line (list pages are keyed by their lines). Both are kept in
        // the memo with the item's terms: they depend on its file and place only.
        let linkDigests = ParallelSlots<String>(count: cache == nil ? 0 : items.count)
        let lineDigests = ParallelSlots<String>(count: cache == nil ? 0 : items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let item = items[index]
            let derivedKey = cache.flatMap { cache in
                item.context.workspace.sourceDigests[item.location.file].map { digest in
                    BuildCache.key { parts in
                        parts.add(cache.environmentBytes)
                        parts.add("kb-item-derived-3")
                        parts.add(digest)
                        parts.add(item.slug)
                        parts.add(item.displayID)
                        parts.add(item.engagement.id)
                        parts.add(multi ? "multi" : "single")
                    }
                }
            }
            documentKeys[index] = derivedKey
            // The terms are read from the memo's bytes (the related items' as hashes); the text only
            // if the search index's document shard of the item is made again (see `completeDocument`).
            if let cache, let derivedKey, let hit = cache.memoFields(derivedKey, { fields -> (String, IndexWriter.DocumentTerms, RelatedItems.HashedTerms, String, String)? in
                guard fields.count >= 6, let terms = IndexWriter.DocumentTerms(binary: fields[2]),
                      let counts = RelatedItems.HashedTerms(binary: fields[3]) else { return nil }
                func text(_ field: UnsafeRawBufferPointer) -> String { String(decoding: field.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
                return (text(fields[0]), terms, counts, text(fields[4]), text(fields[5]))
            }) {
                listLines[index] = hit.0
                searchDocuments[index] = item.searchDocumentWithoutText()
                textLater[index] = true
                indexTerms[index] = hit.1
                relatedTerms[index] = hit.2
                linkDigests[index] = hit.3
                lineDigests[index] = hit.4
                return
            }
            let rendered = MarkdownRenderer.render(item.body)
            bodies[index] = rendered
            let line = templates.render(entry(item, depth: 1), template: "kb-entry") ?? ""
            let text = PlainText.from(html: rendered.html)
            let headings = rendered.headings.map(\.text)
            let document = item.searchDocument(text: text, headings: headings)
            let (terms, relatedCounts) = RelatedItems.terms(of: document)
            listLines[index] = line
            searchDocuments[index] = document
            indexTerms[index] = terms
            let hashed = RelatedItems.HashedTerms(relatedCounts)
            relatedTerms[index] = hashed
            if let cache {
                let (link, lineDigest) = (linkDigest(item), Digest.sha256(line))
                linkDigests[index] = link
                lineDigests[index] = lineDigest
                // The terms as bytes (the related items' as hashes), read back with a few copies.
                if let derivedKey {
                    cache.memoize(derivedKey, fields: [.text(line), .text(text), .bytes(terms.binary), .bytes(hashed.binary), .text(link), .text(lineDigest)]
                                    + headings.map { .text($0) })
                }
            }
        }
        timings.lap("kb item text")
        let lines = listLines.takeValues()
        // Updated from the last build's lists where they cannot have changed.
        let hashedCounts = relatedTerms.takeValues()
        let (related, relatedState, relatedMade) = RelatedItems.update(items, hashedCounts: hashedCounts, previous: cache?.previousRelatedState())
        cache?.relatedState = relatedState
        cache?.relatedMade = (relatedMade, items.count)
        timings.lap("kb related items")

        let linked = linkDigests.takeValues()
        // Second pass: the item pages.
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            let item = items[index]
            let (behindItems, causedItems, historyItems) = (behind(index), caused(index), multi ? history(index) : [])
            let key = cache.flatMap { cache in
                itemPageKey(item, links: linked, related: related[index], behind: behindItems, caused: causedItems,
                            history: historyItems, multi: multi, cache: cache)
            }
            let unit = "kb-item:" + item.slug
            if let cache, let key, cache.reuse(unit, key: key) { return }
            let body = bodies[index] ?? MarkdownRenderer.render(item.body)
            bodies[index] = nil
            let kindCrumb = KBCrumb(label: kindLabel(item, format, plural: true), url: "../kinds/\(item.kind).html")
            var view = itemView(item, page: page("\(item.displayID) \(item.title)", depth: 1, crumbs: [kindCrumb, KBCrumb(label: item.displayID, url: nil)]),
                                format: format, multi: multi, body: body.html)
            // Each list as entries (for custom templates) and as the list lines already rendered.
            func links(_ members: [Int]) -> (entries: [KBListEntry], lines: String) {
                (members.map { entry(items[$0], depth: 1) }, members.map { lines[$0] }.joined())
            }
            (view.related, view.relatedLines) = links(related[index])
            view.hasRelated = !view.related.isEmpty
            (view.behind, view.behindLines) = links(behindItems)
            view.hasBehind = !view.behind.isEmpty
            (view.caused, view.causedLines) = links(causedItems)
            view.hasCaused = !view.caused.isEmpty
            if multi {
                view.history = historyItems.map { other -> KBListEntry in
                    var line = entry(items[other], depth: 1)
                    line.title = "\(items[other].engagement.title) — \(items[other].title)"
                    return line
                }
                view.hasHistory = !view.history.isEmpty
            }
            if let html = templates.render(view, template: "kb-item") {
                let page = OutputFile(path: item.url, data: Data(html.utf8))
                if let sink {
                    do {
                        try sink(page)
                    } catch {
                        failures[index] = "\(error)"
                        return
                    }
                } else {
                    pages[index] = page
                }
                if let cache, let key { cache.record(unit, key: key, paths: [folder + item.url]) }
            } else {
                failures[index] = "kb-item"
            }
        }
        files += pages.takeValues()
        if let failure = failures.values.first {
            if failure == "kb-item" {
                log.error("template 'kb-item' is missing", at: SourceLocation(file: "templates/reports/kb-item.mustache", line: 0, column: 0))
            } else {
                log.error(failure, at: SourceLocation(file: "kb/items", line: 0, column: 0))
            }
        }

        timings.lap("kb item pages")

        // List pages.
        // Every list shows the most recent first; the order is computed once (dates are not cheap).
        let dates = items.map(\.date)
        let recency = items.indices.sorted { dates[$0] != dates[$1] ? dates[$0] > dates[$1] : items[$0].displayID < items[$1].displayID }
        var rank = Array(repeating: 0, count: items.count)
        for (position, index) in recency.enumerated() { rank[index] = position }
        // With a build cache, a list page is a unit keyed by what it shows: its heading, crumbs,
        // description and groups, and its members' list lines (by their digests), in order. Editing
        // an item's body leaves every list as it was.
        let lineDigest = lineDigests.takeValues()
        func list(_ heading: String, path: String, crumbs: [KBCrumb], members: [Int], description: String? = nil, groups: [KBLink] = []) {
            let depth = path.split(separator: "/").count - 1
            let ordered = members.sorted { rank[$0] < rank[$1] }
            let unit = "kb-list:" + path
            let key = cache.map { cache in
                /// An optional field as parts that tell nil from every text.
                func optional(_ text: String?) -> [String] { text.map { ["text", $0] } ?? ["none"] }
                return BuildCache.key([cache.environment, "kb-list", path, heading] + optional(description)
                                      + ["crumbs"] + crumbs.flatMap { [$0.label] + optional($0.url) }
                                      + ["groups"] + groups.flatMap { [$0.url, $0.label] + optional($0.count) }
                                      + ["members"] + ordered.map { lineDigest[$0] })
            }
            if let cache, let key, cache.reuse(unit, key: key) { return }
            let entries = ordered.map { lines[$0] }.joined(separator: "\n")
            render(KBListView(page: page(heading, depth: depth, crumbs: crumbs), heading: heading, description: description,
                              entriesHTML: entries, hasGroups: !groups.isEmpty, groups: groups),
                   "kb-list", to: path)
            if let cache, let key, files.last?.path == path { cache.record(unit, key: key, paths: [folder + path]) }
        }
        func countLabel(_ count: Int) -> String { format.text("kb_items", ["count": format.number(Double(count))]) }

        var bySystem: [String: [Int]] = [:], byTag: [String: [Int]] = [:], byCategory: [String: [Int]] = [:]
        var byKind: [String: [Int]] = [:], bySeverity: [String: [Int]] = [:], byEngagement: [String: [Int]] = [:]
        for (index, item) in items.enumerated() {
            for system in Set(item.systems) { bySystem[system, default: []].append(index) }
            for tag in Set(item.tags) { byTag[tag, default: []].append(index) }
            if let category = item.category { byCategory[category, default: []].append(index) }
            byKind[item.kind, default: []].append(index)
            if let severity = item.severity { bySeverity[severity, default: []].append(index) }
            byEngagement[item.engagement.id, default: []].append(index)
        }
        let systems = bySystem.keys.sorted()
        let systemLinks = systems.map { system in
            KBLink(url: "systems/\(slug(system)).html", label: system, count: countLabel(bySystem[system]?.count ?? 0))
        }
        for system in systems {
            list(system, path: "systems/\(slug(system)).html", crumbs: [KBCrumb(label: format.text("kb_by_system"), url: "index.html"), KBCrumb(label: system, url: nil)],
                 members: bySystem[system] ?? [])
        }
        list(format.text("kb_by_system"), path: "systems/index.html", crumbs: [KBCrumb(label: format.text("kb_by_system"), url: nil)],
             members: [], groups: systemLinks.map { KBLink(url: String($0.url.dropFirst("systems/".count)), label: $0.label, count: $0.count) })

        let categories = Finding.Category.allCases.filter { byCategory[$0.rawValue] != nil }
        for category in categories {
            let label = format.label("category", category)
            list(label, path: "categories/\(category.rawValue).html", crumbs: [KBCrumb(label: format.text("kb_by_category"), url: "../index.html"), KBCrumb(label: label, url: nil)],
                 members: byCategory[category.rawValue] ?? [])
        }
        let kinds = ["finding", "incident", "article"].filter { byKind[$0] != nil }
        for kind in kinds {
            let label = format.text("kind_\(kind)")
            list(label, path: "kinds/\(kind).html", crumbs: [KBCrumb(label: label, url: nil)], members: byKind[kind] ?? [])
        }
        let severities = SearchIndexFormat.severities.filter { bySeverity[$0] != nil }
        for level in severities {
            let label = format.text("severity_\(level)")
            list(label, path: "severity/\(level).html", crumbs: [KBCrumb(label: format.text("kb_by_severity"), url: "../index.html"), KBCrumb(label: label, url: nil)],
                 members: bySeverity[level] ?? [])
        }
        let tags = byTag.keys.sorted()
        let tagLinks = tags.map { tag in KBLink(url: "tags/\(slug(tag)).html", label: tag, count: countLabel(byTag[tag]?.count ?? 0)) }
        for tag in tags {
            list("#" + tag, path: "tags/\(slug(tag)).html", crumbs: [KBCrumb(label: format.text("kb_by_tag"), url: "index.html"), KBCrumb(label: tag, url: nil)],
                 members: byTag[tag] ?? [])
        }
        list(format.text("kb_by_tag"), path: "tags/index.html", crumbs: [KBCrumb(label: format.text("kb_by_tag"), url: nil)],
             members: [], groups: tagLinks.map { KBLink(url: String($0.url.dropFirst("tags/".count)), label: $0.label, count: $0.count) })
        var engagementLinks: [KBLink] = []
        if multi {
            for context in contexts {
                let path = "engagements/\(ReportContext.fileSafe(context.engagement.id)).html"
                engagementLinks.append(KBLink(url: path, label: "\(context.engagement.id) \(context.engagement.title)",
                                              count: countLabel(byEngagement[context.engagement.id]?.count ?? 0)))
                list(context.engagement.title, path: path, crumbs: [KBCrumb(label: format.text("kb_by_engagement"), url: "../index.html"), KBCrumb(label: context.engagement.id, url: nil)],
                     members: byEngagement[context.engagement.id] ?? [],
                     description: format.dateRange(context.engagement.period.from, context.engagement.period.to))
            }
        }

        // Home and search.
        let recent = recency.prefix(10).map { entry(items[$0], depth: 0) }
        render(KBHomeView(
            page: page(format.text("kb_title"), depth: 0, crumbs: []),
            intro: format.text("kb_intro", ["client": first.engagement.client]),
            counts: kinds.map { kind in KBLink(url: "kinds/\(kind).html", label: format.text("kind_\(kind)"), count: countLabel(byKind[kind]?.count ?? 0)) },
            recent: recent, systems: systemLinks,
            categories: categories.map { category in
                KBLink(url: "categories/\(category.rawValue).html", label: format.label("category", category),
                       count: countLabel(byCategory[category.rawValue]?.count ?? 0))
            },
            kinds: kinds.map { kind in KBLink(url: "kinds/\(kind).html", label: format.text("kind_\(kind)"), count: countLabel(byKind[kind]?.count ?? 0)) },
            severities: severities.map { level in
                KBLink(url: "severity/\(level).html", label: format.text("severity_\(level)"), count: countLabel(bySeverity[level]?.count ?? 0))
            },
            tags: tagLinks, hasEngagements: multi, engagements: engagementLinks), "kb-home", to: "index.html")
        render(KBSearchView(page: page(format.text("kb_search"), depth: 0, crumbs: [KBCrumb(label: format.text("kb_search"), url: nil)])), "kb-search", to: "search.html")

        timings.lap("kb list pages")

        // Search index, assets, strings and brand colours.
        let keys = documentKeys.values
        let indexMemo = cache.map { cache in
            IndexWriter.Memo(lookup: { cache.memo(BuildCache.key([cache.environment] + $0)) },
                             store: { cache.memoize(BuildCache.key([cache.environment] + $0), $1) })
        }
        let later = textLater.slots, derivedKeys = documentKeys.slots
        /// An item's whole search document, when it was made without its text (from the memo's
        /// entry that supplied its terms, or from its body).
        @Sendable func completeDocument(_ index: Int) -> SearchDocument? {
            guard later[index] == true else { return nil }
            let item = items[index]
            // The text and headings of the memo's entry (its terms are bytes, not text).
            if let cache, let key = derivedKeys[index], let hit = cache.memoFields(key, { fields -> (String, [String])? in
                guard fields.count >= 6 else { return nil }
                func text(_ field: UnsafeRawBufferPointer) -> String { String(decoding: field.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
                return (text(fields[1]), fields[6...].map(text))
            }) {
                return item.searchDocument(text: hit.0, headings: hit.1)
            }
            return item.searchDocument(MarkdownRenderer.render(item.body))
        }
        let (documents, terms) = (searchDocuments.takeValues(), indexTerms.takeValues())
        for file in IndexWriter.files(for: documents, generator: "Dossier \(DossierVersion.current)", terms: terms,
                                      documentKeys: keys.count == items.count ? keys : nil, memo: indexMemo,
                                      completing: completeDocument) {
            files.append(OutputFile(path: "search/\(file.name).js", data: file.data))
        }
        for asset in assets {
            files.append(OutputFile(path: "assets/" + asset, data: Data(templates.kbAsset(asset).utf8)))
        }
        let stringKeys = ["results_count", "no_results", "loading", "index_error", "facet_kind", "facet_system", "facet_severity", "facet_engagement",
                          "kind_finding", "kind_incident", "kind_article", "clear_filters", "more_results"]
            + SearchIndexFormat.severities.map { "severity_\($0)" }
        let strings = stringKeys.map { "  \(ScriptJSON.string($0)): \(ScriptJSON.string(format.text($0)))" }.joined(separator: ",\n")
        files.append(OutputFile(path: "assets/strings.js", data: Data("window.DossierKBStrings = {\n\(strings)\n};\n".utf8)))
        let primary = first.brand.primaryColor ?? "#1f3a5f", accent = first.brand.accentColor ?? "#1f6feb"
        files.append(OutputFile(path: "assets/brand.css", data: Data(":root { --primary: \(primary); --accent: \(accent); }\n".utf8)))
        timings.lap("kb search index")
        templates.reportProblems(into: &log)
        cache?.keepUntilExit([items, documents, terms, hashedCounts, documentKeys, bodies, related, linked, lines, lineDigest])
        return files.sorted { $0.path < $1.path }
    }

    /// The cache key of an item page: the environment, the item's file, the evidence it quotes (as
    /// redacted), and what the page shows of the items it links to. Nil when a source has no digest.
    static func itemPageKey(_ item: KBItem, links: [String], related: [Int], behind: [Int], caused: [Int], history: [Int],
                            multi: Bool, cache: BuildCache) -> String? {
        guard let own = item.context.workspace.sourceDigests[item.location.file] else { return nil }
        return BuildCache.key { parts in
            parts.add(cache.environmentBytes)
            parts.add("kb-item")
            parts.add(item.slug)
            parts.add(item.displayID)
            parts.add(item.engagement.id)
            parts.add(multi ? "multi" : "single")
            parts.add(own)
            for reference in item.evidenceFiles {
                parts.add("evidence:" + reference)
                parts.add(item.context.evidence.item(reference).digest)
            }
            for (label, list) in [("related", related), ("behind", behind), ("caused", caused), ("history", history)] {
                parts.add(label)
                for other in list { parts.add(links[other]) }
            }
        }
    }

    /// The digest of what a page shows of an item it links to.
    static func linkDigest(_ linked: KBItem) -> String {
        var parts = [linked.url, linked.displayID, linked.title, linked.kind, linked.severity ?? "", linked.summary,
                     linked.systems.joined(separator: ","), linked.engagement.title]
        if case .article(let article) = linked.content { parts.append(article.kind.rawValue) }
        return BuildCache.key(parts)
    }

    /// Items of every engagement; ids that occur in more than one engagement are prefixed with it.
    static func makeItems(_ contexts: [ReportContext]) -> [KBItem] {
        // Each item's place (its context, and its kind and index there) and id, in order.
        var places: [(context: Int, kind: Int, index: Int)] = []
        var ids: [String] = []
        for (number, context) in contexts.enumerated() {
            for (kind, list) in [context.findings.map(\.id), context.incidents.map(\.id), context.articles.map(\.id)].enumerated() {
                places += list.indices.map { (number, kind, $0) }
                ids += list
            }
        }
        // Ids of more than one engagement are shown with the engagement's (one engagement's are unique).
        var engagementsOfID: [String: Set<String>] = [:]
        if contexts.count > 1 {
            for (place, id) in zip(places, ids) { engagementsOfID[id, default: []].insert(contexts[place.context].engagement.id) }
        }
        var displayIDs: [String] = [], slugs: [String] = []
        displayIDs.reserveCapacity(ids.count)
        slugs.reserveCapacity(ids.count)
        var usedSlugs: Set<String> = []
        for (place, itemID) in zip(places, ids) {
            let engagement = contexts[place.context].engagement.id
            let collides = (engagementsOfID[itemID]?.count ?? 0) > 1
            displayIDs.append(collides ? "\(engagement)/\(itemID)" : itemID)
            var slug = ReportContext.fileSafe(collides ? "\(engagement)-\(itemID)" : itemID)
            while !usedSlugs.insert(slug).inserted { slug += "_" }
            slugs.append(slug)
        }
        // The items themselves (each holds a copy of its finding, incident or article) in parallel.
        let items = ParallelSlots<KBItem>(count: places.count)
        let (itemPlaces, itemDisplayIDs, itemSlugs) = (places, displayIDs, slugs)
        DispatchQueue.concurrentPerform(iterations: places.count) { position in
            let place = itemPlaces[position]
            let context = contexts[place.context]
            let content: KBItem.Content = switch place.kind {
            case 0: .finding(context.findings[place.index])
            case 1: .incident(context.incidents[place.index])
            default: .article(context.articles[place.index])
            }
            items[position] = KBItem(content: content, engagement: context.engagement, context: context,
                                     displayID: itemDisplayIDs[position], slug: itemSlugs[position])
        }
        return items.values
    }

    static func kindLabel(_ item: KBItem, _ format: LocaleFormatter, plural: Bool = false) -> String {
        if case .article(let article) = item.content, !plural { return format.text("article_\(article.kind.rawValue)") }
        return format.text("kind_\(item.kind)")
    }

    /// A file name for a system or tag: itself when it is plain ASCII, else a short stable hash.
    static func slug(_ text: String) -> String {
        let safe = text.lowercased().unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
        // Lower-case ASCII names keep their name; others (Hangul, case variants such as `Oracle`
        // beside `oracle`, and `index`, which names the list page) get a hash.
        if safe, !text.isEmpty, !text.hasPrefix("."), text == text.lowercased(), text != "index" { return text }
        var text = text
        return "t-" + String(text.withUTF8(SearchIndexFormat.fnv1a), radix: 16)
    }

    static func itemView(_ item: KBItem, page: KBPage, format: LocaleFormatter, multi: Bool, body: String) -> KBItemView {
        let context = item.context
        var facts: [KBFact] = []
        let depthRoot = "../"
        facts.append(KBFact(label: format.text("facet_kind"), value: kindLabel(item, format), links: nil))
        if let severity = item.severity {
            facts.append(KBFact(label: format.text("severity"), value: nil,
                                links: [KBLink(url: depthRoot + "severity/\(severity).html", label: format.text("severity_\(severity)"), count: nil)]))
        }
        if !item.systems.isEmpty {
            facts.append(KBFact(label: format.text("systems"), value: nil,
                                links: item.systems.map { KBLink(url: depthRoot + "systems/\(slug($0)).html", label: $0, count: nil) }))
        }
        if !item.tags.isEmpty {
            facts.append(KBFact(label: format.text("kb_tags"), value: nil,
                                links: item.tags.map { KBLink(url: depthRoot + "tags/\(slug($0)).html", label: "#" + $0, count: nil) }))
        }
        if multi {
            facts.append(KBFact(label: format.text("kb_engagement"), value: nil,
                                links: [KBLink(url: depthRoot + "engagements/\(ReportContext.fileSafe(item.engagement.id)).html", label: item.engagement.title, count: nil)]))
        }
        var metrics: [KBMetric] = []
        var evidence: [KBEvidence] = []
        var timeline: [KBTimelineRow] = []
        var zoneNote: String?
        var verdict: String?
        switch item.content {
        case .finding(let finding):
            facts.append(KBFact(label: format.text("category"), value: nil,
                                links: [KBLink(url: depthRoot + "categories/\(finding.category.rawValue).html", label: format.label("category", finding.category), count: nil)]))
            facts.append(KBFact(label: format.text("status"), value: format.label("status", finding.status), links: nil))
            if let owner = finding.owner { facts.append(KBFact(label: format.text("owner"), value: owner, links: nil)) }
            if let detected = finding.detected { facts.append(KBFact(label: format.text("detected"), value: format.date(detected, weekday: false), links: nil)) }
            if !finding.controls.isEmpty { facts.append(KBFact(label: format.text("controls"), value: context.controls(finding.controls), links: nil)) }
            metrics = finding.metrics.map(MetricChange.init).map { change in
                let cells = format.cells(change)
                return KBMetric(name: change.metric.name, before: cells.before, after: cells.after, target: cells.target, change: cells.change)
            }
            evidence = finding.evidence.map { reference in
                KBEvidence(caption: reference.caption ?? reference.file, file: reference.file, excerpt: context.evidence.excerpt(reference.file, lines: 40)?.text)
            }
        case .incident(let incident):
            let metrics = IncidentMetrics(incident, goldenTime: item.engagement.serviceLevel?.goldenTime)
            facts.append(KBFact(label: format.text("status"), value: format.label("status", incident.status), links: nil))
            if let impact = incident.impact { facts.append(KBFact(label: format.text("impact"), value: impact, links: nil)) }
            if let rootCause = incident.rootCause { facts.append(KBFact(label: format.text("root_cause"), value: rootCause, links: nil)) }
            for (key, value) in [("time_to_detect", metrics.timeToDetect), ("time_to_engage", metrics.timeToEngage),
                                 ("time_to_mitigate", metrics.timeToMitigate), ("time_to_resolve", metrics.timeToResolve)] {
                if let value { facts.append(KBFact(label: format.text(key), value: format.duration(value), links: nil)) }
            }
            verdict = context.goldenTimeText(metrics.goldenTime)
            timeline = incident.timeline.map { entry in
                KBTimelineRow(time: format.time(entry.at, withDate: true), kind: format.label("timeline", entry.kind), text: entry.text, by: entry.by ?? "")
            }
            if let offset = incident.timeline.first?.at.utcOffset { zoneNote = format.text("times_in", ["zone": LocaleFormatter.zoneName(offset)]) }
            evidence = incident.evidence.map { reference in
                KBEvidence(caption: reference.caption ?? reference.file, file: reference.file, excerpt: context.evidence.excerpt(reference.file, lines: 40)?.text)
            }
        case .article:
            break
        }
        return KBItemView(
            page: page, kind: kindLabel(item, format), id: item.displayID, title: item.title, facts: facts,
            summary: item.summary.isEmpty ? nil : item.summary, body: body,
            hasMetrics: !metrics.isEmpty, metrics: metrics, hasTimeline: !timeline.isEmpty, timeline: timeline, zoneNote: zoneNote,
            verdict: verdict, hasEvidence: !evidence.isEmpty, evidence: evidence, hasRelated: false, related: [],
            hasCaused: false, caused: [], hasBehind: false, behind: [], hasHistory: false, history: [])
    }
}


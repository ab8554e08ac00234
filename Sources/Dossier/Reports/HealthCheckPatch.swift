import Foundation
import Markdown
import Parallel

/// Where each finding section of the last build's health check lies in its Markdown and HTML
/// files, kept in the build cache. A rebuild after edits that change only findings' sections —
/// their text, not their headings, nor anything else the report shows — puts the edited
/// sections' new text and HTML in place of the old in the last build's two files, instead of
/// filling the template and putting the page together again (36 MB for 10,000 findings).
struct HealthCheckLayout: Equatable {
    struct Section: Equatable {
        /// The section's build-cache key (its finding's sources, `sectionKey`).
        var key: String
        /// The memo keys of its HTML and of its outline (`ReportBuilder.chunkKey`, `outlineKey`).
        var chunkKey: String
        var outlineKey: String
        /// Where its text is in the Markdown file, and its HTML in the page.
        var markdown: Range<Int>
        var html: Range<Int>
        /// Its headings' ids.
        var ids: [String]
    }

    /// `viewKey` of the report's view without its sections' text.
    var viewKey: String
    var markdownSHA256: String
    var htmlSHA256: String
    var sections: [Section]

    static let markdownPath = "report/health-check.md"
    static let htmlPath = "report/health-check.html"

    /// Where the layout is in the memo: one per environment, replaced by each build.
    static func memoKey(_ environment: String) -> String { BuildCache.key([environment, "health-check-layout"]) }

    /// What the report's Markdown and page depend on besides its sections' text, for a report
    /// template that reads nothing of a section but `rendered`: the view without its sections
    /// (`skeleton`; the layout holds each section's key) and the number of each category's
    /// sections, the report's own charts (severity, trend), its kind and title. (Templates,
    /// strings, the engagement and the brand are in the environment.) Nil when the view cannot be
    /// described.
    static func viewKey(_ skeleton: HealthCheckView, sectionCounts: [Int], charts: [String: String], kind: String, title: String,
                        environment: String) -> String? {
        ViewDigest.key([environment, "health-check-view", kind, title] + charts.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
                       + ["sections"] + sectionCounts.map { "\($0)" } + ["view"], of: skeleton)
    }

    /// Sections per segment of the page's zip entry.
    static let sectionsPerSegment = 256

    /// How the evidence zip deflates the page (`htmlSize` bytes): in segments of a megabyte of
    /// what comes before the first section, then of 256 sections each, the last to the page's end
    /// — so that an edit of a section deflates its segment again, not 36 MB. `changed`: the
    /// sections put in place of the last build's page's (`previousSHA256`), in a patch.
    func deflatePlan(htmlSize: Int, previousSHA256: String? = nil, changed: [Int] = []) -> DeflatePlan? {
        guard let first = sections.first?.html.lowerBound, sections.allSatisfy({ $0.html.upperBound <= htmlSize }) else { return nil }
        var ends = Array(stride(from: 1 << 20, to: first, by: 1 << 20))
        if first > 0 { ends.append(first) }
        ends += stride(from: Self.sectionsPerSegment, to: sections.count, by: Self.sectionsPerSegment).map { sections[$0].html.lowerBound }
        ends.append(htmlSize)
        guard zip([0] + ends.dropLast(), ends).allSatisfy({ $0 < $1 }) else { return nil }
        guard let previousSHA256 else { return DeflatePlan(ends: ends) }
        var unchanged = [Bool](repeating: true, count: ends.count)
        for index in changed {
            // The segment the section starts in (sections lie inside segments).
            let start = sections[index].html.lowerBound
            var low = 0, high = ends.count - 1
            while low < high {
                let middle = (low + high) / 2
                if ends[middle] <= start { low = middle + 1 } else { high = middle }
            }
            unchanged[low] = false
        }
        return DeflatePlan(ends: ends, previous: (previousSHA256, unchanged))
    }

    /// As memo values: a version, the keys and digests, then a line per section.
    var strings: [String] {
        var lines = ""
        for section in sections {
            lines += ([section.key, section.chunkKey, section.outlineKey, "\(section.markdown.lowerBound)", "\(section.markdown.count)",
                       "\(section.html.lowerBound)", "\(section.html.count)"] + section.ids).joined(separator: "\t")
            lines += "\n"
        }
        return ["1", viewKey, markdownSHA256, htmlSHA256, lines]
    }

    /// The layout `strings` wrote; nil for anything else. (Read on the bytes: 10,000 lines.)
    init?(strings: [String]) {
        guard strings.count == 5, strings[0] == "1" else { return nil }
        var lines = strings[4]
        let sections: [Section]? = lines.withUTF8 { bytes in
            var sections: [Section] = []
            var fields: [Range<Int>] = []
            var start = 0, fieldStart = 0
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            func number(_ range: Range<Int>) -> Int? {
                guard !range.isEmpty, range.count <= 18 else { return nil }
                var value = 0
                for byte in bytes[range] {
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            while start < bytes.count {
                fields.removeAll(keepingCapacity: true)
                var position = start
                fieldStart = start
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") {
                    if bytes[position] == UInt8(ascii: "\t") {
                        fields.append(fieldStart..<position)
                        fieldStart = position + 1
                    }
                    position += 1
                }
                guard position < bytes.count else { return nil }
                fields.append(fieldStart..<position)
                start = position + 1
                guard fields.count >= 7, let markdownStart = number(fields[3]), let markdownCount = number(fields[4]),
                      let htmlStart = number(fields[5]), let htmlCount = number(fields[6]) else { return nil }
                sections.append(Section(key: text(fields[0]), chunkKey: text(fields[1]), outlineKey: text(fields[2]),
                                        markdown: markdownStart..<(markdownStart + markdownCount), html: htmlStart..<(htmlStart + htmlCount),
                                        ids: fields[7...].map(text)))
            }
            return sections
        }
        guard let sections else { return nil }
        self.init(viewKey: strings[1], markdownSHA256: strings[2], htmlSHA256: strings[3], sections: sections)
    }

    init(viewKey: String, markdownSHA256: String, htmlSHA256: String, sections: [Section]) {
        self.viewKey = viewKey
        self.markdownSHA256 = markdownSHA256
        self.htmlSHA256 = htmlSHA256
        self.sections = sections
    }

    /// The layout of a health check filled and rendered whole: `filled` is the template's
    /// Markdown with its chunk marks, `texts` the sections' text in order. Nil unless each
    /// section is one piece between marks, in order and as it is, rendered as a chunk of its own
    /// whose embeds are its own chart or the report's (so that a section left as it was needs
    /// nothing of another), and the page holds each chunk's HTML once.
    static func make(filled: String, texts: [String], keys: [String], chartPaths: [String], reportCharts: Set<String>,
                     page: ReportBuilder.ChunkedPage, viewKey: String, markdownSHA256: String, htmlSHA256: String) -> HealthCheckLayout? {
        let count = texts.count
        guard count > 0, keys.count == count, !keys.contains(""), chartPaths.count == count, page.pieceCount == 2 * count + 1,
              page.chunkKeys.count == page.chunks.count, page.outlineKeys.count == page.chunks.count else { return nil }
        let lengths = ReportBuilder.pieceLengths(of: filled)
        guard lengths.count == 2 * count + 1 else { return nil }
        // Each chunk's HTML, where it starts in the page.
        var htmlStarts: [Int] = []
        htmlStarts.reserveCapacity(page.pieces.pieces.count)
        var position = page.contentOffset
        for piece in page.pieces.pieces {
            htmlStarts.append(position)
            position += piece.count
        }
        var chunkOfPiece = [Int?](repeating: nil, count: page.pieceCount)
        for (chunk, piece) in page.pieceOfChunk.enumerated() { chunkOfPiece[piece] = chunk }
        var sections: [Section] = []
        sections.reserveCapacity(count)
        var markdownStart = 0
        for piece in 0..<lengths.count {
            defer { markdownStart += lengths[piece] }
            guard piece % 2 == 1 else { continue }
            let index = piece / 2
            guard let chunk = chunkOfPiece[piece], let chunkKey = page.chunkKeys[chunk], page.chunks[chunk] == texts[index],
                  lengths[piece] == texts[index].utf8.count,
                  page.pieces.embeds[chunk].allSatisfy({ $0 == chartPaths[index] || reportCharts.contains($0) }),
                  page.pieces.ids[chunk].allSatisfy({ !$0.utf8.contains(UInt8(ascii: "\t")) && !$0.utf8.contains(UInt8(ascii: "\n")) }) else { return nil }
            sections.append(Section(key: keys[index], chunkKey: chunkKey, outlineKey: page.outlineKeys[chunk],
                                    markdown: markdownStart..<(markdownStart + lengths[piece]),
                                    html: htmlStarts[chunk]..<(htmlStarts[chunk] + page.pieces.pieces[chunk].count), ids: page.pieces.ids[chunk]))
        }
        // No other chunk may embed a section's chart: each is copied as it was.
        let sectionChunks = Set((0..<count).compactMap { chunkOfPiece[2 * $0 + 1] })
        for chunk in page.chunks.indices where !sectionChunks.contains(chunk) {
            guard page.pieces.embeds[chunk].allSatisfy(reportCharts.contains) else { return nil }
        }
        return HealthCheckLayout(viewKey: viewKey, markdownSHA256: markdownSHA256, htmlSHA256: htmlSHA256, sections: sections)
    }
}

extension ReportBuilder {
    /// The health check as built: the report, its charts (those written; the files of the
    /// sections' charts that were kept are in `keptCharts`), and its files' digests.
    struct HealthCheckOutcome {
        var report: RenderedReport
        var charts: [String: String]
        var keptCharts: [String]
        var markdownSHA256: String?
        var htmlSHA256: String?
        /// When patched: the sections rendered again, and all of them.
        var patched: (changed: Int, total: Int)?
    }

    /// The health check: patched into the last build's files when its layout allows it (only
    /// findings' sections changed, and not their headings), else filled and rendered whole, its
    /// layout then kept for the next build. Nil when the template is missing.
    static func healthCheck(_ context: ReportContext, cache: BuildCache?) -> HealthCheckOutcome? {
        let title = context.workspace.engagement.title, kind = context.format.text("report_health_check")
        let previous = cache.flatMap { cache in
            cache.memo(HealthCheckLayout.memoKey(cache.environment)).flatMap(HealthCheckLayout.init(strings:))
        }
        var reportCharts: [String: String] = [:]
        // The view key is made before the sections (which it leaves out): they are left pending
        // only when the last build's layout has the same, so that the report can be patched.
        // (It is asked only of a template that reads nothing of a section but its text.)
        var viewKey: String?
        var view = context.healthCheckView(charts: &reportCharts, cache: cache) { skeleton, counts, charts in
            guard let cache else { return nil }
            viewKey = HealthCheckLayout.viewKey(skeleton, sectionCounts: counts, charts: charts, kind: kind, title: title,
                                                environment: cache.environment)
            return previous.flatMap { $0.viewKey == viewKey ? $0.sections.map(\.key) : nil }
        }
        renderSections(&view, context: context, cache: cache)
        if let cache, let previous, let viewKey, previous.viewKey == viewKey,
           let patch = patch(previous, view: view, reportCharts: reportCharts, context: context, cache: cache) {
            cache.memoize(HealthCheckLayout.memoKey(cache.environment), patch.layout.strings)
            cache.keepUntilExit([view])
            var report = RenderedReport(kind: kind, title: title, basePath: "report/health-check",
                                        markdown: patch.markdown, html: patch.html, isStaged: patch.isStaged)
            report.deflatePlan = patch.layout.deflatePlan(htmlSize: patch.html.count, previousSHA256: previous.htmlSHA256, changed: patch.changedSections)
            return HealthCheckOutcome(report: report, charts: patch.charts, keptCharts: patch.keptCharts, markdownSHA256: patch.layout.markdownSHA256,
                                      htmlSHA256: patch.layout.htmlSHA256, patched: (patch.changed, patch.layout.sections.count))
        }

        context.completeSections(&view, cache: cache)
        renderSections(&view, context: context, cache: cache)
        var charts = reportCharts
        for category in view.categories {
            for section in category.findings { charts.merge(section.charts) { first, _ in first } }
        }
        // Marks around each section let the page render sections as chunks (in parallel, and
        // from the build cache when unchanged); a section's own text holds none.
        let texts = view.categories.flatMap { $0.findings.map(\.rendered) }
        let mark = String(UnicodeScalar(chunkMark))
        for category in view.categories.indices {
            for index in view.categories[category].findings.indices {
                view.categories[category].findings[index].rendered = mark + view.categories[category].findings[index].rendered + mark
            }
        }
        guard let filled = context.templates.render(view, template: "health-check") else { return nil }
        let page = page(markdown: filled, embeds: charts, kind: kind, title: title, context: context, cache: cache)
        // Chunk marks are for rendering only.
        let markdown = bytesRemovingChunkMarks(filled)
        var markdownDigest: String?, htmlDigest: String?
        var deflatePlan: DeflatePlan?
        if let cache, let viewKey, let chunked = page.chunked {
            markdownDigest = Digest.sha256(markdown)
            htmlDigest = Digest.sha256(page.data)
            let sections = view.categories.flatMap(\.findings)
            if let layout = HealthCheckLayout.make(
                filled: filled, texts: texts, keys: sections.map { $0.memoKey ?? "" },
                chartPaths: sections.map { $0.charts.keys.first ?? "" },
                reportCharts: Set(reportCharts.keys), page: chunked, viewKey: viewKey,
                markdownSHA256: markdownDigest!, htmlSHA256: htmlDigest!) {
                cache.memoize(HealthCheckLayout.memoKey(cache.environment), layout.strings)
                deflatePlan = layout.deflatePlan(htmlSize: page.data.count)
            }
        }
        cache?.keepUntilExit([view, filled])
        var report = RenderedReport(kind: kind, title: title, basePath: "report/health-check", markdown: markdown, html: page.data)
        report.deflatePlan = deflatePlan
        return HealthCheckOutcome(report: report, charts: charts, keptCharts: [], markdownSHA256: markdownDigest, htmlSHA256: htmlDigest, patched: nil)
    }

    /// Renders the sections that have no text yet (and are not pending) with `partials/finding`,
    /// in parallel (sections do not depend on each other), and keeps each in the build cache.
    static func renderSections(_ view: inout HealthCheckView, context: ReportContext, cache: BuildCache?) {
        let places = view.sectionPlaces { $0.rendered.isEmpty && $0.pending == nil }
        guard !places.isEmpty else { return }
        let texts = ParallelSlots<String>(count: places.count)
        let reportView = view
        DispatchQueue.concurrentPerform(iterations: places.count) { index in
            let (category, finding) = places[index]
            let section = reportView.categories[category].findings[finding]
            let sectionContext = FindingSectionContext(finding: section, category: reportView.categories[category], report: reportView)
            var text = context.templates.render(sectionContext, template: "partials/finding") ?? ""
            // The report template puts each section on a line of its own.
            if text.hasSuffix("\n") { text.removeLast() }
            // Chunk marks are the builder's; a section's own text may not hold any.
            text = removingChunkMarks(text)
            texts[index] = text
            if let cache, let key = section.memoKey {
                let chart = section.hasMetrics ? section.chart : ""
                cache.memoize(key, [text, chart, chart.isEmpty ? "" : section.charts[chart] ?? ""])
            }
        }
        for (index, (category, finding)) in places.enumerated() { view.categories[category].findings[finding].rendered = texts[index] ?? "" }
    }

    struct Patch {
        var markdown: Data
        var html: Data
        /// Whether the two files are written already, in the staging folder.
        var isStaged = false
        var layout: HealthCheckLayout
        var charts: [String: String]
        var keptCharts: [String]
        /// The sections put in place, and their indexes.
        var changed: Int
        var changedSections: [Int] = []
    }

    /// The last build's health check with the sections that are not pending (changed since)
    /// put in place of theirs. Nil when it cannot be: the last build's files are not as it left
    /// them, a changed section's headings are not the ones it had (the ids and contents would
    /// change), or it embeds the chart of a section left pending.
    static func patch(_ layout: HealthCheckLayout, view: HealthCheckView, reportCharts: [String: String], context: ReportContext,
                      cache: BuildCache) -> Patch? {
        let sections = view.categories.flatMap(\.findings)
        guard sections.count == layout.sections.count,
              let oldMarkdown = cache.previousFile(HealthCheckLayout.markdownPath, sha256: layout.markdownSHA256),
              let oldHTML = cache.previousFile(HealthCheckLayout.htmlPath, sha256: layout.htmlSHA256),
              layout.sections.allSatisfy({ $0.markdown.upperBound <= oldMarkdown.count && $0.html.upperBound <= oldHTML.count }) else { return nil }
        let changed = sections.indices.filter { sections[$0].pending == nil }
        // Charts: the report's, then the changed sections' in order; a chart path of two sections
        // (ids that make the same file name) is left to a whole render.
        var charts = reportCharts
        for index in changed { charts.merge(sections[index].charts) { first, _ in first } }
        let keptCharts = sections.compactMap { $0.pending.flatMap { $0.chartPath.isEmpty ? nil : $0.chartPath } }
        let sectionCharts = Set(keptCharts)
        guard sectionCharts.count == keptCharts.count, sectionCharts.isDisjoint(with: charts.keys) else { return nil }

        // Each changed section's HTML, with the ids its headings had.
        let environment = cache.environment
        var replacements: [(index: Int, markdown: Data, html: Data, chunkKey: String, outlineKey: String)] = []
        for index in changed {
            let text = sections[index].rendered, old = layout.sections[index]
            guard !text.isEmpty, sections[index].memoKey != nil,
                  let oldOutline = cache.memo(old.outlineKey).flatMap(MarkdownRenderer.ChunkOutline.init(strings:)) else { return nil }
            let digest = chunkDigest(text)
            let outlineKey = outlineKey(environment, digest: digest)
            var outline = cache.memo(outlineKey).flatMap(MarkdownRenderer.ChunkOutline.init(strings:))
            if outline == nil {
                guard let parsed = MarkdownRenderer.outline(ofChunk: text, embeds: charts).outline else { return nil }
                outline = parsed
                cache.memoize(outlineKey, parsed.strings)
            }
            guard let outline, outline.headings == oldOutline.headings, old.ids.count == outline.headings.count,
                  !outline.images.contains(where: sectionCharts.contains) else { return nil }
            let used = outline.images.filter { charts[$0] != nil }
            let chunkKey = chunkKey(environment, digest: digest, ids: old.ids, embeds: used.map { charts[$0]! })
            let html: Data
            if let memo = cache.memoBytes(chunkKey) {
                html = memo
            } else {
                let rendered = MarkdownRenderer.renderChunk(text, embeds: charts, ids: old.ids)
                cache.memoize(chunkKey, [rendered])
                html = Data(rendered.utf8)
            }
            replacements.append((index, Data(text.utf8), html, chunkKey, outlineKey))
        }

        // The sections left as they were keep their entries in the memo for the next build.
        cache.memoKeep(sections.indices.filter { sections[$0].pending != nil }.flatMap { index in
            [layout.sections[index].key, layout.sections[index].chunkKey, layout.sections[index].outlineKey]
        })

        // Nothing changed (an edit elsewhere): the last build's files as they are.
        if replacements.isEmpty {
            return Patch(markdown: oldMarkdown, html: oldHTML, layout: layout, charts: charts, keptCharts: keptCharts, changed: 0)
        }
        // The two files with the changed sections put in place, as pieces (the last build's bytes
        // between the changed sections, and those), and where each section now is.
        var markdownPieces: [Data] = [], htmlPieces: [Data] = []
        var newSections = layout.sections
        var markdownFrom = 0, htmlFrom = 0
        var markdownShift = 0, htmlShift = 0
        var next = 0
        for index in newSections.indices {
            let old = layout.sections[index]
            if next < replacements.count, replacements[next].index == index {
                let replacement = replacements[next]
                next += 1
                markdownPieces += [oldMarkdown[(oldMarkdown.startIndex + markdownFrom)..<(oldMarkdown.startIndex + old.markdown.lowerBound)],
                                   replacement.markdown]
                htmlPieces += [oldHTML[(oldHTML.startIndex + htmlFrom)..<(oldHTML.startIndex + old.html.lowerBound)], replacement.html]
                markdownFrom = old.markdown.upperBound
                htmlFrom = old.html.upperBound
                newSections[index].key = sections[index].memoKey!
                newSections[index].chunkKey = replacement.chunkKey
                newSections[index].outlineKey = replacement.outlineKey
                newSections[index].markdown = (old.markdown.lowerBound + markdownShift)..<(old.markdown.lowerBound + markdownShift + replacement.markdown.count)
                newSections[index].html = (old.html.lowerBound + htmlShift)..<(old.html.lowerBound + htmlShift + replacement.html.count)
                markdownShift += replacement.markdown.count - old.markdown.count
                htmlShift += replacement.html.count - old.html.count
            } else {
                newSections[index].markdown = (old.markdown.lowerBound + markdownShift)..<(old.markdown.upperBound + markdownShift)
                newSections[index].html = (old.html.lowerBound + htmlShift)..<(old.html.upperBound + htmlShift)
            }
        }
        markdownPieces.append(oldMarkdown[(oldMarkdown.startIndex + markdownFrom)...])
        htmlPieces.append(oldHTML[(oldHTML.startIndex + htmlFrom)...])
        // Written straight into the staging folder (in parallel), else put together here.
        let staged = ParallelSlots<(data: Data, sha256: String)>(count: 2)
        let pieces = [markdownPieces, htmlPieces], paths = [HealthCheckLayout.markdownPath, HealthCheckLayout.htmlPath]
        DispatchQueue.concurrentPerform(iterations: 2) { file in staged[file] = cache.stage(paths[file], pieces: pieces[file]) }
        let isStaged = staged[0] != nil && staged[1] != nil
        if !isStaged, let staging = cache.staging {
            // Both or neither: the output folder writes a file that is not staged (and must not
            // truncate one that its bytes map).
            for path in paths { unlink(staging.appendingPathComponent(path).path) }
        }
        let files = (0..<2).map { file -> (data: Data, sha256: String) in
            isStaged ? staged[file]! : (Data(pieces[file].joined()), Digest.sha256(pieces: pieces[file]))
        }
        let (markdown, html) = (files[0], files[1])
        let layout = HealthCheckLayout(viewKey: layout.viewKey, markdownSHA256: markdown.sha256, htmlSHA256: html.sha256, sections: newSections)
        return Patch(markdown: markdown.data, html: html.data, isStaged: isStaged,
                     layout: layout, charts: charts, keptCharts: keptCharts, changed: replacements.count, changedSections: replacements.map(\.index))
    }
}

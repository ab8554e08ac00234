import Foundation
import Parallel
import Markdown

/// A file a build produces, relative to the output folder.
public struct OutputFile: Sendable {
    public var path: String
    public var data: Data
    /// The SHA-256 of `data` (hex) when it is known already, so that it is not computed again.
    public var sha256: String?
    /// Written already at its path in the build's staging folder (`BuildCache.stage`), which
    /// `data` maps; then `sha256` is given.
    var isStaged = false
    /// Another file of this build (its path in the output folder) with the same bytes: where the
    /// file system allows, this one is written as a hard link to it (the evidence pack's copies of
    /// the reports, the health check's 36 MB among them).
    var sameAs: String?
    /// Set for a file whose bytes are those of `sameAs`, kept from the last build, and not read
    /// unless they are needed (`OutputFolder.contents`): `data` is empty, and this is their size.
    /// The evidence pack's copies of a thousand unchanged postmortems are only recorded.
    var deferredSize: Int?

    public init(path: String, data: Data, sha256: String? = nil) {
        self.path = path
        self.data = data
        self.sha256 = sha256
    }

    /// A file of this build with the same bytes as `file` (the pack's copy of a report): its
    /// digest and size known, its bytes `file`'s, or read from it later when it was kept.
    init(path: String, sameAs file: String, data: Data, sha256: String?, deferredSize: Int? = nil) {
        self.init(path: path, data: data, sha256: sha256)
        self.sameAs = file
        self.deferredSize = deferredSize
    }

    /// The size of the file's bytes, read or not.
    var size: Int { deferredSize ?? data.count }
}

/// Options of `dossier build` that shape the reports.
public struct ReportOptions: Sendable {
    public var audience: BuildAudience
    public var templates: URL?

    public init(audience: BuildAudience = .client, templates: URL? = nil) {
        self.audience = audience
        self.templates = templates
    }
}

/// What one report render produced: the Markdown, the HTML page and the charts it embeds.
public struct RenderedReport: Sendable {
    public var kind: String
    public var title: String
    /// Relative path without extension, e.g. `report/incidents/INC-101`.
    public var basePath: String
    /// The Markdown's UTF-8 bytes.
    public var markdown: Data
    /// The page's UTF-8 bytes.
    public var html: Data
    /// Reused from the previous build by the build cache: not rendered again, its files kept.
    public var isKept = false
    /// Its files are written already, in the build's staging folder (see `OutputFile.isStaged`).
    var isStaged = false
    /// How the evidence zip deflates its page, when in segments (the health check's).
    var deflatePlan: DeflatePlan?
}

/// Fills the report templates and renders them to self-contained HTML pages.
public enum ReportBuilder {
    public struct Result: Sendable {
        public var reports: [RenderedReport]
        public var files: [OutputFile]
        /// What redaction masked in the evidence the reports include.
        public var redactions: Redactor.Report
        /// When the health check was patched into the last build's files: the sections rendered
        /// again, and all of them.
        public var healthCheckPatched: (changed: Int, total: Int)?
    }

    public static func build(_ workspace: Workspace, previous: Workspace?, options: ReportOptions,
                             log: inout DiagnosticLog) -> Result? {
        guard let context = makeContext(workspace, previous: previous, options: options, log: &log) else { return nil }
        return build(context, log: &log)
    }

    /// Loads templates, brand and redactor; nil (with diagnostics) when one of them is in error.
    static func makeContext(_ workspace: Workspace, previous: Workspace?, options: ReportOptions, log: inout DiagnosticLog) -> ReportContext? {
        let templates = TemplateLibrary.load(overrides: options.templates, language: workspace.engagement.locale, log: &log)
        let brand = BrandLoader.load(for: workspace, log: &log)
        guard !log.hasErrors else { return nil }
        let redactor: Redactor
        do {
            redactor = try Redactor(configuration: workspace.engagement.redaction)
        } catch {
            log.error("a redaction pattern is not a valid regular expression: \(error)", at: SourceLocation(file: "engagement.yaml", line: 0, column: 0))
            return nil
        }
        return ReportContext(workspace: workspace, previous: previous, audience: options.audience, templates: templates,
                             redactor: redactor, brand: brand)
    }

    static func build(_ context: ReportContext, log: inout DiagnosticLog) -> Result? {
        var timings = PhaseTimer()
        return build(context, cache: nil, log: &log, timings: &timings)
    }

    /// The cache key of a postmortem: the environment, the incident's file and the files of the
    /// findings it names (their ids, titles, severities and statuses are shown); nil when a source
    /// has no digest.
    static func postmortemKey(_ incident: Incident, context: ReportContext, cache: BuildCache) -> String? {
        let digests = context.workspace.sourceDigests
        guard let own = digests[incident.location.file] else { return nil }
        var parts = [cache.environment, "postmortem", incident.id, own]
        for id in incident.related {
            guard let finding = context.findingsByID[id] else { parts.append("absent:" + id); continue }
            guard let digest = digests[finding.location.file] else { return nil }
            parts.append(id + ":" + digest)
        }
        return BuildCache.key(parts)
    }

    /// `rendered` hears of each whole-engagement report (health check, period) as soon as it is
    /// rendered, with its HTML's bytes and their SHA-256 (the same bytes its output file is then
    /// given, with that digest).
    static func build(_ context: ReportContext, cache: BuildCache?, log: inout DiagnosticLog, timings: inout PhaseTimer,
                      rendered: ((RenderedReport, Data, String) -> Void)? = nil) -> Result? {
        let workspace = context.workspace
        let templates = context.templates
        var charts: [String: String] = [:]
        var reports: [RenderedReport] = []
        /// The SHA-256 of the HTML of the reports handed to `rendered`, by base path: hashed once
        /// (the health check's HTML is 36 MB for 10,000 findings).
        var htmlDigests: [String: String] = [:]
        /// The SHA-256 of reports' Markdown, when known.
        var markdownDigests: [String: String] = [:]

        /// Fills a template and renders its page, embedding the charts it refers to.
        @Sendable func render(_ view: any TemplateObject, template: String, kind: String, title: String, basePath: String,
                              charts: [String: String], chartPrefix: String) -> RenderedReport? {
            guard let filled = templates.render(view, template: template) else { return nil }
            let embeds = Dictionary(uniqueKeysWithValues: charts.map { (chartPrefix + $0.key, $0.value) })
            let html = page(markdown: filled, embeds: embeds, kind: kind, title: title, context: context, cache: cache).data
            // Chunk marks (health-check sections) are for rendering only.
            return RenderedReport(kind: kind, title: title, basePath: basePath, markdown: bytesRemovingChunkMarks(filled), html: html)
        }
        func missing(_ template: String) {
            log.error("template '\(template)' is missing — restore it or remove the override",
                      at: SourceLocation(file: "templates/reports/\(template).mustache", line: 0, column: 0))
        }
        /// A report of the whole engagement (health check, period report) and its charts.
        func addEngagementReport(_ view: any TemplateObject, template: String, kind: String, basePath: String, charts reportCharts: [String: String]) {
            if let report = render(view, template: template, kind: context.format.text(kind), title: workspace.engagement.title,
                                   basePath: basePath, charts: reportCharts, chartPrefix: "") {
                reports.append(report)
                if let rendered {
                    let digest = Digest.sha256(report.html)
                    htmlDigests[report.basePath] = digest
                    rendered(report, report.html, digest)
                }
            } else {
                missing(template)
            }
            charts.merge(reportCharts) { first, _ in first }
        }

        var healthCheckPatched: (changed: Int, total: Int)?
        if let health = healthCheck(context, cache: cache) {
            healthCheckPatched = health.patched
            reports.append(health.report)
            if let rendered {
                let digest = health.htmlSHA256 ?? Digest.sha256(health.report.html)
                htmlDigests[health.report.basePath] = digest
                rendered(health.report, health.report.html, digest)
            }
            if let digest = health.markdownSHA256 { markdownDigests[health.report.basePath] = digest }
            charts.merge(health.charts) { first, _ in first }
            cache?.keepFiles(health.keptCharts.map { "report/" + $0 })
        } else {
            missing("health-check")
        }
        timings.lap("report health check")

        // Postmortems are independent of each other: rendered in parallel.
        let incidents = context.incidents
        let rendered = ParallelSlots<(RenderedReport, [String: String])>(count: incidents.count)
        DispatchQueue.concurrentPerform(iterations: incidents.count) { index in
            let incident = incidents[index]
            let basePath = "report/incidents/\(ReportContext.fileSafe(incident.id))"
            let title = "\(incident.id) \(incident.title)"
            let unit = "postmortem:" + incident.id
            let paths = [basePath + ".md", basePath + ".html", "report/charts/\(ReportContext.fileSafe(incident.id))-timeline.svg"]
            let key = cache.flatMap { postmortemKey(incident, context: context, cache: $0) }
            if let cache, let key, cache.reuse(unit, key: key) {
                rendered[index] = (RenderedReport(kind: context.format.text("report_incident"), title: title, basePath: basePath,
                                                  markdown: Data(), html: Data(), isKept: true), [:])
                return
            }
            var incidentCharts: [String: String] = [:]
            var view = context.incidentView(incident, charts: &incidentCharts)
            view.incident.chart = "../" + view.incident.chart
            if let report = render(view, template: "incident", kind: context.format.text("report_incident"),
                                   title: title, basePath: basePath, charts: incidentCharts, chartPrefix: "../") {
                rendered[index] = (report, incidentCharts)
                if let cache, let key, Set(incidentCharts.keys.map { "report/" + $0 }).union([basePath + ".md", basePath + ".html"]) == Set(paths) {
                    cache.record(unit, key: key, paths: paths)
                }
            }
        }
        if rendered.values.count < incidents.count { missing("incident") }
        for (report, incidentCharts) in rendered.values {
            reports.append(report)
            charts.merge(incidentCharts) { first, _ in first }
        }

        timings.lap("report postmortems")
        var periodCharts: [String: String] = [:]
        let period = context.periodView(charts: &periodCharts)
        // The period report is kept when its view, and so its page, is the last build's: it shows
        // no finding's text, so editing one leaves it as it was.
        let periodUnit = "report:period", periodBase = "report/period"
        let periodKey = cache.flatMap { cache in
            ViewDigest.key([cache.environment, periodUnit, context.format.text("report_period"), workspace.engagement.title]
                           + periodCharts.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] } + ["view"], of: period)
        }
        if let cache, let periodKey, cache.reuse(periodUnit, key: periodKey) {
            reports.append(RenderedReport(kind: context.format.text("report_period"), title: workspace.engagement.title, basePath: periodBase,
                                          markdown: Data(), html: Data(), isKept: true))
            charts.merge(periodCharts) { first, _ in first }
        } else {
            addEngagementReport(period, template: "period", kind: "report_period", basePath: periodBase, charts: periodCharts)
            if let cache, let periodKey, reports.last?.basePath == periodBase {
                cache.record(periodUnit, key: periodKey, paths: [periodBase + ".md", periodBase + ".html"])
            }
        }

        timings.lap("report period")
        var files: [OutputFile] = []
        for report in reports where !report.isKept {
            var markdown = OutputFile(path: report.basePath + ".md", data: report.markdown, sha256: markdownDigests[report.basePath])
            var html = OutputFile(path: report.basePath + ".html", data: report.html, sha256: htmlDigests[report.basePath])
            (markdown.isStaged, html.isStaged) = (report.isStaged, report.isStaged)
            files += [markdown, html]
        }
        for (path, svg) in charts.sorted(by: { $0.key < $1.key }) {
            files.append(OutputFile(path: "report/" + path, data: Data(svg.utf8)))
        }
        templates.reportProblems(into: &log)
        return Result(reports: reports, files: files, redactions: context.evidence.report(for: context.citedEvidence),
                      healthCheckPatched: healthCheckPatched)
    }

    /// The Markdown rendered through cmark (charts inlined), wrapped in the page layout. The title
    /// block (everything before the first `## ` section) is left to the page's cover.
    /// U+001E (record separator) around each health-check section: where the page's Markdown is
    /// cut into chunks. (Section texts have it removed, so only the builder's marks remain.)
    static let chunkMark = UInt8(0x1E)

    /// `text` without chunk marks (a control character: a grapheme of its own, so removing the
    /// bytes removes exactly those characters).
    /// Copied in runs between marks found with `memchr` (the health check's Markdown is tens of MB).
    static func removingChunkMarks(_ text: String) -> String {
        var text = text
        let removed: String? = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, memchr(base, Int32(chunkMark), bytes.count) != nil else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { copyWithoutMarks(bytes, to: $0.baseAddress!) }
        }
        return removed ?? text
    }

    /// `removingChunkMarks(text)`'s UTF-8 bytes, copied once (the health check's Markdown is 11 MB).
    static func bytesRemovingChunkMarks(_ text: String) -> Data {
        var text = text
        return text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return Data() }
            var data = Data(count: bytes.count)
            data.count = data.withUnsafeMutableBytes { copyWithoutMarks(bytes, to: $0.baseAddress!) }
            return data
        }
    }

    /// Copies `bytes` without their chunk marks to `target` (room for all of them); the bytes copied.
    private static func copyWithoutMarks(_ bytes: UnsafeBufferPointer<UInt8>, to target: UnsafeMutableRawPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var written = 0
        forEachPiece(of: bytes) { piece in
            memcpy(target + written, base + piece.lowerBound, piece.count)
            written += piece.count
        }
        return written
    }

    /// The ranges of `bytes` between chunk marks, empty ones too, found with `memchr`.
    private static func forEachPiece(of bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            let mark = memchr(base + start, Int32(chunkMark), bytes.count - start)
            let end = mark.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
            body(start..<end)
            start = end + 1
        }
    }

    /// Stands for the content in a first fill of the page template, to be replaced by the content's
    /// bytes (`<` makes it change if a template escapes it, which then gets a fill with the content).
    static let contentPlaceholder = "<dossier-page-content-\(UUID().uuidString)/>"

    /// A page and, when it was rendered in chunks and put together around the template's frame,
    /// how (for the health check's layout).
    struct Page {
        var data: Data
        var chunked: ChunkedPage?
    }

    /// A page put together from its template's frame and its content's chunks: where the content
    /// starts in the page's bytes, the chunks' HTML, and per chunk its text, the index of the
    /// piece between chunk marks it was in the content's Markdown, and its memo keys (with a cache).
    struct ChunkedPage {
        var contentOffset: Int
        var pieces: MarkdownRenderer.RenderedPieces
        var chunks: [String]
        var pieceOfChunk: [Int]
        var pieceCount: Int
        var chunkKeys: [String?]
        var outlineKeys: [String]
    }

    /// A chunk's digest, from which its memo keys are made (its text hashed once for both).
    static func chunkDigest(_ chunk: String) -> String { Digest.sha256(chunk) }

    /// The memo key of a chunk's HTML: its text (`digest`), its headings' ids and the embeds it uses.
    static func chunkKey(_ environment: String, digest: String, ids: [String], embeds: [String]) -> String {
        BuildCache.key([environment, "page-chunk", digest] + ["ids"] + ids + ["embeds"] + embeds)
    }

    /// The memo key of a chunk's outline (`ChunkOutline`).
    static func outlineKey(_ environment: String, digest: String) -> String {
        BuildCache.key([environment, "page-outline", digest])
    }

    /// The page's UTF-8 bytes. A page rendered in chunks (the health check) is put together from
    /// the template filled around a placeholder and the chunks' bytes, copied once: joining 36 MB of
    /// HTML into a string, filling the template with it and taking its bytes copied it three times.
    static func page(markdown: String, embeds: [String: String], kind: String, title: String, context: ReportContext,
                     cache: BuildCache? = nil) -> Page {
        let body = firstSection(of: markdown)
        let rendered: (headings: [Heading], pieces: MarkdownRenderer.RenderedPieces?, html: String)
        var chunking: (chunks: [String], pieceOfChunk: [Int], pieceCount: Int, chunkKeys: [String?], outlineKeys: [String])?
        if body.utf8.contains(chunkMark) {
            let split = Self.chunks(of: body)
            let chunks = split.chunks
            // Each chunk's text hashed once (in parallel) for both its keys.
            let digests = ParallelSlots<String>(count: cache == nil ? 0 : chunks.count)
            if cache != nil {
                DispatchQueue.concurrentPerform(iterations: chunks.count) { digests[$0] = chunkDigest(chunks[$0]) }
            }
            let chunkKeys = ParallelSlots<String>(count: chunks.count)
            let outlineKeys = cache.map { cache in (0..<chunks.count).map { outlineKey(cache.environment, digest: digests[$0]!) } } ?? []
            let memo = cache.map { cache in
                let environment = cache.environment
                @Sendable func key(_ index: Int, _ ids: [String], _ embeds: [String]) -> String {
                    chunkKey(environment, digest: digests[index]!, ids: ids, embeds: embeds)
                }
                return MarkdownRenderer.ChunkMemo(
                    lookup: { index, _, ids, embeds in
                        let key = key(index, ids, embeds)
                        chunkKeys[index] = key
                        return cache.memoBytes(key)
                    },
                    store: { index, _, ids, embeds, html in cache.memoize(chunkKeys[index] ?? key(index, ids, embeds), [html]) },
                    outline: { index, _ in cache.memo(outlineKeys[index]).flatMap(MarkdownRenderer.ChunkOutline.init(strings:)) },
                    storeOutline: { index, _, outline in cache.memoize(outlineKeys[index], outline.strings) })
            }
            let pieces = MarkdownRenderer.renderPieces(chunks: chunks, options: .extensions, embeds: embeds, memo: memo)
            rendered = (pieces.headings, pieces, "")
            chunking = (chunks, split.pieceOfChunk, split.pieceCount, chunkKeys.slots, outlineKeys)
        } else {
            let whole = MarkdownRenderer.render(body, options: .extensions, embeds: embeds)
            rendered = (whole.headings, nil, whole.html)
        }
        let format = context.format
        let engagement = context.engagement
        let classification = context.audience == .internal
            ? format.text("classification_internal").uppercased()
            : format.label("classification", engagement.classification)
        let providerName = context.brand.name ?? engagement.provider?.name ?? ""
        let footer = context.brand.footer ?? [providerName, classification].filter { !$0.isEmpty }.joined(separator: " · ")
        let facts = [
            LabelValue(label: format.text("client"), value: engagement.client),
            LabelValue(label: format.text("provider"), value: providerName),
            LabelValue(label: format.text(engagement.kind == .retainer ? "service_period" : "period"),
                       value: format.dateRange(engagement.period.from, engagement.period.to)),
            LabelValue(label: format.text("doc_classification"), value: classification),
        ].filter { !$0.value.isEmpty }
        let view = PageView(
            lang: engagement.locale.rawValue, version: DossierVersion.current, title: title,
            css: context.templates.asset("style.css"),
            brand: PageView.Brand(name: providerName, logo: context.brand.logo.flatMap(BrandLoader.dataURI),
                                  primary: context.brand.primaryColor ?? "#1f3a5f", accent: context.brand.accentColor ?? "#1f6feb"),
            footer: footer, footerCSS: cssString(footer), headerCSS: cssString(title),
            pageLabelCSS: cssString(format.text("page")),
            isInternal: context.audience == .internal, internalBanner: format.text("internal_banner"),
            classification: classification, reportKind: kind, coverFacts: facts,
            contentsLabel: format.text("contents"),
            toc: TableOfContents.html(for: rendered.headings, minLevel: 2, maxLevel: 3),
            content: rendered.html)
        guard let pieces = rendered.pieces else {
            return Page(data: Data((context.templates.render(view, template: "page") ?? rendered.html).utf8))
        }
        var around = view
        around.content = contentPlaceholder
        if let filled = context.templates.render(around, template: "page"), let offset = onlyOccurrence(of: contentPlaceholder, in: filled) {
            let frame = Data(filled.utf8), rest = offset + contentPlaceholder.utf8.count
            var page = Data(capacity: frame.count - contentPlaceholder.utf8.count + pieces.byteCount)
            page.append(frame[..<offset])
            for piece in pieces.pieces { page.append(piece) }
            page.append(frame[rest...])
            return Page(data: page, chunked: chunking.map {
                ChunkedPage(contentOffset: offset, pieces: pieces, chunks: $0.chunks, pieceOfChunk: $0.pieceOfChunk, pieceCount: $0.pieceCount,
                            chunkKeys: $0.chunkKeys, outlineKeys: $0.outlineKeys)
            })
        }
        // A template that leaves the content out, escapes it or shows it twice: filled with it.
        var whole = view
        whole.content = String(decoding: pieces.bytes(), as: UTF8.self)
        return Page(data: Data((context.templates.render(whole, template: "page") ?? whole.content).utf8))
    }

    /// The UTF-8 offset of `needle` in `text` when it occurs there exactly once, found with `memchr`
    /// and `memcmp`.
    static func onlyOccurrence(of needle: String, in text: String) -> Int? {
        var text = text, needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { needle in
                guard let base = haystack.baseAddress, let pattern = needle.baseAddress, !needle.isEmpty else { return nil }
                /// The first offset at or after `start` where `needle` occurs.
                func find(from start: Int) -> Int? {
                    var position = start
                    while position + needle.count <= haystack.count,
                          let candidate = memchr(base + position, Int32(pattern.pointee), haystack.count - needle.count + 1 - position) {
                        let offset = UnsafeRawPointer(candidate) - UnsafeRawPointer(base)
                        if memcmp(base + offset, pattern, needle.count) == 0 { return offset }
                        position = offset + 1
                    }
                    return nil
                }
                guard let offset = find(from: 0), find(from: offset + needle.count) == nil else { return nil }
                return offset
            }
        }
    }

    /// The pieces of `text` between chunk marks, empty ones left out, found with `memchr` (the
    /// health check's Markdown is 11 MB for 10,000 findings); for each, the index of its piece
    /// among all of them, and their number.
    static func chunks(of text: String) -> (chunks: [String], pieceOfChunk: [Int], pieceCount: Int) {
        var text = text
        return text.withUTF8 { bytes in
            var chunks: [String] = [], pieceOfChunk: [Int] = [], count = 0
            forEachPiece(of: bytes) { piece in
                if !piece.isEmpty {
                    chunks.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[piece]), as: UTF8.self))
                    pieceOfChunk.append(count)
                }
                count += 1
            }
            return (chunks, pieceOfChunk, count)
        }
    }

    /// The lengths of the pieces of `text` between chunk marks, empty ones too.
    static func pieceLengths(of text: String) -> [Int] {
        var text = text
        return text.withUTF8 { bytes in
            var lengths: [Int] = []
            forEachPiece(of: bytes) { lengths.append($0.count) }
            return lengths
        }
    }

    /// `markdown` from the line break before its first `## ` heading line (all of it if none),
    /// found on bytes: Foundation's `range(of:)` counts UTF-16 over the whole health check first.
    static func firstSection(of markdown: String) -> String {
        let bytes = markdown.utf8
        let pattern = Array("\n## ".utf8)
        var index = bytes.startIndex
        while let newline = bytes[index...].firstIndex(of: pattern[0]) {
            if bytes[newline...].starts(with: pattern) { return String(markdown[newline...]) }
            index = bytes.index(after: newline)
        }
        return markdown
    }

    /// Text for a CSS string literal inside `<style>`: every character that could end the string,
    /// the rule or the style element is written as a CSS escape.
    static func cssString(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == " " {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\" + String(scalar.value, radix: 16) + " "
            }
        }
        return result
    }
}

/// The brand of a workspace: `brand:` in engagement.yaml over `brand:` in a `dossier.yaml` in the
/// workspace or the folder that holds it (shared by several workspaces).
enum BrandLoader {
    static func load(for workspace: Workspace, log: inout DiagnosticLog) -> Engagement.Brand {
        var shared: Engagement.Brand?
        for folder in [workspace.root, workspace.root.deletingLastPathComponent()] {
            let url = folder.appendingPathComponent("dossier.yaml")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let context = DecodingContext(file: url.path, lineOffset: 0)
            if let node = context.compose(text), let reader = MappingReader(node, context: context, name: "dossier.yaml") {
                reader.rejectUnknownKeys(["brand"])
                shared = reader.mapping("brand").map { BrandDecoder.decode($0, folder: folder) }
            }
            log.append(contentsOf: context.log)
            break
        }
        return (workspace.engagement.brand ?? Engagement.Brand()).merged(over: shared)
    }

    static func dataURI(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let type = url.pathExtension.lowercased() == "svg" ? "image/svg+xml" : "image/png"
        return "data:\(type);base64,\(data.base64EncodedString())"
    }
}

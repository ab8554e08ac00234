import CCmark
import Foundation
import Parallel

/// Extensions applied on top of CommonMark.
public struct MarkdownOptions: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// GFM pipe tables, built from the source lines of cmark paragraphs.
    public static let tables = MarkdownOptions(rawValue: 1 << 0)
    /// Bare `www.`, `http(s)://`, `ftp://` and e-mail autolinks in text.
    public static let autolinks = MarkdownOptions(rawValue: 1 << 1)
    /// Stable, unique `id` attributes on headings (Hangul kept).
    public static let headingIDs = MarkdownOptions(rawValue: 1 << 2)

    /// Every extension: what reports and the knowledge base use.
    public static let extensions: MarkdownOptions = [.tables, .autolinks, .headingIDs]
}

/// A heading found while rendering, for tables of contents.
public struct Heading: Sendable, Hashable, Codable {
    public var level: Int
    public var text: String
    public var id: String

    public init(level: Int, text: String, id: String) {
        self.level = level
        self.text = text
        self.id = id
    }
}

/// The HTML fragment of a Markdown document and the headings it holds.
public struct RenderedMarkdown: Sendable, Hashable {
    public var html: String
    public var headings: [Heading]
}

/// Renders CommonMark through cmark, safely (raw HTML omitted, unsafe links dropped).
///
/// This module are the only places that touch the C library; every node,
/// parser and rendered buffer is freed before a function returns.
public enum MarkdownRenderer {
    /// Renders a Markdown document to an HTML fragment.
    /// - Parameters:
    ///   - source: CommonMark text, with GFM pipe tables and autolinks when enabled.
    ///   - options: the extensions to apply; `[]` gives exactly what Debian's `cmark` prints.
    /// - Returns: the HTML and the headings (with ids when `.headingIDs` is set).
    ///   - embeds: verbatim HTML (generated and escaped by the caller, e.g. an SVG chart) that replaces
    ///     every image whose destination is a key of the dictionary, so that `![chart](charts/x.svg)`
    ///     in the Markdown becomes the inline chart in a self-contained page.
    public static func render(_ source: String, options: MarkdownOptions = .extensions, embeds: [String: String] = [:]) -> RenderedMarkdown {
        renderDocument(source, options: options, embeds: embeds, ids: nil)
    }

    /// Parses `source`, applies the extensions (embeds, tables, autolinks, heading ids — `ids` when
    /// given, else unique within the document) and renders it.
    private static func renderDocument(_ source: String, options: MarkdownOptions, embeds: [String: String], ids: [String]?) -> RenderedMarkdown {
        CmarkNode.withDocument(parsing: source) { root in
            _ = applyEmbeds(embeds, to: root)
            if options.contains(.tables) {
                PipeTables.apply(to: root, source: source, options: options)
            }
            if options.contains(.autolinks) {
                Autolinker.apply(to: root)
            }
            let headings = HeadingAnchors.apply(to: root, assignIDs: options.contains(.headingIDs), ids: ids)
            return RenderedMarkdown(html: root.renderHTML(), headings: headings)
        }
    }

    /// Keeps the HTML of chunks between renders (a build cache): `lookup` and `store` get the chunk's
    /// place in the document, the chunk, its headings' ids and the embeds it uses; `outline` and
    /// `storeOutline` keep what a parse of the chunk tells before rendering it (`ChunkOutline`), so
    /// an unchanged chunk is not parsed.
    public struct ChunkMemo: Sendable {
        /// The HTML's UTF-8 bytes (a build cache hands out bytes it read, without making strings of them).
        public var lookup: @Sendable (_ index: Int, _ chunk: String, _ ids: [String], _ embeds: [String]) -> Data?
        public var store: @Sendable (_ index: Int, _ chunk: String, _ ids: [String], _ embeds: [String], _ html: String) -> Void
        public var outline: @Sendable (_ index: Int, _ chunk: String) -> ChunkOutline?
        public var storeOutline: @Sendable (_ index: Int, _ chunk: String, _ outline: ChunkOutline) -> Void

        public init(lookup: @escaping @Sendable (Int, String, [String], [String]) -> Data?,
                    store: @escaping @Sendable (Int, String, [String], [String], String) -> Void,
                    outline: @escaping @Sendable (Int, String) -> ChunkOutline? = { _, _ in nil },
                    storeOutline: @escaping @Sendable (Int, String, ChunkOutline) -> Void = { _, _, _ in }) {
            self.lookup = lookup
            self.store = store
            self.outline = outline
            self.storeOutline = storeOutline
        }
    }

    /// What a chunk's parse tells before it is rendered: its headings (level, text and slug, the
    /// id before it is made unique) and the destinations of its images, in document order. It
    /// does not depend on the embeds unless a heading holds an image: such a chunk has no outline
    /// to keep.
    public struct ChunkOutline: Sendable, Equatable {
        public struct Entry: Sendable, Equatable {
            public var level: Int
            public var text: String
            public var slug: String
        }
        public var headings: [Entry]
        public var images: [String]

        /// As strings, for a build cache: the number of headings, three strings per heading, then the images.
        public var strings: [String] {
            ["\(headings.count)"] + headings.flatMap { ["\($0.level)", $0.text, $0.slug] } + images
        }

        public init(headings: [Entry], images: [String]) {
            self.headings = headings
            self.images = images
        }

        /// The outline `strings` wrote; nil for anything else.
        public init?(strings: [String]) {
            guard let first = strings.first, let count = Int(first), count >= 0, strings.count >= 1 + 3 * count else { return nil }
            var headings: [Entry] = []
            for index in 0..<count {
                guard let level = Int(strings[1 + 3 * index]), (1...6).contains(level) else { return nil }
                headings.append(Entry(level: level, text: strings[2 + 3 * index], slug: strings[3 + 3 * index]))
            }
            self.init(headings: headings, images: Array(strings[(1 + 3 * count)...]))
        }
    }

    /// Renders a long document given as consecutive chunks, each starting at a block boundary (a
    /// report's sections): chunks are parsed and rendered in parallel, heading ids are made unique
    /// across the whole document, and link reference definitions apply within their chunk. The HTML
    /// of a chunk whose text, ids and embeds are unchanged can come from `memo`.
    public static func render(chunks: [String], options: MarkdownOptions = .extensions, embeds: [String: String] = [:],
                              memo: ChunkMemo? = nil) -> RenderedMarkdown {
        let rendered = renderPieces(chunks: chunks, options: options, embeds: embeds, memo: memo)
        return RenderedMarkdown(html: String(decoding: rendered.bytes(), as: UTF8.self), headings: rendered.headings)
    }

    /// A document rendered in chunks: each chunk's HTML as UTF-8 bytes, in order, and the headings.
    /// Put together with `bytes()`, or by the caller into a larger page, so that a long report's
    /// HTML is copied once instead of joined into a string and copied again.
    public struct RenderedPieces: Sendable {
        public var pieces: [Data]
        public var headings: [Heading]
        /// Each chunk's headings' ids, and the embeds (keys) it uses.
        public var ids: [[String]]
        public var embeds: [[String]]

        public var byteCount: Int { pieces.reduce(0) { $0 + $1.count } }

        public func bytes() -> Data {
            var data = Data(capacity: byteCount)
            for piece in pieces { data.append(piece) }
            return data
        }
    }

    /// What a parse of one chunk tells: its outline (nil when a heading holds an image, whose
    /// text then depends on the embeds) and its headings and the embeds it uses, with `embeds`.
    public static func outline(ofChunk chunk: String, embeds: [String: String]) -> (outline: ChunkOutline?, headings: [ChunkOutline.Entry], embeds: [String]) {
        CmarkNode.withDocument(parsing: chunk) { root in
            let images = root.descendants(where: { $0.type == CMARK_NODE_IMAGE }).map(\.url)
            let headingNodes = root.descendants(where: { $0.type == CMARK_NODE_HEADING })
            // Before the embeds replace images: a heading's text with an image in it depends on them.
            let imageInHeading = headingNodes.contains { !$0.descendants(where: { $0.type == CMARK_NODE_IMAGE }).isEmpty }
            let used = applyEmbeds(embeds, to: root)
            let headings = headingNodes.map { node in
                let text = node.plainText.trimmingSpaces()
                return ChunkOutline.Entry(level: node.headingLevel, text: text, slug: SlugRegistry.slug(text))
            }
            return (imageInHeading ? nil : ChunkOutline(headings: headings, images: images), headings, used)
        }
    }

    /// One chunk's HTML, its headings given `ids`: how `renderPieces` renders each chunk, so that a
    /// chunk rendered alone (a patched health check's section) is the same bytes.
    public static func renderChunk(_ chunk: String, options: MarkdownOptions = .extensions, embeds: [String: String], ids: [String]) -> String {
        renderDocument(chunk, options: options, embeds: embeds, ids: ids).html
    }

    /// `render(chunks:…)`, its HTML left in pieces.
    public static func renderPieces(chunks: [String], options: MarkdownOptions = .extensions, embeds: [String: String] = [:],
                                    memo: ChunkMemo? = nil) -> RenderedPieces {
        // 1. Each chunk's headings (level, text, slug) and the embeds it uses: from the memo, or a parse.
        let outlines = ParallelSlots<(headings: [ChunkOutline.Entry], embeds: [String])>(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            if let outline = memo?.outline(index, chunks[index]) {
                outlines[index] = (outline.headings, outline.images.filter { embeds[$0] != nil })
                return
            }
            let parsed = MarkdownRenderer.outline(ofChunk: chunks[index], embeds: embeds)
            if let memo, let outline = parsed.outline { memo.storeOutline(index, chunks[index], outline) }
            outlines[index] = (parsed.headings, parsed.embeds)
        }
        // 2. Ids unique over the whole document, in order.
        var slugs = SlugRegistry()
        var ids: [[String]] = []
        var headings: [Heading] = []
        for index in chunks.indices {
            let outline = outlines[index]!
            var chunkIDs: [String] = []
            for heading in outline.headings {
                let id = slugs.unique(slug: heading.slug)
                chunkIDs.append(id)
                headings.append(Heading(level: heading.level, text: heading.text, id: id))
            }
            ids.append(chunkIDs)
        }
        // 3. Each chunk's HTML with those ids.
        let htmls = ParallelSlots<Data>(count: chunks.count)
        let allIDs = ids
        DispatchQueue.concurrentPerform(iterations: chunks.count) { index in
            let used = outlines[index]!.embeds.map { embeds[$0] ?? "" }
            if let memo, let html = memo.lookup(index, chunks[index], allIDs[index], used) {
                htmls[index] = html
                return
            }
            let html = renderChunk(chunks[index], options: options, embeds: embeds, ids: allIDs[index])
            htmls[index] = Data(html.utf8)
            memo?.store(index, chunks[index], allIDs[index], used, html)
        }
        return RenderedPieces(pieces: (0..<chunks.count).map { htmls[$0] ?? Data() }, headings: headings, ids: ids,
                              embeds: (0..<chunks.count).map { outlines[$0]!.embeds })
    }

    /// Replaces images whose destination is a key of `embeds` by that HTML; returns the keys used.
    private static func applyEmbeds(_ embeds: [String: String], to root: CmarkNode) -> [String] {
        guard !embeds.isEmpty else { return [] }
        var used: [String] = []
        // An image may hold another in its description; replacing the outer one frees the inner
        // one, which is then skipped. So each image's enclosing images are listed before any
        // replacement, and a freed node's pointer is only compared, never read.
        let images = root.descendants(where: { $0.type == CMARK_NODE_IMAGE }).map { image in
            var enclosing: [OpaquePointer] = []
            var outer = image.parent
            while let node = outer {
                if node.type == CMARK_NODE_IMAGE { enclosing.append(node.pointer) }
                outer = node.parent
            }
            return (image, enclosing)
        }
        var replaced: Set<OpaquePointer> = []
        for (image, enclosing) in images {
            if enclosing.contains(where: replaced.contains) { continue }
            // Read before `replace`, which frees the image node.
            let url = image.url
            guard let html = embeds[url] else { continue }
            let embed = CmarkNode.make(CMARK_NODE_CUSTOM_INLINE)
            embed.setCustomHTML(enter: html)
            replaced.insert(image.pointer)
            image.replace(with: embed)
            used.append(url)
        }
        return used
    }

    /// Renders and returns only the HTML fragment.
    public static func html(_ source: String, options: MarkdownOptions = .extensions, embeds: [String: String] = [:]) -> String {
        render(source, options: options, embeds: embeds).html
    }

    /// Renders text as inline content only (no block structure), as cmark renders a paragraph's
    /// children. Used for table cells, where `# x` or `- x` are text, not a heading or a list.
    public static func inlineHTML(_ text: String, options: MarkdownOptions = .extensions) -> String {
        if let plain = plainInlineHTML(text) { return plain }
        return parsedInlineHTML(text, options: options)
    }

    /// Text that holds no character cmark or the autolinker treats specially renders as itself,
    /// with `"` escaped as cmark escapes it — without a parse. Nil when the text needs cmark.
    /// (Most table cells are numbers and words: this spares a parse per cell.) A backslash before
    /// ASCII punctuation is an escape (the character, HTML-escaped as cmark does: `\+85.7%`, which
    /// Markdown escaping writes for a value that starts with `+`); before anything else it is
    /// itself. Text the autolinker could find a link in (`Autolinker.mayHoldLink`, after escapes
    /// are undone) takes cmark.
    static func plainInlineHTML(_ text: String) -> String? {
        guard let first = text.utf8.first, let last = text.utf8.last, first != space, last != space else { return nil }
        var text = text
        return text.withUTF8 { bytes -> String? in
            var rewrite = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == backslash {
                    if index + 1 < bytes.count, isASCIIPunctuation(bytes[index + 1]) {
                        rewrite = true
                        index += 2
                    } else {
                        index += 1
                    }
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    rewrite = true
                } else if specialInline[Int(byte)] {
                    return nil
                }
                index += 1
            }
            guard rewrite else { return Autolinker.mayHoldLink(bytes) ? nil : String(decoding: bytes, as: UTF8.self) }
            // Escapes and quotes: the HTML, and the text as cmark's inlines read it, escapes undone
            // (an escaped `.`, `@` or `/` still counts for an autolink, which looks at that text).
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(bytes.count)
            var html = ""
            html.reserveCapacity(bytes.count + 16)
            var run = 0
            index = 0
            func replace(_ count: Int, with replacement: String) {
                html += String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<index]), as: UTF8.self)
                html += replacement
                index += count
                run = index
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == backslash, index + 1 < bytes.count, isASCIIPunctuation(bytes[index + 1]) {
                    unescaped.append(bytes[index + 1])
                    replace(2, with: escapedHTML(bytes[index + 1]))
                } else if byte == UInt8(ascii: "\"") {
                    unescaped.append(byte)
                    replace(1, with: "&quot;")
                } else {
                    unescaped.append(byte)
                    index += 1
                }
            }
            html += String(decoding: UnsafeBufferPointer(rebasing: bytes[run...]), as: UTF8.self)
            return unescaped.withUnsafeBufferPointer(Autolinker.mayHoldLink) ? nil : html
        }
    }

    private static let space = UInt8(ascii: " ")
    private static let backslash = UInt8(ascii: "\\")

    /// CommonMark's ASCII punctuation, which a backslash escapes.
    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    /// An escaped character as cmark writes it in HTML.
    private static func escapedHTML(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        default: String(UnicodeScalar(byte))
        }
    }

    /// Bytes that start inline syntax in cmark (escapes, code, emphasis, links, images, raw HTML,
    /// entities, line breaks), that cmark replaces (NUL), and tabs. (What the autolinker looks for
    /// is `Autolinker.mayHoldLink`'s.)
    /// (A table by byte value: tested for every byte of every plain cell.)
    private static let specialInline: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "\\`*_[]<>!&\n\r\t".utf8 { table[Int(byte)] = true }
        table[0] = true
        return table
    }()

    static func parsedInlineHTML(_ text: String, options: MarkdownOptions) -> String {
        // A leading no-break space cannot start any block, and counts as whitespace for emphasis
        // rules exactly like the start of a line; it is removed again before rendering.
        CmarkNode.withDocument(parsing: "\u{00A0}" + text) { root in
            guard let paragraph = root.firstChild, paragraph.type == CMARK_NODE_PARAGRAPH else { return "" }
            if let first = paragraph.firstChild, first.type == CMARK_NODE_TEXT {
                let rest = first.literal.unicodeScalars.dropFirst()
                if rest.isEmpty {
                    first.unlinkAndFree()
                } else {
                    first.literal = String(String.UnicodeScalarView(rest))
                }
            }
            if options.contains(.autolinks) {
                Autolinker.apply(to: root)
            }
            var html = root.renderHTML()
            if html.hasPrefix("<p>") { html.removeFirst(3) }
            if html.hasSuffix("</p>\n") { html.removeLast(5) }
            return html
        }
    }
}

import CCmark

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
        CmarkNode.withDocument(parsing: source) { root in
            if !embeds.isEmpty {
                for image in root.descendants(where: { $0.type == CMARK_NODE_IMAGE }) {
                    guard let html = embeds[image.url] else { continue }
                    let embed = CmarkNode.make(CMARK_NODE_CUSTOM_INLINE)
                    embed.setCustomHTML(enter: html)
                    image.replace(with: embed)
                }
            }
            if options.contains(.tables) {
                PipeTables.apply(to: root, source: source, options: options)
            }
            if options.contains(.autolinks) {
                Autolinker.apply(to: root)
            }
            let headings = HeadingAnchors.apply(to: root, assignIDs: options.contains(.headingIDs))
            return RenderedMarkdown(html: root.renderHTML(), headings: headings)
        }
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
    /// (Most table cells are numbers and words: this spares a parse per cell.)
    static func plainInlineHTML(_ text: String) -> String? {
        guard let first = text.utf8.first, let last = text.utf8.last, first != space, last != space else { return nil }
        var quotes = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { quotes += 1 } else if specialInline.contains(byte) { return nil }
        }
        // `www.` starts an autolink (`:` and `@` are already special for the other kinds).
        if text.utf8.contains(where: { $0 == UInt8(ascii: "w") || $0 == UInt8(ascii: "W") }), text.lowercased().contains("www.") { return nil }
        guard quotes > 0 else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + quotes * 5)
        for character in text { if character == "\"" { escaped += "&quot;" } else { escaped.append(character) } }
        return escaped
    }

    private static let space = UInt8(ascii: " ")
    /// Bytes that start inline syntax in cmark (escapes, code, emphasis, links, images, raw HTML,
    /// entities, line breaks), that the autolinker looks for, or that cmark replaces (NUL), and tabs.
    private static let specialInline: Set<UInt8> = Set("\\`*_[]<>!&:@\n\r\t".utf8).union([0])

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

import CCmark

/// Heading ids (`## 근본 원인` → `id="근본-원인"`), unique within a document.
enum HeadingAnchors {
    /// Collects the headings and, when `assignIDs` is set, replaces each heading by the same HTML
    /// with an `id` attribute.
    static func apply(to root: CmarkNode, assignIDs: Bool, ids given: [String]? = nil) -> [Heading] {
        var slugs = SlugRegistry()
        var headings: [Heading] = []
        for (index, node) in root.descendants(where: { $0.type == CMARK_NODE_HEADING }).enumerated() {
            let text = node.plainText.trimmingSpaces()
            let id = given.flatMap { index < $0.count ? $0[index] : nil } ?? slugs.unique(for: text)
            headings.append(Heading(level: node.headingLevel, text: text, id: id))
            guard assignIDs else { continue }
            let html = node.renderHTML()
            let tag = "<h\(node.headingLevel)>"
            guard html.hasPrefix(tag) else { continue }
            let anchored = "<h\(node.headingLevel) id=\"\(HTML.escape(id))\">" + html.dropFirst(tag.count)
            let block = CmarkNode.make(CMARK_NODE_CUSTOM_BLOCK)
            block.setCustomHTML(enter: String(anchored.dropLast(anchored.hasSuffix("\n") ? 1 : 0)))
            node.replace(with: block)
        }
        return headings
    }
}

/// Turns heading text into ids the way GitHub does: lower case, letters (any script), digits,
/// `-` and `_` kept, spaces become `-`, everything else dropped; repeats get `-1`, `-2`, ….
public struct SlugRegistry: Sendable {
    private var used: [String: Int] = [:]

    public init() {}

    public static func slug(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character == " " || character == "\t" || character == "\n" {
                slug.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                slug.append(character)
            }
        }
        return slug.isEmpty ? "section" : slug
    }

    public mutating func unique(for text: String) -> String {
        unique(slug: Self.slug(text))
    }

    /// `base` (a `slug(_:)`) made unique among the ids given so far.
    public mutating func unique(slug base: String) -> String {
        var candidate = base
        while let count = used[candidate] {
            used[candidate] = count + 1
            candidate = "\(base)-\(count)"
        }
        used[candidate] = 1
        return candidate
    }
}

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
        if let slug = plainSlug(text) { return slug }
        return characterSlug(text)
    }

    /// `slug` of text made of printable ASCII, tabs, line feeds and Hangul syllables — each of them
    /// a character of its own, none with a case but A–Z — on its scalars, without lower-casing the
    /// text and reading each character's Unicode properties. Nil for any other text.
    static func plainSlug(_ text: String) -> String? {
        var slug = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: slug.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0x61...0x7A, 0x30...0x39, 0x2D, 0x5F, 0xAC00...0xD7A3: slug.append(scalar)
            case 0x20, 0x09, 0x0A: slug.append("-")
            case 0x21...0x7E: continue
            default: return nil
            }
        }
        return slug.isEmpty ? "section" : String(slug)
    }

    /// `slug` on Swift characters: any text.
    static func characterSlug(_ text: String) -> String {
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

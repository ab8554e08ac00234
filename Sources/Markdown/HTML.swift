/// Escaping for text and attribute values in generated HTML.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'` so the result is safe in text and in quoted attributes.
    public static func escape(_ text: String) -> String {
        // Most values have nothing to escape: they are returned as they are.
        guard needsEscaping(text) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if let entity = entity(for: scalar) { result += entity } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// Whether `text` holds one of the five characters `escape` replaces.
    public static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                             || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
    }

    /// What `escape` writes for a scalar: an entity, or nil for a scalar it keeps.
    public static func entity(for scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        case "'": "&#39;"
        default: nil
        }
    }
}

/// A nested list of links to a document's headings.
public enum TableOfContents {
    private final class Entry {
        let heading: Heading?
        var children: [Entry] = []
        init(_ heading: Heading?) { self.heading = heading }
    }

    /// The `<nav>` for headings between `minLevel` and `maxLevel`, or "" when there are none.
    public static func html(for headings: [Heading], minLevel: Int = 1, maxLevel: Int = 3, title: String? = nil) -> String {
        let root = Entry(nil)
        var open: [Entry] = [root]
        for heading in headings where heading.level >= minLevel && heading.level <= maxLevel {
            while open.count > 1, let last = open.last?.heading, last.level >= heading.level { open.removeLast() }
            let entry = Entry(heading)
            open[open.count - 1].children.append(entry)
            open.append(entry)
        }
        guard !root.children.isEmpty else { return "" }
        var html = "<nav class=\"toc\">\n"
        if let title { html += "<h2 class=\"toc-title\">\(HTML.escape(title))</h2>\n" }
        return html + list(root.children) + "</nav>\n"
    }

    private static func list(_ entries: [Entry]) -> String {
        var html = "<ul>\n"
        for entry in entries {
            guard let heading = entry.heading else { continue }
            html += "<li><a href=\"#\(HTML.escape(heading.id))\">\(HTML.escape(heading.text))</a>"
            if !entry.children.isEmpty { html += "\n" + list(entry.children) }
            html += "</li>\n"
        }
        return html + "</ul>\n"
    }
}

import Foundation

/// One knowledge-base item as the search index sees it (SPEC.md §2).
public struct SearchDocument: Sendable, Hashable {
    public var id: String
    /// finding, incident or article.
    public var kind: String
    public var title: String
    /// Relative to the site root.
    public var url: String
    public var summary: String
    public var systems: [String]
    public var severity: String?
    public var engagement: String
    /// Tags, the item id and its systems.
    public var tags: [String]
    public var headings: [String]
    /// Summary, impact, root cause and body text without headings.
    public var body: String

    public init(id: String, kind: String, title: String, url: String, summary: String, systems: [String], severity: String?,
                engagement: String, tags: [String], headings: [String], body: String) {
        self.id = id
        self.kind = kind
        self.title = title
        self.url = url
        self.summary = summary
        self.systems = systems
        self.severity = severity
        self.engagement = engagement
        self.tags = tags
        self.headings = headings
        self.body = body
    }
}

/// The shared constants of the index format.
public enum SearchIndexFormat {
    public static let schema = 2
    public static let k1 = 1.2
    public static let b = 0.75
    public static let boosts = (title: 3, tags: 2, headings: 2, body: 1)
    public static let snippetTextLength = 800

    /// The part of a term that chooses its shard (SPEC.md §3): without a leading `~`, a Hangul
    /// syllable alone, else the first two code points — so the terms a prefix query needs share a shard.
    public static func shardKey(_ term: String) -> [Unicode.Scalar] {
        var scalars = Array(term.unicodeScalars)
        if scalars.first == "~" { scalars.removeFirst() }
        guard let first = scalars.first else { return [] }
        if (0xAC00...0xD7A3).contains(first.value) { return [first] }
        return Array(scalars.prefix(2))
    }

    /// The shard of a term: a 31-based hash of its key, modulo the shard count.
    public static func shard(of term: String, shards: Int) -> Int {
        var hash: UInt32 = 0
        for scalar in shardKey(term) { hash = hash &* 31 &+ scalar.value }
        return Int(hash % UInt32(max(1, shards)))
    }

    public static func termFile(_ shard: Int) -> String { String(format: "terms-%03d", shard) }
    public static func docFile(_ shard: Int) -> String { String(format: "docs-%03d", shard) }
}

/// Writes index files in the JSON-in-classic-script form of SPEC.md §3.
public enum ScriptJSON {
    /// `DossierSearchIndex.register("name", json);`
    static func file(name: String, json: String) -> Data {
        Data("DossierSearchIndex.register(\(string(name)), \(json));\n".utf8)
    }

    /// A JSON string literal safe inside a script: `<`, `>`, `&`, U+2028 and U+2029 escaped too.
    public static func string(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case "\u{2028}": result += "\\u2028"
            case "\u{2029}": result += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    static func strings(_ values: [String]) -> String {
        "[" + values.map(string).joined(separator: ",") + "]"
    }

    /// Parses a file written by `file(name:json:)`.
    static func parse(_ data: Data) -> (name: String, value: Any)? {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        let prefix = "DossierSearchIndex.register("
        guard text.hasPrefix(prefix), let comma = text.range(of: "\", "),
              let end = text.range(of: ");", options: .backwards) else { return nil }
        let nameLiteral = String(text[text.index(text.startIndex, offsetBy: prefix.count)...comma.lowerBound])
        let json = text[comma.upperBound..<end.lowerBound]
        guard let name = try? JSONSerialization.jsonObject(with: Data(nameLiteral.utf8), options: .fragmentsAllowed) as? String,
              let value = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) else { return nil }
        return (name, value)
    }
}

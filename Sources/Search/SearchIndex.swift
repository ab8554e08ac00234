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
    public static let schema = 5

    /// FNV-1a, 64 bits (offset basis 0xcbf29ce484222325, prime 0x100000001b3), of a term's UTF-8
    /// bytes: what makes a term an anchor (SPEC.md §3); the knowledge base also uses it for the
    /// terms related items compare and for file names of non-ASCII tags.
    @inlinable
    public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash
    }
    public static let k1 = 1.2
    public static let b = 0.75
    public static let boosts = (title: 3, tags: 2, headings: 2, body: 1)
    public static let snippetTextLength = 800
    /// Severity facet values, most severe first: findings' levels, then incidents'.
    public static let severities = ["critical", "high", "medium", "low", "info", "sev1", "sev2", "sev3", "sev4"]

    /// Code point order (SPEC.md §3): the order of the UTF-8 bytes, not Swift's `<` on `String`
    /// (which compares canonically equivalent forms as equal).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        // Native strings compare with memcmp (UTF-8 byte order is code-point order); others byte by byte.
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in precedes(left, right) }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// `precedes` on two terms' UTF-8 bytes.
    public static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }

    /// Whether `term` starts with `prefix`, code point by code point (not `hasPrefix`, which compares characters).
    public static func starts(_ term: String, with prefix: String) -> Bool {
        term.utf8.starts(with: prefix.utf8)
    }

    /// The shard holding `term`: the last shard whose first term is ≤ `term`; nil when `term` sorts
    /// before every shard (SPEC.md §3, term ranges).
    public static func shard(of term: String, firstTerms: [String]) -> Int? {
        var low = 0, high = firstTerms.count
        // The number of first terms ≤ term.
        while low < high {
            let middle = (low + high) / 2
            if precedes(term, firstTerms[middle]) { high = middle } else { low = middle + 1 }
        }
        return low == 0 ? nil : low - 1
    }

    /// The shards that can hold terms starting with `prefix`: the shard of the prefix itself and the
    /// shards right after it whose first term starts with the prefix.
    public static func shards(withPrefix prefix: String, firstTerms: [String]) -> [Int] {
        var result: [Int] = []
        let home = shard(of: prefix, firstTerms: firstTerms)
        if let home { result.append(home) }
        var next = (home ?? -1) + 1
        while next < firstTerms.count, starts(firstTerms[next], with: prefix) {
            result.append(next)
            next += 1
        }
        return result
    }

    /// The digits of the facet codes in `meta.js` (SPEC.md §3): printable ASCII without `"`, `&`, `<`, `>`, `\`.
    public static let facetDigits: [UInt8] = Array((0x21...0x7E).filter { !"\"&<>\\".utf8.contains(UInt8($0)) }.map { UInt8($0) })

    /// The smallest code width that numbers `count` facet sets.
    public static func facetWidth(for count: Int) -> Int {
        var width = 1, capacity = facetDigits.count
        while capacity < count {
            width += 1
            capacity *= facetDigits.count
        }
        return width
    }

    /// `index` as `width` base-89 digits, most significant first.
    public static func facetCode(_ index: Int, width: Int) -> String {
        var digits: [UInt8] = []
        var rest = index
        for _ in 0..<width {
            digits.append(facetDigits[rest % facetDigits.count])
            rest /= facetDigits.count
        }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// Per document, the index of its facet set (nil for a malformed code), from `docs` and the width.
    public static func facetIndexes(_ docs: String, width: Int, count: Int) -> [Int?] {
        let value = digitValues
        let bytes = Array(docs.utf8)
        guard width > 0 else { return Array(repeating: nil, count: count) }
        return (0..<count).map { document in
            let start = document * width
            guard start + width <= bytes.count else { return nil }
            var index = 0
            for byte in bytes[start..<(start + width)] {
                guard byte < 128, value[Int(byte)] >= 0 else { return nil }
                index = index * facetDigits.count + value[Int(byte)]
            }
            return index
        }
    }

    /// Digits 0 … 44 end a number in a postings string; 45 … 88 continue it (SPEC.md §3).
    static let finalDigits = 45
    static let continuingBase = 44

    /// Appends `number` (≥ 0) to a postings string: ⌊n / 45⌋ in base 44 as continuing digits, then
    /// n mod 45 as the final digit. (A rebuild writes a million of them, from two threads: the
    /// digits are worked out, not looked up in `facetDigits`, whose retains the threads contended for.)
    public static func appendPostingNumber(_ number: Int, to bytes: inout [UInt8]) {
        precondition(number >= 0, "postings numbers are never negative")
        var rest = number / finalDigits
        if rest > 0 {
            // The continuing digits, most significant first.
            var power = 1
            while power <= rest / continuingBase { power *= continuingBase }
            while power > 0 {
                bytes.append(facetDigit(finalDigits + rest / power))
                rest %= power
                power /= continuingBase
            }
        }
        bytes.append(facetDigit(number % finalDigits))
    }

    /// `facetDigits[index]`: the index-th byte of 0x21 … 0x7E that is not `"`, `&`, `<`, `>` or `\`.
    @inline(__always) static func facetDigit(_ index: Int) -> UInt8 {
        var byte = 0x21 + index
        // Each byte left out at or below the candidate moves it one on.
        if byte >= 0x22 { byte += 1 }
        if byte >= 0x26 { byte += 1 }
        if byte >= 0x3C { byte += 1 }
        if byte >= 0x3E { byte += 1 }
        if byte >= 0x5C { byte += 1 }
        return UInt8(truncatingIfNeeded: byte)
    }

    /// The numbers of a postings string, up to the first byte that is not a digit or the first
    /// digit that takes the number being read above 2^40 (no index has such a number: a hostile
    /// file cannot make one overflow); an unfinished number at the end is dropped (SPEC.md §3).
    public static func postingNumbers(_ text: some StringProtocol) -> [Int] {
        var numbers: [Int] = []
        var value = 0
        for byte in text.utf8 {
            let digit = byte < 128 ? digitValues[Int(byte)] : -1
            if digit < 0 { break }
            value = digit >= finalDigits ? value * continuingBase + (digit - finalDigits) : value * finalDigits + digit
            if value > 1 << 40 { break }
            if digit < finalDigits {
                numbers.append(value)
                value = 0
            }
        }
        return numbers
    }

    /// Each ASCII byte's digit value, −1 for a byte that is not a digit.
    static let digitValues: [Int] = {
        var values = [Int](repeating: -1, count: 128)
        for (position, digit) in facetDigits.enumerated() { values[Int(digit)] = position }
        return values
    }()

    /// BM25's length normalisation of each of `count` documents (SPEC.md §4): `(1 − b) + (b·dl)/avgdl`,
    /// with the lengths read from `meta.js` (a missing one is 0) and avgdl their mean (1 when that is 0).
    public static func norms(lengths text: String, count: Int) -> [Double] {
        var lengths = Array(postingNumbers(text).prefix(count))
        lengths += Array(repeating: 0, count: count - lengths.count)
        let total = lengths.reduce(0.0) { $0 + Double($1) }
        let average = total > 0 ? total / Double(count) : 1
        return lengths.map { (1 - b) + (b * Double($0)) / average }
    }

    /// `terms-007`, `terms-1234`: at least three digits.
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
    /// Written on UTF-8 bytes, runs of plain bytes copied at once (the search index quotes the text
    /// of every item).
    public static func string(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 16)
            output.append(UInt8(ascii: "\""))
            var start = 0
            var index = 0
            func escape(_ replacement: String, skipping length: Int) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                output.append(contentsOf: replacement.utf8)
                index += length
                start = index
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): escape("\\\"", skipping: 1)
                case UInt8(ascii: "\\"): escape("\\\\", skipping: 1)
                case UInt8(ascii: "\n"): escape("\\n", skipping: 1)
                case UInt8(ascii: "\r"): escape("\\r", skipping: 1)
                case UInt8(ascii: "\t"): escape("\\t", skipping: 1)
                case UInt8(ascii: "<"): escape("\\u003c", skipping: 1)
                case UInt8(ascii: ">"): escape("\\u003e", skipping: 1)
                case UInt8(ascii: "&"): escape("\\u0026", skipping: 1)
                case 0..<0x20: escape("\\u00" + String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16), skipping: 1)
                // U+2028 and U+2029: E2 80 A8 and E2 80 A9.
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    escape(bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029", skipping: 3)
                default: index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
            output.append(UInt8(ascii: "\""))
            return String(decoding: output, as: UTF8.self)
        }
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

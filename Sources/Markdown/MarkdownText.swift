import CCmark

/// Helpers for producing Markdown source: escaping values, adjusting headings.
public enum MarkdownText {
    /// Escapes plain text so that it shows literally inside a Markdown line or table cell:
    /// inline markup characters are backslash-escaped, block markers at the start are neutralised
    /// and line breaks become spaces.
    public static func escape(_ text: String) -> String {
        isPlain(text) ? text : escapeEach(text)
    }

    /// On UTF-8 bytes: every character it escapes or replaces is ASCII, or U+2028 and U+2029. (A
    /// mark after a `*` is a character of its own here, so the `*` is escaped too: on characters it
    /// was not, and cmark, which reads code points, took it for emphasis.)
    static func escapeEach(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 8)
        var atStart = true
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\n"):
                    output.append(UInt8(ascii: " "))
                    continue
                case UInt8(ascii: "\r"):
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
                    output.append(UInt8(ascii: " "))
                    continue
                case 0xE2 where index + 1 < bytes.count && bytes[index] == 0x80 && (bytes[index + 1] == 0xA8 || bytes[index + 1] == 0xA9):
                    index += 2
                    output.append(UInt8(ascii: " "))
                    continue
                case _ where isInlineMarkup(byte):
                    output.append(UInt8(ascii: "\\"))
                    output.append(byte)
                case UInt8(ascii: "#"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "="):
                    if atStart { output.append(UInt8(ascii: "\\")) }
                    output.append(byte)
                default:
                    output.append(byte)
                }
                if byte != UInt8(ascii: " ") { atStart = false }
            }
        }
        var result = String(decoding: output, as: UTF8.self)
        // "1. text" or "1) text" at the start would open an ordered list.
        if let dot = result.firstIndex(where: { !$0.isNumber }), dot != result.startIndex,
           result[..<dot].allSatisfy({ $0.isASCII && $0.isNumber }), result[dot] == "." || result[dot] == ")",
           result.index(after: dot) == result.endIndex || result[result.index(after: dot)] == " " {
            result.insert("\\", at: dot)
        }
        return result
    }

    /// The characters `escape` puts a backslash before wherever they are.
    private static func isInlineMarkup(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
             UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "!"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Whether `escape` would return the text unchanged: no character Markdown treats specially,
    /// no line break, and no `#`, `-`, `+`, `=` or digit where a block could start.
    static func isPlain(_ text: String) -> Bool {
        var first: UInt8?
        for byte in text.utf8 {
            if first == nil, byte != UInt8(ascii: " ") { first = byte }
            // 0xE2 starts U+2028 and U+2029 (and other characters, which take the careful path).
            if isInlineMarkup(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == 0xE2 { return false }
        }
        guard let first else { return true }
        return !(first == UInt8(ascii: "#") || first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: "=")
                 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first))
    }

    /// The document with any code fence or raw HTML block it leaves open closed at its end, so that
    /// placed before other content (one finding's body in a report) it cannot swallow what follows.
    public static func closingOpenBlocks(_ source: String) -> String {
        // Looked for on bytes: String.contains(String) goes through Foundation's search with a locale.
        func hasRun(_ byte: UInt8) -> Bool {
            var run = 0
            for next in source.utf8 {
                run = next == byte ? run + 1 : 0
                if run == 3 { return true }
            }
            return false
        }
        guard source.utf8.contains(UInt8(ascii: "<")) || hasRun(UInt8(ascii: "`")) || hasRun(UInt8(ascii: "~")) else { return source }
        let sentinel = "DOSSIER-END-OF-BODY-SENTINEL"
        // Closed when a paragraph put after it is a paragraph of its own at the end of the
        // document (not code, not raw HTML): read from the tree, without rendering the HTML.
        func isClosed(_ text: String) -> Bool {
            CmarkNode.withDocument(parsing: text + "\n\n" + sentinel + "\n") { root in
                var last = root.firstChild
                while let next = last?.next { last = next }
                guard let last, last.type == CMARK_NODE_PARAGRAPH, let child = last.firstChild, child.next == nil,
                      child.type == CMARK_NODE_TEXT else { return false }
                return child.literal == sentinel
            }
        }
        if isClosed(source) { return source }
        let closers = ["```", "~~~", "````", "~~~~", "`````", "~~~~~", "``````", "-->", "</pre>", "</script>", "</style>", "</textarea>", "?>", "]]>", ">"]
        for closer in closers where isClosed(source + "\n" + closer) {
            return source + "\n" + closer
        }
        return source
    }

    /// Takes out of a document the first section whose heading text matches `isTitle` (its heading
    /// and everything up to the next heading of the same or a higher level) and returns the rest and
    /// the section's content without its heading.
    public static func extractSection(_ source: String, where isTitle: (String) -> Bool) -> (rest: String, section: String?) {
        let headings = CmarkNode.withDocument(parsing: source) { root in
            root.children.filter { $0.type == CMARK_NODE_HEADING }.map { (line: $0.startLine, end: $0.endLine, level: $0.headingLevel, text: $0.plainText) }
        }
        guard let index = headings.firstIndex(where: { isTitle($0.text.trimmingSpaces()) }) else { return (source, nil) }
        let heading = headings[index]
        let lines = source.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        let next = headings[(index + 1)...].first { $0.level <= heading.level }?.line ?? (lines.count + 1)
        let start = heading.line - 1, bodyStart = min(heading.end, lines.count), end = min(next - 1, lines.count)
        guard start >= 0, start < lines.count, bodyStart <= end else { return (source, nil) }
        let joined = lines[bodyStart..<end].joined(separator: "\n")
        let section = String(joined.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        let rest = (lines[..<start] + lines[end...]).joined(separator: "\n")
        return (rest, section.isEmpty ? nil : section)
    }

    /// Moves every ATX heading (`#` … `######`) of a document down by `levels`, at most to level 6,
    /// so that an item's body nests under the heading a report gives the item.
    public static func demoteHeadings(_ source: String, by levels: Int) -> String {
        // Only ATX headings (`#`) are demoted: without a `#` there is nothing to do.
        guard levels > 0, source.utf8.contains(UInt8(ascii: "#")) else { return source }
        let lines = CmarkNode.withDocument(parsing: source) { root in
            root.descendants { $0.type == CMARK_NODE_HEADING }.map { ($0.startLine, $0.headingLevel) }
        }
        var added: [Int: Int] = [:]
        for (number, level) in lines where min(levels, 6 - level) > 0 { added[number] = min(levels, 6 - level) }
        guard !added.isEmpty else { return source }
        // On bytes, line by line ("\n"): an ATX heading's line — up to three spaces, one to six `#`,
        // then a space, a tab, the line's end or the text's — gets its `#`s after the spaces. (A
        // setext heading whose text starts with `#`, such as `#️⃣ 번호` over `---`, is left as it is.)
        let bytes = Array(source.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8 * added.count)
        var lineNumber = 1
        var index = 0
        while index < bytes.count {
            if let count = added[lineNumber] {
                var spaces = index
                while spaces < bytes.count, bytes[spaces] == UInt8(ascii: " ") { spaces += 1 }
                var hashes = spaces
                while hashes < bytes.count, bytes[hashes] == UInt8(ascii: "#") { hashes += 1 }
                let opens = hashes == bytes.count || [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(bytes[hashes])
                if spaces - index <= 3, (1...6).contains(hashes - spaces), opens {
                    output.append(contentsOf: bytes[index..<spaces])
                    output.append(contentsOf: repeatElement(UInt8(ascii: "#"), count: count))
                    index = spaces
                }
            }
            let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
            output.append(contentsOf: bytes[index..<end])
            index = end
            lineNumber += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

}

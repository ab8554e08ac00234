import CCmark

/// GFM extended autolinks (`www.`, `http://`, `https://`, `ftp://` and e-mail addresses) in text
/// nodes, never inside code spans, links or images.
enum Autolinker {
    /// A link found in a run of text: byte range and destination.
    struct Match: Equatable {
        var range: Range<Int>
        var destination: String
    }

    static func apply(to root: CmarkNode) {
        let containers = root.descendants { node in
            guard node.firstChild?.type.isInline == true else { return false }
            return !node.hasAncestor(ofTypes: [CMARK_NODE_LINK, CMARK_NODE_IMAGE])
        }
        for container in containers where container.type != CMARK_NODE_LINK && container.type != CMARK_NODE_IMAGE {
            mergeAdjacentText(in: container)
            for node in container.children where node.type == CMARK_NODE_TEXT {
                link(node)
            }
        }
    }

    /// cmark splits text at every special character; joining the pieces lets a URL span them.
    private static func mergeAdjacentText(in container: CmarkNode) {
        var previous: CmarkNode?
        for node in container.children {
            if node.type == CMARK_NODE_TEXT, let first = previous {
                first.literal += node.literal
                node.unlinkAndFree()
            } else {
                previous = node.type == CMARK_NODE_TEXT ? node : nil
            }
        }
    }

    private static func link(_ node: CmarkNode) {
        let text = Array(node.literal.utf8)
        let matches = findLinks(in: text)
        guard !matches.isEmpty else { return }
        var position = 0
        for match in matches {
            if match.range.lowerBound > position {
                node.insertBefore(textNode(text[position..<match.range.lowerBound]))
            }
            let link = CmarkNode.make(CMARK_NODE_LINK)
            link.url = match.destination
            link.append(textNode(text[match.range]))
            node.insertBefore(link)
            position = match.range.upperBound
        }
        if position < text.count {
            node.insertBefore(textNode(text[position...]))
        }
        node.unlinkAndFree()
    }

    private static func textNode(_ bytes: ArraySlice<UInt8>) -> CmarkNode {
        let node = CmarkNode.make(CMARK_NODE_TEXT)
        node.literal = String(decoding: bytes, as: UTF8.self)
        return node
    }

    /// Every autolink in `text`, left to right, without overlaps.
    static func findLinks(in text: [UInt8]) -> [Match] {
        guard text.withUnsafeBufferPointer(mayHoldLink) else { return [] }
        var matches: [Match] = []
        var index = 0
        var consumed = 0
        while index < text.count {
            if let match = urlLink(in: text, at: index) ?? emailLink(in: text, at: index, notBefore: consumed) {
                matches.append(match)
                index = match.range.upperBound
                consumed = index
            } else {
                index += 1
            }
        }
        return matches
    }

    /// Whether `text` holds what every autolink holds: `@` (an e-mail address), `://` (`http`,
    /// `https`, `ftp`) or `www.` in any case. Most text holds none, and is not searched further
    /// (nor, in a table cell, parsed by cmark at all: `MarkdownRenderer.plainInlineHTML`).
    static func mayHoldLink(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in text.indices {
            switch text[index] {
            case UInt8(ascii: "@"):
                return true
            case UInt8(ascii: ":"):
                if index + 2 < text.count, text[index + 1] == UInt8(ascii: "/"), text[index + 2] == UInt8(ascii: "/") { return true }
            case UInt8(ascii: "."):
                if index >= 3, text[index - 3] | 0x20 == UInt8(ascii: "w"), text[index - 2] | 0x20 == UInt8(ascii: "w"),
                   text[index - 1] | 0x20 == UInt8(ascii: "w") { return true }
            default:
                continue
            }
        }
        return false
    }

    private static let schemes: [(prefix: [UInt8], addsScheme: Bool)] = [
        (Array("www.".utf8), true),
        (Array("http://".utf8), false),
        (Array("https://".utf8), false),
        (Array("ftp://".utf8), false),
    ]

    private static func urlLink(in text: [UInt8], at start: Int) -> Match? {
        if start > 0 {
            let before = text[start - 1]
            guard isSpace(before) || "*_~(".utf8.contains(before) else { return nil }
        }
        for scheme in schemes where hasPrefix(text, scheme.prefix, at: start, caseInsensitive: true) {
            let domainStart = scheme.addsScheme ? start : start + scheme.prefix.count
            var end = domainStart
            while end < text.count, isDomainByte(text[end]) { end += 1 }
            guard validDomain(text[domainStart..<end], requirePeriod: scheme.addsScheme) else { return nil }
            while end < text.count, !isSpace(text[end]), text[end] != UInt8(ascii: "<") { end += 1 }
            end = trimTrailing(text, start: start, end: end)
            guard end > domainStart else { return nil }
            let linkText = String(decoding: text[start..<end], as: UTF8.self)
            return Match(range: start..<end, destination: scheme.addsScheme ? "http://" + linkText : linkText)
        }
        return nil
    }

    private static func emailLink(in text: [UInt8], at: Int, notBefore floor: Int) -> Match? {
        guard text[at] == UInt8(ascii: "@") else { return nil }
        var start = at
        while start > floor, isEmailLocalByte(text[start - 1]) { start -= 1 }
        guard start < at else { return nil }
        var end = at + 1
        while end < text.count, isAlphanumeric(text[end]) || "-_.".utf8.contains(text[end]) { end += 1 }
        while end > at + 1, text[end - 1] == UInt8(ascii: ".") { end -= 1 }
        let domain = text[(at + 1)..<end]
        guard let last = domain.last, isAlphanumeric(last), domain.contains(UInt8(ascii: ".")) else { return nil }
        if end < text.count, isAlphanumeric(text[end]) || "-_".utf8.contains(text[end]) { return nil }
        let address = String(decoding: text[start..<end], as: UTF8.self)
        return Match(range: start..<end, destination: "mailto:" + address)
    }

    /// Drops trailing punctuation, unbalanced closing parentheses and entity references.
    private static func trimTrailing(_ text: [UInt8], start: Int, end initialEnd: Int) -> Int {
        var end = initialEnd
        while end > start {
            let last = text[end - 1]
            if "?!.,:*_~'\"".utf8.contains(last) {
                end -= 1
            } else if last == UInt8(ascii: ")") {
                let slice = text[start..<end]
                let opening = slice.filter { $0 == UInt8(ascii: "(") }.count
                let closing = slice.filter { $0 == UInt8(ascii: ")") }.count
                guard closing > opening else { break }
                end -= 1
            } else if last == UInt8(ascii: ";") {
                var ampersand = end - 2
                while ampersand >= start, isAlphanumeric(text[ampersand]) { ampersand -= 1 }
                guard ampersand >= start, ampersand < end - 2, text[ampersand] == UInt8(ascii: "&") else { break }
                end = ampersand
            } else {
                break
            }
        }
        return end
    }

    /// Segments of letters, digits, `_` and `-` separated by periods; no `_` in the last two.
    private static func validDomain(_ domain: ArraySlice<UInt8>, requirePeriod: Bool) -> Bool {
        let segments = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        var meaningful = segments
        while let last = meaningful.last, last.isEmpty { meaningful.removeLast() }
        guard let first = meaningful.first, !first.isEmpty else { return false }
        if requirePeriod, meaningful.count < 2 { return false }
        for segment in meaningful.suffix(2) where segment.contains(UInt8(ascii: "_")) { return false }
        return true
    }

    private static func hasPrefix(_ text: [UInt8], _ prefix: [UInt8], at start: Int, caseInsensitive: Bool) -> Bool {
        guard start + prefix.count <= text.count else { return false }
        for (offset, byte) in prefix.enumerated() {
            let candidate = text[start + offset]
            let folded = caseInsensitive && candidate >= 65 && candidate <= 90 ? candidate + 32 : candidate
            if folded != byte { return false }
        }
        return true
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 10 || byte == 11 || byte == 12 || byte == 13
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    private static func isEmailLocalByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || ".+-_".utf8.contains(byte)
    }
}

extension cmark_node_type {
    var isInline: Bool {
        rawValue >= CMARK_NODE_FIRST_INLINE.rawValue && rawValue <= CMARK_NODE_LAST_INLINE.rawValue
    }
}

extension CmarkNode {
    func hasAncestor(ofTypes types: [cmark_node_type]) -> Bool {
        var ancestor = parent
        while let node = ancestor {
            if types.contains(node.type) { return true }
            ancestor = node.parent
        }
        return false
    }
}

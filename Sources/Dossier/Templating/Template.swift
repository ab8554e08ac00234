/// Dossier's Mustache engine: the template language of swift-mustache, which the report and
/// knowledge-base templates were written for — the Mustache spec without lambdas, plus
/// inheritance (`{{<parent}}`, `{{$block}}`), dynamic partials (`{{>*name}}`), transforms
/// (`{{uppercased(name)}}`, `{{#first(list)}}`, `{{index()}}`) and the `{{% CONTENT_TYPE: … }}`
/// pragma — rendering views that answer their fields as typed values (`TemplateValue`) instead of
/// `Any`. swift-mustache looks every name up through four or five dynamic casts (0.1–0.16 µs each),
/// which made it a third of a build's CPU time; the tests hold this engine's output to
/// swift-mustache's, byte for byte, on the built-in templates and on the edge cases of the language.

/// How `{{value}}` is escaped: chosen by `{{% CONTENT_TYPE: … }}`, HTML by default and again at the
/// start of every partial.
enum TemplateContentType: Sendable, Equatable {
    /// swift-mustache's default HTML escaping (`&`, `<`, `>`, `"`, `'` as characters).
    case defaultHTML
    /// The same five characters escaped on code points (`{{% CONTENT_TYPE: HTML }}`).
    case html
    /// Markdown: inserted values show literally (`{{% CONTENT_TYPE: MARKDOWN }}`).
    case markdown
    /// No escaping (`{{% CONTENT_TYPE: TEXT }}`).
    case text

    init?(pragma name: String) {
        switch name {
        case "HTML": self = .html
        case "MARKDOWN": self = .markdown
        case "TEXT": self = .text
        default: return nil
        }
    }
}

/// A name as a tag writes it: `a.b.c`, `.`, `.a` (the top of the context only), with transforms
/// applied innermost first (`uppercased(lowercased(a))`), or a transform of the sequence context
/// (`index()`).
struct TemplateName: Sendable, Equatable {
    enum Scope: Sendable, Equatable {
        /// `.`: the top of the context.
        case current
        /// `.a.b`: looked up in the top of the context only.
        case top
        /// `a.b`: the first part looked up through the context, innermost first.
        case stack
        /// `index()` and the like: the position in the enclosing list.
        case sequence
    }
    let scope: Scope
    let parts: [String]
    /// Outermost first, as written.
    let transforms: [String]
    /// The tag's text, for matching a section's end.
    let text: String
}

indirect enum TemplateNode: Sendable {
    /// Literal text; a newline, if any, is its last character (lines are separate nodes, so that a
    /// partial's indentation can be put in front of each of its lines).
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, [TemplateNode], inverted: Bool)
    /// `{{>name}}` (or `{{>*name}}`, `dynamic`) and `{{<name}}…{{/name}}` (`blocks`).
    case partial(String, dynamic: Bool, indentation: String?, blocks: [String: [TemplateNode]]?)
    /// `{{$name}}default{{/name}}`.
    case block(String, [TemplateNode], indentation: String?)
    case contentType(TemplateContentType)
}

/// A template error with its position (1-based line, column in characters).
struct TemplateError: Error, Sendable {
    let message: String
    let line: Int
    let column: Int
}

/// A parsed template.
struct Template: Sendable {
    let nodes: [TemplateNode]

    init(_ text: String) throws(TemplateError) {
        var parser = TemplateParser(text)
        nodes = try parser.parse()
    }
}

/// The parser: the text is cut into text and tags (following set-delimiter tags), standalone lines
/// are found on that flat list, and the tree is built from it.
private struct TemplateParser {
    enum Piece {
        case text(Range<Int>)
        case tag(Tag)
    }

    struct Tag {
        /// `#`, `^`, `/`, `!`, `{`, `&`, `>`, `<`, `$`, `=`, `%`, or 0 for a variable.
        let kind: UInt8
        let content: String
        /// Where the tag starts and ends in the text.
        let range: Range<Int>
        /// Where its content starts (for messages).
        let contentStart: Int
    }

    let bytes: [UInt8]
    var pieces: [Piece] = []

    init(_ text: String) { bytes = Array(text.utf8) }

    mutating func parse() throws(TemplateError) -> [TemplateNode] {
        try scan()
        let layout = standaloneLayout()
        var index = 0
        let nodes = try build(&index, layout: layout, closing: nil)
        return nodes
    }

    // MARK: Scanning

    private mutating func scan() throws(TemplateError) {
        var open: [UInt8] = Array("{{".utf8)
        var close: [UInt8] = Array("}}".utf8)
        var position = 0
        while position < bytes.count {
            guard let start = find(open, from: position) else {
                pieces.append(.text(position..<bytes.count))
                break
            }
            if start > position { pieces.append(.text(position..<start)) }
            var cursor = start + open.count
            var kind: UInt8 = 0
            if cursor < bytes.count, Self.kinds.contains(bytes[cursor]) {
                kind = bytes[cursor]
                cursor += 1
            }
            guard let end = find(close, from: cursor) else {
                throw error("a tag is not closed — add \(String(decoding: close, as: UTF8.self)) after it", at: start)
            }
            var contentEnd = end
            var tagEnd = end + close.count
            if kind == UInt8(ascii: "{") {
                // `{{{name}}}`: the name, the closing delimiter and a brace; `}}}` is also read as
                // a brace before the delimiter.
                if end > cursor, bytes[end - 1] == UInt8(ascii: "}") {
                    contentEnd = end - 1
                } else if tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "}") {
                    tagEnd += 1
                } else {
                    throw error("a triple mustache is not closed — end it with }\(String(decoding: close, as: UTF8.self))", at: start)
                }
            }
            if kind == UInt8(ascii: "=") {
                // `{{=<% %>=}}`: the content ends with `=` before the closing delimiter.
                guard let equals = find([UInt8(ascii: "=")] + close, from: cursor) else {
                    throw error("invalid set-delimiter tag — write it as {{=<% %>=}}", at: start)
                }
                contentEnd = equals + 1
                tagEnd = equals + 1 + close.count
                let inner = String(decoding: bytes[cursor..<equals], as: UTF8.self)
                let parts = inner.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                guard parts.count == 2, !parts[0].contains("="), !parts[1].contains("=") else {
                    throw error("invalid set-delimiter tag — write it as {{=<% %>=}}", at: start)
                }
                open = Array(parts[0].utf8)
                close = Array(parts[1].utf8)
            }
            let content = String(decoding: bytes[cursor..<contentEnd], as: UTF8.self)
            pieces.append(.tag(Tag(kind: kind, content: content, range: start..<tagEnd, contentStart: cursor)))
            position = tagEnd
        }
    }

    private static let kinds: Set<UInt8> = Set("#^/!{&><$=%".utf8)

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start <= bytes.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var match = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }

    // MARK: Standalone lines

    /// For each piece: whether it starts its line (only spaces and tabs before it on the line), the
    /// whitespace before it on the line, and for text how much to cut from its start and end where
    /// a standalone tag's line is removed.
    struct Layout {
        var lineStart: [Bool]
        var leading: [String]
        var standalone: [Bool]
        var cutStart: [Int]
        var cutEnd: [Int]
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    private func standaloneLayout() -> Layout {
        let count = pieces.count
        var layout = Layout(lineStart: Array(repeating: false, count: count), leading: Array(repeating: "", count: count),
                            standalone: Array(repeating: false, count: count),
                            cutStart: Array(repeating: 0, count: count), cutEnd: Array(repeating: 0, count: count))
        for index in 0..<count {
            guard case .tag(let tag) = pieces[index] else { continue }
            // Before: the template's start, or text whose last line is blank.
            var atLineStart = false
            var leading = ""
            var leadingRange = 0..<0
            if index == 0 {
                atLineStart = true
            } else if case .text(let range) = pieces[index - 1] {
                var cursor = range.upperBound
                while cursor > range.lowerBound, isBlank(bytes[cursor - 1]) { cursor -= 1 }
                if cursor == range.lowerBound ? index - 1 == 0 : bytes[cursor - 1] == 0x0A {
                    atLineStart = true
                    leadingRange = cursor..<range.upperBound
                    leading = String(decoding: bytes[leadingRange], as: UTF8.self)
                }
            }
            layout.lineStart[index] = atLineStart
            layout.leading[index] = leading
            guard atLineStart, tag.kind != 0, tag.kind != UInt8(ascii: "{"), tag.kind != UInt8(ascii: "&") else { continue }
            // After: the template's end, or text whose first line is blank.
            var trailingEnd: Int?
            if index == count - 1 {
                trailingEnd = tag.range.upperBound
            } else if case .text(let range) = pieces[index + 1] {
                var cursor = range.lowerBound
                while cursor < range.upperBound, isBlank(bytes[cursor]) { cursor += 1 }
                if cursor < range.upperBound, bytes[cursor] == 0x0A {
                    trailingEnd = cursor + 1
                } else if cursor + 1 < range.upperBound, bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A {
                    trailingEnd = cursor + 2
                } else if cursor == range.upperBound, index + 1 == count - 1 {
                    trailingEnd = cursor
                }
            }
            guard let trailingEnd else { continue }
            layout.standalone[index] = true
            if index + 1 < count { layout.cutStart[index + 1] = trailingEnd - tag.range.upperBound }
            // Partials, parents and block expansions keep the whitespace before them (it indents
            // their first line); other standalone tags take it away with the line.
            let keepsLeading = tag.kind == UInt8(ascii: ">") || tag.kind == UInt8(ascii: "<") || tag.kind == UInt8(ascii: "$")
            if !keepsLeading, index > 0 { layout.cutEnd[index - 1] = leadingRange.count }
        }
        return layout
    }

    // MARK: Tree

    /// Builds nodes from `index` until the end tag named `closing` (consumed), or the end.
    private func build(_ index: inout Int, layout: Layout, closing: (name: String, tag: Tag)?) throws(TemplateError) -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        while index < pieces.count {
            let current = index
            index += 1
            switch pieces[current] {
            case .text(let range):
                let lower = range.lowerBound + layout.cutStart[current]
                let upper = max(lower, range.upperBound - layout.cutEnd[current])
                appendLines(lower..<upper, to: &nodes)
            case .tag(let tag):
                let standalone = layout.standalone[current]
                let leading = layout.lineStart[current] ? layout.leading[current] : ""
                let body = tag.content.trimmingBlanks()
                switch tag.kind {
                case UInt8(ascii: "!"):
                    continue
                case UInt8(ascii: "="):
                    continue
                case UInt8(ascii: "%"):
                    nodes.append(.contentType(try pragma(body, tag: tag)))
                case UInt8(ascii: "/"):
                    guard let closing else {
                        throw error("\(tagText(tag)) closes a section that is not open — remove it or open the section before it", at: tag.range.lowerBound)
                    }
                    guard body == closing.name else {
                        throw error("\(tagText(tag)) closes the section \(tagText(closing.tag)) with the wrong name — write {{/\(closing.name)}}", at: tag.range.lowerBound)
                    }
                    return nodes
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    let name = try self.name(body, tag: tag)
                    let children = try build(&index, layout: layout, closing: (body, tag))
                    nodes.append(.section(name, children, inverted: tag.kind == UInt8(ascii: "^")))
                case UInt8(ascii: ">"):
                    var partial = body
                    let dynamic = partial.hasPrefix("*")
                    if dynamic { partial = String(partial.dropFirst()).trimmingBlanks() }
                    try checkPartialName(partial, tag: tag)
                    nodes.append(.partial(partial, dynamic: dynamic, indentation: standalone ? leading : nil, blocks: nil))
                case UInt8(ascii: "<"):
                    var partial = body
                    let dynamic = partial.hasPrefix("*")
                    if dynamic { partial = String(partial.dropFirst()) }
                    try checkPartialName(body, tag: tag)
                    var blocks: [String: [TemplateNode]] = [:]
                    // Inside a parent tag only block definitions count; text is ignored.
                    while true {
                        guard index < pieces.count else {
                            throw error("\(tagText(tag)) is not closed — add {{/\(body)}}", at: tag.range.lowerBound)
                        }
                        let inner = index
                        index += 1
                        guard case .tag(let innerTag) = pieces[inner] else { continue }
                        let innerBody = innerTag.content.trimmingBlanks()
                        switch innerTag.kind {
                        case UInt8(ascii: "!"), UInt8(ascii: "="):
                            continue
                        case UInt8(ascii: "/"):
                            guard innerBody == body else {
                                throw error("\(tagText(innerTag)) closes \(tagText(tag)) with the wrong name — write {{/\(body)}}", at: innerTag.range.lowerBound)
                            }
                        case UInt8(ascii: "$"):
                            _ = try name(innerBody, tag: innerTag, allowTransforms: false)
                            let definition = try build(&index, layout: layout, closing: (innerBody, innerTag))
                            blocks[innerBody] = Self.reindented(definition, startsLine: layout.standalone[inner])
                            continue
                        default:
                            throw error("\(tagText(innerTag)) cannot stand inside \(tagText(tag)) — only {{$block}} definitions can", at: innerTag.range.lowerBound)
                        }
                        break
                    }
                    nodes.append(.partial(partial, dynamic: dynamic, indentation: leading, blocks: blocks))
                case UInt8(ascii: "$"):
                    _ = try name(body, tag: tag, allowTransforms: false)
                    let children = try build(&index, layout: layout, closing: (body, tag))
                    nodes.append(.block(body, children, indentation: leading))
                case UInt8(ascii: "{"), UInt8(ascii: "&"):
                    nodes.append(.variable(try name(body, tag: tag), escaped: false))
                default:
                    nodes.append(.variable(try name(body, tag: tag), escaped: true))
                }
            }
        }
        if let closing {
            throw error("\(tagText(closing.tag)) is not closed — add {{/\(closing.name)}}", at: closing.tag.range.lowerBound)
        }
        return nodes
    }

    /// Text cut into lines, each ending with its newline.
    private func appendLines(_ range: Range<Int>, to nodes: inout [TemplateNode]) {
        var start = range.lowerBound
        var cursor = start
        while cursor < range.upperBound {
            if bytes[cursor] == 0x0A {
                nodes.append(.text(String(decoding: bytes[start...cursor], as: UTF8.self)))
                start = cursor + 1
            }
            cursor += 1
        }
        if start < range.upperBound { nodes.append(.text(String(decoding: bytes[start..<range.upperBound], as: UTF8.self))) }
    }

    /// A block definition's lines lose the indentation of its first line, which the block's place in
    /// the parent gives back.
    private static func reindented(_ nodes: [TemplateNode], startsLine: Bool) -> [TemplateNode] {
        var indent: Int?
        var atLineStart = startsLine
        func strip(_ nodes: [TemplateNode]) -> [TemplateNode] {
            nodes.map { node in
                switch node {
                case .text(let text):
                    defer { atLineStart = text.utf8.last == 0x0A }
                    guard atLineStart else { return node }
                    let blanks = text.utf8.prefix(while: { $0 == 0x20 || $0 == 0x09 }).count
                    guard let width = indent else {
                        indent = blanks
                        return .text(String(text.dropFirst(blanks)))
                    }
                    return .text(String(text.dropFirst(min(width, blanks))))
                case .section(let name, let children, let inverted):
                    atLineStart = false
                    return .section(name, strip(children), inverted: inverted)
                case .block(let name, let children, let indentation):
                    atLineStart = false
                    return .block(name, strip(children), indentation: indentation)
                default:
                    atLineStart = false
                    return node
                }
            }
        }
        return strip(nodes)
    }

    // MARK: Names

    private static let nameCharacters: Set<UInt8> = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*".utf8)

    private func name(_ text: String, tag: Tag, allowTransforms: Bool = true) throws(TemplateError) -> TemplateName {
        // `a(b(c))`: transforms a and b of the name c.
        var transforms: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "(") {
            transforms.append(String(rest[..<open]))
            rest = rest[rest.index(after: open)...]
        }
        var name = rest
        if !transforms.isEmpty {
            let closers = name.reversed().prefix(while: { $0 == ")" }).count
            guard closers == transforms.count, allowTransforms else {
                throw error(allowTransforms ? "unbalanced parentheses in \(tagText(tag)) — write transform(name)" : "a block name cannot take a transform: \(tagText(tag))", at: tag.contentStart)
            }
            name = name.dropLast(closers)
        }
        for part in transforms + [String(name)] where !part.utf8.allSatisfy(Self.nameCharacters.contains) {
            throw error("\(tagText(tag)) has a character a name cannot have — use letters, digits, '.', '-', '_' and '?'", at: tag.contentStart)
        }
        if name.isEmpty, transforms.isEmpty {
            throw error("\(tagText(tag)) has no name — write the name between the braces", at: tag.contentStart)
        }
        let scope: TemplateName.Scope
        if name == "." { scope = .current } else if name.isEmpty { scope = .sequence } else if name.first == "." { scope = .top } else { scope = .stack }
        let parts = scope == .current || scope == .sequence ? [] : name.split(separator: ".").map(String.init)
        return TemplateName(scope: scope, parts: parts, transforms: transforms, text: text)
    }

    private static let partialCharacters: Set<UInt8> = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/".utf8)

    private func checkPartialName(_ name: String, tag: Tag) throws(TemplateError) {
        guard !name.isEmpty, name.utf8.allSatisfy(Self.partialCharacters.contains) else {
            throw error("\(tagText(tag)) does not name a partial — use letters, digits, '.', '-', '_' and '/'", at: tag.contentStart)
        }
    }

    private func pragma(_ text: String, tag: Tag) throws(TemplateError) -> TemplateContentType {
        let parts = text.split(separator: ":", maxSplits: 1).map { String($0).trimmingBlanks() }
        guard parts.count == 2, parts[0] == "CONTENT_TYPE" else {
            throw error("unknown pragma \(tagText(tag)) — the only one is {{% CONTENT_TYPE: HTML }} (or MARKDOWN, TEXT)", at: tag.contentStart)
        }
        guard let type = TemplateContentType(pragma: parts[1]) else {
            throw error("unknown content type \(parts[1]) — use HTML, MARKDOWN or TEXT", at: tag.contentStart)
        }
        return type
    }

    // MARK: Messages

    private func tagText(_ tag: Tag) -> String {
        String(decoding: bytes[tag.range], as: UTF8.self)
    }

    private func error(_ message: String, at offset: Int) -> TemplateError {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return TemplateError(message: message, line: line, column: column)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    func trimmingBlanks() -> String {
        let utf8 = self.utf8
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = utf8.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isBlank($0) })!
        return String(self[first...last])
    }
}

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
    let parts: [TemplateKey]
    /// Outermost first, as written.
    let transforms: [String]
}

indirect enum TemplateNode: Sendable {
    /// Literal text; a newline, if any, is its last character (lines are separate nodes, so that a
    /// partial's indentation can be put in front of each of its lines).
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, [TemplateNode], inverted: Bool)
    /// `{{>name}}` (or `{{>*name}}`, `dynamic`) and `{{<name}}…{{/name}}` (`blocks`).
    case partial(String, dynamic: TemplateName?, indentation: String?, blocks: [String: [TemplateNode]]?)
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
        // A set-delimiter tag lasts to the end of the section it is in, as in swift-mustache.
        var outer: [([UInt8], [UInt8])] = []
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
            if Self.opening.contains(kind) {
                outer.append((open, close))
            } else if kind == UInt8(ascii: "/"), let delimiters = outer.popLast() {
                (open, close) = delimiters
            }
        }
    }

    private static let kinds: Set<UInt8> = Set("#^/!{&><$=%".utf8)
    /// Tags that open a section, a block or a parent.
    private static let opening: Set<UInt8> = Set("#^$<".utf8)
    /// Tags that stand alone on their line, which then is removed.
    private static let standing: Set<UInt8> = Set("#^/!=%><$".utf8)

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

    /// Which tags stand alone on their line (whose line is then removed), the whitespace before each
    /// tag that starts its line, and the bytes of text left out.
    struct Layout {
        var standalone: [Bool]
        /// The whitespace before a tag that starts its line, as it is written out (a partial's
        /// indentation); "" for a tag that does not.
        var leading: [String]
        var removed: [Bool]
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Follows swift-mustache's reading of lines: a tag starts its line when only spaces and tabs
    /// are before it there — or, after a section, a block or a parent closes, when the tag that
    /// opened it stood alone (the state its reader returns to), and at the start of a parent's
    /// content. The lines of a block defined inside a parent lose the indentation of the first one.
    private func standaloneLayout() -> Layout {
        let count = pieces.count
        var layout = Layout(standalone: Array(repeating: false, count: count),
                            leading: Array(repeating: "", count: count), removed: Array(repeating: false, count: bytes.count))
        var newLine = true
        // Open tags: whether each stood alone, and whether it defines a block of a parent.
        var opens: [(standalone: Bool, kind: UInt8, definition: Bool)] = []
        // The indentation of each block definition being read (nil until its first line).
        var indents: [Int?] = []
        // Whether the reader is at the start of a line after each tag.
        var newLineAfter = Array(repeating: false, count: count)
        for index in 0..<count {
            defer { newLineAfter[index] = newLine }
            guard case .tag(let tag) = pieces[index] else { continue }
            // The text before the tag, line by line: where its last line starts, and whether it
            // starts at the beginning of a line.
            var atLineStart = newLine
            var tailStart = 0
            if index > 0, case .text(let range) = pieces[index - 1] {
                var position = range.lowerBound
                // Skip the line end a standalone tag before took.
                while position < range.upperBound, layout.removed[position] { position += 1 }
                while true {
                    if atLineStart, !indents.isEmpty {
                        var end = position
                        while end < range.upperBound, isBlank(bytes[end]) { end += 1 }
                        let width = end - position
                        let drop: Int
                        if let indent = indents[indents.count - 1] {
                            drop = min(indent, width)
                        } else {
                            indents[indents.count - 1] = width
                            drop = width
                        }
                        for offset in position..<(position + drop) { layout.removed[offset] = true }
                    }
                    tailStart = position
                    guard let newline = bytes[position..<range.upperBound].firstIndex(of: 0x0A) else { break }
                    position = newline + 1
                    atLineStart = true
                    if position == range.upperBound {
                        tailStart = position
                        break
                    }
                }
                atLineStart = atLineStart && bytes[tailStart..<range.upperBound].allSatisfy(isBlank)
            }
            var leadingRange = 0..<0
            if atLineStart, index > 0, case .text(let range) = pieces[index - 1] {
                leadingRange = tailStart..<range.upperBound
                layout.leading[index] = String(decoding: leadingRange.filter { !layout.removed[$0] }.map { bytes[$0] }, as: UTF8.self)
            }
            // After the tag: the end of the template, or blanks and a line break.
            var standalone = false
            if atLineStart, Self.standing.contains(tag.kind) {
                if index == count - 1 {
                    standalone = true
                } else if case .text(let range) = pieces[index + 1] {
                    var cursor = range.lowerBound
                    while cursor < range.upperBound, isBlank(bytes[cursor]) { cursor += 1 }
                    var end: Int?
                    if cursor < range.upperBound, bytes[cursor] == 0x0A {
                        end = cursor + 1
                    } else if cursor + 1 < range.upperBound, bytes[cursor] == 0x0D, bytes[cursor + 1] == 0x0A {
                        end = cursor + 2
                    }
                    if let end {
                        standalone = true
                        for offset in range.lowerBound..<end { layout.removed[offset] = true }
                    }
                }
            }
            layout.standalone[index] = standalone
            // Partials, parents and block expansions keep the whitespace before them (it indents
            // their first line); other standalone tags take it away with the line.
            if standalone, tag.kind != UInt8(ascii: ">"), tag.kind != UInt8(ascii: "<"), tag.kind != UInt8(ascii: "$") || opens.last?.kind == UInt8(ascii: "<") {
                for offset in leadingRange { layout.removed[offset] = true }
            }
            switch tag.kind {
            case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"):
                let definition = tag.kind == UInt8(ascii: "$") && opens.last?.kind == UInt8(ascii: "<")
                opens.append((standalone, tag.kind, definition))
                if definition { indents.append(nil) }
                newLine = standalone
            case UInt8(ascii: "<"):
                opens.append((standalone, tag.kind, false))
                newLine = true
            case UInt8(ascii: "/"):
                if let open = opens.popLast() {
                    newLine = open.standalone
                    if open.definition { indents.removeLast() }
                } else {
                    newLine = standalone
                }
            case UInt8(ascii: "!"), UInt8(ascii: "="), UInt8(ascii: "%"), UInt8(ascii: ">"):
                newLine = standalone
            default:
                newLine = false
            }
        }
        // swift-mustache writes the blanks that start a line with what follows them on it: on the
        // template's last line, before nothing or only comments, pragmas and set-delimiter tags,
        // they are dropped.
        var last = count - 1
        while last >= 0, case .tag(let tag) = pieces[last],
              tag.kind == UInt8(ascii: "!") || tag.kind == UInt8(ascii: "=") || tag.kind == UInt8(ascii: "%") {
            last -= 1
        }
        if last >= 0, case .text(let range) = pieces[last] {
            let lastNewline = bytes[range].lastIndex(of: 0x0A)
            let start = lastNewline.map { $0 + 1 } ?? range.lowerBound
            let startsLine = lastNewline != nil || last == 0 || newLineAfter[last - 1]
            if startsLine, bytes[start..<range.upperBound].allSatisfy(isBlank) {
                for offset in start..<range.upperBound { layout.removed[offset] = true }
            }
        }
        return layout
    }

    // MARK: Tree

    /// Builds nodes from `index` until the end tag named `closing` (consumed), or the end.
    /// Sections, blocks and parents nest at most this deep (the parser and the renderer recurse
    /// once per level, on threads with small stacks).
    static let maximumNesting = 200

    private func build(_ index: inout Int, layout: Layout, closing: (name: String, tag: Tag)?, depth: Int = 0) throws(TemplateError) -> [TemplateNode] {
        if depth > Self.maximumNesting, let closing {
            throw error("\(tagText(closing.tag)) nests sections more than \(Self.maximumNesting) deep — close some before opening more", at: closing.tag.range.lowerBound)
        }
        var nodes: [TemplateNode] = []
        while index < pieces.count {
            let current = index
            index += 1
            switch pieces[current] {
            case .text(let range):
                appendLines(range, removed: layout.removed, to: &nodes)
            case .tag(let tag):
                let standalone = layout.standalone[current]
                let leading = layout.leading[current]
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
                    let children = try build(&index, layout: layout, closing: (body, tag), depth: depth + 1)
                    nodes.append(.section(name, children, inverted: tag.kind == UInt8(ascii: "^")))
                case UInt8(ascii: ">"):
                    let (partial, dynamic) = try partialName(body, tag: tag)
                    nodes.append(.partial(partial, dynamic: dynamic, indentation: standalone ? leading : nil, blocks: nil))
                case UInt8(ascii: "<"):
                    let (partial, dynamic) = try partialName(body, tag: tag)
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
                            let definition = try build(&index, layout: layout, closing: (innerBody, innerTag), depth: depth + 1)
                            blocks[innerBody] = definition
                            continue
                        default:
                            throw error("\(tagText(innerTag)) cannot stand inside \(tagText(tag)) — only {{$block}} definitions can", at: innerTag.range.lowerBound)
                        }
                        break
                    }
                    nodes.append(.partial(partial, dynamic: dynamic, indentation: leading, blocks: blocks))
                case UInt8(ascii: "$"):
                    _ = try name(body, tag: tag, allowTransforms: false)
                    let children = try build(&index, layout: layout, closing: (body, tag), depth: depth + 1)
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

    /// Text without its removed bytes, cut into lines, each ending with its newline.
    private func appendLines(_ range: Range<Int>, removed: [Bool], to nodes: inout [TemplateNode]) {
        var line: [UInt8] = []
        for index in range where !removed[index] {
            line.append(bytes[index])
            if bytes[index] == 0x0A {
                nodes.append(.text(String(decoding: line, as: UTF8.self)))
                line.removeAll(keepingCapacity: true)
            }
        }
        if !line.isEmpty { nodes.append(.text(String(decoding: line, as: UTF8.self))) }
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
                throw error(allowTransforms ? "unbalanced parentheses in \(tagText(tag)) — write transform(name)" : "\(tagText(tag)) cannot take a transform — name the block or partial alone", at: tag.contentStart)
            }
            name = name.dropLast(closers)
        }
        for part in transforms + [String(name)] where !part.utf8.allSatisfy(Self.nameCharacters.contains) {
            throw error("\(tagText(tag)) has a character a name cannot have — use letters, digits, '.', '-', '_' and '?'", at: tag.contentStart)
        }
        // `{{}}`, like `{{.}}`, is the top of the context.
        let scope: TemplateName.Scope
        if name == "." || name.isEmpty && transforms.isEmpty {
            scope = .current
        } else if name.isEmpty {
            scope = .sequence
        } else if name.first == "." {
            scope = .top
        } else {
            scope = .stack
        }
        let parts = scope == .current || scope == .sequence ? [] : name.split(separator: ".").map { TemplateKey(String($0)) }
        return TemplateName(scope: scope, parts: parts, transforms: transforms)
    }

    private static let partialCharacters: Set<UInt8> = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/".utf8)

    /// A partial's name, or for `{{>*name}}` the name of the value that holds it.
    private func partialName(_ body: String, tag: Tag) throws(TemplateError) -> (String, TemplateName?) {
        guard body.utf8.allSatisfy(Self.partialCharacters.contains) else {
            throw error("\(tagText(tag)) does not name a partial — use letters, digits, '.', '-', '_' and '/'", at: tag.contentStart)
        }
        guard body.hasPrefix("*") else { return (body, nil) }
        let name = String(body.dropFirst())
        return (name, try self.name(name, tag: tag, allowTransforms: false))
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
    /// Without leading and trailing white space (an ideographic space typed in a tag included).
    func trimmingBlanks() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}

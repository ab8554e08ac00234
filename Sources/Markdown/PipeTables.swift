import CCmark

/// GFM pipe tables, added on cmark's AST: cmark reads a table as a paragraph, so each paragraph's
/// source lines are recovered (container markers stripped) and, when a header row is followed by a
/// matching delimiter row, the paragraph is replaced by the table's HTML with cells rendered by cmark.
enum PipeTables {
    enum Alignment: Equatable { case none, left, center, right }

    struct Table: Equatable {
        var leadingLines: [String]
        var alignments: [Alignment]
        var header: [String]
        var rows: [[String]]
    }

    static func apply(to root: CmarkNode, source: String, options: MarkdownOptions) {
        let paragraphs = root.descendants { $0.type == CMARK_NODE_PARAGRAPH }
        guard !paragraphs.isEmpty else { return }
        let lines = SourceLines(source)
        for paragraph in paragraphs {
            let content = lines.contentLines(of: paragraph)
            guard let table = parse(lines: content) else { continue }
            let tight = paragraph.parent.flatMap { $0.type == CMARK_NODE_ITEM ? $0.parent : nil }?.isTightList ?? false
            var html = ""
            if !table.leadingLines.isEmpty {
                let inline = MarkdownRenderer.inlineHTML(table.leadingLines.joined(separator: "\n"), options: options)
                html += tight ? inline + "\n" : "<p>" + inline + "</p>\n"
            }
            html += render(table, options: options)
            let block = CmarkNode.make(CMARK_NODE_CUSTOM_BLOCK)
            block.setCustomHTML(enter: html)
            paragraph.replace(with: block)
        }
    }

    /// Finds a table in a paragraph's lines: the first header row directly followed by a delimiter
    /// row with the same number of cells; every later line is a body row.
    static func parse(lines: [String]) -> Table? {
        guard lines.count >= 2 else { return nil }
        for index in 0..<(lines.count - 1) {
            guard let alignments = delimiterRow(lines[index + 1]) else { continue }
            let header = cells(lines[index])
            guard header.count == alignments.count else { continue }
            let rows = lines[(index + 2)...].map { line -> [String] in
                var row = cells(line)
                if row.count > header.count { row.removeLast(row.count - header.count) }
                while row.count < header.count { row.append("") }
                return row
            }
            return Table(leadingLines: Array(lines[..<index]), alignments: alignments, header: header, rows: rows)
        }
        return nil
    }

    /// The alignments of a delimiter row such as `| :--- | ---: |`, or nil if the line is not one.
    static func delimiterRow(_ line: String) -> [Alignment]? {
        // Only spaces, tabs, pipes, colons and dashes can make one: most lines leave here at once.
        var hasPipe = false
        for byte in line.utf8 {
            switch byte {
            case UInt8(ascii: "|"): hasPipe = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ":"), UInt8(ascii: "-"): continue
            default: return nil
            }
        }
        guard hasPipe else { return nil }
        let trimmed = line.trimmingSpaces()
        var result: [Alignment] = []
        for cell in cells(trimmed) {
            guard !cell.isEmpty else { return nil }
            let left = cell.hasPrefix(":")
            let right = cell.hasSuffix(":") && cell.count > 1
            let dashes = cell.dropFirst(left ? 1 : 0).dropLast(right ? 1 : 0)
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            switch (left, right) {
            case (true, true): result.append(.center)
            case (true, false): result.append(.left)
            case (false, true): result.append(.right)
            case (false, false): result.append(.none)
            }
        }
        return result.isEmpty ? nil : result
    }

    /// Splits a row on unescaped pipes (a leading and a trailing pipe are optional), trims each cell
    /// and turns `\|` into `|` so that it stays literal even inside code spans.
    /// Pipes, backslashes, spaces and tabs are ASCII, so the row is split on its UTF-8 bytes (as GFM
    /// splits bytes) — unless one of them makes one character with a neighbour (`joinsASCIISyntax`):
    /// then `charactersCells` splits it as Swift's characters do.
    static func cells(_ line: String) -> [String] {
        var line = line
        return line.withUTF8 { bytes -> [String]? in
            let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), pipe = UInt8(ascii: "|"), backslash = UInt8(ascii: "\\")
            if joinsASCIISyntax(bytes) { return nil }
            var start = 0, end = bytes.count
            while start < end, bytes[start] == space || bytes[start] == tab { start += 1 }
            while end > start, bytes[end - 1] == space || bytes[end - 1] == tab { end -= 1 }
            if start < end, bytes[start] == pipe { start += 1 }
            var result: [String] = []
            // A cell is a range of the row's bytes, trimmed, with `\|` made `|` when it holds one.
            func cell(_ from: Int, _ to: Int, unescaping: Bool) -> String {
                var from = from, to = to
                while from < to, bytes[from] == space || bytes[from] == tab { from += 1 }
                while to > from, bytes[to - 1] == space || bytes[to - 1] == tab { to -= 1 }
                guard unescaping else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) }
                var text: [UInt8] = []
                text.reserveCapacity(to - from)
                var index = from
                while index < to {
                    if bytes[index] == backslash, index + 1 < to {
                        if bytes[index + 1] != pipe { text.append(backslash) }
                        text.append(bytes[index + 1])
                        index += 2
                    } else {
                        text.append(bytes[index])
                        index += 1
                    }
                }
                return String(decoding: text, as: UTF8.self)
            }
            var cellStart = start
            var escapesPipe = false
            var endedWithPipe = false
            var index = start
            while index < end {
                let byte = bytes[index]
                endedWithPipe = false
                if byte == backslash {
                    // The escaped byte is part of the cell, whatever it is.
                    if index + 1 < end, bytes[index + 1] == pipe { escapesPipe = true }
                    index += 2
                } else if byte == pipe {
                    result.append(cell(cellStart, index, unescaping: escapesPipe))
                    cellStart = index + 1
                    escapesPipe = false
                    endedWithPipe = true
                    index += 1
                } else {
                    index += 1
                }
            }
            if !endedWithPipe || result.isEmpty { result.append(cell(cellStart, end, unescaping: escapesPipe)) }
            return result
        } ?? charactersCells(line)
    }

    /// Whether a space, tab, pipe or backslash makes one character with the scalar before or after it
    /// (a combining mark or joiner after it, a prepended concatenation mark before it, Thai and Lao
    /// AM after it, …): then splitting and trimming bytes would not be splitting and trimming
    /// characters. Only non-ASCII neighbours are checked, Hangul syllables (which never join those)
    /// without decoding further.
    private static func joinsASCIISyntax(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func isSyntax(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: "\\")
        }
        /// The scalar whose UTF-8 occupies `start..<end`.
        func scalar(_ start: Int, _ end: Int) -> Unicode.Scalar? {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).unicodeScalars.first
        }
        func joins(_ first: Unicode.Scalar, _ second: Unicode.Scalar) -> Bool {
            var pair = String.UnicodeScalarView()
            pair.append(first)
            pair.append(second)
            return String(pair).count != 2
        }
        func isHangulSyllable(_ scalar: Unicode.Scalar) -> Bool { (0xAC00...0xD7A3).contains(scalar.value) }
        for index in bytes.indices where isSyntax(bytes[index]) {
            let syntax = Unicode.Scalar(bytes[index])
            // The scalar before: back over continuation bytes to its first byte.
            if index > 0, bytes[index - 1] >= 0x80 {
                var start = index - 1
                while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
                if let before = scalar(start, index), !isHangulSyllable(before), joins(before, syntax) { return true }
            }
            // The scalar after.
            if index + 1 < bytes.count, bytes[index + 1] >= 0x80 {
                let lead = bytes[index + 1]
                let end = min(index + 1 + (lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2), bytes.count)
                if let after = scalar(index + 1, end), !isHangulSyllable(after), joins(syntax, after) { return true }
            }
        }
        return false
    }

    /// `cells` on Swift characters: trimming and the leading pipe by character.
    static func charactersCells(_ line: String) -> [String] {
        var text = Substring(line.trimmingSpaces())
        if text.hasPrefix("|") { text = text.dropFirst() }
        var result: [String] = []
        // Pipes and backslashes are ASCII: the row is split on its code points, as GFM splits bytes.
        var current = String.UnicodeScalarView()
        var iterator = text.unicodeScalars.makeIterator()
        var endedWithPipe = false
        func finish() -> String { String(current).trimmingSpaces() }
        while let scalar = iterator.next() {
            endedWithPipe = false
            if scalar == "\\" {
                guard let escaped = iterator.next() else { current.append(scalar); break }
                if escaped != "|" { current.append(scalar) }
                current.append(escaped)
            } else if scalar == "|" {
                result.append(finish())
                current = String.UnicodeScalarView()
                endedWithPipe = true
            } else {
                current.append(scalar)
            }
        }
        if !endedWithPipe || result.isEmpty { result.append(finish()) }
        return result
    }

    static func render(_ table: Table, options: MarkdownOptions) -> String {
        var html = "<table>\n<thead>\n"
        func row(_ cells: [String], header: Bool) {
            html += "<tr>\n"
            for (cell, alignment) in zip(cells, table.alignments) {
                html += header ? "<th" : "<td"
                html += attribute(alignment)
                html += ">"
                html += MarkdownRenderer.inlineHTML(cell, options: options)
                html += header ? "</th>\n" : "</td>\n"
            }
            html += "</tr>\n"
        }
        row(table.header, header: true)
        html += "</thead>\n"
        if !table.rows.isEmpty {
            html += "<tbody>\n"
            for cells in table.rows { row(cells, header: false) }
            html += "</tbody>\n"
        }
        html += "</table>"
        return html
    }

    private static func attribute(_ alignment: Alignment) -> String {
        switch alignment {
        case .none: return ""
        case .left: return " align=\"left\""
        case .center: return " align=\"center\""
        case .right: return " align=\"right\""
        }
    }
}

/// The source split into lines as cmark counts them, to recover a paragraph's raw text.
struct SourceLines {
    /// The source's UTF-8, and each line's range in it (without its line ending).
    private let bytes: [UInt8]
    private let lines: [Range<Int>]

    init(_ source: String) {
        let bytes = Array(source.utf8)
        var lines: [Range<Int>] = []
        var start = 0, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                lines.append(start..<index)
                start = index + 1
            } else if byte == UInt8(ascii: "\r") {
                lines.append(start..<index)
                // CR LF ends one line.
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                start = index + 1
            }
            index += 1
        }
        lines.append(start..<bytes.count)
        self.bytes = bytes
        self.lines = lines
    }

    /// The paragraph's lines without the markers of the block quotes and list items around it.
    func contentLines(of paragraph: CmarkNode) -> [String] {
        var containers: [CmarkNode] = []
        var ancestor = paragraph.parent
        while let node = ancestor, node.type != CMARK_NODE_DOCUMENT {
            containers.insert(node, at: 0)
            ancestor = node.parent
        }
        let first = paragraph.startLine
        let last = paragraph.endLine
        guard first >= 1, last >= first, last <= lines.count else { return [] }
        var result: [String] = []
        for number in first...last {
            let line = bytes[lines[number - 1]]
            var position = line.startIndex
            if number == first {
                position += min(max(paragraph.startColumn - 1, 0), line.count)
            } else {
                for container in containers {
                    position = Self.skipMarker(of: container, in: line, from: position)
                }
            }
            result.append(String(decoding: line[position...], as: UTF8.self))
        }
        return result
    }

    /// `start` and the result are indexes of `bytes`, within `line`.
    private static func skipMarker(of container: CmarkNode, in line: ArraySlice<UInt8>, from start: Int) -> Int {
        var position = start
        switch container.type {
        case CMARK_NODE_BLOCK_QUOTE:
            var spaces = 0
            while position < line.endIndex, line[position] == UInt8(ascii: " "), spaces < 3 {
                position += 1
                spaces += 1
            }
            guard position < line.endIndex, line[position] == UInt8(ascii: ">") else { return start }
            position += 1
            if position < line.endIndex, line[position] == UInt8(ascii: " ") || line[position] == UInt8(ascii: "\t") {
                position += 1
            }
            return position
        case CMARK_NODE_ITEM:
            // Continuation lines are indented to the column where the item's content starts.
            guard let content = container.firstChild else { return position }
            let column = line.startIndex + content.startColumn - 1
            while position < column, position < line.endIndex, line[position] == UInt8(ascii: " ") {
                position += 1
            }
            return position
        default:
            return position
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

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
        guard trimmed.contains("|") else { return nil }
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
    static func cells(_ line: String) -> [String] {
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
        func row(_ cells: [String], tag: String) -> String {
            var html = "<tr>\n"
            for (cell, alignment) in zip(cells, table.alignments) {
                html += "<\(tag)\(attribute(alignment))>"
                html += MarkdownRenderer.inlineHTML(cell, options: options)
                html += "</\(tag)>\n"
            }
            return html + "</tr>\n"
        }
        var html = "<table>\n<thead>\n" + row(table.header, tag: "th") + "</thead>\n"
        if !table.rows.isEmpty {
            html += "<tbody>\n" + table.rows.map { row($0, tag: "td") }.joined() + "</tbody>\n"
        }
        return html + "</table>"
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
    private let lines: [[UInt8]]

    init(_ source: String) {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in source.utf8 {
            if byte == UInt8(ascii: "\n") {
                if !previousWasCR { lines.append(current) }
                current = []
                previousWasCR = false
            } else if byte == UInt8(ascii: "\r") {
                lines.append(current)
                current = []
                previousWasCR = true
            } else {
                current.append(byte)
                previousWasCR = false
            }
        }
        lines.append(current)
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
            let line = lines[number - 1]
            var position = 0
            if number == first {
                position = min(max(paragraph.startColumn - 1, 0), line.count)
            } else {
                for container in containers {
                    position = Self.skipMarker(of: container, in: line, from: position)
                }
            }
            result.append(String(decoding: line[position...], as: UTF8.self))
        }
        return result
    }

    private static func skipMarker(of container: CmarkNode, in line: [UInt8], from start: Int) -> Int {
        var position = start
        switch container.type {
        case CMARK_NODE_BLOCK_QUOTE:
            var spaces = 0
            while position < line.count, line[position] == UInt8(ascii: " "), spaces < 3 {
                position += 1
                spaces += 1
            }
            guard position < line.count, line[position] == UInt8(ascii: ">") else { return start }
            position += 1
            if position < line.count, line[position] == UInt8(ascii: " ") || line[position] == UInt8(ascii: "\t") {
                position += 1
            }
            return position
        case CMARK_NODE_ITEM:
            // Continuation lines are indented to the column where the item's content starts.
            guard let content = container.firstChild else { return position }
            let column = content.startColumn - 1
            while position < column, position < line.count, line[position] == UInt8(ascii: " ") {
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

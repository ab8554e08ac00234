import Foundation

/// A workspace file read as UTF-8 text and, for Markdown items, split into front matter and body.
struct SourceFile {
    /// The path relative to the workspace, used in diagnostics.
    let path: String
    let text: String

    /// Reads and decodes a file, reporting empty files and invalid UTF-8 with their position.
    static func read(_ url: URL, path: String, log: inout DiagnosticLog) -> SourceFile? {
        read(atPath: url.path, path: path, log: &log)
    }

    /// `read` for a file given by its full path (a workspace lists 11,000 of them: no URL each).
    static func read(atPath fullPath: String, path: String, log: inout DiagnosticLog) -> SourceFile? {
        guard let bytes = contents(of: fullPath) else {
            log.error("cannot read the file — check that it exists and is readable", at: SourceLocation(file: path, line: 0, column: 0))
            return nil
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            log.error("empty file — write the YAML keys (see `dossier init` for an example) or delete the file",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            let (line, column) = Self.firstInvalidUTF8(in: Data(bytes))
            log.error("invalid UTF-8 — save the file as UTF-8 (the Korean EUC-KR or CP949 encodings are not supported)",
                      at: SourceLocation(file: path, line: line, column: column))
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return SourceFile(path: path, text: text)
    }

    /// The bytes of a regular file (nil for a folder or one that cannot be read), with `read(2)`.
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: 4096)) }
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 { if errno == EINTR { continue } else { return nil } }
            if count == 0 { break }
            filled += count
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// The line and column (in characters) of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return (line, column)
            case .error:
                return (line, column)
            }
        }
    }

    /// The YAML between `---` lines at the top of a Markdown file, and the body after it.
    struct FrontMatter {
        let yaml: String
        /// Lines to add to a YAML line number to get the file's line number.
        let lineOffset: Int
        let body: String
        let bodyLine: Int
    }

    func splitFrontMatter(log: inout DiagnosticLog) -> FrontMatter? {
        // Lines end at "\n"; a "\r" before it (Windows) is not part of the line. Works on the UTF-8
        // bytes: only the front matter's lines are looked at one by one.
        let bytes = Array(text.utf8)
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        func line(from start: Int) -> (content: Range<Int>, next: Int?) {
            var end = start
            while end < bytes.count, bytes[end] != newline { end += 1 }
            let contentEnd = end > start && bytes[end - 1] == carriageReturn ? end - 1 : end
            return (start..<contentEnd, end < bytes.count ? end + 1 : nil)
        }
        func isFence(_ range: Range<Int>) -> Bool {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, bytes[lower] == UInt8(ascii: " ") || bytes[lower] == UInt8(ascii: "\t") { lower += 1 }
            while upper > lower, bytes[upper - 1] == UInt8(ascii: " ") || bytes[upper - 1] == UInt8(ascii: "\t") { upper -= 1 }
            if bytes[lower..<upper].elementsEqual("---".utf8) { return true }
            // Other Unicode spaces around the dashes count as well: worth a look only for a line of
            // exactly three dashes, no other ASCII but spaces and tabs, and some non-ASCII bytes.
            var dashes = 0, other = false
            for byte in bytes[range] {
                if byte == UInt8(ascii: "-") { dashes += 1 } else if byte >= 0x80 { other = true }
                else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { return false }
            }
            guard dashes == 3, other else { return false }
            return String(decoding: bytes[range], as: UTF8.self).trimmingCharacters(in: .whitespaces) == "---"
        }
        let first = line(from: 0)
        guard isFence(first.content) else {
            log.error("missing front matter — start the file with a line '---', the YAML keys (id, title, …), then another '---'",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        var yamlLines: [Range<Int>] = []
        var next = first.next
        var closeNext: Int?
        var closed = false
        while let start = next {
            let current = line(from: start)
            if isFence(current.content) || bytes[current.content].elementsEqual("...".utf8) {
                closed = true
                closeNext = current.next
                break
            }
            yamlLines.append(current.content)
            next = current.next
        }
        guard closed else {
            log.error("front matter is not closed — add a line '---' after the last YAML key",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        var yaml: [UInt8] = []
        for (index, range) in yamlLines.enumerated() {
            if index > 0 { yaml.append(newline) }
            yaml += bytes[range]
        }
        // The body, with the "\r" of each "\r\n" (and of a last line) removed.
        var body: [UInt8] = []
        if let start = closeNext {
            body.reserveCapacity(bytes.count - start)
            var index = start
            while index < bytes.count {
                let byte = bytes[index]
                if byte == carriageReturn, index + 1 == bytes.count || bytes[index + 1] == newline {
                    index += 1
                    continue
                }
                body.append(byte)
                index += 1
            }
        }
        return FrontMatter(yaml: String(decoding: yaml, as: UTF8.self), lineOffset: 1, body: String(decoding: body, as: UTF8.self),
                           bodyLine: yamlLines.count + 3)
    }
}

/// Front matter handling for callers outside workspace loading.
public enum FrontMatter {
    /// The body of a Markdown document whose first line is `---` and that closes its front matter;
    /// any other text is returned as it is.
    public static func stripped(from text: String) -> String {
        var log = DiagnosticLog()
        return SourceFile(path: "", text: text).splitFrontMatter(log: &log)?.body ?? text
    }
}

import Foundation

/// A workspace file read as UTF-8 text and, for Markdown items, split into front matter and body.
struct SourceFile {
    /// The path relative to the workspace, used in diagnostics.
    let path: String
    let text: String

    /// Reads and decodes a file, reporting empty files and invalid UTF-8 with their position.
    static func read(_ url: URL, path: String, log: inout DiagnosticLog) -> SourceFile? {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            log.error("cannot read the file — check that it exists and is readable", at: SourceLocation(file: path, line: 0, column: 0))
            return nil
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            log.error("empty file — write the YAML keys (see `dossier init` for an example) or delete the file",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        guard var text = String(data: data, encoding: .utf8) else {
            let (line, column) = Self.firstInvalidUTF8(in: data)
            log.error("invalid UTF-8 — save the file as UTF-8 (the Korean EUC-KR or CP949 encodings are not supported)",
                      at: SourceLocation(file: path, line: line, column: column))
            return nil
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return SourceFile(path: path, text: text)
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
        // Split on scalars: "\r\n" is one Character, so splitting Characters on "\n" misses Windows lines.
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars -> Substring in
            let line = Substring(String(String.UnicodeScalarView(scalars)))
            return line.hasSuffix("\r") ? line.dropLast() : line
        }
        let isFence: (Substring) -> Bool = { $0.trimmingCharacters(in: .whitespaces) == "---" }
        guard let first = lines.first, isFence(first) else {
            log.error("missing front matter — start the file with a line '---', the YAML keys (id, title, …), then another '---'",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        guard let close = lines.indices.dropFirst().first(where: { isFence(lines[$0]) || lines[$0] == "..." }) else {
            log.error("front matter is not closed — add a line '---' after the last YAML key",
                      at: SourceLocation(file: path, line: 1, column: 1))
            return nil
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        lines.removeSubrange(0...close)
        return FrontMatter(yaml: yaml, lineOffset: 1, body: lines.joined(separator: "\n"), bodyLine: close + 2)
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

import Foundation

/// A problem in the user's input, with the place it was found.
public struct Diagnostic: Codable, Sendable, Hashable, Comparable {
    public enum Severity: String, Codable, Sendable, Hashable {
        case error, warning
    }

    /// The path relative to the workspace folder, e.g. `findings/F-001.md`.
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    /// 1-based column; 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.file, lhs.line, lhs.column, lhs.severity == .error ? 0 : 1, lhs.message)
            < (rhs.file, rhs.line, rhs.column, rhs.severity == .error ? 0 : 1, rhs.message)
    }

    /// `path:line:column: error: message`, the path prefixed with `base` (the folder as the user named it).
    public func formatted(relativeTo base: String = "") -> String {
        var path = file
        if !base.isEmpty {
            path = base.hasSuffix("/") ? base + file : base + "/" + file
        }
        var location = path
        if line > 0 {
            location += ":\(line)"
            if column > 0 { location += ":\(column)" }
        }
        return "\(location): \(severity.rawValue): \(message)"
    }
}

/// A place in a source file, for attaching diagnostics to values decoded from it.
public struct SourceLocation: Codable, Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// Collects diagnostics; loading never stops at the first problem.
public struct DiagnosticLog: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(file: location.file, line: location.line, column: location.column, severity: .error, message: message))
    }

    public mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(file: location.file, line: location.line, column: location.column, severity: .warning, message: message))
    }

    public mutating func append(contentsOf other: DiagnosticLog) {
        diagnostics.append(contentsOf: other.diagnostics)
    }

    /// The diagnostics sorted by file, line and column, duplicates removed.
    public var sorted: [Diagnostic] {
        Array(Set(diagnostics)).sorted()
    }
}

/// The closing line of a check: `2 errors and 1 warning in 18 files`.
public func diagnosticSummary(errors: Int, warnings: Int, files: Int) -> String {
    func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
    if errors == 0 && warnings == 0 {
        return "No problems found in \(count(files, "file"))."
    }
    return "\(count(errors, "error")) and \(count(warnings, "warning")) in \(count(files, "file"))."
}

import Foundation

/// Evidence files as client deliverables see them: read once, redacted, with what was masked.
public final class EvidenceStore: @unchecked Sendable {
    public struct Item: Sendable {
        public var path: String
        public var size: Int
        /// The redacted text; nil for files that are not UTF-8 text (screenshots, archives).
        public var redactedText: String?
        /// The redacted bytes: the text re-encoded, or the original bytes of a binary file.
        public var redactedData: Data
        /// SHA-256 (hex) of `redactedData`, made once: what the build cache keys quoting pages on.
        public var digest: String
        public var report: Redactor.Report
    }

    static let imageTypes: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "pdf"]

    private let root: URL
    private let redactor: Redactor
    private var cache: [String: Item] = [:]
    private let lock = NSLock()

    public init(root: URL, redactor: Redactor) {
        self.root = root
        self.redactor = redactor
    }

    public func item(_ path: String) -> Item {
        if let cached = lock.withLock({ cache[path] }) { return cached }
        let data = (try? Data(contentsOf: root.appendingPathComponent(path))) ?? Data()
        let item: Item
        let isImage = Self.imageTypes.contains((path as NSString).pathExtension.lowercased())
        if isImage {
            // Screenshots and PDFs cannot be redacted as text; they are quoted as they are.
            item = Item(path: path, size: data.count, redactedText: nil, redactedData: data, digest: Digest.sha256(data), report: Redactor.Report())
        } else {
            // Everything else is treated as text, even when it is not valid UTF-8 (EUC-KR logs, stray
            // bytes): decoded with replacement characters and redacted, never copied unredacted.
            let text = String(decoding: data.filter { $0 != 0 }, as: UTF8.self)
            let (redacted, report) = redactor.redact(text)
            let redactedData = Data(redacted.utf8)
            item = Item(path: path, size: data.count, redactedText: redacted, redactedData: redactedData, digest: Digest.sha256(redactedData), report: report)
        }
        lock.withLock { cache[path] = item }
        return item
    }

    /// The first `lines` lines of the redacted text, and whether there were more.
    public func excerpt(_ path: String, lines: Int = 30) -> (text: String, truncated: Bool)? {
        guard let text = item(path).redactedText else { return nil }
        let all = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(String.UnicodeScalarView($0)).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
        let trimmed = all.count > 1 && all.last == "" ? all.dropLast() : all[...]
        return (trimmed.prefix(lines).joined(separator: "\n"), trimmed.count > lines)
    }

    /// What was masked in the given files, together.
    public func report(for paths: Set<String>) -> Redactor.Report {
        var total = Redactor.Report()
        for path in paths { total.merge(item(path).report) }
        return total
    }
}

/// A fence for a code block that holds `text`: longer than any run of backticks inside it.
func codeFence(for text: String) -> String {
    var longest = 0, current = 0
    for character in text {
        current = character == "`" ? current + 1 : 0
        longest = max(longest, current)
    }
    return String(repeating: "`", count: max(3, longest + 1))
}

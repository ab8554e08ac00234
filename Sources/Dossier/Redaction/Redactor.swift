import Foundation

/// Masks secrets and personal data in evidence text before it reaches a client deliverable, and
/// counts what it masked by kind (never keeping the values).
public struct Redactor: Sendable {
    public struct Rule: Sendable {
        public var kind: String
        public var pattern: String
        /// The replacement template: `$1` … refer to the pattern's groups.
        public var replacement: String

        public init(kind: String, pattern: String, replacement: String) {
            self.kind = kind
            self.pattern = pattern
            self.replacement = replacement
        }
    }

    /// What was masked: kind → count.
    public struct Report: Sendable, Hashable {
        public var counts: [String: Int] = [:]

        public init() {}

        public var total: Int { counts.values.reduce(0, +) }

        public mutating func merge(_ other: Report) {
            for (kind, count) in other.counts { counts[kind, default: 0] += count }
        }
    }

    /// Which optional rules apply; secrets are always masked.
    public struct Configuration: Codable, Sendable, Hashable {
        public var emails: Bool
        public var phones: Bool
        public var residentNumbers: Bool
        public var extra: [ExtraPattern]

        public struct ExtraPattern: Codable, Sendable, Hashable {
            public var name: String
            public var pattern: String
        }

        public init(emails: Bool = true, phones: Bool = true, residentNumbers: Bool = true, extra: [ExtraPattern] = []) {
            self.emails = emails
            self.phones = phones
            self.residentNumbers = residentNumbers
            self.extra = extra
        }
    }

    private let compiled: [(rule: Rule, regex: NSRegularExpression)]

    public static let secretRules: [Rule] = [
        // A key block cut off without its END line (a truncated log) is masked to the end of the text.
        Rule(kind: "private-key", pattern: #"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[\s\S]*)"#,
             replacement: "[REDACTED:private-key]"),
        Rule(kind: "jwt", pattern: #"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"#, replacement: "[REDACTED:jwt]"),
        Rule(kind: "bearer-token", pattern: #"(?i)(\bbearer\s+)(?!\[REDACTED)[A-Za-z0-9._~+/=-]{8,}"#, replacement: "$1[REDACTED:token]"),
        Rule(kind: "bearer-token", pattern: #"(?i)(\bbasic\s+)(?!\[REDACTED)[A-Za-z0-9+/=]{8,}"#, replacement: "$1[REDACTED:token]"),
        Rule(kind: "aws-key", pattern: #"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b"#, replacement: "[REDACTED:aws-key]"),
        Rule(kind: "aws-secret", pattern: #"(?i)(aws_secret_access_key|secret_access_key|aws_secret_key)(["']?[ \t]*[:=][ \t]*["']?)[A-Za-z0-9/+=]{30,}"#,
             replacement: "$1$2[REDACTED]"),
        // user:password@ in a URL; the password runs to the last '@' of the address (it may hold '/').
        Rule(kind: "connection-password", pattern: #"(://[^/\s:@]+:)(?!\[REDACTED)[^\s]*(@)"#, replacement: "$1[REDACTED]$2"),
        // Oracle: sqlplus scott/tiger@ORCL, ALTER USER … IDENTIFIED BY tiger.
        Rule(kind: "connection-password", pattern: #"(?i)(\b(?:sqlplus|rman|expdp|impdp|exp|imp|sqlldr|dgmgrl)\s+(?:-\w+\s+)*[^\s/@]+/)(?!\[REDACTED)[^\s@]+"#,
             replacement: "$1[REDACTED]"),
        Rule(kind: "secret", pattern: #"(?i)(\bidentified\s+by\s+"?)(?!\[REDACTED)[^\s";]+"#, replacement: "$1[REDACTED]"),
        Rule(kind: "secret",
             pattern: #"(?i)\b((?:[a-z0-9]+[_-])*[a-z0-9]*(?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?)(?:[_-][a-z0-9]+)*)(["']?[ \t]*[:=][ \t]*["']?)(?!\[REDACTED)([^\s"',;&<>)\]}]+)"#,
             replacement: "$1$2[REDACTED]"),
        // Passwords given on a command line: redis-cli -a, mysql -p…, --password[=| ]….
        Rule(kind: "secret", pattern: #"(\bredis-cli\b[^\n]*?\s-a\s+)(?!\[REDACTED)('[^'\n]*'|"[^"\n]*"|\S+)"#, replacement: "$1[REDACTED]"),
        Rule(kind: "secret", pattern: #"(\bmysql\w*\b[^\n]*?\s-p)(?!\[REDACTED)('[^'\n]*'|"[^"\n]*"|[^\s'"]+)"#, replacement: "$1[REDACTED]"),
        Rule(kind: "secret", pattern: #"(?i)(\s--(?:password|passwd|pass|auth|token)(?:=|\s+))(?!\[REDACTED)('[^'\n]*'|"[^"\n]*"|\S+)"#, replacement: "$1[REDACTED]"),
    ]

    public static let residentNumberRule = Rule(kind: "rrn", pattern: #"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[1-8]\d{6}(?!\d)"#,
                                                replacement: "[REDACTED:rrn]")
    public static let phoneRule = Rule(kind: "phone",
                                       pattern: #"(?<![\d-])(?:\+82[- ]?(?:10|[2-6]\d?)|01[016789]|02|0[3-6][1-5]|070|080|1[568]\d{2})[- .]?\d{3,4}[- .]\d{4}(?![\d-])"#,
                                       replacement: "[REDACTED:phone]")
    public static let emailRule = Rule(kind: "email", pattern: #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#, replacement: "[REDACTED:email]")

    public init(configuration: Configuration = Configuration()) throws {
        var rules = Self.secretRules
        if configuration.residentNumbers { rules.append(Self.residentNumberRule) }
        if configuration.phones { rules.append(Self.phoneRule) }
        if configuration.emails { rules.append(Self.emailRule) }
        rules += configuration.extra.map { Rule(kind: $0.name, pattern: $0.pattern, replacement: "[REDACTED:\($0.name)]") }
        compiled = try rules.map { ($0, try NSRegularExpression(pattern: $0.pattern)) }
    }

    /// The text with every match masked, and what was masked.
    public func redact(_ text: String) -> (text: String, report: Report) {
        var report = Report()
        var current = text
        for (rule, regex) in compiled {
            let range = NSRange(current.startIndex..., in: current)
            let matches = regex.numberOfMatches(in: current, range: range)
            guard matches > 0 else { continue }
            report.counts[rule.kind, default: 0] += matches
            current = regex.stringByReplacingMatches(in: current, range: range, withTemplate: rule.replacement)
        }
        return (current, report)
    }
}

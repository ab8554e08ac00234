/// One diagnosed problem: `findings/*.md`.
public struct Finding: Codable, Sendable, Hashable, Identifiable {
    public enum Severity: String, WorkspaceEnum, Comparable {
        case critical, high, medium, low, info

        /// 0 for critical … 4 for info: sorts the most severe first. (A switch: `allCases` makes a
        /// new array at every call, and sorting 10,000 findings compares ranks 300,000 times.)
        public var rank: Int {
            switch self {
            case .critical: 0
            case .high: 1
            case .medium: 2
            case .low: 3
            case .info: 4
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public enum Category: String, WorkspaceEnum {
        case performance, availability, architecture, query, capacity, cost, security, operations
    }

    public enum Status: String, WorkspaceEnum {
        case open
        case inProgress = "in-progress"
        case resolved, accepted, recurring
    }

    public enum Effort: String, WorkspaceEnum {
        case s = "S", m = "M", l = "L"
    }

    /// A measured figure before and after the fix.
    public struct Metric: Codable, Sendable, Hashable {
        public enum Direction: String, WorkspaceEnum {
            case lower, higher
        }

        public var name: String
        public var unit: String?
        public var before: Double?
        public var after: Double?
        public var target: Double?
        /// Which way is an improvement.
        public var better: Direction
    }

    public var id: String
    public var title: String
    public var summary: String?
    public var severity: Severity
    public var category: Category
    public var status: Status
    public var systems: [String]
    public var tags: [String]
    public var detected: Day?
    public var due: Day?
    public var owner: String?
    public var effort: Effort?
    public var controls: [ControlReference]
    public var metrics: [Metric]
    public var evidence: [EvidenceReference]
    public var audience: Audience
    /// The Markdown body after the front matter.
    public var body: String
    /// The file and the line of the `id` key.
    public var location: SourceLocation
    /// The line where the body starts, for diagnostics in rendered Markdown.
    public var bodyLine: Int
}

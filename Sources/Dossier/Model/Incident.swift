/// A critical incident handled by the consultancy: `incidents/*.md`.
public struct Incident: Codable, Sendable, Hashable, Identifiable {
    public enum Severity: String, WorkspaceEnum, Comparable {
        case sev1, sev2, sev3, sev4

        /// 0 for sev1 … 3 for sev4 (a switch: `allCases` makes a new array at every call).
        public var rank: Int {
            switch self {
            case .sev1: 0
            case .sev2: 1
            case .sev3: 2
            case .sev4: 3
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public enum Status: String, WorkspaceEnum {
        case open, mitigated, resolved
    }

    public struct TimelineEntry: Codable, Sendable, Hashable {
        public enum Kind: String, WorkspaceEnum {
            case started, detected, reported, engaged, diagnosed, mitigated, resolved, update, action
        }

        public var at: Timestamp
        public var kind: Kind
        public var text: String
        public var by: String?
        public var location: SourceLocation
    }

    public struct Action: Codable, Sendable, Hashable {
        public enum Status: String, WorkspaceEnum {
            case open
            case inProgress = "in-progress"
            case done
        }

        public var text: String
        public var owner: String?
        public var due: Day?
        public var status: Status
    }

    public var id: String
    public var title: String
    public var severity: Severity
    public var systems: [String]
    public var status: Status
    public var summary: String?
    public var impact: String?
    public var rootCause: String?
    public var timeline: [TimelineEntry]
    public var actions: [Action]
    /// Ids of the findings behind this incident.
    public var related: [String]
    public var controls: [ControlReference]
    public var evidence: [EvidenceReference]
    public var audience: Audience
    public var body: String
    public var location: SourceLocation
    public var bodyLine: Int

    /// The first timeline entry of `kind`, if any.
    public func firstEntry(_ kind: TimelineEntry.Kind) -> TimelineEntry? {
        timeline.first { $0.kind == kind }
    }
}

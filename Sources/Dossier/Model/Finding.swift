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

    /// The fields, in one shared box that a copy of the finding retains once (a build copies each
    /// of 10,000 findings into several lists and views, and a copy of the fields one by one retained
    /// a dozen strings and arrays); a change copies the box when another finding shares it.
    struct Fields: Codable, Sendable, Hashable {
        var id: String
        var title: String
        var summary: String?
        var severity: Severity
        var category: Category
        var status: Status
        var systems: [String]
        var tags: [String]
        var detected: Day?
        var due: Day?
        var owner: String?
        var effort: Effort?
        var controls: [ControlReference]
        var metrics: [Metric]
        var evidence: [EvidenceReference]
        var audience: Audience
        var body: String
        var location: SourceLocation
        var bodyLine: Int
    }

    private final class Box: @unchecked Sendable {
        // Changed only through `change(_:)`, when this finding alone holds the box.
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    /// `change` applied to the fields, in a box of this finding's own.
    private mutating func change(_ change: (inout Fields) -> Void) {
        if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
        change(&box.fields)
    }

    public var id: String {
        get { box.fields.id }
        set { change { $0.id = newValue } }
    }
    public var title: String {
        get { box.fields.title }
        set { change { $0.title = newValue } }
    }
    public var summary: String? {
        get { box.fields.summary }
        set { change { $0.summary = newValue } }
    }
    public var severity: Severity {
        get { box.fields.severity }
        set { change { $0.severity = newValue } }
    }
    public var category: Category {
        get { box.fields.category }
        set { change { $0.category = newValue } }
    }
    public var status: Status {
        get { box.fields.status }
        set { change { $0.status = newValue } }
    }
    public var systems: [String] {
        get { box.fields.systems }
        set { change { $0.systems = newValue } }
    }
    public var tags: [String] {
        get { box.fields.tags }
        set { change { $0.tags = newValue } }
    }
    public var detected: Day? {
        get { box.fields.detected }
        set { change { $0.detected = newValue } }
    }
    public var due: Day? {
        get { box.fields.due }
        set { change { $0.due = newValue } }
    }
    public var owner: String? {
        get { box.fields.owner }
        set { change { $0.owner = newValue } }
    }
    public var effort: Effort? {
        get { box.fields.effort }
        set { change { $0.effort = newValue } }
    }
    public var controls: [ControlReference] {
        get { box.fields.controls }
        set { change { $0.controls = newValue } }
    }
    public var metrics: [Metric] {
        get { box.fields.metrics }
        set { change { $0.metrics = newValue } }
    }
    public var evidence: [EvidenceReference] {
        get { box.fields.evidence }
        set { change { $0.evidence = newValue } }
    }
    public var audience: Audience {
        get { box.fields.audience }
        set { change { $0.audience = newValue } }
    }
    /// The Markdown body after the front matter.
    public var body: String {
        get { box.fields.body }
        set { change { $0.body = newValue } }
    }
    /// The file and the line of the `id` key.
    public var location: SourceLocation {
        get { box.fields.location }
        set { change { $0.location = newValue } }
    }
    /// The line where the body starts, for diagnostics in rendered Markdown.
    public var bodyLine: Int {
        get { box.fields.bodyLine }
        set { change { $0.bodyLine = newValue } }
    }

    public init(id: String, title: String, summary: String?, severity: Severity, category: Category, status: Status,
                systems: [String], tags: [String], detected: Day?, due: Day?, owner: String?, effort: Effort?,
                controls: [ControlReference], metrics: [Metric], evidence: [EvidenceReference], audience: Audience,
                body: String, location: SourceLocation, bodyLine: Int) {
        box = Box(Fields(id: id, title: title, summary: summary, severity: severity, category: category, status: status,
                         systems: systems, tags: tags, detected: detected, due: due, owner: owner, effort: effort,
                         controls: controls, metrics: metrics, evidence: evidence, audience: audience,
                         body: body, location: location, bodyLine: bodyLine))
    }

    public init(from decoder: any Decoder) throws {
        box = Box(try Fields(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try box.fields.encode(to: encoder)
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    public func hash(into hasher: inout Hasher) {
        box.fields.hash(into: &hasher)
    }
}

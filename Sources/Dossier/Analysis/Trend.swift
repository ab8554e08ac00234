/// How the findings changed since the previous check.
///
/// Findings are matched by id. A finding is **new** when the previous check did not have it;
/// **persisting** when it was unresolved then and is unresolved now; **recurring** when it was
/// resolved then and is back now (or is marked `recurring`); **resolved** when it was unresolved
/// then and is now resolved or gone. A finding is **chronic** when it is unresolved now and was
/// already unresolved or recurring in the previous check and is high or critical, or recurs.
public struct Trend: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, CaseIterable {
        case new, persisting, recurring, resolved
    }

    public struct Entry: Sendable, Hashable {
        public var id: String
        public var title: String
        public var severity: Finding.Severity
        public var change: Change
        public var chronic: Bool
    }

    public var previousEngagement: Engagement
    public var entries: [Entry]
    public var previousScore: Int
    public var currentScore: Int

    /// - Parameter hidden: ids of current findings left out of this deliverable (internal audience):
    ///   they are neither listed nor counted as resolved.
    public init(current: [Finding], previous: [Finding], previousEngagement: Engagement, hidden: Set<String> = []) {
        self.previousEngagement = previousEngagement
        let before = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [Entry] = []
        for finding in current {
            let earlier = before[finding.id]
            let resolvedNow = finding.status == .resolved
            let change: Change
            switch (earlier, resolvedNow) {
            case (nil, _) where finding.status == .recurring: change = .recurring
            case (nil, _): change = .new
            case (let old?, false) where old.status == .resolved || finding.status == .recurring: change = .recurring
            case (.some, false): change = .persisting
            case (let old?, true): change = old.status == .resolved ? .persisting : .resolved
            }
            if change == .persisting && resolvedNow { continue }
            let chronic = !resolvedNow && (change == .recurring || (change == .persisting && finding.severity <= .high))
            entries.append(Entry(id: finding.id, title: finding.title, severity: finding.severity, change: change, chronic: chronic))
        }
        let currentIDs = Set(current.map(\.id))
        for old in previous where !currentIDs.contains(old.id) && !hidden.contains(old.id) && old.status != .resolved {
            entries.append(Entry(id: old.id, title: old.title, severity: old.severity, change: .resolved, chronic: false))
        }
        self.entries = entries.sorted { ($0.severity, $0.id) < ($1.severity, $1.id) }
        previousScore = FindingStatistics(previous).healthScore
        currentScore = FindingStatistics(current).healthScore
    }

    public func entries(_ change: Change) -> [Entry] { entries.filter { $0.change == change } }
    public var chronic: [Entry] { entries.filter(\.chronic) }
}

import Foundation

/// The durations of an incident and its golden-time verdict.
public struct IncidentMetrics: Sendable, Hashable {
    /// detected − started.
    public var timeToDetect: TimeInterval?
    /// engaged − reported: what the golden time is judged on.
    public var timeToEngage: TimeInterval?
    /// mitigated − started.
    public var timeToMitigate: TimeInterval?
    /// resolved − started.
    public var timeToResolve: TimeInterval?
    public var goldenTime: GoldenTimeVerdict?

    public init(_ incident: Incident, goldenTime: TimeSpan?) {
        func span(_ from: Incident.TimelineEntry.Kind, _ to: Incident.TimelineEntry.Kind) -> TimeInterval? {
            guard let start = incident.firstEntry(from)?.at.date, let end = incident.firstEntry(to)?.at.date else { return nil }
            return end.timeIntervalSince(start).rounded()
        }
        timeToDetect = span(.started, .detected)
        timeToEngage = span(.reported, .engaged)
        timeToMitigate = span(.started, .mitigated)
        timeToResolve = span(.started, .resolved)
        if let limit = goldenTime, let engage = timeToEngage {
            self.goldenTime = GoldenTimeVerdict(limit: limit, timeToEngage: engage)
        }
    }
}

/// Whether the engineer was engaged within the golden time, and by how much.
public struct GoldenTimeVerdict: Sendable, Hashable {
    public var limit: TimeSpan
    public var timeToEngage: TimeInterval

    public var met: Bool { timeToEngage <= TimeInterval(limit.seconds) }
    /// Time to spare when met (positive), or the overrun when breached (negative).
    public var margin: TimeInterval { TimeInterval(limit.seconds) - timeToEngage }
}

/// What a retainer period delivered.
public struct PeriodSummary: Sendable, Hashable {
    public var incidentsBySeverity: [Incident.Severity: Int]
    public var incidentsJudged: Int
    public var incidentsWithinGoldenTime: Int
    /// Percentage of judged incidents engaged within the golden time; nil when none could be judged.
    public var goldenTimeAttainment: Double?
    /// Findings detected within the period.
    public var findingsOpened: Int
    public var findingsResolved: Int
    public var findingsOpen: Int
    public var contractedManMonths: Double?
    public var usedManMonths: Double?

    public init(engagement: Engagement, findings: [Finding], incidents: [Incident]) {
        incidentsBySeverity = Dictionary(grouping: incidents, by: \.severity).mapValues(\.count)
        let verdicts = incidents.compactMap { IncidentMetrics($0, goldenTime: engagement.serviceLevel?.goldenTime).goldenTime }
        incidentsJudged = verdicts.count
        incidentsWithinGoldenTime = verdicts.filter(\.met).count
        goldenTimeAttainment = verdicts.isEmpty ? nil : Double(incidentsWithinGoldenTime) / Double(verdicts.count) * 100
        // Counted, not filtered: filtering copies each finding it keeps.
        findingsOpened = findings.reduce(0) { count, finding in
            guard let detected = finding.detected else { return count }
            return detected >= engagement.period.from && detected <= engagement.period.to ? count + 1 : count
        }
        findingsResolved = findings.reduce(0) { $1.status == .resolved ? $0 + 1 : $0 }
        findingsOpen = findings.reduce(0) { FindingStatistics.isOpenRisk($1) ? $0 + 1 : $0 }
        contractedManMonths = engagement.retainer?.contractedManMonths
        usedManMonths = engagement.retainer?.usedManMonths
    }

    /// Used over contracted man-months, in percent.
    public var manMonthUsage: Double? {
        guard let used = usedManMonths, let contracted = contractedManMonths, contracted > 0 else { return nil }
        return used / contracted * 100
    }
}

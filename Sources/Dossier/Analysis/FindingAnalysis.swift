import Foundation

/// The change of one measured figure, judged in the direction that counts as better.
public struct MetricChange: Sendable, Hashable {
    public var metric: Finding.Metric
    /// Improvement in percent of the value before: positive is better, negative is worse;
    /// nil without both values or when the value before is zero.
    public var improvementPercent: Double?
    /// Whether the latest value (after, or before when not yet fixed) meets the target.
    public var targetMet: Bool?

    public init(_ metric: Finding.Metric) {
        self.metric = metric
        if let before = metric.before, let after = metric.after, before != 0 {
            let change = (after - before) / abs(before) * 100
            improvementPercent = metric.better == .lower ? -change : change
        }
        if let target = metric.target, let latest = metric.after ?? metric.before {
            targetMet = metric.better == .lower ? latest <= target : latest >= target
        }
    }
}

/// Counts and the health score of a set of findings.
///
/// The health score starts at 100 and every finding that is still a risk takes away a share of what
/// is left: critical 20%, high 10%, medium 4%, low 1%, info nothing. A recurring finding weighs one
/// and a half times (its share is applied 1.5 times), an accepted risk half; resolved findings weigh
/// nothing. Being multiplicative, the score stays informative however many findings there are and
/// never reaches 0. Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.
public struct FindingStatistics: Sendable, Hashable {
    public var total: Int
    public var bySeverity: [Finding.Severity: Int]
    public var byCategory: [Finding.Category: Int]
    public var byStatus: [Finding.Status: Int]
    public var bySystem: [String: Int]
    public var healthScore: Int

    /// The share of the score each unresolved finding takes away.
    public static let penalty: [Finding.Severity: Double] = [.critical: 0.20, .high: 0.10, .medium: 0.04, .low: 0.01, .info: 0]

    public init(_ findings: [Finding]) {
        total = findings.count
        // Counted, not grouped: grouping copies every finding into its group.
        var bySeverity: [Finding.Severity: Int] = [:], byCategory: [Finding.Category: Int] = [:], byStatus: [Finding.Status: Int] = [:]
        for index in findings.indices {
            bySeverity[findings[index].severity, default: 0] += 1
            byCategory[findings[index].category, default: 0] += 1
            byStatus[findings[index].status, default: 0] += 1
        }
        (self.bySeverity, self.byCategory, self.byStatus) = (bySeverity, byCategory, byStatus)
        var systems: [String: Int] = [:]
        // Each system once per finding (a finding names a few: compared in place, not made a set).
        for finding in findings {
            let named = finding.systems
            for (place, system) in named.enumerated() where !named[..<place].contains(system) { systems[system, default: 0] += 1 }
        }
        bySystem = systems
        var remaining = 1.0
        for finding in findings {
            let weight: Double
            switch finding.status {
            case .resolved: weight = 0
            case .accepted: weight = 0.5
            case .recurring: weight = 1.5
            case .open, .inProgress: weight = 1
            }
            remaining *= pow(1 - (Self.penalty[finding.severity] ?? 0), weight)
        }
        healthScore = Int((100 * remaining).rounded())
    }

    public var grade: String {
        switch healthScore {
        case 90...: return "A"
        case 75..<90: return "B"
        case 60..<75: return "C"
        case 40..<60: return "D"
        default: return "E"
        }
    }

    /// Findings still carrying risk: open, in progress or recurring.
    public static func isOpenRisk(_ finding: Finding) -> Bool {
        [.open, .inProgress, .recurring].contains(finding.status)
    }
}

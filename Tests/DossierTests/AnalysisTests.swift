import Foundation
import Testing
@testable import Dossier

func makeFinding(_ id: String, severity: Finding.Severity = .high, status: Finding.Status = .open,
                 metrics: [Finding.Metric] = [], detected: Day? = nil) -> Finding {
    Finding(id: id, title: "Title \(id)", summary: nil, severity: severity, category: .query, status: status, systems: ["db"],
            tags: [], detected: detected, due: nil, owner: nil, effort: nil, controls: [], metrics: metrics, evidence: [],
            audience: .client, body: "", location: SourceLocation(file: "f.md", line: 2, column: 5), bodyLine: 10)
}

func makeIncident(_ entries: [(String, Incident.TimelineEntry.Kind)]) -> Incident {
    let timeline = entries.map { text, kind in
        Incident.TimelineEntry(at: try! Timestamp.parse(text).get(), kind: kind, text: kind.rawValue, by: nil,
                               location: SourceLocation(file: "i.md", line: 1, column: 1))
    }
    return Incident(id: "INC-1", title: "Outage", severity: .sev1, systems: ["db"], status: .resolved, summary: nil, impact: nil,
                    rootCause: nil, timeline: timeline, actions: [], related: [], controls: [], evidence: [], audience: .client,
                    body: "", location: SourceLocation(file: "i.md", line: 2, column: 5), bodyLine: 10)
}

@Suite struct AnalysisTests {
    @Test func metricChangesRespectTheBetterDirection() {
        let latency = MetricChange(Finding.Metric(name: "p95", unit: "ms", before: 4200, after: 310, target: 500, better: .lower))
        #expect(abs(latency.improvementPercent! - 92.619) < 0.01)
        #expect(latency.targetMet == true)
        let throughput = MetricChange(Finding.Metric(name: "TPS", unit: nil, before: 200, after: 150, target: 300, better: .higher))
        #expect(throughput.improvementPercent == -25)
        #expect(throughput.targetMet == false)
        let unfixed = MetricChange(Finding.Metric(name: "x", unit: nil, before: 10, after: nil, target: 5, better: .lower))
        #expect(unfixed.improvementPercent == nil)
        #expect(unfixed.targetMet == false)
        #expect(MetricChange(Finding.Metric(name: "x", unit: nil, before: 0, after: 5, target: nil, better: .lower)).improvementPercent == nil)
    }

    @Test func healthScoreIsMultiplicativeAndDocumented() {
        #expect(FindingStatistics([]).healthScore == 100)
        #expect(FindingStatistics([makeFinding("a", severity: .critical)]).healthScore == 80)
        #expect(FindingStatistics([makeFinding("a", severity: .critical, status: .resolved)]).healthScore == 100)
        #expect(FindingStatistics([makeFinding("a", severity: .high), makeFinding("b", severity: .high)]).healthScore == 81)
        #expect(FindingStatistics([makeFinding("a", severity: .critical, status: .recurring)]).healthScore == 72)
        #expect(FindingStatistics([makeFinding("a", severity: .critical, status: .accepted)]).healthScore == 89)
        let many = FindingStatistics((1...60).map { makeFinding("\($0)", severity: .critical) })
        #expect(many.healthScore == 0 && many.grade == "E")
        let stats = FindingStatistics([makeFinding("a", severity: .high), makeFinding("b", severity: .low, status: .resolved)])
        #expect(stats.bySeverity[.high] == 1 && stats.byStatus[.resolved] == 1 && stats.bySystem["db"] == 2)
        #expect(stats.grade == "A")
    }

    @Test func incidentDurationsAndGoldenTime() {
        let incident = makeIncident([
            ("2026-10-21T12:00:00+09:00", .started), ("2026-10-21T12:09:00+09:00", .detected),
            ("2026-10-21T12:16:00+09:00", .reported), ("2026-10-21T14:51:00+09:00", .engaged),
            ("2026-10-21T15:31:00+09:00", .mitigated), ("2026-10-21T19:45:00+09:00", .resolved),
        ])
        let metrics = IncidentMetrics(incident, goldenTime: TimeSpan("2h"))
        #expect(metrics.timeToDetect == TimeInterval(9 * 60))
        #expect(metrics.timeToEngage == TimeInterval(155 * 60))
        #expect(metrics.timeToMitigate == TimeInterval(211 * 60))
        #expect(metrics.timeToResolve == TimeInterval(465 * 60))
        #expect(metrics.goldenTime?.met == false)
        #expect(metrics.goldenTime?.margin == TimeInterval(-35 * 60))
        let offsets = makeIncident([("2026-10-21T03:00:00Z", .reported), ("2026-10-21T13:30:00+09:00", .engaged)])
        #expect(IncidentMetrics(offsets, goldenTime: TimeSpan("2h")).goldenTime?.margin == TimeInterval(30 * 60))
        #expect(IncidentMetrics(makeIncident([("2026-10-21T03:00:00Z", .started)]), goldenTime: TimeSpan("2h")).goldenTime == nil)
    }

    @Test func trendAgainstThePreviousCheck() throws {
        let previousEngagement = try #require(WorkspaceLoader.load(examples.appendingPathComponent("acecommerce-2026-q3")).workspace).engagement
        let previous = [makeFinding("F-1"), makeFinding("F-2", status: .resolved), makeFinding("F-3"), makeFinding("F-4", status: .resolved), makeFinding("F-6", severity: .low)]
        let current = [makeFinding("F-1"), makeFinding("F-2"), makeFinding("F-3", status: .resolved), makeFinding("F-5"), makeFinding("F-4", status: .resolved)]
        let trend = Trend(current: current, previous: previous, previousEngagement: previousEngagement)
        #expect(trend.entries(.persisting).map(\.id) == ["F-1"])
        #expect(trend.entries(.recurring).map(\.id) == ["F-2"])
        #expect(trend.entries(.new).map(\.id) == ["F-5"])
        #expect(Set(trend.entries(.resolved).map(\.id)) == ["F-3", "F-6"])
        #expect(Set(trend.chronic.map(\.id)) == ["F-1", "F-2"])
    }

    @Test func periodSummary() throws {
        let workspace = try #require(WorkspaceLoader.load(examples.appendingPathComponent("northwind-retainer-2026-10")).workspace)
        let summary = PeriodSummary(engagement: workspace.engagement, findings: workspace.findings, incidents: workspace.incidents)
        #expect(summary.contractedManMonths == 3.0)
        #expect(summary.usedManMonths == 1.25)
        #expect(summary.manMonthUsage.map { abs($0 - 41.666) < 0.01 } == true)
        #expect(summary.incidentsJudged == workspace.incidents.count)
        #expect(summary.goldenTimeAttainment != nil)
    }
}

let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Examples")

@Suite struct FormatterTests {
    /// File names from ids: letters, digits, `-`, `_` and `.` kept, anything else `-`; printable
    /// ASCII takes a path on bytes that gives what the path on characters gives.
    @Test func fileSafeNames() {
        #expect(ReportContext.fileSafe("F-001") == "F-001")
        #expect(ReportContext.fileSafe("a b/c:d\\e") == "a-b-c-d-e")
        #expect(ReportContext.fileSafe("한글-1") == "한글-1")
        #expect(ReportContext.fileSafe("a\r\nb") == "a-b", "a line break is one character")
        let printable = String(String.UnicodeScalarView((0x20..<0x7F).compactMap(Unicode.Scalar.init)))
        #expect(ReportContext.fileSafe(printable) == String(printable.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" }))
    }

    let ko = LocaleFormatter(language: .ko, strings: ["golden_time_breached": "골든타임({limit}) {margin} 초과"])
    let en = LocaleFormatter(language: .en, strings: [:])

    @Test func koreanAndEnglishDates() {
        #expect(ko.date(Day("2026-11-02")!) == "2026년 11월 2일 (월)")
        #expect(ko.date(Day("2026-11-29")!) == "2026년 11월 29일 (일)")
        #expect(ko.date(Day("2024-02-29")!) == "2024년 2월 29일 (목)")
        #expect(en.date(Day("2026-11-02")!) == "2 Nov 2026")
        #expect(ko.dateRange(Day("2026-10-01")!, Day("2026-11-30")!) == "2026년 10월 1일 – 2026년 11월 30일")
    }

    @Test func durations() {
        #expect(ko.duration(103 * 60) == "1시간 43분")
        #expect(en.duration(103 * 60) == "1 h 43 min")
        #expect(ko.duration(35 * 60) == "35분")
        #expect(ko.duration(0) == "0분")
        #expect(en.duration(26 * 3600 + 60) == "1 d 2 h 1 min")
        #expect(ko.text("golden_time_breached", ["limit": ko.duration(TimeSpan("2h")!), "margin": ko.duration(35 * 60)]) == "골든타임(2시간) 35분 초과")
    }

    @Test func numbersAndTimes() throws {
        #expect(ko.number(3800) == "3,800")
        #expect(en.number(1.25) == "1.25")
        #expect(en.number(1234567.891) == "1,234,567.89")
        #expect(ko.signedPercent(92.62) == "+92.6%")
        let time = try Timestamp.parse("2026-10-21T14:05:00+09:00").get()
        #expect(ko.time(time) == "14:05")
        #expect(ko.time(time, withDate: true) == "2026년 10월 21일 14:05")
        #expect(LocaleFormatter.zoneName(32400) == "UTC+09:00")
        #expect(LocaleFormatter.zoneName(-12600) == "UTC-03:30")
    }

    @Test func koreanTopicParticle() {
        #expect(LocaleFormatter.withTopicParticle("한빛기술진단") == "한빛기술진단은")
        #expect(LocaleFormatter.withTopicParticle("에이스커머스") == "에이스커머스는")
        #expect(LocaleFormatter.withTopicParticle("Blue Harbor") == "Blue Harbor은(는)")
    }
}

@Suite struct RedactorTests {
    @Test func secretsAndPersonalDataAreMaskedAndCounted() throws {
        let text = """
        url=jdbc:mysql://10.0.0.22:3306/member?user=app&password=S3cr3t!&useSSL=false
        postgres://app:hunter2@db.example:5432/orders
        Authorization: Bearer a74193304885ee914f149f83b5ae08e9df0b3f13
        token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U
        aws_access_key_id = AKIAIOSFODNN7EXAMPLE
        aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEA
        -----END RSA PRIVATE KEY-----
        주민등록번호 900101-1234567, 휴대폰 010-2345-6789, 대표번호 02-3456-7890, mail gildong.hong@example.com
        $ redis-cli -h 10.0.2.33 -a 'R3d!s#Cache' INFO
        $ mysql -uroot -p'Ord3r!' orders
        order 20261021-0001234 amount 89000 at 2026-10-21 12:04:05
        """
        let (redacted, report) = try Redactor().redact(text)
        for secret in ["S3cr3t!", "hunter2", "a74193304885ee914f149f83b5ae08e9df0b3f13", "eyJhbGciOiJIUzI1NiJ9", "AKIAIOSFODNN7EXAMPLE",
                       "wJalrXUtnFEMI", "MIIEpAIBAAKCAQEA", "900101-1234567", "010-2345-6789", "02-3456-7890", "gildong.hong@example.com",
                       "R3d!s#Cache", "Ord3r!"] {
            #expect(!redacted.contains(secret), "\(secret) survived")
        }
        #expect(redacted.contains("order 20261021-0001234 amount 89000 at 2026-10-21 12:04:05"))
        #expect(redacted.contains("user=app&password=[REDACTED]&useSSL=false"))
        #expect(report.counts["rrn"] == 1)
        #expect(report.counts["phone"] == 2)
        #expect(report.counts["email"] == 1)
        #expect(report.counts["private-key"] == 1)
        #expect(report.counts["jwt"] == 1)
    }

    @Test func optionalRulesCanBeTurnedOffAndExtended() throws {
        let redactor = try Redactor(configuration: .init(emails: false, phones: true, residentNumbers: true,
                                                         extra: [.init(name: "employee-id", pattern: "EMP-[0-9]{5}")]))
        let (text, report) = redactor.redact("dba@example.com EMP-12345")
        #expect(text == "dba@example.com [REDACTED:employee-id]")
        #expect(report.counts == ["employee-id": 1])
    }
}

@Suite struct RedactorGapTests {
    @Test func moreSecretForms() throws {
        let text = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmU
        (log cut here)
        """
        #expect(!(try Redactor().redact(text).text.contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmU")))
        let forms = [
            ("postgres://app:Ab/cd@db.example:5432/x", "Ab/cd"),
            ("PGPASSWORD=s3cr3tpg psql -h db", "s3cr3tpg"),
            ("DB_PASS=hunter22 ./start.sh", "hunter22"),
            ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
            ("$ sqlplus scott/tiger99@ORCL", "tiger99"),
            (#"ALTER USER app IDENTIFIED BY "Xy9#long";"#, "Xy9#long"),
        ]
        for (line, secret) in forms {
            let redacted = try Redactor().redact(line).text
            #expect(!redacted.contains(secret), "\(line) → \(redacted)")
        }
    }
}

/// `Finding` keeps its fields in one shared box: it must still behave as a value.
@Suite struct FindingValueTests {
    @Test func aChangedCopyLeavesTheOriginalAsItWas() throws {
        let original = makeFinding("F-1")
        var copy = original
        #expect(copy == original && copy.hashValue == original.hashValue)
        copy.title = "바뀐 제목"
        copy.systems.append("cache")
        #expect(original.title == "Title F-1" && original.systems == ["db"])
        #expect(copy.title == "바뀐 제목" && copy.systems == ["db", "cache"])
        #expect(copy != original)
        // Equal fields in two boxes are equal findings, with equal hashes.
        var again = makeFinding("F-1")
        again.title = "바뀐 제목"
        again.systems = ["db", "cache"]
        #expect(again == copy && again.hashValue == copy.hashValue)
    }

    @Test func codingKeepsTheFieldsKeys() throws {
        let finding = makeFinding("F-2", detected: Day(year: 2026, month: 11, day: 2))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(finding)) as? [String: Any]
        #expect(json?["id"] as? String == "F-2" && json?["title"] as? String == "Title F-2" && json?["bodyLine"] as? Int == 10)
        #expect(try JSONDecoder().decode(Finding.self, from: JSONEncoder().encode(finding)) == finding)
    }
}

import Foundation
import Testing
@testable import Dossier

/// A throw-away workspace made from the starter files, edited per test.
struct ScratchWorkspace {
    let url: URL

    init(locale: Engagement.Language = .en) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-test-\(UUID().uuidString)")
        try WorkspaceStarter.create(at: url, locale: locale)
    }

    func write(_ path: String, _ text: String) throws {
        let target = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: target, atomically: true, encoding: .utf8)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
    }

    /// Replaces the first occurrence of `old` in a file.
    func edit(_ path: String, replacing old: String, with new: String) throws {
        let text = try read(path)
        guard let range = text.range(of: old) else { throw EditError(message: "\(old) not in \(path)") }
        try write(path, text.replacingCharacters(in: range, with: new))
    }

    struct EditError: Error { var message: String }

    func load() -> WorkspaceLoadResult { WorkspaceLoader.load(url) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

let finding = "findings/F-001-orders-full-scan.md"
let incident = "incidents/INC-001-orders-api-outage.md"
let article = "articles/KB-001-pool-exhaustion-runbook.md"

@Suite struct WorkspaceLoaderTests {
    @Test(arguments: [Engagement.Language.en, .ko])
    func starterWorkspaceLoadsCleanly(_ locale: Engagement.Language) throws {
        let scratch = try ScratchWorkspace(locale: locale)
        defer { scratch.remove() }
        let result = scratch.load()
        #expect(result.diagnostics.isEmpty)
        let workspace = try #require(result.workspace)
        #expect(workspace.engagement.locale == locale)
        #expect(workspace.engagement.serviceLevel?.goldenTime.seconds == 7200)
        #expect(workspace.findings.map(\.id) == ["F-001"])
        #expect(workspace.findings[0].metrics.first?.before == 2400)
        #expect(workspace.findings[0].location.line == 2)
        #expect(workspace.findings[0].body.contains("| Seq Scan on orders |"))
        #expect(workspace.incidents[0].timeline.count == 6)
        #expect(workspace.incidents[0].firstEntry(.engaged)?.at.utcOffset == 32400)
        #expect(workspace.articles[0].related == ["F-001", "INC-001"])
    }

    /// Each bad input gives exactly the expected diagnostic, at the expected place.
    @Test func badInputsGivePreciseDiagnostics() throws {
        let cases: [(String, (ScratchWorkspace) throws -> Void, String)] = [
            ("wrong enum", { try $0.edit(finding, replacing: "severity: high", with: "severity: hihg") },
             "\(finding):5:11: error: 'hihg' is not a valid severity — use one of: critical, high, medium, low, info; did you mean 'high'?"),
            ("unknown key", { try $0.edit(finding, replacing: "severity: high", with: "severty: high") },
             "\(finding):5:1: warning: unknown key 'severty' in front matter — did you mean 'severity'? — it is ignored"),
            ("missing key", { try $0.edit(finding, replacing: "category: query\n", with: "") },
             "\(finding):2:1: error: missing required key 'category' in front matter — add `category: …`"),
            ("wrong type", { try $0.edit(finding, replacing: "systems: [orders-db]", with: "systems: orders-db") },
             "\(finding):8:10: error: 'systems' must be a list, e.g. `systems: [a, b]`, not 'orders-db'"),
            ("bad date", { try $0.edit(finding, replacing: "due: 2027-02-15", with: "due: 2027-02-30") },
             "\(finding):11:6: error: 'due' is not a valid date: '2027-02-30' — write it as YYYY-MM-DD, e.g. 2026-10-14"),
            ("invalid YAML", { try $0.edit(finding, replacing: "owner: DBA team", with: "owner: [DBA team") },
             "\(finding):13:7: error: invalid YAML"),
            ("no front matter", { try $0.write(finding, "# Just a heading\n") },
             "\(finding):1:1: error: missing front matter"),
            ("empty file", { try $0.write(finding, "") }, "\(finding):1:1: error: empty file"),
            ("no offset", { try $0.edit(incident, replacing: "2027-01-20T10:41:00+09:00", with: "2027-01-20T10:41:00") },
             "\(incident):14:10: error: time '2027-01-20T10:41:00' has no UTC offset — add one, e.g. 2027-01-20T10:41:00+09:00 for Korea"),
            ("out of order", { try $0.edit(incident, replacing: "2027-01-20T10:48:00+09:00", with: "2027-01-20T10:30:00+09:00") },
             "\(incident):15:10: error: timeline out of order: 'mitigated' at 2027-01-20T10:30:00+09:00 is earlier than the entry before it ('engaged' at 2027-01-20T10:41:00+09:00)"),
            ("golden time", { try $0.edit("engagement.yaml", replacing: "golden_time: 2h", with: "golden_time: two hours") },
             "engagement.yaml:12:20: error: cannot read golden_time 'two hours' — write a duration such as 2h, 90m or 1h30m"),
            ("unknown related", { try $0.edit(incident, replacing: "related: [F-001]", with: "related: [F-002]") },
             "\(incident):19:11: error: unknown finding id 'F-002' in related — did you mean 'F-001'?"),
            ("unknown control", { try $0.edit(finding, replacing: "iso27001:A.8.6", with: "iso27001:A.8.66") },
             "\(finding):14:12: error: control 'iso27001:A.8.66' is not in the ISO/IEC 27001:2022 catalog — did you mean 'iso27001:A.8.6'?"),
            ("system outside scope", { try $0.edit(finding, replacing: "systems: [orders-db]", with: "systems: [order-db]") },
             "\(finding):8:11: warning: system 'order-db' is not in the engagement's scope (orders-db, orders-api) — did you mean 'orders-db'?"),
            ("missing evidence", { try $0.edit(finding, replacing: "evidence/explain-orders.txt", with: "evidence/explain-order.txt") },
             "\(finding):18:12: error: evidence file 'evidence/explain-order.txt' not found — did you mean 'evidence/explain-orders.txt'?"),
            ("evidence with ..", { try $0.edit(finding, replacing: "evidence/explain-orders.txt", with: "../secrets.txt") },
             "\(finding):18:12: error: evidence path '../secrets.txt' leaves the workspace through '..'"),
            ("absolute evidence", { try $0.edit(finding, replacing: "evidence/explain-orders.txt", with: "/etc/passwd") },
             "\(finding):18:12: error: evidence path '/etc/passwd' is absolute"),
            ("symlink out", { scratch in
                try FileManager.default.createSymbolicLink(atPath: scratch.url.appendingPathComponent("evidence/link.txt").path, withDestinationPath: "/etc/hostname")
                try scratch.edit(finding, replacing: "evidence/explain-orders.txt", with: "evidence/link.txt")
             }, "\(finding):18:12: error: evidence file 'evidence/link.txt' is a link pointing outside the workspace"),
            ("item file linked from outside", { scratch in
                let outside = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-outside-\(UUID().uuidString).md")
                try Data(try scratch.read(finding).utf8).write(to: outside)
                try FileManager.default.createSymbolicLink(atPath: scratch.url.appendingPathComponent("findings/F-900.md").path, withDestinationPath: outside.path)
             }, "findings/F-900.md: error: this file is a link pointing outside the workspace"),
            ("item folder linked from outside", { scratch in
                let outside = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-outside-\(UUID().uuidString)")
                try FileManager.default.copyItem(at: scratch.url.appendingPathComponent("findings"), to: outside)
                try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("findings"))
                try FileManager.default.createSymbolicLink(atPath: scratch.url.appendingPathComponent("findings").path, withDestinationPath: outside.path)
             }, "\(finding): error: this file is a link pointing outside the workspace"),
            ("evidence too large", { scratch in
                try scratch.edit("engagement.yaml", replacing: "classification: confidential", with: "classification: confidential\nlimits: {evidence_max_bytes: 100}")
             }, "\(finding):18:12: error: evidence file 'evidence/explain-orders.txt' is 556 bytes, over the limit of 100 bytes"),
            ("invalid UTF-8", { scratch in
                var data = Data(try scratch.read(article).utf8)
                data.append(contentsOf: [0x0A, 0x41, 0xC3, 0x28])
                try data.write(to: scratch.url.appendingPathComponent(article))
             }, "\(article):19:2: error: invalid UTF-8"),
        ]
        for (name, mutate, expected) in cases {
            let scratch = try ScratchWorkspace()
            defer { scratch.remove() }
            try mutate(scratch)
            let result = scratch.load()
            let lines = result.diagnostics.map { $0.formatted() }
            #expect(lines.contains { $0.hasPrefix(expected) }, "\(name): \(lines)")
            if expected.contains(": error: ") {
                #expect(result.workspace == nil, "\(name)")
            }
        }
    }

    @Test func duplicateIDsAreReportedAtBothPlaces() throws {
        let scratch = try ScratchWorkspace()
        defer { scratch.remove() }
        try scratch.write("findings/F-002.md", try scratch.read(finding))
        let lines = scratch.load().diagnostics.map { $0.formatted() }
        #expect(lines.contains("findings/F-001-orders-full-scan.md:2:5: error: duplicate id 'F-001' — also used by findings/F-002.md:2:5; ids must be unique across findings, incidents and articles"))
        #expect(lines.contains("findings/F-002.md:2:5: error: duplicate id 'F-001' — also used by findings/F-001-orders-full-scan.md:2:5; ids must be unique across findings, incidents and articles"))
    }

    @Test func everyProblemIsReportedAtOnceInOrder() throws {
        let scratch = try ScratchWorkspace()
        defer { scratch.remove() }
        try scratch.edit(finding, replacing: "severity: high", with: "severity: severe")
        try scratch.edit(finding, replacing: "category: query", with: "category: speed")
        try scratch.edit(article, replacing: "kind: runbook", with: "kind: manual")
        try scratch.edit(incident, replacing: "severity: sev2", with: "severity: 2")
        let diagnostics = scratch.load().diagnostics
        #expect(diagnostics.count == 4)
        #expect(diagnostics.map(\.file) == [article, finding, finding, incident])
        #expect(diagnostics == diagnostics.sorted())
    }

    @Test func missingEngagementAndNotAFolder() throws {
        let scratch = try ScratchWorkspace()
        defer { scratch.remove() }
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("engagement.yaml"))
        #expect(scratch.load().diagnostics.map { $0.formatted() }.contains { $0.hasPrefix("engagement.yaml: error: missing engagement.yaml") })
        let none = WorkspaceLoader.load(scratch.url.appendingPathComponent("nowhere"))
        #expect(none.errorCount == 1)
    }

    @Test func relatedMustNameAFindingForIncidents() throws {
        let scratch = try ScratchWorkspace()
        defer { scratch.remove() }
        try scratch.edit(incident, replacing: "related: [F-001]", with: "related: [KB-001]")
        #expect(scratch.load().diagnostics.map { $0.formatted() }.contains { $0.contains("'KB-001' in related is an article, not a finding") })
    }

    @Test func initRefusesToOverwrite() throws {
        let scratch = try ScratchWorkspace()
        defer { scratch.remove() }
        try scratch.write("engagement.yaml", "id: mine\n")
        #expect(throws: WorkspaceStarter.Failure.self) { try WorkspaceStarter.create(at: scratch.url, locale: .en) }
        #expect(try scratch.read("engagement.yaml") == "id: mine\n")
    }
}

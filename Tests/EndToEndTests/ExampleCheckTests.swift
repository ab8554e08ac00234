import Foundation
import Testing

@Suite struct ExampleCheckTests {
    @Test(arguments: ["acecommerce-2026-q3", "acecommerce-2026-q4", "northwind-retainer-2026-10"])
    func examplesPassCheckWithoutWarnings(_ name: String) throws {
        let output = try Dossier.run(["check", "Examples/\(name)"])
        #expect(output.status == 0)
        #expect(output.stderr.isEmpty, "\(output.stderr)")
        #expect(output.stdout.hasPrefix("No problems found in "))
    }

    /// Each bad input, put into a copy of the Korean example, fails the check with a diagnostic that
    /// names the file and the line.
    @Test func badInputsInACopyOfTheKoreanExample() throws {
        typealias Breakage = (ExampleCopy) throws -> String
        let breakages: [(String, Breakage)] = [
            ("invalid YAML", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "owner:", with: "owner: [DBA팀")
                return "\(file):\(line + 1):"
            }),
            ("missing front matter", { copy in
                let file = try copy.first("articles")
                try copy.write(file, "# 제목만 있는 문서\n")
                return "\(file):1:1: error: missing front matter"
            }),
            ("missing required key", { copy in
                let file = try copy.first("findings")
                try copy.replaceLine(in: file, startingWith: "category:", with: "")
                return "\(file):2:1: error: missing required key 'category'"
            }),
            ("wrong type", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "systems:", with: "systems: order-db")
                return "\(file):\(line):10: error: 'systems' must be a list"
            }),
            ("value outside an enum", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "severity:", with: "severity: severe")
                return "\(file):\(line):11: error: 'severe' is not a valid severity — use one of: critical, high, medium, low, info"
            }),
            ("unknown key", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "owner:", with: "ownr: DBA팀")
                return "\(file):\(line):1: warning: unknown key 'ownr' in front matter — did you mean 'owner'?"
            }),
            ("duplicate id", { copy in
                let file = try copy.first("findings")
                try copy.write("findings/F-999-copy.md", try copy.read(file))
                return "findings/F-999-copy.md:2:5: error: duplicate id"
            }),
            ("bad date", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "due:", with: "due: 2026-12-32")
                return "\(file):\(line):6: error: 'due' is not a valid date"
            }),
            ("time without offset", { copy in
                let file = try copy.first("incidents")
                let text = try copy.read(file)
                let lines = text.components(separatedBy: "\n")
                let index = try #require(lines.firstIndex { $0.contains("kind: engaged") })
                let fixed = lines[index].replacingOccurrences(of: "+09:00", with: "")
                try copy.write(file, text.replacingOccurrences(of: lines[index], with: fixed))
                return "\(file):\(index + 1):"
            }),
            ("timeline out of order", { copy in
                let file = try copy.first("incidents")
                let text = try copy.read(file)
                let lines = text.components(separatedBy: "\n")
                let index = try #require(lines.firstIndex { $0.contains("kind: resolved") })
                let broken = lines[index].replacingOccurrences(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"#, with: "2000-01-01T00:00", options: .regularExpression)
                try copy.write(file, text.replacingOccurrences(of: lines[index], with: broken))
                return "\(file):\(index + 1):"
            }),
            ("unparsable golden time", { copy in
                let line = try copy.replaceLine(in: "engagement.yaml", startingWith: "sla:", with: "sla: {golden_time: 두 시간}")
                return "engagement.yaml:\(line):"
            }),
            ("unknown finding id", { copy in
                let file = try copy.first("incidents")
                let line = try copy.replaceLine(in: file, startingWith: "related:", with: "related: [F-404]")
                return "\(file):\(line):11: error: unknown finding id 'F-404'"
            }),
            ("control not in catalog", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "controls:", with: "controls: [isms-p:9.9.9]")
                return "\(file):\(line):12: error: control 'isms-p:9.9.9' is not in the ISMS-P catalog"
            }),
            ("system outside scope", { copy in
                let file = try copy.first("findings")
                let line = try copy.replaceLine(in: file, startingWith: "systems:", with: "systems: [mainframe]")
                return "\(file):\(line):11: warning: system 'mainframe' is not in the engagement's scope"
            }),
            ("missing evidence", { copy in
                try FileManager.default.removeItem(at: copy.path("evidence/awr-top-sql.txt"))
                return "error: evidence file 'evidence/awr-top-sql.txt' not found"
            }),
            ("evidence outside", { copy in
                let file = try copy.first("findings")
                try copy.write(file, try copy.read(file).replacingOccurrences(of: "file: evidence/", with: "file: ../../"))
                return "\(file):"
            }),
            ("evidence symlink out", { copy in
                try FileManager.default.removeItem(at: copy.path("evidence/awr-top-sql.txt"))
                try FileManager.default.createSymbolicLink(atPath: copy.path("evidence/awr-top-sql.txt").path, withDestinationPath: "/etc/hostname")
                return "error: evidence file 'evidence/awr-top-sql.txt' is a link pointing outside the workspace"
            }),
            ("evidence too large", { copy in
                try copy.replaceLine(in: "engagement.yaml", startingWith: "limits:", with: "limits: {evidence_max_bytes: 64}")
                return "error: evidence file 'evidence/"
            }),
            ("invalid UTF-8", { copy in
                let file = try copy.first("articles")
                var data = try Data(contentsOf: copy.path(file))
                data.append(contentsOf: [0xB0, 0xA1])
                try data.write(to: copy.path(file))
                return "\(file):"
            }),
            ("empty file", { copy in
                try copy.write("findings/F-000-empty.md", "")
                return "findings/F-000-empty.md:1:1: error: empty file"
            }),
        ]
        for (name, breakage) in breakages {
            let copy = try ExampleCopy("acecommerce-2026-q4", withSiblings: true)
            defer { copy.remove() }
            let expected = try breakage(copy)
            let output = try Dossier.run(["check", copy.workspace.path])
            let isWarning = expected.contains(": warning: ")
            #expect(output.status == (isWarning ? 0 : 1), "\(name)")
            #expect(output.stderr.contains(expected), "\(name): expected \(expected) in\n\(output.stderr)")
            #expect(!output.stderr.contains("Fatal error") && !output.stderr.contains("Stack dump"), "\(name)")
            #expect(output.stderr.contains(" error") || output.stderr.contains(" warning"), "\(name)")
        }
    }

    @Test func jsonFormatForCISystems() throws {
        let copy = try ExampleCopy("acecommerce-2026-q4", withSiblings: true)
        defer { copy.remove() }
        let file = try copy.first("findings")
        try copy.replaceLine(in: file, startingWith: "severity:", with: "severity: urgent")
        let output = try Dossier.run(["check", copy.workspace.path, "--format", "json"])
        #expect(output.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect(report?["errors"] as? Int == 1)
        let diagnostics = report?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.count == 1)
        #expect(diagnostics?.first?["file"] as? String == file)
        #expect(diagnostics?.first?["severity"] as? String == "error")
        #expect((diagnostics?.first?["line"] as? Int ?? 0) > 1)
    }
}

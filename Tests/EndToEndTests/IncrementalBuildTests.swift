import Foundation
import Testing

/// Rebuilds reuse `OUT/.dossier-cache`: only what depends on a change is rendered and written, and
/// the output is byte-identical to a clean build of the same workspace.
@Suite(.serialized) struct IncrementalBuildTests {
    /// Every file of an output folder except the cache, as path → bytes.
    static func snapshot(_ folder: URL) -> [String: Data] {
        Dictionary(uniqueKeysWithValues: allFiles(under: folder).filter { !$0.path.hasPrefix(".dossier-cache/") }.map { ($0.path, $0.data) })
    }

    static func expectSameAsClean(_ copy: ExampleCopy, _ out: URL, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let clean = copy.root.appendingPathComponent("clean-\(UUID().uuidString)")
        let result = try Dossier.run(["build", copy.workspace.path, "-o", clean.path, "--clean"] + extra)
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        let incremental = snapshot(out), expected = snapshot(clean)
        #expect(incremental.keys.sorted() == expected.keys.sorted(), "the same files", sourceLocation: sourceLocation)
        for (path, data) in expected where incremental[path] != data {
            Issue.record("\(path) differs from a clean build", sourceLocation: sourceLocation)
        }
        try? FileManager.default.removeItem(at: clean)
    }

    /// The units (id → key and paths) and files (path → SHA-256 and size) of an output folder's
    /// cache state, its deltas read over it in order; and how many deltas it has.
    static func stateRecords(_ out: URL) throws -> (units: [String: [String]], files: [String: [String]], deltas: Int) {
        let text = try String(contentsOf: out.appendingPathComponent(".dossier-cache/state"), encoding: .utf8)
        var units: [String: [String]] = [:], files: [String: [String]] = [:], deltas = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch fields[0] {
            case "unit": units[fields[1]] = Array(fields.dropFirst(2))
            case "gone-unit": units[fields[1]] = nil
            case "file": files[fields[1]] = [fields[2], fields[3]]
            case "gone": files[fields[1]] = nil
            case "delta": deltas += 1
            default: break
            }
        }
        return (units, files, deltas)
    }

    static func modified(_ url: URL) throws -> Date {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
    }

    @Test func editingOneFindingRendersOnlyWhatDependsOnIt() throws {
        let (copy, out, first) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("(full build: no previous build)"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(".dossier-cache/state").path))

        // Nothing changed: the build stops after checking its inputs, and no file is written.
        let untouched = out.appendingPathComponent("kb/items/F-001.html")
        let before = try Self.modified(untouched)
        let again = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Up to date: nothing changed since the last build"), "\(again.stdout)")
        #expect(try Self.modified(untouched) == before, "an unchanged page is not rewritten")

        // An evidence file changed: not up to date; the pages quoting it change, the others are reused.
        let evidenceFile = try #require(try FileManager.default.contentsOfDirectory(atPath: copy.path("evidence").path).sorted().first)
        let evidenceText = try copy.read("evidence/" + evidenceFile)
        try copy.write("evidence/" + evidenceFile, evidenceText + "\n# appended line\n")
        let evidenceBuild = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(evidenceBuild.status == 0, "\(evidenceBuild.stderr)")
        // The period report shows no evidence: kept with the postmortems that quote none.
        #expect(evidenceBuild.stdout.contains("(6 reports, 5 unchanged since the last build)"), "\(evidenceBuild.stdout)")
        #expect(evidenceBuild.stdout.contains("(incremental: "), "\(evidenceBuild.stdout)")
        try Self.expectSameAsClean(copy, out)
        try copy.write("evidence/" + evidenceFile, evidenceText)

        // One finding edited: its page and the pages and postmortems that show it change; the
        // period report, which shows its metrics but not its title or text, is kept.
        let period = out.appendingPathComponent("report/period.html")
        let periodBefore = try Self.modified(period)
        let file = "findings/F-002-hikaricp-pool-exhaustion.md"
        try copy.write(file, try copy.read(file).replacingOccurrences(of: "\ntitle: ", with: "\ntitle: 수정됨 — ") + "\n추가된 문장.\n")
        let edited = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(edited.stdout.contains("(incremental: "), "\(edited.stdout)")
        // 25 items: the edited one is parsed again, and so is F-017, an internal item, which the
        // parsed-item cache never keeps.
        #expect(edited.stdout.contains("[1/7] Load and check workspace (26 files; 23 unchanged since the last build)"), "\(edited.stdout)")
        #expect(edited.stdout.contains("[5/7] Build knowledge base (") && !edited.stdout.contains(", 24 unchanged"),
                "the edited finding's page is rendered again")
        #expect(try Self.modified(untouched) == before)
        let page = try String(contentsOf: out.appendingPathComponent("kb/items/F-002.html"), encoding: .utf8)
        #expect(page.contains("수정됨 — ") && page.contains("추가된 문장."))
        #expect(try Self.modified(period) == periodBefore, "the period report is kept")
        try Self.expectSameAsClean(copy, out)

        // A metric changed: the period report's improvements change with it.
        try copy.write(file, try copy.read(file).replacingOccurrences(of: "before: 187, after: 0,", with: "before: 187, after: 3,"))
        let metric = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(metric.status == 0, "\(metric.stderr)")
        #expect(try Self.modified(period) != periodBefore, "the period report is rendered again")
        try Self.expectSameAsClean(copy, out)

        // A blank line added to the body: the finding's file changes, but not its words, its list
        // line or what other pages show of it — every knowledge-base page is kept but its own and
        // the home and search pages (made on every build), list pages included (keyed by their entries).
        try copy.write(file, try copy.read(file) + "\n")
        let blank = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(blank.status == 0, "\(blank.stderr)")
        let counts = try #require(blank.stdout.firstMatch(of: /Build knowledge base \((\d+) pages, (\d+) unchanged/), "\(blank.stdout)")
        #expect(Int(counts.2)! == Int(counts.1)! - 3, "\(blank.stdout)")
        try Self.expectSameAsClean(copy, out)
    }

    /// `dossier kb` keeps a build cache too: a parsed-item file per engagement, reused pages, and
    /// output byte-identical to a clean build of the same engagements.
    @Test func knowledgeBaseRebuildsIncrementally() throws {
        let copy = try ExampleCopy("acecommerce-2026-q4", withSiblings: true)
        defer { copy.remove() }
        let q3 = copy.root.appendingPathComponent("acecommerce-2026-q3").path
        let out = copy.root.appendingPathComponent("kb")
        func kb(_ folders: [String], _ extra: [String] = [], into folder: URL? = nil) throws -> Dossier.Output {
            let result = try Dossier.run(["kb"] + folders + ["-o", (folder ?? out).path] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return result
        }
        func expectSameAsClean(_ folders: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let clean = copy.root.appendingPathComponent("clean-\(UUID().uuidString)")
            _ = try kb(folders, ["--clean"], into: clean)
            let incremental = Self.snapshot(out), expected = Self.snapshot(clean)
            #expect(incremental.keys.sorted() == expected.keys.sorted(), "the same files", sourceLocation: sourceLocation)
            for (path, data) in expected where incremental[path] != data {
                Issue.record("\(path) differs from a clean build", sourceLocation: sourceLocation)
            }
            try? FileManager.default.removeItem(at: clean)
        }
        func itemCaches() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(".dossier-cache").path).filter { $0.hasPrefix("items") }.sorted()
        }

        let first = try kb([q3, copy.workspace.path])
        #expect(first.stdout.contains("(full build: no previous build)"), "\(first.stdout)")
        #expect(try itemCaches().count == 2, "one parsed-item file per engagement")

        let untouched = out.appendingPathComponent("items/HC-2026-Q3-F-001.html")
        let before = try Self.modified(untouched)
        let again = try kb([q3, copy.workspace.path], ["--timings"])
        #expect(again.stdout.contains("Up to date: nothing changed since the last build"), "\(again.stdout)")
        #expect(again.stdout.contains("0 written, the rest unchanged") && again.stdout.contains("  total "), "\(again.stdout)")

        // One finding of the second engagement edited: its page is rendered again, the others are kept.
        let file = "findings/F-003-g1-full-gc-pause.md"
        try copy.write(file, try copy.read(file).replacingOccurrences(of: "\ntitle: ", with: "\ntitle: 고침 — ") + "\n덧붙인 문장.\n")
        let edited = try kb([q3, copy.workspace.path])
        #expect(edited.stdout.contains("(incremental: "), "\(edited.stdout)")
        #expect(edited.stdout.contains("unchanged since the last build)"), "unchanged item files come from the cache: \(edited.stdout)")
        // The related lists of the items the edit reaches are made again, the others kept.
        #expect(edited.stdout.contains(" unchanged, 35 items from 2 engagements, related lists of "), "\(edited.stdout)")
        #expect(edited.stdout.contains(" of 35 items made again)"), "\(edited.stdout)")
        #expect(try Self.modified(untouched) == before, "an unchanged page is not rewritten")
        let page = try String(contentsOf: out.appendingPathComponent("items/HC-2026-Q4-F-003.html"), encoding: .utf8)
        #expect(page.contains("고침 — ") && page.contains("덧붙인 문장."))
        try expectSameAsClean([q3, copy.workspace.path])

        // One engagement left out: a full build of the other, whose cache alone remains.
        let single = try kb([copy.workspace.path])
        #expect(single.stdout.contains("(full build: "), "\(single.stdout)")
        #expect(try itemCaches().count == 1)
        try expectSameAsClean([copy.workspace.path])

        let clean = try kb([copy.workspace.path], ["--clean"])
        #expect(clean.stdout.contains("(full build: --clean)"), "\(clean.stdout)")
    }

    @Test func removedItemsLoseTheirFilesAndHandEditsAreRepaired() throws {
        let (copy, out, first) = try BuildTests.build("northwind-retainer-2026-10")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")

        // A page changed by hand is not trusted: the next build writes it again.
        let incidents = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("report/incidents").path)
            .filter { $0.hasSuffix(".html") }.sorted()
        let postmortem = out.appendingPathComponent("report/incidents/" + incidents[0])
        let original = try Data(contentsOf: postmortem)
        try Data("tampered".utf8).write(to: postmortem)
        let repaired = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try Data(contentsOf: postmortem) == original)
        try FileManager.default.removeItem(at: out.appendingPathComponent("kb/index.html"))
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("kb/index.html").path))

        // An incident added and then removed again: its postmortem, chart and page go too.
        let source = try copy.read("incidents/INC-2026-041-tracking-lag.md")
        let removedID = "INC-2026-099"
        try copy.write("incidents/INC-2026-099-copy.md", source.replacingOccurrences(of: "\nid: INC-2026-041", with: "\nid: \(removedID)"))
        let added = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("kb/items/\(removedID).html").path))
        try FileManager.default.removeItem(at: copy.path("incidents/INC-2026-099-copy.md"))
        let removed = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(removed.status == 0, "\(removed.stderr)")
        for path in ["report/incidents/\(removedID).html", "report/incidents/\(removedID).md", "report/charts/\(removedID)-timeline.svg",
                     "kb/items/\(removedID).html", "evidence/reports/incidents/\(removedID).html"] {
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(path).path), "\(path)")
        }
        try Self.expectSameAsClean(copy, out)
        // The rebuilds appended their changes to the state (the incident's unit and files added,
        // then gone): read over it, it records what a clean build's state does.
        let clean = copy.root.appendingPathComponent("clean-state")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", clean.path, "--clean"]).status == 0)
        let (incremental, whole) = (try Self.stateRecords(out), try Self.stateRecords(clean))
        #expect(incremental.deltas == 4 && whole.deltas == 0, "\(incremental.deltas) deltas")
        #expect(incremental.units == whole.units)
        #expect(incremental.files == whole.files)
        #expect(incremental.units.keys.contains { $0.contains(removedID) } == false)
        #expect(Set(incremental.files.keys) == Set(Self.snapshot(out).keys).subtracting([".dossier-output"]))
    }

    /// A rebuild after edits to findings' text puts their sections' new text and HTML in place of
    /// the old in the last build's health check, when nothing else of it changes; any other edit
    /// (a heading, a title, a file changed by hand) renders it whole. Each is byte-identical to a
    /// clean build.
    @Test func healthCheckSectionsArePatchedInPlace() throws {
        let (copy, out, first) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")
        /// Rebuilds; the number of sections rendered again when the health check was patched.
        @discardableResult
        func rebuild(patched: Bool, _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
            let built = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
            #expect(built.status == 0, "\(built.stderr)", sourceLocation: sourceLocation)
            let note = built.stdout.firstMatch(of: /health check: (\d+) of (\d+) sections rendered again/)
            #expect((note != nil) == patched, "\(comment): \(built.stdout)", sourceLocation: sourceLocation)
            try Self.expectSameAsClean(copy, out, sourceLocation: sourceLocation)
            return note.flatMap { Int($0.1) }
        }
        let file = "findings/F-003-g1-full-gc-pause.md", other = "findings/F-002-hikaricp-pool-exhaustion.md"
        let html = out.appendingPathComponent("report/health-check.html")

        // Text added to one finding, then to two: patched, and again from the patched files.
        try copy.write(file, try copy.read(file) + "\n추가된 문장.\n")
        #expect(try rebuild(patched: true, "one finding's text") == 1)
        #expect(try String(contentsOf: html, encoding: .utf8).contains("추가된 문장."))
        try copy.write(file, try copy.read(file) + "\n더 긴 두 번째 문장 — 길이가 달라집니다.\n")
        try copy.write(other, try copy.read(other).replacingOccurrences(of: "\n## 근본 원인", with: "\n짧게.\n\n## 근본 원인"))
        #expect(try rebuild(patched: true, "two findings' text") == 2)
        // An incident's text: every section as it was, the files kept.
        let incident = "incidents/" + (try FileManager.default.contentsOfDirectory(atPath: copy.path("incidents").path).sorted().first!)
        try copy.write(incident, try copy.read(incident) + "\n추가.\n")
        #expect(try rebuild(patched: true, "an incident's text") == 0)
        // A change that renders the same (a comment in the front matter): the section is made
        // again, and the patched files, the same bytes as the last build's, are not moved in.
        let unchanged = try Self.modified(html)
        try copy.write(other, try copy.read(other).replacingOccurrences(of: "\ntitle: ", with: "\n# 메모\ntitle: "))
        #expect(try rebuild(patched: true, "a comment") == 1)
        #expect(try Self.modified(html) == unchanged)

        // A chart file deleted by hand is written again, from its section's cache entry.
        let chart = out.appendingPathComponent("report/charts/F-002-metrics.svg")
        let chartBytes = try Data(contentsOf: chart)
        try FileManager.default.removeItem(at: chart)
        try copy.write(file, try copy.read(file) + "\n세 번째.\n")
        try rebuild(patched: true, "a chart restored")
        #expect(try Data(contentsOf: chart) == chartBytes)

        // A heading added: the ids and the contents may change, so the report is rendered whole.
        try copy.write(file, try copy.read(file) + "\n## 새 제목\n\n본문.\n")
        try rebuild(patched: false, "a heading")
        // A finding's body that embeds another finding's chart is rendered whole too, as long as
        // it does (its section would not change with that chart).
        let beforeEmbed = try copy.read(file)
        try copy.write(file, beforeEmbed + "\n![차트](charts/F-002-metrics.svg)\n")
        try rebuild(patched: false, "another section's chart")
        try copy.write(file, try copy.read(file) + "\n끝.\n")
        try rebuild(patched: false, "text beside the embed")
        try copy.write(file, beforeEmbed + "\n끝.\n")
        try rebuild(patched: false, "the embed removed")
        try copy.write(file, beforeEmbed + "\n끝이 아닙니다.\n")
        try rebuild(patched: true, "text after the embed")
        // A title shows in the tables: rendered whole.
        try copy.write(other, try copy.read(other).replacingOccurrences(of: "\ntitle: ", with: "\ntitle: 수정됨 — "))
        try rebuild(patched: false, "a title")
        // The last build's page changed by hand: not patched, written again.
        try Data("tampered".utf8).write(to: html)
        try copy.write(file, try copy.read(file) + "\n마지막.\n")
        try rebuild(patched: false, "a page changed by hand")
        try copy.write(file, try copy.read(file) + "\n정말 마지막.\n")
        try rebuild(patched: true, "after a whole render")
    }

    /// The OSCAL entries kept for each finding hold dates in the time zone of the first incident's
    /// timeline: a rebuild after the incidents move to another zone matches a clean build.
    @Test func oscalEntriesFollowTheIncidentsTimeZone() throws {
        let (copy, out, first) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")
        let oscal = out.appendingPathComponent("evidence/oscal/assessment-results.json")
        #expect(try String(contentsOf: oscal, encoding: .utf8).contains("T00:00:00+09:00"))
        for file in try FileManager.default.contentsOfDirectory(atPath: copy.path("incidents").path) where file.hasSuffix(".md") {
            try copy.write("incidents/" + file, try copy.read("incidents/" + file).replacingOccurrences(of: "+09:00", with: "+00:00"))
        }
        let moved = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(moved.status == 0, "\(moved.stderr)")
        let text = try String(contentsOf: oscal, encoding: .utf8)
        #expect(!text.contains("T00:00:00+09:00") && text.contains("T00:00:00Z"))
        try Self.expectSameAsClean(copy, out)
    }

    @Test func templatesAndCleanInvalidateTheCache() throws {
        let (copy, out, first) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")

        // A template override changes every page built from it.
        let templates = copy.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let builtin = Dossier.packageRoot.appendingPathComponent("Templates/reports/kb-item.mustache")
        try (try String(contentsOf: builtin, encoding: .utf8).replacingOccurrences(of: "</article>", with: "<p>override marker</p></article>"))
            .write(to: templates.appendingPathComponent("kb-item.mustache"), atomically: true, encoding: .utf8)
        let overridden = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path])
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.stdout.contains("(full build: templates, settings, options or the tool changed)"), "\(overridden.stdout)")
        #expect(try String(contentsOf: out.appendingPathComponent("kb/items/F-001.html"), encoding: .utf8).contains("override marker"))
        try Self.expectSameAsClean(copy, out, ["--templates", templates.path])

        let clean = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path, "--clean"])
        #expect(clean.stdout.contains("(full build: --clean)"), "\(clean.stdout)")

        // A build that fails leaves the previous output and its cache as they were.
        let cache = try Data(contentsOf: out.appendingPathComponent(".dossier-cache/state"))
        try copy.replaceLine(in: "findings/F-002-hikaricp-pool-exhaustion.md", startingWith: "severity:", with: "severity: urgent")
        let failed = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path])
        #expect(failed.status == 1)
        #expect(try Data(contentsOf: out.appendingPathComponent(".dossier-cache/state")) == cache)
        #expect(try String(contentsOf: out.appendingPathComponent("kb/items/F-001.html"), encoding: .utf8).contains("override marker"))
    }

    @Test func pdfRebuildsKeepUnchangedPDFsAndReprintMissingOnes() throws {
        try #require(FileManager.default.fileExists(atPath: "/usr/bin/chromium") || FileManager.default.fileExists(atPath: "/usr/bin/chromium-browser"),
                     "Chromium is missing: make test installs it")
        let (copy, out, first) = try BuildTests.build("northwind-retainer-2026-10", ["--pdf"])
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")
        let pdfs = ["report/health-check.pdf", "report/period.pdf"]
            + (try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("report/incidents").path))
                .filter { $0.hasSuffix(".pdf") }.map { "report/incidents/" + $0 }
        #expect(pdfs.count >= 4)
        let postmortem = out.appendingPathComponent(pdfs[2])
        let before = try Self.modified(postmortem)

        // An article changes: the postmortems are reused, and so are their PDFs.
        let article = "articles/KB-001-kafka-consumer-lag-runbook.md"
        try copy.write(article, try copy.read(article) + "\nOne more line.\n")
        let rebuilt = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--pdf"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(try Self.modified(postmortem) == before, "an unchanged report's PDF is kept")

        // A PDF deleted by hand is printed again, even when no report changed.
        try FileManager.default.removeItem(at: out.appendingPathComponent("report/period.pdf"))
        let repaired = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--pdf"])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        for pdf in pdfs { #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(pdf).path), "\(pdf)") }

        // Another Chromium prints every PDF again. Here the same wrapper, of the same size and time,
        // whose --version changes: only what the browser says of itself tells the two apart.
        let browser = try #require(BrowserTests.chromium)
        let wrapper = copy.root.appendingPathComponent("chromium-wrapper")
        // Each print is logged: printing the same page again gives the same bytes, which are not written.
        let prints = copy.root.appendingPathComponent("prints.log")
        func printed() -> Int { ((try? String(contentsOf: prints, encoding: .utf8)) ?? "").split(separator: "\n").count }
        func wrap(version: String) throws {
            try "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Chromium \(version) (test)'; exit 0; fi\necho print >> '\(prints.path)'\nexec \(browser) \"$@\"\n"
                .write(to: wrapper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755, .modificationDate: Date(timeIntervalSince1970: 1_700_000_000)],
                                                  ofItemAtPath: wrapper.path)
        }
        let withWrapper = ["DOSSIER_CHROMIUM": wrapper.path]
        try wrap(version: "998.0")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--pdf"], environment: withWrapper).status == 0)
        let same = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--pdf"], environment: withWrapper)
        #expect(same.stdout.contains("Up to date"), "\(same.stdout)")
        let page = out.appendingPathComponent("kb/index.html")
        let (pageBefore, pdfBefore) = (try Self.modified(page), try Self.modified(postmortem))
        #expect(printed() == pdfs.count, "the first build with the wrapper printed every PDF, the next none")
        try wrap(version: "999.0")
        let upgraded = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--pdf"], environment: withWrapper)
        #expect(upgraded.status == 0, "\(upgraded.stderr)")
        #expect(upgraded.stdout.contains("another browser than the last build's: every PDF printed again"), "\(upgraded.stdout)")
        #expect(upgraded.stdout.contains("(incremental: "), "only the PDFs are made again: \(upgraded.stdout)")
        #expect(printed() == 2 * pdfs.count, "the first build with the wrapper and the upgraded one print every PDF; the one between, none")
        #expect(try Self.modified(postmortem) == pdfBefore, "the same bytes: not written again")
        #expect(try Self.modified(page) == pageBefore, "the other files are kept")
    }

    /// The health check's page is put together from the page template filled around a placeholder
    /// and its chunks' bytes: a page template that shows the content twice, or escaped, gets what
    /// filling it with the content gives, in a full build and in a rebuild.
    @Test func pageTemplatesThatRepeatOrEscapeTheContent() throws {
        let (copy, out, _) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        let builtin = try String(contentsOf: Dossier.packageRoot.appendingPathComponent("Templates/reports/page.mustache"), encoding: .utf8)
        #expect(builtin.contains("{{{content}}}"))
        for (name, replacement) in [("twice", "{{{content}}}<hr>{{{content}}}"), ("escaped", "<pre>{{content}}</pre>")] {
            let templates = copy.root.appendingPathComponent("templates-\(name)")
            try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
            try builtin.replacingOccurrences(of: "{{{content}}}", with: replacement)
                .write(to: templates.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
            let built = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path])
            #expect(built.status == 0, "\(built.stderr)")
            let html = try String(contentsOf: out.appendingPathComponent("report/health-check.html"), encoding: .utf8)
            #expect(!html.contains("dossier-page-content"), "no placeholder left")
            let heading = "F-002"
            if name == "twice" {
                #expect(html.components(separatedBy: "<hr>").count == 2)
                #expect(html.components(separatedBy: "<hr>").allSatisfy { $0.contains("<h4 id=\"f-002") }, "the sections on both sides")
            } else {
                #expect(html.contains("&lt;h4 id=") && !html.contains("<h4 id="), "the content escaped")
            }
            #expect(html.contains(heading))
            let file = "findings/F-003-g1-full-gc-pause.md"
            try copy.write(file, try copy.read(file) + "\n추가된 문장 \(name).\n")
            #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path]).status == 0)
            try Self.expectSameAsClean(copy, out, ["--templates", templates.path])
        }
    }

    @Test func customTemplatesSeeWholeFindingsInRebuilds() throws {
        let (copy, out, _) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        // An older health-check template that renders the sections itself, and lists titles per category.
        let templates = copy.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let builtin = try String(contentsOf: Dossier.packageRoot.appendingPathComponent("Templates/reports/health-check.mustache"), encoding: .utf8)
        let old = builtin.replacingOccurrences(of: "{{#findings}}\n{{{rendered}}}\n{{/findings}}",
                                                with: "{{#findings}}\n{{> partials/finding}}\n{{/findings}}\n{{#findings}}- {{id}} {{title}}\n{{/findings}}")
        #expect(old != builtin)
        try old.write(to: templates.appendingPathComponent("health-check.mustache"), atomically: true, encoding: .utf8)
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path]).status == 0)
        let file = "findings/F-003-g1-full-gc-pause.md"
        try copy.write(file, try copy.read(file) + "\n추가된 문장.\n")
        let rebuilt = try Dossier.run(["build", copy.workspace.path, "-o", out.path, "--templates", templates.path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let markdown = try String(contentsOf: out.appendingPathComponent("report/health-check.md"), encoding: .utf8)
        #expect(markdown.contains("- F-002 "), "titles of unchanged findings are there")
        try Self.expectSameAsClean(copy, out, ["--templates", templates.path])
    }

    /// An edit to a finding's body leaves its OSCAL entries as they were, so the two OSCAL documents
    /// are the last build's files, reused whole — unless a file was changed since, which makes
    /// the build write it again; a title edit changes the entries and the documents.
    @Test func oscalDocumentsAreReusedOnlyWhenIntact() throws {
        let (copy, out, _) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        let poam = out.appendingPathComponent("evidence/oscal/poam.json")
        let results = out.appendingPathComponent("evidence/oscal/assessment-results.json")
        try (try Data(contentsOf: poam) + Data("\n".utf8)).write(to: poam)
        let file = "findings/F-003-g1-full-gc-pause.md"
        try copy.write(file, try copy.read(file) + "\n추가된 문장.\n")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        try Self.expectSameAsClean(copy, out)

        // A body edit again: both documents reused as they are.
        let before = (try Self.modified(poam), try Self.modified(results))
        try copy.write(file, try copy.read(file) + "\n또 추가된 문장.\n")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        #expect(try Self.modified(poam) == before.0 && Self.modified(results) == before.1)
        try Self.expectSameAsClean(copy, out)

        // A title edit: the entries change, and so do the documents.
        try copy.write(file, try copy.read(file).replacingOccurrences(of: "\ntitle: ", with: "\ntitle: 수정됨 — "))
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        #expect(try String(contentsOf: poam, encoding: .utf8).contains("수정됨 — "))
        try Self.expectSameAsClean(copy, out)
    }

    @Test func aZipChangedByHandIsNotReused() throws {
        let (copy, out, _) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        // Damage the zip's last entry data but keep its size and time, so only its digest tells.
        let zip = try #require(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil).first { $0.pathExtension == "zip" })
        let time = try Self.modified(zip)
        var bytes = [UInt8](try Data(contentsOf: zip))
        bytes[40] ^= 0xFF
        try Data(bytes).write(to: zip)
        try FileManager.default.setAttributes([.modificationDate: time], ofItemAtPath: zip.path)
        let file = "findings/F-003-g1-full-gc-pause.md"
        try copy.write(file, try copy.read(file) + "\n추가된 문장.\n")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        try Self.expectSameAsClean(copy, out)
    }
}

/// The evidence pack's copies of the reports are hard links to them (one 36 MB health check on
/// disk instead of two for 10,000 findings), and a rebuild reads a kept report only when the pack
/// needs its bytes: its copy or its zip entry gone.
@Suite(.serialized) struct EvidenceCopyTests {
    static func inode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int)
    }

    @Test func packCopiesAreLinksThatRebuildsRepair() throws {
        let (copy, out, first) = try BuildTests.build("acecommerce-2026-q4")
        defer { copy.remove() }
        #expect(first.status == 0, "\(first.stderr)")
        let report = out.appendingPathComponent("report/health-check.html")
        let packCopy = out.appendingPathComponent("evidence/reports/health-check.html")
        #expect(try Self.inode(report) == Self.inode(packCopy))

        // A finding edited: the new health check and its copy are one file again.
        let finding = "findings/F-003-g1-full-gc-pause.md"
        try copy.write(finding, try copy.read(finding) + "\n추가된 문장.\n")
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        #expect(try Self.inode(report) == Self.inode(packCopy))
        try IncrementalBuildTests.expectSameAsClean(copy, out)

        // A kept postmortem's copy and the zip removed: both come back from the kept report.
        let incidents = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("report/incidents").path)
            .filter { $0.hasSuffix(".html") }.sorted()
        let postmortem = out.appendingPathComponent("report/incidents/" + incidents[0])
        let postmortemCopy = out.appendingPathComponent("evidence/reports/incidents/" + incidents[0])
        let zip = try #require(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil).first { $0.pathExtension == "zip" })
        try FileManager.default.removeItem(at: postmortemCopy)
        try FileManager.default.removeItem(at: zip)
        try copy.write(finding, try copy.read(finding) + "\n또 추가된 문장.\n")
        let repaired = try Dossier.run(["build", copy.workspace.path, "-o", out.path])
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try Self.inode(postmortem) == Self.inode(postmortemCopy))
        try IncrementalBuildTests.expectSameAsClean(copy, out)

        // A postmortem changed in place changes its copy too: the next build writes both again.
        let original = try Data(contentsOf: postmortem)
        let handle = try FileHandle(forWritingTo: postmortem)
        try handle.write(contentsOf: Data("<!-- edited -->".utf8))
        try handle.close()
        #expect(try Data(contentsOf: postmortemCopy) != original)
        #expect(try Dossier.run(["build", copy.workspace.path, "-o", out.path]).status == 0)
        #expect(try Data(contentsOf: postmortem) == original)
        #expect(try Data(contentsOf: postmortemCopy) == original)
        try IncrementalBuildTests.expectSameAsClean(copy, out)
    }
}

/// A health check of a megabyte or more is deflated into the evidence zip in segments of 256
/// sections: a rebuild after a finding's edit deflates only its segment again, copies the others
/// from the last zip, and gives the zip a clean build gives.
@Suite(.serialized) struct SegmentedZipTests {
    static func segments(_ out: URL) throws -> [String] {
        try String(contentsOf: out.appendingPathComponent(".dossier-cache/zip-segments"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test func rebuildsDeflateOnlyTheChangedSegment() throws {
        let root = try Dossier.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = root.appendingPathComponent("corpus"), out = root.appendingPathComponent("out")
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", Dossier.packageRoot.appendingPathComponent("Benchmarks/generate-corpus.py").path,
                               "--findings", "700", "--incidents", "3", "--articles", "0", "--out", workspace.path]
        generator.standardOutput = FileHandle.nullDevice
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        let first = try Dossier.run(["build", workspace.path, "-o", out.path])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Self.segments(out)
        // The header, the entry, what precedes the first section (a megabyte at a time) and three of 256 sections.
        #expect(before.count >= 2 + 4)
        #expect(before.first == "dossier-zip-segments\t1")
        #expect(before[1].hasPrefix("entry\treports/health-check.html\tzlib "))

        // A finding's text edited: one segment line changes (and the entry's digest).
        let findings = try FileManager.default.contentsOfDirectory(atPath: workspace.appendingPathComponent("findings").path).sorted()
        let finding = workspace.appendingPathComponent("findings/" + findings[findings.count / 2])
        try (try String(contentsOf: finding, encoding: .utf8) + "\n추가된 문장 하나.\n").write(to: finding, atomically: true, encoding: .utf8)
        let rebuilt = try Dossier.run(["build", workspace.path, "-o", out.path])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("health check: 1 of 700 sections rendered again"))
        #expect(rebuilt.stdout.contains("; reports/health-check.html: 1 of \(before.count - 2) zip segments deflated again, the rest kept)"))
        let after = try Self.segments(out)
        #expect(after.count == before.count)
        #expect(zip(before, after).filter { $0 != $1 }.count == 2, "the entry's line and one segment's")
        let clean = root.appendingPathComponent("clean")
        #expect(try Dossier.run(["build", workspace.path, "-o", clean.path, "--clean"]).status == 0)
        let zipName = try #require(try FileManager.default.contentsOfDirectory(atPath: out.path).first { $0.hasSuffix(".zip") })
        #expect(try Data(contentsOf: out.appendingPathComponent(zipName)) == Data(contentsOf: clean.appendingPathComponent(zipName)))
        #expect(try Self.segments(clean) == after)
        let verified = try Dossier.run(["verify", out.appendingPathComponent(zipName).path])
        #expect(verified.status == 0, "\(verified.stdout)")

        // The zip removed and nothing else changed: the health check (as it was) is deflated again in segments.
        try FileManager.default.removeItem(at: out.appendingPathComponent(zipName))
        #expect(try Dossier.run(["build", workspace.path, "-o", out.path]).status == 0)
        #expect(try Data(contentsOf: out.appendingPathComponent(zipName)) == Data(contentsOf: clean.appendingPathComponent(zipName)))
        #expect(try Self.segments(out) == after)
    }
}

import Foundation
import Testing
@testable import Dossier

/// The binary form the parsed-item cache stores items in.
@Suite struct ItemCodingTests {
    func roundTrip<T: ItemCodable>(_ value: T) throws -> T {
        try ItemReader.decode(T.self, from: ItemWriter.encode(value))
    }

    static let location = SourceLocation(file: "findings/F-1.md", line: 3, column: 9)

    /// A finding with every optional field present and hostile text in its strings.
    static let finding = Finding(
        id: "F-1", title: "한글 제목 \u{0} \"quoted\" \u{1F600}", summary: "", severity: .critical, category: .security, status: .inProgress,
        systems: ["db", ""], tags: ["태그"], detected: Day("2024-02-29"), due: Day("9999-12-31"), owner: "김",
        effort: .l, controls: [ControlReference("isms-p:2.9.2")!, ControlReference("soc2:CC7.4")!],
        metrics: [Finding.Metric(name: "p99", unit: "ms", before: -0.0, after: .infinity, target: .leastNonzeroMagnitude, better: .lower),
                  Finding.Metric(name: "n", unit: nil, before: nil, after: nil, target: nil, better: .higher)],
        evidence: [EvidenceReference(file: "evidence/a.log", caption: "캡션", location: location),
                   EvidenceReference(file: "evidence/b.png", caption: nil, location: location)],
        audience: .client, body: "", location: location, bodyLine: Int.max)

    @Test func roundTripsValues() throws {
        #expect(try roundTrip(Self.finding) == Self.finding)
        #expect(try roundTrip(Self.finding).metrics[0].before?.sign == .minus, "-0.0 keeps its sign")
        var minimal = Self.finding
        (minimal.summary, minimal.detected, minimal.due, minimal.owner, minimal.effort) = (nil, nil, nil, nil, nil)
        (minimal.systems, minimal.controls, minimal.metrics, minimal.evidence, minimal.bodyLine) = ([], [], [], [], Int.min)
        #expect(try roundTrip(minimal) == minimal)
        let time = try #require(Timestamp.fromText("2026-11-27T09:30:00.123456789+09:00"))
        #expect(try roundTrip(time) == time)
        #expect(try roundTrip(time).date == time.date)
        let diagnostic = Diagnostic(file: "a.md", line: 0, column: -1, severity: .warning, message: "경고")
        let parsed = ParsedItemCache.Parsed(item: .incident(try #require(Self.incident), [ItemReference(id: "F-1", target: .finding, location: Self.location)]),
                                            identity: WorkspaceLoader.ItemIdentity(id: "INC-1", kind: "incident", location: Self.location),
                                            diagnostics: [diagnostic])
        let back = try roundTrip(parsed)
        guard case .incident(let incident, let references)? = back.item else { Issue.record("not an incident"); return }
        #expect(incident == Self.incident)
        #expect(references.map(\.id) == ["F-1"] && references.first?.target == .finding && references.first?.location == Self.location)
        #expect(back.identity?.id == "INC-1" && back.identity?.kind == "incident" && back.identity?.location == Self.location)
        #expect(back.diagnostics == [diagnostic])
        let empty = try roundTrip(ParsedItemCache.Parsed(item: nil, identity: nil, diagnostics: []))
        #expect(empty.item == nil && empty.identity == nil && empty.diagnostics.isEmpty)
    }

    static let incident: Incident? = {
        guard let at = Timestamp.fromText("2026-10-01T02:03:04Z") else { return nil }
        return Incident(id: "INC-1", title: "장애", severity: .sev1, systems: ["db"], status: .mitigated, summary: "s", impact: nil, rootCause: "r",
                        timeline: [Incident.TimelineEntry(at: at, kind: .detected, text: "t", by: "who", location: location),
                                   Incident.TimelineEntry(at: at, kind: .action, text: "", by: nil, location: location)],
                        actions: [Incident.Action(text: "a", owner: nil, due: Day("2026-12-01"), status: .done)],
                        related: ["F-1"], controls: [], evidence: [], audience: .internal, body: "b", location: location, bodyLine: 7)
    }()

    @Test func roundTripsEveryExampleItem() throws {
        for name in ["acecommerce-2026-q3", "acecommerce-2026-q4", "northwind-retainer-2026-10"] {
            let workspace = try #require(WorkspaceLoader.load(examples.appendingPathComponent(name)).workspace)
            for finding in workspace.findings { #expect(try roundTrip(finding) == finding) }
            for incident in workspace.incidents { #expect(try roundTrip(incident) == incident) }
            for article in workspace.articles { #expect(try roundTrip(article) == article) }
        }
    }

    @Test func damagedBytesAreErrorsNotCrashes() throws {
        let parsed = ParsedItemCache.Parsed(item: .finding(Self.finding), identity: nil, diagnostics: [])
        let bytes = ItemWriter.encode(parsed)
        for length in [0, 1, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(ParsedItemCache.Parsed.self, from: Array(bytes.prefix(length))) }
        }
        #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(ParsedItemCache.Parsed.self, from: bytes + [0]) }
        // An item kind that does not exist; a count of 2^40 and one of 2^64 − 1 (more than the bytes left).
        #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(ParsedItemCache.Parsed.self, from: [1, 6]) }
        #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(ParsedItemCache.Parsed.self, from: [0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]) }
        #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(ParsedItemCache.Parsed.self, from: [0, 0] + Array(repeating: 0xFF, count: 10) + [0x01]) }
        // A word that is not one of the enumeration's.
        var writer = ItemWriter()
        for text in ["INC-1", "title", "sev9"] { writer.string(text) }
        #expect(throws: ItemReader.Failure.self) { try ItemReader.decode(Incident.self, from: writer.bytes) }
        // Every other byte value in every position: never a crash.
        for position in bytes.indices {
            for value: UInt8 in [0, 1, 2, 7, 0x7F, 0x80, 0xFF] {
                var changed = bytes
                changed[position] = value
                _ = try? ItemReader.decode(ParsedItemCache.Parsed.self, from: changed)
            }
        }
    }
}

/// A rebuild reads unchanged items from the cache, and gets exactly what parsing would give.
@Suite struct ParsedItemCacheTests {
    /// Loads `scratch` with the cache kept in `output`, then writes the cache as a build would.
    func load(_ scratch: ScratchWorkspace, output: URL, clean: Bool = false) throws -> (WorkspaceLoadResult, reused: Int) {
        let cache = ParsedItemCache(output: output, workspace: scratch.url, clean: clean)
        let result = WorkspaceLoader.load(scratch.url, parsed: cache)
        try FileManager.default.createDirectory(at: output.appendingPathComponent(".dossier-cache"), withIntermediateDirectories: true)
        try cache.write(to: output.appendingPathComponent(ParsedItemCache.file).path)
        return (result, cache.reused)
    }

    func same(_ a: WorkspaceLoadResult, _ b: WorkspaceLoadResult) -> Bool {
        a.diagnostics == b.diagnostics && a.workspace?.findings == b.workspace?.findings
            && a.workspace?.incidents == b.workspace?.incidents && a.workspace?.articles == b.workspace?.articles
            && a.workspace?.sourceDigests == b.workspace?.sourceDigests
    }

    @Test func unchangedItemsComeFromTheCacheAsParsed() throws {
        let scratch = try ScratchWorkspace(locale: .ko)
        let output = scratch.url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString)")
        defer { scratch.remove(); try? FileManager.default.removeItem(at: output) }
        // A warning (a system outside the scope) must come back with the cached item.
        try scratch.edit(finding, replacing: "systems: [orders-db]", with: "systems: [order-db]")
        let (first, firstReused) = try load(scratch, output: output)
        #expect(firstReused == 0)
        #expect(first.warningCount == 1 && first.workspace != nil)
        let (second, secondReused) = try load(scratch, output: output)
        #expect(secondReused == 3)
        #expect(same(first, second))
        #expect(same(second, scratch.load()))

        // An edited file is parsed again; the others still come from the cache.
        try scratch.edit(article, replacing: "커넥션 풀 지표", with: "커넥션 풀 지표(재확인)")
        let (third, thirdReused) = try load(scratch, output: output)
        #expect(thirdReused == 2)
        #expect(same(third, scratch.load()))

        // --clean ignores the cache.
        #expect(try load(scratch, output: output, clean: true).reused == 0)
    }

    /// A file whose stamp (size, times, inode) is the one the cache keeps is not read at all; one
    /// changed in any way is, even with its size and modification time put back; and a stamp taken
    /// within two seconds of the file's last change is not trusted (the same tick of a coarse clock).
    @Test func filesWithTheirStampAreNotReadAgain() throws {
        let scratch = try ScratchWorkspace()
        let output = scratch.url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString)")
        defer { scratch.remove(); try? FileManager.default.removeItem(at: output) }
        /// A load, then the cache written as a build writes it, or (`upToDate`) as a build that finds
        /// nothing to do: only when it learned stamps.
        func load(upToDate: Bool = false) throws -> (result: WorkspaceLoadResult, reused: Int, unread: Int, learned: Int) {
            let cache = ParsedItemCache(output: output, workspace: scratch.url, clean: false)
            let result = WorkspaceLoader.load(scratch.url, parsed: cache)
            try FileManager.default.createDirectory(at: output.appendingPathComponent(".dossier-cache"), withIntermediateDirectories: true)
            if !upToDate {
                try cache.write(to: output.appendingPathComponent(ParsedItemCache.file).path)
            } else if cache.learnedStamps > 0 {
                cache.writeLearnedStamps(in: output)
            }
            return (result, cache.reused, cache.unread, cache.learnedStamps)
        }
        // Stamps are used on a local file system (not on a network one, whose times come from another clock).
        #expect(FileStamp.trusted(onFileSystemOf: scratch.url.path))
        // Files just written: read, and their stamps not trusted.
        let fresh = try load()
        #expect(fresh.reused == 0 && fresh.unread == 0)
        let soon = try load(upToDate: true)
        #expect(soon.unread == 0 && soon.learned == 0)
        Thread.sleep(forTimeInterval: 2.2)
        // Stamped two seconds after their last change: trusted next time, and kept even by a build
        // that finds everything up to date.
        let stamped = try load(upToDate: true)
        #expect(stamped.reused == 3 && stamped.unread == 0 && stamped.learned == 3)
        let unread = try load()
        #expect(unread.reused == 3 && unread.unread == 3 && unread.learned == 0)
        #expect(same(unread.result, scratch.load()))
        #expect(unread.result.workspace?.findings.allSatisfy { !$0.body.isEmpty } == true, "bodies come with the items")

        // The same size and modification time, other bytes: its change time tells.
        let path = scratch.url.appendingPathComponent(finding).path
        var before = stat()
        #expect(stat(path, &before) == 0)
        // Written in place (the same inode), not replaced.
        let text = try scratch.read(finding)
        #expect(text.contains("Order lookup scans"))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "Order lookup scans", with: "ORDER lookup scans").utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_ino == before.st_ino
                && after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        let edited = try load()
        #expect(edited.unread == 2 && edited.reused == 2)
        #expect(same(edited.result, scratch.load()))
        #expect(edited.result.workspace?.findings.first { $0.location.file == finding }?.title.hasPrefix("ORDER lookup scans") == true)
        // Its stamp was taken right after the change: read again (and unchanged, from the cache).
        let again = try load()
        #expect(again.unread == 2 && again.reused == 3)
        #expect(same(again.result, scratch.load()))
    }

    @Test func internalItemsAreNeverKept() throws {
        let scratch = try ScratchWorkspace()
        let output = scratch.url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString)")
        defer { scratch.remove(); try? FileManager.default.removeItem(at: output) }
        try scratch.write("findings/F-099-internal.md", try scratch.read(finding)
            .replacingOccurrences(of: "id: F-001", with: "id: F-099\naudience: internal")
            .replacingOccurrences(of: "Order lookup scans", with: "Internal-only title scans"))
        let (first, _) = try load(scratch, output: output)
        #expect(first.workspace?.findings.contains { $0.id == "F-099" } == true)
        let cached = try Data(contentsOf: output.appendingPathComponent(ParsedItemCache.file))
        #expect(!String(decoding: cached, as: UTF8.self).contains("F-099"))
        #expect(!String(decoding: cached, as: UTF8.self).contains("Internal-only"))
        let (second, reused) = try load(scratch, output: output)
        #expect(reused == 3)
        #expect(same(second, scratch.load()))

        // Nor an item that names an internal one: the article's related list would show its id.
        try scratch.edit(article, replacing: "related: [", with: "related: [F-099, ")
        let (third, _) = try load(scratch, output: output)
        #expect(third.errorCount == 0)
        let named = try Data(contentsOf: output.appendingPathComponent(ParsedItemCache.file))
        #expect(!String(decoding: named, as: UTF8.self).contains("F-099"))
        #expect(try load(scratch, output: output).reused == 2)
    }

    @Test func evidenceIsCheckedAgainOnEveryLoad() throws {
        let scratch = try ScratchWorkspace()
        let output = scratch.url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString)")
        defer { scratch.remove(); try? FileManager.default.removeItem(at: output) }
        _ = try load(scratch, output: output)
        try FileManager.default.removeItem(at: scratch.url.appendingPathComponent("evidence/explain-orders.txt"))
        let (result, reused) = try load(scratch, output: output)
        #expect(reused == 2, "the finding whose evidence went missing is parsed again, not counted as unchanged")
        #expect(result.workspace == nil)
        #expect(result.diagnostics.map { $0.formatted() }.contains { $0.hasPrefix("\(finding):18:12: error: evidence file 'evidence/explain-orders.txt' not found") })
        #expect(same(result, scratch.load()))
    }

    @Test func anotherEngagementOrADamagedFileReusesNothing() throws {
        let scratch = try ScratchWorkspace()
        let output = scratch.url.deletingLastPathComponent().appendingPathComponent("out-\(UUID().uuidString)")
        defer { scratch.remove(); try? FileManager.default.removeItem(at: output) }
        _ = try load(scratch, output: output)
        // The scope decides warnings: a changed engagement.yaml parses everything again.
        try scratch.edit("engagement.yaml", replacing: "orders-api", with: "orders-web")
        let (changed, reused) = try load(scratch, output: output)
        #expect(reused == 0)
        #expect(same(changed, scratch.load()))
        // A damaged cache file is no cache.
        let file = output.appendingPathComponent(ParsedItemCache.file)
        var bytes = try Data(contentsOf: file)
        bytes.removeLast(10)
        try bytes.write(to: file)
        let (damaged, none) = try load(scratch, output: output)
        #expect(none == 0)
        #expect(same(damaged, scratch.load()))
    }
}

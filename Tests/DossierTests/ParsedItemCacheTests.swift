import Foundation
import Testing
@testable import Dossier

/// The binary form the parsed-item cache stores items in.
@Suite struct BinaryCoderTests {
    struct Sample: Codable, Equatable {
        var text = "한글 text \u{0} \"quoted\" \u{1F600}"
        var empty = ""
        var absent: String? = nil
        var present: Int? = 7
        var numbers: [Int] = [0, 1, -1, .max, .min]
        var unsigned: UInt64 = .max
        var small: Int8 = -128
        var doubles: [Double] = [0, -0.0, 1.5, -2.25e300, .infinity, .leastNonzeroMagnitude]
        var flags = [true, false]
        var nested: [[String: [String]]] = [["a": ["x"], "": []], [:]]
        var day = Day("2026-11-27")!
        var time = Timestamp.fromText("2026-11-27T09:30:00+09:00")!
        var control = ControlReference("isms-p:2.9.2")!
    }

    @Test func roundTripsValues() throws {
        let sample = Sample()
        let decoded = try BinaryCoder.decode(Sample.self, from: BinaryCoder.encode(sample))
        #expect(decoded == sample)
        #expect(decoded.doubles[1].sign == .minus, "-0.0 keeps its sign")
        let nan = try BinaryCoder.decode([Double].self, from: BinaryCoder.encode([Double.nan]))
        #expect(nan.count == 1 && nan[0].isNaN)
    }

    @Test func roundTripsEveryExampleItem() throws {
        for name in ["acecommerce-2026-q3", "acecommerce-2026-q4", "northwind-retainer-2026-10"] {
            let workspace = try #require(WorkspaceLoader.load(examples.appendingPathComponent(name)).workspace)
            for finding in workspace.findings {
                #expect(try BinaryCoder.decode(Finding.self, from: BinaryCoder.encode(finding)) == finding)
            }
            for incident in workspace.incidents {
                #expect(try BinaryCoder.decode(Incident.self, from: BinaryCoder.encode(incident)) == incident)
            }
            for article in workspace.articles {
                #expect(try BinaryCoder.decode(Article.self, from: BinaryCoder.encode(article)) == article)
            }
        }
    }

    @Test func damagedBytesAreErrorsNotCrashes() throws {
        let bytes = try BinaryCoder.encode(Sample())
        for length in [0, 1, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try BinaryCoder.decode(Sample.self, from: Array(bytes.prefix(length))) }
        }
        #expect(throws: (any Error).self) { try BinaryCoder.decode(Sample.self, from: bytes + [0]) }
        var flipped = bytes
        flipped[0] = 0xEE
        #expect(throws: (any Error).self) { try BinaryCoder.decode(Sample.self, from: flipped) }
        #expect(throws: (any Error).self) { try BinaryCoder.decode(Int8.self, from: BinaryCoder.encode(300)) }
        #expect(throws: (any Error).self) { try BinaryCoder.decode(String.self, from: BinaryCoder.encode(3)) }
        // Element counts larger than their container (2^40, and 2^64 − 1).
        #expect(throws: (any Error).self) {
            try BinaryCoder.decode(ParsedItemCache.Parsed.self, from: [0x08, 0x06, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
        }
        #expect(throws: (any Error).self) {
            try BinaryCoder.decode(ParsedItemCache.Parsed.self, from: [0x08, 0x0A, 0, 0, 0] + Array(repeating: 0xFF, count: 9) + [0x01])
        }
        #expect(throws: (any Error).self) { try BinaryCoder.decode([String].self, from: [0x07, 0x01, 0, 0, 0, 0x05]) }
        // Every other byte value in every position: never a crash.
        for position in bytes.indices {
            for value: UInt8 in [0, 1, 7, 8, 0x7F, 0x80, 0xFF] {
                var changed = bytes
                changed[position] = value
                _ = try? BinaryCoder.decode(Sample.self, from: changed)
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

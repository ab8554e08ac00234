import Foundation
import Markdown
import Search
import Testing
@testable import Dossier

/// Related items on the Korean example: bounded, deterministic, linked items first.
struct RelatedItemsTests {
    static func items() throws -> [KBItem] {
        let loaded = WorkspaceLoader.load(examples.appendingPathComponent("acecommerce-2026-q4"))
        let workspace = try #require(loaded.workspace)
        var log = DiagnosticLog()
        let context = try #require(ReportBuilder.makeContext(workspace, previous: nil, options: ReportOptions(), log: &log))
        return KnowledgeBaseBuilder.makeItems([context])
    }

    static func counts(_ items: [KBItem]) -> [IndexWriter.DocumentTerms] {
        items.map { item in RelatedItems.termCounts(item.searchDocument(MarkdownRenderer.render(item.body))) }
    }

    @Test func linkedItemsComeFirstAndListsAreBounded() throws {
        let items = try Self.items()
        let related = RelatedItems.compute(items, termCounts: Self.counts(items))
        #expect(related.count == items.count)
        for (index, list) in related.enumerated() {
            #expect(list.count <= RelatedItems.shown)
            #expect(!list.contains(index), "never itself")
            #expect(Set(list).count == list.count)
        }
        // INC-2026-101 names F-002 as the finding behind it: the strongest link either way.
        let incident = try #require(items.firstIndex { $0.id == "INC-2026-101" })
        let finding = try #require(items.firstIndex { $0.id == "F-002" })
        #expect(related[incident].first == finding)
        #expect(related[finding].contains(incident))
        // Same input, same lists (candidate sets are unordered; scores and ties are not).
        #expect(RelatedItems.compute(items, termCounts: Self.counts(items)) == related)
    }

    /// The hashed counts a rebuild reads from the build cache's bytes are those made from the terms,
    /// and bytes that are not encoded terms are refused.
    @Test func hashedCountsFromBytesAreTheTerms() throws {
        let items = try Self.items()
        for counts in Self.counts(items) {
            let bytes = Array(counts.encoded.utf8)
            let read = bytes.withUnsafeBytes { RelatedItems.HashedTerms(encodedBytes: $0) }
            #expect(read == RelatedItems.HashedTerms(counts))
            #expect(read?.hashes.count == counts.terms.count && Set(read?.hashes ?? []).count == counts.terms.count)
        }
        for bad in ["", "x\u{1E}a\u{1F}1", "3\u{1E}a", "3\u{1E}a\u{1F}", "3\u{1E}a\u{1F}1x"] {
            #expect(Array(bad.utf8).withUnsafeBytes { RelatedItems.HashedTerms(encodedBytes: $0) } == nil, "\(bad.debugDescription)")
        }
        #expect(SearchIndexFormat.fnv1a(UnsafeBufferPointer(start: nil, count: 0)) == 0xCBF2_9CE4_8422_2325)
        #expect(Array("a".utf8).withUnsafeBufferPointer(SearchIndexFormat.fnv1a) == 0xAF63_DC4C_8601_EC8C)
    }

    /// The inverted lists and the "seen" table against every pair, on a generated corpus of 540
    /// items where some tags and terms are shared by more than 100 items (too common to bring
    /// candidates) and the rest by fewer.
    @Test func candidatesFromShortListsMatchEveryPair() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-related-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", examples.deletingLastPathComponent().appendingPathComponent("Benchmarks/generate-corpus.py").path,
                               "--findings", "400", "--incidents", "40", "--out", folder.path]
        try generator.run()
        generator.waitUntilExit()
        try #require(generator.terminationStatus == 0)
        let workspace = try #require(WorkspaceLoader.load(folder).workspace)
        var log = DiagnosticLog()
        let context = try #require(ReportBuilder.makeContext(workspace, previous: nil, options: ReportOptions(), log: &log))
        let items = KnowledgeBaseBuilder.makeItems([context])
        let counts = Self.counts(items)
        // Every candidate scoring above 1, not only the best five, so that each candidate counts.
        let related = RelatedItems.compute(items, termCounts: counts, limit: items.count)

        let features = RelatedItems.features(items, termCounts: counts)
        func holders(_ values: [[Int32]]) -> [Int32: Int] {
            var holders: [Int32: Int] = [:]
            for list in values { for value in list { holders[value, default: 0] += 1 } }
            return holders
        }
        let terms = features.vectors.map { $0.map(\.term) }
        let tagHolders = holders(features.tags), systemHolders = holders(features.systems), termHolders = holders(terms)
        func sharesShortList(_ a: [Int32], _ b: [Int32], _ holders: [Int32: Int]) -> Bool {
            Set(a).intersection(b).contains { holders[$0]! <= RelatedItems.maximumListLength }
        }
        var longLists = 0
        var mismatched: [String] = []
        for index in items.indices {
            longLists += features.tags[index].filter { tagHolders[$0]! > RelatedItems.maximumListLength }.count
            var scored: [(Int, Double)] = []
            for other in items.indices where other != index {
                let candidate = features.links[index]?.contains(other) == true
                    || sharesShortList(features.tags[index], features.tags[other], tagHolders)
                    || sharesShortList(features.systems[index], features.systems[other], systemHolders)
                    || sharesShortList(terms[index], terms[other], termHolders)
                guard candidate else { continue }
                // The score written out from the item's own strings, as documented.
                let sharedTags = Set(items[index].tags).intersection(items[other].tags).count
                let sharedSystems = Set(items[index].systems).intersection(items[other].systems).count
                var score = 3 * Double(sharedTags) + 2 * Double(sharedSystems)
                if let category = items[index].category, category == items[other].category { score += 1 }
                let theirs = Dictionary(uniqueKeysWithValues: features.vectors[other].map { ($0.term, $0.weight) })
                score += 4 * features.vectors[index].reduce(0.0) { $0 + $1.weight * (theirs[$1.term] ?? 0) }
                if features.links[index]?.contains(other) == true { score += 10 }
                if abs(score - features.score(index, other)) > 1e-9 { mismatched.append("score of \(items[index].id) and \(items[other].id)") }
                if score > 1 { scored.append((other, features.score(index, other))) }
            }
            let expected = scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
            if related[index] != expected { mismatched.append("related items of \(items[index].id)") }
        }
        #expect(mismatched.isEmpty, "\(mismatched.count) differ, first: \(mismatched.prefix(3))")
        #expect(longLists > 0, "the corpus has tags too common to bring candidates")
        #expect(related.contains { !$0.isEmpty })
    }

    @Test func termCountsSkipSingleCharacters() {
        #expect(["풀", "커넥", "커넥", "a", "ora-01555", ""].filter(RelatedItems.isComparedBy) == ["커넥", "커넥", "ora-01555"])
        let document = SearchDocument(id: "F-1", kind: "finding", title: "풀 커넥션", url: "items/F-1.html", summary: "", systems: [],
                                      severity: nil, engagement: "E", tags: ["db"], headings: [], body: "커넥션 a ORA-01555")
        #expect(RelatedItems.termCounts(document).tf == ["커넥": 2, "넥션": 2, "ora": 1, "01555": 1, "ora-01555": 1])
    }
}

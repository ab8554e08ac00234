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

    /// The items of a corpus of 400 findings, 40 incidents and 100 articles from the benchmarks' generator.
    static func generatedItems() throws -> [KBItem] {
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

    /// The hashed counts a rebuild reads from the build cache's bytes are those it wrote there, and
    /// bytes that are not such an encoding (cut short, grown, another tag) are refused.
    @Test func hashedCountsFromBytesAreTheTerms() throws {
        let items = try Self.items()
        for counts in Self.counts(items) {
            let hashed = RelatedItems.HashedTerms(counts)
            let bytes = hashed.binary
            let read = bytes.withUnsafeBytes { RelatedItems.HashedTerms(binary: $0) }
            #expect(read == hashed)
            #expect(read?.hashes.count == counts.terms.count && Set(read?.hashes ?? []).count == counts.terms.count)
            #expect(read?.counts == counts.counts)
            for bad in [Array(bytes.dropLast()), bytes + [0], [0xD7] + bytes.dropFirst(), []] {
                #expect(bad.withUnsafeBytes { RelatedItems.HashedTerms(binary: $0) } == nil)
            }
        }
        #expect(SearchIndexFormat.fnv1a(UnsafeBufferPointer(start: nil, count: 0)) == 0xCBF2_9CE4_8422_2325)
        #expect(Array("a".utf8).withUnsafeBufferPointer(SearchIndexFormat.fnv1a) == 0xAF63_DC4C_8601_EC8C)
    }

    /// The inverted lists and the "seen" table against every pair, on a generated corpus of 540
    /// items where some tags and terms are shared by more than 100 items (too common to bring
    /// candidates) and the rest by fewer.
    @Test func candidatesFromShortListsMatchEveryPair() throws {
        let items = try Self.generatedItems()
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

    /// Lists updated from the last build's state are the lists computed whole, whatever changed:
    /// a word new to the corpus in one item (few lists made again), a word many items share, words
    /// removed, a term's list pushed over the length limit (its items made again), the items in
    /// another order or a damaged state (all made again).
    @Test func updatedListsAreTheComputedOnes() throws {
        let items = try Self.generatedItems()
        var counts = Self.counts(items).map(RelatedItems.HashedTerms.init)
        let first = RelatedItems.update(items, hashedCounts: counts, previous: nil)
        #expect(first.made == items.count)
        #expect(first.lists == RelatedItems.compute(items, hashedCounts: counts))
        var state = first.state

        /// Changes the counts, then updates from the last state: the lists computed whole.
        func change(_ what: String, _ edit: (inout [RelatedItems.HashedTerms]) -> Void) -> Int {
            edit(&counts)
            let updated = RelatedItems.update(items, hashedCounts: counts, previous: state)
            let whole = RelatedItems.compute(items, hashedCounts: counts)
            #expect(updated.lists == whole, "\(what): \(items.indices.filter { updated.lists[$0] != whole[$0] }.count) lists differ")
            state = updated.state
            return updated.made
        }
        #expect(change("nothing") { _ in } == 0)
        let newWord = change("a word new to the corpus") { counts in
            counts[7].hashes.append(0x0123_4567_89AB_CDEF)
            counts[7].counts.append(3)
        }
        #expect(newWord > 0 && newWord < items.count / 2, "\(newWord) of \(items.count)")
        // The word most items have, given to an item that lacks it: every item that has it weighs it anew.
        var holders: [UInt64: Int] = [:]
        for item in counts { for hash in item.hashes { holders[hash, default: 0] += 1 } }
        let common = try #require(holders.filter { $0.value < items.count }.max { $0.value < $1.value }?.key)
        let lacking = try #require(counts.firstIndex { !$0.hashes.contains(common) })
        _ = change("a word many items share") { counts in
            counts[lacking].hashes.append(common)
            counts[lacking].counts.append(2)
        }
        _ = change("words removed") { counts in
            counts[11].hashes.removeFirst(5)
            counts[11].counts.removeFirst(5)
        }
        // A term strong in nearly `maximumListLength` items counted many times in a few more that
        // have it (its document frequency, and so every other item's weights, stay as they were):
        // strong there too, its list becomes too long to bring candidates.
        let features = RelatedItems.features(items, hashedCounts: counts)
        var members: [Int32: [Int]] = [:]
        for (index, vector) in features.vectors.enumerated() { for entry in vector { members[entry.term, default: []].append(index) } }
        let limit = RelatedItems.maximumListLength
        let candidates = members.filter { $0.value.count <= limit && $0.value.count > limit - 8 }.sorted { $0.key < $1.key }.compactMap { term, holding -> (UInt64, [Int])? in
            let hash = features.termHashes[Int(term)]
            let others = counts.indices.filter { !holding.contains($0) && counts[$0].hashes.contains(hash) }
            return others.count >= limit + 1 - holding.count ? (hash, Array(others.prefix(limit + 1 - holding.count))) : nil
        }
        let (hash, raised) = try #require(candidates.first)
        let crossed = change("a list over the limit") { counts in
            for index in raised {
                let place = counts[index].hashes.firstIndex(of: hash)!
                counts[index].counts[place] = 60
            }
        }
        let now = RelatedItems.features(items, hashedCounts: counts)
        let rank = try #require(RelatedItems.place(of: hash, in: now.termHashes))
        #expect(now.vectors.filter { $0.contains { $0.term == Int32(rank) } }.count > limit, "the list crossed the limit")
        #expect(crossed >= limit, "the items of the list that crossed the limit are made again")
        #expect(crossed < items.count, "\(crossed) of \(items.count): from the last lists")

        // Many small edits in a row, each a few items' counts raised or lowered (their words'
        // document frequencies as they were) or a new word: updated, always the lists computed whole.
        var random = TemplateFuzzTests.Generator(state: 2026)
        var updatedFromLast = 0
        for round in 0..<40 {
            let made = change("edit \(round)") { counts in
                for _ in 0...(random.next() % 3) {
                    let index = Int(random.next() % UInt64(counts.count))
                    guard !counts[index].hashes.isEmpty else { continue }
                    let place = Int(random.next() % UInt64(counts[index].hashes.count))
                    switch random.next() % 3 {
                    case 0: counts[index].counts[place] = 1
                    case 1: counts[index].counts[place] = 30 + Int(random.next() % 40)
                    default:
                        counts[index].hashes.append(random.next())
                        counts[index].counts.append(1 + Int(random.next() % 5))
                    }
                }
            }
            if made < items.count { updatedFromLast += 1 }
        }
        #expect(updatedFromLast > 30, "most edits update the last lists")

        // Items in another order, or a damaged state: all made again.
        let reversed = RelatedItems.update(Array(items.reversed()), hashedCounts: Array(counts.reversed()), previous: state)
        #expect(reversed.made == items.count)
        #expect(reversed.lists == RelatedItems.compute(Array(items.reversed()), hashedCounts: Array(counts.reversed())))
        #expect(RelatedItems.update(items, hashedCounts: counts, previous: state.dropLast(3)).made == items.count)
        #expect(RelatedItems.update(items, hashedCounts: counts, previous: Data("dossier".utf8)).made == items.count)
    }

    /// The two cases an update must make again beyond the changed items and their candidates, on
    /// 250 articles without tags or systems related by their terms alone: a term's list made too
    /// long by an item in which the term became strong (the list's items lose it as a candidate),
    /// and an item whose last list names one that is no longer its candidate.
    @Test func updatesMakeAgainWhatTheChangeReaches() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-related-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("articles"), withIntermediateDirectories: true)
        try "id: REL\ntitle: 관련 항목\nclient: 시험\ntype: health-check\nlocale: ko\nperiod: {from: 2026-01-01, to: 2026-12-31}\n"
            .write(to: folder.appendingPathComponent("engagement.yaml"), atomically: true, encoding: .utf8)
        for index in 0..<250 {
            try "---\nid: KB-\(1000 + index)\ntitle: \"문서 \(index)\"\nkind: workshop\n---\n\n본문.\n"
                .write(to: folder.appendingPathComponent("articles/KB-\(1000 + index).md"), atomically: true, encoding: .utf8)
        }
        let workspace = try #require(WorkspaceLoader.load(folder).workspace)
        var log = DiagnosticLog()
        let context = try #require(ReportBuilder.makeContext(workspace, previous: nil, options: ReportOptions(), log: &log))
        let items = KnowledgeBaseBuilder.makeItems([context])
        try #require(items.count == 250 && items.allSatisfy { $0.tags.isEmpty && $0.systems.isEmpty })
        func terms(_ pairs: [(UInt64, Int)]) -> RelatedItems.HashedTerms {
            var terms = RelatedItems.HashedTerms(IndexWriter.DocumentTerms(tf: [:], length: 0))
            terms.hashes = pairs.map(\.0)
            terms.counts = pairs.map(\.1)
            return terms
        }
        let shared: UInt64 = 1, pair: UInt64 = 2
        func unique(_ item: Int, _ count: Int) -> [(UInt64, Int)] { (0..<count).map { (UInt64(1000 + item * 100 + $0), 1) } }
        // Items 0–99: the shared term alone. Item 100: twenty-four words of its own and the shared
        // term once (too weak to be among its strongest twenty). Items 101 and 102: a word of the
        // two (strong in both). The rest: words of their own.
        var counts = (0..<250).map { item -> RelatedItems.HashedTerms in
            switch item {
            case 0..<100: return terms([(shared, 1)])
            case 100: return terms(unique(item, 24) + [(shared, 1)])
            case 101: return terms(unique(item, 19) + [(pair, 5)])
            case 102: return terms([(pair, 1)])
            default: return terms(unique(item, 2))
            }
        }
        let first = RelatedItems.update(items, hashedCounts: counts, previous: nil)
        #expect(first.lists[0] == [1, 2, 3, 4, 5])
        #expect(first.lists[102] == [101])

        // The shared term counted many times in item 100: strong there, its list of 101 items brings no candidates.
        counts[100].counts[24] = 10_000
        let crossed = RelatedItems.update(items, hashedCounts: counts, previous: first.state)
        #expect(crossed.lists == RelatedItems.compute(items, hashedCounts: counts))
        #expect(crossed.lists[0].isEmpty)
        #expect(crossed.made > 100 && crossed.made < items.count)

        // Item 101's word of the two made weak among new words of its own: 102's list loses it.
        counts[101] = terms(unique(101, 24) + [(pair, 1)])
        let parted = RelatedItems.update(items, hashedCounts: counts, previous: crossed.state)
        #expect(parted.lists == RelatedItems.compute(items, hashedCounts: counts))
        #expect(parted.lists[102].isEmpty)
        #expect(parted.made < 10)
    }

    @Test func termCountsSkipSingleCharacters() {
        #expect(["풀", "커넥", "커넥", "a", "ora-01555", ""].filter(RelatedItems.isComparedBy) == ["커넥", "커넥", "ora-01555"])
        let document = SearchDocument(id: "F-1", kind: "finding", title: "풀 커넥션", url: "items/F-1.html", summary: "", systems: [],
                                      severity: nil, engagement: "E", tags: ["db"], headings: [], body: "커넥션 a ORA-01555")
        #expect(RelatedItems.termCounts(document).tf == ["커넥": 2, "넥션": 2, "ora": 1, "01555": 1, "ora-01555": 1])
    }
}

import Foundation
import Testing
@testable import Search

/// The fixture's source (Tests/Fixtures/search-documents.json), which make-search-index.py writes the fixture index from.
struct FixtureDocuments: Decodable {
    struct Document: Decodable {
        var id, kind, title, url, summary, engagement, body: String
        var systems, tags, headings: [String]
        var severity: String?
    }

    var generator: String
    var shardBudget: Int
    var docShardSize: Int
    var documents: [Document]

    static func load() throws -> FixtureDocuments {
        try JSONDecoder().decode(FixtureDocuments.self, from: Data(contentsOf: Vectors.fixtures.appendingPathComponent("search-documents.json")))
    }

    var searchDocuments: [SearchDocument] {
        documents.map {
            SearchDocument(id: $0.id, kind: $0.kind, title: $0.title, url: $0.url, summary: $0.summary, systems: $0.systems, severity: $0.severity,
                           engagement: $0.engagement, tags: $0.tags, headings: $0.headings, body: $0.body)
        }
    }
}

/// A temporary folder holding the files of one index.
struct IndexFolder {
    let url: URL

    init(_ files: [(name: String, data: Data)]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-index-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for file in files { try file.data.write(to: url.appendingPathComponent(file.name + ".js")) }
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    func json(_ name: String) -> Any? {
        (try? Data(contentsOf: url.appendingPathComponent(name + ".js"))).flatMap(ScriptJSON.parse)?.value
    }
}

@Suite struct IndexFormatTests {
    /// The Swift writer and the Python generator (a third implementation of SPEC.md §1–3) agree byte for byte.
    @Test func indexWriterReproducesTheFixtureIndex() throws {
        let source = try FixtureDocuments.load()
        let files = IndexWriter.files(for: source.searchDocuments, generator: source.generator, shardBudget: source.shardBudget,
                                      docShardSize: source.docShardSize)
        let folder = Vectors.fixtures.appendingPathComponent("search-index")
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".js") }.sorted()
        #expect(files.map { $0.name + ".js" } == onDisk)
        #expect(files.count > 6, "several term shards")
        for file in files {
            let expected = try String(contentsOf: folder.appendingPathComponent(file.name + ".js"), encoding: .utf8)
            #expect(String(decoding: file.data, as: UTF8.self) == expected, "\(file.name)")
        }
    }

    @Test func anIndexOfAnotherSchemaIsRefused() throws {
        for schema in [1, 2, 3, 4] {
            let folder = try IndexFolder([("meta", ScriptJSON.file(name: "meta", json: "{\"schema\":\(schema),\"docCount\":0,\"termShards\":3,\"docs\":\"\"}"))])
            defer { folder.remove() }
            let error = #expect(throws: QueryEngine.Failure.self) { try QueryEngine(folder: folder.url) }
            #expect(error?.description
                == "this knowledge base index uses schema \(schema); this Dossier understands schema 5 — rebuild the knowledge base with this Dossier")
        }
        let empty = try IndexFolder([])
        defer { empty.remove() }
        let missing = #expect(throws: QueryEngine.Failure.self) { try QueryEngine(folder: empty.url) }
        #expect(missing?.description.hasPrefix("no search index in \(empty.url.path)") == true)
    }

    @Test func codePointOrder() {
        let astral = "\u{20000}"
        #expect(SearchIndexFormat.precedes("\u{FFFD}", astral), "U+FFFD before U+20000, whatever UTF-16 says")
        #expect(!SearchIndexFormat.precedes(astral, "\u{FFFD}"))
        #expect(SearchIndexFormat.precedes("set", "~디스크") && SearchIndexFormat.precedes("~디스크", "디스"))
        #expect(SearchIndexFormat.precedes("ab", "abc") && !SearchIndexFormat.precedes("abc", "abc"))
        // Canonically equivalent but different code points are different terms, in code point order.
        #expect(SearchIndexFormat.precedes("e\u{301}", "\u{E9}") && !SearchIndexFormat.starts("\u{E9}", with: "e"))
        #expect(SearchIndexFormat.starts("e\u{301}x", with: "e"), "a prefix by code point, not by character")
    }

    @Test func rangeLookupAcrossShardBoundaries() {
        let first = ["0", "db01", "f-002", "f-003x", "g", "~디스크를", "풀이"]
        let shard = { (term: String) in SearchIndexFormat.shard(of: term, firstTerms: first) }
        #expect(shard("") == nil && shard("/") == nil, "sorts before every shard")
        #expect(shard("0") == 0 && shard("db0") == 0)
        #expect(shard("db01") == 1 && shard("f-001") == 1)
        #expect(shard("f-0029") == 2 && shard("zzz") == 4 && shard("~디스크") == 4)
        #expect(shard("풀") == 5 && shard("풀이다") == 6)
        let prefix = { (text: String) in SearchIndexFormat.shards(withPrefix: text, firstTerms: first) }
        #expect(prefix("f-00") == [1, 2, 3])
        #expect(prefix("f-003") == [2, 3] && prefix("f-003x") == [3])
        #expect(prefix("~디스크") == [4, 5] && prefix("풀") == [5, 6] && prefix("x") == [4])
        #expect(prefix("") == [0, 1, 2, 3, 4, 5, 6])
        #expect(SearchIndexFormat.shards(withPrefix: "!", firstTerms: ["!a", "!b", "c"]) == [0, 1])
        #expect(SearchIndexFormat.shards(withPrefix: "x", firstTerms: []).isEmpty && SearchIndexFormat.shard(of: "x", firstTerms: []) == nil)
    }

    @Test func facetCodes() {
        #expect(SearchIndexFormat.facetDigits.count == 89)
        #expect(String(decoding: SearchIndexFormat.facetDigits, as: UTF8.self)
            == "!#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~")
        #expect(SearchIndexFormat.facetWidth(for: 0) == 1 && SearchIndexFormat.facetWidth(for: 89) == 1)
        #expect(SearchIndexFormat.facetWidth(for: 90) == 2 && SearchIndexFormat.facetWidth(for: 89 * 89) == 2 && SearchIndexFormat.facetWidth(for: 89 * 89 + 1) == 3)
        #expect(SearchIndexFormat.facetCode(0, width: 2) == "!!" && SearchIndexFormat.facetCode(89, width: 2) == "#!")
        #expect(SearchIndexFormat.facetCode(88 * 89 + 88, width: 2) == "~~")
        #expect(SearchIndexFormat.facetIndexes("!!!#~~#!", width: 2, count: 5) == [0, 1, 88 * 89 + 88, 89, nil])
        #expect(SearchIndexFormat.facetIndexes("!\"\\<é0", width: 1, count: 5) == [0, nil, nil, nil, nil])
        #expect(SearchIndexFormat.facetIndexes("0", width: 1, count: 1) == [13])
        // The digits worked out (for postings strings) are the table's.
        #expect(SearchIndexFormat.facetDigits.count == 89)
        #expect(SearchIndexFormat.facetDigits.indices.allSatisfy { SearchIndexFormat.facetDigit($0) == SearchIndexFormat.facetDigits[$0] })
    }

    /// SPEC.md §3's examples, every length of number, and what a reader does with malformed strings.
    @Test func postingsStrings() {
        func written(_ numbers: [Int]) -> String {
            var bytes: [UInt8] = []
            for number in numbers { SearchIndexFormat.appendPostingNumber(number, to: &bytes) }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(written([0, 1, 44, 45, 1979, 1980, 10000]) == "!#QS!~QSR!WT-")
        let edges = [0, 1, 44, 45, 88, 89, 1979, 1980, 87119, 87120, 3_833_279, 3_833_280, 123_456_789, 1 << 40]
        #expect(edges.map { written([$0]).count } == [1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 5, 5, 8])
        #expect(SearchIndexFormat.postingNumbers(written(edges)) == edges)
        #expect(SearchIndexFormat.postingNumbers("#WT-#W") == [1, 10000, 1], "an unfinished number is dropped (an unfinished pair is the engine's to drop)")
        #expect(SearchIndexFormat.postingNumbers("#WT-\"#") == [1, 10000], "reading stops at a character that is not a digit")
        #expect(SearchIndexFormat.postingNumbers("#é#") == [1])
        #expect(SearchIndexFormat.postingNumbers(String(repeating: "~", count: 40) + "!#") == [], "nothing past 2^40")
        #expect(SearchIndexFormat.postingNumbers(written([7, 1 << 40, 3])) == [7, 1 << 40, 3], "2^40 itself is read")
        #expect(SearchIndexFormat.postingNumbers(written([7, (1 << 40) + 1, 3])) == [7], "one more ends the numbers")
        #expect(SearchIndexFormat.postingNumbers("").isEmpty)
    }

    /// 120 documents: a term in every one (postings far over a 300-byte budget), distinct facet sets
    /// past one code digit, and terms sharing prefixes across many small shards.
    static func syntheticDocuments() -> [SearchDocument] {
        (0..<120).map { index in
            let system = "sys\(index % 100)"
            return SearchDocument(id: "D-\(index)", kind: index % 3 == 0 ? "incident" : "finding", title: "common title \(index)",
                                  url: "items/D-\(index).html", summary: "요약 디스크\(["가", "를", "는"][index % 3]) 가득",
                                  systems: index % 7 == 0 ? [] : [system], severity: index % 5 == 0 ? nil : ["high", "low", "sev1", "zeta"][index % 4],
                                  engagement: "E\(index % 2)", tags: ["tag\(index % 11)", "D-\(index)"], headings: ["heading \(index % 4)"],
                                  body: "word\(index % 13) prefix\(index) common common " + String(repeating: "filler\(index % 3) ", count: index % 5))
        }
    }

    @Test func aTermLargerThanTheBudgetIsAShardOfItsOwn() throws {
        let documents = Self.syntheticDocuments()
        let budget = 300
        let folder = try IndexFolder(IndexWriter.files(for: documents, generator: "test", shardBudget: budget))
        defer { folder.remove() }
        let meta = try #require(folder.json("meta") as? [String: Any])
        let first = try #require(meta["termShards"] as? [String])
        #expect(first.count > 20)
        var previousLast: String?
        for (number, start) in first.enumerated() {
            let text = try String(contentsOf: folder.url.appendingPathComponent(SearchIndexFormat.termFile(number) + ".js"), encoding: .utf8)
            let body = text[text.index(after: text.firstIndex(of: "{")!)..<text.lastIndex(of: "}")!]
            let entries = body.components(separatedBy: ",\n")
            let terms = entries.map { String($0[$0.index(after: $0.startIndex)..<$0.range(of: "\":\"")!.lowerBound]) }
            #expect(terms.first == start)
            #expect(terms == terms.sorted(by: SearchIndexFormat.precedes))
            if let previousLast { #expect(SearchIndexFormat.precedes(previousLast, start)) }
            previousLast = terms.last
            let size = entries.reduce(0) { $0 + $1.utf8.count + 2 }
            #expect(size <= budget || entries.count == 1, "shard \(number): \(size) bytes")
        }
        let common = try #require(SearchIndexFormat.shard(of: "common", firstTerms: first))
        let shard = try #require(folder.json(SearchIndexFormat.termFile(common)) as? [String: String])
        #expect(Array(shard.keys) == ["common"], "the postings of common (120 documents) fill a shard alone")
        #expect(first[common] == "common" && common + 1 < first.count, "the next term starts the next shard")
        let postings = SearchIndexFormat.postingNumbers(shard["common"] ?? "")
        #expect(postings.count == 240)
        #expect(postings.first == 0 && stride(from: 2, to: postings.count, by: 2).allSatisfy { postings[$0] == 1 }, "gaps of 1 after document 0")
    }

    /// The same documents indexed with a 300-byte budget and with one shard (no anchors either) answer every query alike.
    @Test func shardingChangesNoResult() throws {
        let documents = Self.syntheticDocuments()
        let small = try IndexFolder(IndexWriter.files(for: documents, generator: "test", shardBudget: 300))
        let single = try IndexFolder(IndexWriter.files(for: documents, generator: "test", shardBudget: 1 << 30, anchorEvery: Int.max))
        defer { small.remove(); single.remove() }
        #expect((single.json("meta") as? [String: Any])?["termShards"] as? [String] == ["0"])
        let a = try QueryEngine(folder: small.url), b = try QueryEngine(folder: single.url)
        let queries = ["common ", "prefix1", "prefix", "word1", "tag", "디스크", "디스크를", "디스크가 가득", "디", "d-1", "d-11 ", "common heading", "filler",
                       "sys", "sys4 ", "zz", "요약", "title 7"]
        for query in queries {
            for filters in [[:], ["kind": ["incident"]], ["system": ["sys4", "sys5"]], ["severity": ["zeta"]]] as [[String: [String]]] {
                let x = a.search(query, filters: filters, limit: 200), y = b.search(query, filters: filters, limit: 200)
                #expect(x.total == y.total, "\(query)")
                #expect(x.results.map(\.index) == y.results.map(\.index), "\(query)")
                #expect(x.results.map(\.score) == y.results.map(\.score), "\(query)")
                #expect(x.facets == y.facets, "\(query)")
            }
        }
        #expect(a.search("prefix", limit: 200).total == 120, "a prefix query over many shards finds every document")
        #expect(a.search("prefix1", limit: 200).total == 31, "prefix1, prefix10…prefix19, prefix100…prefix119")
    }

    @Test func facetTableOfManySets() throws {
        let documents = Self.syntheticDocuments()
        let folder = try IndexFolder(IndexWriter.files(for: documents, generator: "test"))
        defer { folder.remove() }
        let meta = try #require(folder.json("meta") as? [String: Any])
        let sets = try #require(meta["facetSets"] as? [[Any]])
        #expect(sets.count > 89 && meta["facetWidth"] as? Int == 2)
        #expect((meta["docs"] as? String)?.utf8.count == 2 * documents.count)
        #expect(meta["severities"] as? [String] == ["high", "low", "sev1", "zeta"], "known severities in their order, then the others by name")
        let engine = try QueryEngine(folder: folder.url)
        let response = engine.search("common ", limit: 200)
        #expect(response.total == documents.count)
        // Facet counts decoded from the table agree with the documents themselves.
        var expected: [String: [String: Int]] = ["kind": [:], "system": [:], "severity": [:], "engagement": [:]]
        for document in documents {
            expected["kind"]![document.kind, default: 0] += 1
            for system in document.systems { expected["system"]![system, default: 0] += 1 }
            if let severity = document.severity { expected["severity"]![severity, default: 0] += 1 }
            expected["engagement"]![document.engagement, default: 0] += 1
        }
        #expect(response.facets == expected)
        let filtered = engine.search("common ", filters: ["system": ["sys4"], "severity": ["high"]], limit: 200)
        let ids = Set(filtered.results.compactMap { $0.document["id"] })
        #expect(ids == Set(documents.filter { $0.systems == ["sys4"] && $0.severity == "high" }.map(\.id)))
        #expect(!ids.isEmpty)
    }
}

/// A build cache keeps each document's terms as bytes; it must read back the same.
@Suite struct DocumentTermsEncodingTests {
    @Test func termsRoundTrip() throws {
        let document = SearchDocument(id: "F-1", kind: "finding", title: "커넥션 풀 고갈 ORA-01555", url: "items/F-1.html", summary: "요약",
                                      systems: ["order-db"], severity: "high", engagement: "E", tags: ["db"], headings: ["원인"],
                                      body: "디스크를 비웠다. max_connections 10.0.0.1")
        let terms = IndexWriter.terms(of: document)
        #expect(terms.tf["ora-01555"] == 3 && terms.tf["~커넥션"] == 1)
        let bytes = terms.binary
        #expect(bytes.withUnsafeBytes { IndexWriter.DocumentTerms(binary: $0) } == terms)
        let empty = IndexWriter.DocumentTerms(tf: [:], length: 0)
        #expect(empty.binary.withUnsafeBytes { IndexWriter.DocumentTerms(binary: $0) } == empty)
        // Cut anywhere, grown, or with ends that go back: refused, never read past their end.
        for cut in 0..<bytes.count {
            #expect(bytes[..<cut].withUnsafeBytes { IndexWriter.DocumentTerms(binary: $0) } == nil)
        }
        #expect((bytes + [0x61]).withUnsafeBytes { IndexWriter.DocumentTerms(binary: $0) } == nil)
        var backwards = bytes
        backwards.replaceSubrange(9..<13, with: [0xFF, 0xFF, 0, 0])
        #expect(backwards.withUnsafeBytes { IndexWriter.DocumentTerms(binary: $0) } == nil)
    }

    /// The prose counts come with the index terms from the same tokens: the title's and the summary
    /// and body's tokens that the filter accepts, once per occurrence — not the tags or headings.
    @Test func proseCountsComeWithTheTerms() {
        let document = SearchDocument(id: "F-1", kind: "finding", title: "커넥션 풀 고갈 풀", url: "items/F-1.html", summary: "요약 db",
                                      systems: ["order-db"], severity: "high", engagement: "E", tags: ["db", "태그"], headings: ["원인 분석"],
                                      body: "커넥션 풀이 고갈되었다. db 10.0.0.1 db")
        let both = IndexWriter.terms(of: document, prose: { $0.unicodeScalars.count > 1 })
        #expect(both.terms == IndexWriter.terms(of: document))
        let tokens = Tokenizer.tokenize(document.title) + Tokenizer.tokenize(document.summary + "\n" + document.body)
        let expected = Dictionary(tokens.filter { $0.unicodeScalars.count > 1 }.map { ($0, 1) }, uniquingKeysWith: +)
        #expect(both.prose.tf == expected)
        #expect(both.prose.tf["db"] == 3 && both.prose.tf["태그"] == nil && both.prose.tf["분석"] == nil && both.prose.tf["풀"] == nil)
        #expect(IndexWriter.terms(of: document, prose: { _ in false }).prose.terms.isEmpty)
    }

    /// Terms are kept in code-point order, compared on bytes; for normalised terms that is also
    /// the order of Swift's `<`.
    @Test func termsAreInCodePointOrder() {
        let text = "가나 z Z 10 9 ~한글 é e\u{301} ä 日本 😀 ab a-b a_b 디스크 ﬁ ＡＢ"
        let terms = Tokenizer.tokenize(text) + Tokenizer.hangulWords(text).map { "~" + $0 }
        let tf = Dictionary(terms.map { ($0, 1) }, uniquingKeysWith: +)
        let ordered = IndexWriter.DocumentTerms(tf: tf, length: 0).terms
        #expect(ordered == tf.keys.sorted())
        #expect(ordered == tf.keys.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) })
        #expect(SearchIndexFormat.precedes("a", "ab") && !SearchIndexFormat.precedes("ab", "a") && !SearchIndexFormat.precedes("a", "a"))
        #expect(SearchIndexFormat.precedes("", "a") && SearchIndexFormat.precedes("z", "가") && SearchIndexFormat.precedes("가", "😀"))
        // Terms sharing their first eight bytes or more, and terms that are prefixes of others.
        let long = ["connection", "connections", "connection_pool", "connectio", "connect", "conn", "c", "커넥션풀이", "커넥션풀", "커넥션",
                    "max_connections", "max_conn", "10.0.0.1", "10.0.0.10", "10.0.0", "abcdefgh", "abcdefghi", "abcdefg", "abcdefgh가"]
        let longTF = Dictionary(uniqueKeysWithValues: long.enumerated().map { ($1, $0) })
        let sortedTerms = IndexWriter.DocumentTerms(tf: longTF, length: 0)
        #expect(sortedTerms.terms == long.sorted(by: SearchIndexFormat.precedes))
        #expect(sortedTerms.counts == sortedTerms.terms.map { longTF[$0]! })
    }

    @Test func knownTermsGiveTheSameIndex() {
        let documents = (0..<30).map { index in
            SearchDocument(id: "F-\(index)", kind: "finding", title: "문서 \(index) 디스크", url: "items/F-\(index).html", summary: "",
                           systems: [], severity: nil, engagement: "E", tags: [], headings: [], body: "본문 \(index % 7) 커넥션풀")
        }
        let plain = IndexWriter.files(for: documents, generator: "test")
        let known = IndexWriter.files(for: documents, generator: "test", terms: documents.enumerated().map { $0.offset % 2 == 0 ? IndexWriter.terms(of: $0.element) : nil })
        #expect(plain.map(\.name) == known.map(\.name))
        #expect(plain.map(\.data) == known.map(\.data))
    }
}

/// The tokenizer skips Foundation's normalization for text it leaves unchanged anyway.
@Suite struct NormalizationShortcutTests {
    static func full(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping.lowercased()
    }

    @Test func stableCodePointsAreTheirOwnNFKC() {
        var scalars = (0..<0x80).compactMap(Unicode.Scalar.init) + Tokenizer.stablePunctuation.compactMap(Unicode.Scalar.init)
        scalars += (0xAC00...0xD7A3).compactMap(Unicode.Scalar.init)
        for scalar in scalars {
            #expect(Tokenizer.isNormalizationStable(scalar))
            let text = "가" + String(scalar) + "a" + String(scalar)
            #expect(Tokenizer.normalize(text) == Self.full(text), "U+\(String(scalar.value, radix: 16))")
        }
        // Lower case on the bytes: every stable code point in one text, and mixed scripts.
        let all = String(String.UnicodeScalarView(scalars)) + "MAX_Connections ORA-01555 디스크 Z"
        #expect(Tokenizer.normalize(all) == Self.full(all))
        #expect(Tokenizer.normalize("MAX_Connections 디스크 Z") == "max_connections 디스크 z")
    }

    @Test func otherTextTakesTheFullPath() {
        for text in ["ｶﾞ", "ㄷㅣ스크", "…", "℃", "ﬁ", "Ｆ-００１", "e\u{301}", "가\u{11A8}", "ÅNGSTRÖM", "Ⅻ"] {
            #expect(Tokenizer.normalize(text) == Self.full(text), "\(text)")
        }
        #expect(!Tokenizer.isNormalizationStable("…") && !Tokenizer.isNormalizationStable("\u{11A8}"))
    }
}

/// Strings in the index are JSON literals that are also safe inside a `<script>`.
@Suite struct ScriptJSONTests {
    @Test func stringsEscapeWhatScriptsAndJSONNeed() throws {
        #expect(ScriptJSON.string("a\"b\\c\nd\re\tf</script>&\u{2028}\u{2029}\u{1}\u{1F}") ==
                "\"a\\\"b\\\\c\\nd\\re\\tf\\u003c/script\\u003e\\u0026\\u2028\\u2029\\u0001\\u001f\"")
        #expect(ScriptJSON.string("") == "\"\"")
        #expect(ScriptJSON.string("커넥션 풀 é 😀 \u{2027}\u{202A}\u{E2}") == "\"커넥션 풀 é 😀 \u{2027}\u{202A}\u{E2}\"")
        let hostile = ["", "x", "\u{2028}", "끝\u{2029}", "\u{0}\u{7F}<>&", "a\u{E2}\u{80}", String(repeating: "한<\"", count: 300)]
        for text in hostile {
            let literal = ScriptJSON.string(text)
            let parsed = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String
            #expect(parsed == text, "\(text.debugDescription)")
            #expect(!literal.unicodeScalars.contains { "<>&\u{2028}\u{2029}".unicodeScalars.contains($0) || $0.value < 0x20 })
        }
    }
}

/// A memo (a build cache's) lets a writer take the segments and document shards whose input did not
/// change from the last build: the files must be exactly those of a build without it.
@Suite struct IndexMemoTests {
    final class DictionaryMemo: @unchecked Sendable {
        let lock = NSLock()
        var entries: [[String]: [String]] = [:]
        var stored: [[String]] = []
        var memo: IndexWriter.Memo {
            IndexWriter.Memo(lookup: { key in self.lock.withLock { self.entries[key] } },
                             store: { key, values in self.lock.withLock { self.entries[key] = values; self.stored.append(key) } })
        }
        func take() -> [[String]] { lock.withLock { defer { stored = [] }; return stored } }
    }

    static func build(_ documents: [SearchDocument], memo: DictionaryMemo?) -> [String: Data] {
        let files = IndexWriter.files(for: documents, generator: "test", shardBudget: 300, anchorEvery: 8, documentKeys: documents.map { "\($0)" },
                                     memo: memo?.memo)
        return Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.data) })
    }

    @Test func anEditRewritesOnlyItsSegmentsAndDocumentShard() throws {
        var documents = IndexFormatTests.syntheticDocuments()
        let memo = DictionaryMemo()
        #expect(Self.build(documents, memo: memo) == Self.build(documents, memo: nil))
        let first = memo.take()
        let segments = first.filter { $0.contains("terms") }.count
        #expect(segments > 10, "\(segments) segments")
        #expect(first.filter { $0.contains("docs") }.count == 12)

        // Nothing changed: everything from the memo.
        #expect(Self.build(documents, memo: memo) == Self.build(documents, memo: nil))
        #expect(memo.take().isEmpty)

        // One document's body gains a word and loses another: its document shard and the segments
        // of those terms are made again, and the files are a clean build's.
        documents[57].body = documents[57].body.replacingOccurrences(of: "word5", with: "brandnew")
        let edited = Self.build(documents, memo: memo)
        #expect(edited == Self.build(documents, memo: nil))
        let second = memo.take()
        #expect(second.filter { $0.contains("docs") }.count == 1)
        let remade = second.filter { $0.contains("terms") }.count
        #expect(remade >= 1 && remade <= 3, "\(remade) of \(segments) segments made again")
    }

    /// No documents, and documents without a single term: an index all the same, with a memo too.
    @Test func emptyIndexesAndEmptyDocuments() throws {
        let memo = DictionaryMemo()
        let none = IndexWriter.files(for: [], generator: "test", documentKeys: [], memo: memo.memo)
        #expect(none.map(\.name) == ["meta"])
        let meta = try #require(try IndexFolder(none).json("meta") as? [String: Any])
        #expect(meta["docCount"] as? Int == 0 && meta["termShards"] as? [String] == [] && meta["lengths"] as? String == "")
        let blank = SearchDocument(id: "", kind: "article", title: "", url: "items/x.html", summary: "", systems: [], severity: nil,
                                   engagement: "E", tags: [], headings: [], body: "!!! ...")
        let files = IndexWriter.files(for: [blank, blank], generator: "test", documentKeys: ["a", "b"], memo: memo.memo)
        #expect(files.map(\.name) == ["docs-000", "meta"])
        #expect(IndexWriter.files(for: [blank, blank], generator: "test", documentKeys: ["a", "b"], memo: memo.memo).map(\.data) == files.map(\.data))
        let folder = try IndexFolder(files)
        defer { folder.remove() }
        #expect((folder.json("meta") as? [String: Any])?["lengths"] as? String == "!!", "two lengths of 0")
        let engine = try QueryEngine(folder: folder.url)
        #expect(engine.search("anything ").total == 0)
    }

    /// SPEC.md §3: a shard starts at every anchor, the terms whose FNV-1a hash is divisible by 64
    /// (written here from the SPEC's text), and nowhere else when the budget is never reached.
    @Test func shardsStartAtTheAnchors() throws {
        let documents = IndexFormatTests.syntheticDocuments()
        let folder = try IndexFolder(IndexWriter.files(for: documents, generator: "test", shardBudget: 1 << 30))
        defer { folder.remove() }
        let first = try #require((folder.json("meta") as? [String: Any])?["termShards"] as? [String])
        var terms: Set<String> = []
        for document in documents { terms.formUnion(IndexWriter.terms(of: document).terms) }
        func fnv(_ text: String) -> UInt64 {
            text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        }
        let sorted = terms.sorted(by: SearchIndexFormat.precedes)
        let anchors = sorted.dropFirst().filter { fnv($0) % 64 == 0 }
        #expect(anchors.count >= 2)
        #expect(first == [sorted[0]] + anchors)
    }
}

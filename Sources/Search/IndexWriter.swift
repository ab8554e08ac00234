import Foundation
import Parallel

/// Builds the search index files of SPEC.md §2–3 from documents.
public enum IndexWriter {
    /// Term shards of at most this many bytes (unless one term's postings are larger) keep each file
    /// a query loads small (SPEC.md §3, term ranges).
    public static let shardBudget = 16 * 1024
    public static let docShardSize = 10
    /// A term starts a segment of shards when its FNV-1a hash is divisible by this (SPEC.md §3): about
    /// one term in 64, so that the shards an edit rewrites are a few of the index's.
    public static let anchorEvery = 64

    /// File name (without `.js`) → contents. The budget and document shard size are parameters for
    /// the tests (the fixture index uses small ones); the knowledge base uses the defaults.
    /// A document's terms: `tf(t, d)` of SPEC.md §2 (field boosts applied; `~` words counted) and `dl(d)`.
    public struct DocumentTerms: Sendable, Equatable {
        /// Each distinct term once, in code-point order, with its count at the same index in `counts`
        /// (arrays rather than a dictionary: every consumer walks them in full, and a build cache
        /// reads them back without hashing each term). The terms are kept as their UTF-8 bytes one
        /// after another (term `i` ends at `ends[i]`): a rebuild reads a million of them back from
        /// its cache, and the index looks at their bytes only, making strings of the few whose
        /// postings it writes again.
        private var bytes: [UInt8]
        private var ends: [Int32]
        public private(set) var counts: [Int]
        public var length: Int

        public init(tf: [String: Int], length: Int) {
            let sorted = Self.sorted(tf.map { ($0.key, ($0.value, 0)) })
            self.init(terms: sorted.map(\.term), counts: sorted.map(\.counts.0), length: length)
        }

        /// The terms, as strings.
        public var terms: [String] { counts.indices.map(term) }

        /// The number of terms.
        public var count: Int { counts.count }

        /// The term at `index`.
        public func term(_ index: Int) -> String {
            withTerm(index) { String(decoding: $0, as: UTF8.self) }
        }

        /// `body` given the UTF-8 bytes of the term at `index`.
        public func withTerm<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            let start = index == 0 ? 0 : Int(ends[index - 1]), end = Int(ends[index])
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        }

        /// `body` given every term's UTF-8 bytes one after another, where each ends, and each one's count.
        public func withStorage<Result>(_ body: (_ bytes: UnsafeBufferPointer<UInt8>, _ ends: UnsafeBufferPointer<Int32>,
                                                 _ counts: UnsafeBufferPointer<Int>) -> Result) -> Result {
            bytes.withUnsafeBufferPointer { bytes in
                ends.withUnsafeBufferPointer { ends in counts.withUnsafeBufferPointer { body(bytes, ends, $0) } }
            }
        }

        /// `body` given each term's place, UTF-8 bytes and count, in order.
        public func forEachTerm(_ body: (_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ count: Int) -> Void) {
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                for index in counts.indices {
                    let end = Int(ends[index])
                    body(index, UnsafeBufferPointer(rebasing: all[start..<end]), counts[index])
                    start = end
                }
            }
        }

        /// Terms with two counts each, in the order `terms` keeps: code-point order, compared on
        /// bytes (terms are normalised, so this is also `<`'s order, which checks normalisation as it
        /// compares non-ASCII text) — first on each term's first eight bytes as one number, which
        /// orders most pairs without comparing the strings.
        static func sorted(_ entries: [(term: String, counts: (Int, Int))]) -> [(term: String, counts: (Int, Int))] {
            entries.map { (prefix: prefixKey($0.term), entry: $0) }.sorted {
                $0.prefix != $1.prefix ? $0.prefix < $1.prefix : SearchIndexFormat.precedes($0.entry.term, $1.entry.term)
            }.map(\.entry)
        }

        /// A term's first eight UTF-8 bytes, most significant first, zeros after a shorter term: in
        /// the terms' byte order, since no term holds a zero byte (SPEC.md §1: letters and numbers).
        static func prefixKey(_ term: String) -> UInt64 {
            var term = term
            return term.withUTF8(prefixKey)
        }

        /// `prefixKey` of a term's UTF-8 bytes.
        static func prefixKey(_ term: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var key: UInt64 = 0, taken = 0
            for byte in term {
                key = key << 8 | UInt64(byte)
                taken += 1
                if taken == 8 { break }
            }
            return taken == 0 ? 0 : key << (8 * UInt64(8 - taken))
        }

        fileprivate init(terms: [String], counts: [Int], length: Int) {
            var bytes: [UInt8] = [], ends: [Int32] = []
            bytes.reserveCapacity(terms.reduce(0) { $0 + $1.utf8.count })
            ends.reserveCapacity(terms.count)
            for term in terms {
                bytes.append(contentsOf: term.utf8)
                ends.append(Int32(bytes.count))
            }
            self.init(bytes: bytes, ends: ends, counts: counts, length: length)
        }

        private init(bytes: [UInt8], ends: [Int32], counts: [Int], length: Int) {
            self.bytes = bytes
            self.ends = ends
            self.counts = counts
            self.length = length
        }

        public var tf: [String: Int] { Dictionary(uniqueKeysWithValues: zip(terms, counts)) }

        /// The terms as bytes for a build cache, read back with little more than copies: a tag
        /// byte, then little-endian `length`, the number of terms, where each term's bytes end and
        /// each count (four bytes each), and the terms' bytes one after another.
        public var binary: [UInt8] {
            var result: [UInt8] = [Self.binaryTag]
            result.reserveCapacity(9 + 8 * counts.count + bytes.count)
            func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { result.append(contentsOf: $0) } }
            put(UInt32(truncatingIfNeeded: length))
            put(UInt32(counts.count))
            for end in ends { put(UInt32(end)) }
            for count in counts { put(UInt32(truncatingIfNeeded: count)) }
            result.append(contentsOf: bytes)
            return result
        }

        static let binaryTag: UInt8 = 0xD7

        /// `binary`'s terms; nil for bytes that are not such an encoding (the wrong size, or ends
        /// that go back or past the bytes).
        public init?(binary raw: UnsafeRawBufferPointer) {
            guard raw.count >= 9, raw[0] == Self.binaryTag else { return nil }
            func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
            let length = u32(1), count = u32(5)
            guard count <= (raw.count - 9) / 8 else { return nil }
            let endsAt = 9, countsAt = 9 + 4 * count, bytesAt = 9 + 8 * count
            var ends = [Int32](repeating: 0, count: count), counts = [Int](repeating: 0, count: count)
            var last = 0
            for index in 0..<count {
                let end = u32(endsAt + 4 * index)
                guard end >= last else { return nil }
                ends[index] = Int32(truncatingIfNeeded: end)
                counts[index] = u32(countsAt + 4 * index)
                last = end
            }
            guard last <= Int(Int32.max), bytesAt + last == raw.count else { return nil }
            self.init(bytes: Array(raw[bytesAt...]), ends: ends, counts: counts, length: length)
        }
    }

    /// Tokenizes a document's fields (SPEC.md §1–2).
    public static func terms(of document: SearchDocument) -> DocumentTerms {
        analyse(document, prose: { _ in false }).terms
    }

    /// `terms(of:)`, and the prose counts: each token of the title and of the summary and body that
    /// `prose` accepts, counted once per occurrence (for callers that compare documents by their
    /// words) — from the same tokens, each looked up once for both.
    public static func terms(of document: SearchDocument, prose: (String) -> Bool) -> (terms: DocumentTerms, prose: DocumentTerms) {
        analyse(document, prose: prose)
    }

    private static func analyse(_ document: SearchDocument, prose: (String) -> Bool) -> (terms: DocumentTerms, prose: DocumentTerms) {
        let boosts = SearchIndexFormat.boosts
        // Per token: the weighted count the index keeps, and the prose count.
        var tf: [String: (weighted: Int, prose: Int)] = [:]
        var length = 0
        // Each field is analysed once, for its tokens and its Hangul words (SPEC.md §2 reads the
        // words from the fields joined by line breaks, which end every piece: the same words).
        var hangulWords: [String] = []
        func count(_ counts: inout (weighted: Int, prose: Int), _ weight: Int, _ isProse: Bool) {
            counts.weighted += weight
            if isProse { counts.prose += 1 }
        }
        func add(_ text: String, weight: Int, isProse: Bool) {
            let analysis = Tokenizer.analyze(text)
            let tokens = Tokenizer.tokens(of: analysis)
            hangulWords += Tokenizer.hangulWords(of: analysis)
            length += tokens.count * weight
            for token in tokens { count(&tf[token, default: (0, 0)], weight, isProse && prose(token)) }
        }
        add(document.title, weight: boosts.title, isProse: true)
        add(document.tags.joined(separator: " "), weight: boosts.tags, isProse: false)
        add(document.headings.joined(separator: "\n"), weight: boosts.headings, isProse: false)
        add(document.summary + "\n" + document.body, weight: boosts.body, isProse: true)
        for word in hangulWords { tf["~" + word, default: (0, 0)].weighted += 1 }
        // Sorted once for both: the prose terms are among the index's, in the same order.
        let sorted = DocumentTerms.sorted(tf.map { ($0.key, ($0.value.weighted, $0.value.prose)) })
        let prose = sorted.filter { $0.counts.1 > 0 }
        return (DocumentTerms(terms: sorted.map(\.term), counts: sorted.map(\.counts.0), length: length),
                DocumentTerms(terms: prose.map(\.term), counts: prose.map(\.counts.1), length: 0))
    }

    /// Where a writer keeps what it made for the next build (a build cache): `lookup` gives the values
    /// stored under a key's parts, `store` keeps them. Both may be called from several threads.
    public struct Memo: Sendable {
        public var lookup: @Sendable ([String]) -> [String]?
        public var store: @Sendable ([String], [String]) -> Void
        public init(lookup: @escaping @Sendable ([String]) -> [String]?, store: @escaping @Sendable ([String], [String]) -> Void) {
            self.lookup = lookup
            self.store = store
        }
    }

    /// What a writer's memo entries depend on besides their parts: bumped whenever the writer would
    /// write the same input differently.
    static let memoVersion = "search-index-5.1"

    /// `terms`, when given, holds each document's `terms(of:)` (a build cache keeps them); nil
    /// entries are computed here. With a `memo`, each segment of terms (SPEC.md §3) whose postings are
    /// the last build's takes its shards from it, and each document shard whose documents' keys
    /// (`documentKeys`: a key that changes whenever its document does; nil: none) are the last build's.
    /// A document given without its body and headings (its terms given) is whole from `completing`,
    /// which gives nil for the documents given whole; it is asked only when a document shard is made.
    public static func files(for documents: [SearchDocument], generator: String, shardBudget: Int = IndexWriter.shardBudget,
                             anchorEvery: Int = IndexWriter.anchorEvery, docShardSize: Int = IndexWriter.docShardSize,
                             terms known: [DocumentTerms?]? = nil, documentKeys: [String?]? = nil,
                             memo: Memo? = nil, completing: (@Sendable (Int) -> SearchDocument?)? = nil) -> [(name: String, data: Data)] {
        // Tokenizing is per document, so it runs in parallel.
        let perDocument = ParallelSlots<DocumentTerms>(count: documents.count)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            perDocument[index] = known?[index] ?? Self.terms(of: documents[index])
        }
        let documentTerms = perDocument.takeValues()
        let segments = TermSegments(documentTerms, anchorEvery: UInt64(max(1, anchorEvery)))
        // A segment's shards depend on its postings (the key the segment gives), the budget and the anchors.
        let segmentParts = [memoVersion, "terms", String(shardBudget), String(anchorEvery)]
        let shards = segments.shards(budget: shardBudget, memo: memo.map { memo in
            Memo(lookup: { memo.lookup(segmentParts + $0) }, store: { memo.store(segmentParts + $0, $1) })
        })

        var files: [(String, Data)] = []
        for (number, shard) in shards.enumerated() {
            let name = SearchIndexFormat.termFile(number)
            files.append((name, ScriptJSON.file(name: name, json: "{" + shard.body + "}")))
        }

        // Document shards, in parallel; one whose documents all have keys the memo knows is taken from it.
        let docShardCount = (documents.count + docShardSize - 1) / docShardSize
        let docShards = ParallelSlots<String>(count: docShardCount)
        DispatchQueue.concurrentPerform(iterations: docShardCount) { shard in
            let range = shard * docShardSize..<min(documents.count, (shard + 1) * docShardSize)
            let keys = documentKeys.flatMap { keys in range.allSatisfy { keys[$0] != nil } ? [memoVersion, "docs"] + range.map { keys[$0]! } : nil }
            if let memo, let keys, let hit = memo.lookup(keys), hit.count == 1 {
                docShards[shard] = hit[0]
                return
            }
            let body = range.map { index -> String in
                let document = completing?(index) ?? documents[index]
                var text = document.summary.isEmpty ? document.body : document.summary + "\n" + document.body
                // The first characters only, without counting the characters of the whole text.
                let snippet = text.prefix(SearchIndexFormat.snippetTextLength)
                if snippet.endIndex != text.endIndex { text = String(snippet) }
                return "{\"id\":\(ScriptJSON.string(document.id)),\"kind\":\(ScriptJSON.string(document.kind)),"
                    + "\"title\":\(ScriptJSON.string(document.title)),\"url\":\(ScriptJSON.string(document.url)),"
                    + "\"summary\":\(ScriptJSON.string(document.summary)),\"systems\":\(ScriptJSON.strings(document.systems)),"
                    + "\"severity\":\(document.severity.map(ScriptJSON.string) ?? "null"),"
                    + "\"engagement\":\(ScriptJSON.string(document.engagement)),\"text\":\(ScriptJSON.string(text))}"
            }.joined(separator: ",\n")
            docShards[shard] = body
            if let memo, let keys { memo.store(keys, [body]) }
        }
        for (shard, body) in docShards.values.enumerated() {
            let name = SearchIndexFormat.docFile(shard)
            files.append((name, ScriptJSON.file(name: name, json: "[" + body + "]")))
        }

        let kinds = ["finding", "incident", "article"]
        let systems = Array(Set(documents.flatMap(\.systems))).sorted(by: SearchIndexFormat.precedes)
        let severities = Array(Set(documents.compactMap(\.severity))).sorted {
            severityOrder($0) != severityOrder($1) ? severityOrder($0) < severityOrder($1) : SearchIndexFormat.precedes($0, $1)
        }
        let engagements = uniqueInOrder(documents.map(\.engagement))
        // The facet table (SPEC.md §3): each distinct (kind, severity, engagement, systems) once, then
        // one fixed-width code per document.
        struct FacetSet: Hashable {
            var kind: Int, severity: Int, engagement: Int, systems: [Int]
        }
        var facetSets: [FacetSet] = []
        var facetIndex: [FacetSet: Int] = [:]
        let setOfDocument = documents.map { document -> Int in
            let set = FacetSet(kind: kinds.firstIndex(of: document.kind) ?? -1,
                               severity: document.severity.flatMap { severities.firstIndex(of: $0) } ?? -1,
                               engagement: engagements.firstIndex(of: document.engagement) ?? -1,
                               systems: document.systems.compactMap { systems.firstIndex(of: $0) })
            if let known = facetIndex[set] { return known }
            facetIndex[set] = facetSets.count
            facetSets.append(set)
            return facetSets.count - 1
        }
        let width = SearchIndexFormat.facetWidth(for: facetSets.count)
        let facetJSON = "[" + facetSets.map { "[\($0.kind),\($0.severity),\($0.engagement),[" + $0.systems.map(String.init).joined(separator: ",") + "]]" }
            .joined(separator: ",") + "]"
        let codes = setOfDocument.map { SearchIndexFormat.facetCode($0, width: width) }.joined()
        // Each document's length dl (SPEC.md §2), for the length normalisation a client applies.
        var lengths: [UInt8] = []
        lengths.reserveCapacity(documentTerms.count * 3)
        for terms in documentTerms { SearchIndexFormat.appendPostingNumber(terms.length, to: &lengths) }
        let meta = "{\"schema\":\(SearchIndexFormat.schema),\"generator\":\(ScriptJSON.string(generator)),\"docCount\":\(documents.count),"
            + "\"k1\":\(SearchIndexFormat.k1),\"b\":\(SearchIndexFormat.b),"
            + "\"docShardSize\":\(docShardSize),\"termShards\":\(ScriptJSON.strings(shards.map(\.first))),"
            + "\"kinds\":\(ScriptJSON.strings(kinds)),\"systems\":\(ScriptJSON.strings(systems)),"
            + "\"severities\":\(ScriptJSON.strings(severities)),\"engagements\":\(ScriptJSON.strings(engagements)),"
            + "\"facetSets\":\(facetJSON),\"facetWidth\":\(width),\"docs\":" + ScriptJSON.string(codes)
            + ",\"lengths\":\"" + String(decoding: lengths, as: UTF8.self) + "\"}"
        files.append(("meta", ScriptJSON.file(name: "meta", json: meta)))
        return files.sorted { $0.0 < $1.0 }
    }

    static func severityOrder(_ severity: String) -> Int {
        SearchIndexFormat.severities.firstIndex(of: severity) ?? 99
    }

    static func uniqueInOrder(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

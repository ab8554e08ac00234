import Foundation

/// A parsed query: what each word requires of a document (SPEC.md §4.1–4.3).
public struct QueryGroup: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The term itself.
        case exact(String)
        /// Any term starting with the text (a single syllable, or the last word while typing).
        case prefix(String)
        /// At least `required` of the bigrams; `piece` is the Hangul run for the adjacency bonus.
        case hangul(bigrams: [String], required: Int, piece: String)
    }

    public var kind: Kind
}

public enum QueryParser {
    public static func groups(_ query: String) -> [QueryGroup] {
        let words = query.split(whereSeparator: { $0.isWhitespace })
        let typing = !(query.last?.isWhitespace ?? true)
        var groups: [QueryGroup] = []
        for (wordIndex, word) in words.enumerated() {
            let analysis = Tokenizer.analyze(String(word))
            var wordGroups: [QueryGroup] = []
            for (index, piece) in analysis.pieces.enumerated() {
                switch piece.script {
                case .word:
                    if let id = piece.identifier {
                        let last = index + 1 == analysis.pieces.count || analysis.pieces[index + 1].identifier != id
                        if last { wordGroups.append(QueryGroup(kind: .exact(analysis.identifiers[id]))) }
                    } else {
                        wordGroups.append(QueryGroup(kind: .exact(piece.text)))
                    }
                case .hangul:
                    let count = piece.text.unicodeScalars.count
                    if count == 1 {
                        wordGroups.append(QueryGroup(kind: .prefix(piece.text)))
                    } else {
                        let bigrams = Tokenizer.bigrams(piece.text)
                        wordGroups.append(QueryGroup(kind: .hangul(bigrams: bigrams, required: (bigrams.count + 1) / 2, piece: piece.text)))
                    }
                }
            }
            wordGroups = wordGroups.filter { group in
                switch group.kind {
                case .exact(let term), .prefix(let term): return term.unicodeScalars.count <= Tokenizer.maximumTokenLength
                case .hangul: return true
                }
            }
            if typing, wordIndex == words.count - 1, let last = wordGroups.last, case .exact(let term) = last.kind {
                wordGroups[wordGroups.count - 1] = QueryGroup(kind: .prefix(term))
            }
            groups += wordGroups
        }
        return groups
    }
}

/// Answers queries from a built index folder (`kb/search/`), loading shards as needed, exactly as
/// the JavaScript client does.
public final class QueryEngine {
    public struct Result: Sendable {
        public var index: Int
        public var score: Double
        public var document: [String: String]
        public var systems: [String]
    }

    public struct Response: Sendable {
        public var total: Int
        public var results: [Result]
        public var facets: [String: [String: Int]]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let folder: URL
    /// Document shards, as parsed.
    private var files: [String: Any] = [:]
    private let docCount: Int
    /// The first term of each term shard, in code point order (SPEC.md §3).
    private let firstTerms: [String]
    private let docShardSize: Int
    /// Per facet set: its kind, severity, engagement and systems by name (SPEC.md §3, facet table).
    private let facetSets: [[String: [String]]]
    /// Per document: the index of its facet set (nil: none).
    private let facetOfDocument: [Int?]
    /// Per document: BM25's length normalisation `(1 − b) + b·dl/avgdl` (SPEC.md §4).
    private let norms: [Double]

    public init(folder: URL) throws(Failure) {
        self.folder = folder
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("meta.js")),
              let parsed = ScriptJSON.parse(data), let meta = parsed.value as? [String: Any] else {
            throw Failure(description: "no search index in \(folder.path) — build the knowledge base with `dossier build` or `dossier kb` first")
        }
        let schema = meta["schema"] as? Int ?? -1
        guard schema == SearchIndexFormat.schema else {
            throw Failure(description: "this knowledge base index uses schema \(schema); this Dossier understands schema \(SearchIndexFormat.schema) — rebuild the knowledge base with this Dossier")
        }
        docCount = meta["docCount"] as? Int ?? 0
        firstTerms = meta["termShards"] as? [String] ?? []
        docShardSize = max(1, meta["docShardSize"] as? Int ?? 50)
        func names(_ key: String, _ index: Int) -> [String] {
            guard let list = meta[key] as? [String], index >= 0, index < list.count else { return [] }
            return [list[index]]
        }
        facetSets = (meta["facetSets"] as? [[Any]] ?? []).map { row in
            let number = { (position: Int) in position < row.count ? (row[position] as? Int ?? -1) : -1 }
            var systems: [String] = []
            for index in (row.count > 3 ? row[3] as? [Int] ?? [] : []) {
                for system in names("systems", index) where !systems.contains(system) { systems.append(system) }
            }
            return ["kind": names("kinds", number(0)), "severity": names("severities", number(1)),
                    "engagement": names("engagements", number(2)), "system": systems]
        }
        let count = facetSets.count
        facetOfDocument = SearchIndexFormat.facetIndexes(meta["docs"] as? String ?? "", width: meta["facetWidth"] as? Int ?? 0, count: docCount)
            .map { $0.flatMap { $0 < count ? $0 : nil } }
        norms = SearchIndexFormat.norms(lengths: meta["lengths"] as? String ?? "", count: docCount)
    }

    private func load(_ name: String) -> Any? {
        if let cached = files[name] { return cached }
        guard let data = try? Data(contentsOf: folder.appendingPathComponent(name + ".js")), let parsed = ScriptJSON.parse(data) else { return nil }
        files[name] = parsed.value
        return parsed.value
    }

    /// One posting: a document and its weight (the length-normalised count; the count for `~` terms).
    private typealias Posting = (document: Int, weight: Double)

    /// Term shards, parsed once into their postings strings; the numbers are read on first use.
    private var termShardCache: [Int: [String: String]] = [:]

    private func termShard(_ number: Int) -> [String: String] {
        if let cached = termShardCache[number] { return cached }
        var shard: [String: String] = [:]
        if let data = try? Data(contentsOf: folder.appendingPathComponent(SearchIndexFormat.termFile(number) + ".js")),
           let object = ScriptJSON.parse(data)?.value as? [String: Any] {
            shard = object.compactMapValues { $0 as? String }
        }
        termShardCache[number] = shard
        return shard
    }

    /// A term's postings, document gaps summed and counts normalised by the documents' lengths (SPEC.md §3–4).
    private func postings(_ term: String) -> [Posting] {
        guard let number = SearchIndexFormat.shard(of: term, firstTerms: firstTerms), let text = termShard(number)[term] else { return [] }
        let raw = SearchIndexFormat.postingNumbers(text)
        let hangulWord = term.utf8.first == UInt8(ascii: "~")
        var result: [Posting] = []
        result.reserveCapacity(raw.count / 2)
        var document = 0
        for i in stride(from: 0, to: raw.count - 1, by: 2) {
            document &+= raw[i]
            guard document >= 0, document < norms.count else { break }
            result.append((document, hangulWord ? Double(raw[i + 1]) : Double(raw[i + 1]) / norms[document]))
        }
        return result
    }

    /// Every term starting with `prefix`, from the shards whose ranges can hold one.
    private func terms(withPrefix prefix: String) -> [String] {
        SearchIndexFormat.shards(withPrefix: prefix, firstTerms: firstTerms)
            .flatMap { termShard($0).keys.filter { SearchIndexFormat.starts($0, with: prefix) } }
            .sorted(by: SearchIndexFormat.precedes)
    }

    /// BM25 scores of one term: document → score.
    private func scores(_ term: String) -> [Int: Double] {
        let list = postings(term)
        let df = Double(list.count)
        guard df > 0 else { return [:] }
        let n = Double(docCount)
        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
        let k1 = SearchIndexFormat.k1
        var result: [Int: Double] = [:]
        for posting in list {
            result[posting.document] = idf * posting.weight * (k1 + 1) / (posting.weight + k1)
        }
        return result
    }

    public func search(_ query: String, filters: [String: [String]] = [:], limit: Int = 20) -> Response {
        let groups = QueryParser.groups(query)
        guard !groups.isEmpty else { return Response(total: 0, results: [], facets: [:]) }
        var total: [Int: Double]?
        for group in groups {
            var groupScores: [Int: Double] = [:]
            switch group.kind {
            case .exact(let term):
                groupScores = scores(term)
            case .prefix(let prefix) where prefix.unicodeScalars.count < 2 && !(0xAC00...0xD7A3).contains(prefix.unicodeScalars.first?.value ?? 0):
                // A one-character word prefix would load every shard of that letter: it matches the term itself only (SPEC.md §4.3).
                groupScores = scores(prefix)
            case .prefix(let prefix):
                for term in terms(withPrefix: prefix) {
                    for (document, score) in scores(term) { groupScores[document] = max(groupScores[document] ?? 0, score) }
                }
            case .hangul(let bigrams, let required, let piece):
                var matched: [Int: Int] = [:]
                for bigram in bigrams {
                    for (document, score) in scores(bigram) {
                        groupScores[document, default: 0] += score
                        matched[document, default: 0] += 1
                    }
                }
                groupScores = groupScores.filter { (matched[$0.key] ?? 0) >= required }
                let scalars = Array(piece.unicodeScalars)
                if scalars.count >= 3 {
                    let full = Set(terms(withPrefix: "~" + piece).flatMap { postings($0).map(\.document) })
                    let stem = Set(terms(withPrefix: "~" + String(String.UnicodeScalarView(scalars.dropLast()))).flatMap { postings($0).map(\.document) })
                    for document in groupScores.keys {
                        if full.contains(document) { groupScores[document]! += 2 } else if stem.contains(document) { groupScores[document]! += 1 }
                    }
                }
            }
            if let current = total {
                var next: [Int: Double] = [:]
                for (document, score) in current { if let add = groupScores[document] { next[document] = score + add } }
                total = next
            } else {
                total = groupScores
            }
        }
        let matches = total ?? [:]
        let facetNames = ["kind", "system", "severity", "engagement"]
        var facets: [String: [String: Int]] = Dictionary(uniqueKeysWithValues: facetNames.map { ($0, [:]) })
        var kept: [(Int, Double)] = []
        for (document, score) in matches {
            let values = facetValues(document)
            for name in facetNames { for value in values[name] ?? [] { facets[name]![value, default: 0] += 1 } }
            let passes = filters.allSatisfy { name, selected in selected.isEmpty || !Set(selected).isDisjoint(with: values[name] ?? []) }
            if passes { kept.append((document, (score * 1e6).rounded() / 1e6)) }
        }
        kept.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let results = kept.prefix(limit).map { document, score in
            let record = self.document(document)
            return Result(index: document, score: score, document: record.fields, systems: record.systems)
        }
        return Response(total: kept.count, results: results, facets: facets.filter { !$0.value.isEmpty })
    }

    private func facetValues(_ document: Int) -> [String: [String]] {
        guard document >= 0, document < facetOfDocument.count, let set = facetOfDocument[document] else { return [:] }
        return facetSets[set]
    }

    private func document(_ index: Int) -> (fields: [String: String], systems: [String]) {
        guard index >= 0, let list = load(SearchIndexFormat.docFile(index / docShardSize)) as? [[String: Any]], index % docShardSize < list.count else { return ([:], []) }
        let object = list[index % docShardSize]
        var fields: [String: String] = [:]
        for (key, value) in object { if let text = value as? String { fields[key] = text } }
        return (fields, object["systems"] as? [String] ?? [])
    }
}

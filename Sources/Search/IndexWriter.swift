import Foundation

/// Builds the search index files of SPEC.md §2–3 from documents.
public enum IndexWriter {
    /// Postings per shard of about this many bytes keep each file a query loads small.
    static let targetShardBytes = 32 * 1024
    public static let docShardSize = 10

    /// File name (without `.js`) → contents.
    public static func files(for documents: [SearchDocument], generator: String) -> [(name: String, data: Data)] {
        let boosts = SearchIndexFormat.boosts
        // Tokenizing is per document, so it runs in parallel; postings are then merged in document order.
        let perDocument = ParallelSlots<(tf: [String: Int], length: Int)>(count: documents.count)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let document = documents[index]
            var tf: [String: Int] = [:]
            var length = 0
            func add(_ text: String, weight: Int) {
                let tokens = Tokenizer.tokenize(text)
                length += tokens.count * weight
                for token in tokens { tf[token, default: 0] += weight }
            }
            add(document.title, weight: boosts.title)
            add(document.tags.joined(separator: " "), weight: boosts.tags)
            add(document.headings.joined(separator: "\n"), weight: boosts.headings)
            add(document.summary + "\n" + document.body, weight: boosts.body)
            for word in Tokenizer.hangulWords([document.title, document.tags.joined(separator: " "), document.headings.joined(separator: "\n"),
                                               document.summary, document.body].joined(separator: "\n")) {
                tf["~" + word, default: 0] += 1
            }
            perDocument[index] = (tf, length)
        }
        var postings: [String: [(doc: Int, tf: Int)]] = [:]
        var lengths: [Int] = []
        for (index, entry) in perDocument.values.enumerated() {
            lengths.append(entry.length)
            for (term, count) in entry.tf { postings[term, default: []].append((index, count)) }
        }

        // Postings hold the length-normalised frequency (SPEC.md §3), so a query needs no document lengths.
        let average = documents.isEmpty ? 1 : Double(lengths.reduce(0, +)) / Double(documents.count)
        let norms = lengths.map { 1 - SearchIndexFormat.b + SearchIndexFormat.b * Double($0) / (average > 0 ? average : 1) }
        func weight(_ term: String, _ posting: (doc: Int, tf: Int)) -> String {
            if term.hasPrefix("~") { return String(posting.tf) }
            // Four decimals, written by hand (String(format:) is slow over millions of postings).
            let scaled = Int((Double(posting.tf) / norms[posting.doc] * 10000).rounded())
            var fraction = String(scaled % 10000)
            guard fraction != "0" else { return String(scaled / 10000) }
            fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            return "\(scaled / 10000).\(fraction)"
        }
        let estimatedBytes = postings.reduce(0) { $0 + $1.key.utf8.count + 8 + $1.value.count * 10 }
        let termShards = max(1, min(997, (estimatedBytes + targetShardBytes - 1) / targetShardBytes))
        var shards = Array(repeating: [String](), count: termShards)
        for term in postings.keys { shards[SearchIndexFormat.shard(of: term, shards: termShards)].append(term) }

        var files: [(String, Data)] = []
        for (number, terms) in shards.enumerated() {
            let body = terms.sorted().map { term in
                ScriptJSON.string(term) + ":[" + postings[term]!.map { "\($0.doc),\(weight(term, $0))" }.joined(separator: ",") + "]"
            }.joined(separator: ",\n")
            let name = SearchIndexFormat.termFile(number)
            files.append((name, ScriptJSON.file(name: name, json: "{" + body + "}")))
        }

        for start in stride(from: 0, to: documents.count, by: docShardSize) {
            let slice = documents[start..<min(documents.count, start + docShardSize)]
            let body = slice.map { document -> String in
                var text = document.summary.isEmpty ? document.body : document.summary + "\n" + document.body
                if text.count > SearchIndexFormat.snippetTextLength { text = String(text.prefix(SearchIndexFormat.snippetTextLength)) }
                return "{\"id\":\(ScriptJSON.string(document.id)),\"kind\":\(ScriptJSON.string(document.kind)),"
                    + "\"title\":\(ScriptJSON.string(document.title)),\"url\":\(ScriptJSON.string(document.url)),"
                    + "\"summary\":\(ScriptJSON.string(document.summary)),\"systems\":\(ScriptJSON.strings(document.systems)),"
                    + "\"severity\":\(document.severity.map(ScriptJSON.string) ?? "null"),"
                    + "\"engagement\":\(ScriptJSON.string(document.engagement)),\"text\":\(ScriptJSON.string(text))}"
            }.joined(separator: ",\n")
            let name = SearchIndexFormat.docFile(start / docShardSize)
            files.append((name, ScriptJSON.file(name: name, json: "[" + body + "]")))
        }

        let kinds = ["finding", "incident", "article"]
        let systems = Array(Set(documents.flatMap(\.systems))).sorted()
        let severities = Array(Set(documents.compactMap(\.severity))).sorted { severityOrder($0) < severityOrder($1) }
        let engagements = uniqueInOrder(documents.map(\.engagement))
        // One row per document, `kind,severity,engagement,system.system` (indexes; -1 for none).
        let docs = documents.map { document in
            "\(kinds.firstIndex(of: document.kind) ?? -1),\(document.severity.flatMap { severities.firstIndex(of: $0) } ?? -1),"
                + "\(engagements.firstIndex(of: document.engagement) ?? -1),"
                + document.systems.compactMap { systems.firstIndex(of: $0) }.map(String.init).joined(separator: ".")
        }.joined(separator: ";")
        let meta = "{\"schema\":\(SearchIndexFormat.schema),\"generator\":\(ScriptJSON.string(generator)),\"docCount\":\(documents.count),"
            + "\"avgdl\":\(String(format: "%.6f", average)),\"k1\":\(SearchIndexFormat.k1),\"b\":\(SearchIndexFormat.b),"
            + "\"termShards\":\(termShards),\"docShardSize\":\(docShardSize),"
            + "\"kinds\":\(ScriptJSON.strings(kinds)),\"systems\":\(ScriptJSON.strings(systems)),"
            + "\"severities\":\(ScriptJSON.strings(severities)),\"engagements\":\(ScriptJSON.strings(engagements)),"
            + "\"docs\":" + ScriptJSON.string(docs) + "}"
        files.append(("meta", ScriptJSON.file(name: "meta", json: meta)))
        return files.sorted { $0.0 < $1.0 }
    }

    static func severityOrder(_ severity: String) -> Int {
        ["critical", "high", "medium", "low", "info", "sev1", "sev2", "sev3", "sev4"].firstIndex(of: severity) ?? 99
    }

    static func uniqueInOrder(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

/// Slots written by concurrent iterations, each index by exactly one of them.
public final class ParallelSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    public init(count: Int) { storage = Array(repeating: nil, count: count) }

    public subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    /// The values set, in index order.
    public var values: [Value] { lock.withLock { storage.compactMap { $0 } } }
}

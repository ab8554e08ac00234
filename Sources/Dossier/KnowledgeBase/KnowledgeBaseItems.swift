import Foundation
import Markdown
import Parallel
import Search

/// One item of the knowledge base, whatever its kind, with where its page lives.
/// A class: items are made once and only read, by every list, related list and page of the
/// knowledge base — as a struct each of those copies retained every field of the item and of its
/// engagement.
final class KBItem: Sendable {
    enum Content: Sendable {
        case finding(Finding)
        case incident(Incident)
        case article(Article)
    }

    let content: Content
    /// The engagement the item comes from.
    let engagement: Engagement
    let context: ReportContext
    /// The id shown and searched: the item's id, prefixed with the engagement's when ids collide.
    let displayID: String
    /// The page's file name under `items/`, without `.html`.
    let slug: String

    init(content: Content, engagement: Engagement, context: ReportContext, displayID: String, slug: String) {
        self.content = content
        self.engagement = engagement
        self.context = context
        self.displayID = displayID
        self.slug = slug
    }

    var id: String {
        switch content {
        case .finding(let finding): return finding.id
        case .incident(let incident): return incident.id
        case .article(let article): return article.id
        }
    }

    var title: String {
        switch content {
        case .finding(let finding): return finding.title
        case .incident(let incident): return incident.title
        case .article(let article): return article.title
        }
    }

    var kind: String {
        switch content {
        case .finding: return "finding"
        case .incident: return "incident"
        case .article: return "article"
        }
    }

    var systems: [String] {
        switch content {
        case .finding(let finding): return finding.systems
        case .incident(let incident): return incident.systems
        case .article(let article): return article.systems
        }
    }

    var tags: [String] {
        switch content {
        case .finding(let finding): return finding.tags
        case .incident: return []
        case .article(let article): return article.tags
        }
    }

    var severity: String? {
        switch content {
        case .finding(let finding): return finding.severity.rawValue
        case .incident(let incident): return incident.severity.rawValue
        case .article: return nil
        }
    }

    var category: String? {
        if case .finding(let finding) = content { return finding.category.rawValue }
        return nil
    }

    var summary: String {
        switch content {
        case .finding(let finding): return finding.summary ?? ""
        case .incident(let incident): return incident.summary ?? ""
        case .article: return ""
        }
    }

    var body: String {
        switch content {
        case .finding(let finding): return finding.body
        case .incident(let incident): return incident.body
        case .article(let article): return article.body
        }
    }

    /// Ids this item names as related (incidents: the findings behind them).
    var related: [String] {
        switch content {
        case .finding: return []
        case .incident(let incident): return incident.related
        case .article(let article): return article.related
        }
    }

    /// For sorting by recency: detection date, first timeline time, or the engagement's end.
    var date: Date {
        switch content {
        case .finding(let finding):
            if let day = finding.detected { return Self.date(day) }
        case .incident(let incident):
            if let first = incident.timeline.first { return first.at.date }
        case .article:
            break
        }
        return Self.date(engagement.period.to)
    }

    static func date(_ day: Day) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? Date(timeIntervalSince1970: 0)
    }

    var url: String { "items/\(slug).html" }

    /// The item's file, relative to its workspace.
    var location: SourceLocation {
        switch content {
        case .finding(let finding): return finding.location
        case .incident(let incident): return incident.location
        case .article(let article): return article.location
        }
    }

    /// The evidence files the item's page quotes.
    var evidenceFiles: [String] {
        switch content {
        case .finding(let finding): return finding.evidence.map(\.file)
        case .incident(let incident): return incident.evidence.map(\.file)
        case .article: return []
        }
    }

    /// The document the search index holds for this item, from its rendered body.
    func searchDocument(_ rendered: RenderedMarkdown) -> SearchDocument {
        searchDocument(text: PlainText.from(html: rendered.html), headings: rendered.headings.map(\.text))
    }

    /// The search document from the body's plain text and heading texts.
    func searchDocument(text: String, headings: [String]) -> SearchDocument {
        var extra: [String] = []
        if case .incident(let incident) = content {
            extra = [incident.impact, incident.rootCause].compactMap { $0 } + incident.timeline.map(\.text) + incident.actions.map(\.text)
        }
        var document = searchDocumentWithoutText()
        document.headings = headings
        document.body = (extra + [text]).joined(separator: "\n")
        return document
    }

    /// The search document without its body and headings: what the search index
    /// needs of an item whose terms it is given, unless it writes the item's document shard.
    func searchDocumentWithoutText() -> SearchDocument {
        SearchDocument(
            id: displayID, kind: kind, title: title, url: url, summary: summary, systems: systems, severity: severity,
            engagement: engagement.id, tags: tags + [displayID] + systems, headings: [], body: "")
    }
}

/// Plain text from rendered HTML: tags dropped (headings too, as they are indexed on their own),
/// entities decoded, blank runs folded.
enum PlainText {
    /// The text of rendered HTML: headings dropped (they are indexed on their own), tags replaced
    /// by a space, the five entities cmark writes decoded, runs of spaces and tabs squeezed, and
    /// blank lines and the spaces around line breaks removed. One pass over the bytes.
    static func from(html: String) -> String {
        var output: [UInt8] = []
        let bytes = Array(html.utf8)
        output.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        func startsHeading(_ at: Int) -> Bool {
            at + 2 < count && bytes[at] == UInt8(ascii: "<") && (bytes[at + 1] == UInt8(ascii: "h") || bytes[at + 1] == UInt8(ascii: "H"))
                && (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[at + 2])
                && at + 3 < count && (bytes[at + 3] == UInt8(ascii: ">") || bytes[at + 3] == UInt8(ascii: " "))
        }
        func append(_ byte: UInt8) { output.append(byte) }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                if startsHeading(index) {
                    // Skip to the matching close tag `</hN>`.
                    let level = bytes[index + 2]
                    var end = index + 3
                    var closed = false
                    while end + 4 < count {
                        if bytes[end] == UInt8(ascii: "<"), bytes[end + 1] == UInt8(ascii: "/"),
                           bytes[end + 2] == UInt8(ascii: "h") || bytes[end + 2] == UInt8(ascii: "H"),
                           bytes[end + 3] == level, bytes[end + 4] == UInt8(ascii: ">") {
                            closed = true
                            break
                        }
                        end += 1
                    }
                    if closed {
                        append(UInt8(ascii: "\n"))
                        index = end + 5
                        continue
                    }
                }
                if let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")), close > index + 1 {
                    append(UInt8(ascii: " "))
                    index = close + 1
                    continue
                }
                append(byte)
                index += 1
            } else if byte == UInt8(ascii: "&") {
                var matched = false
                for (entity, character) in entities where index + entity.count <= count {
                    if bytes[index..<(index + entity.count)].elementsEqual(entity) {
                        append(character)
                        index += entity.count
                        matched = true
                        break
                    }
                }
                if !matched {
                    append(byte)
                    index += 1
                }
            } else {
                append(byte)
                index += 1
            }
        }
        // Squeeze spaces and tabs, then drop whitespace around line breaks.
        var squeezed: [UInt8] = []
        squeezed.reserveCapacity(output.count)
        var pendingSpace = false
        var pendingBreak = false
        for byte in output {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                pendingSpace = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                pendingBreak = true
                pendingSpace = false
            default:
                if pendingBreak {
                    if !squeezed.isEmpty { squeezed.append(UInt8(ascii: "\n")) }
                } else if pendingSpace, !squeezed.isEmpty {
                    squeezed.append(UInt8(ascii: " "))
                }
                pendingBreak = false
                pendingSpace = false
                squeezed.append(byte)
            }
        }
        return String(decoding: squeezed, as: UTF8.self)
    }

    private static let entities: [([UInt8], UInt8)] = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        .map { (Array($0.0.utf8), Array($0.1.utf8)[0]) }
}

/// The most related other items of each item.
///
/// Score of a pair: 3 per shared tag, 2 per shared system, 1 for the same finding category, plus
/// 4 × the cosine similarity of the two items' 20 strongest TF-IDF terms (from the words the search
/// index reads: title, summary, body text and an incident's fields), plus 10 when one names
/// the other as related (an incident and the findings behind it). Candidates come from inverted
/// lists of tags, systems and strong terms — only lists of at most 100 items, since a value that
/// hundreds of items share says little — never from all pairs; the five best above 1 are shown.
enum RelatedItems {
    static let shown = 5
    static let maximumListLength = 100

    /// Whether items are compared by a token: longer than one character.
    static func isComparedBy(_ token: String) -> Bool {
        var scalars = token.unicodeScalars.makeIterator()
        return scalars.next() != nil && scalars.next() != nil
    }

    /// The search index's terms of an item's document, and its term counts.
    static func terms(of document: SearchDocument) -> (index: IndexWriter.DocumentTerms, counts: IndexWriter.DocumentTerms) {
        let both = IndexWriter.terms(of: document, prose: isComparedBy)
        return (both.terms, both.prose)
    }

    /// The terms an item is compared by: the tokens of its search document's title, summary and
    /// text (what the search index reads) longer than one character, with their counts.
    static func termCounts(_ document: SearchDocument) -> IndexWriter.DocumentTerms {
        terms(of: document).counts
    }

    /// An item's terms as related items compare them: each term's FNV-1a hash (64 bits, of its
    /// UTF-8 bytes) with its count. Hashes stand for the terms (two of the corpus's terms sharing
    /// one would be counted as one word, on every build alike): a rebuild reads them from the
    /// build cache's bytes without making a string of each of a million terms.
    struct HashedTerms: Sendable, Equatable {
        var hashes: [UInt64]
        var counts: [Int]

        init(_ terms: IndexWriter.DocumentTerms) {
            var hashes: [UInt64] = []
            hashes.reserveCapacity(terms.count)
            terms.forEachTerm { _, term, _ in hashes.append(SearchIndexFormat.fnv1a(term)) }
            self.hashes = hashes
            counts = terms.counts
        }

        /// The hashes and counts as bytes for a build cache, read back with two copies: a tag byte,
        /// then little-endian the number of terms, each hash (eight bytes) and each count (four).
        var binary: [UInt8] {
            var result: [UInt8] = [Self.binaryTag]
            result.reserveCapacity(5 + 12 * hashes.count)
            withUnsafeBytes(of: UInt32(hashes.count).littleEndian) { result.append(contentsOf: $0) }
            for hash in hashes { withUnsafeBytes(of: hash.littleEndian) { result.append(contentsOf: $0) } }
            for count in counts { withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { result.append(contentsOf: $0) } }
            return result
        }

        static let binaryTag: UInt8 = 0xD8

        /// `binary`'s hashes and counts; nil for bytes that are not such an encoding.
        init?(binary raw: UnsafeRawBufferPointer) {
            guard raw.count >= 5, raw[0] == Self.binaryTag else { return nil }
            let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
            guard raw.count == 5 + 12 * count else { return nil }
            hashes = (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 5 + 8 * $0, as: UInt64.self)) }
            counts = (0..<count).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 5 + 8 * count + 4 * $0, as: UInt32.self))) }
        }
    }

    /// Each item's 20 strongest terms (tf-idf, normalised), as numbers in term order: comparing two
    /// items is then a merge of two short sorted arrays, summed in the same order on every build.
    /// `counts` holds `termCounts(document)` of every item, hashed, in order.
    ///
    /// A term's number is its place among all the items' terms in the order of their hashes, so
    /// that after one pass that numbers and counts the terms, the rest compares and looks up numbers.
    /// Given with each number's hash (ascending, the numbers being places in hash order).
    static func strongTermsAndHashes(_ counts: [HashedTerms]) -> (vectors: [[(term: Int32, weight: Double)]], hashes: [UInt64]) {
        // Each distinct term numbered in order of first appearance, and each item's terms as those numbers.
        var numbers: [UInt64: Int32] = [:]
        numbers.reserveCapacity(counts.count * 8)
        var documentFrequency: [Int] = []
        var termsOf: [[Int32]] = []
        termsOf.reserveCapacity(counts.count)
        for terms in counts {
            termsOf.append(terms.hashes.map { hash in
                if let number = numbers[hash] {
                    documentFrequency[Int(number)] += 1
                    return number
                }
                let number = Int32(documentFrequency.count)
                numbers[hash] = number
                documentFrequency.append(1)
                return number
            })
        }
        // Numbers in order of appearance → places in hash order.
        var place = [Int32](repeating: 0, count: documentFrequency.count)
        let byHash = numbers.sorted(by: { $0.key < $1.key })
        for (rank, entry) in byHash.enumerated() { place[Int(entry.value)] = Int32(rank) }
        let n = Double(max(1, counts.count))
        let (itemTerms, frequencies, places) = (termsOf, documentFrequency, place)
        let vectors = ParallelSlots<[(term: Int32, weight: Double)]>(count: counts.count)
        DispatchQueue.concurrentPerform(iterations: counts.count) { index in
            var weights: [(term: Int32, weight: Double)] = []
            weights.reserveCapacity(itemTerms[index].count)
            for (number, occurrences) in zip(itemTerms[index], counts[index].counts) {
                let df = Double(frequencies[Int(number)])
                guard df < n || n == 1 else { continue }
                weights.append((places[Int(number)], (1 + log(Double(occurrences))) * log(1 + n / df)))
            }
            let strongest = weights.sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }.prefix(20)
            let norm = sqrt(strongest.reduce(0) { $0 + $1.weight * $1.weight })
            vectors[index] = strongest.map { (term: $0.term, weight: norm > 0 ? $0.weight / norm : 0) }.sorted { $0.term < $1.term }
        }
        return (vectors.takeValues(), byHash.map(\.key))
    }

    /// What pairs are scored by (see above): each item's tags, systems and category as numbers (tags
    /// and systems sorted), its strong terms and its links.
    struct Features {
        var tags: [[Int32]]
        var systems: [[Int32]]
        /// The category's number, or -1 for none (an incident, an article).
        var categories: [Int32]
        var vectors: [[(term: Int32, weight: Double)]]
        var links: [Int: Set<Int>]
        /// Each term number's hash.
        var termHashes: [UInt64] = []

        /// How related two items are. (`compute` scores from `FlatFeatures`, the same sums in the
        /// same order; this is what the tests hold it to.)
        func score(_ index: Int, _ other: Int) -> Double {
            var score = 3 * Double(Self.shared(tags[index], tags[other])) + 2 * Double(Self.shared(systems[index], systems[other]))
            if categories[index] >= 0, categories[index] == categories[other] { score += 1 }
            var cosine = 0.0
            let own = vectors[index], theirs = vectors[other]
            var position = 0
            for entry in own {
                while position < theirs.count && theirs[position].term < entry.term { position += 1 }
                if position < theirs.count && theirs[position].term == entry.term { cosine += entry.weight * theirs[position].weight }
            }
            score += 4 * cosine
            if links[index]?.contains(other) == true { score += 10 }
            return score
        }

        /// How many numbers two sorted arrays share.
        static func shared(_ a: [Int32], _ b: [Int32]) -> Int {
            var i = 0, j = 0, count = 0
            while i < a.count && j < b.count {
                if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else { count += 1; i += 1; j += 1 }
            }
            return count
        }
    }

    /// `Features` laid out flat — each item's numbers at `offsets[item]..<offsets[item + 1]` of one
    /// buffer — for scoring a million pairs without retaining and releasing three arrays for each.
    final class FlatFeatures: @unchecked Sendable {
        private let tagOffsets: UnsafeMutableBufferPointer<Int>, tags: UnsafeMutableBufferPointer<Int32>
        private let systemOffsets: UnsafeMutableBufferPointer<Int>, systems: UnsafeMutableBufferPointer<Int32>
        private let vectorOffsets: UnsafeMutableBufferPointer<Int>, terms: UnsafeMutableBufferPointer<Int32>
        private let weights: UnsafeMutableBufferPointer<Double>
        private let categories: UnsafeMutableBufferPointer<Int32>

        init(_ features: Features) {
            /// Where each list starts in the flat buffer, and one past the last.
            func offsets<T>(_ lists: [[T]]) -> UnsafeMutableBufferPointer<Int> {
                let offsets = UnsafeMutableBufferPointer<Int>.allocate(capacity: lists.count + 1)
                var position = 0
                for (index, list) in lists.enumerated() {
                    (offsets.baseAddress! + index).initialize(to: position)
                    position += list.count
                }
                (offsets.baseAddress! + lists.count).initialize(to: position)
                return offsets
            }
            /// The lists' values one after another (trivial values: deallocating needs no deinitializing).
            func values<T>(_ lists: [[T]]) -> UnsafeMutableBufferPointer<T> {
                let values = UnsafeMutableBufferPointer<T>.allocate(capacity: lists.reduce(0) { $0 + $1.count })
                var position = 0
                for list in lists {
                    for value in list {
                        (values.baseAddress! + position).initialize(to: value)
                        position += 1
                    }
                }
                return values
            }
            (tagOffsets, tags) = (offsets(features.tags), values(features.tags))
            (systemOffsets, systems) = (offsets(features.systems), values(features.systems))
            (vectorOffsets, terms) = (offsets(features.vectors), values(features.vectors.map { $0.map(\.term) }))
            weights = values(features.vectors.map { $0.map(\.weight) })
            categories = values([features.categories])
        }

        deinit {
            for buffer in [tagOffsets, systemOffsets, vectorOffsets] { buffer.deallocate() }
            for buffer in [tags, systems, terms, categories] { buffer.deallocate() }
            weights.deallocate()
        }

        /// `Features.score(_:_:)`, the same sums in the same order, as a function of buffers (valid
        /// while this object is) that is given the first item's links.
        func scorer() -> (_ index: Int, _ other: Int, _ linked: Set<Int>?) -> Double {
            let (tagOffsets, tags, systemOffsets, systems) = (tagOffsets, tags, systemOffsets, systems)
            let (vectorOffsets, terms, weights, categories) = (vectorOffsets, terms, weights, categories)
            func shared(_ offsets: UnsafeMutableBufferPointer<Int>, _ values: UnsafeMutableBufferPointer<Int32>, _ a: Int, _ b: Int) -> Int {
                var i = offsets[a], j = offsets[b], count = 0
                let endI = offsets[a + 1], endJ = offsets[b + 1]
                while i < endI && j < endJ {
                    if values[i] < values[j] { i += 1 } else if values[i] > values[j] { j += 1 } else { count += 1; i += 1; j += 1 }
                }
                return count
            }
            return { index, other, linked in
                var score = 3 * Double(shared(tagOffsets, tags, index, other)) + 2 * Double(shared(systemOffsets, systems, index, other))
                if categories[index] >= 0, categories[index] == categories[other] { score += 1 }
                var cosine = 0.0
                var position = vectorOffsets[other]
                let end = vectorOffsets[other + 1]
                for own in vectorOffsets[index]..<vectorOffsets[index + 1] {
                    while position < end && terms[position] < terms[own] { position += 1 }
                    if position == end { break }
                    if terms[position] == terms[own] { cosine += weights[own] * weights[position] }
                }
                score += 4 * cosine
                if linked?.contains(other) == true { score += 10 }
                return score
            }
        }
    }

    static func features(_ items: [KBItem], termCounts counts: [IndexWriter.DocumentTerms]) -> Features {
        features(items, hashedCounts: counts.map(HashedTerms.init))
    }

    static func features(_ items: [KBItem], hashedCounts counts: [HashedTerms]) -> Features {
        /// Numbers for strings, in order of first appearance.
        struct Numbering {
            var numbers: [String: Int32] = [:]
            mutating func callAsFunction(_ value: String) -> Int32 {
                if let number = numbers[value] { return number }
                numbers[value] = Int32(numbers.count)
                return Int32(numbers.count - 1)
            }
        }
        var tagNumber = Numbering(), systemNumber = Numbering(), categoryNumber = Numbering()
        /// The distinct values, sorted: a set's values, in a fixed order (a set's own order differs
        /// from one set to the next), so that the same items get the same numbers on every build.
        /// (Most items have one to three: sorted, then equal neighbours dropped, without hashing.)
        func distinct(_ values: [String]) -> [String] {
            guard values.count > 1 else { return values }
            var result: [String] = []
            for value in values.sorted() where result.last != value { result.append(value) }
            return result
        }
        let tags = items.map { distinct($0.tags).map { tagNumber($0) }.sorted() }
        let systems = items.map { distinct($0.systems).map { systemNumber($0) }.sorted() }
        let categories = items.map { item -> Int32 in item.category.map { categoryNumber($0) } ?? -1 }
        // Each engagement's items by id, the first of an id (made only when an item names others).
        var indexByID: [String: [String: Int]] = [:]
        if items.contains(where: { !$0.related.isEmpty }) {
            for (index, item) in items.enumerated() where indexByID[item.engagement.id]?[item.id] == nil {
                indexByID[item.engagement.id, default: [:]][item.id] = index
            }
        }
        var linked: [Int: Set<Int>] = [:]
        for (index, item) in items.enumerated() {
            for id in item.related {
                guard let other = indexByID[item.engagement.id]?[id] else { continue }
                linked[index, default: []].insert(other)
                linked[other, default: []].insert(index)
            }
        }
        let strong = strongTermsAndHashes(counts)
        return Features(tags: tags, systems: systems, categories: categories, vectors: strong.vectors, links: linked, termHashes: strong.hashes)
    }

    /// `termCounts` holds `termCounts(document)` of every item, in order; each list is cut to
    /// `limit` items.
    static func compute(_ items: [KBItem], termCounts counts: [IndexWriter.DocumentTerms], limit: Int = shown) -> [[Int]] {
        compute(items, hashedCounts: counts.map(HashedTerms.init), limit: limit)
    }

    /// `compute(_:termCounts:limit:)` from each item's hashed term counts.
    static func compute(_ items: [KBItem], hashedCounts counts: [HashedTerms], limit: Int = shown) -> [[Int]] {
        update(items, hashedCounts: counts, limit: limit, previous: nil).lists
    }

    /// The lists `compute` gives, and what the next build needs to update them (`state`, kept in
    /// the build cache). With the last build's state, only the lists that can have changed are
    /// made again — those of the items whose strong terms or weights changed (`changed`), of their
    /// candidates, of the items whose last list names one of them, and of the items of a term's
    /// list that became too long or short enough to bring candidates — when the items are the same,
    /// in the same order, with the same tags, systems, categories and links. A new word in one item
    /// changes only its own vector; a word many items share changes theirs too.
    static func update(_ items: [KBItem], hashedCounts counts: [HashedTerms], limit: Int = shown,
                       previous: Data?) -> (lists: [[Int]], state: Data, made: Int) {
        let count = items.count
        precondition(counts.count == count, "one term count per item")
        let features = features(items, hashedCounts: counts)
        // Inverted lists of tag, system and term numbers, each in item order; only lists of at
        // most `maximumListLength` items bring candidates.
        func lists(_ values: [[Int32]]) -> [[Int]] {
            var lists = [[Int]](repeating: [], count: Int(values.lazy.flatMap { $0 }.max() ?? -1) + 1)
            for (index, numbers) in values.enumerated() { for number in numbers { lists[Int(number)].append(index) } }
            return lists
        }
        func capped(_ lists: [[Int]]) -> [[Int]] { lists.map { $0.count <= maximumListLength ? $0 : [] } }
        let termMembers = lists(features.vectors.map { $0.map(\.term) })
        let tagLists = capped(lists(features.tags)), systemLists = capped(lists(features.systems)), termLists = capped(termMembers)

        /// An item's candidates (each once, not the item), marking them in `seen`.
        @Sendable func candidates(_ index: Int, seen: inout [Int], into candidates: inout [Int]) {
            candidates.removeAll(keepingCapacity: true)
            seen[index] = index
            func add(_ list: [Int]) {
                for other in list where seen[other] != index {
                    seen[other] = index
                    candidates.append(other)
                }
            }
            if let links = features.links[index] { add(Array(links)) }
            for tag in features.tags[index] { add(tagLists[Int(tag)]) }
            for system in features.systems[index] { add(systemLists[Int(system)]) }
            for entry in features.vectors[index] { add(termLists[Int(entry.term)]) }
        }

        let state = State(items, features: features, limit: limit)
        var results = [[Int]](repeating: [], count: count)
        var toMake = Array(0..<count)
        if let previous, let last = State(decoding: previous), last.header == state.header {
            let changed = (0..<count).filter { last.vectorDigests[$0] != state.vectorDigests[$0] || last.featureDigests[$0] != state.featureDigests[$0] }
            if changed.count * 20 <= count, changed.allSatisfy({ last.featureDigests[$0] == state.featureDigests[$0] }) {
                var affected = Set(changed)
                let changedSet = affected
                for index in 0..<count where last.lists[index].contains(where: { changedSet.contains(Int($0)) }) { affected.insert(index) }
                var seen = [Int](repeating: -1, count: count), found: [Int] = []
                for index in changed {
                    candidates(index, seen: &seen, into: &found)
                    affected.formUnion(found)
                }
                // Terms whose lists the changed items joined or left: a list that crossed the
                // length limit brings other candidates to each of its items.
                var joined: [Int: Int] = [:]
                for index in changed {
                    for entry in features.vectors[index] { joined[Int(entry.term), default: 0] += 1 }
                    for hash in last.strongTerms[index] {
                        if let term = Self.place(of: hash, in: features.termHashes) { joined[term, default: 0] -= 1 }
                    }
                }
                for (term, difference) in joined where difference != 0 {
                    let now = termMembers[term].count, before = now - difference
                    if (now <= maximumListLength) != (before <= maximumListLength) { affected.formUnion(termMembers[term]) }
                }
                toMake = affected.sorted()
                for index in 0..<count where !affected.contains(index) { results[index] = last.lists[index].map(Int.init) }
            }
        }
        let made = ParallelSlots<[Int]>(count: toMake.count)
        let work = toMake
        let flat = FlatFeatures(features)
        // Items taken in interleaved stripes, each stripe with one "seen" table (marked with the
        // item it was last seen for) instead of a set of candidates per item.
        let stripes = min(work.count, 64)
        DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
            let scoreOf = flat.scorer()
            var seen = [Int](repeating: -1, count: count)
            var found: [Int] = []
            for position in stride(from: stripe, to: work.count, by: stripes) {
                let index = work[position]
                candidates(index, seen: &seen, into: &found)
                var scored: [(Int, Double)] = []
                let linked = features.links[index]
                for other in found {
                    let score = scoreOf(index, other, linked)
                    if score > 1 { scored.append((other, score)) }
                }
                made[position] = scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
            }
        }
        for (position, index) in toMake.enumerated() { results[index] = made[position] ?? [] }
        return (results, state.encoded(lists: results), toMake.count)
    }

    /// The number of the term with this hash, if any (`hashes` ascending).
    static func place(of hash: UInt64, in hashes: [UInt64]) -> Int? {
        var low = 0, high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low < hashes.count && hashes[low] == hash ? low : nil
    }

    /// What a build's lists were made from, for the next build: the items (a digest of their
    /// keys in order, and the limit), and per item a digest of its tags, systems, category and
    /// links, a digest of its strong terms and weights, its strong terms' hashes and its list.
    struct State {
        var header: [UInt64]
        var featureDigests: [UInt64]
        var vectorDigests: [UInt64]
        /// Read back: each item's strong terms' hashes.
        var strongTerms: [[UInt64]] = []
        var lists: [[Int32]] = []
        /// Made: each item's strong terms' numbers, and each number's hash.
        private var vectors: [[Int32]] = []
        private var termHashes: [UInt64] = []

        static let magic: UInt64 = 0x646F_7373_6965_7231  // "dossier1"

        init(_ items: [KBItem], features: Features, limit: Int) {
            var keys = Digest64()
            for item in items { keys.add("\(item.engagement.id)/\(item.kind)/\(item.id)") }
            header = [Self.magic, UInt64(items.count), UInt64(limit), UInt64(maximumListLength), keys.value]
            // Of the numbers the lists are made of: when every item's are the same as before, so
            // are the tag, system and category lists and the links.
            featureDigests = items.indices.map { index in
                var digest = Digest64()
                digest.add(UInt64(features.tags[index].count))
                for tag in features.tags[index] { digest.add(UInt64(UInt32(bitPattern: tag))) }
                digest.add(UInt64(features.systems[index].count))
                for system in features.systems[index] { digest.add(UInt64(UInt32(bitPattern: system))) }
                digest.add(UInt64(UInt32(bitPattern: features.categories[index])))
                let links = (features.links[index] ?? []).sorted()
                digest.add(UInt64(links.count))
                for other in links { digest.add(UInt64(other)) }
                return digest.value
            }
            termHashes = features.termHashes
            vectors = features.vectors.map { $0.map(\.term) }
            vectorDigests = features.vectors.indices.map { index in
                var digest = Digest64()
                for entry in features.vectors[index] {
                    digest.add(features.termHashes[Int(entry.term)])
                    digest.add(entry.weight.bitPattern)
                }
                return digest.value
            }
        }

        /// The state with `lists` as bytes: the header, then per item its two digests, its strong
        /// terms (a count, then each hash) and its list (a count, then each item's place), little-endian.
        func encoded(lists: [[Int]]) -> Data {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(header.count * 8 + featureDigests.count * (18 + 8 * 20 + 4 * 5))
            func put(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
            for value in header { put(value) }
            for index in featureDigests.indices {
                put(featureDigests[index])
                put(vectorDigests[index])
                bytes.append(UInt8(vectors[index].count))
                for term in vectors[index] { put(termHashes[Int(term)]) }
                withUnsafeBytes(of: UInt32(lists[index].count).littleEndian) { bytes.append(contentsOf: $0) }
                for place in lists[index] { withUnsafeBytes(of: UInt32(place).littleEndian) { bytes.append(contentsOf: $0) } }
            }
            return Data(bytes)
        }

        /// What `encoded` wrote; nil for anything else.
        init?(decoding data: Data) {
            let decoded: State? = data.withUnsafeBytes { raw -> State? in
                var position = 0
                func u64() -> UInt64? {
                    guard position + 8 <= raw.count else { return nil }
                    defer { position += 8 }
                    return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                }
                func u8() -> Int? {
                    guard position < raw.count else { return nil }
                    defer { position += 1 }
                    return Int(raw[position])
                }
                func u32() -> Int? {
                    guard position + 4 <= raw.count else { return nil }
                    defer { position += 4 }
                    return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt32.self)))
                }
                var header: [UInt64] = []
                for _ in 0..<5 { guard let value = u64() else { return nil }; header.append(value) }
                guard header[0] == Self.magic, header[1] <= UInt64(raw.count) else { return nil }
                let count = Int(header[1])
                var state = State(header: header, featureDigests: [], vectorDigests: [], strongTerms: [], lists: [])
                state.featureDigests.reserveCapacity(count)
                for _ in 0..<count {
                    guard let feature = u64(), let vector = u64(), let strong = u8() else { return nil }
                    var terms: [UInt64] = []
                    terms.reserveCapacity(strong)
                    for _ in 0..<strong { guard let hash = u64() else { return nil }; terms.append(hash) }
                    guard let length = u32(), length <= count, position + 4 * length <= raw.count else { return nil }
                    var list: [Int32] = []
                    for _ in 0..<length {
                        let place = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: position, as: UInt32.self))
                        position += 4
                        guard place < UInt32(count) else { return nil }
                        list.append(Int32(place))
                    }
                    state.featureDigests.append(feature)
                    state.vectorDigests.append(vector)
                    state.strongTerms.append(terms)
                    state.lists.append(list)
                }
                return position == raw.count ? state : nil
            }
            guard let decoded else { return nil }
            self = decoded
        }

        private init(header: [UInt64], featureDigests: [UInt64], vectorDigests: [UInt64], strongTerms: [[UInt64]], lists: [[Int32]]) {
            (self.header, self.featureDigests, self.vectorDigests, self.strongTerms, self.lists) = (header, featureDigests, vectorDigests, strongTerms, lists)
        }
    }

    /// A 64-bit digest of values, the same on every run (not Swift's `Hasher`, which is seeded per
    /// process): FNV-1a over each value's bytes, folded with a multiply.
    struct Digest64 {
        private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

        mutating func add(_ number: UInt64) {
            withUnsafeBytes(of: number.littleEndian) { bytes in
                for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
            }
        }

        mutating func add(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
            }
            add(UInt64(text.utf8.count))
        }
    }
}

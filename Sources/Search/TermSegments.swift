import Foundation
import Parallel

/// The index's terms in segments (SPEC.md §3, term ranges): a segment starts at each anchor term, and
/// its terms are cut into shards by the byte budget. A segment's shards depend only on its terms'
/// postings, so a build with a memo makes again only the segments whose postings changed: each
/// segment gets a fingerprint of its postings from the documents' terms alone (one pass, no merged
/// postings), and only the segments the memo does not know are merged, written and cut.
struct TermSegments {
    /// One document's terms in one segment: `terms[start..<end]` of the document, and a digest of
    /// those terms and their counts (two lanes, from two unrelated term hashes).
    struct Run {
        var segment: Int
        var start: Int32, end: Int32
        var digest: (UInt64, UInt64)
    }

    let documents: [IndexWriter.DocumentTerms]
    /// The anchors in code-point order; segment 0 holds the terms before the first, segment k ≥ 1
    /// the terms from `anchors[k - 1]` on.
    let anchors: [String]
    /// Each document's runs, in segment order.
    let runs: [[Run]]
    /// Each document's terms' FNV-1a hashes, in order.
    let termHashes: [[UInt64]]

    var segmentCount: Int { anchors.count + 1 }

    init(_ documents: [IndexWriter.DocumentTerms], anchorEvery: UInt64) {
        self.documents = documents
        // Each term's FNV-1a hash, which says whether it is an anchor and is one lane of the digests.
        let hashes = ParallelSlots<[UInt64]>(count: documents.count)
        let documentAnchors = ParallelSlots<[String]>(count: documents.count)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            var values: [UInt64] = []
            values.reserveCapacity(documents[index].count)
            var found: [String] = []
            documents[index].forEachTerm { _, term, _ in
                let hash = SearchIndexFormat.fnv1a(term)
                values.append(hash)
                if hash % anchorEvery == 0 { found.append(String(decoding: term, as: UTF8.self)) }
            }
            hashes[index] = values
            documentAnchors[index] = found
        }
        var anchorSet: Set<String> = []
        for found in documentAnchors.values { anchorSet.formUnion(found) }
        let anchors = anchorSet.map { (key: IndexWriter.DocumentTerms.prefixKey($0), term: $0) }
            .sorted { $0.key != $1.key ? $0.key < $1.key : SearchIndexFormat.precedes($0.term, $1.term) }
        self.anchors = anchors.map(\.term)
        let anchorKeys = anchors.map(\.key)
        let anchorTerms = self.anchors.map { Array($0.utf8) }
        let termHashes = hashes.takeValues()
        self.termHashes = termHashes

        let runs = ParallelSlots<[Run]>(count: documents.count)
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let document = documents[index]
            let fnv = termHashes[index]
            var list: [Run] = []
            var segment = 0
            var current = Run(segment: -1, start: 0, end: 0, digest: (0, 0))
            document.forEachTerm { position, term, termCount in
                // The number of anchors ≤ term; the terms are in order, so it only grows.
                let key = IndexWriter.DocumentTerms.prefixKey(term)
                var low = segment, high = anchorKeys.count
                while low < high {
                    let middle = (low + high) / 2
                    let anchorKey = anchorKeys[middle]
                    let anchorIsAtMost = anchorKey != key ? anchorKey < key : !anchorTerms[middle].withUnsafeBufferPointer { SearchIndexFormat.precedes(term, $0) }
                    if anchorIsAtMost { low = middle + 1 } else { high = middle }
                }
                segment = low
                if segment != current.segment {
                    if current.segment >= 0 { list.append(current) }
                    current = Run(segment: segment, start: Int32(position), end: Int32(position),
                                  digest: (0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344))
                }
                let count = UInt64(termCount)
                current.end = Int32(position + 1)
                current.digest.0 = Self.mum(current.digest.0 ^ fnv[position] ^ 0xA076_1D64_78BD_642F, count ^ 0xE703_7ED1_A0B4_28DB)
                current.digest.1 = Self.mum(current.digest.1 ^ Self.wyhash(term) ^ 0x8EBC_6AF0_9C88_C6E3,
                                            count &+ 0x5899_65CC_7537_4CC3)
            }
            if current.segment >= 0 { list.append(current) }
            runs[index] = list
        }
        self.runs = runs.takeValues()
    }

    /// Each segment's fingerprint: its documents' indexes and run digests, in document order; nil for
    /// a segment without terms.
    func fingerprints() -> [(UInt64, UInt64)?] {
        var result = [(UInt64, UInt64)?](repeating: nil, count: segmentCount)
        for (document, list) in runs.enumerated() {
            let place = UInt64(document)
            for run in list {
                let (a, b) = result[run.segment] ?? (0x4528_21E6_38D0_1377, 0xBE54_66CF_34E9_0C6C)
                result[run.segment] = (Self.mum(a ^ run.digest.0 ^ 0x9E37_79B9_7F4A_7C15, place &+ 0xC2B2_AE3D_27D4_EB4F),
                                       Self.mum(b ^ run.digest.1 ^ 0x1656_67B1_9E37_79F9, place ^ 0x27D4_EB2F_1656_67C5))
            }
        }
        return result
    }

    /// The term shards in order: each one's first term and its entries (`"term":"postings"` joined
    /// by `,\n`). Segments the memo knows are taken from it; the others are made (in parallel) and kept.
    func shards(budget: Int, memo: IndexWriter.Memo?) -> [(first: String, body: String)] {
        let fingerprints = fingerprints()
        let keys = fingerprints.map { fingerprint in fingerprint.map { [Self.hex($0.0) + Self.hex($0.1)] } }
        let made = ParallelSlots<[(first: String, body: String)]>(count: segmentCount)
        var missing: [Int] = []
        for segment in 0..<segmentCount {
            guard let key = keys[segment] else { continue }
            if let memo, let hit = memo.lookup(key), hit.count >= 2, hit.count % 2 == 0 {
                made[segment] = stride(from: 0, to: hit.count, by: 2).map { (hit[$0], hit[$0 + 1]) }
            } else {
                missing.append(segment)
            }
        }
        // The runs of the segments to make, in document order.
        var place = [Int](repeating: -1, count: segmentCount)
        for (position, segment) in missing.enumerated() { place[segment] = position }
        var members = [[(document: Int, start: Int32, end: Int32)]](repeating: [], count: missing.count)
        for (document, list) in runs.enumerated() {
            for run in list where place[run.segment] >= 0 {
                members[place[run.segment]].append((document, run.start, run.end))
            }
        }
        let (toMake, runsToMake) = (missing, members)
        DispatchQueue.concurrentPerform(iterations: toMake.count) { position in
            let shards = make(runsToMake[position], budget: budget)
            made[toMake[position]] = shards
            if let memo, let key = keys[toMake[position]] {
                memo.store(key, shards.flatMap { [$0.first, $0.body] })
            }
        }
        return made.takeValues().flatMap { $0 }
    }

    /// One segment's shards from its runs: postings merged in document order, terms in code-point
    /// order, each entry `"term":"g c g c …"` (SPEC.md §3), cut by the byte budget. The terms are
    /// told apart by their bytes and hashes, not as strings: a string is made of each distinct term
    /// once, not of each of the corpus's million postings (a full build makes every segment; a
    /// rebuild, those of the words it changed, which can hold the most common words).
    private func make(_ members: [(document: Int, start: Int32, end: Int32)], budget: Int) -> [(first: String, body: String)] {
        let pairs = members.reduce(0) { $0 + Int($1.end - $1.start) }
        // Open addressing on the terms' hashes, at most half full: each slot a term's place in
        // `spans` (its bytes in `arena`), or -1.
        var capacity = 16
        while capacity < 2 * pairs { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var arena: [UInt8] = []
        var spans: [(start: Int, count: Int, hash: UInt64)] = []
        var postings: [[(document: Int, count: Int)]] = []
        /// Adds one posting of the term with these bytes and hash.
        func add(_ term: UnsafeBufferPointer<UInt8>, hash: UInt64, document: Int, count: Int) {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let found = Int(slots[slot])
                if found < 0 {
                    slots[slot] = Int32(spans.count)
                    spans.append((arena.count, term.count, hash))
                    arena.append(contentsOf: term)
                    postings.append([(document, count)])
                    return
                }
                let span = spans[found]
                if span.hash == hash, span.count == term.count, arena.withUnsafeBufferPointer({ arena in
                    term.isEmpty || memcmp(arena.baseAddress! + span.start, term.baseAddress!, term.count) == 0
                }) {
                    postings[found].append((document, count))
                    return
                }
                slot = (slot + 1) & mask
            }
        }
        // The documents' storage is borrowed, not copied for each member: two threads make segments
        // of the same documents at once, and contended for their arrays' reference counts.
        documents.withUnsafeBufferPointer { documents in
            termHashes.withUnsafeBufferPointer { termHashes in
                for member in members {
                    termHashes[member.document].withUnsafeBufferPointer { hashes in
                        documents[member.document].withStorage { bytes, ends, counts in
                            for position in Int(member.start)..<Int(member.end) {
                                let start = position == 0 ? 0 : Int(ends[position - 1])
                                add(UnsafeBufferPointer(rebasing: bytes[start..<Int(ends[position])]), hash: hashes[position],
                                    document: member.document, count: counts[position])
                            }
                        }
                    }
                }
            }
        }
        // The distinct terms in code-point order: on their first eight bytes, then on all of them.
        let (ordered, names) = arena.withUnsafeBufferPointer { arena -> ([Int], [String]) in
            func bytes(_ place: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: arena[spans[place].start..<(spans[place].start + spans[place].count)])
            }
            let keys = spans.indices.map { IndexWriter.DocumentTerms.prefixKey(bytes($0)) }
            let ordered = spans.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : SearchIndexFormat.precedes(bytes(a), bytes(b)) }
            return (ordered, spans.indices.map { String(decoding: bytes($0), as: UTF8.self) })
        }
        var shards: [(first: String, body: String)] = []
        var body: [UInt8] = []
        var size = 0
        for place in ordered {
            let term = names[place], list = postings[place]
            var entry = Array((ScriptJSON.string(term) + ":\"").utf8)
            entry.reserveCapacity(entry.count + list.count * 2 + 1)
            var previous = 0
            for posting in list {
                SearchIndexFormat.appendPostingNumber(posting.document - previous, to: &entry)
                SearchIndexFormat.appendPostingNumber(posting.count, to: &entry)
                previous = posting.document
            }
            entry.append(UInt8(ascii: "\""))
            let cost = entry.count + 2
            if shards.isEmpty || size + cost > budget {
                if !shards.isEmpty { shards[shards.count - 1].body = String(decoding: body, as: UTF8.self) }
                shards.append((term, ""))
                body.removeAll(keepingCapacity: true)
                size = 0
            } else {
                body.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: "\n")])
            }
            body.append(contentsOf: entry)
            size += cost
        }
        if !shards.isEmpty { shards[shards.count - 1].body = String(decoding: body, as: UTF8.self) }
        return shards
    }

    /// A second hash of a term's bytes, of another family (multiply-and-fold, eight bytes at a time),
    /// for the digests' second lane.
    static func wyhash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x8BB8_4B93_962E_ACC9 ^ UInt64(bytes.count)
        var index = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = mum(hash ^ word ^ 0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB)
            index += 8
        }
        var tail: UInt64 = 0
        for position in index..<bytes.count { tail |= UInt64(bytes[position]) << (8 * UInt64(position - index)) }
        hash = mum(hash ^ tail ^ 0x8EBC_6AF0_9C88_C6E3, 0x5899_65CC_7537_4CC3 ^ UInt64(bytes.count - index))
        return mum(hash ^ 0x1D8E_4E27_C47D_124F, 0xA076_1D64_78BD_642F)
    }

    /// The high and low halves of a full product, folded.
    @inline(__always) static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

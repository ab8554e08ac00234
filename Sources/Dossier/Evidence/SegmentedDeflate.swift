import CDeflate
// zlib, through ZIPFoundation's module of it (Debian: zlib1g-dev): the health check's zip entry
// is deflated in segments that a rebuild keeps, and libdeflate cannot end a segment on a byte
// without ending the stream.
import CZlib
import Foundation
import Parallel

/// How a large page's zip entry is deflated: in segments that end where `ends` says, so that a
/// rebuild deflates again only the segments that changed (the health check's: 36 MB for 10,000
/// findings, of which an edit changes one section). Where the segments end follows from the
/// page's content alone (its sections), never from the last build, so a clean build and a
/// rebuild give the same bytes.
public struct DeflatePlan: Sendable {
    /// Where each segment ends: byte offsets, increasing, the last one the page's size.
    public var ends: [Int]
    /// For a page made from the last build's by putting some sections in place of theirs: the
    /// last build's page's SHA-256, and for each segment whether its bytes are those of the last
    /// build's segment of the same index (moved, not changed).
    public var previous: (sha256: String, unchanged: [Bool])?

    public init(ends: [Int], previous: (sha256: String, unchanged: [Bool])? = nil) {
        self.ends = ends
        self.previous = previous
    }

    /// Where the segments start.
    var starts: [Int] { [0] + ends.dropLast() }
}

/// What a segmented entry is made of, kept for the next build (`.dossier-cache/zip-segments`).
struct DeflateSegments: Sendable, Equatable {
    static func == (left: DeflateSegments, right: DeflateSegments) -> Bool {
        (left.library, left.sha256, left.segments) == (right.library, right.sha256, right.segments)
    }

    struct Segment: Sendable, Equatable {
        var count: Int
        var compressedCount: Int
        var crc32: UInt32
    }

    /// The deflate library and its version: segments are reused only from the same.
    var library: String
    /// The SHA-256 of the file the segments make up.
    var sha256: String
    var segments: [Segment]
    /// How many of them this build deflated (the others it copied from the last build's zip).
    var deflated = 0

    /// The CRC-32 of the whole file, from its segments'.
    var crc32: UInt32 {
        segments.dropFirst().reduce(segments.first?.crc32 ?? 0) { crc, segment in
            UInt32(crc32_combine(uLong(crc), uLong(segment.crc32), off_t(segment.count)))
        }
    }
}

/// A zip entry deflated in segments, each a raw deflate stream of its own (zlib, level 6, zlib's
/// default) ended by a sync flush — an empty stored block, which ends it on a byte without ending
/// the stream — and the last one ended as a stream is. Put together they are one entry that any
/// unzip reads, and a segment's bytes depend on its own bytes only, so a rebuild copies the
/// unchanged ones from the last build's zip.
enum SegmentedDeflate {
    static let level: Int32 = 6
    static let library = "zlib " + String(cString: zlibVersion())

    /// `data` (whose SHA-256 is `sha256`) deflated as `plan` says, and its segments. The segments the plan marks unchanged
    /// are copied from `previous` (the last build's segments and its zip entry) when it is the
    /// file the plan names, deflated by the same library, and whole. Stored, with no segments,
    /// when deflating does not make it smaller; nil when zlib fails.
    static func make(_ data: Data, sha256: String, plan: DeflatePlan,
                     previous: (segments: DeflateSegments, entry: CompressedEntry)?) -> (entry: CompressedEntry, segments: DeflateSegments?)? {
        let ends = plan.ends, starts = plan.starts, count = ends.count
        guard count > 0, ends.last == data.count, zip(starts, ends).allSatisfy({ $0 < $1 }) else { return nil }
        let reused = reusable(plan, count: count, previous: previous)
        let compressed = ParallelSlots<(bytes: Data, crc32: UInt32)>(count: count)
        let pending = (0..<count).filter { reused[$0] == nil }
        DispatchQueue.concurrentPerform(iterations: pending.count) { position in
            let index = pending[position]
            data.withUnsafeBytes { raw in
                let segment = UnsafeRawBufferPointer(rebasing: raw[starts[index]..<ends[index]])
                if let bytes = deflate(segment, last: index == count - 1) {
                    compressed[index] = (bytes, libdeflate_crc32(0, segment.baseAddress, segment.count))
                }
            }
        }
        var output = Data()
        var segments: [DeflateSegments.Segment] = []
        segments.reserveCapacity(count)
        for index in 0..<count {
            guard let (bytes, crc) = reused[index] ?? compressed[index] else { return nil }
            output.append(bytes)
            segments.append(DeflateSegments.Segment(count: ends[index] - starts[index], compressedCount: bytes.count, crc32: crc))
        }
        let table = DeflateSegments(library: library, sha256: sha256, segments: segments, deflated: pending.count)
        guard output.count < data.count else {
            return (CompressedEntry(method: 0, crc32: table.crc32, uncompressedSize: data.count, data: data), nil)
        }
        return (CompressedEntry(method: 8, crc32: table.crc32, uncompressedSize: data.count, data: output), table)
    }

    /// The last build's compressed segments that `plan` may take as they are, by index.
    private static func reusable(_ plan: DeflatePlan, count: Int, previous: (segments: DeflateSegments, entry: CompressedEntry)?) -> [(bytes: Data, crc32: UInt32)?] {
        var reused = [(bytes: Data, crc32: UInt32)?](repeating: nil, count: count)
        guard let hint = plan.previous, let (table, entry) = previous, hint.unchanged.count == count,
              table.sha256 == hint.sha256, table.library == library, table.segments.count == count, entry.method == 8,
              entry.uncompressedSize == table.segments.reduce(0, { $0 + $1.count }),
              entry.data.count == table.segments.reduce(0, { $0 + $1.compressedCount }), entry.crc32 == table.crc32 else { return reused }
        var offset = entry.data.startIndex
        let starts = plan.starts
        for (index, segment) in table.segments.enumerated() {
            if hint.unchanged[index], segment.count == plan.ends[index] - starts[index] {
                reused[index] = (entry.data[offset..<(offset + segment.compressedCount)], segment.crc32)
            }
            offset += segment.compressedCount
        }
        return reused
    }

    /// One segment as a raw deflate stream: ended by a sync flush, or as a stream when it is the last.
    static func deflate(_ input: UnsafeRawBufferPointer, last: Bool) -> Data? {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return nil
        }
        defer { deflateEnd(&stream) }
        // Room for the whole stream and the flush's empty block: one call does it all.
        var output = Data(count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let capacity = output.count
        let status = output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(target.count)
            return CZlib.deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
        }
        guard status == (last ? Z_STREAM_END : Z_OK), stream.avail_in == 0, stream.avail_out > 0 else { return nil }
        output.count = capacity - Int(stream.avail_out)
        return output.withUnsafeBytes { Data(bytes: $0.baseAddress!, count: $0.count) }
    }

    // MARK: The cache file

    static let file = ".dossier-cache/zip-segments"

    /// The segments of a build's segmented entries, by pack path, as the cache file holds them:
    /// a header line, then per entry a line (`entry`, path, library, SHA-256, count) and a line per
    /// segment (size, compressed size, CRC-32), fields separated by tabs.
    static func encode(_ tables: [String: DeflateSegments]) -> Data {
        var text = "dossier-zip-segments\t1\n"
        for (path, table) in tables.sorted(by: { $0.key < $1.key })
        where !(path + table.library).contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            text += "entry\t\(path)\t\(table.library)\t\(table.sha256)\t\(table.segments.count)\n"
            for segment in table.segments { text += "\(segment.count)\t\(segment.compressedCount)\t\(segment.crc32)\n" }
        }
        return Data(text.utf8)
    }

    /// What `encode` wrote; empty for anything else.
    static func decode(_ data: Data) -> [String: DeflateSegments] {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == "dossier-zip-segments\t1" else { return [:] }
        var tables: [String: DeflateSegments] = [:]
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let header = lines[index].split(separator: "\t", omittingEmptySubsequences: false)
            guard header.count == 5, header[0] == "entry", let count = Int(header[4]), count >= 0, index + count < lines.count else { return [:] }
            var segments: [DeflateSegments.Segment] = []
            for line in lines[(index + 1)..<(index + 1 + count)] {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count == 3, let size = Int(fields[0]), let compressed = Int(fields[1]), let crc = UInt32(fields[2]) else { return [:] }
                segments.append(DeflateSegments.Segment(count: size, compressedCount: compressed, crc32: crc))
            }
            tables[String(header[1])] = DeflateSegments(library: String(header[2]), sha256: String(header[3]), segments: segments)
            index += count + 1
        }
        return tables
    }
}

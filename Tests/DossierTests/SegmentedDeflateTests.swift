import CDeflate
import Foundation
import Testing
@testable import Dossier

/// The health check's zip entry is deflated in segments that a rebuild copies from the last zip
/// when they did not change: the entry is the same bytes either way, and any inflater reads it.
struct SegmentedDeflateTests {
    static func inflate(_ entry: CompressedEntry) -> Data? {
        guard entry.method == 8 else { return entry.data }
        guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var output = Data(count: entry.uncompressedSize)
        var actual = 0
        let result = entry.data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { target in
                libdeflate_deflate_decompress(decompressor, input.baseAddress, input.count, target.baseAddress, target.count, &actual)
            }
        }
        return result == LIBDEFLATE_SUCCESS && actual == entry.uncompressedSize ? output : nil
    }

    static let text = Data((0..<3000).map { "<p>Section \($0): 응답 시간 \($0 * 7 % 1000) ms — the cache hit ratio dropped.</p>\n" }.joined().utf8)

    /// `bytes` as one stored block that does not end the stream: another valid deflate of them.
    static func stored(_ bytes: Data) -> Data {
        let length = UInt16(bytes.count)
        return Data([0, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]) + bytes
    }

    @Test func segmentsMakeOneEntry() throws {
        let data = Self.text
        let made = try #require(SegmentedDeflate.make(data, sha256: Digest.sha256(data), plan: DeflatePlan(ends: [10_000, 50_000, 120_000, data.count]), previous: nil))
        #expect(made.entry.method == 8)
        #expect(made.entry.data.count < data.count / 4)
        #expect(Self.inflate(made.entry) == data)
        #expect(made.entry.crc32 == ZipDirectory.crc32(data))
        #expect(made.segments?.segments.map(\.count) == [10_000, 40_000, 70_000, data.count - 120_000])
        #expect(made.segments?.crc32 == made.entry.crc32)
        #expect(made.segments?.sha256 == Digest.sha256(data))
        let whole = try #require(SegmentedDeflate.make(data, sha256: "", plan: DeflatePlan(ends: [data.count]), previous: nil))
        #expect(Self.inflate(whole.entry) == data)
        // Ends that are not increasing, or do not end at the file's end, are no plan.
        #expect(SegmentedDeflate.make(data, sha256: "", plan: DeflatePlan(ends: [5, 5, data.count]), previous: nil) == nil)
        #expect(SegmentedDeflate.make(data, sha256: "", plan: DeflatePlan(ends: [5]), previous: nil) == nil)
    }

    @Test func unchangedSegmentsAreCopiedFromTheLastEntry() throws {
        let old = Self.text, oldSHA = Digest.sha256(old)
        let last = try #require(SegmentedDeflate.make(old, sha256: oldSHA, plan: DeflatePlan(ends: [30_000, 60_000, old.count]), previous: nil))
        let lastTable = try #require(last.segments)
        // Seven bytes put into the second segment: the third moves, unchanged.
        var new = old
        new.insert(contentsOf: Data(" 추가".utf8), at: 40_000)
        let ends = [30_000, 60_007, new.count]
        let plan = DeflatePlan(ends: ends, previous: (oldSHA, [true, false, true]))
        let fresh = try #require(SegmentedDeflate.make(new, sha256: "", plan: DeflatePlan(ends: ends), previous: nil))
        let patched = try #require(SegmentedDeflate.make(new, sha256: "", plan: plan, previous: (lastTable, last.entry)))
        #expect(patched.entry.data == fresh.entry.data)
        #expect(patched.entry.crc32 == ZipDirectory.crc32(new))
        #expect(Self.inflate(patched.entry) == new)

        // A last entry whose first segment is stored (deflated otherwise, the same bytes): what is
        // copied shows.
        let storedFirst = Self.stored(old[0..<30_000])
        var storedTable = lastTable
        storedTable.segments[0].compressedCount = storedFirst.count
        let storedEntry = CompressedEntry(method: 8, crc32: last.entry.crc32, uncompressedSize: old.count,
                                          data: storedFirst + last.entry.data.dropFirst(lastTable.segments[0].compressedCount))
        #expect(Self.inflate(storedEntry) == old)
        let copied = try #require(SegmentedDeflate.make(new, sha256: "", plan: plan, previous: (storedTable, storedEntry)))
        #expect(copied.entry.data.prefix(storedFirst.count) == storedFirst)
        #expect(Self.inflate(copied.entry) == new)
        #expect(copied.entry.crc32 == ZipDirectory.crc32(new))

        // Nothing is copied from another file's segments, another library's, or an entry that is
        // not the one its segments describe; a segment whose size changed is deflated again.
        var otherFile = storedTable
        otherFile.sha256 = "another"
        var otherLibrary = storedTable
        otherLibrary.library = "zlib 0.9"
        var damaged = storedEntry
        damaged.crc32 ^= 1
        for previous in [(otherFile, storedEntry), (otherLibrary, storedEntry), (storedTable, damaged)] {
            #expect(SegmentedDeflate.make(new, sha256: "", plan: plan, previous: previous)?.entry.data == fresh.entry.data)
        }
        let allMarked = DeflatePlan(ends: ends, previous: (oldSHA, [true, true, true]))
        let resized = try #require(SegmentedDeflate.make(new, sha256: "", plan: allMarked, previous: (storedTable, storedEntry)))
        #expect(resized.entry.data.prefix(storedFirst.count) == storedFirst)
        #expect(Self.inflate(resized.entry) == new)
    }

    @Test func theCacheFileRoundTrips() {
        let tables = ["reports/health-check.html": DeflateSegments(library: SegmentedDeflate.library, sha256: String(repeating: "ab", count: 32), segments: [
            .init(count: 1_048_576, compressedCount: 73_111, crc32: 976_971_362), .init(count: 5, compressedCount: 7, crc32: 0),
        ]), "reports/period.html": DeflateSegments(library: "zlib 1.3", sha256: "cd", segments: [])]
        #expect(SegmentedDeflate.decode(SegmentedDeflate.encode(tables)) == tables)
        #expect(SegmentedDeflate.decode(Data("dossier-zip-segments\t1\nentry\ta\tb\tc\t2\n1\t2\t3\n".utf8)).isEmpty)
        #expect(SegmentedDeflate.decode(Data("something else".utf8)).isEmpty)
        #expect(SegmentedDeflate.encode(["a\tb": tables["reports/period.html"]!]) == SegmentedDeflate.encode([:]))
    }

    /// Segments: a megabyte at a time of what precedes the first section, then 256 sections each;
    /// a patch marks the segments of the sections it put in place as changed.
    @Test func theHealthCheckPlansItsSegmentsBySections() throws {
        let first = 2_621_440, size = first + 600 * 100 + 500
        let sections = (0..<600).map { index in
            HealthCheckLayout.Section(key: "k\(index)", chunkKey: "c", outlineKey: "o", markdown: 0..<1,
                                      html: (first + index * 100)..<(first + index * 100 + 90), ids: [])
        }
        let layout = HealthCheckLayout(viewKey: "v", markdownSHA256: "m", htmlSHA256: "h", sections: sections)
        let plan = try #require(layout.deflatePlan(htmlSize: size))
        #expect(plan.ends == [1 << 20, 2 << 20, first, first + 256 * 100, first + 512 * 100, size])
        #expect(plan.previous == nil)
        let patch = try #require(layout.deflatePlan(htmlSize: size, previousSHA256: "old", changed: [0, 300]))
        #expect(patch.previous?.sha256 == "old")
        #expect(patch.previous?.unchanged == [true, true, true, false, false, true])
        #expect(layout.deflatePlan(htmlSize: size, previousSHA256: "old", changed: [599])?.previous?.unchanged == [true, true, true, true, true, false])
        // A page shorter than its sections say has no plan.
        #expect(layout.deflatePlan(htmlSize: first) == nil)
    }
}

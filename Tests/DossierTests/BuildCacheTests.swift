import Foundation
import Testing
@testable import Dossier

/// The build cache's state file and memo read back exactly what was written.
struct BuildCacheTests {
    /// The zip's deflated bytes come from the libdeflate loaded: the environment names its file,
    /// so an upgraded library makes the next build a full one.
    @Test func environmentNamesTheLoadedDeflateLibrary() throws {
        let parts = BuildCache.deflateLibrary
        #expect(parts.first?.hasPrefix("libdeflate 1.") == true)
        #if os(Linux)
        let file = try #require(parts.dropFirst().first)
        let path = String(file.split(separator: " ")[0])
        #expect(path.contains("libdeflate") && FileManager.default.fileExists(atPath: path))
        #endif
    }

    @Test func stateRoundTrips() throws {
        let state = BuildCache.State(
            format: BuildCache.format, environment: "e" + String(repeating: "0", count: 63), inputs: "abc",
            units: ["kb-item:F-001": .init(key: "k1", paths: ["kb/items/F-001.html"]),
                    "postmortem:INC-1": .init(key: "k2", paths: ["report/incidents/INC-1.md", "report/incidents/INC-1.html", "report/charts/INC-1-timeline.svg"])],
            files: ["kb/items/F-001.html": .init(sha256: "ff", size: 12, modified: 1_764_201_600.123456789),
                    "evidence/로그 파일.txt": .init(sha256: "aa", size: 0, modified: 0)])
        let data = try #require(BuildCache.encode(state))
        #expect(BuildCache.decode(data) == state)
        var noInputs = state
        noInputs.inputs = nil
        #expect(BuildCache.decode(try #require(BuildCache.encode(noInputs))) == noInputs)
    }

    /// Deltas appended to a state read over it in order: units and files replaced, added and gone,
    /// the inputs replaced; the length of the whole encoding before them is told.
    @Test func stateDeltasReadOverTheWholeState() throws {
        let base = BuildCache.State(
            format: BuildCache.format, environment: "env", inputs: "one",
            units: ["kb-item:F-1": .init(key: "k1", paths: ["kb/items/F-1.html"]), "kb-item:F-2": .init(key: "k2", paths: ["kb/items/F-2.html"])],
            files: ["kb/items/F-1.html": .init(sha256: "a1", size: 1, modified: 1.5), "kb/items/F-2.html": .init(sha256: "a2", size: 2, modified: 2.5),
                    "report/한글.html": .init(sha256: "a3", size: 3, modified: 3.5)])
        let whole = try #require(BuildCache.encode(base))
        let first = try #require(BuildCache.encodeDelta(
            inputs: "two", units: [("kb-item:F-1", .init(key: "k1b", paths: ["kb/items/F-1.html"])), ("kb-item:F-3", .init(key: "k3", paths: ["kb/items/F-3.html"]))],
            goneUnits: ["kb-item:F-2"],
            files: [("kb/items/F-1.html", .init(sha256: "b1", size: 10, modified: 4.25)), ("kb/items/F-3.html", .init(sha256: "b3", size: 30, modified: 4.5))],
            goneFiles: ["kb/items/F-2.html"]))
        let second = try #require(BuildCache.encodeDelta(inputs: nil, units: [("kb-item:F-2", .init(key: "k2c", paths: []))], goneUnits: [],
                                                          files: [("kb/items/F-2.html", .init(sha256: "c2", size: 5, modified: 5))], goneFiles: ["report/한글.html"]))
        let (state, baseLength) = try #require(BuildCache.decodeState(whole + first + second))
        #expect(baseLength == whole.count)
        #expect(state == BuildCache.State(
            format: BuildCache.format, environment: "env", inputs: nil,
            units: ["kb-item:F-1": .init(key: "k1b", paths: ["kb/items/F-1.html"]), "kb-item:F-3": .init(key: "k3", paths: ["kb/items/F-3.html"]),
                    "kb-item:F-2": .init(key: "k2c", paths: [])],
            files: ["kb/items/F-1.html": .init(sha256: "b1", size: 10, modified: 4.25), "kb/items/F-3.html": .init(sha256: "b3", size: 30, modified: 4.5),
                    "kb/items/F-2.html": .init(sha256: "c2", size: 5, modified: 5)]))
        #expect(BuildCache.decodeState(whole)?.baseLength == whole.count)
        // A delta cut short anywhere (a crash while it was appended) makes the state unreadable:
        // the next build is a full one, not one that trusts a unit line cut after one of its paths.
        for cut in 1..<second.count {
            #expect(BuildCache.decode(whole + first + second.prefix(cut)) == nil, "cut at \(cut)")
        }
        #expect(BuildCache.decode(whole + first + first) != nil, "a delta read twice is still whole")
        // A removal outside a delta, a delta without a state before it, and a bad delta line are refused.
        #expect(BuildCache.decode(whole + Data("gone\tkb/items/F-1.html\n".utf8)) == nil)
        #expect(BuildCache.decode(first) == nil)
        #expect(BuildCache.decode(whole + Data("delta\textra\n".utf8)) == nil)
        #expect(BuildCache.encodeDelta(inputs: "x", units: [], goneUnits: [], files: [], goneFiles: ["a\tb"]) == nil)
    }

    @Test func unsafePathsAndDamagedStatesAreRefused() {
        var state = BuildCache.State(format: BuildCache.format, environment: "e", inputs: nil, units: [:], files: [:])
        state.files["a\tb"] = .init(sha256: "x", size: 1, modified: 1)
        #expect(BuildCache.encode(state) == nil, "a tab in a path: no state, so the next build is a full one")
        #expect(BuildCache.decode(Data("dossier-cache\t2\nfile\tonly-two-fields\n".utf8)) == nil)
        #expect(BuildCache.decode(Data("something else\n".utf8)) == nil)
        #expect(BuildCache.decode(Data()) == nil)
    }

    /// A key is the SHA-256 of each part's length, a colon and its bytes: parts cannot run into each other.
    @Test func keysFrameTheirParts() {
        #expect(BuildCache.key(["ab", "c"]) == Digest.sha256(Data("2:ab1:c".utf8)))
        #expect(BuildCache.key(["한글", "", String(repeating: "x", count: 1234)]) ==
                Digest.sha256(Data(("6:한글0:1234:" + String(repeating: "x", count: 1234)).utf8)))
        #expect(BuildCache.key(["ab", "c"]) != BuildCache.key(["a", "bc"]))
        // Parts given one by one, as strings or as bytes, make the same key.
        let bytes = Array("한글".utf8)
        #expect(bytes.withUnsafeBufferPointer { raw in BuildCache.key { $0.add("ab"); $0.add(raw); $0.add("") } } == BuildCache.key(["ab", "한글", ""]))
        // Lengths of one digit and of several, and an empty part: what `sha256sum` prints for them.
        #expect(BuildCache.key(["a", "한글", "", String(repeating: "x", count: 1234)]) == "bb51e8faa1084d349229d97b93ddcd4673f48013af272db490a3070bd76abce2")
        #expect(BuildCache.key([]) == Digest.sha256(Data()))
        // Parts gathered past the key's buffer, and a part longer than it.
        let many = (0..<30_000).map { "part \($0)" } + [String(repeating: "y", count: 70_000), "end", "끝"]
        #expect(BuildCache.key(many) == Digest.sha256(Data(many.map { "\($0.utf8.count):\($0)" }.joined().utf8)))
        #expect(Digest.sha256("한글 text\n") == Digest.sha256(Data("한글 text\n".utf8)))
        // The hex `sha256sum` prints (FIPS 180-2's examples).
        #expect(Digest.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// The memo's index: every slot found, a slot set again has its last entry, absent slots are
    /// not found, past many times its first capacity (it grows) and with slots of short keys.
    @Test func memoIndexFindsEverySlot() {
        typealias Table = BuildCache.MemoTable.SlotTable
        var table = Table(capacity: 4)
        func slot(_ key: String) -> BuildCache.MemoTable.Slot {
            var key = key
            return key.withUTF8 { BuildCache.MemoTable.Slot(UnsafeRawBufferPointer($0)) }
        }
        let keys = (0..<5_000).map { BuildCache.key(["k", String($0)]) } + ["a", "ab", "digest:x", ""]
        for (number, key) in keys.enumerated() { table.set(slot(key), .init(start: number, values: 0, end: 0)) }
        table.set(slot(keys[7]), .init(start: 70_000, values: 0, end: 0))
        #expect(table.count == keys.count)
        #expect(keys.indices.allSatisfy { table[slot(keys[$0])]?.start == ($0 == 7 ? 70_000 : $0) })
        #expect((0..<1_000).allSatisfy { table[slot(BuildCache.key(["other", String($0)]))] == nil })
        #expect(table[slot("abc")] == nil)
    }

    @Test func memoRoundTrips() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = BuildCache(output: folder, environment: "e", clean: true)
        cache.memoize("k1", ["한글 값", "", "second\u{1E}with marks"])
        cache.memoize("k2", [])
        // Values kept as bytes (binary encodings no string could hold) read back as they were.
        let binary: [[UInt8]] = [[0xFF, 0x00, 0xD7], [], Array("text".utf8)]
        cache.memoize("k4", fields: [.bytes(binary[0]), .bytes(binary[1]), .text("text")])
        let path = folder.appendingPathComponent("memo").path
        try cache.writeMemo(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoded = BuildCache.MemoTable(bytes)
        #expect(decoded.fields(for: "k4", { $0.map { Array($0) } })?.value == binary)
        #expect(decoded.count == 3)
        #expect(decoded.values(for: "k1") == ["한글 값", "", "second\u{1E}with marks"])
        #expect(decoded.values(for: "k2") == [])
        #expect(decoded.values(for: "k3") == nil)
        #expect(BuildCache.MemoTable(Data([1, 2, 3])).count == 0)
        // Keys alike in their last 16 bytes (the memo's index tells keys apart by those and their
        // length, then compares the whole key): never another key's value; at worst a miss.
        let alike = try BuildCacheTests.memo([("one-0123456789abcdef", ["1"]), ("two-0123456789abcdef", ["2"]), ("three-0123456789abcdef", ["3"])])
        let alikeTable = BuildCache.MemoTable(alike)
        #expect(alikeTable.values(for: "three-0123456789abcdef") == ["3"])
        for (key, value) in [("one-0123456789abcdef", "1"), ("two-0123456789abcdef", "2")] {
            #expect(alikeTable.values(for: key).map { $0 == [value] } ?? true)
        }
        #expect(alikeTable.values(for: "six-0123456789abcdef") == nil)
        // Keys that start alike (as `digest:` and a hash do) are told apart by their ends.
        let prefixed = (0..<200).map { ("digest:" + String(repeating: "0", count: 20) + Digest.sha256("\($0)"), ["\($0)"]) }
        let prefixedTable = BuildCache.MemoTable(try BuildCacheTests.memo(prefixed))
        #expect(prefixed.allSatisfy { prefixedTable.values(for: $0.0) == $0.1 })
        #expect(BuildCache.MemoTable(try BuildCacheTests.memo([("", ["empty key"])])).values(for: "") == ["empty key"])
        // A file cut short keeps the entries before the cut, and none is read past its end.
        for cut in [1, 7, bytes.count / 2, bytes.count - 1] {
            let table = BuildCache.MemoTable(bytes.prefix(cut))
            #expect(table.count <= 2)
            for key in ["k1", "k2", "k4"] { _ = table.values(for: key) }
        }
    }
}

extension BuildCacheTests {
    /// An output folder holding a previous build's state (environment "e") and `memo`.
    static func previousBuild(memo: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(BuildCache.folder), withIntermediateDirectories: true)
        let state = BuildCache.State(format: BuildCache.format, environment: "e", inputs: nil, units: [:], files: [:])
        try #require(BuildCache.encode(state)).write(to: folder.appendingPathComponent(BuildCache.stateFile))
        try memo.write(to: folder.appendingPathComponent(BuildCache.memoFile))
        return folder
    }

    static func memo(_ entries: [(String, [String])]) throws -> Data {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = BuildCache(output: folder, environment: "e", clean: true)
        for (key, values) in entries { cache.memoize(key, values) }
        try cache.writeMemo(to: folder.appendingPathComponent("memo").path)
        return try Data(contentsOf: folder.appendingPathComponent("memo"))
    }

    /// A rebuild that uses most of the previous memo appends what it made to the file (cut back to
    /// its last whole entry first); one that would leave the file mostly stale writes it again with
    /// only the entries in use; a file changed since it was read is never appended to.
    @Test func memoGrowsByAppendingUntilMostlyStale() throws {
        let big = String(repeating: "섹션 ", count: 2000), small = String(repeating: "x", count: 100)
        var previous = try Self.memo([("big", [big]), ("small", [small])])
        let whole = previous.count
        previous.append(contentsOf: [7, 0, 0])  // an entry cut short by a crash
        let folder = try Self.previousBuild(memo: previous)
        defer { try? FileManager.default.removeItem(at: folder) }
        let memoPath = folder.appendingPathComponent(BuildCache.memoFile).path
        let staged = folder.appendingPathComponent("staged-memo").path

        // Uses the big entry, makes a new one: appended.
        let rebuild = BuildCache(output: folder, environment: "e", clean: false)
        #expect(rebuild.memo("big") == [big])
        #expect(rebuild.memo("missing") == nil)
        rebuild.memoize("new", ["새 값", ""])
        try rebuild.prepareMemo(wholeAt: staged)
        #expect(rebuild.memoAppendix != nil && !FileManager.default.fileExists(atPath: staged))
        #expect(try rebuild.appendMemo(to: memoPath))
        let appended = try Data(contentsOf: URL(fileURLWithPath: memoPath))
        #expect(appended.prefix(whole) == previous.prefix(whole), "the previous entries stay as they were")
        let table = BuildCache.MemoTable(appended)
        #expect(table.validLength == appended.count, "the cut-short entry is gone")
        #expect(table.values(for: "new") == ["새 값", ""] && table.values(for: "big") == [big] && table.values(for: "small") == [small])

        // A key written twice reads as its last value.
        let twice = try Self.memo([("k", ["old"])]) + Self.memo([("k", ["new"])])
        #expect(BuildCache.MemoTable(twice).values(for: "k") == ["new"] && BuildCache.MemoTable(twice).count == 1)

        // Uses only the small entry: the big one would be stale, so the memo is written whole.
        let narrow = BuildCache(output: folder, environment: "e", clean: false)
        #expect(narrow.memo("small") == [small])
        narrow.memoize("other", ["o"])
        try narrow.prepareMemo(wholeAt: staged)
        #expect(narrow.memoAppendix == nil)
        let rewritten = BuildCache.MemoTable(try Data(contentsOf: URL(fileURLWithPath: staged)))
        #expect(rewritten.count == 2 && rewritten.values(for: "small") == [small] && rewritten.values(for: "other") == ["o"])
        #expect(rewritten.values(for: "big") == nil && rewritten.values(for: "new") == nil)

        // The file changed after it was read: not appended to, and left as it is.
        let raced = BuildCache(output: folder, environment: "e", clean: false)
        #expect(raced.memo("big") == [big])
        raced.memoize("late", ["l"])
        try raced.prepareMemo(wholeAt: staged)
        #expect(raced.memoAppendix != nil)
        let handle = try #require(FileHandle(forWritingAtPath: memoPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1]))
        try handle.close()
        let changed = try Data(contentsOf: URL(fileURLWithPath: memoPath))
        #expect(try raced.appendMemo(to: memoPath) == false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: memoPath)) == changed)
    }
}

extension BuildCacheTests {
    /// The memo's index file: read instead of the memo when it names the memo file as it is, giving
    /// what reading the memo through gives, after a whole write and after an append; not used for a
    /// memo changed since; a damaged one costs misses, never another key's value.
    @Test func memoIndexFileStandsForTheMemoItWasWrittenFor() throws {
        let entries = (0..<300).map { (BuildCache.key(["entry", String($0)]), ["값 \($0)", String(repeating: "v", count: $0)]) }
        let folder = try Self.previousBuild(memo: Data())
        defer { try? FileManager.default.removeItem(at: folder) }
        let memoPath = folder.appendingPathComponent(BuildCache.memoFile).path
        let indexPath = folder.appendingPathComponent(BuildCache.MemoIndex.file).path
        func writeIndex(_ cache: BuildCache) throws {
            try #require(cache.memoIndex(memoAt: memoPath)).write(to: URL(fileURLWithPath: indexPath))
        }
        /// The memo as read with its index, checked against the memo read through.
        func read(expectingIndex: Bool) throws -> BuildCache.MemoTable {
            let table = try #require(BuildCache.MemoTable(contentsOf: memoPath, indexAt: indexPath))
            #expect((table.indexEntries != nil) == expectingIndex)
            let through = BuildCache.MemoTable(try Data(contentsOf: URL(fileURLWithPath: memoPath)))
            #expect(table.validLength == through.validLength)
            var keys: [String] = []
            through.entries.forEach { _, entry in keys.append(through.key(at: entry.start)!.key) }
            #expect(keys.count == through.count && keys.allSatisfy { table.values(for: $0) == through.values(for: $0) })
            return table
        }

        // Written whole.
        let first = BuildCache(output: folder, environment: "e", clean: true)
        for (key, values) in entries { first.memoize(key, values) }
        try first.writeMemo(to: memoPath)
        try writeIndex(first)
        #expect(try read(expectingIndex: true).count == entries.count)

        // Appended to by a rebuild that uses it all, one value made again and one key new.
        let rebuild = BuildCache(output: folder, environment: "e", clean: false)
        for (key, values) in entries { #expect(rebuild.memo(key) == values) }
        rebuild.memoize(entries[5].0, ["바뀐 값"])
        rebuild.memoize("new", ["n"])
        try rebuild.prepareMemo(wholeAt: folder.appendingPathComponent("staged").path)
        #expect(rebuild.memoAppendix != nil)
        #expect(try rebuild.appendMemo(to: memoPath))
        try writeIndex(rebuild)
        let appended = try read(expectingIndex: true)
        #expect(appended.values(for: entries[5].0) == ["바뀐 값"] && appended.values(for: "new") == ["n"])
        #expect(appended.values(for: entries[6].0) == entries[6].1)

        // And again, from the index just written (its entries copied, the new ones after them).
        let again = BuildCache(output: folder, environment: "e", clean: false)
        for (key, values) in entries.dropFirst(6) { #expect(again.memo(key) == values) }
        again.memoize("newer", ["m"])
        try again.prepareMemo(wholeAt: folder.appendingPathComponent("staged").path)
        #expect(try again.appendMemo(to: memoPath))
        try writeIndex(again)
        #expect(try read(expectingIndex: true).values(for: "newer") == ["m"])

        // Entries pointed elsewhere in the file (two starts swapped): misses, not the other's value.
        var index = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        let (a, b) = (BuildCache.MemoIndex.headerSize + 20, BuildCache.MemoIndex.headerSize + BuildCache.MemoIndex.entrySize + 20)
        let startA = index[a..<(a + 8)], startB = index[b..<(b + 8)]
        index.replaceSubrange(a..<(a + 8), with: startB)
        index.replaceSubrange(b..<(b + 8), with: startA)
        try index.write(to: URL(fileURLWithPath: indexPath))
        let swapped = try #require(BuildCache.MemoTable(contentsOf: memoPath, indexAt: indexPath))
        let through = BuildCache.MemoTable(try Data(contentsOf: URL(fileURLWithPath: memoPath)))
        for key in entries.map(\.0) + ["new", "newer"] {
            #expect(swapped.values(for: key).map { $0 == through.values(for: key) } ?? true)
        }
        // An index cut short, or one whose entry runs past the memo's end: not used.
        try index.prefix(index.count - 1).write(to: URL(fileURLWithPath: indexPath))
        _ = try read(expectingIndex: false)
        var past = try #require(again.memoIndex(memoAt: memoPath))
        past.replaceSubrange((BuildCache.MemoIndex.headerSize + 32)..<(BuildCache.MemoIndex.headerSize + 36), with: [0xFF, 0xFF, 0xFF, 0x7F])
        try past.write(to: URL(fileURLWithPath: indexPath))
        _ = try read(expectingIndex: false)

        // The memo changed after the index was written (a byte added): the memo is read through.
        try writeIndex(again)
        let handle = try #require(FileHandle(forWritingAtPath: memoPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1]))
        try handle.close()
        #expect(try read(expectingIndex: false).values(for: "newer") == ["m"])
        #expect(again.memoIndex(memoAt: memoPath) == nil, "no index for a memo other than the one written")
    }
}

/// The output folder's path helpers and the removal of a previous output tree.
@Suite struct OutputFolderPathTests {
    @Test func parentsOfRelativePaths() {
        #expect(OutputFolder.parent(of: "kb/items/F-1.html") == "kb/items")
        #expect(OutputFolder.parent(of: "index.html") == "")
        #expect(OutputFolder.parent(of: "한글/파일.md") == "한글")
    }

    /// The tree goes, links in it are removed without following them.
    @Test func treesAreRemovedWithoutFollowingLinks() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tree-\(UUID().uuidString)")
        let tree = base.appendingPathComponent("old"), outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("a/b/c"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        try Data("x".utf8).write(to: tree.appendingPathComponent("a/b/c/f.txt"))
        try Data("y".utf8).write(to: tree.appendingPathComponent("top.txt"))
        try Data("keep".utf8).write(to: outside.appendingPathComponent("keep.txt"))
        try FileManager.default.createSymbolicLink(at: tree.appendingPathComponent("a/link"), withDestinationURL: outside)
        OutputFolder.removeTree(tree)
        #expect(!FileManager.default.fileExists(atPath: tree.path))
        #expect(FileManager.default.fileExists(atPath: outside.appendingPathComponent("keep.txt").path))
    }
}

/// Keys of whole reports from their views: every field a template can read, nested rows included.
@Suite struct ViewDigestTests {
    struct Row: TemplateView {
        var id: String
        var note: String?
        static let fields: TemplateFields<Row> = ["id": { $0.id.templateValue }, "note": { $0.note.templateValue }]
    }

    struct Report: TemplateView, @unchecked Sendable {
        var title: String
        var isDraft: Bool
        var rows: [Row]
        var t: [String: String]
        var extra: TemplateValue?
        static let fields: TemplateFields<Report> = [
            "title": { $0.title.templateValue }, "isDraft": { $0.isDraft.templateValue }, "rows": { $0.rows.templateValue },
            "t": { $0.t.templateValue }, "extra": { $0.extra },
        ]
    }

    /// An object that cannot describe itself (as a view with a closure would be).
    struct Opaque: TemplateObject {
        func value(named name: String) -> TemplateValue? { nil }
        func digest(into parts: inout DigestSink) -> Bool { false }
    }

    @Test func everyFieldCounts() throws {
        let base = Report(title: "기간 보고서", isDraft: false, rows: [Row(id: "F-1", note: nil), Row(id: "F-2", note: "x")], t: ["a": "1", "b": "2"], extra: nil)
        let parts = try #require(ViewDigest.parts(of: base))
        #expect(ViewDigest.parts(of: base) == parts, "the same view, the same parts")
        var changes: [Report] = []
        for change in 0..<6 {
            var other = base
            switch change {
            case 0: other.title = "기간 보고서 "
            case 1: other.isDraft = true
            case 2: other.rows[1].id = "F-3"
            case 3: other.rows[0].note = ""
            case 4: other.t["b"] = "3"
            default: other.rows.append(Row(id: "F-4", note: nil))
            }
            changes.append(other)
        }
        for (number, other) in changes.enumerated() {
            #expect(ViewDigest.parts(of: other) != parts, "change \(number)")
        }
        // A nil optional and an empty string tell apart.
        #expect(ViewDigest.parts(of: Row(id: "a", note: nil)) != ViewDigest.parts(of: Row(id: "a", note: "")))
    }

    @Test func valuesItCannotDescribeMakeNoKey() {
        #expect(ViewDigest.parts(of: Report(title: "", isDraft: false, rows: [], t: [:], extra: .object(Opaque()))) == nil)
        #expect(ViewDigest.parts(of: Report(title: "", isDraft: false, rows: [], t: [:], extra: .int(3))) != nil, "numbers are described")
    }
}

/// The previous build's files are mapped, not read: the bytes must be the file's, and a file renamed
/// over (as a build replaces its outputs and memo) must leave the mapped bytes as they were.
@Suite struct MappedFileTests {
    @Test func mappedBytesAreTheFilesAndOutliveAReplacement() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("memo").path
        let bytes = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try bytes.write(to: URL(fileURLWithPath: path))
        for populate in [true, false] {
            let mapped = try #require(MappedFile.read(path, populate: populate))
            #expect(mapped.data == bytes)
            #expect(Int(mapped.info.st_size) == bytes.count)
        }
        let kept = try #require(MappedFile.read(path, populate: false)).data
        try Data("new".utf8).write(to: URL(fileURLWithPath: path + ".partial"))
        #expect(rename(path + ".partial", path) == 0)
        #expect(kept == bytes, "the replaced file's bytes stay mapped")
        #expect(MappedFile.read(path, populate: true)?.data == Data("new".utf8))

        try Data().write(to: URL(fileURLWithPath: path))
        #expect(MappedFile.read(path, populate: true)?.data == Data(), "an empty file")
        #expect(MappedFile.read(folder.appendingPathComponent("missing").path, populate: true) == nil)
        #expect(MappedFile.read(folder.path, populate: true) == nil, "a folder is not a file")
    }
}
